"""Building blocks shared by the cogs' buttons, selects and views."""

from __future__ import annotations

import secrets

import discord


class GuardedItem:
    """Mixin for `DynamicItem`s: an error in `run` reaches the error-handling cog instead of only discord.py's log.

    Subclasses implement `run(interaction)`; list this mixin before `discord.ui.DynamicItem` in the bases.
    """

    async def callback(self, interaction: discord.Interaction) -> None:
        """Run the item's action, handing any failure to the `interaction_error` listeners."""
        try:
            await self.run(interaction)
        except Exception as error:  # noqa: BLE001 - top-level handler: every failure is reported with an error id
            interaction.client.dispatch("interaction_error", interaction, error)

    async def run(self, interaction: discord.Interaction) -> None:
        """Do what the item is for."""
        raise NotImplementedError


def form_id(prefix: str) -> str:
    """A custom id for a form (modal), unique to this opening of it.

    discord.py keeps open forms by custom id alone, so two people with the same form open at once under one fixed
    id would see the first submission close the other's form, and the second go nowhere.
    """
    return f"{prefix}:{secrets.token_hex(6)}"[:100]


class GuardedModal(discord.ui.Modal):
    """A modal whose failures reach the error-handling cog, like `GuardedItem`."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:
        """Hand the failure to the `interaction_error` listeners."""
        interaction.client.dispatch("interaction_error", interaction, error)
