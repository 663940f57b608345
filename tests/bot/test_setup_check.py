"""setup_problems against real discord.py guilds, as a client connected to the fake Discord caches them."""

import contextlib
import dataclasses
from collections.abc import AsyncIterator

import discord

from bot.fakediscord import FakeDiscord, Guild
from bot.fakediscord.model import Perm
from bot.permissions import required_permissions
from bot.setup import GuildSetup
from bot.setup_check import setup_problems

ALL_NEEDED = required_permissions(with_optional=True).value


def make_guild(fake: FakeDiscord, bot_permissions: int = ALL_NEEDED) -> Guild:
    return fake.add_guild(
        "Support Group",
        channels=("welcome", "mod-queue", "cases", "mod-log"),
        categories={"Group": ("group-chat", "check-ins")},
        roles=("Member", "Moderators", "Leads"),
        bot_permissions=bot_permissions,
    )


def full_setup(guild: discord.Guild, **changes: object) -> GuildSetup:
    def channel(name: str) -> discord.abc.GuildChannel:
        found = discord.utils.get(guild.channels, name=name)
        assert found is not None
        return found

    setup = GuildSetup(
        member_role=discord.utils.get(guild.roles, name="Member"),
        moderator_role=discord.utils.get(guild.roles, name="Moderators"),
        lead_role=discord.utils.get(guild.roles, name="Leads"),
        gate_channel=channel("welcome"),
        mod_queue_channel=channel("mod-queue"),
        cases_channel=channel("cases"),
        log_channel=channel("mod-log"),
        monitored_channels=(channel("Group"),),
    )
    return dataclasses.replace(setup, **changes)


@contextlib.asynccontextmanager
async def live(fake: FakeDiscord, guild: Guild) -> AsyncIterator[discord.Guild]:
    """The guild as a bare client with the guilds intent (what `confidant check` logs in with) caches it."""
    client = discord.Client(intents=discord.Intents(guilds=True), guild_ready_timeout=0.05)
    async with fake.running(client):
        found = client.get_guild(guild.id)
        assert found is not None
        yield found


def keys(problems) -> list[str]:
    return [p.key for p in problems]


async def test_a_complete_setup_with_every_permission_has_no_problems(fake):
    """A guild with every slot filled, the right role order and every permission has nothing to fix."""
    async with live(fake, make_guild(fake)) as g:
        assert setup_problems(g, full_setup(g)) == []


async def test_each_empty_slot_is_named_and_the_lead_role_is_only_a_note(fake):
    """Every slot not set up is a problem naming it; a missing lead role is an optional note, listed last."""
    async with live(fake, make_guild(fake)) as g:
        problems = setup_problems(g, GuildSetup())
        assert keys(problems) == [
            "slot:member_role", "slot:moderator_role", "slot:gate_channel", "slot:mod_queue_channel",
            "slot:cases_channel", "slot:log_channel", "slot:monitored_channels", "slot:lead_role",
        ]  # fmt: skip
        assert [p.note for p in problems] == [False] * 7 + [True]
        assert "gate channel" in problems[2].text and "/setup start" in problems[2].fix


async def test_the_member_role_above_the_bots_role_is_a_role_order_problem(fake):
    """A member role at or above the bot's own role is reported with the drag-it-above fix."""
    guild = make_guild(fake)
    guild.role("Member").position = guild.role("Confidant").position + 1
    async with live(fake, guild) as g:
        problems = setup_problems(g, full_setup(g))
        assert keys(problems) == ["role-order"]
        assert "Confidant" in problems[0].text and "Member" in problems[0].text
        assert problems[0].fix == "Server Settings → Roles: drag Confidant above Member."


async def test_a_missing_permission_is_named_with_its_fix_and_an_optional_one_is_a_note(fake):
    """Manage Messages missing server-wide is a problem; Manage Webhooks missing is an optional note."""
    perms = ALL_NEEDED & ~Perm.MANAGE_MESSAGES & ~Perm.MANAGE_WEBHOOKS
    async with live(fake, make_guild(fake, bot_permissions=perms)) as g:
        problems = setup_problems(g, full_setup(g))
        assert keys(problems) == ["permission:manage_messages", "permission:manage_webhooks"]
        required, optional = problems
        assert not required.note and optional.note
        assert "Manage Messages" in required.text and "remove a message" in required.text
        assert required.fix == "Server Settings → Roles → Confidant → enable Manage Messages."
        assert optional.text.startswith("Optional:")
        # ... and it is not reported again for each monitored channel.
        assert not any(p.key.startswith("channel:") for p in problems)


async def test_a_channel_overwrite_taking_a_permission_away_is_named_per_channel(fake):
    """Overwrites denying Send Messages in the queue, or View Channels in a monitored channel, are found there."""
    guild = make_guild(fake)
    fake.set_overwrite(guild.channel("mod-queue"), guild.role("Confidant"), deny=Perm.SEND_MESSAGES)
    fake.set_overwrite(guild.channel("check-ins"), guild.role("Confidant"), deny=Perm.VIEW_CHANNEL)
    fake.set_overwrite(guild.channel("group-chat"), guild.everyone, deny=Perm.MANAGE_MESSAGES)
    async with live(fake, guild) as g:
        problems = setup_problems(g, full_setup(g))
        queue, chat, check_ins = (guild.channel(name).id for name in ("mod-queue", "group-chat", "check-ins"))
        assert sorted(keys(problems)) == sorted(
            # An @everyone deny takes Manage Messages from the bot's role too (Discord's overwrite order).
            [f"channel:{queue}:send_messages", f"channel:{chat}:manage_messages", f"channel:{check_ins}:view_channel"]
        )
        by_key = {p.key: p for p in problems}
        send = by_key[f"channel:{queue}:send_messages"]
        assert "#mod-queue" in send.text and "moderation queue" in send.text
        assert send.fix == "#mod-queue → Edit Channel → Permissions → Confidant → allow Send Messages."
        assert "#check-ins" in by_key[f"channel:{check_ins}:view_channel"].text


async def test_cases_without_public_threads_is_found_though_the_invite_does_not_ask_for_it(fake):
    """Create Public Threads (not in NEEDS) denied in the cases channel is reported there."""
    guild = make_guild(fake)
    fake.set_overwrite(guild.channel("cases"), guild.everyone, deny=Perm.CREATE_PUBLIC_THREADS)
    async with live(fake, guild) as g:
        problems = setup_problems(g, full_setup(g))
        assert keys(problems) == [f"channel:{guild.channel('cases').id}:create_public_threads"]
        assert "Create Public Threads" in problems[0].text
