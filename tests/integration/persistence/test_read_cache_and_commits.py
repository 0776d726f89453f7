"""The read cache against a change that is still committing: a request that reads the old row meanwhile (another
connection sees only committed data) must not keep it once the change has committed."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptsaas.domain.errors import InvalidToken
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform

SETTINGS = Settings(password_memory_kib=1024, password_time_cost=1, cache_ttl_seconds=60)


async def test_a_key_read_while_its_revocation_commits_stops_working_once_it_has(tmp_path: Path) -> None:
    async with AsyncPlatform.open(f"sqlite:///{tmp_path / 'cache.db'}", SETTINGS) as platform:
        acme = await platform.create_tenant("acme", name="Acme")
        ann = await acme.create_user("ann@example.com")
        auth, container = platform.container.auth(), platform.container
        key, plaintext = await auth.create_api_key(ann.tenant_id, ann.id, "ci")
        assert (await auth.authenticate_api_key(plaintext)).id == ann.id

        async with container.uow()() as uow:
            await uow.api_keys.revoke(ann.tenant_id, key.id, container.clock().now())
            await container.audit().record(uow, ann.tenant_id, "ann@example.com", "api_key.revoke", key.id)
            # Meanwhile a request authenticates: it sees the committed, still active key and caches it.
            assert (await auth.authenticate_api_key(plaintext)).id == ann.id
            await uow.commit()

        with pytest.raises(InvalidToken):
            await auth.authenticate_api_key(plaintext)
