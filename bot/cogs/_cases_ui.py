"""The buttons and forms of cases, kept apart from the cog so the agreement's question button can open them too.

Not an extension (the leading underscore keeps the cog loader away); both cogs import it like any module.
"""

from __future__ import annotations

import re
from typing import Protocol

import discord

from bot import strings
from bot.ui import GuardedItem, GuardedModal

QUESTION_MAX_LENGTH = 2000  # shown in an embed description (limit 4096)
ANSWER_MAX_LENGTH = 1800  # relayed as message content (limit 2000) after a short heading


class _CaseHandler(Protocol):
    """What the forms and buttons need from the cases cog."""

    async def receive_question(self, interaction: discord.Interaction, guild_id: int, text: str) -> None: ...

    async def start_answer(self, interaction: discord.Interaction, guild_id: int, number: int) -> None: ...

    async def relay_answer(self, interaction: discord.Interaction, guild_id: int, number: int, answer: str) -> None: ...


def _cases(interaction: discord.Interaction) -> _CaseHandler:
    cog = interaction.client.get_cog("Cases")  # type: ignore[attr-defined] - a ConfidantBot is a commands.Bot
    if cog is None:
        raise RuntimeError("the cases cog is not loaded")
    return cog


class AnswerCase(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"confidant:case:answer:(?P<guild_id>\d+):(?P<number>\d+)",
):
    """**Answer** under a question in the cases channel: moderators only, checked server-side on every press."""

    def __init__(self, guild_id: int, number: int) -> None:
        custom_id = f"confidant:case:answer:{guild_id}:{number}"
        button = discord.ui.Button(
            label=strings.CASE_ANSWER_BUTTON, style=discord.ButtonStyle.primary, custom_id=custom_id
        )
        super().__init__(button)
        self.guild_id, self.number = guild_id, number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> AnswerCase:
        """Rebuild the button from its custom id."""
        return cls(int(match["guild_id"]), int(match["number"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Open the answer form for a moderator; refuse anyone else."""
        await _cases(interaction).start_answer(interaction, self.guild_id, self.number)


class QuestionModal(GuardedModal):
    """The member's question to the moderators (one paragraph)."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(title=strings.QUESTION_MODAL_TITLE, custom_id=f"confidant:ask:{guild_id}")
        self.guild_id = guild_id
        self.text: discord.ui.TextInput = discord.ui.TextInput(
            label=strings.QUESTION_MODAL_LABEL,
            placeholder=strings.QUESTION_MODAL_PLACEHOLDER,
            style=discord.TextStyle.paragraph,
            max_length=QUESTION_MAX_LENGTH,
            custom_id="confidant:ask:text",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Store the question, then tell the member."""
        await _cases(interaction).receive_question(interaction, self.guild_id, self.text.value)


class AnswerModal(GuardedModal):
    """A moderator's answer to a question case."""

    def __init__(self, guild_id: int, number: int) -> None:
        title = strings.ANSWER_MODAL_TITLE.format(number=number)
        super().__init__(title=title, custom_id=f"confidant:case:answer-form:{guild_id}:{number}")
        self.guild_id, self.number = guild_id, number
        self.text: discord.ui.TextInput = discord.ui.TextInput(
            label=strings.ANSWER_MODAL_LABEL,
            style=discord.TextStyle.paragraph,
            max_length=ANSWER_MAX_LENGTH,
            custom_id="confidant:case:answer-text",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Relay the answer to the member."""
        await _cases(interaction).relay_answer(interaction, self.guild_id, self.number, self.text.value)
