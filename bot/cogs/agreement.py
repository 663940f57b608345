"""Agreement and consent: nobody enters the group without accepting its confidentiality agreement.

On join the bot sends the agreement by DM with **I agree / I have a question / Decline**. When DMs are closed it
greets the member in a private thread of the gate channel (only they and moderators can see it), or, where it
cannot make threads, behind a button there that shows the agreement ephemerally. Every answer is appended to the
consent ledger; the member role is given once the member accepted *and* Discord's own Rules Screening (`pending`)
has cleared. The buttons carry guild, version and member in their custom id, so they work after a restart.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import strings
from bot.app import ConfidantBot
from bot.cogs._agreement_due import DueWork
from bot.cogs._agreement_ui import PERSISTENT, AgreeButton, EditModal, QuizAnswer, ReadPrivately, agreement_view
from bot.delivery import member_thread
from bot.formatting import text_embeds
from bot.setup import GuildSetup, command_guild, is_moderator, report_setup_problem, resolve_setup
from models.records import (
    MAX_GRACE_DAYS,
    MAX_HOURS,
    AgreementVersion,
    AuditAction,
    AuditEntry,
    Decision,
    GuildSettings,
    Onboarding,
    OnboardingState,
    Recorded,
    Via,
)
from rules.agreement import Agreement, Quiz, default_agreement, default_quiz

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour.teal()
STATUS_LIST_LIMIT = 15
DRAFT_FILE_LIMIT_KB = 64
DUE_CHECK_SECONDS = 600.0  # how often due work is checked: grace periods, reminders and removals


@dataclasses.dataclass(frozen=True, slots=True)
class SettingOption:
    """One option of /agreement settings: the GuildSettings field it sets, its line, and its allowed range."""

    option: str
    field: str
    line: str
    low: int = 0
    high: int = 0


SETTING_OPTIONS = (
    SettingOption("quiz", "quiz_enabled", strings.SETTINGS_QUIZ),
    SettingOption("grace_days", "grace_days", strings.SETTINGS_GRACE, high=MAX_GRACE_DAYS),
    SettingOption("reminder_hours", "reminder_hours", strings.SETTINGS_REMINDER, high=MAX_HOURS),
    SettingOption("removal_hours", "removal_hours", strings.SETTINGS_REMOVAL, high=MAX_HOURS),
    SettingOption("decline_removal_hours", "decline_removal_hours", strings.SETTINGS_DECLINE_REMOVAL, high=MAX_HOURS),
    SettingOption("keep_consents", "keep_consents", strings.SETTINGS_KEEP_CONSENTS),
)


class GrantOutcome(enum.Enum):
    """What became of an attempt to give the member role."""

    GRANTED = "granted"
    ALREADY = "already"  # they have it, or another task is giving it right now
    WAITING_SCREENING = "waiting_screening"  # Discord's Rules Screening is not done yet
    BLOCKED = "blocked"  # the bot cannot give it; the moderators were told


def agreement_of(version: AgreementVersion) -> Agreement:
    """The rules-layer agreement for a stored version (custom summaries arrive with /agreement edit)."""
    return Agreement(text=version.text, summary=default_agreement().summary)


# --- the cog ---------------------------------------------------------------------------------------------------------


class AgreementCog(DueWork, commands.Cog, name="Agreement"):
    """Onboarding: the agreement, the consent ledger and the member role."""

    agreement = app_commands.Group(
        name="agreement",
        description=strings.CMD_AGREEMENT,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False),
    )

    def __init__(
        self,
        bot: ConfidantBot,
        *,
        due_check_seconds: float = DUE_CHECK_SECONDS,
        clock: Callable[[], datetime] = discord.utils.utcnow,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.due_loop = tasks.loop(seconds=due_check_seconds)(self._due_tick)
        self.due_loop.before_loop(self._wait_until_ready)

    async def cog_load(self) -> None:
        """Register the persistent buttons, so messages sent before a restart keep working; start the due check."""
        self.bot.add_dynamic_items(*PERSISTENT)
        self.due_loop.start()

    async def cog_unload(self) -> None:
        """Forget the persistent buttons and stop the due check."""
        self.bot.remove_dynamic_items(*PERSISTENT)
        self.due_loop.cancel()

    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def current(self, guild_id: int) -> AgreementVersion:
        """The guild's current agreement (the default, as version 1, until it publishes its own)."""
        return await self.bot.store.current_agreement(guild_id, default_agreement().text)

    async def setup_of(self, guild: discord.Guild) -> GuildSetup:
        """The guild's roles and channels."""
        return await resolve_setup(guild, self.bot.store, self.bot.config)

    # -- joining ----------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        """Offer the agreement to a newcomer, or let back in someone who accepted the current version."""
        if member.bot:
            return
        current = await self.current(member.guild.id)
        settings = await self.bot.store.get_guild_settings(member.guild.id)
        onboarding = await self.bot.store.start_onboarding(
            member.guild.id,
            member.id,
            current.version,
            reminder=timedelta(hours=settings.reminder_hours),
            removal=timedelta(hours=settings.removal_hours),
        )
        if onboarding.state is OnboardingState.ACCEPTED:
            await self._welcome_back(member)
        else:
            await self.offer(member, current)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """A member who leaves (or is removed) has no reminder or removal pending any more."""
        await self.bot.store.clear_due_times(payload.guild_id, payload.user.id)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """When Rules Screening clears for a member who already accepted, give them the role."""
        if not (before.pending and not after.pending):
            return
        onboarding = await self.bot.store.onboarding(after.guild.id, after.id)
        if onboarding is not None and onboarding.awaiting_role:
            await self.grant_role(after)

    async def _welcome_back(self, member: discord.Member) -> None:
        await self.grant_role(member)
        try:
            await member.send(strings.WELCOME_BACK.format(guild=member.guild.name))
        except discord.HTTPException:
            log.info("Could not DM user %s a welcome back in guild %s", member.id, member.guild.id)

    async def offer(
        self,
        member: discord.Member,
        current: AgreementVersion,
        *,
        dm_intro: str | None = None,
        gate_intro: str | None = None,
    ) -> None:
        """Send the agreement by DM; with DMs closed, greet the member in the gate channel instead."""
        intro = dm_intro or strings.WELCOME_DM.format(guild=member.guild.name)
        try:
            message = await self._send_agreement(member, intro, current, member.id)
        except discord.Forbidden as error:
            log.info(
                "DMs closed for user %s (code %s); using the gate of guild %s", member.id, error.code, member.guild.id
            )
            await self._offer_in_gate(member, current, gate_intro)
            return
        await self.bot.store.record_delivery(member.guild.id, member.id, Via.DM, message.channel.id)

    async def _offer_in_gate(self, member: discord.Member, current: AgreementVersion, intro: str | None = None) -> None:
        setup = await self.setup_of(member.guild)
        gate = setup.gate_channel
        if gate is None:
            await report_setup_problem(self.bot, member.guild, setup, "no-gate", strings.SETUP_NO_GATE)
            return
        thread = await self._private_thread(gate, member)
        if thread is None:
            await self._post_gate_fallback(gate, member, setup)
            return
        intro = (intro or strings.WELCOME_GATE).format(mention=member.mention)
        await self._send_agreement(thread, intro, current, member.id, mention=member)
        await self.bot.store.record_delivery(member.guild.id, member.id, Via.GATE, thread.id)

    async def _private_thread(self, gate: discord.TextChannel, member: discord.Member) -> discord.Thread | None:
        """The member's private thread in the gate channel (reused if they had one), or None where none can be made."""
        name = strings.GATE_THREAD_NAME.format(name=member.display_name)
        return await member_thread(self.bot.store, gate, member, name)

    async def _post_gate_fallback(self, gate: discord.TextChannel, member: discord.Member, setup: GuildSetup) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(ReadPrivately(member.guild.id))
        try:
            await gate.send(
                strings.GATE_FALLBACK.format(mention=member.mention),
                view=view,
                allowed_mentions=discord.AllowedMentions(users=[member]),
            )
        except discord.HTTPException:
            await report_setup_problem(self.bot, member.guild, setup, "no-gate", strings.SETUP_NO_GATE)
            return
        await self.bot.store.record_delivery(member.guild.id, member.id, Via.GATE, gate.id)

    async def _send_agreement(
        self,
        destination: discord.abc.Messageable,
        intro: str,
        version: AgreementVersion,
        user_id: int,
        *,
        mention: discord.Member | None = None,
    ) -> discord.Message:
        """Post the agreement (split across messages if long) with the answer buttons under the last part."""
        agreement = agreement_of(version)
        batches = text_embeds(agreement.title, agreement.body, colour=EMBED_COLOUR)
        mentions = discord.AllowedMentions(users=[mention]) if mention else discord.AllowedMentions.none()
        message: discord.Message | None = None
        for index, batch in enumerate(batches):
            last = index == len(batches) - 1
            message = await destination.send(
                content=intro if index == 0 else None,
                embeds=batch,
                view=agreement_view(version.guild_id, version.version, user_id) if last else None,  # type: ignore[arg-type]
                allowed_mentions=mentions,
            )
        assert message is not None  # noqa: S101 - text_embeds always returns at least one batch
        return message

    async def offer_ephemerally(
        self, interaction: discord.Interaction, guild_id: int, intro: str | None = None
    ) -> None:
        """Show the guild's current agreement, with buttons, to whoever interacted, privately."""
        current = await self.current(guild_id)
        view = agreement_view(guild_id, current.version, interaction.user.id)
        await self._respond_with(interaction, agreement_of(current), intro=intro, view=view)

    async def _respond_with(
        self,
        interaction: discord.Interaction,
        agreement: Agreement,
        *,
        intro: str | None = None,
        view: discord.ui.View | None = None,
    ) -> None:
        """Answer an interaction ephemerally with the agreement; a view goes under the last part."""
        batches = text_embeds(agreement.title, agreement.body, colour=EMBED_COLOUR)
        for index, batch in enumerate(batches):
            options: dict[str, Any] = {"embeds": batch, "ephemeral": True}
            if index == 0 and intro:
                options["content"] = intro
            if view is not None and index == len(batches) - 1:
                options["view"] = view
            if index == 0 and interaction.response.is_done():  # deferred: the first part replaces "thinking…"
                options.pop("ephemeral")
                await interaction.edit_original_response(**options)
            elif index == 0:
                await interaction.response.send_message(**options)
            else:
                await interaction.followup.send(**options)

    # -- answering --------------------------------------------------------------------------------------------

    async def answer(self, interaction: discord.Interaction, guild_id: int, version: int, decision: Decision) -> None:
        """Record the member's answer to `version` and act on it."""
        guild = self.bot.get_guild(guild_id)
        member = None if guild is None else guild.get_member(interaction.user.id)
        if guild is None or member is None:
            name = guild.name if guild is not None else "the group"
            await interaction.response.send_message(strings.LEFT_THE_GROUP.format(guild=name), ephemeral=True)
            return
        current = await self.current(guild_id)
        if version != current.version:
            await self.offer_ephemerally(interaction, guild_id, intro=strings.OUTDATED_VERSION)
            return
        if decision is Decision.ACCEPTED and (pending := await self._quiz_pending(current, member.id)) is not None:
            await self._ask(interaction, current, *pending, strings.QUIZ_START, edit=False)
            return
        before = await self.bot.store.onboarding(guild_id, member.id)
        updating = before is not None and before.state is OnboardingState.ACCEPTED and before.version < version
        settings = await self.bot.store.get_guild_settings(guild_id)
        recorded = await self._record(interaction, member, version, decision, settings.decline_removal_hours)
        if decision is Decision.DECLINED:
            # A removal may be due from declining, or still from the time limit for accepting: either way, say so.
            due = recorded.onboarding.removal_due_at
            text = strings.DECLINED if due is None else strings.DECLINED_WITH_REMOVAL.format(when=_relative(due))
            await interaction.response.send_message(text, ephemeral=True)
            return
        outcome = await self.grant_role(member)
        text = _acceptance_text(guild, recorded, outcome, updating=updating)
        await interaction.response.send_message(text, ephemeral=True)

    async def _record(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        version: int,
        decision: Decision,
        decline_removal_hours: int = 0,
    ) -> Recorded:
        via = Via.DM if interaction.guild_id is None else Via.GATE
        store = self.bot.store
        recorded = await store.record_decision(
            member.guild.id,
            member.id,
            version,
            decision,
            via,
            interaction.channel_id,
            decline_removal=timedelta(hours=decline_removal_hours),
        )
        if recorded.consent is not None:
            reason = f"{decision.value} agreement version {version} ({via.value})"
            await store.append_audit(
                AuditEntry(
                    guild_id=member.guild.id,
                    actor_id=member.id,
                    action=AuditAction.CONSENT,
                    subject_id=member.id,
                    reason=reason,
                )
            )
            log.info("User %s %s agreement version %d in guild %s", member.id, decision.value, version, member.guild.id)
        return recorded

    # -- the comprehension check ------------------------------------------------------------------------------

    async def quiz_for(self, current: AgreementVersion) -> Quiz | None:
        """The check to pass before accepting `current`, or None when the guild has none.

        The shipped quiz is about the default agreement, so a guild that published its own text has no check
        (until guild quizzes exist), whatever its `quiz_enabled` setting says.
        """
        settings = await self.bot.store.get_guild_settings(current.guild_id)
        if not settings.quiz_enabled or current.sha256 != default_agreement().sha256:
            return None
        return default_quiz()

    async def _quiz_pending(self, current: AgreementVersion, user_id: int) -> tuple[Quiz, frozenset[int]] | None:
        """The quiz and the member's progress while some of it is left; None when they may accept now."""
        quiz = await self.quiz_for(current)
        if quiz is None:
            return None
        onboarding = await self.bot.store.onboarding(current.guild_id, user_id)
        if onboarding and onboarding.state is OnboardingState.ACCEPTED and onboarding.version == current.version:
            return None  # accepted already (before the check existed, or a double click): nothing to check
        passed = await self.bot.store.quiz_passed(current.guild_id, user_id, current.version)
        return None if quiz.complete(passed) else (quiz, passed)

    async def answer_quiz(
        self, interaction: discord.Interaction, guild_id: int, version: int, index: int, option: int
    ) -> None:
        """Check one answer: explain and ask again when wrong; when right, go on, and offer I agree at the end."""
        current = await self.current(guild_id)
        if version != current.version:
            await self.offer_ephemerally(interaction, guild_id, intro=strings.OUTDATED_VERSION)
            return
        quiz = await self.quiz_for(current)
        user_id = interaction.user.id
        if quiz is None:
            await self._ask(interaction, current, None, frozenset(), strings.QUIZ_DONE, edit=True)
            return
        passed = await self.bot.store.quiz_passed(guild_id, user_id, version)
        if index >= len(quiz):  # the quiz changed since the button was sent: ask what is left
            await self._ask(interaction, current, quiz, passed, strings.QUIZ_START, edit=True)
            return
        question = quiz.questions[index]
        if not question.is_right(option):
            log.info("User %s answered quiz question %d wrongly in guild %s", user_id, index, guild_id)
            intro = strings.QUIZ_WRONG.format(explanation=question.explanation)
            await self._ask(interaction, current, quiz, passed, intro, edit=True, index=index)
            return
        passed = await self.bot.store.pass_quiz_question(guild_id, user_id, version, index)
        log.info("User %s passed quiz question %d in guild %s", user_id, index, guild_id)
        await self._ask(interaction, current, quiz, passed, strings.QUIZ_RIGHT, edit=True)

    async def _ask(
        self,
        interaction: discord.Interaction,
        current: AgreementVersion,
        quiz: Quiz | None,
        passed: frozenset[int],
        intro: str,
        *,
        edit: bool,
        index: int | None = None,
    ) -> None:
        """Show one question with its options as buttons (or, when all are passed, I agree), privately."""
        user_id = interaction.user.id
        view = discord.ui.View(timeout=None)
        index = index if index is not None or quiz is None else quiz.next_unpassed(passed)
        if quiz is None or index is None:
            content = f"{strings.QUIZ_RIGHT} {strings.QUIZ_DONE}" if intro == strings.QUIZ_RIGHT else strings.QUIZ_DONE
            view.add_item(AgreeButton(current.guild_id, current.version, user_id))
        else:
            question = quiz.questions[index]
            asked = strings.QUIZ_QUESTION.format(number=index + 1, total=len(quiz), question=question.question)
            content = f"{intro}\n\n{asked}"
            for option, label in enumerate(question.options):
                view.add_item(QuizAnswer(current.guild_id, current.version, user_id, index, option, label))
        if edit:
            await interaction.response.edit_message(content=content, embeds=[], view=view)
        else:
            await interaction.response.send_message(content, view=view, ephemeral=True)

    # -- the member role --------------------------------------------------------------------------------------

    async def grant_role(self, member: discord.Member) -> GrantOutcome:
        """Give an accepted member the member role, once, if Discord's screening is done and the bot is able."""
        guild = member.guild
        setup = await self.setup_of(guild)
        role = setup.member_role
        if role is None:
            await report_setup_problem(self.bot, guild, setup, "no-member-role", strings.SETUP_NO_MEMBER_ROLE)
            return GrantOutcome.BLOCKED
        if role in member.roles:
            return GrantOutcome.ALREADY
        if member.pending:
            return GrantOutcome.WAITING_SCREENING
        if not _can_give(guild, role):
            await report_setup_problem(
                self.bot, guild, setup, "role-too-high", strings.SETUP_ROLE_TOO_HIGH.format(role=role.name)
            )
            return GrantOutcome.BLOCKED
        if not await self.bot.store.claim_role_grant(guild.id, member.id):
            return GrantOutcome.ALREADY
        try:
            await member.add_roles(role, reason="Accepted the confidentiality agreement")
        except discord.HTTPException as error:
            await self.bot.store.release_role_grant(guild.id, member.id)
            log.warning("Could not give the member role in guild %s: HTTP %s", guild.id, error.status)
            await report_setup_problem(
                self.bot, guild, setup, "role-too-high", strings.SETUP_ROLE_TOO_HIGH.format(role=role.name)
            )
            return GrantOutcome.BLOCKED
        return GrantOutcome.GRANTED

    # -- commands ---------------------------------------------------------------------------------------------

    @agreement.command(name="show", description=strings.CMD_AGREEMENT_SHOW)
    async def show(self, interaction: discord.Interaction) -> None:
        """Show the whole agreement, only to the member who asked."""
        guild = _guild_for(interaction)
        agreement = default_agreement() if guild is None else agreement_of(await self.current(guild.id))
        await self._respond_with(interaction, agreement)

    @agreement.command(name="accept", description=strings.CMD_AGREEMENT_ACCEPT)
    async def accept(self, interaction: discord.Interaction) -> None:
        """Send the agreement again privately, with its buttons: for a member who declined or never answered."""
        guild = _guild_for(interaction)
        if guild is None:
            await interaction.response.send_message(strings.PICK_A_SERVER, ephemeral=True)
            return
        await self.offer_ephemerally(interaction, guild.id)

    @agreement.command(name="status", description=strings.CMD_AGREEMENT_STATUS)
    @app_commands.describe(member=strings.CMD_AGREEMENT_STATUS_MEMBER)
    async def status(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        """Moderators only: counts of who accepted which version and who is waiting, or one member's answers."""
        if interaction.guild is None or not isinstance(interaction.user, discord.Member):
            await interaction.response.send_message(strings.ERROR_GUILD_ONLY, ephemeral=True)
            return
        # Checked here, server-side, on every use: command permissions in Discord's UI can be changed by admins.
        if not is_moderator(interaction.user, await self.setup_of(interaction.guild)):
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        if member is None:
            embed = await self._status_embed(interaction.guild.id)
        else:
            embed = await self._member_embed(interaction.guild.id, member)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _status_embed(self, guild_id: int) -> discord.Embed:
        current = await self.current(guild_id)
        rows = await self.bot.store.guild_onboarding(guild_id)
        accepted = [o for o in rows if o.state is OnboardingState.ACCEPTED]
        pending = [o for o in rows if o.state is OnboardingState.PENDING]
        text = strings.STATUS_SUMMARY.format(
            version=current.version,
            current=sum(o.version == current.version for o in accepted),
            older=sum(o.version < current.version for o in accepted),
            pending=len(pending),
            declined=sum(o.state is OnboardingState.DECLINED for o in rows),
        )
        if pending:
            text += "\n\n" + _pending_list(pending)
        return discord.Embed(title=strings.STATUS_TITLE, description=text, colour=EMBED_COLOUR)

    async def _member_embed(self, guild_id: int, member: discord.Member) -> discord.Embed:
        onboarding = await self.bot.store.onboarding(guild_id, member.id)
        if onboarding is None:
            text = strings.STATUS_MEMBER_NONE.format(member=member.mention)
        else:
            granted = strings.STATUS_MEMBER_GRANTED if onboarding.role_granted_at else ""
            text = strings.STATUS_MEMBER.format(
                member=member.mention, state=onboarding.state.value, version=onboarding.version, granted=granted
            )
        for consent in await self.bot.store.consents(guild_id, member.id):
            when = discord.utils.format_dt(consent.created_at, "f")
            text += "\n" + strings.STATUS_LEDGER_LINE.format(
                when=when, decision=consent.decision.value, version=consent.version, via=consent.via.value
            )
        return discord.Embed(title=strings.STATUS_TITLE, description=text, colour=EMBED_COLOUR)

    # -- admins: editing and publishing -----------------------------------------------------------------------

    @agreement.command(name="edit", description=strings.CMD_AGREEMENT_EDIT)
    @app_commands.describe(file=strings.CMD_AGREEMENT_EDIT_FILE)
    async def edit(self, interaction: discord.Interaction, file: discord.Attachment | None = None) -> None:
        """Admins only: write the guild's next agreement as a draft, in a form or as an attached .md file."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        if file is None:
            draft = await self.bot.store.draft(guild.id)
            await interaction.response.send_modal(EditModal(guild.id, None if draft is None else draft.text))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        text, problem = await _read_markdown(file)
        if problem is not None:
            message = strings.EDIT_BAD_FILE.format(problem=problem, limit=DRAFT_FILE_LIMIT_KB)
            await interaction.edit_original_response(content=message)
            return
        await self.save_draft(interaction, text)

    async def save_draft(self, interaction: discord.Interaction, text: str) -> None:
        """Store an admin's text as the guild's draft and show it back to them, privately."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        if not text.strip():
            message = strings.EDIT_BAD_FILE.format(problem=strings.EDIT_EMPTY, limit=DRAFT_FILE_LIMIT_KB)
            await _reply(interaction, message)
            return
        await self.bot.store.save_draft(guild.id, text, interaction.user.id)
        log.info(
            "User %s saved an agreement draft (%d characters) in guild %s", interaction.user.id, len(text), guild.id
        )
        preview = Agreement(text=text, summary=default_agreement().summary)
        await self._respond_with(interaction, preview, intro=strings.DRAFT_SAVED)

    @agreement.command(name="publish", description=strings.CMD_AGREEMENT_PUBLISH)
    async def publish(self, interaction: discord.Interaction) -> None:
        """Admins only: put the draft in force as the next version and ask those who accepted an older one."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        settings = await self.bot.store.get_guild_settings(guild.id)
        grace = timedelta(days=settings.grace_days)
        published = await self.bot.store.publish_draft(guild.id, interaction.user.id, default_agreement().text, grace)
        if published is None:
            await interaction.edit_original_response(content=strings.PUBLISH_NO_DRAFT)
            return
        version, asked = published
        await self.bot.store.append_audit(
            AuditEntry(
                guild_id=guild.id,
                actor_id=interaction.user.id,
                action=AuditAction.AGREEMENT_PUBLISHED,
                reason=f"published agreement version {version.version}",
            )
        )
        log.info("User %s published agreement version %d in guild %s", interaction.user.id, version.version, guild.id)
        await interaction.edit_original_response(
            content=strings.PUBLISHED.format(version=version.version, count=len(asked), days=settings.grace_days)
        )
        await self.send_new_versions(guild.id)

    @agreement.command(name="resend", description=strings.CMD_AGREEMENT_RESEND)
    @app_commands.describe(member=strings.CMD_AGREEMENT_RESEND_MEMBER)
    async def resend(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """Moderators only: send the current agreement to a member again, by DM or in the gate channel."""
        if interaction.guild is None or not isinstance(interaction.user, discord.Member):
            await interaction.response.send_message(strings.ERROR_GUILD_ONLY, ephemeral=True)
            return
        if not is_moderator(interaction.user, await self.setup_of(interaction.guild)):
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        if member.bot:
            await interaction.response.send_message(strings.RESEND_BOT, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        current = await self.current(member.guild.id)
        if await self.bot.store.onboarding(member.guild.id, member.id) is None:
            await self.bot.store.start_onboarding(member.guild.id, member.id, current.version)
        await self.offer(member, current, dm_intro=strings.RESEND_INTRO_DM.format(guild=member.guild.name))
        log.info("User %s resent the agreement to user %s in guild %s", interaction.user.id, member.id, member.guild.id)
        await interaction.edit_original_response(content=strings.RESENT.format(member=member.mention))

    @agreement.command(name="settings", description=strings.CMD_AGREEMENT_SETTINGS)
    @app_commands.describe(
        quiz=strings.CMD_SETTINGS_QUIZ,
        grace_days=strings.CMD_SETTINGS_GRACE_DAYS,
        reminder_hours=strings.CMD_SETTINGS_REMINDER_HOURS,
        removal_hours=strings.CMD_SETTINGS_REMOVAL_HOURS,
        decline_removal_hours=strings.CMD_SETTINGS_DECLINE_REMOVAL_HOURS,
        keep_consents=strings.CMD_SETTINGS_KEEP_CONSENTS,
    )
    async def settings(
        self,
        interaction: discord.Interaction,
        quiz: bool | None = None,
        grace_days: app_commands.Range[int, 0, MAX_GRACE_DAYS] | None = None,
        reminder_hours: app_commands.Range[int, 0, MAX_HOURS] | None = None,
        removal_hours: app_commands.Range[int, 0, MAX_HOURS] | None = None,
        decline_removal_hours: app_commands.Range[int, 0, MAX_HOURS] | None = None,
        keep_consents: bool | None = None,
    ) -> None:
        """Admins only: show the guild's onboarding settings privately, or change the ones given and show them."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        given = {
            "quiz": quiz,
            "grace_days": grace_days,
            "reminder_hours": reminder_hours,
            "removal_hours": removal_hours,
            "decline_removal_hours": decline_removal_hours,
            "keep_consents": keep_consents,
        }
        current = await self.bot.store.get_guild_settings(guild.id)
        changes = {o.field: given[o.option] for o in SETTING_OPTIONS if given[o.option] is not None}
        if not changes:
            await interaction.response.send_message(embed=_settings_embed(current), ephemeral=True)
            return
        # Discord's client enforces the declared ranges, but the dataclass is what decides: each given value is
        # checked on its own first, so the answer names the option that is wrong.
        for option in SETTING_OPTIONS:
            if option.field not in changes:
                continue
            try:
                dataclasses.replace(current, **{option.field: changes[option.field]})
            except ValueError:
                problem = strings.SETTINGS_INVALID.format(option=option.option, low=option.low, high=option.high)
                await interaction.response.send_message(problem, ephemeral=True)
                return
        updated = dataclasses.replace(current, **changes)
        await self.bot.store.save_guild_settings(guild.id, updated)
        summary = ", ".join(f"{name}={value}" for name, value in changes.items())
        await self.bot.store.append_audit(
            AuditEntry(
                guild_id=guild.id,
                actor_id=interaction.user.id,
                action=AuditAction.SETTING_CHANGED,
                reason=f"agreement settings changed: {summary}",
            )
        )
        log.info("User %s changed agreement settings in guild %s: %s", interaction.user.id, guild.id, summary)
        await interaction.response.send_message(strings.SETTINGS_SAVED, embed=_settings_embed(updated), ephemeral=True)


def _acceptance_text(guild: discord.Guild, recorded: Recorded, outcome: GrantOutcome, *, updating: bool) -> str:
    """The reply to I agree; `updating` is an existing member accepting a newer version than they had."""
    if outcome is GrantOutcome.WAITING_SCREENING:
        return strings.ACCEPTED_WAITING_SCREENING.format(guild=guild.name)
    if outcome is GrantOutcome.BLOCKED:
        return strings.ACCEPTED_WAITING_MODERATOR.format(guild=guild.name)
    if outcome is GrantOutcome.ALREADY and recorded.consent is None:
        return strings.ALREADY_ACCEPTED
    if updating and outcome is GrantOutcome.GRANTED:
        return strings.ACCEPTED_UPDATE_RESTORED.format(guild=guild.name)
    if updating:
        return strings.ACCEPTED_UPDATE.format(guild=guild.name)
    return strings.ACCEPTED.format(guild=guild.name)


def _settings_embed(settings: GuildSettings) -> discord.Embed:
    """The guild's onboarding settings, one line each with what it means."""
    lines = []
    for option in SETTING_OPTIONS:
        value = getattr(settings, option.field)
        if isinstance(value, bool):
            value = strings.SETTINGS_ON if value else strings.SETTINGS_OFF
        lines.append(option.line.format(value=value))
    embed = discord.Embed(title=strings.SETTINGS_TITLE, description="\n\n".join(lines), colour=EMBED_COLOUR)
    return embed.set_footer(text=strings.SETTINGS_FOOTER)


def _relative(when: datetime) -> str:
    """A Discord timestamp that each reader sees relative to now ("in 12 hours")."""
    return discord.utils.format_dt(when, "R")


def _pending_list(pending: list[Onboarding]) -> str:
    shown = " ".join(f"<@{o.user_id}>" for o in pending[:STATUS_LIST_LIMIT])
    more = len(pending) - STATUS_LIST_LIMIT
    return strings.STATUS_PENDING_LIST.format(members=shown) + (
        strings.STATUS_MORE.format(count=more) if more > 0 else ""
    )


def _can_give(guild: discord.Guild, role: discord.Role) -> bool:
    """Whether Discord lets the bot give `role`: Manage Roles, and its own top role above it."""
    me = guild.me
    return me.guild_permissions.manage_roles and role < me.top_role and not role.managed


async def _reply(interaction: discord.Interaction, text: str) -> None:
    """Answer privately, whether or not the interaction was already answered (or deferred)."""
    if interaction.response.is_done():
        await interaction.edit_original_response(content=text)
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def _read_markdown(file: discord.Attachment) -> tuple[str, str | None]:
    """The text of an attached agreement, or a problem to tell the admin about."""
    if not file.filename.lower().endswith(".md"):
        return "", strings.EDIT_BAD_NAME
    if file.size > DRAFT_FILE_LIMIT_KB * 1024:
        return "", strings.EDIT_TOO_BIG.format(limit=DRAFT_FILE_LIMIT_KB)
    try:
        data = await file.read()
    except discord.HTTPException as error:
        log.warning("Could not download an agreement attachment: HTTP %s", error.status)
        return "", strings.EDIT_DOWNLOAD_FAILED
    if len(data) > DRAFT_FILE_LIMIT_KB * 1024:
        return "", strings.EDIT_TOO_BIG.format(limit=DRAFT_FILE_LIMIT_KB)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "", strings.EDIT_NOT_UTF8
    if not text.strip():
        return "", strings.EDIT_EMPTY
    return text, None


def _guild_for(interaction: discord.Interaction) -> discord.Guild | None:
    """The guild an interaction is about: where it happened, or in DMs the only guild shared with the bot."""
    if interaction.guild is not None:
        return interaction.guild
    shared = interaction.user.mutual_guilds
    return shared[0] if len(shared) == 1 else None


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(AgreementCog(bot))
