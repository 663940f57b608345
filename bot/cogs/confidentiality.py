"""`/confidentiality`: anyone can read the group's key rules, privately, at any time."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.formatting import text_embeds
from bot.ui import GuardedItem
from rules.agreement import Agreement, default_agreement

EMBED_COLOUR = discord.Colour.teal()


async def agreement_for(bot: ConfidantBot, guild_id: int | None) -> Agreement:
    """The agreement in force in `guild_id` (its newest published version), or the default outside a guild."""
    default = default_agreement()
    if not guild_id:
        return default
    current = await bot.store.current_agreement(guild_id, default.text)
    # A guild's own text has no summary of its own yet; the default summary states the same core rules.
    return Agreement(text=current.text, summary=default.summary)


class ReadAgreement(
    GuardedItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"confidant:agreement:read:(?P<guild_id>\d+)",
):
    """A button that shows the whole agreement of a guild to whoever presses it, privately."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=strings.READ_AGREEMENT_BUTTON,
                style=discord.ButtonStyle.secondary,
                custom_id=f"confidant:agreement:read:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ReadAgreement:
        """Rebuild the button from its custom id, so it works after a restart."""
        return cls(int(match["guild_id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """Send the whole agreement, split across embeds (and messages) to fit Discord's limits."""
        agreement = await agreement_for(interaction.client, self.guild_id or None)  # type: ignore[arg-type]
        batches = text_embeds(agreement.title, agreement.body, colour=EMBED_COLOUR)
        await interaction.response.send_message(embeds=batches[0], ephemeral=True)
        for batch in batches[1:]:
            await interaction.followup.send(embeds=batch, ephemeral=True)


class Confidentiality(commands.Cog):
    """Reading the rules."""

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the persistent button, so messages sent before a restart keep working."""
        self.bot.add_dynamic_items(ReadAgreement)

    async def cog_unload(self) -> None:
        """Forget the persistent button."""
        self.bot.remove_dynamic_items(ReadAgreement)

    @app_commands.command(name="confidentiality", description=strings.CMD_CONFIDENTIALITY)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def confidentiality(self, interaction: discord.Interaction) -> None:
        """Show the short version of the agreement, only to the member who asked."""
        agreement = await agreement_for(self.bot, interaction.guild_id)
        embed = discord.Embed(title=strings.CONFIDENTIALITY_TITLE, description=agreement.summary, colour=EMBED_COLOUR)
        embed.set_footer(text=strings.CONFIDENTIALITY_FOOTER)
        view = discord.ui.View(timeout=None)
        view.add_item(ReadAgreement(interaction.guild_id or 0))
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(Confidentiality(bot))
