"""Scheduled reminders over the wire: /reminders add|list|remove|timezone, posting each slot once, the leave DM."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Config
from bot.fakediscord import FakeDiscord, Guild, User
from models.crypto import FieldCipher
from models.records import AuditAction, Decision, GuildSettings, Via
from models.store import Store
from rules.agreement import default_agreement
from rules.reminders import DEFAULT_REMINDERS
from tests.conftest import confidant


def reminders_in(fake: FakeDiscord, guild: Guild, channel: str = "group-chat") -> list:
    return [m for m in fake.find_messages(guild.channel(channel)) if "confidentiality reminder" in m.text]


async def answer(fake: FakeDiscord, command: str, user: User, guild: Guild, **options: object) -> str:
    it = await fake.slash(f"reminders {command}", user, guild.channel("general"), **options)
    message = await it.wait_message()
    assert message.ephemeral
    return message.text


async def test_moderators_add_list_and_remove_reminders(fake, guild, mod, group_config, key):
    """A moderator schedules reminders, sees them listed with their next time, and removes one."""
    async with fake.running(confidant(group_config)):
        added = await answer(fake, "add", mod, guild, channel=guild.channel("group-chat"), every=6, unit="hours")
        assert "Reminder #1 added" in added and "every 6 hours" in added and "default reminders" in added
        daily = await answer(
            fake, "add", mod, guild, channel=guild.channel("check-ins"), every=1, unit="days", at="09:30",
            text="Remember: what's said in check-ins stays in check-ins.",
        )  # fmt: skip
        assert "Reminder #2 added" in daily and "every day at 09:30 (UTC time)" in daily and "your text" in daily
        listed = await answer(fake, "list", mod, guild)
        assert (
            "**#1**" in listed and "**#2**" in listed and "every 6 hours" in listed and "every day at 09:30" in listed
        )
        assert f"<#{guild.channel('check-ins').id}>" in listed
        removed = await answer(fake, "remove", mod, guild, number=1)
        assert "#1" in removed and "removed" in removed
        assert "no reminder #1" in await answer(fake, "remove", mod, guild, number=1)
        listed = await answer(fake, "list", mod, guild)
        assert "**#1**" not in listed and "**#2**" in listed
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        (left,) = await store.channel_reminders(guild.id)
        entries = await store.audit_entries(guild.id, limit=10)
    assert left.at_minute == 9 * 60 + 30 and left.text.startswith("Remember")
    assert sum(e.action is AuditAction.SETTING_CHANGED for e in entries) == 3


async def test_reminder_commands_are_for_moderators(fake, guild, alice, mod, group_config):
    """Members are refused add, list and remove, checked on the server side."""
    async with fake.running(confidant(group_config)):
        await answer(fake, "add", mod, guild, channel=guild.channel("group-chat"), every=6, unit="hours")
        refused = await answer(fake, "add", alice, guild, channel=guild.channel("group-chat"), every=1, unit="hours")
        assert "permission" in refused
        assert "permission" in await answer(fake, "list", alice, guild)
        assert "permission" in await answer(fake, "remove", alice, guild, number=1)
        assert "**#1**" in await answer(fake, "list", mod, guild)


# fmt: off
@pytest.mark.parametrize("options, expected", [
    ({"every": 2, "unit": "hours", "at": "09:00"}, "only goes with a schedule in days"),
    ({"every": 1, "unit": "days", "at": "9am"}, "HH:MM"),
    ({"every": 400, "unit": "days"}, "from 1 to 365"),
    ({"every": 1, "unit": "hours", "text": "   "}, "empty"),
    ({"every": 1, "unit": "hours", "text": "x" * 1001}, "at most 1000"),
])
# fmt: on
async def test_bad_reminders_are_refused_with_what_to_do(fake, guild, mod, group_config, options, expected):
    """A time of day with hours, a malformed time, too long an interval, or an empty or long text is refused."""
    async with fake.running(confidant(group_config)):
        refused = await answer(fake, "add", mod, guild, channel=guild.channel("group-chat"), **options)
        assert expected in refused
        assert "no scheduled reminders" in await answer(fake, "list", mod, guild)


async def test_a_channel_the_bot_cannot_post_in_is_refused(fake, guild, mod, group_config):
    """Adding a reminder where Confidant may not post says which permissions to give."""
    from bot.fakediscord.model import Perm

    bot_role = next(r for r in guild.roles.values() if r.bot_id == fake.bot_user.id)
    bot_role.permissions = Perm.ALL & ~Perm.ADMINISTRATOR
    fake.set_overwrite(guild.channel("check-ins"), bot_role, deny=Perm.SEND_MESSAGES)
    async with fake.running(confidant(group_config)):
        refused = await answer(fake, "add", mod, guild, channel=guild.channel("check-ins"), every=1, unit="hours")
        assert "Send Messages" in refused


async def test_a_due_reminder_posts_once_when_two_ticks_race(fake, guild, mod, group_config, key):
    """Two ticks at the same due time post the reminder once; the next slot is six hours on."""
    async with fake.running(confidant(group_config)) as bot:
        await answer(fake, "add", mod, guild, channel=guild.channel("group-chat"), every=6, unit="hours")
        cog = bot.get_cog("Reminders")
        due = datetime.now(UTC) + timedelta(hours=6, minutes=1)
        posted = await asyncio.gather(cog.tick(now=due), cog.tick(now=due))
        assert sorted(posted) == [0, 1]
        post = await fake.wait_for_message(guild.channel("group-chat"))
        assert post.embeds[0]["description"] == DEFAULT_REMINDERS[0]
        assert "/report" in post.text
        assert await cog.tick(now=due) == 0
        await asyncio.sleep(0.1)
        assert len(reminders_in(fake, guild)) == 1
        second = due + timedelta(hours=6)
        assert await cog.tick(now=second) == 1  # the next slot, with the next default text
        post = await fake.wait_for_message(guild.channel("group-chat"))
        assert post.embeds[0]["description"] == DEFAULT_REMINDERS[1]
        (reminder,) = await bot.store.channel_reminders(guild.id)
        assert reminder.last_posted_at is not None and reminder.posts == 2


async def test_a_reminder_due_during_an_outage_posts_once_after_a_restart(fake, guild, group_config, key):
    """A reminder whose slots passed while the bot was down posts once when it is back, and not again on restart."""
    long_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        await store.add_channel_reminder(
            guild.id, guild.channel("group-chat").id, every=6, unit="hours", at_minute=None,
            text="Our own words: what's shared here stays here.", next_at=long_ago, created_by=fake.owner.id,
        )  # fmt: skip
    async with fake.running(confidant(group_config)) as bot:
        post = await fake.wait_for_message(guild.channel("group-chat"))  # the loop's first look, at startup
        assert "Our own words" in post.text
        cog = bot.get_cog("Reminders")
        assert await asyncio.gather(cog.tick(), cog.tick()) == [0, 0]
    async with fake.running(confidant(group_config)) as bot:
        await asyncio.sleep(0.2)
        assert await bot.get_cog("Reminders").tick() == 0
    assert len(reminders_in(fake, guild)) == 1
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        (reminder,) = await store.channel_reminders(guild.id)
    now = datetime.now(UTC)
    assert now < reminder.next_at <= now + timedelta(hours=6)
    assert (reminder.next_at - long_ago) % timedelta(hours=6) == timedelta(0)  # it keeps its rhythm


async def test_a_reminder_that_cannot_be_posted_is_told_to_the_log(fake, guild, mod, group_config):
    """A failed post is logged and told to the moderation log with its fix; the slot is not posted twice."""
    async with fake.running(confidant(group_config)) as bot:
        await answer(fake, "add", mod, guild, channel=guild.channel("group-chat"), every=1, unit="hours")
        fake.fail_next("POST", rf"/channels/{guild.channel('group-chat').id}/messages", 403)
        cog = bot.get_cog("Reminders")
        due = datetime.now(UTC) + timedelta(hours=1, minutes=1)
        assert await cog.tick(now=due) == 0
        told = await fake.wait_for_message(guild.channel("mod-log"), predicate=lambda m: "couldn't" in m.text)
        assert "#1 couldn't be posted" in told.text and "Send Messages" in told.text
        assert await cog.tick(now=due) == 0
        assert reminders_in(fake, guild) == []


async def test_the_time_zone_is_for_admins_and_validated(fake, guild, mod, group_config, key):
    """Only admins set the zone; an unknown name is refused; day reminders move to the new zone's clock."""
    async with fake.running(confidant(group_config)) as bot:
        await answer(fake, "add", mod, guild, channel=guild.channel("group-chat"), every=1, unit="days", at="09:00")
        (before,) = await bot.store.channel_reminders(guild.id)
        assert before.next_at.astimezone(UTC).strftime("%H:%M") == "09:00"
        assert "permission" in await answer(fake, "timezone", mod, guild, tz="Europe/London")
        refused = await answer(fake, "timezone", fake.owner, guild, tz="Mars/Olympus")
        assert "don't know the time zone Mars/Olympus" in refused
        assert (await bot.store.get_guild_settings(guild.id)).timezone == "UTC"
        done = await answer(fake, "timezone", fake.owner, guild, tz="America/New_York")
        assert "Time zone set to America/New_York" in done
        assert (await bot.store.get_guild_settings(guild.id)).timezone == "America/New_York"
        (after,) = await bot.store.channel_reminders(guild.id)
        from zoneinfo import ZoneInfo

        assert after.next_at.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "09:00"
        assert "America/New_York time" in await answer(fake, "list", mod, guild)
        # The fake's autocomplete doesn't reach subcommands: the suggestions are asked of the cog directly.
        suggested = await bot.get_cog("Reminders")._zones(None, "lond")
        assert [c.value for c in suggested] == ["Europe/London"]
        assert len(await bot.get_cog("Reminders")._zones(None, "america")) == 25


async def test_settings_with_a_time_zone_are_read_back(fake, guild, group_config, key):
    """A zone saved before startup is the one day reminders are scheduled in."""
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        await store.save_guild_settings(guild.id, GuildSettings(timezone="Asia/Kolkata"))
    async with fake.running(confidant(group_config)):
        owner = fake.owner
        added = await answer(fake, "add", owner, guild, channel=guild.channel("group-chat"), every=1, unit="days", at="18:00")
        assert "Asia/Kolkata time" in added


async def accepted(config: Config, key: str, guild: Guild, *users: User) -> None:
    """Record that each user accepted the agreement (they were part of the group's conversation)."""
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        await store.current_agreement(guild.id, default_agreement().text)
        for user in users:
            await store.start_onboarding(guild.id, user.id, 1)
            await store.record_decision(guild.id, user.id, 1, Decision.ACCEPTED, Via.DM, None)


async def test_a_member_who_leaves_is_reminded_privately(fake, guild, alice, group_config, key):
    """Leaving brings a DM: confidentiality continues, and how to report; closed DMs are no error."""
    shy = fake.add_user("shy", dms_open=False)
    fake.add_member(guild, shy, roles=[guild.role("Member")])
    await accepted(group_config, key, guild, alice, shy)
    async with fake.running(confidant(group_config)):
        await fake.member_leave(guild, alice)
        note = await fake.wait_for_message(to=alice)
        assert "Support Group" in note.text and "confidential after leaving" in note.text
        assert "/report" in note.text and "direct message" in note.text
        await fake.member_leave(guild, shy)
        await fake.wait_for_call("POST", "/users/@me/channels", count=2)
        await asyncio.sleep(0.1)
        assert fake.find_messages(to=shy) == []


async def test_no_farewell_for_those_who_never_accepted_or_whom_confidant_removed(fake, guild, alice, mod, group_config, key):
    """Someone who never joined the conversation gets nothing; a member removed by the strike ladder got its own DM."""
    newcomer = fake.add_user("newcomer")
    fake.add_member(guild, newcomer)
    await accepted(group_config, key, guild, alice)
    async with Store.open(group_config.storage.path, FieldCipher([key])) as store:
        await store.save_guild_settings(guild.id, GuildSettings(strike_ladder=("remove",)))
    async with fake.running(confidant(group_config)):
        await fake.member_leave(guild, newcomer)
        await (await fake.slash("strike add", mod, guild.channel("general"), member=alice, reason="x")).wait_message()
        proposal = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: "Removal" in m.text)
        remove = next(c for c in proposal.custom_ids() if ":remove:" in c)
        await (await fake.click(proposal, remove, mod)).wait_response()
        await fake.wait_for(lambda: alice.id not in guild.members, what="alice's removal")
        await asyncio.sleep(0.2)
        assert fake.find_messages(to=newcomer) == []
        assert [m.text for m in fake.find_messages(to=alice) if "after leaving" in m.text] == []
