"""Audit entries: the append-only trail of every admin change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: str
    tenant_id: str
    actor: str
    action: str
    target: str
    created_at: datetime
    before: str = ""
    after: str = ""
    request_id: str = ""
    """The request that made the change (empty for the CLI and the library)."""
