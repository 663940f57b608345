"""Flags in the Store, against a real SQLite file: recording, edits, decisions, reveals, nudges, statistics."""

from datetime import timedelta

import pytest

from models.records import AuthorAnswer, FlagSource, FlagSpan, FlagStatus
from models.store import Store
from tests.models.helpers import GUILD, MEMBER, MODERATOR, OTHER_GUILD, OTHER_MEMBER, FakeClock

TEXT = "call jess on 07700 900123"
SPANS = (FlagSpan("PERSON", 5, 9, "ner.person", "other"), FlagSpan("PHONE", 13, 25, "phone", "other"))
CHANNEL = 666666666666666666


async def flag(store: Store, message_id: int | None = 9001, *, author: int = MEMBER, guild: int = GUILD, **kw):
    values = dict(
        guild_id=guild, channel_id=CHANNEL, message_id=message_id, author_id=author,
        source=FlagSource.MESSAGE, risk=0.8, spans=SPANS, text=TEXT,
    )  # fmt: skip
    values.update(kw)
    return await store.record_flag(**values)


async def test_a_flag_round_trips_with_its_spans_and_encrypted_text(store: Store, db_path) -> None:
    recorded, created = await flag(store)
    assert created
    again = await store.flag(recorded.id)
    assert again == recorded
    assert again.spans == SPANS and again.labels == ("PERSON", "PHONE")
    assert again.text == TEXT and again.status is FlagStatus.OPEN
    assert await store.flag_for_message(GUILD, 9001) == recorded
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("confidant.db*"))
    assert b"07700" not in raw and b"jess" not in raw


async def test_an_edited_message_updates_its_flag_instead_of_adding_one(store: Store) -> None:
    first, _ = await flag(store)
    second, created = await flag(store, risk=0.9, spans=SPANS[1:], text="on 07700 900123")
    assert not created
    assert second.id == first.id and second.risk == 0.9 and second.labels == ("PHONE",)
    assert second.text == "on 07700 900123"


async def test_new_details_reopen_a_flag_its_author_had_edited_clean(store: Store) -> None:
    first, _ = await flag(store)
    assert (await store.decide_flag(first.id, FlagStatus.EDITED, MEMBER)).status is FlagStatus.EDITED
    reopened, _ = await flag(store)
    assert reopened.status is FlagStatus.OPEN


async def test_only_the_first_decision_counts(store: Store) -> None:
    recorded, _ = await flag(store)
    decided = await store.decide_flag(recorded.id, FlagStatus.REMOVED, MODERATOR)
    assert decided.status is FlagStatus.REMOVED and decided.decided_by == MODERATOR
    assert await store.decide_flag(recorded.id, FlagStatus.DISMISSED, OTHER_MEMBER) is None
    assert (await store.flag(recorded.id)).status is FlagStatus.REMOVED


async def test_a_held_message_can_only_be_restored_from_held(store: Store) -> None:
    held, _ = await flag(store, status=FlagStatus.HELD)
    only = (FlagStatus.HELD,)
    assert (
        await store.decide_flag(held.id, FlagStatus.RESTORED, MODERATOR, only_from=only)
    ).status is FlagStatus.RESTORED
    assert await store.decide_flag(held.id, FlagStatus.RESTORED, MODERATOR, only_from=only) is None


async def test_reveals_are_recorded_per_moderator(store: Store, clock: FakeClock) -> None:
    recorded, _ = await flag(store)
    await store.record_reveal(recorded.id, MODERATOR)
    clock.advance(60)
    after = await store.record_reveal(recorded.id, OTHER_MEMBER)
    assert after.reveals == 2
    reveals = await store.flag_reveals(recorded.id)
    assert [who for who, _ in reveals] == [MODERATOR, OTHER_MEMBER]
    assert reveals[1][1] - reveals[0][1] == timedelta(seconds=60)


async def test_only_the_author_can_answer_the_nudge(store: Store) -> None:
    recorded, _ = await flag(store)
    assert await store.set_author_answer(recorded.id, OTHER_MEMBER, AuthorAnswer.KEEP) is None
    answered = await store.set_author_answer(recorded.id, MEMBER, AuthorAnswer.KEEP)
    assert answered.author_answer is AuthorAnswer.KEEP


async def test_nudges_are_rate_limited_per_author_and_guild(store: Store, clock: FakeClock) -> None:
    first, _ = await flag(store, 1)
    second, _ = await flag(store, 2)
    elsewhere, _ = await flag(store, 3, guild=OTHER_GUILD)
    someone_else, _ = await flag(store, 4, author=OTHER_MEMBER)
    assert await store.claim_nudge(first.id, 3600)
    assert not await store.claim_nudge(first.id, 3600)  # never twice for one flag
    assert not await store.claim_nudge(second.id, 3600)
    assert await store.claim_nudge(elsewhere.id, 3600)
    assert await store.claim_nudge(someone_else.id, 3600)
    clock.advance(3601)
    assert await store.claim_nudge(second.id, 3600)


async def test_label_statistics_count_decisions(store: Store) -> None:
    a, _ = await flag(store, 1)
    b, _ = await flag(store, 2, spans=SPANS[1:])
    await flag(store, 3, spans=SPANS[:1])
    await store.decide_flag(a.id, FlagStatus.WARNED, MODERATOR)
    await store.decide_flag(b.id, FlagStatus.DISMISSED, MODERATOR)
    stats = {s.label: s for s in await store.label_stats(GUILD)}
    assert (stats["PERSON"].flags, stats["PERSON"].confirmed, stats["PERSON"].dismissed) == (2, 1, 0)
    assert (stats["PHONE"].flags, stats["PHONE"].confirmed, stats["PHONE"].dismissed) == (2, 1, 1)
    assert stats["PHONE"].precision == pytest.approx(0.5)
    assert await store.label_stats(OTHER_GUILD) == []


async def test_waiting_flags_and_purging_decided_texts(store: Store, clock: FakeClock) -> None:
    a, _ = await flag(store, 1)
    b, _ = await flag(store, 2)
    await store.decide_flag(a.id, FlagStatus.DISMISSED, MODERATOR)
    assert [f.id for f in await store.waiting_flags(GUILD)] == [b.id]
    clock.advance(10)
    assert await store.purge_flag_texts(clock.now) == 1
    assert (await store.flag(a.id)).text is None
    assert (await store.flag(b.id)).text == TEXT  # still waiting: kept


async def test_deleting_a_member_deletes_their_flags_and_erases_them_as_moderator(store: Store) -> None:
    theirs, _ = await flag(store, 1)
    decided_by_them, _ = await flag(store, 2, author=OTHER_MEMBER)
    await store.decide_flag(decided_by_them.id, FlagStatus.REMOVED, MEMBER)
    await store.record_reveal(decided_by_them.id, MEMBER)
    await store.delete_user_data(MEMBER)
    assert await store.flag(theirs.id) is None
    kept = await store.flag(decided_by_them.id)
    assert kept.decided_by == 0
    assert [who for who, _ in await store.flag_reveals(kept.id)] == [0]
    assert await store.flags_by_author(MEMBER) == []
