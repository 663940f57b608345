"""Reports, the member's side: a private, anonymous-by-default breach report, committed before "received" is said.

Ways in: any DM to the bot (it answers with a short menu, unless the moderators wait for the member's answer on a
case, in which case the DM is that answer), `/report` (in DMs, or ephemeral in the guild), and the message
context-menu command **Report confidentiality breach**, which attaches the right-clicked message as evidence.
Linked messages are snapshotted when the report is sent (one message each, never a channel's history) and stored
encrypted with the report in one transaction; then the cases cog delivers it to the moderators (or keeps it in the
outbox). See DESIGN.md, capability C. Logs carry ids, numbers and categories only, never what anyone wrote.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import re
import secrets
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.cogs._cases_ui import QuestionModal, ReplyButton
from bot.cogs._reports_ui import (
    DETAILS_MAX_LENGTH,
    FORM_TIMEOUT,
    LINKS_MAX,
    MenuButton,
    PickGroup,
    ReplyPick,
    ReportDraft,
    ReportModal,
    TryAgain,
    draft_from,
    group_picker,
    menu_view,
    reply_picker,
)
from models.records import Case, CaseEventKind, CaseKind, CaseStatus, Evidence, OnboardingState

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour.teal()
WAITING_SHOWN = 4  # the moderators' waiting questions shown by /report at once (each with its Reply button)
MENU_COOLDOWN_SECONDS = 60.0  # at most one menu per member in this time, however many DMs they send
MESSAGE_LIMIT = 2000  # Discord's message content limit
MESSAGE_LINK = re.compile(
    r"^<?https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/channels/(?P<guild>\d+|@me)/(?P<channel>\d+)/"
    r"(?P<message>\d+)/?>?$"
)
LINK_SEPARATORS = re.compile(r"[\s,]+")


class _CaseDelivery(Protocol):
    """What the member's side needs from the cases cog (the moderators' side)."""

    async def deliver(self, case: Case) -> bool: ...

    async def receive_reply(self, case: Case, text: str) -> bool: ...


def split_links(field: str) -> list[str]:
    """The links in the form's links field, in order, without repeats."""
    return list(dict.fromkeys(token for token in LINK_SEPARATORS.split(field.strip()) if token))


def snapshot(message: discord.Message) -> Evidence:
    """A message as evidence: its author, time, content and attachment names (a forward's content if it has none)."""
    content = message.content
    attachments = [a.filename for a in message.attachments]
    for forwarded in message.message_snapshots:
        content = content or forwarded.content
        attachments += [a.filename for a in forwarded.attachments]
    return Evidence(
        link=message.jump_url,
        readable=True,
        channel_id=message.channel.id,
        message_id=message.id,
        author_id=message.author.id,
        content=content,
        attachments=tuple(attachments),
        posted_at=message.created_at,
    )


def with_text_back(intro: str, text: str) -> dict[str, Any]:
    """A message that gives the member their own text back (inline when it fits, else as a file): nothing lost."""
    inline = f"{intro}\n>>> {text}"
    if len(inline) <= MESSAGE_LIMIT:
        return {"content": inline}
    return {"content": intro, "file": discord.File(io.BytesIO(text.encode()), filename="your-report.txt")}


class ReportsCog(commands.Cog, name="Reports"):
    """The member's side of breach reports: the DM menu, /report, the message command, and replies to moderators."""

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot
        self._menu_sent: dict[int, float] = {}
        # Right-clicked messages' snapshots, by the nonce of the form they wait for (with when they were taken).
        self._targets: dict[str, tuple[float, Evidence]] = {}
        self.report_message = app_commands.ContextMenu(
            name=strings.CMD_REPORT_MESSAGE,
            callback=self.report_message_callback,
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
        )

    async def cog_load(self) -> None:
        """Register the persistent menu buttons and pickers, and the message command."""
        self.bot.add_dynamic_items(MenuButton, PickGroup, ReplyPick)
        self.bot.tree.add_command(self.report_message)

    async def cog_unload(self) -> None:
        """Forget them again."""
        self.bot.remove_dynamic_items(MenuButton, PickGroup, ReplyPick)
        self.bot.tree.remove_command(self.report_message.name, type=self.report_message.type)

    def _cases(self) -> _CaseDelivery:
        cog = self.bot.get_cog("Cases")
        if cog is None:
            raise RuntimeError("the cases cog is not loaded")
        return cog  # type: ignore[return-value] - the cases cog provides deliver and receive_reply

    # -- ways in ----------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A DM to the bot: the member's answer to the moderators if they wait for one, else the menu."""
        if message.guild is not None or message.author.bot or not isinstance(message.channel, discord.DMChannel):
            return
        async with self.bot.working():
            awaiting = await self.bot.store.awaiting_cases(message.author.id)
            if awaiting:
                await self._answer(message, awaiting)
                return
            now = time.monotonic()
            last = self._menu_sent.get(message.author.id)
            if last is not None and now - last < MENU_COOLDOWN_SECONDS:
                return
            self._forget_old_menus(now)
            self._menu_sent[message.author.id] = now
            try:
                await message.channel.send(strings.DM_MENU, view=menu_view())
            except discord.HTTPException as error:
                log.info("Could not answer a DM from user %s with the menu: HTTP %s", message.author.id, error.status)

    def _forget_old_menus(self, now: float) -> None:
        if len(self._menu_sent) > 1000:
            self._menu_sent = {u: t for u, t in self._menu_sent.items() if now - t < MENU_COOLDOWN_SECONDS}

    @app_commands.command(name="report", description=strings.CMD_REPORT)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def report(self, interaction: discord.Interaction) -> None:
        """Report a breach privately: in a guild for that guild, in DMs for a chosen group.

        A reporter whom the moderators asked something they could not deliver (DMs closed) sees the question here.
        """
        if await self._show_waiting_questions(interaction):
            return
        if interaction.guild is not None:
            await self.start_report(interaction, interaction.guild.id)
        else:
            await self.choose_group(interaction, "report")

    async def _show_waiting_questions(self, interaction: discord.Interaction) -> bool:
        """Show the user the moderators' questions that wait for them, with Reply buttons; False if there are none."""
        guild_id = None if interaction.guild is None else interaction.guild.id
        store = self.bot.store
        waiting = [
            case for case in await store.awaiting_cases(interaction.user.id)
            if guild_id is None or case.guild_id == guild_id
        ][:WAITING_SHOWN]  # fmt: skip
        notices = [
            case for case in await store.cases_with_notices(interaction.user.id)
            if guild_id is None or case.guild_id == guild_id
        ]  # fmt: skip
        if not waiting and not notices:
            return False
        lines, view = [], discord.ui.View(timeout=None)
        for case in notices:
            guild = self.bot.get_guild(case.guild_id)
            name = guild.name if guild else "the group"
            lines.append(strings.REPORT_WAITING_NOTICE.format(number=case.number, guild=name, text=case.pending_notice))
            await store.set_pending_notice(case.id, None)
        for case in waiting:
            asked = [e for e in await self.bot.store.case_events(case.id) if e.kind is CaseEventKind.ASKED]
            guild = self.bot.get_guild(case.guild_id)
            lines.append(
                strings.REPORT_WAITING_QUESTION.format(
                    guild=guild.name if guild else "the group",
                    number=case.number,
                    question=(asked[-1].text or "").replace("\n", "\n> ") if asked else "",
                )
            )
            view.add_item(ReplyButton(case.guild_id, case.number))
        view.add_item(MenuButton("report"))
        await interaction.response.send_message("\n\n".join(lines)[:2000], view=view, ephemeral=True)
        return True

    async def report_message_callback(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Report a breach with the right-clicked message attached; it is snapshotted now, before it can go."""
        if interaction.guild is None:
            await interaction.response.send_message(strings.ERROR_GUILD_ONLY, ephemeral=True)
            return
        await self.start_report(interaction, interaction.guild.id, target=snapshot(message))

    async def menu(self, interaction: discord.Interaction, action: str) -> None:
        """A choice in the DM menu."""
        if action in ("report", "ask"):
            await self.choose_group(interaction, action)
        elif action == "data":
            await self.my_data(interaction)
        else:
            await interaction.response.send_message(strings.PROTECT_EXPLAINED, ephemeral=True)

    async def may_report(self, guild: discord.Guild, user_id: int) -> bool:
        """Whether the user may report a breach in the guild: a member, or a former member who accepted its agreement.

        Someone who left can still be outed by what was shared while they were there, so leaving doesn't take the
        right to report away (the farewell DM tells them so).
        """
        if guild.get_member(user_id) is not None:
            return True
        onboarding = await self.bot.store.onboarding(guild.id, user_id)
        return onboarding is not None and onboarding.state is OnboardingState.ACCEPTED

    async def shared_guilds(self, user: discord.abc.User, action: str) -> list[discord.Guild]:
        """The groups the user may act in (reports: former members too; questions: members), by name."""
        if action == "report":
            found = [g for g in self.bot.guilds if await self.may_report(g, user.id)]
        else:
            found = [g for g in self.bot.guilds if g.get_member(user.id) is not None]
        return sorted(found, key=lambda g: g.name)

    async def choose_group(self, interaction: discord.Interaction, action: str) -> None:
        """Go on with the member's only group, or ask which one when they share several with the bot."""
        guilds = await self.shared_guilds(interaction.user, action)
        if not guilds:
            await interaction.response.send_message(strings.NO_SHARED_GROUP, ephemeral=True)
        elif len(guilds) == 1:
            await self.picked_group(interaction, action, guilds[0].id)
        else:
            view = group_picker(action, guilds)
            await interaction.response.send_message(strings.PICK_GROUP, view=view, ephemeral=True)

    async def picked_group(self, interaction: discord.Interaction, action: str, guild_id: int) -> None:
        """The member chose a group: open the report form, or the question form."""
        if action == "report":
            await self.start_report(interaction, guild_id)
            return
        guild = self.bot.get_guild(guild_id)
        if guild is None or guild.get_member(interaction.user.id) is None:
            name = guild.name if guild is not None else "that group"
            await interaction.response.send_message(strings.REPORT_LEFT_GROUP.format(guild=name), ephemeral=True)
            return
        await interaction.response.send_modal(QuestionModal(guild_id))

    async def start_report(
        self, interaction: discord.Interaction, guild_id: int, *, target: Evidence | None = None
    ) -> None:
        """Open the report form, unless the member may not report in this group (blocked, or over the limit)."""
        guild = self.bot.get_guild(guild_id)
        if guild is None or not await self.may_report(guild, interaction.user.id):
            name = guild.name if guild is not None else "that group"
            await interaction.response.send_message(strings.REPORT_LEFT_GROUP.format(guild=name), ephemeral=True)
            return
        refusal = await self._refusal(guild, interaction.user.id)
        if refusal is not None:
            await interaction.response.send_message(refusal, ephemeral=True)
            return
        await interaction.response.send_modal(self.report_form(guild_id, target=target))

    def report_form(
        self, guild_id: int, *, target: Evidence | None = None, draft: ReportDraft | None = None
    ) -> ReportModal:
        """A new report form; the right-clicked message's snapshot waits in memory for its submission."""
        nonce = secrets.token_hex(8)
        now = time.monotonic()
        self._targets = {n: (t, e) for n, (t, e) in self._targets.items() if now - t < FORM_TIMEOUT}
        if target is not None:
            self._targets[nonce] = (now, target)
        ids = None if target is None or target.message_id is None else (target.channel_id or 0, target.message_id)
        return ReportModal(guild_id, nonce, target_ids=ids, draft=draft)

    async def reopen_report(self, interaction: discord.Interaction, draft: ReportDraft) -> None:
        """**Open the form again**: the same form, filled in with what the member wrote."""
        await interaction.response.send_modal(self.report_form(draft.guild_id, target=draft.target, draft=draft))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Take every submitted report form here, so one opened before a restart is not lost."""
        if interaction.type is not discord.InteractionType.modal_submit or interaction.data is None:
            return
        found = draft_from(dict(interaction.data))
        if found is None:
            return
        draft, nonce = found
        kept = self._targets.pop(nonce, None)
        if kept is not None:
            draft = dataclasses.replace(draft, target=kept[1])
        try:
            await self.submit_report(interaction, draft)
        except Exception as error:  # noqa: BLE001 - top-level handler: every failure is reported with an error id
            self.bot.dispatch("interaction_error", interaction, error)

    async def _refusal(self, guild: discord.Guild, member_id: int) -> str | None:
        """Why the member may not report in the guild now, in words for them; None if they may."""
        store = self.bot.store
        if await store.is_blocked(guild.id, member_id):
            log.info("User %s is blocked from reporting in guild %s", member_id, guild.id)
            return strings.REPORT_BLOCKED.format(guild=guild.name)
        limit = (await store.get_guild_settings(guild.id)).report_limit_per_day
        if limit:  # 0: no limit
            since = datetime.now(UTC) - timedelta(days=1)
            if await store.reports_since(guild.id, member_id, since) >= limit:
                log.info("User %s reached the report limit (%d a day) in guild %s", member_id, limit, guild.id)
                return strings.REPORT_RATE_LIMITED.format(limit=limit, guild=guild.name)
        return None

    # -- the report -------------------------------------------------------------------------------------------

    async def submit_report(self, interaction: discord.Interaction, draft: ReportDraft) -> None:
        """Check the report, snapshot its links, commit it with its evidence, say "received", then deliver it."""
        problem = self._problem(draft)
        if problem is not None:
            view = TryAgain(draft, interaction.user.id)
            await interaction.response.send_message(**with_text_back(problem, draft.details), view=view, ephemeral=True)
            return
        guild = self.bot.get_guild(draft.guild_id)
        member = None if guild is None else guild.get_member(interaction.user.id)
        if guild is None or not await self.may_report(guild, interaction.user.id):
            name = "that group" if guild is None else guild.name
            intro = strings.REPORT_LEFT_GROUP.format(guild=name)
            await interaction.response.send_message(**with_text_back(intro, draft.details), ephemeral=True)
            return
        refusal = await self._refusal(guild, interaction.user.id)
        if refusal is not None:
            await interaction.response.send_message(**with_text_back(refusal, draft.details), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.bot.working():
            target = draft.target
            if target is None and draft.target_ids is not None:
                # The snapshot taken at the right-click was lost with a restart: take it again, if it still exists.
                channel_id, message_id = draft.target_ids
                link = f"https://discord.com/channels/{guild.id}/{channel_id}/{message_id}"
                target = await self._snapshot_link(guild, member, link)
            linked = await self.snapshot_links(guild, member, split_links(draft.links), skip=target)
            evidence = ([target] if target is not None else []) + linked
            case = await self.bot.store.open_case(
                guild.id,
                CaseKind.REPORT,
                interaction.user.id,
                draft.details.strip(),
                category=draft.category,
                share_name=draft.share_name,
                evidence=evidence,
            )
            readable = sum(item.readable for item in evidence)
            # Never the reporter's id next to the case number: whoever reads the logs must not be able to unmask them.
            log.info(
                "Report #%d (%s) filed in guild %s with %d evidence item(s), %d readable",
                case.number, case.category, guild.id, len(evidence), readable,
            )  # fmt: skip
            # The case is committed: only now is the member told it was received.
            await interaction.edit_original_response(content=self._received(guild, case, evidence))
            await self._deliver(case)

    def _problem(self, draft: ReportDraft) -> str | None:
        """What must change before the report can be taken, in words for the member; None if nothing."""
        if not draft.details.strip():
            return strings.REPORT_EMPTY
        if len(draft.details) > DETAILS_MAX_LENGTH:
            excess = len(draft.details) - DETAILS_MAX_LENGTH
            return strings.REPORT_TOO_LONG.format(length=len(draft.details), limit=DETAILS_MAX_LENGTH, excess=excess)
        links = split_links(draft.links)
        if len(links) > LINKS_MAX:
            return strings.REPORT_TOO_MANY_LINKS.format(count=len(links), limit=LINKS_MAX)
        return None

    def _received(self, guild: discord.Guild, case: Case, evidence: Sequence[Evidence]) -> str:
        anonymity = strings.REPORT_NAMED if case.share_name else strings.REPORT_ANONYMOUS
        text = strings.REPORT_RECEIVED.format(number=case.number, guild=guild.name, anonymity=anonymity)
        readable = sum(item.readable for item in evidence)
        if readable:
            text += strings.REPORT_EVIDENCE_NOTE.format(count=readable)
        if len(evidence) > readable:
            text += strings.REPORT_UNREADABLE_NOTE.format(count=len(evidence) - readable)
        return text

    async def _deliver(self, case: Case) -> None:
        """Hand the committed case to the cases cog; if that fails, the case waits in the outbox and is retried."""
        try:
            delivered = await self._cases().deliver(case)
        except Exception:  # noqa: BLE001 - the member was told "received"; the outbox retries, so log and go on
            log.exception(
                "Delivering report #%d in guild %s failed; it waits in the outbox", case.number, case.guild_id
            )
            return
        if not delivered:
            log.info("Report #%d in guild %s waits in the outbox", case.number, case.guild_id)

    async def snapshot_links(
        self, guild: discord.Guild, member: discord.Member | None, links: Sequence[str], *, skip: Evidence | None = None
    ) -> list[Evidence]:
        """Each link as evidence, fetched now when the member and the bot can read it, else kept as a link only.

        Only messages of this guild are copied, one per link (never a channel's history); the others get
        readable=False.
        """
        wanted = [link for link in links if skip is None or _ids(link) != (skip.channel_id, skip.message_id)]
        return list(await asyncio.gather(*(self._snapshot_link(guild, member, link) for link in wanted)))

    async def _snapshot_link(self, guild: discord.Guild, member: discord.Member | None, link: str) -> Evidence:
        match = MESSAGE_LINK.match(link)
        if match is None:
            return Evidence(link=link, readable=False)
        channel_id, message_id = int(match["channel"]), int(match["message"])
        unreadable = Evidence(link=link, readable=False, channel_id=channel_id, message_id=message_id)
        if match["guild"] != str(guild.id):
            return Evidence(link=link, readable=False)  # another server or a DM: not this group's to copy
        channel = guild.get_channel_or_thread(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread | discord.VoiceChannel):
            return unreadable
        # The member may only bring into a case what they can read themselves (a former member: nothing, as a copy).
        theirs = None if member is None else channel.permissions_for(member)
        if theirs is None or not (theirs.view_channel and theirs.read_message_history):
            return unreadable
        try:
            message = await channel.fetch_message(message_id)
        except discord.HTTPException as error:
            log.info("Could not snapshot message %s in guild %s: HTTP %s", message_id, guild.id, error.status)
            return unreadable
        return snapshot(message)

    # -- the member's data and the moderators' questions ------------------------------------------------------

    async def my_data(self, interaction: discord.Interaction) -> None:
        """A short private summary of what the bot keeps about the member."""
        user_id = interaction.user.id
        store = self.bot.store
        consents = 0
        for guild in self.bot.guilds:
            consents += len(await store.consents(guild.id, user_id))
        text = strings.MY_DATA.format(
            consents=consents,
            questions=len(await store.cases_by_member(user_id, kind=CaseKind.QUESTION)),
            reports=len(await store.cases_by_member(user_id, kind=CaseKind.REPORT)),
            flags=len(await store.flags_by_author(user_id)),
            terms=len(await store.protected_terms(user_id)),
        )
        embed = discord.Embed(title=strings.MY_DATA_TITLE, description=text, colour=EMBED_COLOUR)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _answer(self, message: discord.Message, awaiting: list[Case]) -> None:
        """A DM while moderators wait for the member: relay it to the one case, or ask which case it is for."""
        text = message.content.strip()
        try:
            if not text:
                await message.channel.send(strings.REPLY_NO_TEXT)
            elif len(awaiting) == 1:
                await message.channel.send(await self._relay(awaiting[0], text))
            else:
                newest_first = sorted(awaiting, key=lambda c: c.updated_at, reverse=True)
                names = {c.guild_id: self._guild_name(c.guild_id) for c in newest_first}
                view = reply_picker(message.id, newest_first, names)
                await message.channel.send(strings.REPLY_WHICH_CASE, view=view)
        except discord.HTTPException as error:
            log.info("Could not answer user %s in their DMs: HTTP %s", message.author.id, error.status)

    async def _relay(self, case: Case, text: str) -> str:
        """Pass the member's answer on to the case's moderators; what to tell the member."""
        guild = self._guild_name(case.guild_id)
        relayed = await self._cases().receive_reply(case, text)
        log.info(
            "Reply to case #%d in guild %s %s", case.number, case.guild_id, "relayed" if relayed else "not relayed"
        )
        if not relayed:  # it is in the case's timeline, and reaches the thread when the case is delivered
            return strings.REPLY_KEPT.format(guild=guild, number=case.number)
        reply = strings.REPLY_RELAYED_NAMED if case.share_name else strings.REPLY_RELAYED
        return reply.format(guild=guild, number=case.number)

    async def relay_chosen(self, interaction: discord.Interaction, message_id: int, case_id: int) -> None:
        """The member picked which awaiting case their DM answers: relay that DM (read again by its id)."""
        case = await self.bot.store.case_by_id(case_id)
        if case is None or case.member_id != interaction.user.id or case.status is not CaseStatus.AWAITING:
            await interaction.response.edit_message(content=strings.REPLY_CASE_GONE, view=None)
            return
        channel = interaction.channel
        if not isinstance(channel, discord.DMChannel | discord.PartialMessageable):
            return
        await interaction.response.defer()
        try:
            message = await channel.fetch_message(message_id)
        except discord.HTTPException:
            message = None
        if message is None or message.author.id != interaction.user.id or not message.content.strip():
            await interaction.edit_original_response(content=strings.REPLY_MESSAGE_GONE, view=None)
            return
        async with self.bot.working():
            reply = await self._relay(case, message.content.strip())
        await interaction.edit_original_response(content=reply, view=None)

    def _guild_name(self, guild_id: int) -> str:
        guild = self.bot.get_guild(guild_id)
        return guild.name if guild is not None else "the group"


def _ids(link: str) -> tuple[int, int] | None:
    match = MESSAGE_LINK.match(link)
    return None if match is None else (int(match["channel"]), int(match["message"]))


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(ReportsCog(bot))
