"""The buttons and forms of cases, kept apart from the cog so the agreement's question button can open them too.

Every button is a `DynamicItem` whose custom id carries the guild id and the case number, so it keeps working after
a restart; what a press may do is decided by the cases cog on every press, server-side. Not an extension (the
leading underscore keeps the cog loader away); both cogs import it like any module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import discord

from bot import strings
from bot.ui import GuardedItem, GuardedModal, form_id
from models.records import BreachAction, Case, CaseKind, CaseStatus

QUESTION_MAX_LENGTH = 2000  # shown in an embed description (limit 4096)
ANSWER_MAX_LENGTH = 1800  # relayed as message content (limit 2000) after a short heading
RELAY_MAX_LENGTH = 1500  # a question to the reporter, or their reply, relayed with a heading
NOTE_MAX_LENGTH = 1500  # an internal note, an outcome or a note to the reporter

# action -> button style; the labels are in strings.CASE_BUTTONS
CASE_ACTIONS: dict[str, discord.ButtonStyle] = {
    "ack": discord.ButtonStyle.primary,
    "ask": discord.ButtonStyle.secondary,
    "note": discord.ButtonStyle.secondary,
    "resolve": discord.ButtonStyle.success,
    "dismiss": discord.ButtonStyle.secondary,
    "unmask": discord.ButtonStyle.danger,
    "block": discord.ButtonStyle.danger,
}

EMBED_COLOUR = discord.Colour.teal()
EMBED_LIMIT = 4000  # characters of an embed description (Discord allows 4096)


def quoted(text: str) -> str:
    """Text shown inside a case, with mentions made inert-looking and markdown kept."""
    return discord.utils.escape_mentions(text)


class _CaseHandler(Protocol):
    """What the forms and buttons need from the cases cog."""

    async def receive_question(self, interaction: discord.Interaction, guild_id: int, text: str) -> None: ...

    async def start_answer(self, interaction: discord.Interaction, guild_id: int, number: int) -> None: ...

    async def relay_answer(self, interaction: discord.Interaction, guild_id: int, number: int, answer: str) -> None: ...

    async def case_action(self, interaction: discord.Interaction, action: str, guild_id: int, number: int) -> None: ...

    async def submit_form(
        self, interaction: discord.Interaction, action: str, guild_id: int, number: int, values: dict[str, object]
    ) -> None: ...

    async def start_reply(self, interaction: discord.Interaction, guild_id: int, number: int) -> None: ...

    async def submit_reply(self, interaction: discord.Interaction, guild_id: int, number: int, text: str) -> None: ...


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


class CaseButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=rf"confidant:case:(?P<action>{'|'.join(CASE_ACTIONS)}):(?P<guild_id>\d+):(?P<number>\d+)",
):
    """One moderator action under a case in the cases channel."""

    def __init__(self, action: str, guild_id: int, number: int, *, label: str | None = None) -> None:
        custom_id = f"confidant:case:{action}:{guild_id}:{number}"
        button = discord.ui.Button(
            label=label or strings.CASE_BUTTONS[action], style=CASE_ACTIONS[action], custom_id=custom_id
        )
        super().__init__(button)
        self.action, self.guild_id, self.number = action, guild_id, number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> CaseButton:
        """Rebuild the button from its custom id."""
        return cls(match["action"], int(match["guild_id"]), int(match["number"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Hand the press to the cases cog, which checks the clicker's permissions."""
        await _cases(interaction).case_action(interaction, self.action, self.guild_id, self.number)


class ReplyButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"confidant:case-reply:(?P<guild_id>\d+):(?P<number>\d+)",
):
    """**Reply** under the moderators' question, in the reporter's DM (or private gate thread)."""

    def __init__(self, guild_id: int, number: int) -> None:
        custom_id = f"confidant:case-reply:{guild_id}:{number}"
        button = discord.ui.Button(
            label=strings.CASE_REPLY_BUTTON, style=discord.ButtonStyle.primary, custom_id=custom_id
        )
        super().__init__(button)
        self.guild_id, self.number = guild_id, number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ReplyButton:
        """Rebuild the button from its custom id."""
        return cls(int(match["guild_id"]), int(match["number"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Open the reply form for the reporter; refuse anyone else."""
        await _cases(interaction).start_reply(interaction, self.guild_id, self.number)


def case_actions(case: Case, *, blocked: bool = False) -> list[tuple[str, str | None]]:
    """The moderator buttons a case offers in its state: (action, label override)."""
    if case.kind is CaseKind.QUESTION:
        return []
    has_reporter = case.kind is CaseKind.REPORT and case.purged_at is None
    reporter: list[tuple[str, str | None]] = []
    if has_reporter:
        reporter = [("unmask", None), ("block", strings.CASE_BUTTONS["unblock"] if blocked else None)]
    if case.status.closed:
        return [("note", None), *reporter]
    actions: list[tuple[str, str | None]] = []
    if case.status is CaseStatus.OPEN:
        actions.append(("ack", None))
    if has_reporter:
        actions.append(("ask", None))
    actions += [("note", None), ("resolve", None), ("dismiss", None)]
    return actions + reporter


def case_view(case: Case, *, blocked: bool = False) -> discord.ui.View:
    """The buttons under a case in the cases channel, for its kind and state."""
    view = discord.ui.View(timeout=None)
    if case.kind is CaseKind.QUESTION:
        if case.status is CaseStatus.OPEN:
            view.add_item(AnswerCase(case.guild_id, case.number))
        return view
    for action, label in case_actions(case, blocked=blocked):
        view.add_item(CaseButton(action, case.guild_id, case.number, label=label))
    return view


def reply_view(guild_id: int, number: int) -> discord.ui.View:
    """The reporter's Reply button."""
    view = discord.ui.View(timeout=None)
    view.add_item(ReplyButton(guild_id, number))
    return view


class QuestionModal(GuardedModal):
    """The member's question to the moderators (one paragraph)."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(title=strings.QUESTION_MODAL_TITLE, custom_id=form_id(f"confidant:ask:{guild_id}"))
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
        super().__init__(title=title, custom_id=form_id(f"confidant:case:answer-form:{guild_id}:{number}"))
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


def _text(
    custom_id: str, label: str, *, required: bool = True, max_length: int = NOTE_MAX_LENGTH
) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label=label,
        style=discord.TextStyle.paragraph,
        max_length=max_length,
        required=required,
        custom_id=custom_id,
    )


class CaseForm(GuardedModal):
    """A moderator's form on a case: ask the reporter, add a note, resolve or dismiss.

    Field custom ids are `confidant:case:<action>-<field>`; the cog reads the submitted values by field name.
    """

    TITLES = {
        "ask": strings.CASE_ASK_TITLE,
        "note": strings.CASE_NOTE_TITLE,
        "resolve": strings.CASE_RESOLVE_TITLE,
        "dismiss": strings.CASE_DISMISS_TITLE,
    }

    def __init__(self, action: str, guild_id: int, number: int, *, suspects: Sequence[int] = ()) -> None:
        title = self.TITLES[action].format(number=number)
        super().__init__(title=title, custom_id=form_id(f"confidant:case:{action}-form:{guild_id}:{number}"))
        self.action, self.guild_id, self.number = action, guild_id, number
        self.fields: dict[str, discord.ui.Item] = {}
        prefix = f"confidant:case:{action}-"
        if action == "ask":
            self._add("text", _text(prefix + "text", strings.CASE_ASK_LABEL, max_length=RELAY_MAX_LENGTH))
        elif action == "note":
            self._add("text", _text(prefix + "text", strings.CASE_NOTE_LABEL))
        elif action == "dismiss":
            self._add("outcome", _text(prefix + "outcome", strings.CASE_DISMISS_REASON))
            self._add("note", _text(prefix + "note", strings.CASE_DISMISS_NOTE, required=False))
        elif action == "resolve":
            options = [
                discord.SelectOption(
                    label=strings.CASE_ACTION_NAMES[a.value], value=a.value, default=a is BreachAction.NONE
                )
                for a in BreachAction
            ]
            chosen: discord.ui.Select = discord.ui.Select(custom_id=prefix + "action", options=options)
            self._add("action", chosen, strings.CASE_RESOLVE_ACTION)
            defaults = [discord.SelectDefaultValue(id=u, type=discord.SelectDefaultValueType.user) for u in suspects]
            member: discord.ui.UserSelect = discord.ui.UserSelect(
                custom_id=prefix + "member", required=False, min_values=0, max_values=1, default_values=defaults[:1]
            )
            self._add("member", member, strings.CASE_RESOLVE_MEMBER)
            self._add("outcome", _text(prefix + "outcome", strings.CASE_RESOLVE_OUTCOME))
            self._add("note", _text(prefix + "note", strings.CASE_RESOLVE_NOTE, required=False))
            self._add("support", discord.ui.Checkbox(custom_id=prefix + "support"), strings.CASE_RESOLVE_SUPPORT)
        else:
            raise ValueError(f"no form for {action!r}")

    def _add(self, name: str, item: discord.ui.Item, label: str | None = None) -> None:
        self.fields[name] = item
        if label is None and isinstance(item, discord.ui.TextInput):
            self.add_item(item)
        else:
            self.add_item(discord.ui.Label(text=label or "", component=item))

    def values(self) -> dict[str, object]:
        """The submitted values by field name: text, a chosen option, users, or a checkbox."""
        out: dict[str, object] = {}
        for name, item in self.fields.items():
            if isinstance(item, discord.ui.TextInput):
                out[name] = item.value
            elif isinstance(item, discord.ui.UserSelect):
                out[name] = [user.id for user in item.values]
            elif isinstance(item, discord.ui.Select):
                out[name] = item.values[0] if item.values else None
            elif isinstance(item, discord.ui.Checkbox):
                out[name] = bool(item.value)
        return out

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Hand the form to the cases cog, which checks the moderator's permissions again."""
        await _cases(interaction).submit_form(interaction, self.action, self.guild_id, self.number, self.values())


class ReplyModal(GuardedModal):
    """The reporter's answer to the moderators' question."""

    def __init__(self, guild_id: int, number: int) -> None:
        title = strings.CASE_REPLY_TITLE.format(number=number)
        super().__init__(title=title, custom_id=form_id(f"confidant:case-reply-form:{guild_id}:{number}"))
        self.guild_id, self.number = guild_id, number
        self.text = _text("confidant:case-reply:text", strings.CASE_REPLY_LABEL, max_length=RELAY_MAX_LENGTH)
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Pass the answer to the moderators."""
        await _cases(interaction).submit_reply(interaction, self.guild_id, self.number, self.text.value)
