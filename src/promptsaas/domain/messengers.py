"""Messenger updates (the inbox of each chat channel) and channel secrets: what a bot shell stores per tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MessengerUpdate:
    """One delivery, e.g. provider `telegram`, external id the update's `update_id`; applied once, whatever the
    redeliveries. `processed_at` stays empty until it was applied, so a crash in between leaves it pending; the one
    applying it holds it until `claimed_until`, after which a claim left by a dead process may be taken over."""

    tenant_id: str
    provider: str
    external_id: str
    payload: str
    received_at: datetime
    processed_at: datetime | None = None
    claimed_until: datetime | None = None
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class ChannelSecret:
    """One secret of a tenant's channel (a bot token, a webhook secret), encrypted with the tenant and name bound in."""

    tenant_id: str
    channel: str
    name: str
    key_id: str
    ciphertext: bytes
    updated_at: datetime

    @property
    def associated_data(self) -> str:
        return channel_secret_owner(self.tenant_id, self.channel, self.name)


def channel_secret_owner(tenant_id: str, channel: str, name: str) -> str:
    return f"channel:{tenant_id}:{channel}:{name}"
