"""The console's test run of a prompt version (a draft included) against a chosen model; nothing is activated."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Template

from promptsaas.application.prompt_trials import PromptTrials
from promptsaas.domain.errors import DomainError
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.forms import fields, values
from promptsaas.entrypoints.web.pages import micros, page
from promptsaas.entrypoints.web.session import admin_only, checked_form, signed_user


class AdminTrialsController(Controller):
    include_in_schema = False
    path = "/admin/agents"
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @get("/{slug:str}/versions/{number:int}/try")
    async def form_page(
        self,
        request: Request[Any, Any, Any],
        prompt_trials: NamedDependency[PromptTrials],
        user: NamedDependency[User],
        slug: FromPath[str],
        number: FromPath[int],
    ) -> Template:
        subject = await prompt_trials.subject(user, slug, number)
        chosen = {"model": subject.version.content.model, "input": ""}
        return _trial_page(request, subject, chosen)

    @post("/{slug:str}/versions/{number:int}/try")
    async def run(
        self,
        request: Request[Any, Any, Any],
        prompt_trials: NamedDependency[PromptTrials],
        user: NamedDependency[User],
        slug: FromPath[str],
        number: FromPath[int],
        form: NamedDependency[dict[str, str]],
    ) -> Template:
        subject = await prompt_trials.subject(user, slug, number)
        chosen = {"model": form.get("model", ""), "input": form.get("input", "")}
        try:
            variables = values(subject.version.content.variables, form)
            answer = await prompt_trials.run(user, slug, number, chosen["model"], chosen["input"], variables)
        except DomainError as error:
            return _trial_page(request, subject, chosen, error=error.message, status=400)
        return _trial_page(request, subject, chosen, answer=answer)


def _trial_page(
    request: Request[Any, Any, Any], subject: Any, chosen: dict[str, str], status: int = 200, **context: Any
) -> Template:
    return page(
        request,
        "admin/trial.html",
        status,
        agent=subject.agent,
        version=subject.version,
        models=subject.models,
        fields=fields(subject.version.content.variables),
        chosen=chosen,
        micros=micros,
        **context,
    )
