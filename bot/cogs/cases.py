"""Cases: what members ask or report privately, and how moderators answer, in the guild's cases channel.

For now a case is a question from the agreement's **I have a question** button: it is stored (encrypted) before the
member is told it was received, posted to the cases channel with **Answer** (moderators only, checked server-side on
every press), and the answer is relayed to the member by DM, or into their private gate thread when DMs are closed.
Breach reports (issue 6) build on the same table and this cog.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.cogs._cases_ui import AnswerCase, AnswerModal
from bot.setup import GuildSetup, is_moderator, report_setup_problem, resolve_setup
from models.records import Case, CaseKind, CaseStatus, Flag, Via

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour.teal()


class CasesCog(commands.Cog, name="Cases"):
    """Questions to the moderators, and their answers (reports join in issue 6)."""

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the persistent Answer button."""
        self.bot.add_dynamic_items(AnswerCase)

    async def cog_unload(self) -> None:
        """Forget the persistent Answer button."""
        self.bot.remove_dynamic_items(AnswerCase)

    async def setup_of(self, guild: discord.Guild) -> GuildSetup:
        """The guild's roles and channels."""
        return await resolve_setup(guild, self.bot.store, self.bot.config)

    async def receive_question(self, interaction: discord.Interaction, guild_id: int, text: str) -> None:
        """Store the member's question as a case, post it to the cases channel, and only then say it was received."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            await interaction.response.send_message(strings.LEFT_THE_GROUP.format(guild="the group"), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        case = await self.bot.store.open_case(guild_id, CaseKind.QUESTION, interaction.user.id, text)
        log.info("User %s asked question #%d in guild %s", interaction.user.id, case.number, guild_id)
        setup = await self.setup_of(guild)
        posted = await self._post_case(setup, case)
        if posted is None:
            await report_setup_problem(self.bot, guild, setup, "no-cases", strings.SETUP_NO_CASES)
        reply = strings.QUESTION_RECEIVED if posted is not None else strings.QUESTION_SAVED_NO_CHANNEL
        await interaction.edit_original_response(content=reply)

    async def open_case_for_flag(
        self, guild: discord.Guild, setup: GuildSetup, flag: Flag, moderator: discord.Member, text: str
    ) -> Case:
        """Open a case from a flag (its text is the masked flag) and post it to the cases channel."""
        case = await self.bot.store.open_case(guild.id, CaseKind.FLAG, moderator.id, text, flag_id=flag.id)
        log.info("Moderator %s opened case #%d from flag %d in guild %s", moderator.id, case.number, flag.id, guild.id)
        if await self._post_case(setup, case) is None:
            await report_setup_problem(self.bot, guild, setup, "no-cases", strings.SETUP_NO_CASES)
        return case

    async def _post_case(self, setup: GuildSetup, case: Case) -> discord.Message | None:
        channel = setup.cases_channel
        if channel is None:
            return None
        view = discord.ui.View(timeout=None)
        if case.kind is CaseKind.QUESTION:
            view.add_item(AnswerCase(case.guild_id, case.number))
            content = strings.CASE_QUESTION.format(number=case.number, member=f"<@{case.member_id}>")
        else:
            content = strings.CASE_FROM_FLAG.format(number=case.number, member=f"<@{case.member_id}>")
        embed = discord.Embed(description=case.text, colour=EMBED_COLOUR)
        try:
            message = await channel.send(
                content, embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as error:
            log.warning("Could not post case #%d in guild %s: HTTP %s", case.number, case.guild_id, error.status)
            return None
        await self.bot.store.set_case_message(case.guild_id, case.number, channel.id, message.id)
        return message

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
        if not await self._deliver_answer(guild, case, answer):
            await store.reopen_case(guild_id, number)
            log.info("Could not deliver the answer to case #%d in guild %s; reopened it", number, guild_id)
            await interaction.edit_original_response(content=strings.ANSWER_NOT_DELIVERED.format(number=number))
            return
        log.info("Moderator %s answered case #%d in guild %s", clicker.id, number, guild_id)
        await self._mark_answered(guild, case, clicker)
        await interaction.edit_original_response(content=strings.ANSWER_SENT.format(number=number))

    async def _deliver_answer(self, guild: discord.Guild, case: Case, answer: str) -> bool:
        user = self.bot.get_user(case.member_id)
        try:
            if user is None:
                user = await self.bot.fetch_user(case.member_id)
            await user.send(strings.ANSWER_RELAYED.format(guild=guild.name, answer=answer))
        except discord.HTTPException:
            pass
        else:
            return True
        onboarding = await self.bot.store.onboarding(guild.id, case.member_id)
        if onboarding is None or onboarding.via is not Via.GATE or onboarding.channel_id is None:
            return False
        thread = guild.get_thread(onboarding.channel_id)
        if thread is None:
            return False
        try:
            await thread.send(
                strings.ANSWER_RELAYED_THREAD.format(mention=f"<@{case.member_id}>", answer=answer),
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(case.member_id)]),
            )
        except discord.HTTPException:
            return False
        return True

    async def _mark_answered(self, guild: discord.Guild, case: Case, moderator: discord.Member) -> None:
        channel = None if case.channel_id is None else guild.get_channel(case.channel_id)
        if not isinstance(channel, discord.TextChannel) or case.message_id is None:
            return
        content = strings.CASE_ANSWERED.format(
            number=case.number, member=f"<@{case.member_id}>", moderator=moderator.mention
        )
        try:
            await channel.get_partial_message(case.message_id).edit(content=content, view=None)
        except discord.HTTPException as error:
            log.warning("Could not update case #%d in guild %s: HTTP %s", case.number, guild.id, error.status)


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(CasesCog(bot))
