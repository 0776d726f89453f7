"""A stored key that no configured encryption key opens is the server's fault, not the user's: the call fails with
`byok_key_undecryptable`, nothing is charged, and the key is never flagged as rejected by its provider."""

from __future__ import annotations

import pytest
from dependency_injector import providers
from fakes import RecordingProvider, agent, plan, usage_records, use_llm

from promptsaas.adapters.security.cipher import AesGcmCipher, new_key_entry, parse_keys
from promptsaas.application.ports.secrets import SecretCipher
from promptsaas.domain.errors import ByokKeyUndecryptable
from promptsaas.domain.usage import Funding, Outcome
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"
ANNS_KEY = "sk-ann-own-key-0123456789wxyz"


class SwappableCipher(SecretCipher):
    """The platform's cipher, whose keys a test replaces, as an operator changing PROMPTSAAS_ENCRYPTION_KEY would."""

    def __init__(self) -> None:
        self.original = self.current = AesGcmCipher(parse_keys(new_key_entry("original")))

    def encrypt(self, plaintext: str, associated_data: str) -> tuple[str, bytes]:
        return self.current.encrypt(plaintext, associated_data)

    def decrypt(self, key_id: str, ciphertext: bytes, associated_data: str) -> str:
        return self.current.decrypt(key_id, ciphertext, associated_data)

    def current_key_id(self) -> str:
        return self.current.current_key_id()


@pytest.fixture
def cipher(platform: AsyncPlatform) -> SwappableCipher:
    swappable = SwappableCipher()
    platform.container.cipher.override(providers.Object(swappable))
    return swappable


@pytest.fixture
def openai(platform: AsyncPlatform) -> RecordingProvider:
    model = RecordingProvider()
    use_llm(platform, openai=model)
    return model


@pytest.fixture
async def acme(tenant: AsyncTenant, cipher: SwappableCipher, openai: RecordingProvider) -> AsyncTenant:
    """Ann has used her one plan request of the day and stored her own key."""
    await tenant.apply_catalog(
        {
            "agents": [agent("tutor", prompt={"model": "openai:gpt-4o-mini"})],
            "plans": [plan("free", "all", ("requests", "day", 1), default=True, byok=True)],
        }
    )
    await tenant.chat(ANN, "tutor", "one")
    await tenant.set_provider_key(ANN, "openai", ANNS_KEY)
    return tenant


async def test_a_changed_encryption_key_fails_the_call_without_flagging_the_key(
    platform: AsyncPlatform, acme: AsyncTenant, cipher: SwappableCipher, openai: RecordingProvider
) -> None:
    cipher.current = AesGcmCipher(parse_keys(new_key_entry("replacement")))

    with pytest.raises(ByokKeyUndecryptable) as raised:
        await acme.chat(ANN, "tutor", "two")

    assert raised.value.code == "byok_key_undecryptable"
    assert "encryption key changed" in raised.value.message
    assert ANNS_KEY not in raised.value.message
    assert [k.invalid for k in await acme.provider_keys(ANN)] == [False]
    assert not [e for e in await acme.audit_log(100) if e.action == "provider_key.invalid"]
    failed = (await usage_records(platform, acme))[-1]
    assert (failed.funding, failed.outcome, failed.error_code) == (Funding.BYOK, Outcome.ERROR, raised.value.code)
    assert len(openai.requests) == 1


async def test_the_key_funds_calls_again_once_the_encryption_key_that_sealed_it_is_back(
    acme: AsyncTenant, cipher: SwappableCipher, openai: RecordingProvider
) -> None:
    cipher.current = AesGcmCipher(parse_keys(new_key_entry("replacement")))
    with pytest.raises(ByokKeyUndecryptable):
        await acme.chat(ANN, "tutor", "two")

    cipher.current = cipher.original
    reply = await acme.chat(ANN, "tutor", "three")

    assert reply.usage.funding == "byok"
    assert openai.requests[-1].api_key == ANNS_KEY
