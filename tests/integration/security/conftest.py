"""Security adapters under test: a settable clock, signing keys and users to issue tokens for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from promptsaas.adapters.clock import UuidV7Generator
from promptsaas.adapters.security.signing_keys import SigningKey, SigningKeys
from promptsaas.adapters.security.tokens import JwtTokenIssuer
from promptsaas.application.ports.clock import Clock
from promptsaas.domain.users import Role, User

NOON = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)
ISSUER = "promptsaas-test"
AUDIENCE = "promptsaas-test-api"


class SettableClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOON)


@pytest.fixture
def keys() -> SigningKeys:
    return SigningKeys(SigningKey("current", b"c" * 40), (SigningKey("previous", b"p" * 40),))


def issuer_with(keys: SigningKeys, clock: Clock, *, issuer: str = ISSUER, audience: str = AUDIENCE) -> JwtTokenIssuer:
    return JwtTokenIssuer(lambda: keys, clock, UuidV7Generator(), issuer=issuer, audience=audience)


@pytest.fixture
def tokens(keys: SigningKeys, clock: SettableClock) -> JwtTokenIssuer:
    return issuer_with(keys, clock)


@pytest.fixture
def ann() -> User:
    return User("user-ann", "tenant-acme", "ann@example.com", "Ann", NOON, Role.ADMIN)
