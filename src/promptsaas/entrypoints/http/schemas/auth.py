"""Authentication requests and token responses."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from promptsaas.domain.bounds import MAX_NAME
from promptsaas.entrypoints.http.schemas.base import CreatedAt, Read, Request, UserId, about

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254), about("The email address", "ada@example.com")]
Password = Annotated[
    str, msgspec.Meta(min_length=1, max_length=1024), about("The password (8 characters or more)", "correct horse")
]
RefreshToken = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=512),
    about("A refresh token from a login, register or refresh", "rt_0193a5b2.Zx8kQ2mV4pL9sT1wY6nB3cR7dF0gH5jK"),
]


LinkToken = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=2048),
    about(
        "The token of a mailed link (after `token=` or `invite=`)", "eyJhbGciOiJIUzI1NiIsImtpZCI6Im1haW4ifQ.e30.c2ln"
    ),
]


class RegisterIn(Request):
    email: Email
    password: Password
    display_name: (
        Annotated[str, msgspec.Meta(max_length=MAX_NAME), about("How the member is greeted", "Ada")] | None
    ) = None
    invite: LinkToken | None = None


class AcceptedRead(Read):
    status: Annotated[str, about("Always `accepted`: what happens next arrives by mail", "accepted")]
    message: Annotated[str, about("What to do next", "check your mailbox")]


class VerifyEmailIn(Request):
    token: LinkToken


class ForgotPasswordIn(Request):
    email: Email


class ResetPasswordIn(Request):
    token: LinkToken
    password: Password


class PasswordChangeIn(Request):
    current_password: Password
    new_password: Password


class LoginIn(Request):
    email: Email
    password: Password


class RefreshIn(Request):
    refresh_token: RefreshToken


class OAuthIn(Request):
    id_token: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=8192),
        about("The ID token (a JWT) the provider's sign-in returned", "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.c2ln"),
    ]
    nonce: (
        Annotated[
            str, msgspec.Meta(max_length=512), about("The nonce the sign-in was started with (Apple)", "n-7f3a9c")
        ]
        | None
    ) = None


class UserRead(Read):
    id: UserId
    email: Annotated[str | None, about("The email; `null` for a messenger-only user", "ada@example.com")]
    display_name: Annotated[str, about("How the user is greeted", "Ada")]
    role: Annotated[str, about("`member` or `admin`", "member")]
    status: Annotated[str, about("`active` or `disabled`", "active")]
    created_at: CreatedAt
    email_verified: Annotated[bool, about("Whether the owner of the mailbox proved it", True)] = False


class TokensRead(Read):
    access_token: Annotated[
        str, about("A JWT to send as `Authorization: Bearer …`", "eyJhbGciOiJIUzI1NiIsImtpZCI6Im1haW4ifQ.e30.c2ln")
    ]
    refresh_token: Annotated[
        str, about("Trade it at `/v1/auth/refresh`; used once", "rt_0193a5b2.Zx8kQ2mV4pL9sT1wY6nB3cR7dF0gH5jK")
    ]
    token_type: Annotated[str, about("Always `bearer`", "bearer")]
    expires_in: Annotated[int, about("Seconds until the access token expires", 900)]


class SessionRead(TokensRead):
    user: Annotated[UserRead, msgspec.Meta(description="The account just created")]


class InviteIn(Request):
    email: Email
    role: Annotated[Literal["member", "admin"], about("The role the account gets", "member")] = "member"


class InviteRead(Read):
    email: Annotated[str, about("Who was invited (normalised)", "ada@example.com")]
    role: Annotated[str, about("The role the account gets", "member")]
    link: Annotated[
        str, about("The link mailed to them, to hand over yourself if need be", "https://app/sign-up?invite=e")
    ]


class SignupModeIn(Request):
    mode: Annotated[
        Literal["open", "verified", "invite", "closed"],
        about("Who may create an account: anyone, anyone who verifies first, invitees, nobody", "verified"),
    ]


class SignupModeRead(Read):
    mode: Annotated[str, about("The tenant's sign-up mode", "verified")]
