"""The pre-send layer's Discord side: Confidant's AutoMod rule (`/flags automod`) and the flags its blocks become.

The patterns themselves are pure and live in `rules.automod`; this module installs them as one keyword rule that
blocks the message, remembers the rule's id in the guild's settings, and turns the rule's action events into
masked flags. The flagging cog owns the command, the listener and the queue; it calls in here.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import discord

from bot import strings
from bot.app import ConfidantBot
from bot.setup import GuildSetup
from models.records import AuditAction, AuditEntry, Flag, FlagSource, FlagSpan
from rules import automod
from rules.detection import Label

log = logging.getLogger(__name__)

AUTOMOD_RISK = 0.9  # Discord stopped a direct identifier with a high-precision pattern


async def switch(
    bot: ConfidantBot, guild: discord.Guild, setup: GuildSetup, actor_id: int, *, on: bool, lock: asyncio.Lock
) -> str:
    """Install (on) or remove (off) Confidant's AutoMod rule; return the answer for the admin.

    `lock` serialises the command, so two quick "on"s install one rule.
    """
    if not guild.me.guild_permissions.manage_guild:
        return strings.AUTOMOD_NO_PERMISSION
    async with lock:
        try:
            return await (_install(bot, guild, setup, actor_id) if on else _remove(bot, guild, actor_id))
        except discord.Forbidden:
            return strings.AUTOMOD_NO_PERMISSION
        except discord.HTTPException as error:
            log.warning("AutoMod change in guild %s refused: HTTP %s (code %s)", guild.id, error.status, error.code)
            return strings.AUTOMOD_FAILED.format(status=error.status, reason=error.text or "no reason given")


async def _installed(guild: discord.Guild, rule_ids: tuple[int, ...]) -> list[discord.AutoModRule]:
    """The stored rules that still exist (an admin may have deleted one in Server Settings)."""
    found = []
    for rule_id in rule_ids:
        try:
            found.append(await guild.fetch_automod_rule(rule_id))
        except discord.NotFound:
            continue
    return found


async def _install(bot: ConfidantBot, guild: discord.Guild, setup: GuildSetup, actor_id: int) -> str:
    settings = await bot.store.get_guild_settings(guild.id)
    if await _installed(guild, settings.automod_rules):
        return strings.AUTOMOD_ALREADY_ON
    exempt = [setup.moderator_role] if setup.moderator_role is not None else []
    rule = await guild.create_automod_rule(
        name=strings.AUTOMOD_RULE_NAME,
        event_type=discord.AutoModRuleEventType.message_send,
        trigger=discord.AutoModTrigger(
            type=discord.AutoModRuleTriggerType.keyword, regex_patterns=automod.regex_patterns()
        ),
        actions=[
            discord.AutoModRuleAction(
                type=discord.AutoModRuleActionType.block_message, custom_message=strings.AUTOMOD_BLOCK_MESSAGE
            )
        ],
        enabled=True,
        exempt_roles=exempt,
        reason="/flags automod on",
    )
    await bot.store.save_guild_settings(guild.id, replace(settings, automod_rules=(rule.id,)))
    await _audit(bot, guild.id, actor_id, f"AutoMod rule {rule.id} installed")
    log.info("User %s installed AutoMod rule %s in guild %s", actor_id, rule.id, guild.id)
    role = strings.AUTOMOD_ON_EXEMPT.format(role=setup.moderator_role.name) if setup.moderator_role else ""
    return strings.AUTOMOD_ON.format(exempt=role)


async def _remove(bot: ConfidantBot, guild: discord.Guild, actor_id: int) -> str:
    settings = await bot.store.get_guild_settings(guild.id)
    if not settings.automod_rules:
        return strings.AUTOMOD_ALREADY_OFF
    for rule in await _installed(guild, settings.automod_rules):
        try:
            await rule.delete(reason="/flags automod off")
        except discord.NotFound:
            continue
    await bot.store.save_guild_settings(guild.id, replace(settings, automod_rules=()))
    ids = ",".join(str(rule_id) for rule_id in settings.automod_rules)
    await _audit(bot, guild.id, actor_id, f"AutoMod rules {ids} removed")
    log.info("User %s removed AutoMod rules %s in guild %s", actor_id, ids, guild.id)
    return strings.AUTOMOD_OFF


async def _audit(bot: ConfidantBot, guild_id: int, actor_id: int, what: str) -> None:
    await bot.store.append_audit(
        AuditEntry(guild_id=guild_id, actor_id=actor_id, action=AuditAction.SETTING_CHANGED, reason=what)
    )


async def is_ours(bot: ConfidantBot, execution: discord.AutoModAction) -> bool:
    """Whether the event is our rule blocking a message (not another rule, nor another action of ours)."""
    if execution.action.type is not discord.AutoModRuleActionType.block_message or execution.channel_id is None:
        return False
    settings = await bot.store.get_guild_settings(execution.guild_id)
    return execution.rule_id in settings.automod_rules


async def record(bot: ConfidantBot, execution: discord.AutoModAction) -> Flag:
    """Store the blocked message as a flag: masked where the patterns (or AutoMod's match) put it."""
    assert execution.channel_id is not None  # noqa: S101 - checked by is_ours
    text = execution.content
    located = automod.locate(text, execution.matched_content)
    if not located and text:
        # AutoMod matched something we cannot place: mask the whole text rather than show it in the queue.
        located = ((0, len(text), automod.classify(execution.matched_content or "") or Label.PHONE),)
    spans = tuple(FlagSpan(label.value, start, end, automod.RULE_ID) for start, end, label in located)
    flag, _ = await bot.store.record_flag(
        guild_id=execution.guild_id,
        channel_id=execution.channel_id,
        message_id=None,  # a blocked message was never posted, so it has no id
        author_id=execution.user_id,
        source=FlagSource.AUTOMOD,
        risk=AUTOMOD_RISK,
        spans=spans,
        text=text,
    )
    # Ids and labels only: never the text or what matched.
    log.info(
        "Flag %d raised in guild %s: AutoMod rule %s blocked a message, labels %s",
        flag.id, execution.guild_id, execution.rule_id, ",".join(flag.labels),
    )  # fmt: skip
    return flag
