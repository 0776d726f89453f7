"""AES-256-GCM for provider keys at rest: bound to its row, rotatable, configured from the environment."""

from __future__ import annotations

import base64
import hashlib
import logging
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dependency_injector import providers

from promptsaas.adapters.security.cipher import (
    AesGcmCipher,
    EncryptionKeyError,
    load_cipher,
    new_key_entry,
    parse_keys,
)
from promptsaas.application.ports.secrets import SecretUnreadable
from promptsaas.domain.provider_keys import binding
from promptsaas.entrypoints.composition.container import build_container
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

KEY = "sk-live-user-key-0123456789abcdef"
ANN_ROW = binding("t1", "ann", "openai")
OLD, NEW = new_key_entry("old"), new_key_entry("new")


def cipher(spec: str) -> AesGcmCipher:
    return AesGcmCipher(parse_keys(spec))


def test_a_key_decrypts_in_its_own_row_only() -> None:
    aead = cipher(NEW)
    key_id, sealed = aead.encrypt(KEY, ANN_ROW)

    assert aead.decrypt(key_id, sealed, ANN_ROW) == KEY
    assert KEY.encode() not in sealed
    for elsewhere in (binding("t1", "bob", "openai"), binding("t2", "ann", "openai"), binding("t1", "ann", "gemini")):
        with pytest.raises(SecretUnreadable):
            aead.decrypt(key_id, sealed, elsewhere)


def test_each_encryption_uses_a_fresh_nonce() -> None:
    aead = cipher(NEW)
    assert aead.encrypt(KEY, ANN_ROW)[1][:12] != aead.encrypt(KEY, ANN_ROW)[1][:12]


def test_a_tampered_or_truncated_ciphertext_does_not_decrypt() -> None:
    aead = cipher(NEW)
    key_id, sealed = aead.encrypt(KEY, ANN_ROW)
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])

    for broken in (flipped, sealed[:20], b""):
        with pytest.raises(SecretUnreadable):
            aead.decrypt(key_id, broken, ANN_ROW)


def test_a_key_with_the_same_id_but_other_bytes_does_not_decrypt() -> None:
    key_id, sealed = cipher(new_key_entry("k1")).encrypt(KEY, ANN_ROW)

    with pytest.raises(SecretUnreadable, match="does not open"):
        cipher(new_key_entry("k1")).decrypt(key_id, sealed, ANN_ROW)


def test_the_first_entry_seals_new_writes_and_older_ones_still_open() -> None:
    old_id, sealed = cipher(OLD).encrypt(KEY, ANN_ROW)
    rotated = cipher(f"{NEW},{OLD}")

    assert rotated.current_key_id() == "new"
    assert rotated.encrypt(KEY, ANN_ROW)[0] == "new"
    assert rotated.decrypt(old_id, sealed, ANN_ROW) == KEY
    with pytest.raises(SecretUnreadable, match="'old' is not configured"):
        cipher(NEW).decrypt(old_id, sealed, ANN_ROW)


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("", "holds no key"),
        ("k1:not base64!", "not base64"),
        (f"k1:{base64.b64encode(b'x' * 16).decode()}", "32 bytes"),
        (f"{NEW},{NEW}", "used twice"),
        (f"bad id:{NEW.split(':')[1]}", "invalid key id"),
    ],
)
def test_malformed_keys_are_a_startup_error_that_shows_no_key_material(spec: str, problem: str) -> None:
    with pytest.raises(EncryptionKeyError, match=problem) as raised:
        parse_keys(spec)
    material = [part.split(":")[-1] for part in spec.split(",") if part]
    assert not any(m and m in str(raised.value) for m in material)


def test_a_bare_key_gets_an_id_derived_from_it_and_url_safe_base64_is_accepted() -> None:
    raw = bytes(range(32))
    [(key_id, key)] = parse_keys(base64.urlsafe_b64encode(raw).decode())
    assert key_id == "k" + hashlib.sha256(raw).hexdigest()[:8]
    assert key == raw


def test_production_without_an_encryption_key_is_a_startup_error(tmp_path: Path) -> None:
    with pytest.raises(EncryptionKeyError, match="PROMPTSAAS_ENCRYPTION_KEY must be set in production"):
        load_cipher(None, production=True, key_file=tmp_path / "encryption_key")
    assert not (tmp_path / "encryption_key").exists()

    settings = Settings(database_url="memory://", production=True, secret_key="s" * 40)
    with pytest.raises(EncryptionKeyError):
        build_container(settings)


def test_development_generates_a_key_once_keeps_it_private_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key_file = tmp_path / ".promptsaas" / "encryption_key"

    with caplog.at_level(logging.WARNING, logger="promptsaas.security"):
        first = load_cipher(None, production=False, key_file=key_file)
    second = load_cipher(None, production=False, key_file=key_file)

    key_id, sealed = first.encrypt(KEY, ANN_ROW)
    assert second.decrypt(key_id, sealed, ANN_ROW) == KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["encryption_key"]
    assert "PROMPTSAAS_ENCRYPTION_KEY is not set" in caplog.text
    assert key_file.read_text().split(":")[1] not in caplog.text + repr(first)


def test_an_in_memory_platform_keeps_no_key_file(tmp_path: Path) -> None:
    settings = Settings(database_url="memory://", encryption_key_file=str(tmp_path / "encryption_key"))
    build_container(settings).cipher().encrypt(KEY, ANN_ROW)
    assert not (tmp_path / "encryption_key").exists()


@pytest.fixture
async def sqlite_platform(tmp_path: Path) -> AsyncIterator[AsyncPlatform]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'keys.db'}",
        encryption_key=OLD,
        password_memory_kib=1024,
        password_time_cost=1,
    )
    async with AsyncPlatform.open(settings=settings) as platform:
        yield platform


async def users_with_keys(platform: AsyncPlatform) -> AsyncTenant:
    acme = await platform.create_tenant("acme")
    await acme.apply_catalog({"agents": [], "plans": [{"code": "free", "name": "Free", "default": True}]})
    for name in ("ann", "bob", "cid"):
        await acme.create_user(f"{name}@example.com")
        await acme.set_provider_key(f"{name}@example.com", "openai", f"sk-{name}-key-0123456789")
    return acme


async def test_rotation_re_encrypts_every_key_with_the_newest_and_the_old_key_can_then_go(
    sqlite_platform: AsyncPlatform,
) -> None:
    acme = await users_with_keys(sqlite_platform)
    container = sqlite_platform.container
    container.cipher.override(providers.Object(cipher(f"{NEW},{OLD}")))
    container.provider_keys.reset()

    first = await sqlite_platform.rotate_encryption_keys()
    again = await sqlite_platform.rotate_encryption_keys()

    assert (first.key_id, first.rotated, first.unreadable) == ("new", 3, 0)
    assert again.rotated == 0
    container.cipher.override(providers.Object(cipher(NEW)))
    container.provider_keys.reset()
    service = container.provider_keys()
    for user in await acme.users():
        name = (user.email or "").split("@")[0]
        assert await service.key_for(await acme.id(), user.id, "openai") == f"sk-{name}-key-0123456789"
    audit = [e for e in await acme.audit_log(100) if e.action == "provider_key.rotate"]
    assert [(e.target, e.after) for e in audit] == [("encryption_key:new", "3 keys")]


async def test_rotation_counts_keys_no_configured_key_opens_and_leaves_them(sqlite_platform: AsyncPlatform) -> None:
    await users_with_keys(sqlite_platform)
    container = sqlite_platform.container
    container.cipher.override(providers.Object(cipher(f"{NEW},{new_key_entry('old')}")))
    container.provider_keys.reset()

    result = await sqlite_platform.rotate_encryption_keys()

    assert (result.rotated, result.unreadable) == (0, 3)
