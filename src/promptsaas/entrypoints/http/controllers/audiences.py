"""The two authenticated audiences: members (and API clients), and tenant admins.

Each base controller guards its routes (the credential is checked before the body is read), provides `caller`, and
documents its security and the problems every route of the audience can answer.
"""

from __future__ import annotations

from litestar import Controller
from litestar.di import Provide

from promptsaas.entrypoints.http.caller import SIGNED_IN, Caller, admin_only, member, signed_in

MEMBER_ERRORS = (401,)
ADMIN_ERRORS = (401, 403)


class MemberController(Controller):
    guards = [signed_in]
    dependencies = {"caller": Provide(member)}
    security = SIGNED_IN


class AdminController(Controller):
    guards = [admin_only]
    dependencies = {"caller": Provide(member)}
    security = SIGNED_IN


def actor(caller: Caller) -> str:
    """How the audit log names the admin who made a change."""
    return caller.user.email or caller.user.id
