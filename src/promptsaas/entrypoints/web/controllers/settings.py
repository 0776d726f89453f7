"""The member's own pages: API keys (shown once, revoked), own provider keys (never shown back), and usage."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from promptsaas.application.access import AccessService
from promptsaas.application.auth.service import AuthService
from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.domain.credentials import ApiKey
from promptsaas.domain.errors import DomainError
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.forms import limit_lines
from promptsaas.entrypoints.web.pages import page, when
from promptsaas.entrypoints.web.session import checked_form, signed_in, signed_user

DONE = {
    "revoked": "The API key was revoked.",
    "provider_saved": "Your provider key was saved.",
    "provider_deleted": "Your provider key was deleted.",
    "key_form_used": "That form was already sent: no second key was made. A key's secret is shown only once; "
    "if you did not copy it, revoke that key and create another.",
}
NEWEST_KEY = "newest_key"
"""The create-key form's one-time token: the member's newest key when the form was shown. Sent again (a refresh of
the answer re-POSTs it), it finds the key it made is newer and makes no second one."""


class SettingsController(Controller):
    include_in_schema = False
    guards = [signed_in]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @get("/settings")
    async def settings(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        provider_keys: NamedDependency[ProviderKeyService],
        user: NamedDependency[User],
    ) -> Template:
        return await _settings(request, auth, provider_keys, user)

    @post("/settings/api-keys")
    async def create_api_key(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        provider_keys: NamedDependency[ProviderKeyService],
        user: NamedDependency[User],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        """The new key's secret is on this answer only (never stored readable, never shown again)."""
        if form.get(NEWEST_KEY, "") != await _newest_key(auth, user):
            return Redirect(path="/settings?done=key_form_used")
        try:
            key, secret = await auth.create_api_key(user.tenant_id, user.id, form.get("name", "").strip())
        except DomainError as error:
            return await _settings(request, auth, provider_keys, user, error=error.message, status=400)
        return await _settings(request, auth, provider_keys, user, created=(key.name, secret), status=201)

    @post("/settings/api-keys/{key_id:str}/revoke")
    async def revoke_api_key(
        self,
        auth: NamedDependency[AuthService],
        user: NamedDependency[User],
        key_id: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        await auth.revoke_api_key(user.tenant_id, user.id, key_id)
        return Redirect(path="/settings?done=revoked")

    @post("/settings/provider-keys")
    async def set_provider_key(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        provider_keys: NamedDependency[ProviderKeyService],
        user: NamedDependency[User],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        try:
            await provider_keys.set_provider_key(
                user.tenant_id, user.id, form.get("provider", ""), form.get("api_key", "").strip()
            )
        except DomainError as error:
            return await _settings(request, auth, provider_keys, user, error=error.message, status=400)
        return Redirect(path="/settings?done=provider_saved")

    @post("/settings/provider-keys/{provider:str}/delete")
    async def delete_provider_key(
        self,
        provider_keys: NamedDependency[ProviderKeyService],
        user: NamedDependency[User],
        provider: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        await provider_keys.delete_provider_key(user.tenant_id, user.id, provider)
        return Redirect(path="/settings?done=provider_deleted")

    @get("/usage")
    async def usage(
        self, request: Request[Any, Any, Any], access: NamedDependency[AccessService], user: NamedDependency[User]
    ) -> Template:
        plans = [(code, limit_lines(views)) for code, views in await access.limits(user.tenant_id, user.id)]
        return page(request, "usage.html", plans=plans, when=when)


async def _settings(
    request: Request[Any, Any, Any],
    auth: AuthService,
    provider_keys: ProviderKeyService,
    user: User,
    *,
    created: tuple[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Template:
    every = await auth.api_keys(user.tenant_id, user.id)
    keys = [k for k in every if k.revoked_at is None]
    own = await provider_keys.provider_keys(user.tenant_id, user.id)
    done = DONE.get(request.query_params.get("done") or "")
    return page(
        request,
        "settings.html",
        status,
        keys=keys,
        own=own,
        created=created,
        error=error,
        done=done,
        newest_key=_newest(every),
        when=when,
    )


async def _newest_key(auth: AuthService, user: User) -> str:
    return _newest(await auth.api_keys(user.tenant_id, user.id))


def _newest(keys: list[ApiKey]) -> str:
    """The id of the member's most recently created key, revoked or not; empty before the first."""
    return max(keys, key=lambda k: (k.created_at, k.id)).id if keys else ""
