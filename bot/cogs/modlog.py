"""The moderation log: every audit entry posted to the guild's log channel, and `/history member`.

The audit table is the record; the log channel is where moderators see it happen. An entry carries ids, an action
and a short reason written by Confidant itself (ids, numbers, setting names) — never message text or details.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.setup import command_guild, resolve_setup
from models.records import ERASED_USER_ID, AuditEntry

log = logging.getLogger(__name__)

HISTORY_LINES = 10  # per section of /history


def _who(user_id: int | None) -> str:
    if user_id is None:
        return ""
    return "an erased user" if user_id == ERASED_USER_ID else f"<@{user_id}>"


def audit_line(entry: AuditEntry) -> str:
    """One entry as the log channel shows it."""
    subject = "" if entry.subject_id is None else strings.AUDIT_SUBJECT.format(subject=_who(entry.subject_id))
    reason = "" if not entry.reason else f" — {entry.reason}"
    action = strings.AUDIT_ACTIONS.get(entry.action.value, entry.action.value)
    return strings.AUDIT_LINE.format(action=action, actor=_who(entry.actor_id), subject=subject, reason=reason)


def _section(lines: Sequence[str]) -> str:
    if not lines:
        return strings.HISTORY_NONE
    shown = list(lines[-HISTORY_LINES:])
    if len(lines) > HISTORY_LINES:
        shown.insert(0, strings.HISTORY_MORE.format(count=len(lines) - HISTORY_LINES))
    return "\n".join(shown)[:1024]


class ModLogCog(commands.Cog, name="ModLog"):
    """Posts audit entries to the moderation log channel; `/history` for moderators."""

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Hear every audit entry the Store appends, whoever appends it."""
        self.bot.store.add_audit_listener(self._heard)

    async def cog_unload(self) -> None:
        """Stop hearing audit entries."""
        self.bot.store.remove_audit_listener(self._heard)

    def _heard(self, entry: AuditEntry) -> None:
        self.bot.track(self.post(entry), name=f"confidant-audit-{entry.id}")

    async def post(self, entry: AuditEntry) -> None:
        """Post an audit entry to its guild's log channel (if it has one)."""
        guild = self.bot.get_guild(entry.guild_id)
        if guild is None:
            return
        channel = (await resolve_setup(guild, self.bot.store, self.bot.config)).log_channel
        if channel is None:
            return
        try:
            await channel.send(audit_line(entry))
        except discord.HTTPException as error:
            log.warning("Could not post audit entry %s to guild %s's log: HTTP %s", entry.id, guild.id, error.status)

    @app_commands.command(name="history", description=strings.CMD_HISTORY)
    @app_commands.describe(member=strings.CMD_HISTORY_MEMBER)
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    async def history(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """Moderators: one member's consents, flags on their messages and confirmed breaches, privately."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        store = self.bot.store
        consents = [
            strings.HISTORY_CONSENT_LINE.format(
                version=c.version, decision=c.decision.value, when=discord.utils.format_dt(c.created_at, "d"),
                via=c.via.value,
            )
            for c in await store.consents(guild.id, member.id)
        ]  # fmt: skip
        flags = [
            strings.HISTORY_FLAG_LINE.format(
                id=f.id, when=discord.utils.format_dt(f.created_at, "d"), labels=", ".join(f.labels) or "–",
                status=f.status.value,
            )
            for f in await store.flags_by_author(member.id)
            if f.guild_id == guild.id
        ]  # fmt: skip
        breaches = [
            strings.HISTORY_BREACH_LINE.format(
                id=b.id, when=discord.utils.format_dt(b.created_at, "d"), why=strings.BREACH_SOURCES[b.source.value],
                step=f" → {b.step}" if b.step else "", state=" (taken back)" if b.removed_at else "",
            )
            for b in await store.breaches(guild.id, member.id, include_removed=True)
        ]  # fmt: skip
        embed = discord.Embed(title=strings.HISTORY_TITLE.format(member=member.display_name))
        embed.add_field(name=strings.HISTORY_CONSENTS, value=_section(consents), inline=False)
        embed.add_field(name=strings.HISTORY_FLAGS, value=_section(flags), inline=False)
        embed.add_field(name=strings.HISTORY_BREACHES, value=_section(breaches), inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(ModLogCog(bot))
