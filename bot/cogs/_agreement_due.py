"""The agreement's due work: new-version notices and grace periods, the one reminder, and removals.

A mixin of the agreement cog (not an extension: the leading underscore keeps the cog loader away), kept apart so
`agreement.py` reads as joining, answering and commands. The periodic `due_loop` runs `_due_tick`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import tasks

from bot import strings
from bot.setup import GuildSetup, is_moderator, report_setup_problem
from models.records import AgreementVersion, AuditAction, AuditEntry, Onboarding, OnboardingState, Via

if TYPE_CHECKING:
    from bot.app import ConfidantBot

log = logging.getLogger(__name__)


class DueWork:
    """Grace periods, reminders and removals for the agreement cog, which provides the members declared here."""

    bot: ConfidantBot
    clock: Callable[[], datetime]
    due_loop: tasks.Loop

    async def current(self, guild_id: int) -> AgreementVersion:  # provided by the cog
        raise NotImplementedError

    async def setup_of(self, guild: discord.Guild) -> GuildSetup:  # provided by the cog
        raise NotImplementedError

    async def offer(
        self,
        member: discord.Member,
        current: AgreementVersion,
        *,
        dm_intro: str | None = None,
        gate_intro: str | None = None,
    ) -> None:  # provided by the cog
        raise NotImplementedError

    async def _send_agreement(
        self,
        destination: discord.abc.Messageable,
        intro: str,
        version: AgreementVersion,
        user_id: int,
        *,
        mention: discord.Member | None = None,
    ) -> discord.Message:  # provided by the cog
        raise NotImplementedError

    async def _due_tick(self) -> None:
        """One periodic check of all due work; a failing part is logged, the rest still run, the next tick retries."""
        now = self.clock()
        for name, check in (
            ("new version notice", self._send_all_new_versions),
            ("grace period", self.enforce_grace),
            ("reminder", self.send_reminders),
            ("removal", self.enforce_removals),
        ):
            try:
                await check(now)
            except Exception:  # noqa: BLE001 - top-level handler of a background loop: it must keep running
                log.exception("The %s check failed; it runs again in %s seconds", name, self.due_loop.seconds)

    # -- new versions: the grace period -----------------------------------------------------------------------

    async def send_new_versions(self, guild_id: int | None = None) -> int:
        """Send the newest version to members who accepted an older one and were not sent it yet; return how many.

        Publishing calls this for its guild; the periodic check calls it for all, so a crash halfway through a long
        list only delays the rest. Nobody's access is paused before they were sent the new version: a late notice
        moves their deadline to a full grace period from the notice.
        """
        sent = 0
        for onboarding in await self.bot.store.grace_unnoticed(guild_id):
            guild = self.bot.get_guild(onboarding.guild_id)
            member = None if guild is None else guild.get_member(onboarding.user_id)
            if guild is None or member is None:
                await self.bot.store.end_grace(onboarding.guild_id, onboarding.user_id)  # they left
                continue
            settings = await self.bot.store.get_guild_settings(guild.id)
            grace = timedelta(days=settings.grace_days)
            if not await self.bot.store.claim_grace_notice(guild.id, member.id, grace):
                continue  # another check got there first
            current = await self.current(guild.id)
            deadline = discord.utils.format_dt(self.clock() + grace, "D")
            await self.offer(
                member,
                current,
                dm_intro=strings.NEW_VERSION_DM.format(guild=guild.name, deadline=deadline),
                gate_intro=strings.NEW_VERSION_GATE,
            )
            sent += 1
        return sent

    async def _send_all_new_versions(self, now: datetime) -> int:
        return await self.send_new_versions()

    async def enforce_grace(self, now: datetime | None = None) -> int:
        """Withhold the member role, once, from members past their deadline for a new version; return how many."""
        now = self.clock() if now is None else now
        withheld = 0
        for onboarding in await self.bot.store.grace_overdue(now):
            guild = self.bot.get_guild(onboarding.guild_id)
            member = None if guild is None else guild.get_member(onboarding.user_id)
            if guild is None or member is None:
                # Nothing to withhold; a member who comes back is asked for the newest version on joining.
                await self.bot.store.end_grace(onboarding.guild_id, onboarding.user_id)
                continue
            if await self._withhold(member, onboarding):
                withheld += 1
        return withheld

    async def _withhold(self, member: discord.Member, onboarding: Onboarding) -> bool:
        guild, store = member.guild, self.bot.store
        version, granted_at = onboarding.version, onboarding.role_granted_at
        setup = await self.setup_of(guild)
        if is_moderator(member, setup):
            await store.end_grace(guild.id, member.id)  # moderators are asked too, but keep their access
            log.info("User %s is a moderator and keeps the member role in guild %s", member.id, guild.id)
            return False
        role = setup.member_role
        if role is None:
            await report_setup_problem(self.bot, guild, setup, "no-member-role", strings.SETUP_NO_MEMBER_ROLE)
            return False
        if not await store.claim_withholding(guild.id, member.id, version):
            return False
        if role in member.roles:
            try:
                await member.remove_roles(role, reason="Has not accepted the updated confidentiality agreement")
            except discord.HTTPException as error:
                await store.release_withholding(guild.id, member.id, granted_at)
                log.warning("Could not withhold the member role in guild %s: HTTP %s", guild.id, error.status)
                await report_setup_problem(
                    self.bot, guild, setup, "role-too-high", strings.SETUP_ROLE_TOO_HIGH.format(role=role.name)
                )
                return False
        await store.append_audit(
            AuditEntry(
                guild_id=guild.id,
                actor_id=guild.me.id,
                action=AuditAction.ROLE_WITHHELD,
                subject_id=member.id,
                reason=f"did not accept the agreement after version {version} in time",
            )
        )
        log.info("Withheld the member role from user %s in guild %s until they accept", member.id, guild.id)
        try:
            await member.send(strings.ROLE_WITHHELD_DM.format(guild=guild.name))
        except discord.HTTPException:
            await self._tell_in_gate_thread(
                member, onboarding, strings.ROLE_WITHHELD_GATE.format(mention=member.mention)
            )
        return True

    async def _tell_in_gate_thread(self, member: discord.Member, onboarding: Onboarding, text: str) -> bool:
        """The DM fallback: say `text` in the member's private gate thread; False if there is none or it fails."""
        thread = await self._gate_thread(member.guild, onboarding.channel_id) if onboarding.via is Via.GATE else None
        if thread is not None:
            try:
                await thread.send(text, allowed_mentions=discord.AllowedMentions(users=[member]))
            except discord.HTTPException as error:
                log.info("Could not post in the gate thread of user %s: HTTP %s", member.id, error.status)
            else:
                return True
        log.info("Could not tell user %s in guild %s, by DM or in a gate thread", member.id, member.guild.id)
        return False

    # -- reminders and removals -------------------------------------------------------------------------------

    async def send_reminders(self, now: datetime | None = None) -> int:
        """Send the one reminder to members whose reminder is due and who have not answered; return how many."""
        now = self.clock() if now is None else now
        sent = 0
        for onboarding in await self.bot.store.reminders_due(now):
            member = await self._due_member(onboarding)
            if member is not None and await self._remind(member, onboarding, now):
                sent += 1
        return sent

    async def enforce_removals(self, now: datetime | None = None) -> int:
        """Remove, once, members past their removal time who have not accepted; return how many were removed."""
        now = self.clock() if now is None else now
        removed = 0
        for onboarding in await self.bot.store.removals_due(now):
            member = await self._due_member(onboarding)
            if member is not None and await self._remove(member, onboarding, now):
                removed += 1
        return removed

    async def _due_member(self, onboarding: Onboarding) -> discord.Member | None:
        """The member some due work is for; None (forgetting the work when they left) if they are not here."""
        guild = self.bot.get_guild(onboarding.guild_id)
        if guild is None:
            return None  # the guild may only be unavailable for now: try again on the next check
        member = guild.get_member(onboarding.user_id)
        if member is None:
            await self.bot.store.clear_due_times(onboarding.guild_id, onboarding.user_id)
        return member

    async def _remind(self, member: discord.Member, onboarding: Onboarding, now: datetime) -> bool:
        guild = member.guild
        # Claimed (marked sent) before sending: if sending fails it is not retried, so nobody is reminded twice.
        if not await self.bot.store.claim_reminder(guild.id, member.id, now):
            return False
        current = await self.current(guild.id)
        thread = await self._gate_thread(guild, onboarding.channel_id) if onboarding.via is Via.GATE else None
        try:
            if thread is not None:
                intro = strings.REMINDER_GATE.format(mention=member.mention)
                await self._send_agreement(thread, intro, current, member.id, mention=member)
            else:
                await self._send_agreement(member, strings.REMINDER_DM.format(guild=guild.name), current, member.id)
        except discord.HTTPException as error:
            log.info("Could not remind user %s in guild %s: HTTP %s", member.id, guild.id, error.status)
            return False
        log.info("Reminded user %s about the agreement in guild %s", member.id, guild.id)
        return True

    async def _gate_thread(self, guild: discord.Guild, channel_id: int | None) -> discord.Thread | None:
        """The member's private gate thread, if the agreement went to one and it still exists."""
        if channel_id is None:
            return None
        channel = guild.get_channel_or_thread(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.Thread) else None

    async def _remove(self, member: discord.Member, onboarding: Onboarding, now: datetime) -> bool:
        guild, store = member.guild, self.bot.store
        setup = await self.setup_of(guild)
        if is_moderator(member, setup):
            await store.clear_due_times(guild.id, member.id)
            log.info("User %s is a moderator and is never removed from guild %s", member.id, guild.id)
            return False
        if not await store.claim_removal(guild.id, member.id, now):
            return False
        declined = onboarding.state is OnboardingState.DECLINED
        explanation = strings.REMOVED_DECLINED_DM if declined else strings.REMOVED_NOT_ACCEPTED_DM
        try:
            await member.send(explanation.format(guild=guild.name))
        except discord.HTTPException:
            # Nobody is removed without being told why and that they may come back: a kicked member cannot read a
            # gate thread, so with DMs closed the bot leaves it to the moderators instead.
            log.info("Could not DM user %s before removing them from guild %s; not removed", member.id, guild.id)
            note = strings.REMOVAL_SKIPPED_NO_DM.format(member=member.mention)
            await report_setup_problem(self.bot, guild, setup, f"removal-untold:{member.id}", note)
            return False
        reason = (
            "Declined the confidentiality agreement"
            if declined
            else "Did not accept the confidentiality agreement in the time allowed"
        )
        self.bot.removing.add((guild.id, member.id))
        try:
            await member.kick(reason=reason)
        except discord.HTTPException as error:
            self.bot.removing.discard((guild.id, member.id))
            # Not retried: the claim stays, so a member is never DMed about a removal twice.
            log.warning("Could not remove user %s from guild %s: HTTP %s", member.id, guild.id, error.status)
            await report_setup_problem(self.bot, guild, setup, "cannot-remove", strings.SETUP_CANNOT_REMOVE)
            return False
        await store.append_audit(
            AuditEntry(
                guild_id=guild.id,
                actor_id=guild.me.id,
                action=AuditAction.MEMBER_REMOVED,
                subject_id=member.id,
                reason=reason.lower(),
            )
        )
        log.info("Removed user %s from guild %s for not accepting the agreement", member.id, guild.id)
        return True
