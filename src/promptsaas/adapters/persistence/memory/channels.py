"""In-memory chat state, link codes, channel secrets and the messenger updates (their inbox)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from promptsaas.adapters.persistence.memory.repositories import _Repo
from promptsaas.adapters.persistence.memory.store import Journal, MemoryStore
from promptsaas.application.ports import channels as ports
from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.domain.channels import Channel
from promptsaas.domain.links import ChatState, LinkCode
from promptsaas.domain.messengers import ChannelSecret, MessengerUpdate
from promptsaas.domain.users import IdentityProvider


class MemoryChats(_Repo, ports.ChatStateRepository):
    async def get(self, tenant_id: str, channel: Channel, subject: str) -> ChatState | None:
        return self._table.get((tenant_id, channel, subject))  # type: ignore[no-any-return]

    async def put(self, state: ChatState) -> None:
        self._table.put(self._journal, (state.tenant_id, state.channel, state.subject), state)


class MemoryLinks(ports.LinkRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._store = store
        self._journal = journal

    async def add_code(self, code: LinkCode) -> None:
        self._store.link_codes.put(self._journal, (code.tenant_id, code.code_hash), code)

    async def get_code(self, tenant_id: str, code_hash: str) -> LinkCode | None:
        return self._store.link_codes.get((tenant_id, code_hash))  # type: ignore[no-any-return]

    async def use_code(self, tenant_id: str, code_hash: str, at: datetime) -> bool:
        stored: LinkCode | None = self._store.link_codes.rows.get((tenant_id, code_hash))
        if stored is None or stored.used_at is not None:
            return False
        self._store.link_codes.put(self._journal, (tenant_id, code_hash), replace(stored, used_at=at))
        return True

    async def move_identity(self, tenant_id: str, provider: str, subject: str, user_id: str) -> None:
        key = (tenant_id, IdentityProvider(provider), subject)
        identity = self._store.identities.get(key)
        if identity is not None:
            self._store.identities.put(self._journal, key, replace(identity, user_id=user_id))

    async def move_conversations(self, tenant_id: str, from_user: str, to_user: str) -> int:
        table = self._store.conversations
        moved = [c for c in table.values() if c.tenant_id == tenant_id and c.user_id == from_user]
        for conversation in moved:
            conversation.user_id = to_user
            table.put(self._journal, (tenant_id, conversation.id), conversation)
        return len(moved)

    async def move_subscriptions(self, tenant_id: str, from_user: str, to_user: str) -> int:
        table = self._store.subscriptions
        moved = [s for s in table.values() if s.tenant_id == tenant_id and s.user_id == from_user]
        for subscription in moved:
            subscription.user_id = to_user
            table.put(self._journal, (tenant_id, subscription.id), subscription)
        return len(moved)


class MemoryChannelSecrets(_Repo, ports.ChannelSecretRepository):
    async def get(self, tenant_id: str, channel: str, name: str) -> ChannelSecret | None:
        return self._table.get((tenant_id, channel, name))  # type: ignore[no-any-return]

    async def put(self, secret: ChannelSecret) -> None:
        self._table.put(self._journal, (secret.tenant_id, secret.channel, secret.name), secret)

    async def delete(self, tenant_id: str, channel: str, name: str) -> bool:
        if (tenant_id, channel, name) not in self._table.rows:
            return False
        self._table.delete(self._journal, (tenant_id, channel, name))
        return True


class MemoryMessengerUpdates(_Repo, ports.MessengerUpdateRepository):
    async def accept(self, event: MessengerUpdate) -> bool:
        key = (event.tenant_id, event.provider, event.external_id)
        if key in self._table.rows:
            return False
        self._table.put(self._journal, key, event)
        return True

    async def claim(
        self, tenant_id: str, provider: str, external_id: str, now: datetime, until: datetime, max_attempts: int
    ) -> bool:
        key = (tenant_id, provider, external_id)
        stored: MessengerUpdate | None = self._table.rows.get(key)
        if stored is None or not _free(stored, now, max_attempts):
            return False
        self._table.put(self._journal, key, replace(stored, claimed_until=until, attempts=stored.attempts + 1))
        return True

    async def release(self, tenant_id: str, provider: str, external_id: str) -> None:
        key = (tenant_id, provider, external_id)
        stored: MessengerUpdate | None = self._table.rows.get(key)
        if stored is not None and stored.processed_at is None:
            self._table.put(self._journal, key, replace(stored, claimed_until=None))

    async def mark_processed(self, tenant_id: str, provider: str, external_id: str, at: datetime) -> bool:
        key = (tenant_id, provider, external_id)
        stored: MessengerUpdate | None = self._table.rows.get(key)
        if stored is None or stored.processed_at is not None:
            return False
        self._table.put(self._journal, key, replace(stored, processed_at=at, claimed_until=None))
        return True

    async def pending(
        self, tenant_id: str, provider: str, now: datetime, max_attempts: int, limit: int = 100
    ) -> list[MessengerUpdate]:
        rows = [e for e in self._of(tenant_id) if e.provider == provider and _free(e, now, max_attempts)]
        return sorted(rows, key=lambda e: e.received_at)[:limit]

    async def backlog(self) -> InboxBacklog:
        found = [e.received_at for e in self._table.rows.values() if e.processed_at is None]
        return InboxBacklog(len(found), min(found, default=None))


def _free(update: MessengerUpdate, now: datetime, max_attempts: int) -> bool:
    """Not applied, held by nobody (or a claim that ran out), not given up on."""
    held = update.claimed_until is not None and update.claimed_until > now
    return update.processed_at is None and not held and update.attempts < max_attempts
