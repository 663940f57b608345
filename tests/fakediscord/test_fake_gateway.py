"""Login, READY/GUILD_CREATE, intents, resume and the harness's failure reporting."""

import asyncio

import discord
import pytest
from discord.ext import commands

from bot.fakediscord import FakeDiscord, Perm

from .conftest import collect, make_bot, make_intents


async def test_ready_fills_the_guild_cache(fake, guild, alice):
    """After on_ready the client has the guild's channels, categories, roles, members and overwrites."""
    newbie = fake.add_user("newbie")
    fake.add_member(guild, newbie, pending=True)
    fake.set_overwrite(guild.channel("mod-queue"), guild.everyone, deny=Perm.VIEW_CHANNEL)
    fake.set_overwrite(guild.channel("mod-queue"), guild.role("Moderators"), allow=Perm.VIEW_CHANNEL)
    bot = make_bot()
    async with fake.running(bot):
        cached = bot.get_guild(guild.id)
        assert cached.name == "Support Group"
        assert {c.name for c in cached.text_channels} == {"general", "mod-queue", "group-chat", "check-ins"}
        category = discord.utils.get(cached.categories, name="Group")
        assert [c.name for c in category.channels] == ["group-chat", "check-ins"]
        assert [r.name for r in cached.roles] == ["@everyone", "Member", "Moderators", fake.bot_user.name]
        assert cached.get_member(alice.id).roles[-1].name == "Member"
        assert cached.get_member(newbie.id).pending is True
        assert cached.me.guild_permissions.administrator
        queue = cached.get_channel(guild.channel("mod-queue").id)
        assert queue.overwrites_for(cached.default_role).view_channel is False
        assert queue.overwrites_for(cached.get_role(guild.role("Moderators").id)).view_channel is True
        assert not queue.permissions_for(cached.get_member(alice.id)).view_channel
        assert bot.application_id == fake.application_id
        assert bot.user.id == fake.bot_user.id
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]


async def test_guild_without_members_intent_sends_only_the_bot(fake, guild, alice):
    """Without the members intent GUILD_CREATE carries only the bot's member, like Discord."""
    bot = make_bot(intents=make_intents(members=False))
    async with fake.running(bot):
        cached = bot.get_guild(guild.id)
        assert cached.get_member(alice.id) is None
        assert cached.me is not None
        assert cached.member_count == 3


async def test_auto_sharded_bot_connects(fake, guild):
    """An AutoShardedBot asks /gateway/bot and gets READY with its shard echoed."""
    bot = make_bot(cls=commands.AutoShardedBot)
    async with fake.running(bot):
        assert bot.shard_count == 1
        assert bot.get_guild(guild.id).shard_id == 0
    assert fake.calls("GET", "/gateway/bot")


async def test_missing_privileged_intent_closes_with_4014():
    """Asking for an intent the application lacks closes the gateway with 4014."""
    async with FakeDiscord(privileged_intents=("members",)) as fake:
        fake.add_guild()
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with fake.running(make_bot()):
                pass
        assert 4014 in fake.gateway.close_codes


async def test_bad_token_fails_login(fake):
    """A wrong token gets 401 from GET /users/@me, which discord.py turns into LoginFailure."""
    with pytest.raises(discord.LoginFailure):
        async with fake.running(make_bot(), token="not-the-token", via_start=True):
            pass
    assert fake.calls("GET", "/users/@me")[0].status == 401


async def test_events_missed_during_an_outage_are_replayed_after_resume(fake, guild, alice):
    """Events sent while the gateway was down arrive after the client RESUMEs."""
    bot = make_bot()
    joined = collect(bot, "member_join", lambda m: m.name)
    resumed = collect(bot, "resumed", lambda: True)
    async with fake.running(bot):
        async with fake.gateway_outage():
            await fake.member_join(guild, fake.add_user("carol"))
            await asyncio.sleep(0.05)
            assert joined == []
        await fake.wait_for(lambda: joined == ["carol"])
        assert resumed == [True]
        assert bot.get_guild(guild.id).get_member_named("carol") is not None
    assert (fake.gateway.identifies, fake.gateway.resumes) == (1, 1)


async def test_drop_gateway_reconnects_with_resume(fake, guild, alice):
    """drop_gateway() makes the client reconnect to the resume URL and RESUME its session."""
    bot = make_bot()
    async with fake.running(bot):
        await fake.drop_gateway()
        await fake.wait_for(lambda: fake.gateway.resumes == 1)
        await fake.member_join(guild, fake.add_user("dave"))
        assert bot.get_guild(guild.id).get_member_named("dave") is not None


async def test_message_content_is_stripped_without_the_intent(fake, guild, alice):
    """Without MESSAGE_CONTENT guild messages arrive empty, except DMs, mentions of the bot and its own."""
    bot = make_bot(intents=make_intents(content=False))
    seen = collect(bot, "message", lambda m: m.content)
    async with fake.running(bot):
        await fake.user_message(guild.channel("general"), alice, "my phone is 555")
        await fake.user_message(guild.channel("general"), alice, f"{fake.bot_user.mention} hello")
        await fake.user_message(fake.dm_channel(alice), alice, "private words")
        await fake.wait_for(lambda: len(seen) == 3)
    assert seen == ["", f"{fake.bot_user.mention} hello", "private words"]


async def test_handler_error_fails_running(fake, guild, alice):
    """An exception in an event handler makes running() raise with the logged error."""
    bot = make_bot()

    async def on_message(message):
        raise RuntimeError("boom in handler")

    bot.add_listener(on_message)
    with pytest.raises(AssertionError, match="boom in handler"):
        async with fake.running(bot):
            await fake.user_message(guild.channel("general"), alice, "hi")
            await fake.wait_for(lambda: fake.errors)


async def test_expected_errors_can_be_allowed(fake, guild, alice):
    """allow_errors lets a test expect a specific logged error."""
    bot = make_bot()

    async def on_message(message):
        raise RuntimeError("expected failure")

    bot.add_listener(on_message)
    async with fake.running(bot, allow_errors=["expected failure"]):
        await fake.user_message(guild.channel("general"), alice, "hi")
        await fake.wait_for(lambda: fake.errors)


async def test_dead_bot_task_is_reported(fake, guild, alice):
    """A parser crash that kills the bot task makes waits fail fast instead of hanging."""
    bot = make_bot()
    with pytest.raises(AssertionError, match="bot task died"):
        async with fake.running(bot):
            fake.gateway.dispatch("INTERACTION_CREATE", {"type": 3, "id": "1"})
            await fake.wait_for(lambda: False, timeout=2)


async def test_guilds_channels_and_roles_added_while_running(fake, guild):
    """Guilds, channels and roles added after login reach the client as GUILD_CREATE/CHANNEL_CREATE/ROLE_CREATE."""
    bot = make_bot()
    async with fake.running(bot):
        second = fake.add_guild("Second Group", channels=("lobby",))
        fake.add_channel(guild, "cases", category=guild.channel("Group"))
        fake.add_role(guild, "Lead")
        await fake.settle()
        assert bot.get_guild(second.id).text_channels[0].name == "lobby"
        cases = bot.get_channel(guild.channel("cases").id)
        assert cases.category.name == "Group"
        assert bot.get_guild(guild.id).get_role(guild.role("Lead").id) is not None


async def test_member_chunking_queries_and_fetches(fake, guild, alice):
    """Op 8 member requests are answered with GUILD_MEMBERS_CHUNK and members can be fetched over REST."""
    bot = make_bot()
    async with fake.running(bot):
        cached = bot.get_guild(guild.id)
        assert {m.name for m in await cached.chunk()} == {"owner", "alice", fake.bot_user.name}
        assert [m.name for m in await cached.query_members("ali")] == ["alice"]
        assert (await cached.fetch_member(alice.id)).name == "alice"
        fetched = [m.name async for m in cached.fetch_members(limit=None)]
        assert sorted(fetched) == sorted(["owner", "alice", bot.user.name])
