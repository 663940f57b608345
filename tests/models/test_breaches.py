"""Confirmed breaches in the Store: reasons encrypted, expiry windows, removal that keeps the record."""

from models.records import BreachSource
from models.store import Store
from tests.models.helpers import GUILD, MEMBER, MODERATOR, OTHER_GUILD, OTHER_MEMBER, FakeClock


async def test_breaches_round_trip_with_their_reason_encrypted(store: Store, db_path) -> None:
    breach = await store.record_breach(
        GUILD, MEMBER, BreachSource.COMMAND, None, MODERATOR, reason="posted a screenshot"
    )
    assert (await store.breach(GUILD, breach.id)).reason == "posted a screenshot"
    await store.set_breach_step(breach.id, "warn")
    assert (await store.breaches(GUILD, MEMBER))[0].step == "warn"
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("confidant.db*"))
    assert b"screenshot" not in raw


async def test_only_breaches_in_the_window_and_not_removed_count(store: Store, clock: FakeClock) -> None:
    old = await store.record_breach(GUILD, MEMBER, BreachSource.FLAG, 1, MODERATOR)
    clock.advance(3600)
    since = clock.now
    recent = await store.record_breach(GUILD, MEMBER, BreachSource.CASE, 2, MODERATOR)
    await store.record_breach(OTHER_GUILD, MEMBER, BreachSource.FLAG, 3, MODERATOR)
    assert [b.id for b in await store.breaches(GUILD, MEMBER)] == [old.id, recent.id]
    assert [b.id for b in await store.breaches(GUILD, MEMBER, since=since)] == [recent.id]
    removed = await store.remove_breach(GUILD, recent.id, MODERATOR)
    assert removed.removed_by == MODERATOR and removed.removed_at == clock.now
    assert await store.remove_breach(GUILD, recent.id, MODERATOR) is None
    assert [b.id for b in await store.breaches(GUILD, MEMBER)] == [old.id]
    assert len(await store.breaches(GUILD, MEMBER, include_removed=True)) == 2
    assert await store.remove_breach(OTHER_GUILD, old.id, MODERATOR) is None  # not that guild's


async def test_erasing_a_member_keeps_the_record_without_ids(store: Store) -> None:
    await store.record_breach(GUILD, MEMBER, BreachSource.FLAG, 1, OTHER_MEMBER)
    await store.delete_user_data(MEMBER)
    await store.delete_user_data(OTHER_MEMBER)
    assert await store.breaches_of_member(MEMBER) == []
    assert [(b.member_id, b.confirmed_by) for b in await store.breaches_of_member(0)] == [(0, 0)]
