"""The buttons of flags: the moderators' actions under a flag, and the author's answers under a nudge.

Every button is a `DynamicItem` whose custom id carries the flag id, so each keeps working after a restart; what a
press may do is decided by the flagging cog on every press, server-side.
"""

from __future__ import annotations

import re
from typing import Protocol

import discord

from bot import strings
from bot.ui import GuardedItem
from models.records import Flag, FlagStatus

__all__ = ["FLAG_ACTIONS", "NUDGE_ANSWERS", "FlagButton", "NudgeButton", "flag_view", "nudge_view"]

# action -> (label, style)
FLAG_ACTIONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "reveal": (strings.FLAG_BUTTON_REVEAL, discord.ButtonStyle.secondary),
    "dismiss": (strings.FLAG_BUTTON_DISMISS, discord.ButtonStyle.secondary),
    "remove": (strings.FLAG_BUTTON_REMOVE, discord.ButtonStyle.danger),
    "warn": (strings.FLAG_BUTTON_WARN, discord.ButtonStyle.danger),
    "edit": (strings.FLAG_BUTTON_EDIT, discord.ButtonStyle.primary),
    "case": (strings.FLAG_BUTTON_CASE, discord.ButtonStyle.secondary),
    "restore": (strings.FLAG_BUTTON_RESTORE, discord.ButtonStyle.success),
}
NUDGE_ANSWERS: dict[str, str] = {
    "howto": strings.NUDGE_HOWTO_BUTTON,
    "keep": strings.NUDGE_KEEP_BUTTON,
    "ask": strings.NUDGE_ASK_BUTTON,
}


class _FlagHandler(Protocol):
    """What the buttons need from the flagging cog."""

    async def moderate(self, interaction: discord.Interaction, action: str, flag_id: int) -> None: ...

    async def answer_nudge(self, interaction: discord.Interaction, answer: str, flag_id: int) -> None: ...


def _flagging(interaction: discord.Interaction) -> _FlagHandler:
    cog = interaction.client.get_cog("Flagging")  # type: ignore[attr-defined] - a ConfidantBot is a commands.Bot
    if cog is None:
        raise RuntimeError("the flagging cog is not loaded")
    return cog


class FlagButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=rf"confidant:flag:(?P<action>{'|'.join(FLAG_ACTIONS)}):(?P<flag_id>\d+)",
):
    """One moderator action under a flag in the queue."""

    def __init__(self, action: str, flag_id: int) -> None:
        label, style = FLAG_ACTIONS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"confidant:flag:{action}:{flag_id}"))
        self.action, self.flag_id = action, flag_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> FlagButton:
        """Rebuild the button from its custom id."""
        return cls(match["action"], int(match["flag_id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Hand the press to the flagging cog, which checks the moderator's permissions."""
        await _flagging(interaction).moderate(interaction, self.action, self.flag_id)


class NudgeButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=rf"confidant:nudge:(?P<answer>{'|'.join(NUDGE_ANSWERS)}):(?P<flag_id>\d+)",
):
    """One of the author's answers under a nudge."""

    def __init__(self, answer: str, flag_id: int) -> None:
        style = discord.ButtonStyle.primary if answer == "howto" else discord.ButtonStyle.secondary
        custom_id = f"confidant:nudge:{answer}:{flag_id}"
        super().__init__(discord.ui.Button(label=NUDGE_ANSWERS[answer], style=style, custom_id=custom_id))
        self.answer, self.flag_id = answer, flag_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> NudgeButton:
        """Rebuild the button from its custom id."""
        return cls(match["answer"], int(match["flag_id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Hand the answer to the flagging cog, which checks it is the author's."""
        await _flagging(interaction).answer_nudge(interaction, self.answer, self.flag_id)


def actions_for(flag: Flag) -> tuple[str, ...]:
    """The moderator actions a flag offers in its state."""
    reveal = ("reveal",) if flag.text is not None else ()
    if flag.status is FlagStatus.HELD:
        return (*reveal, "restore", "warn", "case")
    if flag.status in (FlagStatus.OPEN, FlagStatus.EDIT_ASKED):
        edit = ("edit",) if flag.status is FlagStatus.OPEN and flag.message_id is not None else ()
        remove = ("remove", "warn") if flag.message_id is not None else ("warn",)
        return (*reveal, "dismiss", *remove, *edit, "case")
    return reveal


def flag_view(flag: Flag) -> discord.ui.View:
    """The buttons under a flag in the queue, for its state."""
    view = discord.ui.View(timeout=None)
    for action in actions_for(flag):
        view.add_item(FlagButton(action, flag.id))
    return view


def nudge_view(flag_id: int) -> discord.ui.View:
    """The author's answers under a nudge."""
    view = discord.ui.View(timeout=None)
    for answer in NUDGE_ANSWERS:
        view.add_item(NudgeButton(answer, flag_id))
    return view
