"""Conversations and messages, usage records and audit entries: the same answers from every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from itertools import count

from promptsaas.application.ports.billing_store import InboxEntry, InboxStatus
from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.application.ports.quota import Settlement
from promptsaas.application.ports.repositories import DenialCount, UsageQuery, UsageRow
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import Conversation, Exchange, Message, Role
from promptsaas.domain.messengers import MessengerUpdate
from promptsaas.domain.replies import FinishReason
from promptsaas.domain.usage import Denial, Funding, Outcome
from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import NOON, audit, conversation, message, usage, user

_records = count()


async def store_turn(backend: Backend, chat: Conversation, *messages: Message, new: bool = True) -> None:
    """Write a turn the way a call does: settled with its usage record (a BYOK call: no reservation)."""
    record = usage(chat.tenant_id, f"rec-{next(_records)}", user_id=chat.user_id)
    await backend.ledger.settle(Settlement(record, exchange=Exchange(chat, new, messages)))


async def test_conversations_list_newest_first_and_a_new_turn_moves_them_up(backend: Backend) -> None:
    old, new = conversation("t1", "c1", "u1"), conversation("t1", "c2", "u1", NOON + timedelta(minutes=1))
    for chat in (old, new, conversation("t1", "c3", "u2")):
        await store_turn(backend, replace(chat), message("t1", f"{chat.id}-m1", chat.id, chat.updated_at))
    async with backend.uow() as uow:
        assert await uow.conversations.get("t1", "c1") == old
        assert [c.id for c in await uow.conversations.list_for_user("t1", "u1")] == ["c2", "c1"]
    later = NOON + timedelta(hours=1)
    await store_turn(backend, replace(old), message("t1", "c1-m2", "c1", later), new=False)
    async with backend.uow() as uow:
        assert [c.id for c in await uow.conversations.list_for_user("t1", "u1")] == ["c1", "c2"]
        assert await uow.conversations.get("t1", "c1") == replace(old, updated_at=later)


async def test_recent_messages_are_the_last_ones_in_writing_order(backend: Backend) -> None:
    written = [message("t1", f"m{i}", "c1") for i in (5, 3, 9, 1)]  # same time, ids out of order
    await store_turn(backend, conversation("t1", "c1", "u1"), *written)
    async with backend.uow() as uow:
        assert await uow.conversations.recent_messages("t1", "c1", 10) == written
        assert await uow.conversations.recent_messages("t1", "c1", 2) == written[-2:]
        assert await uow.conversations.recent_messages("t1", "c1", 0) == []


async def test_a_reply_keeps_how_the_model_ended_it(backend: Backend) -> None:
    asked = message("t1", "m1", "c1")
    cut = replace(message("t1", "m2", "c1"), role=Role.ASSISTANT, finish_reason=FinishReason.LENGTH)
    whole = replace(message("t1", "m3", "c1"), role=Role.ASSISTANT, finish_reason=FinishReason.STOP)
    await store_turn(backend, conversation("t1", "c1", "u1"), asked, cut, whole)
    async with backend.uow() as uow:
        read = await uow.conversations.recent_messages("t1", "c1", 10)
    assert [(m.finish_reason, m.notice) for m in read] == [
        (None, None),
        (FinishReason.LENGTH, "reply cut short: the answer reached its length limit"),
        (FinishReason.STOP, None),
    ]


async def test_deleting_a_conversation_deletes_its_messages(backend: Backend) -> None:
    await store_turn(backend, conversation("t1", "c1", "u1"), message("t1", "m1", "c1"))
    async with backend.uow() as uow:
        await uow.conversations.delete("t1", "c1")
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.conversations.get("t1", "c1") is None
        assert await uow.conversations.recent_messages("t1", "c1", 10) == []


async def test_purge_counts_then_deletes_only_old_messages_of_the_given_users(backend: Backend) -> None:
    old, new = message("t1", "old", "c1", NOON - timedelta(days=40)), message("t1", "new", "c1", NOON)
    await store_turn(backend, conversation("t1", "c1", "u1"), old, new)
    await store_turn(backend, conversation("t1", "c2", "u2"), message("t1", "other", "c2", NOON - timedelta(days=40)))
    before = NOON - timedelta(days=30)
    async with backend.uow() as uow:
        assert await uow.conversations.purge_messages("t1", ["u1"], before, dry_run=True) == 1
        assert len(await uow.conversations.recent_messages("t1", "c1", 10)) == 2
        assert await uow.conversations.purge_messages("t1", ["u1"], before) == 1
        await uow.commit()
    async with backend.uow() as uow:
        assert [m.id for m in await uow.conversations.recent_messages("t1", "c1", 10)] == ["new"]
        assert [m.id for m in await uow.conversations.recent_messages("t1", "c2", 10)] == ["other"]


async def test_usage_records_round_trip_and_filter_by_time(backend: Backend) -> None:
    first = usage("t1", "r1", at=NOON - timedelta(days=1))
    second = usage("t1", "r2", funding=Funding.BYOK, subscription_id=None, plan_code=None, error_code="x")
    await backend.ledger.settle(Settlement(first))
    await backend.ledger.settle(Settlement(second))
    async with backend.uow() as uow:
        assert await uow.usage.records("t1") == [first, second]
        assert await uow.usage.records("t1", since=NOON) == [second]


async def test_a_usage_record_keeps_how_its_reply_ended(backend: Backend) -> None:
    cut = usage("t1", "r1", finish_reason=FinishReason.LENGTH)
    filtered = usage("t1", "r2", finish_reason=FinishReason.CONTENT_FILTER)
    failed = usage("t1", "r3", outcome=Outcome.ERROR, error_code="llm_timeout")
    for record in (cut, filtered, failed):
        await backend.ledger.settle(Settlement(record))
    async with backend.uow() as uow:
        records = await uow.usage.records_of_request("t1", "req-1")
    assert [r.finish_reason for r in records] == [FinishReason.LENGTH, FinishReason.CONTENT_FILTER, None]


async def test_usage_grouped_by_user_names_each_user_by_email_within_the_tenant(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.users.add(user("t1", "ann", "ann@example.com"))
        await uow.users.add(user("t1", "tg", None))  # a messenger-only user
        await uow.users.add(user("t2", "bob", "bob@other.example"))
        await uow.commit()
    for record in (usage("t1", "r1", user_id="ann"), usage("t1", "r2", user_id="tg"), usage("t1", "r3", user_id="bob")):
        await backend.ledger.settle(Settlement(record))
    async with backend.uow() as uow:
        by_user = await uow.usage.summarize(UsageQuery("t1", "user"))
        by_agent = await uow.usage.summarize(UsageQuery("t1", "agent"))
    assert [(r.key, r.email, r.label) for r in by_user] == [
        ("ann", "ann@example.com", "ann@example.com"),
        ("bob", None, "bob"),  # another tenant's user of the same id is not this one
        ("tg", None, "tg"),
    ]
    assert [r.email for r in by_agent] == [None]


async def test_usage_summaries_group_by_agent_user_plan_day_and_model(backend: Backend) -> None:
    for record in (
        usage("t1", "r1", user_id="ann", at=NOON - timedelta(days=1)),
        usage("t1", "r2", user_id="bob", agent_slug="writer", outcome=Outcome.ERROR),
        usage("t1", "r3", user_id="bob", funding=Funding.BYOK, plan_code=None, model="a:b"),
    ):
        await backend.ledger.settle(Settlement(record))
    async with backend.uow() as uow:

        async def keys(group_by: str, **query: object) -> dict[str, int]:
            rows = await uow.usage.summarize(UsageQuery("t1", group_by, **query))  # type: ignore[arg-type]
            return {r.key: r.requests for r in rows}

        assert await uow.usage.summarize(UsageQuery("t1", "agent")) == [
            UsageRow("tutor", 2, 20, 40, 60, 0),
            UsageRow("writer", 1, 10, 20, 30, 1),
        ]
        assert await keys("user") == {"ann": 1, "bob": 2}
        assert await keys("plan") == {"free": 2, "byok:byok": 1}
        assert await keys("day") == {"2030-03-13": 1, "2030-03-14": 2}
        assert await keys("model") == {"a:b": 1, "offline:echo": 2}
        assert await keys("agent", since=NOON, user_id="bob") == {"tutor": 1, "writer": 1}
        assert await keys("agent", until=NOON) == {"tutor": 1}


async def test_audit_entries_list_newest_first(backend: Backend) -> None:
    entries = [audit("t1", f"e{i}") for i in (3, 1, 2)]  # same time: the order of writing decides
    async with backend.uow() as uow:
        for entry in entries:
            await uow.audit.add(entry)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.audit.list("t1") == entries[::-1]
        assert await uow.audit.list("t1", limit=1) == [entries[-1]]


async def test_denials_are_counted_per_utc_day_and_code_within_the_tenant(backend: Backend) -> None:
    def denial(tenant: str, ident: str, code: str, at: datetime) -> Denial:
        return Denial(ident, tenant, "u1", "tutor", Channel.WEB, code, at)

    late = NOON.replace(hour=23, minute=30)
    for d in (
        denial("t1", "d1", "quota_exceeded", NOON - timedelta(days=1)),
        denial("t1", "d2", "quota_exceeded", late),
        denial("t1", "d3", "quota_exceeded", NOON),
        denial("t1", "d4", "agent_not_in_plan", NOON),
        denial("t2", "d5", "quota_exceeded", NOON),
    ):
        async with backend.uow() as uow:
            await uow.usage.add_denial(d)
            await uow.commit()
    day = NOON.date().isoformat()
    async with backend.uow() as uow:
        assert await uow.usage.denials_per_day("t1", NOON - timedelta(hours=1)) == [
            DenialCount(day, "agent_not_in_plan", 1),
            DenialCount(day, "quota_exceeded", 2),
        ]


async def test_a_request_s_calls_and_changes_are_found_by_its_id(backend: Backend) -> None:
    mine = usage("t1", "r1", request_id="req-a")
    others = [usage("t1", "r2", request_id="req-b"), usage("t2", "r3", request_id="req-a")]
    for record in (mine, *others):
        await backend.ledger.settle(Settlement(record))
    entry = replace(audit("t1", "e1"), request_id="req-a")
    async with backend.uow() as uow:
        await uow.audit.add(entry)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.usage.records_of_request("t1", "req-a") == [mine]
        assert await uow.usage.records_of_request("t1", "req-c") == []
        assert await uow.audit.list("t1") == [entry]


async def test_the_billing_inbox_backlog_counts_pending_events_and_the_oldest(backend: Backend) -> None:
    def event(event_id: str, minutes_ago: int, status: InboxStatus = InboxStatus.PENDING) -> InboxEntry:
        return InboxEntry(
            "t1", "stripe", event_id, "invoice.paid", b"{}", status, NOON - timedelta(minutes=minutes_ago)
        )

    async with backend.uow() as uow:
        assert await uow.billing.backlog() == InboxBacklog(0, None)
        for entry in (event("e1", 5), event("e2", 9, InboxStatus.APPLIED), event("e3", 2)):
            await uow.billing.store_event(entry)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.billing.backlog() == InboxBacklog(2, NOON - timedelta(minutes=5))


async def test_the_billing_inbox_hands_out_due_events_longest_due_first_and_puts_failed_ones_off(
    backend: Backend,
) -> None:
    def event(event_id: str, minutes_ago: int) -> InboxEntry:
        at = NOON - timedelta(minutes=minutes_ago)
        return InboxEntry("t1", "stripe", event_id, "invoice.paid", b"{}", InboxStatus.PENDING, at)

    async with backend.uow() as uow:
        for entry in (event("old", 9), event("newer", 5), event("newest", 1)):
            await uow.billing.store_event(entry)
        await uow.billing.postpone_event("t1", "stripe", "old", NOON + timedelta(minutes=1), "Stripe failed")
        await uow.commit()
    async with backend.uow() as uow:
        assert [e.event_id for e in await uow.billing.pending_events(NOON, 10)] == ["newer", "newest"]
        assert [e.event_id for e in await uow.billing.pending_events(NOON, 1)] == ["newer"]
        later = await uow.billing.pending_events(NOON + timedelta(minutes=2), 10)
        assert [e.event_id for e in later] == ["newer", "newest", "old"]
        old = await uow.billing.event("t1", "stripe", "old")
    assert old is not None
    assert (old.attempts, old.next_attempt_at, old.note) == (1, NOON + timedelta(minutes=1), "Stripe failed")


async def test_the_messenger_updates_backlog_counts_updates_not_applied_yet(backend: Backend) -> None:
    updates = [
        MessengerUpdate(tenant, "telegram", f"backlog-{n}", "{}", NOON + timedelta(minutes=n))
        for n, tenant in enumerate(("t1", "t2", "t1"))
    ]
    async with backend.uow() as uow:
        assert await uow.updates.backlog() == InboxBacklog(0, None)
    async with backend.uow() as uow:
        for update in updates:
            assert await uow.updates.accept(update)
        assert await uow.updates.mark_processed("t1", "telegram", "backlog-0", NOON)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.updates.backlog() == InboxBacklog(2, NOON + timedelta(minutes=1))
