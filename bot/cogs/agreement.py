"""Agreement and consent: nobody enters the group without accepting its confidentiality agreement.

On join the bot sends the agreement by DM with **I agree / I have a question / Decline**. When DMs are closed it
greets the member in a private thread of the gate channel (only they and moderators can see it), or, where it
cannot make threads, behind a button there that shows the agreement ephemerally. Every answer is appended to the
consent ledger; the member role is given once the member accepted *and* Discord's own Rules Screening (`pending`)
has cleared. The buttons carry guild, version and member in their custom id, so they work after a restart.
"""

from __future__ import annotations

import enum
import logging
import re
from typing import Any, ClassVar, Self

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.cogs._cases_ui import QuestionModal
from bot.formatting import text_embeds
from bot.setup import GuildSetup, is_moderator, report_setup_problem, resolve_setup
from bot.ui import GuardedItem
from models.records import (
    AgreementVersion,
    AuditAction,
    AuditEntry,
    Decision,
    Onboarding,
    OnboardingState,
    Recorded,
    Via,
)
from rules.agreement import Agreement, Quiz, default_agreement, default_quiz

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour.teal()
THREAD_ARCHIVE_MINUTES = 10080  # a week: a newcomer may take days to answer
STATUS_LIST_LIMIT = 15


class GrantOutcome(enum.Enum):
    """What became of an attempt to give the member role."""

    GRANTED = "granted"
    ALREADY = "already"  # they have it, or another task is giving it right now
    WAITING_SCREENING = "waiting_screening"  # Discord's Rules Screening is not done yet
    BLOCKED = "blocked"  # the bot cannot give it; the moderators were told


def agreement_of(version: AgreementVersion) -> Agreement:
    """The rules-layer agreement for a stored version (custom summaries arrive with /agreement edit)."""
    return Agreement(text=version.text, summary=default_agreement().summary)


def _cog(interaction: discord.Interaction) -> AgreementCog:
    cog = interaction.client.get_cog("Agreement")  # type: ignore[attr-defined] - a ConfidantBot is a commands.Bot
    if not isinstance(cog, AgreementCog):
        raise RuntimeError("the agreement cog is not loaded")
    return cog


# --- buttons ---------------------------------------------------------------------------------------------------------


class _MemberButton:
    """Shared by the agreement's buttons: they belong to one guild, one version and one member."""

    action: ClassVar[str]
    label: ClassVar[str]
    style: ClassVar[discord.ButtonStyle]

    def __init__(self, guild_id: int, version: int, user_id: int) -> None:
        custom_id = f"confidant:{self.action}:{guild_id}:{version}:{user_id}"
        super().__init__(discord.ui.Button(label=self.label, style=self.style, custom_id=custom_id))  # type: ignore[call-arg]
        self.guild_id = guild_id
        self.version = version
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom id, so it works after a restart."""
        return cls(int(match["guild_id"]), int(match["version"]), int(match["user_id"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the member the agreement was sent to may answer it (moderators can see gate threads too)."""
        if interaction.user.id == self.user_id:
            return True
        await interaction.response.send_message(strings.NOT_YOUR_BUTTONS, ephemeral=True)
        return False


_IDS = r"(?P<guild_id>\d+):(?P<version>\d+):(?P<user_id>\d+)"


class AgreeButton(
    _MemberButton, GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=rf"confidant:agree:{_IDS}"
):
    """**I agree**: record the consent and let the member in."""

    action, label, style = "agree", strings.AGREE_BUTTON, discord.ButtonStyle.success

    async def run(self, interaction: discord.Interaction) -> None:
        """Accept this version."""
        await _cog(interaction).answer(interaction, self.guild_id, self.version, Decision.ACCEPTED)


class QuestionButton(
    _MemberButton, GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=rf"confidant:question:{_IDS}"
):
    """**I have a question**: a modal whose answer reaches the moderators privately, as a case of kind question."""

    action, label, style = "question", strings.QUESTION_BUTTON, discord.ButtonStyle.secondary

    async def run(self, interaction: discord.Interaction) -> None:
        """Open the question form."""
        await interaction.response.send_modal(QuestionModal(self.guild_id))


class DeclineButton(
    _MemberButton, GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=rf"confidant:decline:{_IDS}"
):
    """**Decline**: record it and explain kindly; nothing else happens."""

    action, label, style = "decline", strings.DECLINE_BUTTON, discord.ButtonStyle.secondary

    async def run(self, interaction: discord.Interaction) -> None:
        """Decline this version."""
        await _cog(interaction).answer(interaction, self.guild_id, self.version, Decision.DECLINED)


class ReadPrivately(
    GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=r"confidant:gate:read:(?P<guild_id>\d+)"
):
    """The gate channel's fallback when no private thread can be made: shows the agreement to the presser only."""

    def __init__(self, guild_id: int) -> None:
        button = discord.ui.Button(
            label=strings.GATE_FALLBACK_BUTTON,
            style=discord.ButtonStyle.primary,
            custom_id=f"confidant:gate:read:{guild_id}",
        )
        super().__init__(button)
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ReadPrivately:
        """Rebuild the button from its custom id."""
        return cls(int(match["guild_id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Anyone may press it; each presser gets the agreement and buttons of their own, ephemerally."""
        await _cog(interaction).offer_ephemerally(interaction, self.guild_id)


class QuizAnswer(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=rf"confidant:quiz:{_IDS}:(?P<question>\d+):(?P<option>\d+)",
):
    """One option of one comprehension-check question; the custom id carries all it needs to survive a restart."""

    def __init__(self, guild_id: int, version: int, user_id: int, question: int, option: int, label: str) -> None:
        custom_id = f"confidant:quiz:{guild_id}:{version}:{user_id}:{question}:{option}"
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.primary, custom_id=custom_id))
        self.guild_id, self.version, self.user_id = guild_id, version, user_id
        self.question, self.option = question, option

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> QuizAnswer:
        """Rebuild the button from its custom id (the label is only for display)."""
        ids = (int(match[name]) for name in ("guild_id", "version", "user_id", "question", "option"))
        return cls(*ids, label=item.label or "?")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the member the check was shown to may answer it."""
        if interaction.user.id == self.user_id:
            return True
        await interaction.response.send_message(strings.NOT_YOUR_BUTTONS, ephemeral=True)
        return False

    async def run(self, interaction: discord.Interaction) -> None:
        """Check the answer."""
        await _cog(interaction).answer_quiz(interaction, self.guild_id, self.version, self.question, self.option)


def agreement_view(guild_id: int, version: int, user_id: int) -> discord.ui.View:
    """The three answers to one version of a guild's agreement, for one member."""
    view = discord.ui.View(timeout=None)
    for button in (AgreeButton, QuestionButton, DeclineButton):
        view.add_item(button(guild_id, version, user_id))
    return view


# --- the cog ---------------------------------------------------------------------------------------------------------


class AgreementCog(commands.Cog, name="Agreement"):
    """Onboarding: the agreement, the consent ledger and the member role."""

    agreement = app_commands.Group(
        name="agreement",
        description=strings.CMD_AGREEMENT,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False),
    )

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the persistent buttons, so messages sent before a restart keep working."""
        self.bot.add_dynamic_items(*_PERSISTENT)

    async def cog_unload(self) -> None:
        """Forget the persistent buttons."""
        self.bot.remove_dynamic_items(*_PERSISTENT)

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
        onboarding = await self.bot.store.start_onboarding(member.guild.id, member.id, current.version)
        if onboarding.state is OnboardingState.ACCEPTED:
            await self._welcome_back(member)
        else:
            await self.offer(member, current)

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

    async def offer(self, member: discord.Member, current: AgreementVersion) -> None:
        """Send the agreement by DM; with DMs closed, greet the member in the gate channel instead."""
        intro = strings.WELCOME_DM.format(guild=member.guild.name)
        try:
            message = await self._send_agreement(member, intro, current, member.id)
        except discord.Forbidden as error:
            log.info(
                "DMs closed for user %s (code %s); using the gate of guild %s", member.id, error.code, member.guild.id
            )
            await self._offer_in_gate(member, current)
            return
        await self.bot.store.record_delivery(member.guild.id, member.id, Via.DM, message.channel.id)

    async def _offer_in_gate(self, member: discord.Member, current: AgreementVersion) -> None:
        setup = await self.setup_of(member.guild)
        gate = setup.gate_channel
        if gate is None:
            await report_setup_problem(self.bot, member.guild, setup, "no-gate", strings.SETUP_NO_GATE)
            return
        thread = await self._private_thread(gate, member)
        if thread is None:
            await self._post_gate_fallback(gate, member, setup)
            return
        intro = strings.WELCOME_GATE.format(mention=member.mention)
        await self._send_agreement(thread, intro, current, member.id, mention=member)
        await self.bot.store.record_delivery(member.guild.id, member.id, Via.GATE, thread.id)

    async def _private_thread(self, gate: discord.TextChannel, member: discord.Member) -> discord.Thread | None:
        """A private thread in the gate channel with only the member added, or None where none can be made."""
        mine = gate.permissions_for(gate.guild.me)
        if not (mine.create_private_threads and mine.send_messages_in_threads):
            return None
        try:
            thread = await gate.create_thread(
                name=strings.GATE_THREAD_NAME.format(name=member.display_name)[:100],
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
            await thread.add_user(member)
        except discord.HTTPException as error:
            log.warning("Could not open a private gate thread in guild %s: HTTP %s", gate.guild.id, error.status)
            return None
        return thread

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
            if index == 0:
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
        recorded = await self._record(interaction, member, version, decision)
        if decision is Decision.DECLINED:
            await interaction.response.send_message(strings.DECLINED, ephemeral=True)
            return
        outcome = await self.grant_role(member)
        await interaction.response.send_message(_acceptance_text(guild, recorded, outcome), ephemeral=True)

    async def _record(
        self, interaction: discord.Interaction, member: discord.Member, version: int, decision: Decision
    ) -> Recorded:
        via = Via.DM if interaction.guild_id is None else Via.GATE
        store = self.bot.store
        recorded = await store.record_decision(
            member.guild.id, member.id, version, decision, via, interaction.channel_id
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


def _acceptance_text(guild: discord.Guild, recorded: Recorded, outcome: GrantOutcome) -> str:
    if outcome is GrantOutcome.WAITING_SCREENING:
        return strings.ACCEPTED_WAITING_SCREENING.format(guild=guild.name)
    if outcome is GrantOutcome.BLOCKED:
        return strings.ACCEPTED_WAITING_MODERATOR.format(guild=guild.name)
    if outcome is GrantOutcome.ALREADY and recorded.consent is None:
        return strings.ALREADY_ACCEPTED
    return strings.ACCEPTED.format(guild=guild.name)


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


def _guild_for(interaction: discord.Interaction) -> discord.Guild | None:
    """The guild an interaction is about: where it happened, or in DMs the only guild shared with the bot."""
    if interaction.guild is not None:
        return interaction.guild
    shared = interaction.user.mutual_guilds
    return shared[0] if len(shared) == 1 else None


_PERSISTENT = (AgreeButton, QuestionButton, DeclineButton, ReadPrivately, QuizAnswer)


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(AgreementCog(bot))
