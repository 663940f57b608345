"""`/flags`: what gets flagged in a server — allow and deny lists, statistics, settings and the AutoMod layer.

The flagging itself (scanning, the queue, the buttons, nudges) is `bot/cogs/flagging.py`; these are the commands
moderators and admins use to tune it. Every command checks the user's permissions server-side on every use.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.cogs import _automod
from bot.setup import GuildSetup, command_guild, resolve_setup
from models.records import AuditAction, AuditEntry, TermKind
from rules.detection import Label

log = logging.getLogger(__name__)


class FlagSettingsCog(commands.Cog, name="FlagSettings"):
    """`/flags allow|deny|terms|unlist|stats|settings|automod`."""

    flags = app_commands.Group(
        name="flags",
        description=strings.CMD_FLAGS,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
    )

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot
        self._automod_lock = asyncio.Lock()  # two quick `/flags automod on` never install two rules

    async def setup_of(self, guild: discord.Guild) -> GuildSetup:
        """The guild's roles and channels."""
        return await resolve_setup(guild, self.bot.store, self.bot.config)

    async def _add_term(
        self, interaction: discord.Interaction, kind: TermKind, term: str, label: str | None = None
    ) -> None:
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        try:
            added = await self.bot.store.add_guild_term(guild.id, kind, term, interaction.user.id, label)
        except ValueError as problem:
            await interaction.response.send_message(strings.TERM_INVALID.format(problem=problem), ephemeral=True)
            return
        self.bot.policies.invalidate(guild.id)
        if added is None:
            await interaction.response.send_message(strings.TERM_ALREADY_LISTED, ephemeral=True)
            return
        await self.bot.store.append_audit(
            AuditEntry(guild_id=guild.id, actor_id=interaction.user.id, action=AuditAction.SETTING_CHANGED,
                       reason=f"{kind.value}list term #{added.id} added")
        )  # fmt: skip
        log.info("User %s added %s term #%d in guild %s", interaction.user.id, kind.value, added.id, guild.id)
        reply = strings.TERM_ALLOWED if kind is TermKind.ALLOW else strings.TERM_DENIED
        await interaction.response.send_message(reply.format(id=added.id), ephemeral=True)

    @flags.command(name="allow", description=strings.CMD_FLAGS_ALLOW)
    @app_commands.describe(term=strings.CMD_FLAGS_TERM)
    async def allow(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100]) -> None:
        """Moderators: a term that is fine in this group and never flagged."""
        await self._add_term(interaction, TermKind.ALLOW, term)

    @flags.command(name="deny", description=strings.CMD_FLAGS_DENY)
    @app_commands.describe(term=strings.CMD_FLAGS_TERM, kind=strings.CMD_FLAGS_DENY_KIND)
    @app_commands.choices(kind=[app_commands.Choice(name=strings.LABEL_NAMES[label], value=label) for label in (
        "LOCATION", "ADDRESS", "ORG", "PERSON", "PHONE", "EMAIL", "HANDLE", "URL", "ID",
    )])  # fmt: skip
    async def deny(
        self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100], kind: str = "LOCATION"
    ) -> None:
        """Moderators: a term that is always flagged (the meeting venue, say)."""
        await self._add_term(interaction, TermKind.DENY, term, Label(kind).value)

    @flags.command(name="terms", description=strings.CMD_FLAGS_TERMS)
    async def terms(self, interaction: discord.Interaction) -> None:
        """Moderators: the allowlist and denylist, privately."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        listed = await self.bot.store.guild_terms(guild.id)
        lines = [
            strings.TERM_LINE.format(id=t.id, kind=t.kind.value, term=discord.utils.escape_markdown(t.term),
                                     label=f" ({t.label})" if t.label else "")
            for t in listed
        ]  # fmt: skip
        text = "\n".join(lines) if lines else strings.TERMS_NONE
        await interaction.response.send_message(text[:2000], ephemeral=True)

    @flags.command(name="unlist", description=strings.CMD_FLAGS_UNLIST)
    @app_commands.describe(number=strings.CMD_FLAGS_UNLIST_NUMBER)
    async def unlist(self, interaction: discord.Interaction, number: int) -> None:
        """Moderators: take a term off the allowlist or denylist."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        removed = await self.bot.store.remove_guild_term(guild.id, number)
        self.bot.policies.invalidate(guild.id)
        if removed is None:
            await interaction.response.send_message(strings.TERM_NOT_FOUND.format(id=number), ephemeral=True)
            return
        await self.bot.store.append_audit(
            AuditEntry(guild_id=guild.id, actor_id=interaction.user.id, action=AuditAction.SETTING_CHANGED,
                       reason=f"{removed.kind.value}list term #{removed.id} removed")
        )  # fmt: skip
        await interaction.response.send_message(strings.TERM_REMOVED.format(id=number), ephemeral=True)

    @flags.command(name="stats", description=strings.CMD_FLAGS_STATS)
    async def stats(self, interaction: discord.Interaction) -> None:
        """Moderators: flags per label, the decisions on them, and the precision they give."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        rows = await self.bot.store.label_stats(guild.id)
        if not rows:
            await interaction.response.send_message(strings.STATS_NONE, ephemeral=True)
            return
        lines = [strings.STATS_HEADER]
        for row in rows:
            precision = "–" if row.precision is None else f"{row.precision:.0%}"
            lines.append(strings.STATS_LINE.format(label=row.label, flags=row.flags, confirmed=row.confirmed,
                                                   dismissed=row.dismissed, precision=precision))  # fmt: skip
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @flags.command(name="automod", description=strings.CMD_FLAGS_AUTOMOD)
    @app_commands.describe(state=strings.CMD_FLAGS_AUTOMOD_STATE)
    async def automod(self, interaction: discord.Interaction, state: Literal["on", "off"]) -> None:
        """Admins: the pre-send layer; Discord's AutoMod blocks phone numbers and e-mails before they're posted."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await _automod.switch(
            self.bot, guild, await self.setup_of(guild), interaction.user.id, on=state == "on", lock=self._automod_lock
        )
        await interaction.followup.send(reply, ephemeral=True)

    @flags.command(name="settings", description=strings.CMD_FLAGS_SETTINGS)
    @app_commands.describe(**strings.CMD_FLAGS_SETTING_OPTIONS)
    async def settings(
        self,
        interaction: discord.Interaction,
        threshold: app_commands.Range[float, 0.0, 1.0] | None = None,
        newcomer_threshold: app_commands.Range[float, 0.0, 1.0] | None = None,
        newcomer_days: app_commands.Range[int, 0, 365] | None = None,
        scan_moderators: bool | None = None,
        nudge_authors: bool | None = None,
        nudge_min_risk: app_commands.Range[float, 0.0, 1.0] | None = None,
        nudge_cooldown_minutes: app_commands.Range[int, 0, 10080] | None = None,
        auto_hold: bool | None = None,
        remove_forwards: bool | None = None,
        flag_text_days: app_commands.Range[int, 0, 3650] | None = None,
    ) -> None:
        """Admins: see the flagging settings, or change the ones given."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        given = {
            "flag_threshold": threshold, "newcomer_threshold": newcomer_threshold, "newcomer_days": newcomer_days,
            "scan_moderators": scan_moderators, "nudge_authors": nudge_authors, "nudge_min_risk": nudge_min_risk,
            "nudge_cooldown_minutes": nudge_cooldown_minutes, "auto_hold": auto_hold,
            "remove_forwards": remove_forwards, "flag_text_days": flag_text_days,
        }  # fmt: skip
        changes = {name: value for name, value in given.items() if value is not None}
        current = await self.bot.store.get_guild_settings(guild.id)
        try:
            updated = replace(current, **changes)
        except ValueError as problem:
            await interaction.response.send_message(strings.SETTINGS_PROBLEM.format(problem=problem), ephemeral=True)
            return
        if changes:
            await self.bot.store.save_guild_settings(guild.id, updated)
            summary = ", ".join(f"{name}={value}" for name, value in changes.items())
            await self.bot.store.append_audit(
                AuditEntry(guild_id=guild.id, actor_id=interaction.user.id, action=AuditAction.SETTING_CHANGED,
                           reason=f"flagging settings changed: {summary}")
            )  # fmt: skip
            log.info("User %s changed flagging settings in guild %s: %s", interaction.user.id, guild.id, summary)
        threshold_now = (
            self.bot.config.detection.threshold if updated.flag_threshold is None else updated.flag_threshold
        )
        text = strings.FLAG_SETTINGS.format(
            threshold=threshold_now, newcomer_threshold=updated.newcomer_threshold, newcomer_days=updated.newcomer_days,
            scan_moderators=_yes(updated.scan_moderators), nudge_authors=_yes(updated.nudge_authors),
            nudge_min_risk=updated.nudge_min_risk, nudge_cooldown_minutes=updated.nudge_cooldown_minutes,
            auto_hold=_yes(updated.auto_hold), remove_forwards=_yes(updated.remove_forwards),
            flag_text_days=updated.flag_text_days,
        )  # fmt: skip
        await interaction.response.send_message(
            (strings.FLAG_SETTINGS_SAVED + "\n" if changes else "") + text, ephemeral=True
        )


def _yes(value: bool) -> str:
    return "on" if value else "off"


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(FlagSettingsCog(bot))
