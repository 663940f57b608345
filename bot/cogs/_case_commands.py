"""`/case view|list|pending|support|settings`: the moderators' commands on cases.

A mixin of the cases cog (not an extension: the leading underscore keeps the cog loader away), kept apart so
`cases.py` reads as delivery, the case post and its buttons, and the relay. The cog provides the members declared
here.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot import strings
from bot.cogs._cases_ui import EMBED_COLOUR, EMBED_LIMIT, quoted
from bot.delivery import send_privately
from bot.setup import command_guild
from models.records import AuditAction, AuditEntry, Case, CaseEvent, CaseEventKind, CaseKind, CaseStatus

if TYPE_CHECKING:
    from bot.app import ConfidantBot
    from bot.setup import GuildSetup


log = logging.getLogger(__name__)


class CaseCommands:
    """`/case`, for the cases cog."""

    bot: ConfidantBot

    case_group = app_commands.Group(
        name="case",
        description=strings.CMD_CASE,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
    )

    async def setup_of(self, guild: discord.Guild) -> GuildSetup:  # provided by the cog
        raise NotImplementedError

    def _reporter_name(self, case: Case) -> str:  # provided by the cog
        raise NotImplementedError

    async def _render(self, case: Case, guild: discord.Guild) -> tuple[str, list[discord.Embed]]:  # provided by the cog
        raise NotImplementedError

    async def _in_thread(self, case: Case, guild: discord.Guild, text: str) -> bool:  # provided by the cog
        raise NotImplementedError

    async def _support_text(self, guild_id: int) -> str:  # provided by the cog
        raise NotImplementedError

    @case_group.command(name="view", description=strings.CMD_CASE_VIEW)
    @app_commands.describe(number=strings.CMD_CASE_NUMBER)
    async def view(self, interaction: discord.Interaction, number: app_commands.Range[int, 1]) -> None:
        """Moderators: one case with its evidence and timeline, privately (never an anonymous reporter's name)."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        case = await self.bot.store.case(guild.id, number)
        if case is None:
            await interaction.response.send_message(strings.CASE_NOT_FOUND, ephemeral=True)
            return
        content, embeds = await self._render(case, guild)
        if case.delivered_at is None:
            content += "\n" + strings.CASE_VIEW_UNDELIVERED.format(attempts=case.attempts)
        elif case.thread_id is not None:
            content += "\n" + strings.CASE_VIEW_WHERE.format(link=f"<#{case.thread_id}>")
        timeline = [self._timeline_line(case, event) for event in await self.bot.store.case_events(case.id)]
        text = "\n".join(timeline) or strings.CASE_TIMELINE_EMPTY
        if len(text) > EMBED_LIMIT:
            text = "…" + text[-(EMBED_LIMIT - 1) :]
        embeds.append(discord.Embed(title=strings.CASE_TIMELINE, description=text, colour=EMBED_COLOUR))
        await interaction.response.send_message(content[:2000], embeds=embeds[:10], ephemeral=True)

    def _timeline_line(self, case: Case, event: CaseEvent) -> str:
        if event.actor_id == case.member_id and case.kind is CaseKind.REPORT:
            actor = self._reporter_name(case)
        else:
            actor = f"<@{event.actor_id}>"
        shown = event.kind in (CaseEventKind.NOTE, CaseEventKind.ASKED, CaseEventKind.REPLY, CaseEventKind.BLOCKED)
        text = f": {quoted(event.text)[:300]}" if shown and event.text else ""
        when = discord.utils.format_dt(event.created_at, "f")
        return strings.CASE_TIMELINE_LINE.format(when=when, kind=event.kind.value, actor=actor, text=text)

    @case_group.command(name="list", description=strings.CMD_CASE_LIST)
    @app_commands.describe(status=strings.CMD_CASE_LIST_STATUS)
    @app_commands.choices(
        status=[app_commands.Choice(name=strings.CASE_STATUS_NAMES[s.value], value=s.value) for s in CaseStatus]
    )
    async def list_cases(self, interaction: discord.Interaction, status: str | None = None) -> None:
        """Moderators: the latest cases (25), optionally only one status."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        statuses = [CaseStatus(status)] if status else []
        found = await self.bot.store.cases(guild.id, statuses=statuses)
        lines = [
            strings.CASE_LIST_LINE.format(
                number=c.number, kind=c.kind.value, status=strings.CASE_STATUS_NAMES[c.status.value],
                when=discord.utils.format_dt(c.created_at, "R"),
                pending=strings.CASE_LIST_PENDING if c.delivered_at is None else "",
            )
            for c in found
        ]  # fmt: skip
        await interaction.response.send_message(("\n".join(lines) or strings.CASE_LIST_NONE)[:2000], ephemeral=True)

    @case_group.command(name="pending", description=strings.CMD_CASE_PENDING)
    async def pending(self, interaction: discord.Interaction) -> None:
        """Moderators: cases waiting in the outbox."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        waiting = await self.bot.store.undelivered_cases(guild_id=guild.id)
        lines = [
            strings.CASE_PENDING_LINE.format(
                number=c.number, kind=c.kind.value, since=discord.utils.format_dt(c.created_at, "R"),
                attempts=c.attempts,
                next="now" if c.next_attempt_at is None else discord.utils.format_dt(c.next_attempt_at, "R"),
            )
            for c in waiting
        ]  # fmt: skip
        await interaction.response.send_message(("\n".join(lines) or strings.CASE_PENDING_NONE)[:2000], ephemeral=True)

    @case_group.command(name="support", description=strings.CMD_CASE_SUPPORT)
    @app_commands.describe(number=strings.CMD_CASE_NUMBER, member=strings.CMD_CASE_SUPPORT_MEMBER)
    async def support(
        self, interaction: discord.Interaction, number: app_commands.Range[int, 1], member: discord.Member
    ) -> None:
        """Moderators: send the support resources privately to a member affected by a case."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        case = await self.bot.store.case(guild.id, number)
        if case is None:
            await interaction.response.send_message(strings.CASE_NOT_FOUND, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        setup = await self.setup_of(guild)
        text = strings.SUPPORT_TO_MEMBER.format(guild=guild.name, resources=await self._support_text(guild.id))
        delivered = await send_privately(
            member,
            store=self.bot.store,
            member=member,
            gate=setup.gate_channel,
            thread_name=strings.CASE_PRIVATE_THREAD_NAME,
            content=text,
        )
        if delivered is None:
            await interaction.edit_original_response(
                content=strings.CASE_SUPPORT_NOT_SENT.format(member=member.mention)
            )
            return
        moderator = interaction.user
        note = strings.CASE_THREAD_SUPPORT_SENT.format(moderator=moderator.mention, member=member.mention)
        await self.bot.store.add_case_event(case.id, moderator.id, CaseEventKind.NOTE, note)
        await self._in_thread(case, guild, note)
        await interaction.edit_original_response(content=strings.CASE_SUPPORT_SENT.format(member=member.mention))

    @case_group.command(name="settings", description=strings.CMD_CASE_SETTINGS)
    @app_commands.describe(
        retention_days=strings.CMD_CASE_SETTINGS_RETENTION,
        reports_per_day=strings.CMD_CASE_SETTINGS_LIMIT,
        support_resources=strings.CMD_CASE_SETTINGS_SUPPORT,
    )
    async def settings(
        self,
        interaction: discord.Interaction,
        retention_days: app_commands.Range[int, 0, 3650] | None = None,
        reports_per_day: app_commands.Range[int, 0, 100] | None = None,
        support_resources: app_commands.Range[str, 1, 1500] | None = None,
    ) -> None:
        """Admins: see the report settings, or change the ones given ("default" restores the support text)."""
        guild = interaction.guild
        user = interaction.user
        if guild is None or not isinstance(user, discord.Member):
            await interaction.response.send_message(strings.ERROR_GUILD_ONLY, ephemeral=True)
            return
        if not user.guild_permissions.manage_guild:
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        changes: dict[str, object] = {}
        if retention_days is not None:
            changes["report_retention_days"] = retention_days
        if reports_per_day is not None:
            changes["report_limit_per_day"] = reports_per_day
        if support_resources is not None:
            text = support_resources.strip()
            changes["support_resources"] = None if text.casefold() == "default" else text
        current = await self.bot.store.get_guild_settings(guild.id)
        updated = replace(current, **changes)  # type: ignore[arg-type]
        if changes:
            await self.bot.store.save_guild_settings(guild.id, updated)
            await self.bot.store.append_audit(
                AuditEntry(guild_id=guild.id, actor_id=user.id, action=AuditAction.SETTING_CHANGED,
                           reason=f"report settings changed: {', '.join(sorted(changes))}")
            )  # fmt: skip
            log.info("User %s changed report settings in guild %s: %s", user.id, guild.id, ", ".join(sorted(changes)))
        text = strings.CASE_SETTINGS.format(
            retention_days=updated.report_retention_days,
            reports_per_day=updated.report_limit_per_day,
            support=updated.support_resources or strings.SUPPORT_DEFAULT,
            which="custom" if updated.support_resources else "default",
        )
        prefix = strings.CASE_SETTINGS_SAVED + "\n" if changes else ""
        await interaction.response.send_message((prefix + text)[:2000], ephemeral=True)
