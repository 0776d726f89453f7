"""The shapes of refresh tokens and API keys."""

from __future__ import annotations

import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promptsaas.domain.credentials import (
    BASE62,
    api_key_from,
    encode_base62,
    hash_secret,
    is_api_key,
    refresh_token_from,
    tenant_of_refresh_token,
)


def decode_base62(text: str) -> int:
    number = 0
    for char in text:
        number = number * 62 + BASE62.index(char)
    return number


@given(st.binary(min_size=32, max_size=32))
def test_base62_keeps_every_bit_in_43_characters(data: bytes) -> None:
    encoded = encode_base62(data)

    assert len(encoded) == 43
    assert set(encoded) <= set(BASE62)
    assert decode_base62(encoded) == int.from_bytes(data, "big")


def test_base62_extremes() -> None:
    assert encode_base62(bytes(32)) == "0" * 43
    assert decode_base62(encode_base62(b"\xff" * 32)) == 2**256 - 1
    assert encode_base62(b"\x3d") == "0z"
    assert encode_base62(b"\x3e") == "10"


def test_an_api_key_is_psk_and_43_base62_characters() -> None:
    key = api_key_from(secrets.token_bytes(32))

    assert is_api_key(key)
    assert key.startswith("psk_")
    assert len(key) == 47
    assert not is_api_key(key[:-1])
    assert not is_api_key(key + "0")
    assert not is_api_key("psk_" + "-" * 43)


@pytest.mark.parametrize("tenant_id", ["0190f3a2-7c1e-7a00-8000-000000000001", "t_with_underscores", "x"])
def test_a_refresh_token_names_its_tenant(tenant_id: str) -> None:
    token = refresh_token_from(tenant_id, secrets.token_urlsafe(32))

    assert tenant_of_refresh_token(token) == tenant_id


@pytest.mark.parametrize(
    "token",
    [
        "",
        "rt_",
        "rt__" + "A" * 43,
        "rt_t_" + "A" * 42,
        "rt_t-" + "A" * 43,
        "xx_t_" + "A" * 43,
        "rt_t_" + "A" * 42 + "!",
    ],
)
def test_a_string_without_a_refresh_tokens_shape_names_no_tenant(token: str) -> None:
    assert tenant_of_refresh_token(token) is None


def test_secrets_are_stored_as_sha256_hex() -> None:
    assert hash_secret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
