"""The member side of breach reports: the DM menu, the group and case pickers, and the report form.

The menu buttons and the pickers are `DynamicItem`s whose custom ids carry everything they need, so they keep working
after a restart. The report form is a modal with selects inside labels (category, whether to share one's name)
and two text fields; it carries the right-clicked message's snapshot, taken when the command ran.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from bot import strings
from bot.ui import GuardedItem, GuardedModal
from models.records import Case, Evidence, ReportCategory

__all__ = [
    "DETAILS_MAX_LENGTH",
    "LINKS_MAX",
    "MENU_ACTIONS",
    "MenuButton",
    "PickGroup",
    "ReplyPick",
    "ReportDraft",
    "ReportModal",
    "draft_from",
    "TryAgain",
    "group_picker",
    "menu_view",
    "reply_picker",
]

DETAILS_MAX_LENGTH = 1500  # the report's text, shown to moderators in an embed (limit 4096)
LINKS_MAX = 5  # message links a report may carry
LINKS_FIELD_MAX_LENGTH = 1000  # room for five long links with separators
MENU_ACTIONS: dict[str, str] = {
    "report": strings.DM_MENU_REPORT,
    "ask": strings.DM_MENU_ASK,
    "data": strings.DM_MENU_DATA,
    "protect": strings.DM_MENU_PROTECT,
}
PICK_ACTIONS = ("report", "ask")
FORM_TIMEOUT = 6 * 3600.0  # seconds a right-clicked message's snapshot waits in memory for its form
CATEGORY_ID = "confidant:report:category"
DETAILS_ID = "confidant:report:details"
LINKS_ID = "confidant:report:links"
SHARE_ID = "confidant:report:share"


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """What a member put in the report form (kept only in memory until it is committed)."""

    guild_id: int
    category: ReportCategory
    details: str
    links: str
    share_name: bool
    target: Evidence | None = None  # the right-clicked message, snapshotted when the command ran
    target_ids: tuple[int, int] | None = None  # its (channel, message) ids, to snapshot again after a restart


class _ReportHandler(Protocol):
    """What the menu, pickers and form need from the reports cog."""

    async def menu(self, interaction: discord.Interaction, action: str) -> None: ...

    async def picked_group(self, interaction: discord.Interaction, action: str, guild_id: int) -> None: ...

    async def submit_report(self, interaction: discord.Interaction, draft: ReportDraft) -> None: ...

    async def reopen_report(self, interaction: discord.Interaction, draft: ReportDraft) -> None: ...

    async def relay_chosen(self, interaction: discord.Interaction, message_id: int, case_id: int) -> None: ...


def _reports(interaction: discord.Interaction) -> _ReportHandler:
    cog = interaction.client.get_cog("Reports")  # type: ignore[attr-defined] - a ConfidantBot is a commands.Bot
    if cog is None:
        raise RuntimeError("the reports cog is not loaded")
    return cog


class MenuButton(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=rf"confidant:menu:(?P<action>{'|'.join(MENU_ACTIONS)})",
):
    """One choice of the DM menu."""

    def __init__(self, action: str) -> None:
        style = discord.ButtonStyle.danger if action == "report" else discord.ButtonStyle.secondary
        button = discord.ui.Button(label=MENU_ACTIONS[action], style=style, custom_id=f"confidant:menu:{action}")
        super().__init__(button)
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> MenuButton:
        """Rebuild the button from its custom id."""
        return cls(match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        """Hand the choice to the reports cog."""
        await _reports(interaction).menu(interaction, self.action)


def menu_view() -> discord.ui.View:
    """The DM menu's buttons."""
    view = discord.ui.View(timeout=None)
    for action in MENU_ACTIONS:
        view.add_item(MenuButton(action))
    return view


class PickGroup(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=rf"confidant:pick:(?P<action>{'|'.join(PICK_ACTIONS)})",
):
    """Which group a report or question is for, when the member shares several with the bot."""

    def __init__(self, action: str, guilds: list[discord.Guild] | None = None) -> None:
        options = [discord.SelectOption(label=g.name[:100], value=str(g.id)) for g in (guilds or [])[:25]]
        select: discord.ui.Select = discord.ui.Select(
            custom_id=f"confidant:pick:{action}",
            placeholder=strings.PICK_GROUP_PLACEHOLDER,
            options=options or [discord.SelectOption(label="-", value="0")],
        )
        super().__init__(select)
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str]
    ) -> PickGroup:
        """Rebuild the select from its custom id (the chosen value arrives with the interaction)."""
        return cls(match["action"])

    async def run(self, interaction: discord.Interaction) -> None:
        """Go on with the chosen group."""
        values = self.item.values
        if not values or not values[0].isdigit():
            return
        await _reports(interaction).picked_group(interaction, self.action, int(values[0]))


def group_picker(action: str, guilds: list[discord.Guild]) -> discord.ui.View:
    """A select of the member's groups."""
    view = discord.ui.View(timeout=None)
    view.add_item(PickGroup(action, guilds))
    return view


class ReplyPick(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"confidant:replyto:(?P<message_id>\d+)",
):
    """Which awaiting case a DM answers; the DM's id is in the custom id, so its text is never kept elsewhere."""

    def __init__(self, message_id: int, options: list[discord.SelectOption] | None = None) -> None:
        select: discord.ui.Select = discord.ui.Select(
            custom_id=f"confidant:replyto:{message_id}",
            placeholder=strings.REPLY_WHICH_PLACEHOLDER,
            options=options or [discord.SelectOption(label="-", value="0")],
        )
        super().__init__(select)
        self.message_id = message_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str]
    ) -> ReplyPick:
        """Rebuild the select from its custom id."""
        return cls(int(match["message_id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Relay the DM to the chosen case."""
        values = self.item.values
        if not values or not values[0].isdigit():
            return
        await _reports(interaction).relay_chosen(interaction, self.message_id, int(values[0]))


def reply_picker(message_id: int, cases: list[Case], guild_names: dict[int, str]) -> discord.ui.View:
    """A select of the cases waiting for the member's answer."""
    options = [
        discord.SelectOption(
            label=strings.REPLY_CASE_OPTION.format(number=c.number, guild=guild_names.get(c.guild_id, "?"))[:100],
            value=str(c.id),
        )
        for c in cases[:25]
    ]
    view = discord.ui.View(timeout=None)
    view.add_item(ReplyPick(message_id, options))
    return view


REPORT_FORM = re.compile(
    r"confidant:report:(?P<guild_id>\d+):(?P<channel_id>\d+):(?P<message_id>\d+):(?P<nonce>[0-9a-f]+)"
)


class ReportModal(GuardedModal):
    """The report form: category, what happened, message links, and whether moderators may see the name.

    The reports cog reads every submission of this form from its interaction listener (`draft_from`), not from this
    object, so a form opened before a restart still arrives. The custom id carries the group, the right-clicked
    message's ids (0 when none) and a fresh nonce: discord.py keys open modals by custom id alone.
    """

    def __init__(
        self,
        guild_id: int,
        nonce: str,
        *,
        target_ids: tuple[int, int] | None = None,
        draft: ReportDraft | None = None,
    ) -> None:
        channel_id, message_id = target_ids or (0, 0)
        custom_id = f"confidant:report:{guild_id}:{channel_id}:{message_id}:{nonce}"
        super().__init__(title=strings.REPORT_MODAL_TITLE, custom_id=custom_id, timeout=FORM_TIMEOUT)
        chosen = None if draft is None else draft.category
        category: discord.ui.Select = discord.ui.Select(
            custom_id=CATEGORY_ID,
            placeholder=strings.REPORT_CATEGORY_PLACEHOLDER,
            options=[
                discord.SelectOption(label=label, value=value, default=chosen is not None and value == chosen.value)
                for value, label in strings.REPORT_CATEGORIES.items()
            ],
            required=True,
        )
        details = "" if draft is None or len(draft.details) > DETAILS_MAX_LENGTH else draft.details
        text: discord.ui.TextInput = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            custom_id=DETAILS_ID,
            placeholder=strings.REPORT_DETAILS_PLACEHOLDER,
            max_length=DETAILS_MAX_LENGTH,
            default=details or None,
            required=True,
        )
        links = "" if draft is None or len(draft.links) > LINKS_FIELD_MAX_LENGTH else draft.links
        links_input: discord.ui.TextInput = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            custom_id=LINKS_ID,
            placeholder=strings.REPORT_LINKS_PLACEHOLDER,
            max_length=LINKS_FIELD_MAX_LENGTH,
            default=links or None,
            required=False,
        )
        shared = draft is not None and draft.share_name
        share: discord.ui.Select = discord.ui.Select(
            custom_id=SHARE_ID,
            options=[
                discord.SelectOption(label=strings.REPORT_SHARE_NO, value="anonymous", default=not shared),
                discord.SelectOption(label=strings.REPORT_SHARE_YES, value="named", default=shared),
            ],
            required=True,
        )
        self.add_item(discord.ui.Label(text=strings.REPORT_CATEGORY_LABEL, component=category))
        self.add_item(discord.ui.Label(text=strings.REPORT_DETAILS_LABEL, component=text))
        self.add_item(discord.ui.Label(text=strings.REPORT_LINKS_LABEL.format(limit=LINKS_MAX), component=links_input))
        self.add_item(
            discord.ui.Label(
                text=strings.REPORT_SHARE_LABEL, description=strings.REPORT_SHARE_DESCRIPTION, component=share
            )
        )

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Nothing here: the reports cog's interaction listener takes every submission (see the class docstring)."""


def _submitted_values(components: list[dict[str, Any]]) -> dict[str, Any]:
    """Each field of a modal submission by custom id: its value (text inputs) or values (selects)."""
    found: dict[str, Any] = {}
    for component in components:
        inner = component.get("component")
        children = [inner] if isinstance(inner, dict) else list(component.get("components") or [])
        for child in children:
            custom_id = child.get("custom_id")
            if custom_id is not None:
                found[custom_id] = child.get("values", child.get("value"))
    return found


def draft_from(data: dict[str, Any]) -> tuple[ReportDraft, str] | None:
    """The report in a submission of the report form, and the form's nonce; None if it is not that form."""
    match = REPORT_FORM.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        return None
    values = _submitted_values(list(data.get("components") or []))
    picked = values.get(CATEGORY_ID) or [ReportCategory.OTHER.value]
    try:
        category = ReportCategory(picked[0])
    except ValueError:
        category = ReportCategory.OTHER
    channel_id, message_id = int(match["channel_id"]), int(match["message_id"])
    draft = ReportDraft(
        guild_id=int(match["guild_id"]),
        category=category,
        details=str(values.get(DETAILS_ID) or ""),
        links=str(values.get(LINKS_ID) or ""),
        share_name=values.get(SHARE_ID) == ["named"],
        target_ids=(channel_id, message_id) if message_id else None,
    )
    return draft, match["nonce"]


class TryAgain(discord.ui.View):
    """**Open the form again**, prefilled with what the member wrote (in memory, for a while)."""

    def __init__(self, draft: ReportDraft, user_id: int) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.draft, self.user_id = draft, user_id

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Only the member who wrote the report may reopen it."""
        return interaction.user.id == self.user_id

    @discord.ui.button(label=strings.REPORT_TRY_AGAIN, style=discord.ButtonStyle.primary)
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        """Reopen the form with the member's own words."""
        await _reports(interaction).reopen_report(interaction, self.draft)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item, /) -> None:
        """Hand the failure to the error-handling cog."""
        interaction.client.dispatch("interaction_error", interaction, error)
