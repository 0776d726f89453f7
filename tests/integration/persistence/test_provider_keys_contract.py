"""Users' own provider keys (BYOK): the same answers from every backend, with compare-and-set writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import NOON, provider_key


async def test_keys_round_trip_listed_by_provider(backend: Backend) -> None:
    openai, anthropic = provider_key("t1", "u1"), provider_key("t1", "u1", "anthropic")
    async with backend.uow() as uow:
        await uow.provider_keys.put(openai)
        await uow.provider_keys.put(anthropic)
        await uow.provider_keys.put(provider_key("t1", "u2"))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.provider_keys.get("t1", "u1", "openai") == openai
        assert await uow.provider_keys.get("t1", "u1", "gemini") is None
        assert await uow.provider_keys.list_for_user("t1", "u1") == [anthropic, openai]


async def test_putting_a_key_again_replaces_it_and_clears_its_flag(backend: Backend) -> None:
    flagged = replace(provider_key("t1", "u1"), invalid_at=NOON)
    fresh = provider_key("t1", "u1", sealed=b"\x01new")
    fresh = replace(fresh, key_id="k2", last4="abcd", created_at=NOON + timedelta(hours=1))
    async with backend.uow() as uow:
        await uow.provider_keys.put(flagged)
        await uow.commit()
    async with backend.uow() as uow:
        await uow.provider_keys.put(fresh)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.provider_keys.list_for_user("t1", "u1") == [fresh]


async def test_delete_says_whether_there_was_a_key(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.provider_keys.put(provider_key("t1", "u1"))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.provider_keys.delete("t1", "u1", "openai")
        assert not await uow.provider_keys.delete("t1", "u1", "openai")
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.provider_keys.get("t1", "u1", "openai") is None


async def test_flagging_and_re_encrypting_skip_a_key_replaced_meanwhile(backend: Backend) -> None:
    seen = provider_key("t1", "u1")
    replaced = provider_key("t1", "u1", sealed=b"\x02replaced")
    async with backend.uow() as uow:
        await uow.provider_keys.put(replaced)
        await uow.commit()
    async with backend.uow() as uow:
        assert not await uow.provider_keys.mark_invalid(seen, NOON)
        assert not await uow.provider_keys.reencrypt(seen, "k2", b"\x03" * 40)
        assert await uow.provider_keys.mark_invalid(replaced, NOON)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.provider_keys.get("t1", "u1", "openai") == replace(replaced, invalid_at=NOON)
        assert await uow.provider_keys.reencrypt(replaced, "k2", b"\x03" * 40)
        await uow.commit()
    async with backend.uow() as uow:
        stored = await uow.provider_keys.get("t1", "u1", "openai")
        assert stored == replace(replaced, invalid_at=NOON, key_id="k2", ciphertext=b"\x03" * 40)


async def test_keys_stay_in_their_tenant_and_list_all_spans_tenants_only_when_asked(backend: Backend) -> None:
    mine, theirs = provider_key("t1", "u1"), provider_key("t2", "u1")
    async with backend.uow() as uow:
        await uow.provider_keys.put(mine)
        await uow.provider_keys.put(theirs)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.provider_keys.get("t2", "u1", "openai") == theirs
        assert await uow.provider_keys.list_for_user("t1", "u1") == [mine]
        assert await uow.provider_keys.list_all("t1") == [mine]
        assert await uow.provider_keys.list_all() == [mine, theirs]
        assert await uow.provider_keys.delete("t2", "u1", "openai")
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.provider_keys.list_all() == [mine]


async def test_an_uncommitted_key_is_rolled_back(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.provider_keys.put(provider_key("t1", "u1"))
    async with backend.uow() as uow:
        assert await uow.provider_keys.list_all() == []
