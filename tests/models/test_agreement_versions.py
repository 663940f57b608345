"""Agreement drafts, publishing them, and the grace period after a new version, against a real SQLite file."""

from datetime import timedelta

import pytest

from models.records import Decision, GuildSettings, Via
from tests.models.helpers import GUILD, MEMBER, MODERATOR, OTHER_MEMBER

DEFAULT = "# Our agreement\n\nWhat is said here stays here.\n"
V2 = "# Ours\n\nVersion two."
WEEK = timedelta(days=7)


async def accept_v1(store, user_id: int) -> None:
    await store.current_agreement(GUILD, DEFAULT)
    await store.start_onboarding(GUILD, user_id, 1)
    await store.record_decision(GUILD, user_id, 1, Decision.ACCEPTED, Via.DM, None)
    assert await store.claim_role_grant(GUILD, user_id)


async def test_a_draft_is_saved_replaced_and_not_in_force(store):
    """A draft replaces the earlier one and does not change the current version."""
    await store.current_agreement(GUILD, DEFAULT)
    await store.save_draft(GUILD, "first", MODERATOR)
    saved = await store.save_draft(GUILD, V2, MODERATOR)
    assert await store.draft(GUILD) == saved and saved.text == V2
    assert (await store.current_agreement(GUILD, DEFAULT)).version == 1
    with pytest.raises(ValueError, match="empty"):
        await store.save_draft(GUILD, "  ", MODERATOR)


async def test_publishing_the_draft_adds_a_version_and_sets_grace_for_older_acceptances(store, clock):
    """Publishing makes the draft version 2, keeps version 1, clears the draft and gives older acceptors a deadline."""
    await accept_v1(store, MEMBER)
    await store.start_onboarding(GUILD, OTHER_MEMBER, 1)  # still pending: no deadline for them
    await store.save_draft(GUILD, V2, MODERATOR)
    version, asked = await store.publish_draft(GUILD, MODERATOR, DEFAULT, WEEK)
    assert (version.version, version.text, asked) == (2, V2, [MEMBER])
    assert (await store.agreement_version(GUILD, 1)).text == DEFAULT
    assert await store.draft(GUILD) is None
    assert await store.publish_draft(GUILD, MODERATOR, DEFAULT, WEEK) is None
    onboarding = await store.onboarding(GUILD, MEMBER)
    assert onboarding.grace_due_at == clock.now + WEEK
    assert (await store.onboarding(GUILD, OTHER_MEMBER)).grace_due_at is None


async def test_publishing_first_keeps_the_default_as_version_1(store):
    """A guild that publishes before anyone saw the default still gets the default as version 1."""
    await store.save_draft(GUILD, V2, MODERATOR)
    version, _ = await store.publish_draft(GUILD, MODERATOR, DEFAULT, WEEK)
    assert version.version == 2 and (await store.agreement_version(GUILD, 1)).text == DEFAULT


async def test_withholding_is_claimed_once_and_accepting_ends_it(store, clock):
    """Overdue members are listed, the withholding is claimed once, and accepting the new version clears it."""
    await accept_v1(store, MEMBER)
    await store.save_draft(GUILD, V2, MODERATOR)
    await store.publish_draft(GUILD, MODERATOR, DEFAULT, WEEK)
    assert await store.claim_grace_notice(GUILD, MEMBER, WEEK)
    assert await store.grace_overdue(clock.now + timedelta(days=6)) == []
    [overdue] = await store.grace_overdue(clock.now + timedelta(days=8))
    assert overdue.user_id == MEMBER
    assert await store.claim_withholding(GUILD, MEMBER, 1)
    assert not await store.claim_withholding(GUILD, MEMBER, 1)
    assert await store.grace_overdue(clock.now + timedelta(days=8)) == []
    withheld = await store.onboarding(GUILD, MEMBER)
    assert withheld.role_withheld_at is not None and withheld.role_granted_at is None and not withheld.awaiting_role
    await store.record_decision(GUILD, MEMBER, 2, Decision.ACCEPTED, Via.DM, None)
    done = await store.onboarding(GUILD, MEMBER)
    assert (done.version, done.grace_due_at, done.role_withheld_at) == (2, None, None) and done.awaiting_role
    assert await store.claim_role_grant(GUILD, MEMBER)


async def test_end_grace_and_release_withholding(store, clock):
    """Ending a grace period removes the member from the overdue list; releasing a claim lets it be tried again."""
    await accept_v1(store, MEMBER)
    await accept_v1(store, OTHER_MEMBER)
    await store.save_draft(GUILD, V2, MODERATOR)
    await store.publish_draft(GUILD, MODERATOR, DEFAULT, WEEK)
    for member in (MEMBER, OTHER_MEMBER):
        assert await store.claim_grace_notice(GUILD, member, WEEK)
    later = clock.now + timedelta(days=8)
    await store.end_grace(GUILD, MEMBER)
    assert [o.user_id for o in await store.grace_overdue(later)] == [OTHER_MEMBER]
    granted = (await store.onboarding(GUILD, OTHER_MEMBER)).role_granted_at
    assert await store.claim_withholding(GUILD, OTHER_MEMBER, 1)
    await store.release_withholding(GUILD, OTHER_MEMBER, granted)
    assert (await store.onboarding(GUILD, OTHER_MEMBER)).role_granted_at == granted
    assert [o.user_id for o in await store.grace_overdue(later)] == [OTHER_MEMBER]


async def test_no_member_loses_access_before_being_sent_the_new_version(store, clock):
    """Until the new version is sent to a member they are never overdue; sending is claimed once, and a late notice
    moves the deadline to a full grace period from the notice."""
    await accept_v1(store, MEMBER)
    await store.save_draft(GUILD, V2, MODERATOR)
    await store.publish_draft(GUILD, MODERATOR, DEFAULT, WEEK)
    assert [o.user_id for o in await store.grace_unnoticed(GUILD)] == [MEMBER]
    assert await store.grace_overdue(clock.now + timedelta(days=30)) == []
    clock.now += timedelta(days=10)  # the bot was down when the version was published
    assert await store.claim_grace_notice(GUILD, MEMBER, WEEK)
    assert not await store.claim_grace_notice(GUILD, MEMBER, WEEK)
    assert await store.grace_unnoticed() == []
    assert await store.grace_overdue(clock.now + timedelta(days=6)) == []
    assert [o.user_id for o in await store.grace_overdue(clock.now + timedelta(days=8))] == [MEMBER]


async def test_grace_days_default_to_a_week_and_are_validated(store):
    """GuildSettings.grace_days defaults to 7, round-trips, and refuses non-numbers and negatives."""
    assert (await store.get_guild_settings(GUILD)).grace_days == 7
    await store.save_guild_settings(GUILD, GuildSettings(grace_days=2))
    assert (await store.get_guild_settings(GUILD)).grace_days == 2
    for bad in (-1, True, "7", 400):
        with pytest.raises(ValueError, match="grace_days"):
            GuildSettings(grace_days=bad)


async def test_reminder_and_removal_hours_default_and_are_validated(store):
    """The reminder defaults to 24 hours and both removals to off; the hours round-trip and bad values are refused."""
    defaults = await store.get_guild_settings(GUILD)
    assert (defaults.reminder_hours, defaults.removal_hours, defaults.decline_removal_hours) == (24, 0, 0)
    await store.save_guild_settings(GUILD, GuildSettings(reminder_hours=0, removal_hours=72, decline_removal_hours=6))
    saved = await store.get_guild_settings(GUILD)
    assert (saved.reminder_hours, saved.removal_hours, saved.decline_removal_hours) == (0, 72, 6)
    for name in ("reminder_hours", "removal_hours", "decline_removal_hours"):
        for bad in (-1, True, "24", 9000):
            with pytest.raises(ValueError, match=name):
                GuildSettings(**{name: bad})


async def test_deleting_a_user_erases_them_as_draft_author(store):
    """A user's deletion request erases their id from a draft they wrote."""
    await store.save_draft(GUILD, V2, MODERATOR)
    await store.delete_user_data(MODERATOR)
    assert (await store.draft(GUILD)).updated_by == 0
