"""The agreement's buttons and forms, kept apart from the cog that acts on them.

Every button carries what it needs in its custom id (guild, version, member), so it works after a restart. Not an
extension (the leading underscore keeps the cog loader away).
"""

from __future__ import annotations

import re
from typing import ClassVar, Protocol, Self

import discord

from bot import strings
from bot.cogs._cases_ui import QuestionModal
from bot.ui import GuardedItem, GuardedModal, form_id
from models.records import Decision

TEXT_INPUT_LIMIT = 4000  # Discord's limit for one text input in a modal


class _AgreementHandler(Protocol):
    """What the buttons and forms need from the agreement cog."""

    async def answer(
        self, interaction: discord.Interaction, guild_id: int, version: int, decision: Decision
    ) -> None: ...

    async def offer_ephemerally(
        self, interaction: discord.Interaction, guild_id: int, intro: str | None = None
    ) -> None: ...

    async def answer_quiz(
        self, interaction: discord.Interaction, guild_id: int, version: int, question: int, option: int
    ) -> None: ...

    async def save_draft(self, interaction: discord.Interaction, text: str) -> None: ...


def _cog(interaction: discord.Interaction) -> _AgreementHandler:
    cog = interaction.client.get_cog("Agreement")  # type: ignore[attr-defined] - a ConfidantBot is a commands.Bot
    if cog is None:
        raise RuntimeError("the agreement cog is not loaded")
    return cog


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


class EditModal(GuardedModal):
    """An admin's new agreement text, typed in (long texts come as an attached .md file instead)."""

    def __init__(self, guild_id: int, draft: str | None) -> None:
        super().__init__(title=strings.EDIT_MODAL_TITLE, custom_id=form_id(f"confidant:agreement:edit:{guild_id}"))
        self.guild_id = guild_id
        self.text: discord.ui.TextInput = discord.ui.TextInput(
            label=strings.EDIT_MODAL_LABEL,
            placeholder=strings.EDIT_MODAL_PLACEHOLDER,
            style=discord.TextStyle.paragraph,
            max_length=TEXT_INPUT_LIMIT,
            default=draft if draft is not None and len(draft) <= TEXT_INPUT_LIMIT else None,
            custom_id="confidant:agreement:edit-text",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Save the text as the guild's draft (the admin check is repeated there)."""
        await _cog(interaction).save_draft(interaction, self.text.value)


# The items the cog registers so that buttons sent before a restart keep working.
PERSISTENT = (AgreeButton, QuestionButton, DeclineButton, ReadPrivately, QuizAnswer)
