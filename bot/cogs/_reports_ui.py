"""The member side of breach reports: the DM menu, the group and case pickers, and the report form.

The menu buttons and the pickers are `DynamicItem`s whose custom ids carry everything they need, so they keep working
after a restart. The report form is a modal with selects inside labels (category, whether to share one's name)
and two text fields; it carries the right-clicked message's snapshot, taken when the command ran.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Protocol

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
FORM_TIMEOUT = 6 * 3600.0  # seconds an open report form is kept in memory (people may take their time)


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """What a member put in the report form (kept only in memory until it is committed)."""

    guild_id: int
    category: ReportCategory
    details: str
    links: str
    share_name: bool
    target: Evidence | None = None  # the right-clicked message, snapshotted when the command ran


class _ReportHandler(Protocol):
    """What the menu, pickers and form need from the reports cog."""

    async def menu(self, interaction: discord.Interaction, action: str) -> None: ...

    async def picked_group(self, interaction: discord.Interaction, action: str, guild_id: int) -> None: ...

    async def submit_report(self, interaction: discord.Interaction, draft: ReportDraft) -> None: ...

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


class ReportModal(GuardedModal):
    """The report form: category, what happened, message links, and whether moderators may see the name."""

    def __init__(self, guild_id: int, *, target: Evidence | None = None, draft: ReportDraft | None = None) -> None:
        # A fresh custom id per form: discord.py keys open modals by custom id alone, so two members (or two tabs)
        # filling in a form at once must not share one.
        custom_id = f"confidant:report:{guild_id}:{secrets.token_hex(6)}"
        super().__init__(title=strings.REPORT_MODAL_TITLE, custom_id=custom_id, timeout=FORM_TIMEOUT)
        self.guild_id = guild_id
        self.target = target if draft is None else draft.target
        chosen = None if draft is None else draft.category
        self.category: discord.ui.Select = discord.ui.Select(
            custom_id="confidant:report:category",
            placeholder=strings.REPORT_CATEGORY_PLACEHOLDER,
            options=[
                discord.SelectOption(label=label, value=value, default=chosen is not None and value == chosen.value)
                for value, label in strings.REPORT_CATEGORIES.items()
            ],
            required=True,
        )
        details = "" if draft is None or len(draft.details) > DETAILS_MAX_LENGTH else draft.details
        self.details: discord.ui.TextInput = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            custom_id="confidant:report:details",
            placeholder=strings.REPORT_DETAILS_PLACEHOLDER,
            max_length=DETAILS_MAX_LENGTH,
            default=details or None,
            required=True,
        )
        links = "" if draft is None or len(draft.links) > LINKS_FIELD_MAX_LENGTH else draft.links
        self.links: discord.ui.TextInput = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            custom_id="confidant:report:links",
            placeholder=strings.REPORT_LINKS_PLACEHOLDER,
            max_length=LINKS_FIELD_MAX_LENGTH,
            default=links or None,
            required=False,
        )
        shared = draft is not None and draft.share_name
        self.share: discord.ui.Select = discord.ui.Select(
            custom_id="confidant:report:share",
            options=[
                discord.SelectOption(label=strings.REPORT_SHARE_NO, value="anonymous", default=not shared),
                discord.SelectOption(label=strings.REPORT_SHARE_YES, value="named", default=shared),
            ],
            required=True,
        )
        self.add_item(discord.ui.Label(text=strings.REPORT_CATEGORY_LABEL, component=self.category))
        self.add_item(discord.ui.Label(text=strings.REPORT_DETAILS_LABEL, component=self.details))
        self.add_item(discord.ui.Label(text=strings.REPORT_LINKS_LABEL.format(limit=LINKS_MAX), component=self.links))
        self.add_item(
            discord.ui.Label(
                text=strings.REPORT_SHARE_LABEL, description=strings.REPORT_SHARE_DESCRIPTION, component=self.share
            )
        )

    def draft(self) -> ReportDraft:
        """What the member submitted; anonymous and 'other' unless they chose otherwise."""
        picked = self.category.values[0] if self.category.values else ReportCategory.OTHER.value
        try:
            category = ReportCategory(picked)
        except ValueError:
            category = ReportCategory.OTHER
        return ReportDraft(
            guild_id=self.guild_id,
            category=category,
            details=self.details.value or "",
            links=self.links.value or "",
            share_name=self.share.values == ["named"],
            target=self.target,
        )

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Hand the report to the reports cog, which checks it, commits it and only then says it was received."""
        await _reports(interaction).submit_report(interaction, self.draft())


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
        await interaction.response.send_modal(ReportModal(self.draft.guild_id, draft=self.draft))

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item, /) -> None:
        """Hand the failure to the error-handling cog."""
        interaction.client.dispatch("interaction_error", interaction, error)
