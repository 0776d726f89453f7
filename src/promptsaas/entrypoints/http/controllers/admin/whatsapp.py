"""The tenant's WhatsApp number: its settings (secrets are written, never read back) and its inbox."""

from __future__ import annotations

from typing import Annotated

from litestar import get, put
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from promptsaas.application.whatsapp.accounts import AccountView, WhatsAppAccounts
from promptsaas.application.whatsapp.responder import WhatsAppResponder
from promptsaas.domain.whatsapp import WhatsAppAccount
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.schemas.whatsapp import (
    InboxEntryRead,
    OutboundRead,
    WhatsAppSettingsIn,
    WhatsAppSettingsRead,
)


def _read(view: AccountView) -> WhatsAppSettingsRead:
    return WhatsAppSettingsRead(
        phone_number_id=view.phone_number_id,
        source=view.source,
        webhook_path=f"/v1/webhooks/whatsapp/{view.tenant_slug}",
    )


class AdminWhatsAppController(AdminController):
    path = "/v1/admin/channels/whatsapp"
    tags = ["admin: channels"]

    @put(
        "/",
        status_code=HTTP_200_OK,
        operation_id="adminSetWhatsApp",
        summary="Set the WhatsApp number",
        responses=problems(*ADMIN),
    )
    async def set_whatsapp(
        self,
        whatsapp_accounts: NamedDependency[WhatsAppAccounts],
        caller: NamedDependency[Caller],
        data: JSONBody[WhatsAppSettingsIn],
    ) -> WhatsAppSettingsRead:
        """Store the number's id and its secrets, sealed at rest; they replace the previous ones and the
        deployment's defaults for this tenant. The secrets are never shown again."""
        account = WhatsAppAccount(data.phone_number_id, data.access_token, data.app_secret, data.verify_token)
        view = await whatsapp_accounts.configure(caller.tenant_id, account, actor(caller))
        return _read(view)

    @get(
        "/",
        operation_id="adminGetWhatsApp",
        summary="Show the WhatsApp number",
        responses=problems(*ADMIN, "whatsapp_not_configured"),
    )
    async def get_whatsapp(
        self,
        whatsapp_accounts: NamedDependency[WhatsAppAccounts],
        caller: NamedDependency[Caller],
    ) -> WhatsAppSettingsRead:
        """The number in use (the tenant's own, else the deployment's default) and the webhook path; no secret."""
        return _read(await whatsapp_accounts.view(caller.tenant_id))

    @get(
        "/messages",
        operation_id="adminListWhatsAppMessages",
        summary="List the inbox",
        responses=problems(*ADMIN),
    )
    async def messages(
        self,
        whatsapp: NamedDependency[WhatsAppResponder],
        caller: NamedDependency[Caller],
        limit: Annotated[
            int,
            QueryParameter(ge=1, le=500, description="How many entries, newest first", examples=[Example(value=50)]),
        ] = 50,
    ) -> list[InboxEntryRead]:
        """The newest inbound messages first, each with its state, the last error and the replies' statuses."""
        entries, outbound = await whatsapp.inbox(caller.tenant_id, limit)
        replies: dict[str, list[OutboundRead]] = {}
        for record in outbound:
            if record.inbound_id:
                replies.setdefault(record.inbound_id, []).append(
                    OutboundRead(
                        id=record.id, recipient=record.recipient, status=record.state, error_code=record.error_code
                    )
                )
        return [
            InboxEntryRead(
                id=e.message.message_id,
                person=e.message.person,
                kind=e.message.kind.value,
                state=e.state.value,
                attempts=e.attempts,
                received_at=e.received_at.isoformat(),
                error_code=e.error_code,
                error=e.error,
                replies=replies.get(e.message.message_id, []),
            )
            for e in entries
        ]
