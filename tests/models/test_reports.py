"""Breach reports in the Store: evidence, the outbox, the case lifecycle, the timeline, blocks and retention."""

from datetime import timedelta

import pytest

from models.cases import retry_delay
from models.records import (
    BreachAction,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    Evidence,
    ReportCategory,
)
from models.store import Store
from tests.models.helpers import GUILD, MEMBER, MODERATOR, OTHER_MEMBER, FakeClock

DETAILS = "someone posted a screenshot of my share in another server"
SNAPSHOT = Evidence(
    link="https://discord.com/channels/1/2/3", readable=True, channel_id=2, message_id=3,
    author_id=OTHER_MEMBER, content="look what she said lol", attachments=("screenshot.png",),
)  # fmt: skip
UNREADABLE = Evidence(link="https://discord.com/channels/9/9/9", readable=False)


async def report(store: Store, **kw):
    values = dict(category=ReportCategory.RECORDING, evidence=(SNAPSHOT, UNREADABLE))
    values.update(kw)
    return await store.open_case(GUILD, CaseKind.REPORT, MEMBER, DETAILS, **values)


async def test_a_report_and_its_evidence_are_stored_together_and_encrypted(store: Store, db_path) -> None:
    case = await report(store)
    assert (case.number, case.kind, case.status, case.category) == (1, CaseKind.REPORT, CaseStatus.OPEN,
                                                                     ReportCategory.RECORDING)  # fmt: skip
    assert not case.share_name and case.alias == "Reporter A-1"
    evidence = await store.evidence(case.id)
    assert [(e.readable, e.content, e.attachments, e.author_id) for e in evidence] == [
        (True, "look what she said lol", ("screenshot.png",), OTHER_MEMBER),
        (False, None, (), None),
    ]
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("confidant.db*"))
    assert b"screenshot.png" not in raw and b"look what she said" not in raw and b"another server" not in raw


async def test_an_undelivered_case_waits_in_the_outbox_with_backoff(store: Store, clock: FakeClock) -> None:
    case = await report(store)
    assert [c.id for c in await store.undelivered_cases(due_by=clock.now)] == [case.id]
    deferred = await store.defer_delivery(case.id)
    assert deferred.attempts == 1 and deferred.next_attempt_at == clock.now + retry_delay(1)
    assert await store.undelivered_cases(due_by=clock.now) == []
    assert [c.id for c in await store.undelivered_cases(guild_id=GUILD)] == [case.id]  # /case pending sees it
    clock.advance(retry_delay(1).total_seconds())
    assert [c.id for c in await store.undelivered_cases(due_by=clock.now)] == [case.id]
    await store.set_case_message(GUILD, 1, 10, 11, thread_id=12)
    delivered = await store.case(GUILD, 1)
    assert delivered.delivered_at == clock.now and delivered.thread_id == 12
    assert await store.undelivered_cases() == []


def test_retries_back_off_to_an_hour() -> None:
    assert retry_delay(1) == timedelta(seconds=30)
    assert retry_delay(2) == timedelta(seconds=60)
    assert retry_delay(20) == timedelta(hours=1)


async def test_status_changes_only_from_the_allowed_states_and_are_on_the_timeline(store: Store) -> None:
    await report(store)
    acked = await store.set_case_status(GUILD, 1, CaseStatus.ACKNOWLEDGED, MODERATOR, only_from=[CaseStatus.OPEN])
    assert acked.status is CaseStatus.ACKNOWLEDGED
    again = await store.set_case_status(GUILD, 1, CaseStatus.ACKNOWLEDGED, MODERATOR, only_from=[CaseStatus.OPEN])
    assert again is None
    await store.add_case_event(acked.id, MODERATOR, CaseEventKind.NOTE, "checked the other server")
    events = await store.case_events(acked.id)
    assert [(e.kind, e.text) for e in events] == [
        (CaseEventKind.STATUS, None), (CaseEventKind.NOTE, "checked the other server"),
    ]  # fmt: skip


async def test_a_case_is_closed_once_with_its_outcome(store: Store) -> None:
    await report(store)
    closed = await store.close_case(
        GUILD, 1, CaseStatus.RESOLVED, MODERATOR, outcome="talked to them", action=BreachAction.WARNING,
        subject_id=OTHER_MEMBER, reporter_note="We've dealt with it.",
    )  # fmt: skip
    assert closed.status is CaseStatus.RESOLVED and closed.action is BreachAction.WARNING
    assert closed.outcome == "talked to them" and closed.reporter_note == "We've dealt with it."
    assert closed.subject_id == OTHER_MEMBER and closed.closed_by == MODERATOR
    assert await store.close_case(GUILD, 1, CaseStatus.DISMISSED, MODERATOR, outcome="x") is None
    with pytest.raises(ValueError, match="resolved or dismissed"):
        await store.close_case(GUILD, 1, CaseStatus.OPEN, MODERATOR, outcome="x")


async def test_reports_are_counted_per_member_and_day(store: Store, clock: FakeClock) -> None:
    await report(store)
    await report(store)
    await store.open_case(GUILD, CaseKind.QUESTION, MEMBER, "a question")
    assert await store.reports_since(GUILD, MEMBER, clock.now - timedelta(days=1)) == 2
    assert await store.reports_since(GUILD, OTHER_MEMBER, clock.now - timedelta(days=1)) == 0
    clock.advance(86401)
    assert await store.reports_since(GUILD, MEMBER, clock.now - timedelta(days=1)) == 0


async def test_awaiting_cases_and_blocks(store: Store) -> None:
    case = await report(store)
    await store.set_case_status(GUILD, 1, CaseStatus.AWAITING, MODERATOR, only_from=[CaseStatus.OPEN])
    assert [c.id for c in await store.awaiting_cases(MEMBER)] == [case.id]
    assert await store.block_reporter(GUILD, MEMBER, MODERATOR)
    assert not await store.block_reporter(GUILD, MEMBER, MODERATOR)
    assert await store.is_blocked(GUILD, MEMBER) and not await store.is_blocked(GUILD, OTHER_MEMBER)
    assert await store.unblock_reporter(GUILD, MEMBER)
    assert not await store.is_blocked(GUILD, MEMBER)


async def test_retention_purges_evidence_and_identity_but_keeps_the_outcome(store: Store, clock: FakeClock) -> None:
    case = await report(store, share_name=True)
    await store.add_case_event(case.id, MEMBER, CaseEventKind.REPLY, "it was in the other server")
    await store.close_case(GUILD, 1, CaseStatus.RESOLVED, MODERATOR, outcome="warned", action=BreachAction.WARNING)
    await report(store)  # still open: untouched
    clock.advance(10)
    assert await store.purge_closed_cases(clock.now - timedelta(seconds=5)) == 1
    purged = await store.case(GUILD, 1)
    assert purged.member_id == 0 and not purged.share_name and purged.purged_at is not None
    assert purged.outcome == "warned" and purged.action is BreachAction.WARNING
    assert await store.evidence(case.id) == []
    assert [e.text for e in await store.case_events(case.id)] == [None, None]
    assert (await store.case(GUILD, 2)).member_id == MEMBER
    assert await store.purge_closed_cases(clock.now) == 0  # once only


async def test_deleting_a_member_keeps_their_reports_without_their_identity(store: Store) -> None:
    case = await report(store)
    await store.open_case(GUILD, CaseKind.QUESTION, MEMBER, "a question")
    await store.delete_user_data(MEMBER)
    kept = await store.case(GUILD, case.number)
    assert kept.member_id == 0 and kept.kind is CaseKind.REPORT
    assert await store.case(GUILD, 2) is None
    assert await store.cases_by_member(MEMBER) == []
