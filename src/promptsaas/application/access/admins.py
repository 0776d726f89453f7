"""Who may administer a tenant: the one rule every shell applies before an admin operation, so none writes its own."""

from __future__ import annotations

from promptsaas.domain import policy
from promptsaas.domain.decisions import Principal
from promptsaas.domain.errors import Forbidden
from promptsaas.domain.users import User


def require_admin(user: User) -> None:
    """Raise `Forbidden` (code `forbidden`; 403 over HTTP) unless the user holds the admin role."""
    if not policy.may_administer(Principal(user.id, user.tenant_id, user.role, user.status)):
        raise Forbidden("this needs the admin role")
