"""Agreement versions, the append-only consent ledger and onboarding, against a real SQLite file."""

import hashlib
import sqlite3
from datetime import timedelta

import pytest

from models.records import Decision, OnboardingState, Via
from models.store import Store
from tests.models.helpers import GUILD, MEMBER, MODERATOR, OTHER_GUILD, OTHER_MEMBER

DEFAULT = "# Our agreement\n\nWhat is said here stays here.\n"
DIGEST = hashlib.sha256(DEFAULT.encode()).hexdigest()
DM_CHANNEL = 666666666666666666


async def test_default_agreement_becomes_version_1_on_first_use(store):
    """A guild that never published an agreement gets the default as version 1, written once."""
    first = await store.current_agreement(GUILD, DEFAULT)
    again = await store.current_agreement(GUILD, "a different default")
    assert (first.version, first.text, first.sha256, first.published_by) == (1, DEFAULT, DIGEST, None)
    assert again == first
    assert await store.agreement_version(GUILD, 1) == first
    assert await store.agreement_version(GUILD, 2) is None
    assert await store.agreement_version(OTHER_GUILD, 1) is None


async def test_publishing_adds_a_version_and_keeps_the_old_ones(store):
    """Publishing stores the next version number with its own digest; earlier versions stay readable."""
    await store.current_agreement(GUILD, DEFAULT)
    published = await store.publish_agreement(GUILD, "# New\n\nVersion two.", MODERATOR)
    assert (published.version, published.published_by) == (2, MODERATOR)
    assert published.sha256 == hashlib.sha256(b"# New\n\nVersion two.").hexdigest()
    assert await store.current_agreement(GUILD, DEFAULT) == published
    assert (await store.agreement_version(GUILD, 1)).text == DEFAULT


async def test_accepting_records_a_ledger_row_with_the_texts_sha256(store):
    """An acceptance appends one consent row carrying the sha256 of that version's exact text."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.start_onboarding(GUILD, MEMBER, 1)
    recorded = await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, DM_CHANNEL)
    assert recorded.onboarding.state is OnboardingState.ACCEPTED and recorded.onboarding.awaiting_role
    assert recorded.consent is not None
    assert (recorded.consent.text_sha256, recorded.consent.via, recorded.consent.channel_id) == (
        DIGEST,
        Via.DM,
        DM_CHANNEL,
    )
    assert await store.consents(GUILD, MEMBER) == [recorded.consent]


async def test_the_same_answer_twice_is_recorded_once(store):
    """A double click on the same answer to the same version adds no second ledger row."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.GATE, None)
    second = await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.GATE, None)
    assert second.consent is None
    assert len(await store.consents(GUILD, MEMBER)) == 1


async def test_declining_then_accepting_keeps_both_rows(store):
    """Changing one's answer appends a new row; the ledger keeps the history."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.record_decision(GUILD, MEMBER, 1, Decision.DECLINED, Via.DM, None)
    await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, None)
    ledger = await store.consents(GUILD, MEMBER)
    assert [c.decision for c in ledger] == [Decision.DECLINED, Decision.ACCEPTED]
    assert (await store.onboarding(GUILD, MEMBER)).state is OnboardingState.ACCEPTED


async def test_a_decision_on_an_unknown_version_is_refused(store):
    """Recording an answer to a version the guild never had raises ValueError and records nothing."""
    await store.current_agreement(GUILD, DEFAULT)
    with pytest.raises(ValueError, match="no agreement version 7"):
        await store.record_decision(GUILD, MEMBER, 7, Decision.ACCEPTED, Via.DM, None)
    assert await store.consents(GUILD, MEMBER) == []


async def test_the_role_grant_is_claimed_once(store):
    """Only the first claim of an accepted member's role grant succeeds; a release lets the next one retry."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.start_onboarding(GUILD, MEMBER, 1)
    assert not await store.claim_role_grant(GUILD, MEMBER)  # still pending
    await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, None)
    assert await store.claim_role_grant(GUILD, MEMBER)
    assert not await store.claim_role_grant(GUILD, MEMBER)
    await store.release_role_grant(GUILD, MEMBER)
    assert await store.claim_role_grant(GUILD, MEMBER)


async def test_rejoining_after_accepting_the_current_version_stays_accepted(store):
    """A member who accepted the current version and rejoins stays accepted, with the role to be given again."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.start_onboarding(GUILD, MEMBER, 1)
    await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, DM_CHANNEL)
    await store.claim_role_grant(GUILD, MEMBER)
    rejoined = await store.start_onboarding(GUILD, MEMBER, 1)
    assert rejoined.state is OnboardingState.ACCEPTED and rejoined.awaiting_role


async def test_rejoining_after_declining_starts_over(store):
    """A member who declined and rejoins is pending again, with delivery details cleared."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.record_decision(GUILD, MEMBER, 1, Decision.DECLINED, Via.DM, DM_CHANNEL)
    await store.record_delivery(GUILD, MEMBER, Via.DM, DM_CHANNEL)
    rejoined = await store.start_onboarding(GUILD, MEMBER, 1)
    assert (rejoined.state, rejoined.via, rejoined.channel_id) == (OnboardingState.PENDING, None, None)


async def test_guild_onboarding_lists_members_of_that_guild_only(store):
    """The guild's onboarding list holds its members' states and nobody else's."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.current_agreement(OTHER_GUILD, DEFAULT)
    await store.start_onboarding(GUILD, MEMBER, 1)
    await store.record_decision(GUILD, OTHER_MEMBER, 1, Decision.ACCEPTED, Via.DM, None)
    await store.start_onboarding(OTHER_GUILD, MEMBER, 1)
    states = {o.user_id: o.state for o in await store.guild_onboarding(GUILD)}
    assert states == {MEMBER: OnboardingState.PENDING, OTHER_MEMBER: OnboardingState.ACCEPTED}


async def test_the_consent_ledger_is_append_only(store, db_path):
    """The database itself refuses to change or delete a consent row; only erasing the user id is allowed."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, None)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE consents SET decision = 'declined'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM consents")
        conn.execute("UPDATE consents SET user_id = 0")
    finally:
        conn.close()


async def test_deleting_user_data_keeps_consents_by_default(store):
    """Deleting a user's data removes their onboarding but keeps the consent ledger as the group's record."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, None)
    await store.delete_user_data(MEMBER)
    assert await store.onboarding(GUILD, MEMBER) is None
    assert len(await store.consents(GUILD, MEMBER)) == 1


async def test_deleting_user_data_erases_consents_where_the_group_does_not_keep_them(store):
    """In a guild listed in erase_consents_in the consent row stays, with the user id erased."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.current_agreement(OTHER_GUILD, DEFAULT)
    await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, None)
    await store.record_decision(OTHER_GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, None)
    await store.delete_user_data(MEMBER, erase_consents_in=[GUILD])
    assert await store.consents(GUILD, MEMBER) == []
    assert len(await store.consents(OTHER_GUILD, MEMBER)) == 1


# -- reminders and removals ------------------------------------------------------------------------------------

DAY = timedelta(hours=24)


async def offered(store, clock, *, reminder=DAY, removal=None, user=MEMBER):
    """The default agreement offered to `user` with the given delays; return the time it was offered."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.start_onboarding(GUILD, user, 1, reminder=reminder, removal=removal)
    return clock.now


async def test_offering_stores_due_times_and_zero_means_none(store, clock):
    """Offering the agreement stores the reminder and removal times; a zero or missing delay stores none."""
    start = await offered(store, clock, removal=timedelta(hours=48))
    onboarding = await store.onboarding(GUILD, MEMBER)
    assert (onboarding.reminder_due_at, onboarding.removal_due_at) == (start + DAY, start + timedelta(hours=48))
    await store.start_onboarding(GUILD, OTHER_MEMBER, 1, reminder=timedelta(0))
    other = await store.onboarding(GUILD, OTHER_MEMBER)
    assert (other.reminder_due_at, other.removal_due_at) == (None, None)


async def test_a_reminder_is_due_only_after_its_time_and_is_claimed_once(store, clock):
    """A reminder is due at its time, claiming marks it sent, and a second claim (or a later read) finds nothing."""
    start = await offered(store, clock)
    assert await store.reminders_due(start + DAY - timedelta(seconds=1)) == []
    assert [o.user_id for o in await store.reminders_due(start + DAY)] == [MEMBER]
    assert not await store.claim_reminder(GUILD, MEMBER, start)
    assert await store.claim_reminder(GUILD, MEMBER, start + DAY)
    assert not await store.claim_reminder(GUILD, MEMBER, start + 2 * DAY)
    assert await store.reminders_due(start + 10 * DAY) == []
    onboarding = await store.onboarding(GUILD, MEMBER)
    assert onboarding.reminder_due_at is None and onboarding.reminded_at == clock.now


async def test_the_claims_survive_reopening_the_database(db_path, cipher, clock):
    """A claimed reminder and removal stay claimed in a newly opened Store, so a restart never repeats them."""
    async with Store.open(db_path, cipher, clock=clock) as store:
        start = await offered(store, clock, removal=DAY)
        assert await store.claim_reminder(GUILD, MEMBER, start + DAY)
        assert await store.claim_removal(GUILD, MEMBER, start + DAY)
    async with Store.open(db_path, cipher, clock=clock) as store:
        assert await store.reminders_due(start + 9 * DAY) == [] and await store.removals_due(start + 9 * DAY) == []
        assert not await store.claim_reminder(GUILD, MEMBER, start + 9 * DAY)
        assert not await store.claim_removal(GUILD, MEMBER, start + 9 * DAY)
        assert (await store.onboarding(GUILD, MEMBER)).removed_at == clock.now


async def test_accepting_clears_both_due_times(store, clock):
    """Accepting ends the wait for a reminder and cancels any removal."""
    start = await offered(store, clock, removal=DAY)
    await store.record_decision(GUILD, MEMBER, 1, Decision.ACCEPTED, Via.DM, DM_CHANNEL)
    assert await store.reminders_due(start + 9 * DAY) == [] and await store.removals_due(start + 9 * DAY) == []
    assert not await store.claim_removal(GUILD, MEMBER, start + 9 * DAY)


async def test_declining_schedules_a_removal_only_when_asked(store, clock):
    """Declining clears the reminder; it sets a removal after the given delay, or keeps the existing one."""
    start = await offered(store, clock, removal=3 * DAY)
    await store.record_decision(GUILD, MEMBER, 1, Decision.DECLINED, Via.DM, DM_CHANNEL)
    onboarding = await store.onboarding(GUILD, MEMBER)
    assert (onboarding.reminder_due_at, onboarding.removal_due_at) == (None, start + 3 * DAY)
    await offered(store, clock, user=OTHER_MEMBER)
    await store.record_decision(
        GUILD, OTHER_MEMBER, 1, Decision.DECLINED, Via.DM, DM_CHANNEL, decline_removal=timedelta(hours=12)
    )
    assert (await store.onboarding(GUILD, OTHER_MEMBER)).removal_due_at == start + timedelta(hours=12)
    assert [o.user_id for o in await store.removals_due(start + DAY)] == [OTHER_MEMBER]


async def test_clearing_and_rejoining_reset_the_due_times(store, clock):
    """Clearing (a member left) forgets both times; offering again after a claim gives fresh ones."""
    start = await offered(store, clock, removal=DAY)
    await store.clear_due_times(GUILD, MEMBER)
    assert await store.reminders_due(start + 9 * DAY) == [] and await store.removals_due(start + 9 * DAY) == []
    clock.advance(3600)
    await store.start_onboarding(GUILD, MEMBER, 1, reminder=DAY, removal=DAY)
    again = await store.onboarding(GUILD, MEMBER)
    assert again.reminder_due_at == clock.now + DAY and (again.reminded_at, again.removed_at) == (None, None)
