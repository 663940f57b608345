"""The `/setup start` menu: one ephemeral message in three steps, with role and channel selects and four buttons.

The view is not persistent: it lives for `MENU_SECONDS` (an ephemeral message can only be edited through its
interaction, whose token lasts 15 minutes). Picks are kept in a `SetupDraft` until Save stores them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot import strings

if TYPE_CHECKING:
    from bot.cogs.setup import SetupCog

log = logging.getLogger(__name__)

MENU_SECONDS = 14 * 60  # just under the 15 minutes an interaction token lasts, so the expiry notice can be shown
PAGES = {1: ("member_role", "moderator_role", "lead_role"), 2: ("gate_channel", "mod_queue_channel",
         "cases_channel", "log_channel"), 3: ("monitored_channels",)}  # fmt: skip
ROLE_PICKS = ("member_role", "moderator_role", "lead_role")
MONITORED_MAX = 25  # Discord's limit for a select's values


@dataclass(slots=True)
class SetupDraft:
    """What an admin picked in one menu and has not saved yet: slot → id, None (cleared), or ids (monitored)."""

    guild_id: int
    owner_id: int
    picked: dict[str, int | None | tuple[int, ...]] = field(default_factory=dict)


class SetupView(discord.ui.View):
    """One step of the menu; every pick re-renders the message with a fresh view."""

    def __init__(
        self, cog: SetupCog, draft: SetupDraft, page: int, origin: discord.Interaction, defaults: dict[str, object]
    ) -> None:
        super().__init__(timeout=MENU_SECONDS)
        self.cog, self.draft, self.page, self.origin = cog, draft, page, origin
        for row, slot in enumerate(PAGES[page]):
            self.add_item(_select(slot, row, defaults.get(slot)))
        buttons: list[tuple[str, str, discord.ButtonStyle]] = []
        if page > 1:
            buttons.append((f"page:{page - 1}", strings.SETUP_BUTTON_PREVIOUS, discord.ButtonStyle.secondary))
        if page < len(PAGES):
            buttons.append((f"page:{page + 1}", strings.SETUP_BUTTON_NEXT, discord.ButtonStyle.primary))
        buttons += [
            ("create", strings.SETUP_BUTTON_CREATE, discord.ButtonStyle.secondary),
            ("check", strings.SETUP_BUTTON_CHECK, discord.ButtonStyle.secondary),
            ("save", strings.SETUP_BUTTON_SAVE, discord.ButtonStyle.success),
        ]
        for action, label, style in buttons:
            button: discord.ui.Button[SetupView] = discord.ui.Button(
                label=label, style=style, custom_id=f"confidant:setup:{action}", row=4
            )
            button.callback = self._button_callback(action)
            self.add_item(button)

    def _button_callback(self, action: str):  # noqa: ANN202 - discord.py's ItemCallbackType is private
        async def pressed(interaction: discord.Interaction) -> None:
            await self.cog.on_setup_button(interaction, self, action)

        return pressed

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Only the admin who opened the menu, and only while they still have Manage Server."""
        user = interaction.user
        if (
            user.id != self.draft.owner_id
            or not isinstance(user, discord.Member)
            or not user.guild_permissions.manage_guild
        ):
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item, /) -> None:
        """Hand failures to the error-handling cog."""
        interaction.client.dispatch("interaction_error", interaction, error)

    async def on_timeout(self) -> None:
        """Say the menu has expired (the ephemeral message can only be edited through the opening interaction)."""
        try:
            await self.origin.edit_original_response(content=strings.SETUP_EXPIRED, view=None)
        except discord.HTTPException as error:
            log.info("Could not mark an expired setup menu in guild %s: HTTP %s", self.draft.guild_id, error.status)

    async def picked(self, interaction: discord.Interaction, slot: str, values: list) -> None:
        """A select changed: remember it in the draft and re-render."""
        ids = tuple(value.id for value in values)
        if slot == "monitored_channels":
            self.draft.picked[slot] = ids
        else:
            self.draft.picked[slot] = ids[0] if ids else None
        await self.cog.render(interaction, self.draft, self.page, old=self)


def _select(slot: str, row: int, default: object) -> discord.ui.Item:
    placeholder = strings.SETUP_PLACEHOLDERS[slot]
    custom_id = f"confidant:setup:{slot}"
    item: discord.ui.RoleSelect | discord.ui.ChannelSelect
    if slot in ROLE_PICKS:
        defaults = [default] if isinstance(default, discord.Role) else []
        item = discord.ui.RoleSelect(
            custom_id=custom_id, placeholder=placeholder, min_values=0, max_values=1, row=row, default_values=defaults
        )
    elif slot == "monitored_channels":
        chosen = list(default) if isinstance(default, tuple) else []
        item = discord.ui.ChannelSelect(
            custom_id=custom_id, placeholder=placeholder, min_values=0, max_values=MONITORED_MAX, row=row,
            channel_types=[discord.ChannelType.text, discord.ChannelType.category],
            default_values=chosen[:MONITORED_MAX],
        )  # fmt: skip
    else:
        defaults = [default] if isinstance(default, discord.abc.GuildChannel) else []
        item = discord.ui.ChannelSelect(
            custom_id=custom_id, placeholder=placeholder, min_values=0, max_values=1, row=row,
            channel_types=[discord.ChannelType.text], default_values=defaults,
        )  # fmt: skip

    async def chosen(interaction: discord.Interaction) -> None:
        view = item.view
        assert isinstance(view, SetupView)  # noqa: S101 - the item is only ever added to a SetupView
        await view.picked(interaction, slot, list(item.values))

    item.callback = chosen  # type: ignore[method-assign]
    return item
