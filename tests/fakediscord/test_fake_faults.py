"""Fault injection (429, 5xx, 403) and AutoMod rules and action events."""

import discord
import pytest

from .conftest import collect, make_bot, make_intents


async def test_rate_limit_is_retried(fake, guild):
    """A 429 with Via and retry_after is retried by discord.py and the message is sent once."""
    fake.fail_next("POST", r"/channels/\d+/messages", 429)
    async with fake.running(make_bot()) as bot:
        await bot.get_channel(guild.channel("general").id).send("hello")
    assert [c.status for c in fake.calls("POST", r"/channels/\d+/messages")] == [429, 200]
    assert [m.content for m in fake.find_messages(guild.channel("general"))] == ["hello"]


async def test_rate_limit_without_via_is_not_retried(fake, guild):
    """A 429 without the Via header looks like a Cloudflare ban, so discord.py raises at once."""
    fake.fail_next("POST", r"/channels/\d+/messages", 429, headers={"Via": ""})
    async with fake.running(make_bot()) as bot:
        with pytest.raises(discord.HTTPException) as info:
            await bot.get_channel(guild.channel("general").id).send("hello")
    assert info.value.status == 429


async def test_server_error_is_retried(fake, guild):
    """A 500 is retried (after discord.py's 1 s back-off) and then succeeds."""
    fake.fail_next("POST", r"/channels/\d+/messages", 500)
    async with fake.running(make_bot()) as bot:
        await bot.get_channel(guild.channel("general").id).send("hello")
    assert [c.status for c in fake.calls("POST", r"/channels/\d+/messages")] == [500, 200]


async def test_injected_forbidden_raises(fake, guild, alice):
    """An injected 403 surfaces as discord.Forbidden with the body's code."""
    fake.fail_next("PUT", r"/guilds/\d+/members/\d+/roles/\d+", 403)
    async with fake.running(make_bot()) as bot:
        member = bot.get_guild(guild.id).get_member(alice.id)
        with pytest.raises(discord.Forbidden) as info:
            await member.add_roles(discord.Object(guild.role("Moderators").id))
    assert info.value.code == 50013
    assert guild.role("Moderators").id not in fake.member(guild, alice).roles


async def test_wait_timeout_lists_recent_calls(fake, guild):
    """A wait that times out raises AssertionError naming what it waited for and the last REST calls."""
    async with fake.running(make_bot()):
        with pytest.raises(AssertionError, match=r"(?s)a message.*GET /users/@me -> 200"):
            await fake.wait_for_message(guild.channel("general"), timeout=0.05)


async def test_automod_rule_crud_and_action_event(fake, guild, alice):
    """AutoMod rules are created, listed, edited and deleted; action executions reach on_automod_action."""
    bot = make_bot()
    actions = collect(bot, "automod_action", lambda a: (a.user_id, a.matched_keyword, a.action.type))
    async with fake.running(bot):
        cached = bot.get_guild(guild.id)
        rule = await cached.create_automod_rule(
            name="phone numbers",
            event_type=discord.AutoModRuleEventType.message_send,
            trigger=discord.AutoModTrigger(
                type=discord.AutoModRuleTriggerType.keyword, regex_patterns=[r"\d{3}-\d{4}"]
            ),
            actions=[discord.AutoModRuleAction(custom_message="Please do not share numbers.")],
            enabled=True,
            reason="setup",
        )
        assert [r.name for r in await cached.fetch_automod_rules()] == ["phone numbers"]
        rule = await rule.edit(name="phones")
        assert rule.name == "phones"
        await fake.automod_action(
            guild, int(rule.id), alice, "call 555-0100", channel=guild.channel("general"), keyword=r"\d{3}-\d{4}"
        )
        await fake.wait_for(lambda: actions)
        await rule.delete()
    assert actions == [(alice.id, r"\d{3}-\d{4}", discord.AutoModRuleActionType.block_message)]
    assert guild.automod_rules == {}


async def test_automod_action_needs_its_intent(fake, guild, alice):
    """Without the AUTO_MODERATION_EXECUTION intent no action events are delivered."""
    bot = make_bot(intents=make_intents(auto_moderation_execution=False))
    actions = collect(bot, "automod_action")
    async with fake.running(bot):
        rule = await bot.get_guild(guild.id).create_automod_rule(
            name="r",
            event_type=discord.AutoModRuleEventType.message_send,
            trigger=discord.AutoModTrigger(type=discord.AutoModRuleTriggerType.keyword, keyword_filter=["x"]),
            actions=[discord.AutoModRuleAction()],
        )
        await fake.automod_action(guild, rule.id, alice, "x")
    assert actions == []
