"""Cases: what members ask or report privately, and how moderators handle it, in the guild's cases channel.

A case (a member's question, a breach report, or a flag a moderator opened as a case) is stored before anyone is
told it was received. `deliver` posts it to the cases channel with a thread of its own and the moderators' buttons;
when the channel is missing or the bot cannot post there, the case waits in the outbox (the `cases` table's
undelivered rows) and a background loop delivers it later, after a restart too.

Anonymity: moderators see a report's reporter as "Reporter A-7" unless the reporter chose to share their name. Only
the lead role can unmask, ephemerally; each unmask is recorded in the timeline and the audit log and announced in
the case's thread, never with the identity. Questions to the reporter and their replies are relayed by the bot,
without either side's name. Every press is checked server-side. See DESIGN.md, capability C.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import discord
from discord.ext import commands, tasks

from bot import strings
from bot.app import ConfidantBot
from bot.cogs._case_commands import CaseCommands
from bot.cogs._cases_ui import (
    EMBED_COLOUR,
    EMBED_LIMIT,
    AnswerCase,
    AnswerModal,
    CaseButton,
    CaseForm,
    ReplyButton,
    ReplyModal,
    case_view,
    quoted,
    reply_view,
)
from bot.delivery import THREAD_ARCHIVE_MINUTES, send_privately, user_by_id
from bot.setup import GuildSetup, is_lead, is_moderator, report_setup_problem, resolve_setup
from models.records import (
    ERASED_USER_ID,
    AuditAction,
    AuditEntry,
    BreachAction,
    BreachSource,
    Case,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    Evidence,
    Flag,
)

log = logging.getLogger(__name__)

CLOSED_COLOUR = discord.Colour.dark_grey()
OUTBOX_SECONDS = 30.0  # how often waiting cases are tried again (each backs off on its own) and retention runs
EVIDENCE_TEXT_LIMIT = 600  # characters of one snapshot's content shown in a case
CONTENT_LIMIT = 1950  # characters of one message (Discord allows 2000)
_LATE = "cases-late"  # the key of the "a case is waiting" notice in bot.reported_setup_problems
_OPEN = (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED, CaseStatus.AWAITING)


def chunks(text: str, size: int = CONTENT_LIMIT) -> list[str]:
    """`text` in pieces that each fit in one message."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class CasesCog(CaseCommands, commands.Cog, name="Cases"):
    """Questions, breach reports and flags opened as cases: delivery, the moderators' buttons, the relay, /case."""

    def __init__(
        self,
        bot: ConfidantBot,
        *,
        outbox_seconds: float = OUTBOX_SECONDS,
        clock: Callable[[], datetime] = discord.utils.utcnow,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.outbox_loop = tasks.loop(seconds=outbox_seconds)(self._outbox_loop)
        self.outbox_loop.before_loop(self.bot.wait_until_ready)
        self._delivery_locks: dict[int, asyncio.Lock] = {}
        self._started = False  # the first tick after a start tries every waiting case, whatever its backoff

    async def cog_load(self) -> None:
        """Register the persistent buttons and start the outbox."""
        self.bot.add_dynamic_items(AnswerCase, CaseButton, ReplyButton)
        self.outbox_loop.start()

    async def cog_unload(self) -> None:
        """Forget the persistent buttons and stop the outbox."""
        self.bot.remove_dynamic_items(AnswerCase, CaseButton, ReplyButton)
        self.outbox_loop.cancel()

    async def setup_of(self, guild: discord.Guild) -> GuildSetup:
        """The guild's roles and channels."""
        return await resolve_setup(guild, self.bot.store, self.bot.config)

    # -- delivery and the outbox ---------------------------------------------------------------------------------

    async def deliver(self, case: Case) -> bool:
        """Post the case (and a thread for it) to the cases channel; on failure keep it in the outbox.

        Never raises for Discord errors: False means the case waits and will be tried again.
        """
        lock = self._delivery_locks.setdefault(case.id, asyncio.Lock())
        async with lock, self.bot.working():
            try:
                return await self._deliver(case)
            finally:
                self._delivery_locks.pop(case.id, None)

    async def _deliver(self, case: Case) -> bool:
        store = self.bot.store
        current = await store.case_by_id(case.id)
        if current is None:
            return False
        if current.delivered_at is not None:
            return True  # someone else (the outbox, or a concurrent call) got there first
        guild = self.bot.get_guild(current.guild_id)
        if guild is None:
            await store.defer_delivery(current.id)
            return False
        setup = await self.setup_of(guild)
        channel = setup.cases_channel
        if channel is None:
            await self._late(current, guild, setup, strings.CASES_LATE_NO_CHANNEL)
            return False
        content, embeds = await self._render(current, guild)
        try:
            message = await channel.send(content, embeds=embeds, view=await self._view(current))
        except discord.HTTPException as error:
            log.warning("Could not post case #%d in guild %s: HTTP %s", current.number, guild.id, error.status)
            text = strings.CASES_LATE_CANNOT_POST.format(channel=channel.mention, status=error.status)
            await self._late(current, guild, setup, text)
            return False
        thread_id = None
        try:
            thread = await message.create_thread(
                name=strings.CASE_THREAD_NAME.format(number=current.number, kind=current.kind.value),
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
            thread_id = thread.id
        except discord.HTTPException as error:
            # The case is delivered; its notes and replies go to the channel itself instead.
            log.warning("Could not open a thread for case #%d in guild %s: HTTP %s", current.number, guild.id,
                        error.status)  # fmt: skip
        await store.set_case_message(current.guild_id, current.number, channel.id, message.id, thread_id=thread_id)
        self.bot.reported_setup_problems.discard((guild.id, _LATE))
        log.info("Case #%d delivered in guild %s after %d failed tries", current.number, guild.id, current.attempts)
        delivered = await store.case_by_id(current.id)
        if delivered is not None:
            await self._post_waiting_replies(delivered, guild)
        return True

    async def _late(self, case: Case, guild: discord.Guild, setup: GuildSetup, text: str) -> None:
        await self.bot.store.defer_delivery(case.id)
        log.info("Case #%d in guild %s waits in the outbox", case.number, guild.id)
        await report_setup_problem(self.bot, guild, setup, _LATE, text)

    async def _post_waiting_replies(self, case: Case, guild: discord.Guild) -> None:
        """Replies that came in before the case reached the channel go into its new thread."""
        for event in await self.bot.store.case_events(case.id):
            if event.kind is CaseEventKind.REPLY and event.text:
                await self._in_thread(case, guild, self._reply_text(case, event.text))

    async def outbox_tick(self, now: datetime | None = None) -> None:
        """Deliver waiting cases that are due, and purge closed cases past each guild's retention."""
        moment = now or self.clock()
        due_by = moment if self._started else None
        self._started = True
        for case in await self.bot.store.undelivered_cases(due_by=due_by):
            await self.deliver(case)
        for guild in self.bot.guilds:
            settings = await self.bot.store.get_guild_settings(guild.id)
            cutoff = moment - timedelta(days=settings.report_retention_days)
            purged = await self.bot.store.purge_closed_cases(cutoff, guild_id=guild.id)
            if purged:
                log.info("Purged evidence and reporters of %d closed case(s) in guild %s", purged, guild.id)
                await self._refresh_purged(guild, cutoff)

    async def _refresh_purged(self, guild: discord.Guild, cutoff: datetime) -> None:
        for case in await self.bot.store.cases(guild.id, statuses=[s for s in CaseStatus if s.closed], limit=100):
            if case.purged_at is not None and case.closed_at is not None and case.closed_at < cutoff:
                await self._refresh(case, guild)

    async def _outbox_loop(self) -> None:
        try:
            await self.outbox_tick()
        except Exception:  # noqa: BLE001 - top-level handler of a background loop: it must keep running
            log.exception("The case outbox failed; it runs again in %s seconds", self.outbox_loop.seconds)

    # -- what moderators see -------------------------------------------------------------------------------------

    def _who(self, case: Case) -> str:
        """How the case's member is shown to moderators: never an anonymous reporter's identity."""
        if case.kind is not CaseKind.REPORT:
            return f"<@{case.member_id}>"
        if case.member_id == ERASED_USER_ID or case.purged_at is not None:
            return strings.CASE_FROM_PURGED
        if case.share_name:
            return strings.CASE_FROM_NAMED.format(member=f"<@{case.member_id}>")
        return strings.CASE_FROM_ANONYMOUS.format(alias=case.alias)

    def _reporter_name(self, case: Case) -> str:
        """The reporter as moderators may see them in a relayed reply."""
        if case.share_name and case.member_id != ERASED_USER_ID:
            return f"<@{case.member_id}>"
        return case.alias

    def _reply_text(self, case: Case, text: str) -> str:
        return strings.CASE_THREAD_REPLY.format(who=self._reporter_name(case), text=quoted(text))

    async def _render(self, case: Case, guild: discord.Guild) -> tuple[str, list[discord.Embed]]:
        """The case post's text and embeds."""
        if case.kind is CaseKind.QUESTION:
            member = f"<@{case.member_id}>"
            if case.status is CaseStatus.ANSWERED and case.answered_by is not None:
                content = strings.CASE_ANSWERED.format(
                    number=case.number, member=member, moderator=f"<@{case.answered_by}>"
                )
            else:
                content = strings.CASE_QUESTION.format(number=case.number, member=member)
            return content, [discord.Embed(description=case.text[:EMBED_LIMIT], colour=EMBED_COLOUR)]
        events = await self.bot.store.case_events(case.id)
        if case.kind is CaseKind.FLAG:
            lines = [strings.CASE_FLAG_HEADING.format(number=case.number, member=f"<@{case.member_id}>")]
        else:
            category = strings.CASE_CATEGORY_NAMES.get(case.category.value if case.category else "other", "other")
            lines = [strings.CASE_REPORT_HEADING.format(number=case.number, category=category), self._who(case)]
        lines.append(strings.CASE_STATUS_LINE.format(status=strings.CASE_STATUS_NAMES[case.status.value]))
        unmasks = sum(1 for e in events if e.kind is CaseEventKind.UNMASKED)
        if unmasks:
            lines.append(strings.CASE_UNMASKED_LINE.format(count=unmasks))
        reporter = case.kind is CaseKind.REPORT and case.purged_at is None
        if reporter and await self.bot.store.is_blocked(case.guild_id, case.member_id):
            lines.append(strings.CASE_BLOCKED_LINE)
        if case.status.closed and case.closed_by is not None:
            lines.append(self._closed_line(case))
        colour = CLOSED_COLOUR if case.status.closed else EMBED_COLOUR
        embeds = [discord.Embed(description=case.text[:EMBED_LIMIT], colour=colour)]
        if case.outcome:
            embeds[0].add_field(name=strings.CASE_OUTCOME, value=quoted(case.outcome)[:1024], inline=False)
        evidence = await self.bot.store.evidence(case.id)
        if evidence:
            embeds.append(self._evidence_embed(case, evidence))
        elif case.purged_at is not None and case.kind is CaseKind.REPORT:
            embeds.append(discord.Embed(description=strings.CASE_EVIDENCE_PURGED, colour=colour))
        return "\n".join(lines), embeds

    def _closed_line(self, case: Case) -> str:
        action = strings.CASE_ACTION_NAMES[(case.action or BreachAction.NONE).value]
        subject = "" if case.subject_id is None else strings.CASE_CLOSED_SUBJECT.format(member=f"<@{case.subject_id}>")
        status = strings.CASE_STATUS_NAMES[case.status.value].capitalize()
        return strings.CASE_CLOSED_LINE.format(
            status=status, moderator=f"<@{case.closed_by}>", action=action, subject=subject
        )

    def _evidence_embed(self, case: Case, evidence: list[Evidence]) -> discord.Embed:
        items = []
        for index, item in enumerate(evidence, start=1):
            if not item.readable:
                items.append(strings.CASE_EVIDENCE_UNREADABLE.format(index=index, link=item.link))
                continue
            if item.author_id is None:
                author = "?"
            elif item.author_id == case.member_id and not case.share_name:
                author = f"{strings.CASE_BY_REPORTER} ({case.alias})"  # their own message: still anonymous
            else:
                author = f"<@{item.author_id}>"
            when = "?" if item.posted_at is None else discord.utils.format_dt(item.posted_at, "f")
            text = quoted(item.content or "")
            if len(text) > EVIDENCE_TEXT_LIMIT:
                text = text[: EVIDENCE_TEXT_LIMIT - 1] + "…"
            body = "\n".join(f"> {line}" for line in text.splitlines()) or strings.CASE_EVIDENCE_EMPTY
            if item.attachments:
                body += "\n" + strings.CASE_EVIDENCE_FILES.format(names=", ".join(item.attachments))
            items.append(
                strings.CASE_EVIDENCE_ITEM.format(index=index, author=author, when=when, link=item.link, content=body)
            )
        description = "\n\n".join(items)
        if len(description) > EMBED_LIMIT:
            description = description[: EMBED_LIMIT - 1] + "…"
        title = strings.CASE_EVIDENCE_TITLE.format(count=len(evidence))
        return discord.Embed(title=title, description=description, colour=EMBED_COLOUR)

    async def _view(self, case: Case) -> discord.ui.View:
        blocked = case.kind is CaseKind.REPORT and await self.bot.store.is_blocked(case.guild_id, case.member_id)
        return case_view(case, blocked=blocked)

    async def _refresh(self, case: Case, guild: discord.Guild) -> None:
        """Show the case's current state on its post."""
        if case.channel_id is None or case.message_id is None:
            return
        channel = guild.get_channel(case.channel_id)
        if not isinstance(channel, discord.TextChannel):
            return
        content, embeds = await self._render(case, guild)
        try:
            await channel.get_partial_message(case.message_id).edit(
                content=content, embeds=embeds, view=await self._view(case)
            )
        except discord.HTTPException as error:
            log.warning("Could not update case #%d in guild %s: HTTP %s", case.number, guild.id, error.status)

    async def _in_thread(self, case: Case, guild: discord.Guild, text: str) -> bool:
        """Post in the case's thread (or, without one, in the cases channel); False if it could not be posted."""
        target = None
        if case.thread_id is not None:
            target = guild.get_thread(case.thread_id) or guild.get_channel(case.thread_id)
            if target is None:
                try:
                    target = await guild.fetch_channel(case.thread_id)
                except discord.HTTPException:
                    target = None
        if target is None and case.channel_id is not None:
            target = guild.get_channel(case.channel_id)
        if not isinstance(target, discord.Thread | discord.TextChannel):
            return False
        try:
            for piece in chunks(text):
                await target.send(piece)
        except discord.HTTPException as error:
            log.warning("Could not post in the thread of case #%d in guild %s: HTTP %s", case.number, guild.id,
                        error.status)  # fmt: skip
            return False
        return True

    # -- telling the reporter ------------------------------------------------------------------------------------

    async def _tell_reporter(
        self, case: Case, guild: discord.Guild, setup: GuildSetup, text: str, *, view: discord.ui.View | None = None
    ) -> bool:
        """Tell the case's member something privately; False if it could not be delivered.

        By DM, else in a private thread of the gate channel — except for an anonymous reporter: a thread opened for
        them would show everyone who can see threads who filed the report, so for them it is DM only.
        """
        if case.member_id == ERASED_USER_ID:
            return False
        anonymous = case.kind is CaseKind.REPORT and not case.share_name
        member = guild.get_member(case.member_id)
        user = member or await user_by_id(self.bot, case.member_id)
        if user is None:
            return False
        extra = {} if view is None else {"view": view}
        delivered = await send_privately(
            user, store=self.bot.store, member=member, gate=None if anonymous else setup.gate_channel,
            thread_name=strings.CASE_PRIVATE_THREAD_NAME,
            content=text[:2000], **extra,
        )  # fmt: skip
        if delivered is None:
            log.info("Could not tell the member of case #%d in guild %s privately", case.number, guild.id)
            if anonymous and view is None:
                # Their next /report shows it (questions, which carry a view, wait in the timeline instead).
                await self.bot.store.set_pending_notice(case.id, text)
            return False
        return True

    async def _support_text(self, guild_id: int) -> str:
        settings = await self.bot.store.get_guild_settings(guild_id)
        return settings.support_resources or strings.SUPPORT_DEFAULT

    # -- the moderators' buttons ---------------------------------------------------------------------------------

    async def _moderator_case(
        self, interaction: discord.Interaction, guild_id: int, number: int, *, lead: bool = False
    ) -> tuple[discord.Guild, GuildSetup, discord.Member, Case] | None:
        """The guild, its setup, the clicker and the case, if the clicker may act on it; else answer them."""
        guild = self.bot.get_guild(guild_id)
        clicker = None if guild is None else guild.get_member(interaction.user.id)
        setup = None if guild is None else await self.setup_of(guild)
        if guild is None or clicker is None or setup is None or not is_moderator(clicker, setup):
            if lead and guild is not None and clicker is not None and setup is not None and is_lead(clicker, setup):
                pass  # a lead without the moderator role may still unmask
            else:
                await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
                return None
        if lead and not is_lead(clicker, setup):  # type: ignore[arg-type]
            await interaction.response.send_message(strings.CASE_UNMASK_LEAD_ONLY, ephemeral=True)
            return None
        case = await self.bot.store.case(guild_id, number)
        if case is None:
            await interaction.response.send_message(strings.CASE_NOT_FOUND, ephemeral=True)
            return None
        return guild, setup, clicker, case  # type: ignore[return-value]

    async def case_action(self, interaction: discord.Interaction, action: str, guild_id: int, number: int) -> None:
        """A button under a case was pressed: check who pressed it (server-side, every time), then act."""
        found = await self._moderator_case(interaction, guild_id, number, lead=action == "unmask")
        if found is None:
            return
        guild, setup, clicker, case = found
        if action in ("ask", "note", "resolve", "dismiss"):
            if action != "note" and case.status not in _OPEN:
                await self._wrong_status(interaction, case)
                return
            suspects: list[int] = []
            if action == "resolve":
                evidence = await self.bot.store.evidence(case.id)
                suspects = [e.author_id for e in evidence if e.author_id and e.author_id != case.member_id]
            await interaction.response.send_modal(CaseForm(action, guild_id, number, suspects=suspects))
            return
        async with self.bot.working():
            if action == "unmask":
                await self._unmask(interaction, guild, case, clicker)
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
            if action == "ack":
                reply = await self._acknowledge(guild, setup, case, clicker)
            else:
                reply = await self._block(guild, case, clicker)
            await interaction.edit_original_response(content=reply)

    async def _wrong_status(self, interaction: discord.Interaction, case: Case) -> None:
        status = strings.CASE_STATUS_NAMES[case.status.value]
        await interaction.response.send_message(
            strings.CASE_WRONG_STATUS.format(number=case.number, status=status), ephemeral=True
        )

    async def _audit(self, case: Case, actor: discord.Member, action: AuditAction, what: str) -> None:
        """An audit entry for a case; never with the reporter's id as its subject (the log must not unmask)."""
        await self.bot.store.append_audit(
            AuditEntry(guild_id=case.guild_id, actor_id=actor.id, action=action, reason=f"case #{case.number}: {what}")
        )

    async def _acknowledge(self, guild: discord.Guild, setup: GuildSetup, case: Case, moderator: discord.Member) -> str:
        updated = await self.bot.store.set_case_status(
            case.guild_id, case.number, CaseStatus.ACKNOWLEDGED, moderator.id, only_from=(CaseStatus.OPEN,)
        )
        if updated is None:
            status = strings.CASE_STATUS_NAMES[case.status.value]
            return strings.CASE_WRONG_STATUS.format(number=case.number, status=status)
        log.info("Moderator %s acknowledged case #%d in guild %s", moderator.id, case.number, guild.id)
        await self._audit(updated, moderator, AuditAction.CASE_STATUS, "acknowledged")
        await self._refresh(updated, guild)
        await self._in_thread(updated, guild, strings.CASE_THREAD_ACKNOWLEDGED.format(moderator=moderator.mention))
        reply = strings.CASE_ACKNOWLEDGED.format(number=case.number)
        if updated.kind is CaseKind.REPORT:
            told = await self._tell_reporter(
                updated, guild, setup, strings.REPORTER_ACKNOWLEDGED.format(guild=guild.name, number=case.number)
            )
            reply += strings.CASE_REPORTER_TOLD if told else strings.CASE_REPORTER_NOT_TOLD
        return reply

    async def _block(self, guild: discord.Guild, case: Case, moderator: discord.Member) -> str:
        if case.kind is not CaseKind.REPORT or case.member_id == ERASED_USER_ID:
            return strings.CASE_UNMASK_NONE.format(number=case.number)
        store = self.bot.store
        if await store.block_reporter(guild.id, case.member_id, moderator.id):
            text, reply, what = strings.CASE_THREAD_BLOCKED, strings.CASE_BLOCKED, "reporter blocked"
        else:
            await store.unblock_reporter(guild.id, case.member_id)
            text, reply, what = strings.CASE_THREAD_UNBLOCKED, strings.CASE_UNBLOCKED, "reporter unblocked"
        await store.add_case_event(case.id, moderator.id, CaseEventKind.BLOCKED, what)
        await self._audit(case, moderator, AuditAction.REPORTER_BLOCKED, what)
        log.info("Moderator %s: case #%d in guild %s, %s", moderator.id, case.number, guild.id, what)
        await self._in_thread(case, guild, text.format(moderator=moderator.mention))
        await self._refresh(case, guild)
        return reply.format(number=case.number)

    async def _unmask(
        self, interaction: discord.Interaction, guild: discord.Guild, case: Case, lead: discord.Member
    ) -> None:
        if case.kind is not CaseKind.REPORT:
            await interaction.response.send_message(strings.CASE_UNMASK_NONE.format(number=case.number), ephemeral=True)
            return
        if case.member_id == ERASED_USER_ID:
            await interaction.response.send_message(
                strings.CASE_UNMASK_PURGED.format(number=case.number), ephemeral=True
            )
            return
        # Recorded before it is shown: an unmask that is not in the record must not happen.
        await self.bot.store.add_case_event(case.id, lead.id, CaseEventKind.UNMASKED)
        await self._audit(case, lead, AuditAction.UNMASK, "reporter unmasked")
        log.info("Lead %s unmasked the reporter of case #%d in guild %s", lead.id, case.number, guild.id)
        await interaction.response.send_message(
            strings.CASE_UNMASKED.format(number=case.number, member=f"<@{case.member_id}>", user_id=case.member_id),
            ephemeral=True,
        )
        await self._in_thread(case, guild, strings.CASE_THREAD_UNMASKED.format(lead=lead.mention))
        await self._refresh(case, guild)

    async def submit_form(
        self, interaction: discord.Interaction, action: str, guild_id: int, number: int, values: dict[str, object]
    ) -> None:
        """A moderator submitted a case form: check them again (a form is a new interaction), then act."""
        found = await self._moderator_case(interaction, guild_id, number)
        if found is None:
            return
        guild, setup, moderator, case = found
        async with self.bot.working():
            await interaction.response.defer(ephemeral=True, thinking=True)
            if action == "note":
                reply = await self._note(guild, case, moderator, str(values["text"]))
            elif action == "ask":
                reply = await self._ask(guild, setup, case, moderator, str(values["text"]))
            else:
                reply = await self._close(guild, setup, case, moderator, action, values)
            await interaction.edit_original_response(content=reply)

    async def _note(self, guild: discord.Guild, case: Case, moderator: discord.Member, text: str) -> str:
        await self.bot.store.add_case_event(case.id, moderator.id, CaseEventKind.NOTE, text)
        log.info("Moderator %s added a note to case #%d in guild %s", moderator.id, case.number, guild.id)
        await self._in_thread(
            case, guild, strings.CASE_THREAD_NOTE.format(moderator=moderator.mention, text=quoted(text))
        )
        return strings.CASE_NOTE_ADDED.format(number=case.number)

    async def _ask(
        self, guild: discord.Guild, setup: GuildSetup, case: Case, moderator: discord.Member, question: str
    ) -> str:
        if case.kind is not CaseKind.REPORT:
            return strings.CASE_UNMASK_NONE.format(number=case.number)
        if case.status not in _OPEN:
            return strings.CASE_WRONG_STATUS.format(number=case.number, status=strings.CASE_STATUS_NAMES[case.status])
        text = strings.REPORTER_ASKED.format(guild=guild.name, number=case.number, question=question)
        told = await self._tell_reporter(case, guild, setup, text, view=reply_view(guild.id, case.number))
        if not told and case.share_name:
            await self._in_thread(case, guild, strings.CASE_THREAD_ASK_FAILED.format(moderator=moderator.mention))
            return strings.CASE_ASK_NOT_SENT.format(number=case.number)
        # An anonymous reporter out of reach by DM sees the question the next time they use /report.
        await self.bot.store.add_case_event(case.id, moderator.id, CaseEventKind.ASKED, question)
        updated = await self.bot.store.set_case_status(
            case.guild_id, case.number, CaseStatus.AWAITING, moderator.id, only_from=_OPEN
        )
        log.info("Moderator %s asked the reporter of case #%d in guild %s", moderator.id, case.number, guild.id)
        await self._in_thread(
            case, guild, strings.CASE_THREAD_ASKED.format(moderator=moderator.mention, question=quoted(question))
        )
        if updated is not None:
            await self._refresh(updated, guild)
        if not told:
            await self._in_thread(case, guild, strings.CASE_THREAD_ASK_WAITING)
            return strings.CASE_ASK_WAITING.format(number=case.number)
        return strings.CASE_ASK_SENT.format(number=case.number)

    async def _close(
        self,
        guild: discord.Guild,
        setup: GuildSetup,
        case: Case,
        moderator: discord.Member,
        action: str,
        values: dict[str, object],
    ) -> str:
        resolving = action == "resolve"
        breach = BreachAction(str(values.get("action") or "none")) if resolving else BreachAction.NONE
        chosen = values.get("member") or []
        subject = chosen[0] if isinstance(chosen, list) and chosen else None
        if breach is not BreachAction.NONE and subject is None:
            return strings.CASE_NEEDS_MEMBER.format(action=strings.CASE_ACTION_NAMES[breach.value])
        outcome = str(values.get("outcome") or "").strip() or "-"
        default = strings.REPORTER_RESOLVED_DEFAULT if resolving else strings.REPORTER_DISMISSED_DEFAULT
        note = str(values.get("note") or "").strip() or default
        status = CaseStatus.RESOLVED if resolving else CaseStatus.DISMISSED
        closed = await self.bot.store.close_case(
            guild.id, case.number, status, moderator.id, outcome=outcome, action=breach,
            subject_id=subject if breach is not BreachAction.NONE else None, reporter_note=note,
        )  # fmt: skip
        if closed is None:
            current = await self.bot.store.case(guild.id, case.number) or case
            return strings.CASE_WRONG_STATUS.format(
                number=case.number, status=strings.CASE_STATUS_NAMES[current.status.value]
            )
        log.info("Moderator %s %s case #%d in guild %s (action %s)", moderator.id, status, case.number, guild.id,
                 breach)  # fmt: skip
        await self._audit(closed, moderator, AuditAction.CASE_STATUS, f"{status.value}, action {breach.value}")
        reply = (strings.CASE_RESOLVED if resolving else strings.CASE_DISMISSED).format(number=case.number)
        if breach is not BreachAction.NONE and subject is not None:
            recorded = await self.bot.store.record_breach(
                guild.id, subject, BreachSource.CASE, case.number, moderator.id
            )
            self.bot.dispatch("breach_confirmed", recorded)  # the strike ladder takes it from here
            reply += strings.CASE_BREACH_RECORDED.format(
                member=f"<@{subject}>", action=strings.CASE_ACTION_NAMES[breach.value]
            )
        if resolving:
            subject_text = (
                ""
                if closed.subject_id is None
                else strings.CASE_CLOSED_SUBJECT.format(member=f"<@{closed.subject_id}>")
            )
            thread_text = strings.CASE_THREAD_RESOLVED.format(
                moderator=moderator.mention, action=strings.CASE_ACTION_NAMES[breach.value], subject=subject_text,
                outcome=quoted(outcome),
            )  # fmt: skip
        else:
            thread_text = strings.CASE_THREAD_DISMISSED.format(moderator=moderator.mention, outcome=quoted(outcome))
        if closed.kind is CaseKind.REPORT:
            template = strings.REPORTER_RESOLVED if resolving else strings.REPORTER_DISMISSED
            text = template.format(guild=guild.name, number=case.number, note=note)
            support = bool(values.get("support"))
            if support:
                text += "\n\n" + strings.REPORTER_SUPPORT.format(resources=await self._support_text(guild.id))
            told = await self._tell_reporter(closed, guild, setup, text)
            reply += strings.CASE_REPORTER_TOLD if told else strings.CASE_REPORTER_NOT_TOLD
            if told and support:
                reply += strings.CASE_REPORTER_SEND_SUPPORT
            thread_text += "\n" + (strings.CASE_THREAD_REPORTER_TOLD if told else strings.CASE_THREAD_REPORTER_NOT_TOLD)
        await self._in_thread(closed, guild, thread_text)
        await self._refresh(closed, guild)
        return reply

    # -- the reporter's side of the relay ----------------------------------------------------------------------

    async def start_reply(self, interaction: discord.Interaction, guild_id: int, number: int) -> None:
        """The reporter pressed Reply: only they may, and only while the case is open."""
        case = await self.bot.store.case(guild_id, number)
        if case is None:
            await interaction.response.send_message(strings.CASE_NOT_FOUND, ephemeral=True)
        elif interaction.user.id != case.member_id:
            await interaction.response.send_message(strings.REPLY_NOT_YOURS, ephemeral=True)
        elif case.status.closed:
            await interaction.response.send_message(strings.REPLY_CASE_CLOSED.format(number=number), ephemeral=True)
        else:
            await interaction.response.send_modal(ReplyModal(guild_id, number))

    async def submit_reply(self, interaction: discord.Interaction, guild_id: int, number: int, text: str) -> None:
        """The reporter submitted their reply: pass it to the moderators."""
        case = await self.bot.store.case(guild_id, number)
        if case is None or interaction.user.id != case.member_id:
            await interaction.response.send_message(strings.REPLY_NOT_YOURS, ephemeral=True)
            return
        if case.status.closed:
            await interaction.response.send_message(strings.REPLY_CASE_CLOSED.format(number=number), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await self.receive_reply(case, text)
        await interaction.edit_original_response(content=strings.REPLY_SENT if posted else strings.REPLY_SAVED)

    async def receive_reply(self, case: Case, text: str) -> bool:
        """The reporter's answer: into the case's thread under their alias (or their name, if they shared it).

        It goes into the timeline and the case goes back to acknowledged; False if it could not be posted (it stays
        in the timeline and reaches the thread when the case is delivered).
        """
        async with self.bot.working():
            store = self.bot.store
            await store.add_case_event(case.id, case.member_id, CaseEventKind.REPLY, text)
            updated = await store.set_case_status(
                case.guild_id, case.number, CaseStatus.ACKNOWLEDGED, case.member_id, only_from=(CaseStatus.AWAITING,)
            )
            current = updated or await store.case_by_id(case.id) or case
            log.info("The reporter of case #%d in guild %s replied", case.number, case.guild_id)
            guild = self.bot.get_guild(case.guild_id)
            if guild is None or current.delivered_at is None:
                return False  # posted into the thread when the case is delivered
            posted = await self._in_thread(current, guild, self._reply_text(current, text))
            if updated is not None:
                await self._refresh(updated, guild)
            return posted

    # -- questions (the agreement's "I have a question") --------------------------------------------------------

    async def receive_question(self, interaction: discord.Interaction, guild_id: int, text: str) -> None:
        """Store the member's question as a case, post it to the cases channel, and only then say it was received."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            await interaction.response.send_message(strings.LEFT_THE_GROUP.format(guild="the group"), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        case = await self.bot.store.open_case(guild_id, CaseKind.QUESTION, interaction.user.id, text)
        log.info("User %s asked question #%d in guild %s", interaction.user.id, case.number, guild_id)
        posted = await self.deliver(case)
        reply = strings.QUESTION_RECEIVED if posted else strings.QUESTION_SAVED_NO_CHANNEL
        await interaction.edit_original_response(content=reply)

    async def open_case_for_flag(
        self, guild: discord.Guild, setup: GuildSetup, flag: Flag, moderator: discord.Member, text: str
    ) -> Case:
        """Open a case from a flag (its text is the masked flag) and post it to the cases channel."""
        case = await self.bot.store.open_case(guild.id, CaseKind.FLAG, moderator.id, text, flag_id=flag.id)
        log.info("Moderator %s opened case #%d from flag %d in guild %s", moderator.id, case.number, flag.id, guild.id)
        await self.deliver(case)
        return case

    async def start_answer(self, interaction: discord.Interaction, guild_id: int, number: int) -> None:
        """Open the answer form, for moderators only (checked here, on every press)."""
        guild = self.bot.get_guild(guild_id)
        clicker = None if guild is None else guild.get_member(interaction.user.id)
        if guild is None or clicker is None or not is_moderator(clicker, await self.setup_of(guild)):
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        case = await self.bot.store.case(guild_id, number)
        if case is None:
            await interaction.response.send_message(strings.CASE_NOT_FOUND, ephemeral=True)
        elif case.status is not CaseStatus.OPEN:
            await interaction.response.send_message(strings.CASE_ALREADY_ANSWERED.format(number=number), ephemeral=True)
        else:
            await interaction.response.send_modal(AnswerModal(guild_id, number))

    async def relay_answer(self, interaction: discord.Interaction, guild_id: int, number: int, answer: str) -> None:
        """Send the moderator's answer to the member (DM, else their gate thread) and mark the case answered."""
        guild = self.bot.get_guild(guild_id)
        clicker = None if guild is None else guild.get_member(interaction.user.id)
        if guild is None or clicker is None or not is_moderator(clicker, await self.setup_of(guild)):
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        store = self.bot.store
        # Claim the case before delivering, so two moderators answering at once relay one answer, not two.
        case = await store.answer_case(guild_id, number, clicker.id, answer)
        if case is None:
            found = await store.case(guild_id, number)
            text = strings.CASE_NOT_FOUND if found is None else strings.CASE_ALREADY_ANSWERED.format(number=number)
            await interaction.edit_original_response(content=text)
            return
        relayed = strings.ANSWER_RELAYED.format(guild=guild.name, answer=answer)
        if not await self._tell_reporter(case, guild, await self.setup_of(guild), relayed):
            await store.reopen_case(guild_id, number)
            log.info("Could not deliver the answer to case #%d in guild %s; reopened it", number, guild_id)
            await interaction.edit_original_response(content=strings.ANSWER_NOT_DELIVERED.format(number=number))
            return
        log.info("Moderator %s answered case #%d in guild %s", clicker.id, number, guild_id)
        await self._refresh(case, guild)
        await interaction.edit_original_response(content=strings.ANSWER_SENT.format(number=number))


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(CasesCog(bot))
