"""Access: every access rule of the application, over the policy engine (`domain.policy`), its only caller.

`enforcement` decides and reserves a call, then settles or releases it; `context` loads what the policy is asked;
`admins` holds the admin rule every shell applies; `limits` shows a limit's state.
"""

from promptsaas.application.access.admins import require_admin
from promptsaas.application.access.enforcement import RESERVATION_TTL, AccessService, Account, Grant, OwnKeyLookup
from promptsaas.application.access.limits import LimitView, views

__all__ = [
    "RESERVATION_TTL",
    "AccessService",
    "Account",
    "Grant",
    "LimitView",
    "OwnKeyLookup",
    "require_admin",
    "views",
]
