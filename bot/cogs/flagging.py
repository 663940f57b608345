"""Flagging: identifying details reach the moderators masked, authors get a private nudge, nothing is lost.

A message in a monitored channel (new or edited) goes to the detection service; above the guild's threshold a
flag is stored, posted to the moderators' queue with every detail masked, and its author is nudged privately.
Moderators act with the buttons under the flag; each press is checked server-side. See DESIGN.md, capability B.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

import discord
from discord.ext import commands, tasks

from bot import strings
from bot.app import ConfidantBot
from bot.cogs import _automod
from bot.cogs._flagging_ui import FlagButton, NudgeButton, flag_view, nudge_view
from bot.delivery import send_privately, user_by_id
from bot.setup import GuildSetup, is_moderator, report_setup_problem, resolve_setup
from models.records import (
    AuditAction,
    AuditEntry,
    AuthorAnswer,
    BreachSource,
    Flag,
    FlagSource,
    FlagSpan,
    FlagStatus,
    GuildSettings,
    TermKind,
)
from rules.detection import ScanInput, ScanResult
from rules.detection.policy import ProtectedHit
from rules.flagging import FlagRules, mask, risk_level

log = logging.getLogger(__name__)

EMBED_COLOURS = {"low": discord.Colour.light_grey(), "medium": discord.Colour.gold(), "high": discord.Colour.red()}
DECIDED_COLOUR = discord.Colour.dark_grey()
QUEUE_TEXT_LIMIT = 3500  # characters of masked text shown in a flag (embed descriptions hold 4096)
RETRY_SECONDS = 300.0  # how often flags that could not be posted are tried again, and old texts purged
PROTECTED_NOTICE_SECONDS = 600  # at most one "something of yours was caught" per member in this time
_QUEUE_ACTIONS = {"dismiss", "remove", "warn", "edit", "case", "restore"}


def flag_rules(settings: GuildSettings, default_threshold: float) -> FlagRules:
    """The guild's flagging choices as the pure rules take them."""
    threshold = default_threshold if settings.flag_threshold is None else settings.flag_threshold
    return FlagRules(
        threshold=threshold,
        newcomer_threshold=settings.newcomer_threshold,
        newcomer_days=settings.newcomer_days,
        nudge_min_risk=settings.nudge_min_risk,
        auto_hold=settings.auto_hold,
    )


def kinds_of(labels: Iterable[str]) -> str:
    """'a phone number and a name': the kinds of detail, never the details."""
    names = [strings.LABEL_NAMES.get(label, label.lower()) for label in dict.fromkeys(labels)]
    if not names:
        return "something that could identify someone"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def jump_url(guild_id: int, channel_id: int, message_id: int | None) -> str:
    """A link to the message (or to the channel, when there is no message)."""
    base = f"https://discord.com/channels/{guild_id}/{channel_id}"
    return base if message_id is None else f"{base}/{message_id}"


def masked_text(flag: Flag) -> str:
    """The flagged text with every detail masked, safe to show in the queue."""
    if flag.text is None:
        return strings.FLAG_NO_TEXT
    text = mask(flag.text, [(span.start, span.end, span.label) for span in flag.spans])
    text = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return text if len(text) <= QUEUE_TEXT_LIMIT else text[: QUEUE_TEXT_LIMIT - 1] + "…"


def whose(flag: Flag) -> str:
    """Whom the flag's details seem to be about: 'other' if any is about someone else."""
    subjects = {span.subject for span in flag.spans}
    return "other" if "other" in subjects else "self" if subjects == {"self"} else "unknown"


class FlaggingCog(commands.Cog, name="Flagging"):
    """Scanning monitored channels, the flag queue and its buttons, author nudges (`/flags` is in flag_settings)."""

    def __init__(self, bot: ConfidantBot, *, retry_seconds: float = RETRY_SECONDS) -> None:
        self.bot = bot
        self.retry_loop = tasks.loop(seconds=retry_seconds)(self._retry_tick)
        self.retry_loop.before_loop(self.bot.wait_until_ready)
        self._protected_notices: dict[int, float] = {}

    async def cog_load(self) -> None:
        """Register the persistent buttons and start the periodic retry of unposted flags."""
        self.bot.add_dynamic_items(FlagButton, NudgeButton)
        self.retry_loop.start()

    async def cog_unload(self) -> None:
        """Forget the persistent buttons and stop the retry loop."""
        self.bot.remove_dynamic_items(FlagButton, NudgeButton)
        self.retry_loop.cancel()

    async def setup_of(self, guild: discord.Guild) -> GuildSetup:
        """The guild's roles and channels."""
        return await resolve_setup(guild, self.bot.store, self.bot.config)

    # -- scanning ---------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Scan a new message of a monitored channel; flag a forward out of one."""
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        async with self.bot.working():
            setup = await self.setup_of(message.guild)
            if message.message_snapshots and message.reference is not None:
                await self._check_forward(message, setup)
            elif self._monitored(message.channel, setup):
                await self.scan(message, setup)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """Scan an edited message again: its flag is updated, or closed when the details were edited out."""
        message = payload.message
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        async with self.bot.working():
            setup = await self.setup_of(message.guild)
            if self._monitored(message.channel, setup):
                await self.scan(message, setup, edited=True)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """A message deleted before any moderator acted closes its flag."""
        if payload.guild_id is None:
            return
        flag = await self.bot.store.flag_for_message(payload.guild_id, payload.message_id)
        if flag is None or flag.status not in (FlagStatus.OPEN, FlagStatus.EDIT_ASKED):
            return
        closed = await self.bot.store.decide_flag(flag.id, FlagStatus.GONE, flag.author_id)
        if closed is not None:
            log.info("Flag %d closed: its message was deleted", flag.id)
            await self._refresh(closed)

    @commands.Cog.listener()
    async def on_automod_action(self, execution: discord.AutoModAction) -> None:
        """Our AutoMod rule blocked a message: flag it in the queue and give its author the text back."""
        guild = execution.guild
        if guild is None or not await _automod.is_ours(self.bot, execution):
            return
        async with self.bot.working():
            setup = await self.setup_of(guild)
            flag = await _automod.record(self.bot, execution)
            await self._publish(flag, guild, setup)
            if not execution.content:
                return  # without the message content intent there is nothing to give back
            member = guild.get_member(execution.user_id)
            intro = strings.AUTOMOD_BLOCKED.format(
                name=member.display_name if member else "there", guild=guild.name, kinds=kinds_of(flag.labels)
            )
            channel = guild.get_channel_or_thread(flag.channel_id)
            title = strings.AUTOMOD_BLOCKED_TITLE.format(channel=getattr(channel, "name", "?"))
            if not await self._give_text_back(flag, guild, setup, title, intro):
                log.info("Could not give the author of flag %d their blocked message back privately", flag.id)

    def _monitored(self, channel: object, setup: GuildSetup) -> bool:
        """Whether the channel (or the channel or category a thread or channel sits in) is monitored."""
        watched = {c.id for c in setup.monitored_channels}
        if not watched:
            return False
        candidates = [getattr(channel, "id", None), getattr(channel, "category_id", None)]
        parent = getattr(channel, "parent", None)
        if isinstance(channel, discord.Thread):
            candidates += [channel.parent_id, getattr(parent, "category_id", None)]
        return any(c in watched for c in candidates if c is not None)

    async def scan(self, message: discord.Message, setup: GuildSetup, *, edited: bool = False) -> Flag | None:
        """Scan one message and act on the result; return its flag, if it has one now."""
        guild = message.guild
        assert guild is not None  # noqa: S101 - only guild messages are scanned
        author = message.author
        if not message.content:
            return None
        settings = await self.bot.store.get_guild_settings(guild.id)
        if isinstance(author, discord.Member) and not settings.scan_moderators and is_moderator(author, setup):
            return None
        rules = flag_rules(settings, self.bot.config.detection.threshold)
        joined_at = author.joined_at if isinstance(author, discord.Member) else None
        threshold = rules.threshold_for(joined_at, discord.utils.utcnow())
        policy = await self.bot.policies.policy(guild.id)
        scanned = ScanInput(message.content, author.id, message.channel.id, guild.id)
        result = await self.bot.detection.scan(scanned, policy, threshold)
        if not result.flagged:
            if edited:
                await self._edited_clean(guild.id, message.id, author.id)
            return None
        flag, created = await self.bot.store.record_flag(
            guild_id=guild.id,
            channel_id=message.channel.id,
            message_id=message.id,
            author_id=author.id,
            source=FlagSource.MESSAGE,
            risk=result.risk,
            spans=_spans(result),
            text=message.content,
        )
        # Rule ids, labels and the risk only: never the text or the details.
        log.info(
            "Flag %d %s in guild %s: risk %.2f, labels %s, rules %s",
            flag.id, "raised" if created else "updated", guild.id, result.risk,
            ",".join(result.labels), ",".join(sorted({f.rule for f in result.findings})),
        )  # fmt: skip
        if created and rules.should_hold(result.findings):
            flag = await self._hold(message, flag, setup) or flag
        await self._publish(flag, guild, setup)
        if created and flag.status is FlagStatus.OPEN and settings.nudge_authors and rules.should_nudge(flag.risk):
            await self._nudge(flag, guild, setup, cooldown_minutes=settings.nudge_cooldown_minutes)
        if created and any(f.rule == "protected.v1" for f in result.findings):
            hits = policy.protected.find(message.content) if policy.protected else []
            await self._tell_protected_owners(guild, hits, author.id)
        return flag

    async def _edited_clean(self, guild_id: int, message_id: int, author_id: int) -> None:
        flag = await self.bot.store.flag_for_message(guild_id, message_id)
        if flag is None or flag.status not in (FlagStatus.OPEN, FlagStatus.EDIT_ASKED):
            return
        closed = await self.bot.store.decide_flag(flag.id, FlagStatus.EDITED, author_id)
        if closed is not None:
            log.info("Flag %d closed: the author edited the details out", flag.id)
            await self._refresh(closed)

    async def _check_forward(self, message: discord.Message, setup: GuildSetup) -> None:
        """Flag a message forwarded from a monitored channel into one that is not (and remove it if so set)."""
        guild = message.guild
        reference = message.reference
        assert guild is not None and reference is not None  # noqa: S101 - checked by on_message
        source = guild.get_channel_or_thread(reference.channel_id)
        if source is None or not self._monitored(source, setup) or self._monitored(message.channel, setup):
            return
        text = "\n".join(snapshot.content for snapshot in message.message_snapshots if snapshot.content)
        settings = await self.bot.store.get_guild_settings(guild.id)
        result = None
        if text:
            policy = await self.bot.policies.policy(guild.id)
            result = await self.bot.detection.scan(
                ScanInput(text, message.author.id, message.channel.id, guild.id), policy
            )
        flag, _ = await self.bot.store.record_flag(
            guild_id=guild.id,
            channel_id=message.channel.id,
            message_id=message.id,
            author_id=message.author.id,
            source=FlagSource.FORWARD,
            risk=max(result.risk if result else 0.0, 0.9),  # taking words out of the group is the breach itself
            spans=_spans(result) if result else (),
            text=text or "",
        )
        log.info("Flag %d raised in guild %s: a forward out of channel %s", flag.id, guild.id, source.id)
        if settings.remove_forwards:
            flag = await self._remove_forward(message, flag, source, setup) or flag
        await self._publish(flag, guild, setup)

    async def _remove_forward(
        self, message: discord.Message, flag: Flag, source: object, setup: GuildSetup
    ) -> Flag | None:
        guild = message.guild
        assert guild is not None  # noqa: S101
        try:
            await message.delete()
        except discord.HTTPException as error:
            log.warning("Could not remove forward of flag %d: HTTP %s", flag.id, error.status)
            return None
        decided = await self.bot.store.decide_flag(flag.id, FlagStatus.REMOVED, self.bot.user.id)  # type: ignore[union-attr]
        member = message.author if isinstance(message.author, discord.Member) else None
        text = strings.FORWARD_REMOVED.format(
            name=message.author.display_name, source=getattr(source, "name", "?"),
            guild=guild.name, channel=getattr(message.channel, "name", "?"),
        )  # fmt: skip
        await send_privately(
            message.author, store=self.bot.store, member=member, gate=setup.gate_channel,
            thread_name=strings.NUDGE_THREAD_NAME.format(name=message.author.display_name), content=text,
        )  # fmt: skip
        return decided

    async def _hold(self, message: discord.Message, flag: Flag, setup: GuildSetup) -> Flag | None:
        """The automatic hold: give the author their text, then remove the message. None if it could not."""
        guild = message.guild
        assert guild is not None  # noqa: S101
        if not message.channel.permissions_for(guild.me).manage_messages:  # type: ignore[union-attr]
            log.warning("Automatic hold in guild %s: no Manage Messages in channel %s", guild.id, message.channel.id)
            return None
        intro = strings.HELD.format(name=message.author.display_name, guild=guild.name, kinds=kinds_of(flag.labels))
        title = strings.HELD_TITLE.format(channel=getattr(message.channel, "name", "?"))
        if not await self._give_text_back(flag, guild, setup, title, intro):
            return None
        try:
            await message.delete()
        except discord.HTTPException as error:
            log.warning("Automatic hold of flag %d failed: HTTP %s", flag.id, error.status)
            return None
        held = await self.bot.store.decide_flag(flag.id, FlagStatus.HELD, self.bot.user.id)  # type: ignore[union-attr]
        log.info("Flag %d: message held automatically", flag.id)
        return held

    # -- the queue --------------------------------------------------------------------------------------------

    async def _publish(self, flag: Flag, guild: discord.Guild, setup: GuildSetup) -> None:
        """Post the flag to the queue, or update its post; a flag that cannot be posted waits for the retry."""
        if flag.queue_message_id is not None:
            await self._refresh(flag)
            return
        queue = setup.mod_queue_channel
        if queue is None:
            await report_setup_problem(self.bot, guild, setup, "no-queue", strings.SETUP_NO_QUEUE)
            return
        try:
            posted = await queue.send(embed=await self._embed(flag, guild), view=flag_view(flag))
        except discord.HTTPException as error:
            log.warning("Could not post flag %d in guild %s: HTTP %s; will retry", flag.id, guild.id, error.status)
            return
        await self.bot.store.set_flag_post(flag.id, queue.id, posted.id)

    async def _refresh(self, flag: Flag) -> None:
        """Show the flag's current state on its queue post."""
        guild = self.bot.get_guild(flag.guild_id)
        if guild is None or flag.queue_channel_id is None or flag.queue_message_id is None:
            return
        channel = guild.get_channel(flag.queue_channel_id)
        if not isinstance(channel, discord.TextChannel):
            return
        try:
            await channel.get_partial_message(flag.queue_message_id).edit(
                embed=await self._embed(flag, guild), view=flag_view(flag)
            )
        except discord.HTTPException as error:
            log.warning("Could not update flag %d in guild %s: HTTP %s", flag.id, guild.id, error.status)

    async def _embed(self, flag: Flag, guild: discord.Guild) -> discord.Embed:
        level = risk_level(flag.risk)
        if flag.source is FlagSource.FORWARD:
            title = strings.FLAG_TITLE_FORWARD.format(id=flag.id, source="a confidential channel")
        elif flag.source is FlagSource.AUTOMOD:
            title = strings.FLAG_TITLE_AUTOMOD.format(id=flag.id)
        else:
            title = strings.FLAG_TITLE.format(id=flag.id, level=level, risk=flag.risk)
        colour = EMBED_COLOURS[level] if flag.status.waiting else DECIDED_COLOUR
        embed = discord.Embed(title=title, description=masked_text(flag), colour=colour)
        embed.add_field(name=strings.FLAG_AUTHOR, value=f"<@{flag.author_id}>")
        embed.add_field(
            name=strings.FLAG_CHANNEL,
            value=f"<#{flag.channel_id}> · [jump]({jump_url(guild.id, flag.channel_id, flag.message_id)})",
        )
        if flag.labels:
            labels = ", ".join(flag.labels)
            embed.add_field(name=strings.FLAG_LABELS, value=labels)
            embed.add_field(name=strings.FLAG_ABOUT, value=strings.FLAG_ABOUT_VALUES[whose(flag)])
        if flag.author_answer is not None:
            embed.add_field(name=strings.FLAG_AUTHOR_SAYS, value=strings.FLAG_AUTHOR_ANSWERS[flag.author_answer])
        embed.add_field(name=strings.FLAG_STATUS, value=await self._status_text(flag), inline=False)
        if flag.reveals:
            reveals = await self.bot.store.flag_reveals(flag.id)
            embed.set_footer(
                text=strings.FLAG_REVEALS.format(count=flag.reveals, moderator=_name(guild, reveals[-1][0]))
            )
        return embed

    async def _status_text(self, flag: Flag) -> str:
        moderator = "" if flag.decided_by is None else f"<@{flag.decided_by}>"
        case = await self.bot.store.case_for_flag(flag.id) if flag.status is FlagStatus.CASE_OPENED else None
        template = strings.FLAG_STATUS_TEXT[flag.status]
        if flag.source is FlagSource.FORWARD and flag.status is FlagStatus.REMOVED:
            template = strings.FLAG_STATUS_FORWARD_REMOVED
        return template.format(moderator=moderator, case="?" if case is None else case.number)

    async def _retry_tick(self) -> None:
        """Post flags that could not be posted, and purge the texts of flags decided long ago."""
        try:
            for flag in await self.bot.store.unposted_flags():
                guild = self.bot.get_guild(flag.guild_id)
                if guild is not None:
                    await self._publish(flag, guild, await self.setup_of(guild))
            for guild in self.bot.guilds:
                settings = await self.bot.store.get_guild_settings(guild.id)
                cutoff = discord.utils.utcnow() - timedelta(days=settings.flag_text_days)
                await self.bot.store.purge_flag_texts(cutoff, guild_id=guild.id)
        except Exception:  # noqa: BLE001 - top-level handler of a background loop: it must keep running
            log.exception("The flag retry check failed; it runs again in %s seconds", self.retry_loop.seconds)

    # -- the author ---------------------------------------------------------------------------------------------

    async def _nudge(
        self, flag: Flag, guild: discord.Guild, setup: GuildSetup, *, cooldown_minutes: int, by_moderator: bool = False
    ) -> bool:
        """Send the author the private note with its answers; False if it was rate-limited or undeliverable."""
        if not by_moderator and not await self.bot.store.claim_nudge(flag.id, cooldown_minutes * 60):
            return False
        member = guild.get_member(flag.author_id)
        user = member or await user_by_id(self.bot, flag.author_id)
        if user is None:
            return False
        channel = guild.get_channel_or_thread(flag.channel_id)
        link = jump_url(guild.id, flag.channel_id, flag.message_id)
        template = strings.NUDGE_BY_MODERATOR if by_moderator else strings.NUDGE
        text = template.format(
            name=user.display_name, link=link, kinds=kinds_of(flag.labels), guild=guild.name,
            whose=strings.NUDGE_WHOSE[whose(flag)],
        )  # fmt: skip
        embed = discord.Embed(
            title=strings.NUDGE_TITLE.format(channel=getattr(channel, "name", "the group")),
            description=text,
            colour=discord.Colour.blurple(),
        )
        delivered = await send_privately(
            user, store=self.bot.store, member=member, gate=setup.gate_channel,
            thread_name=strings.NUDGE_THREAD_NAME.format(name=user.display_name),
            embed=embed, view=nudge_view(flag.id),
        )  # fmt: skip
        if delivered is None:
            log.info("Could not nudge the author of flag %d privately", flag.id)
            return False
        log.info("Nudged the author of flag %d (%s)", flag.id, delivered.via)
        return True

    async def answer_nudge(self, interaction: discord.Interaction, answer: str, flag_id: int) -> None:
        """Record the author's answer to the nudge and show it to the moderators."""
        flag = await self.bot.store.flag(flag_id)
        if flag is None:
            await interaction.response.send_message(strings.FLAG_GONE, ephemeral=True)
            return
        if interaction.user.id != flag.author_id:
            await interaction.response.send_message(strings.NUDGE_NOT_YOURS, ephemeral=True)
            return
        recorded = {"howto": AuthorAnswer.EDITING, "keep": AuthorAnswer.KEEP, "ask": AuthorAnswer.ASK}[answer]
        updated = await self.bot.store.set_author_answer(flag.id, flag.author_id, recorded)
        link = jump_url(flag.guild_id, flag.channel_id, flag.message_id)
        reply = {"howto": strings.NUDGE_HOWTO.format(link=link), "keep": strings.NUDGE_KEPT, "ask": strings.NUDGE_ASKED}
        await interaction.response.send_message(reply[answer], ephemeral=True)
        log.info("Author answered the nudge of flag %d: %s", flag.id, recorded)
        if updated is not None:
            await self._refresh(updated)

    async def _give_text_back(
        self, flag: Flag, guild: discord.Guild, setup: GuildSetup, title: str, intro: str
    ) -> bool:
        """Send the author their full text privately before it is removed; False if it could not be delivered."""
        if flag.text is None:
            return False
        member = guild.get_member(flag.author_id)
        user = member or await user_by_id(self.bot, flag.author_id)
        if user is None:
            return False
        embed = discord.Embed(title=title, description=flag.text[:4096], colour=discord.Colour.blurple())
        delivered = await send_privately(
            user, store=self.bot.store, member=member, gate=setup.gate_channel,
            thread_name=strings.NUDGE_THREAD_NAME.format(name=user.display_name), content=intro, embed=embed,
        )  # fmt: skip
        return delivered is not None

    async def _tell_protected_owners(self, guild: discord.Guild, hits: Iterable[ProtectedHit], author_id: int) -> None:
        """Tell each member whose protected term was caught, privately, at most once per PROTECTED_NOTICE_SECONDS."""
        now = discord.utils.utcnow().timestamp()
        for owner_id in {owner for hit in hits for owner in hit.owners} - {author_id}:
            if not owner_id or now - self._protected_notices.get(owner_id, 0) < PROTECTED_NOTICE_SECONDS:
                continue
            self._protected_notices[owner_id] = now
            user = await user_by_id(self.bot, owner_id)
            if user is None:
                continue
            try:
                await user.send(strings.PROTECTED_CAUGHT.format(guild=guild.name))
            except discord.HTTPException:
                log.info("Could not tell the owner of a protected term in guild %s (DMs closed)", guild.id)

    # -- moderators' actions ------------------------------------------------------------------------------------

    async def moderate(self, interaction: discord.Interaction, action: str, flag_id: int) -> None:
        """A moderator pressed a button under a flag: check who they are, then act."""
        flag = await self.bot.store.flag(flag_id)
        guild = None if flag is None else self.bot.get_guild(flag.guild_id)
        if flag is None or guild is None:
            await interaction.response.send_message(strings.FLAG_GONE, ephemeral=True)
            return
        setup = await self.setup_of(guild)
        clicker = guild.get_member(interaction.user.id)
        if clicker is None or not is_moderator(clicker, setup):
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        if action == "reveal":
            await self._reveal(interaction, flag, clicker)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        handlers = {
            "dismiss": self._dismiss,
            "remove": self._remove,
            "warn": self._remove,
            "edit": self._ask_edit,
            "case": self._open_case,
            "restore": self._restore,
        }
        reply = await handlers[action](flag, guild, setup, clicker, action)
        if reply is not None:
            content, view = reply if isinstance(reply, tuple) else (reply, None)
            await interaction.followup.send(content, view=view or discord.utils.MISSING, ephemeral=True)

    async def _audit(self, flag: Flag, moderator: discord.Member, action: AuditAction, what: str) -> None:
        await self.bot.store.append_audit(
            AuditEntry(
                guild_id=flag.guild_id,
                actor_id=moderator.id,
                action=action,
                subject_id=flag.author_id,
                reason=f"flag {flag.id}: {what}",
            )
        )

    async def _decide(self, flag: Flag, status: FlagStatus, moderator: discord.Member, **kw: object) -> Flag | str:
        decided = await self.bot.store.decide_flag(flag.id, status, moderator.id, **kw)  # type: ignore[arg-type]
        if decided is None:
            current = await self.bot.store.flag(flag.id)
            shown = "gone" if current is None else current.status
            return strings.FLAG_ALREADY_DECIDED.format(id=flag.id, status=shown)
        log.info("Moderator %s set flag %d to %s", moderator.id, flag.id, status)
        await self._audit(decided, moderator, AuditAction.FLAG_DECISION, status.value)
        return decided

    async def _reveal(self, interaction: discord.Interaction, flag: Flag, moderator: discord.Member) -> None:
        if flag.text is None:
            await interaction.response.send_message(strings.FLAG_TEXT_PURGED.format(id=flag.id), ephemeral=True)
            return
        embed = discord.Embed(description=discord.utils.escape_markdown(flag.text)[:4096])
        await interaction.response.send_message(strings.FLAG_REVEALED.format(id=flag.id), embed=embed, ephemeral=True)
        revealed = await self.bot.store.record_reveal(flag.id, moderator.id)
        await self._audit(flag, moderator, AuditAction.REVEAL, "original text revealed")
        log.info("Moderator %s revealed flag %d", moderator.id, flag.id)
        if revealed is not None:
            await self._refresh(revealed)

    async def _dismiss(
        self, flag: Flag, guild: discord.Guild, setup: GuildSetup, moderator: discord.Member, action: str
    ) -> str | tuple[str, discord.ui.View]:
        decided = await self._decide(flag, FlagStatus.DISMISSED, moderator)
        if isinstance(decided, str):
            return decided
        await self._refresh(decided)
        terms = _terms(decided)
        if not terms:
            return strings.FLAG_DISMISSED.format(id=flag.id)
        # The terms are shown to this moderator only, to pick from; that is a reveal, and logged as one.
        await self.bot.store.record_reveal(flag.id, moderator.id)
        await self._audit(flag, moderator, AuditAction.REVEAL, "terms shown to add to the allowlist")
        return strings.FLAG_DISMISSED_ALLOW.format(id=flag.id), AllowlistPicker(self, guild.id, moderator.id, terms)

    async def _remove(
        self, flag: Flag, guild: discord.Guild, setup: GuildSetup, moderator: discord.Member, action: str
    ) -> str:
        if flag.source is FlagSource.AUTOMOD and flag.message_id is None and action == "warn":
            return await self._warn_blocked(flag, guild, moderator)
        channel = guild.get_channel_or_thread(flag.channel_id)
        if channel is None or flag.message_id is None:
            return strings.FLAG_GONE
        if not channel.permissions_for(guild.me).manage_messages:
            return strings.FLAG_CANNOT_DELETE.format(channel=channel.mention)
        warn = action == "warn"
        status = FlagStatus.WARNED if warn else FlagStatus.REMOVED
        # Claimed first, so two moderators pressing at once remove once and tell the author once.
        decided = await self._decide(flag, status, moderator)
        if isinstance(decided, str):
            return decided
        name = guild.get_member(flag.author_id).display_name if guild.get_member(flag.author_id) else "there"  # type: ignore[union-attr]
        intro = (strings.REMOVED_WARNED if warn else strings.REMOVED).format(
            name=name, guild=guild.name, channel=channel.name, kinds=kinds_of(flag.labels)
        )
        title = strings.REMOVED_TITLE.format(channel=channel.name)
        if not await self._give_text_back(flag, guild, setup, title, intro):
            await self.bot.store.decide_flag(flag.id, flag.status, moderator.id, only_from=(status,))
            return strings.FLAG_NOT_RETURNED
        try:
            await channel.get_partial_message(flag.message_id).delete()  # type: ignore[union-attr]
        except discord.NotFound:
            pass  # already gone: the outcome stands
        except discord.HTTPException as error:
            log.warning("Could not remove the message of flag %d: HTTP %s", flag.id, error.status)
            return strings.FLAG_CANNOT_DELETE.format(channel=channel.mention)
        if warn:
            breach = await self.bot.store.record_breach(
                guild.id, flag.author_id, BreachSource.FLAG, flag.id, moderator.id
            )
            self.bot.dispatch("breach_confirmed", breach)
        await self._refresh(decided)
        return (strings.FLAG_WARNED if warn else strings.FLAG_REMOVED).format(id=flag.id)

    async def _warn_blocked(self, flag: Flag, guild: discord.Guild, moderator: discord.Member) -> str:
        """Warn on a message AutoMod blocked: nothing to remove (its author has the text); record the breach."""
        decided = await self._decide(flag, FlagStatus.WARNED, moderator)
        if isinstance(decided, str):
            return decided
        breach = await self.bot.store.record_breach(guild.id, flag.author_id, BreachSource.FLAG, flag.id, moderator.id)
        self.bot.dispatch("breach_confirmed", breach)
        await self._refresh(decided)
        return strings.FLAG_WARNED.format(id=flag.id)

    async def _ask_edit(
        self, flag: Flag, guild: discord.Guild, setup: GuildSetup, moderator: discord.Member, action: str
    ) -> str:
        settings = await self.bot.store.get_guild_settings(guild.id)
        if not await self._nudge(
            flag, guild, setup, cooldown_minutes=settings.nudge_cooldown_minutes, by_moderator=True
        ):
            return strings.FLAG_EDIT_NOT_DELIVERED.format(id=flag.id)
        decided = await self._decide(flag, FlagStatus.EDIT_ASKED, moderator, only_from=(FlagStatus.OPEN,))
        if isinstance(decided, str):
            return decided
        await self._refresh(decided)
        return strings.FLAG_EDIT_ASKED.format(id=flag.id)

    async def _open_case(
        self, flag: Flag, guild: discord.Guild, setup: GuildSetup, moderator: discord.Member, action: str
    ) -> str:
        decided = await self._decide(flag, FlagStatus.CASE_OPENED, moderator)
        if isinstance(decided, str):
            return decided
        text = strings.FLAG_CASE_TEXT.format(
            id=flag.id, channel=f"<#{flag.channel_id}>", moderator=moderator.mention,
            labels=", ".join(flag.labels) or "none", masked=masked_text(flag),
        )  # fmt: skip
        cases = self.bot.get_cog("Cases")
        case = await cases.open_case_for_flag(guild, setup, flag, moderator, text)  # type: ignore[union-attr]
        await self._refresh(decided)
        return strings.FLAG_CASE_OPENED.format(case=case.number, id=flag.id)

    async def _restore(
        self, flag: Flag, guild: discord.Guild, setup: GuildSetup, moderator: discord.Member, action: str
    ) -> str:
        channel = guild.get_channel_or_thread(flag.channel_id)
        if channel is None or flag.text is None:
            return strings.FLAG_GONE
        host = channel.parent if isinstance(channel, discord.Thread) else channel
        if not isinstance(host, discord.TextChannel) or not host.permissions_for(guild.me).manage_webhooks:
            return strings.FLAG_CANNOT_RESTORE.format(channel=channel.mention)
        decided = await self._decide(flag, FlagStatus.RESTORED, moderator, only_from=(FlagStatus.HELD,))
        if isinstance(decided, str):
            return decided
        author = guild.get_member(flag.author_id) or await user_by_id(self.bot, flag.author_id)
        try:
            hook = await _restore_webhook(host)
            thread = channel if isinstance(channel, discord.Thread) else discord.utils.MISSING
            await hook.send(
                f"{flag.text}\n{strings.RESTORED_MARK}"[:2000],
                username=(author.display_name if author else "A member")[:80],
                avatar_url=author.display_avatar.url if author else discord.utils.MISSING,
                thread=thread,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            log.warning("Could not restore the message of flag %d: HTTP %s", flag.id, error.status)
            await self.bot.store.decide_flag(flag.id, FlagStatus.HELD, moderator.id, only_from=(FlagStatus.RESTORED,))
            return strings.FLAG_CANNOT_RESTORE.format(channel=channel.mention)
        await self._refresh(decided)
        return strings.FLAG_RESTORED.format(id=flag.id, channel=channel.mention)

    async def allow_terms(self, guild_id: int, moderator_id: int, terms: Iterable[str]) -> int:
        """Add terms to the guild's allowlist; return how many were new."""
        added = 0
        for term in terms:
            if await self.bot.store.add_guild_term(guild_id, TermKind.ALLOW, term, moderator_id) is not None:
                added += 1
        self.bot.policies.invalidate(guild_id)
        return added


class AllowlistPicker(discord.ui.View):
    """After a dismissal: the flag's terms, for the moderator who dismissed it to add to the allowlist."""

    def __init__(self, cog: FlaggingCog, guild_id: int, moderator_id: int, terms: list[str]) -> None:
        super().__init__(timeout=600)
        self.cog, self.guild_id, self.moderator_id = cog, guild_id, moderator_id
        select: discord.ui.Select = discord.ui.Select(
            placeholder=strings.FLAG_ALLOW_PLACEHOLDER,
            min_values=1,
            max_values=len(terms),
            options=[discord.SelectOption(label=term[:100], value=str(i)) for i, term in enumerate(terms)],
        )
        select.callback = self._picked  # type: ignore[method-assign]
        self.select, self.terms = select, terms
        self.add_item(select)

    async def _picked(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.moderator_id:
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        chosen = [self.terms[int(value)] for value in self.select.values]
        added = await self.cog.allow_terms(self.guild_id, self.moderator_id, chosen)
        await interaction.response.edit_message(content=strings.FLAG_ALLOWED.format(count=added), view=None)


def _spans(result: ScanResult) -> tuple[FlagSpan, ...]:
    return tuple(FlagSpan(f.label.value, f.start, f.end, f.rule, f.subject.value) for f in result.findings)


def _terms(flag: Flag) -> list[str]:
    """The flag's distinct detected terms (at most 25, a select's limit)."""
    if flag.text is None:
        return []
    found = dict.fromkeys(flag.text[s.start : s.end].strip() for s in flag.spans)
    return [term for term in found if term][:25]


def _name(guild: discord.Guild, user_id: int) -> str:
    member = guild.get_member(user_id)
    return member.display_name if member is not None else "a former moderator"


async def _restore_webhook(channel: discord.TextChannel) -> discord.Webhook:
    """The channel's Confidant webhook, made on first use."""
    for hook in await channel.webhooks():
        if hook.name == "Confidant restore" and hook.token:
            return hook
    return await channel.create_webhook(name="Confidant restore")


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(FlaggingCog(bot))
