"""Authentication requests and token responses."""

from __future__ import annotations

from typing import Annotated

import msgspec

from promptsaas.entrypoints.http.schemas.base import Read, Request

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class RegisterIn(Request):
    email: Email
    password: Password
    display_name: Annotated[str, msgspec.Meta(max_length=120)] | None = None


class LoginIn(Request):
    email: Email
    password: Password


class RefreshIn(Request):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class OAuthIn(Request):
    id_token: Annotated[str, msgspec.Meta(min_length=1, max_length=8192)]
    nonce: Annotated[str, msgspec.Meta(max_length=512)] | None = None


class UserRead(Read):
    id: str
    email: str | None
    display_name: str
    role: str
    status: str
    created_at: str


class TokensRead(Read):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


class SessionRead(TokensRead):
    user: UserRead
