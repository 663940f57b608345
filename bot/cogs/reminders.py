"""Reminders: scheduled confidentiality reminders in the group's channels, and a word to members who leave.

`/reminders add` schedules a reminder every N hours, or every N days at a time of day in the guild's time zone
(`/reminders timezone`). A loop posts each due reminder: it claims the slot in the database first (the slot moves
on to the next one only if nobody else moved it), and only the claimer posts, so a slot is posted at most once,
however many ticks or processes race for it. A reminder whose slots passed while the bot was down is due once
when it comes back, and then keeps its rhythm. Posting failures are logged and told to the moderation log; a
claimed slot that could not be posted is not tried again (it would come late), the next slot is.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import zoneinfo
from datetime import datetime, time
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import strings
from bot.app import ConfidantBot
from bot.setup import command_guild, report_setup_problem, resolve_setup
from models.records import AuditAction, AuditEntry, OnboardingState
from models.reminders import MAX_REMINDERS, ChannelReminder
from rules.reminders import TEXT_LIMIT, reminder_text
from rules.schedule import MAX_EVERY, Schedule, Unit, next_run, parse_time_of_day, zone

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0  # how often due reminders are looked for: the posting time's granularity
EMBED_COLOUR = discord.Colour.teal()
AUTOCOMPLETE_CHOICES = 25  # Discord's limit


def schedule_of(reminder: ChannelReminder) -> Schedule:
    """The reminder's schedule as `rules.schedule` counts it."""
    at = None if reminder.at_minute is None else time(*divmod(reminder.at_minute, 60))
    return Schedule(reminder.every, Unit(reminder.unit), at)


def describe(schedule: Schedule) -> str:
    """'every 6 hours', 'every day at 09:00'."""
    one, many = strings.REMINDERS_EVERY[schedule.unit.value]
    at = "" if schedule.at is None else schedule.at.strftime("%H:%M")
    return (one if schedule.every == 1 else many).format(every=schedule.every, at=at)


@functools.cache
def _zone_names() -> tuple[str, ...]:
    """Every IANA zone name zoneinfo knows, sorted (read once)."""
    return tuple(sorted(zoneinfo.available_timezones()))


class RemindersCog(commands.Cog, name="Reminders"):
    """Scheduled confidentiality reminders per channel, and the note to a member who leaves."""

    reminders = app_commands.Group(
        name="reminders",
        description=strings.CMD_REMINDERS,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
    )

    def __init__(self, bot: ConfidantBot, *, interval_seconds: float = TICK_SECONDS) -> None:
        self.bot = bot
        self.post_loop = tasks.loop(seconds=interval_seconds)(self._loop_tick)
        self.post_loop.before_loop(self.bot.wait_until_ready)

    async def cog_load(self) -> None:
        """Start looking for due reminders (the first look is as soon as the bot is ready)."""
        self.post_loop.start()

    async def cog_unload(self) -> None:
        """Stop the loop."""
        self.post_loop.cancel()

    # -- posting ------------------------------------------------------------------------------------------------

    async def _loop_tick(self) -> None:
        try:
            await self.tick()
        except Exception:  # noqa: BLE001 - top-level handler of a background loop: it must keep running
            log.exception("The reminder check failed; it runs again in %s seconds", self.post_loop.seconds)

    async def tick(self, now: datetime | None = None) -> int:
        """Post every reminder due at `now` (default: now) whose slot this call claims; return how many posted."""
        now = now or discord.utils.utcnow()
        posted = 0
        for reminder in await self.bot.store.due_channel_reminders(now):
            async with self.bot.working():
                posted += await self._run(reminder, now)
        return posted

    async def _run(self, reminder: ChannelReminder, now: datetime) -> bool:
        guild = self.bot.get_guild(reminder.guild_id)
        if guild is None:
            return False  # not (yet) in the guild: the reminder stays due until it is
        settings = await self.bot.store.get_guild_settings(guild.id)
        following = next_run(schedule_of(reminder), now, zone(settings.timezone), previous=reminder.next_at)
        if not await self.bot.store.claim_channel_reminder(reminder, following):
            return False  # another tick claimed this slot and posts it
        channel = guild.get_channel_or_thread(reminder.channel_id)
        setup = await resolve_setup(guild, self.bot.store, self.bot.config)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("Reminder %d in guild %s: channel %s is gone", reminder.id, guild.id, reminder.channel_id)
            text = strings.REMINDERS_CHANNEL_GONE.format(id=reminder.id)
            await report_setup_problem(self.bot, guild, setup, f"reminder-{reminder.id}-gone", text)
            return False
        embed = discord.Embed(
            title=strings.REMINDERS_TITLE, description=reminder_text(reminder.text, reminder.posts), colour=EMBED_COLOUR
        )
        embed.set_footer(text=strings.REMINDERS_FOOTER)
        try:
            await channel.send(embed=embed)
        except discord.HTTPException as error:
            log.warning(
                "Could not post reminder %d in channel %s of guild %s: HTTP %s",
                reminder.id, channel.id, guild.id, error.status,
            )  # fmt: skip
            text = strings.REMINDERS_CANNOT_POST.format(id=reminder.id, channel=channel.mention, status=error.status)
            await report_setup_problem(self.bot, guild, setup, f"reminder-{reminder.id}-post", text)
            return False
        await self.bot.store.mark_channel_reminder_posted(reminder.id)
        log.info("Posted reminder %d in channel %s of guild %s", reminder.id, channel.id, guild.id)
        return True

    # -- a member leaves ----------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Tell someone who left that confidentiality goes on, and how to report a breach privately."""
        user = payload.user
        if user.bot:
            return
        if (payload.guild_id, user.id) in self.bot.removing:
            self.bot.removing.discard((payload.guild_id, user.id))
            return  # Confidant removed them itself, and its removal message already said why
        onboarding = await self.bot.store.onboarding(payload.guild_id, user.id)
        if onboarding is None or onboarding.state is not OnboardingState.ACCEPTED:
            return  # never part of the group's conversation: there is no confidence to remind them of
        guild = self.bot.get_guild(payload.guild_id)
        name = guild.name if guild is not None else str(payload.guild_id)
        async with self.bot.working():
            try:
                await user.send(strings.LEAVE_DM.format(guild=name))
            except discord.HTTPException as error:
                # They have left: there is no gate thread to fall back on, and nothing else to do.
                log.info(
                    "Could not DM user %s after leaving guild %s: HTTP %s", user.id, payload.guild_id, error.status
                )

    # -- /reminders -----------------------------------------------------------------------------------------------

    async def _audit(self, guild: discord.Guild, actor: int, what: str) -> None:
        await self.bot.store.append_audit(
            AuditEntry(guild_id=guild.id, actor_id=actor, action=AuditAction.SETTING_CHANGED, reason=what)
        )

    @reminders.command(name="add", description=strings.CMD_REMINDERS_ADD)
    @app_commands.describe(
        channel=strings.CMD_REMINDERS_CHANNEL, every=strings.CMD_REMINDERS_EVERY, unit=strings.CMD_REMINDERS_UNIT,
        at=strings.CMD_REMINDERS_AT, text=strings.CMD_REMINDERS_TEXT,
    )  # fmt: skip
    async def add(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        every: app_commands.Range[int, 1, MAX_EVERY[Unit.HOURS]],
        unit: Literal["hours", "days"],
        at: str | None = None,
        text: str | None = None,
    ) -> None:
        """Moderators: schedule a confidentiality reminder in a channel."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        problem = self._check_text(text) or self._check_channel(channel)
        settings = await self.bot.store.get_guild_settings(guild.id)
        tz = zone(settings.timezone)
        now = discord.utils.utcnow()
        schedule = None
        if problem is None:
            schedule, problem = self._schedule(every, Unit(unit), at, now.astimezone(tz))
        if problem is not None or schedule is None:
            await interaction.response.send_message(problem, ephemeral=True)
            return
        first = next_run(schedule, now, tz)
        try:
            reminder = await self.bot.store.add_channel_reminder(
                guild.id, channel.id, every=schedule.every, unit=schedule.unit.value,
                at_minute=None if schedule.at is None else schedule.at.hour * 60 + schedule.at.minute,
                text=text, next_at=first, created_by=interaction.user.id,
            )  # fmt: skip
        except ValueError:
            await interaction.response.send_message(strings.REMINDERS_FULL.format(limit=MAX_REMINDERS), ephemeral=True)
            return
        await self._audit(guild, interaction.user.id, f"reminder #{reminder.id} added in channel {channel.id}")
        await interaction.response.send_message(
            strings.REMINDERS_ADDED.format(
                id=reminder.id, schedule=describe(schedule), zone=settings.timezone, channel=channel.mention,
                text=strings.REMINDERS_OWN_TEXT if text else strings.REMINDERS_DEFAULT_TEXT,
                first=discord.utils.format_dt(first, "R"),
            ),
            ephemeral=True,
        )  # fmt: skip

    @staticmethod
    def _check_text(text: str | None) -> str | None:
        if text is None:
            return None
        if not text.strip():
            return strings.REMINDERS_TEXT_EMPTY
        if len(text) > TEXT_LIMIT:
            return strings.REMINDERS_TEXT_MAX.format(limit=TEXT_LIMIT, length=len(text))
        return None

    @staticmethod
    def _check_channel(channel: discord.TextChannel) -> str | None:
        mine = channel.permissions_for(channel.guild.me)
        if mine.view_channel and mine.send_messages and mine.embed_links:
            return None
        return strings.REMINDERS_CANNOT_POST_HERE.format(channel=channel.mention)

    @staticmethod
    def _schedule(every: int, unit: Unit, at: str | None, local_now: datetime) -> tuple[Schedule | None, str | None]:
        """The schedule the options describe, or the problem to tell the moderator."""
        if not 1 <= every <= MAX_EVERY[unit]:
            return None, strings.REMINDERS_BAD_EVERY.format(unit=unit.value, high=MAX_EVERY[unit])
        if unit is Unit.HOURS:
            if at is not None:
                return None, strings.REMINDERS_AT_WITH_HOURS
            return Schedule(every, unit), None
        if at is None:
            return Schedule(every, unit, time(local_now.hour, local_now.minute)), None
        try:
            return Schedule(every, unit, parse_time_of_day(at)), None
        except ValueError:
            return None, strings.REMINDERS_BAD_AT

    @reminders.command(name="list", description=strings.CMD_REMINDERS_LIST)
    async def list_(self, interaction: discord.Interaction) -> None:
        """Moderators: the guild's reminders, privately."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        listed = await self.bot.store.channel_reminders(guild.id)
        if not listed:
            await interaction.response.send_message(strings.REMINDERS_LIST_NONE, ephemeral=True)
            return
        settings = await self.bot.store.get_guild_settings(guild.id)
        lines = [strings.REMINDERS_LIST_HEADER.format(zone=settings.timezone)]
        for reminder in listed:
            last = reminder.last_posted_at
            lines.append(
                strings.REMINDERS_LIST_LINE.format(
                    id=reminder.id, channel=f"<#{reminder.channel_id}>", schedule=describe(schedule_of(reminder)),
                    text=strings.REMINDERS_OWN_TEXT if reminder.text else strings.REMINDERS_DEFAULT_TEXT,
                    next=discord.utils.format_dt(reminder.next_at, "f"),
                    last="" if last is None else strings.REMINDERS_LIST_LAST.format(
                        when=discord.utils.format_dt(last, "R")
                    ),
                )
            )  # fmt: skip
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True)

    @reminders.command(name="remove", description=strings.CMD_REMINDERS_REMOVE)
    @app_commands.describe(number=strings.CMD_REMINDERS_NUMBER)
    async def remove(self, interaction: discord.Interaction, number: int) -> None:
        """Moderators: stop one of the guild's reminders."""
        guild = await command_guild(interaction, self.bot)
        if guild is None:
            return
        removed = await self.bot.store.remove_channel_reminder(guild.id, number)
        if removed is None:
            await interaction.response.send_message(strings.REMINDERS_NOT_FOUND.format(id=number), ephemeral=True)
            return
        await self._audit(guild, interaction.user.id, f"reminder #{number} removed")
        await interaction.response.send_message(
            strings.REMINDERS_REMOVED.format(id=number, channel=f"<#{removed.channel_id}>"), ephemeral=True
        )

    @reminders.command(name="timezone", description=strings.CMD_REMINDERS_TIMEZONE)
    @app_commands.describe(tz=strings.CMD_REMINDERS_TIMEZONE_NAME)
    async def timezone(self, interaction: discord.Interaction, tz: str) -> None:
        """Admins: set the time zone day reminders keep; their next times move to the new clock."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        name = tz.strip()
        try:
            new_zone = zone(name)
        except ValueError:
            shown = discord.utils.escape_markdown(name[:100])
            await interaction.response.send_message(strings.REMINDERS_TIMEZONE_BAD.format(zone=shown), ephemeral=True)
            return
        settings = await self.bot.store.get_guild_settings(guild.id)
        await self.bot.store.save_guild_settings(guild.id, dataclasses.replace(settings, timezone=name))
        now = discord.utils.utcnow()
        for reminder in await self.bot.store.channel_reminders(guild.id):
            if reminder.unit == Unit.DAYS.value:
                await self.bot.store.reschedule_channel_reminder(
                    reminder.id, next_run(schedule_of(reminder), now, new_zone)
                )
        await self._audit(guild, interaction.user.id, f"time zone set to {name}")
        await interaction.response.send_message(
            strings.REMINDERS_TIMEZONE_SET.format(zone=name, local=now.astimezone(new_zone).strftime("%H:%M")),
            ephemeral=True,
        )

    @timezone.autocomplete("tz")
    async def _zones(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Zone names containing what the admin has typed."""
        typed = current.strip().casefold().replace(" ", "_")
        found = [name for name in _zone_names() if typed in name.casefold()]
        return [app_commands.Choice(name=name, value=name) for name in found[:AUTOCOMPLETE_CHOICES]]


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(RemindersCog(bot))
