"""The console's agents and prompt versions: an editor for a new draft, a side-by-side diff, activate, roll back."""

from __future__ import annotations

import json
from typing import Annotated, Any

import yaml
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from promptsaas.application.catalog.document import parse_prompt
from promptsaas.application.catalog.service import CatalogService
from promptsaas.domain.errors import DomainError, InvalidInput
from promptsaas.domain.prompts import PromptVersion
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.diffs import side_by_side
from promptsaas.entrypoints.web.pages import page, when
from promptsaas.entrypoints.web.session import admin_only, checked_form, signed_user

AGENT_NOTICES = {
    "created": "Agent created as a draft: save a prompt version, activate it, then publish.",
    "saved": "Agent settings saved.",
    "published": "Agent published: members whose plan grants it can use it.",
    "retired": "Agent retired: members can no longer use it.",
}


def _actor(user: User) -> str:
    return user.email or user.id


def _draft(version: PromptVersion | None) -> dict[str, str]:
    """The editor's fields, prefilled from a version."""
    if version is None:
        return {"system": "", "user": "", "model": "offline:echo", "variables": "", "params": "", "note": ""}
    content = version.content
    variables = {v.name: v.describe() for v in content.variables}
    params = content.params.as_dict()
    return {
        "system": content.system,
        "user": content.user or "",
        "model": content.model,
        "variables": yaml.safe_dump(variables, sort_keys=False, default_flow_style=None) if variables else "",
        "params": json.dumps(params) if params else "",
        "note": "",
    }


def _mapping(text: str, field: str) -> Any:
    if not text.strip():
        return None
    try:
        found = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInput(f"{field} is not valid YAML: {error}".splitlines()[0], field=field) from None
    if not isinstance(found, dict):
        raise InvalidInput(f"{field} must be a mapping of names to settings", field=field)
    return found


class AdminAgentsController(Controller):
    include_in_schema = False
    path = "/admin/agents"
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @get("/")
    async def agents(
        self, request: Request[Any, Any, Any], catalog: NamedDependency[CatalogService], user: NamedDependency[User]
    ) -> Template:
        overview = await catalog.overview(user.tenant_id)
        return page(request, "admin/agents.html", overview=overview)

    @get("/{slug:str}")
    async def agent(
        self,
        request: Request[Any, Any, Any],
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        slug: FromPath[str],
    ) -> Template:
        return await _agent_page(request, catalog, user, slug)

    @post("/{slug:str}/versions")
    async def create_version(
        self,
        request: Request[Any, Any, Any],
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        slug: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        draft = {k: form.get(k, "") for k in ("system", "user", "model", "variables", "params", "note")}
        try:
            block = {
                "system": draft["system"],
                "model": draft["model"].strip(),
                "user": draft["user"] or None,
                "variables": _mapping(draft["variables"], "variables"),
                "params": _mapping(draft["params"], "params"),
            }
            content, _ = parse_prompt({k: v for k, v in block.items() if v is not None})
            version = await catalog.create_version(
                user.tenant_id, slug, content, note=draft["note"].strip(), actor=_actor(user)
            )
        except DomainError as error:
            return await _agent_page(request, catalog, user, slug, draft=draft, error=error.message, status=400)
        active = next((v for v in await catalog.versions(user.tenant_id, slug) if v.status.value == "active"), None)
        base = active.number if active else version.number
        return Redirect(path=f"/admin/agents/{slug}/diff?a={base}&b={version.number}")

    @get("/{slug:str}/diff")
    async def diff(
        self,
        request: Request[Any, Any, Any],
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        slug: FromPath[str],
        a: Annotated[int, QueryParameter(ge=1)],
        b: Annotated[int, QueryParameter(ge=1)],
    ) -> Template:
        agent = await catalog.agent(user.tenant_id, slug)
        old = await catalog.version(user.tenant_id, slug, a)
        new = await catalog.version(user.tenant_id, slug, b)
        return page(request, "admin/diff.html", agent=agent, old=old, new=new, rows=side_by_side(old, new))

    @post("/{slug:str}/versions/{number:int}/activate")
    async def activate(
        self,
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        slug: FromPath[str],
        number: FromPath[int],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        await catalog.activate(user.tenant_id, slug, number, actor=_actor(user))
        return Redirect(path=f"/admin/agents/{slug}?done=activated&number={number}")

    @post("/{slug:str}/rollback")
    async def rollback(
        self,
        catalog: NamedDependency[CatalogService],
        user: NamedDependency[User],
        slug: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        version = await catalog.rollback(user.tenant_id, slug, actor=_actor(user))
        return Redirect(path=f"/admin/agents/{slug}?done=rolled_back&number={version.number}")


async def _agent_page(
    request: Request[Any, Any, Any],
    catalog: CatalogService,
    user: User,
    slug: str,
    *,
    draft: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Template:
    agent, active = await catalog.agent_with_active(user.tenant_id, slug)
    versions = sorted(await catalog.versions(user.tenant_id, slug), key=lambda v: -v.number)
    shown = next((v for v in versions if v.number == active), versions[0] if versions else None)
    done = request.query_params.get("done")
    notice = None
    if done in ("activated", "rolled_back"):
        verb = "Activated" if done == "activated" else "Rolled back to"
        notice = f"{verb} version {request.query_params.get('number', '')}."
    elif done in AGENT_NOTICES:
        notice = AGENT_NOTICES[done]
    return page(
        request,
        "admin/agent.html",
        status,
        agent=agent,
        active=active,
        versions=versions,
        draft=draft or _draft(shown),
        error=error,
        notice=notice,
        when=when,
    )
