"""The two authenticated audiences: members (and API clients), and tenant admins.

Each base controller guards its routes (the credential is checked before the body is read), provides `caller`, and
documents its security; `openapi.SIGNED_IN` and `openapi.ADMIN` name the problems every route of each can answer.
"""

from __future__ import annotations

from litestar import Controller
from litestar.di import Provide

from promptsaas.entrypoints.http.caller import SIGNED_IN, Caller, admin_only, member, signed_in


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
