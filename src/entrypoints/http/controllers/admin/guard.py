"""The admin dependency shared by every admin controller."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide

from entrypoints.http.caller import Caller, admin, member


async def admin_caller(request: Request[Any, Any, Any]) -> Caller:
    return await admin(await member(request))


ADMIN = {"caller": Provide(admin_caller)}


def actor(caller: Caller) -> str:
    return caller.user.email or caller.user.id
