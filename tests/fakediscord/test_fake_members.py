"""Member events and the bot's moderation calls: roles, timeouts, kicks, bans, channel and role creation."""

import datetime

import discord
import pytest

from bot.fakediscord import Perm

from .conftest import collect, make_bot, make_intents


async def test_join_update_and_leave_reach_the_bot(fake, guild):
    """GUILD_MEMBER_ADD, UPDATE (pending flips to false) and REMOVE dispatch the matching events."""
    bot = make_bot()
    joins = collect(bot, "member_join", lambda m: (m.name, m.pending))
    updates = collect(bot, "member_update", lambda before, after: (before.pending, after.pending))
    leaves = collect(bot, "member_remove", lambda m: m.name)
    async with fake.running(bot):
        bob = fake.add_user("bob")
        await fake.member_join(guild, bob, pending=True)
        await fake.member_update(guild, bob, pending=False)
        await fake.member_leave(guild, bob)
        await fake.wait_for(lambda: leaves)
    assert joins == [("bob", True)]
    assert updates == [(True, False)]
    assert leaves == ["bob"]


async def test_member_events_need_the_members_intent(fake, guild):
    """Without the members intent no member events are delivered."""
    bot = make_bot(intents=make_intents(members=False))
    joins = collect(bot, "member_join")
    async with fake.running(bot):
        await fake.member_join(guild, fake.add_user("bob"))
    assert joins == []


async def test_roles_are_added_and_removed(fake, guild, alice):
    """add_roles/remove_roles hit the role routes, update state and dispatch GUILD_MEMBER_UPDATE."""
    bot = make_bot()
    async with fake.running(bot):
        member = bot.get_guild(guild.id).get_member(alice.id)
        moderators = member.guild.get_role(guild.role("Moderators").id)
        await member.add_roles(moderators, reason="promoted by vote")
        assert guild.role("Moderators").id in fake.member(guild, alice).roles
        await fake.wait_for(lambda: moderators in member.guild.get_member(alice.id).roles)
        await member.remove_roles(moderators)
        assert guild.role("Moderators").id not in fake.member(guild, alice).roles
        await member.edit(roles=[moderators], nick="Al")
        assert fake.member(guild, alice).roles == [moderators.id]
        assert fake.member(guild, alice).nick == "Al"
        await moderators.edit(name="Mods")
        await fake.wait_for(lambda: member.guild.get_role(moderators.id).name == "Mods")
    call = fake.calls("PUT", rf"/guilds/{guild.id}/members/{alice.id}/roles/\d+")[0]
    assert call.reason == "promoted by vote"


async def test_roles_above_the_bot_cannot_be_assigned(fake, guild, alice):
    """Role hierarchy is enforced: a role above the bot's top role gives 403 Missing Permissions."""
    high = fake.add_role(guild, "Admins", position=99)
    bot = make_bot()
    async with fake.running(bot):
        member = bot.get_guild(guild.id).get_member(alice.id)
        with pytest.raises(discord.Forbidden) as info:
            await member.add_roles(discord.Object(high.id))
    assert info.value.code == 50013


async def test_timeout_kick_and_ban(fake, guild, alice):
    """Timeouts set communication_disabled_until; kicks and bans remove the member and dispatch events."""
    bob = fake.add_user("bob")
    fake.add_member(guild, bob)
    bot = make_bot(intents=make_intents(moderation=True))
    bans = collect(bot, "member_ban", lambda g, u: u.name)
    removed = collect(bot, "member_remove", lambda m: m.name)
    async with fake.running(bot):
        cached = bot.get_guild(guild.id)
        await cached.get_member(alice.id).timeout(datetime.timedelta(hours=1), reason="breach")
        assert fake.member(guild, alice).timed_out
        await fake.wait_for(lambda: cached.get_member(alice.id).is_timed_out())
        await cached.get_member(alice.id).kick(reason="second breach")
        await cached.ban(discord.Object(bob.id), reason="third breach", delete_message_seconds=0)
        await fake.wait_for(lambda: len(removed) == 2)
        assert [b.user.name async for b in cached.bans()] == ["bob"]
        await cached.unban(discord.Object(bob.id))
    assert bans == ["bob"]
    assert sorted(removed) == ["alice", "bob"]
    assert alice.id not in guild.members
    assert guild.bans == {}
    assert [r.reason for r in fake.calls("PATCH", rf"/guilds/{guild.id}/members/{alice.id}")] == ["breach"]


async def test_timed_out_member_cannot_post(fake, guild, alice):
    """A timed-out member loses send permission in the fake's state as on Discord."""
    until = discord.utils.utcnow() + datetime.timedelta(minutes=5)
    fake.member(guild, alice).communication_disabled_until = until
    with pytest.raises(AssertionError, match="may not post"):
        await fake.user_message(guild.channel("general"), alice, "hi")


async def test_bot_creates_channels_and_roles(fake, guild):
    """The bot can create a role, a private channel with overwrites, and edit the channel."""
    bot = make_bot()
    created = collect(bot, "guild_channel_create", lambda c: c.name)
    async with fake.running(bot):
        cached = bot.get_guild(guild.id)
        role = await cached.create_role(name="Confidant Verified", reason="setup")
        overwrites = {
            cached.default_role: discord.PermissionOverwrite(view_channel=False),
            role: discord.PermissionOverwrite(view_channel=True),
        }
        channel = await cached.create_text_channel("welcome", overwrites=overwrites, topic="start here")
        await channel.edit(name="welcome-gate")
        await fake.wait_for(lambda: cached.get_channel(channel.id).name == "welcome-gate")
        assert cached.get_role(role.id).name == "Confidant Verified"
    assert created == ["welcome"]
    made = guild.channel("welcome-gate")
    assert made.topic == "start here"
    assert made.overwrites[guild.id].deny == Perm.VIEW_CHANNEL
    assert guild.role("Confidant Verified").position == 1


async def test_bot_without_permissions_is_forbidden(fake, alice):
    """A bot whose role lacks permissions gets 403 Missing Permissions, like on Discord."""
    guild = fake.add_guild(channels=("general",), roles=("Member",), bot_permissions=0)
    fake.set_overwrite(guild.channel("general"), guild.everyone, deny=Perm.SEND_MESSAGES)
    fake.add_member(guild, alice)
    async with fake.running(make_bot()) as bot:
        with pytest.raises(discord.Forbidden) as send:
            await bot.get_channel(guild.channel("general").id).send("hi")
        with pytest.raises(discord.Forbidden) as kick:
            await bot.get_guild(guild.id).get_member(alice.id).kick()
    assert send.value.code == kick.value.code == 50013
