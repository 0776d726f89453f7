"""The console's agent settings: create an agent, change its name, description and history, publish and retire it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from promptsaas.application.catalog.service import CatalogService
from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.errors import DomainError
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.forms import whole_number
from promptsaas.entrypoints.web.pages import page
from promptsaas.entrypoints.web.session import admin_only, checked_form, signed_user

NEW_AGENT = ("slug", "name", "description", "history_turns")


class AdminAgentSettingsController(Controller):
    include_in_schema = False
    path = "/admin/agents"
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        draft = {k: form.get(k, "").strip() for k in NEW_AGENT}
        try:
            agent = await catalog.create_agent(
                user.tenant_id,
                draft["slug"],
                draft["name"],
                user.email or user.id,
                description=draft["description"],
                status=AgentStatus.DRAFT,
                history_turns=whole_number(draft["history_turns"], "history_turns"),
            )
        except DomainError as error:
            overview = await catalog.overview(user.tenant_id)
            return page(request, "admin/agents.html", 400, overview=overview, draft=draft, error=error.message)
        return Redirect(path=f"/admin/agents/{agent.slug}?done=created")

    @post("/{slug:str}/settings")
    async def change(
        self,
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        slug: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        await catalog.update_agent(
            user.tenant_id,
            slug,
            user.email or user.id,
            name=form["name"].strip() if "name" in form else None,
            description=form.get("description", "").strip(),
            history_turns=whole_number(form.get("history_turns", ""), "history_turns"),
        )
        return Redirect(path=f"/admin/agents/{slug}?done=saved")

    @post("/{slug:str}/publish")
    async def publish(
        self,
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        slug: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        await catalog.update_agent(user.tenant_id, slug, user.email or user.id, status=AgentStatus.PUBLISHED)
        return Redirect(path=f"/admin/agents/{slug}?done=published")

    @post("/{slug:str}/retire")
    async def retire(
        self,
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        slug: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        await catalog.update_agent(user.tenant_id, slug, user.email or user.id, status=AgentStatus.RETIRED)
        return Redirect(path=f"/admin/agents/{slug}?done=retired")
