"""Ids are UUIDv7 strings: unique, in creation order by millisecond, random after that, never repeated by a forked
worker (its parent's unused randomness is not reused)."""

from __future__ import annotations

import os
import time
import uuid

from promptsaas.adapters.clock import UuidV7Generator


def test_ids_are_version_7_uuids_in_canonical_form_and_unique() -> None:
    ids = [UuidV7Generator().new_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    for text in ids[:50]:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, text)


def test_ids_sort_by_the_millisecond_they_were_made() -> None:
    ids = UuidV7Generator()
    first = ids.new_id()
    time.sleep(0.002)
    second = ids.new_id()
    assert first < second
    assert int(second[:8] + second[9:13], 16) - int(first[:8] + first[9:13], 16) >= 2


def test_a_forked_child_draws_other_ids_than_its_parent() -> None:
    ids = UuidV7Generator()
    ids.new_id()  # the parent has randomness left over
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child only reports its ids
        os.write(write, " ".join(ids.new_id() for _ in range(20)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read) as pipe:
        theirs = {text[15:] for text in pipe.read().split()}
    ours = {ids.new_id()[15:] for _ in range(20)}
    assert len(theirs) == 20
    assert not theirs & ours
