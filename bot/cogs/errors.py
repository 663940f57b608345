"""The one place where failures of commands, buttons and modals are answered and logged.

Priority, first match wins:
1. errors a local handler already dealt with (they carry `handled = True`) are ignored;
2. the member may not do this here (a check failed): say so plainly, log nothing alarming;
3. a cooldown: say when to try again;
4. anything else is our bug: apologise with a short error id and log the traceback under that id.
Logs name the command, the member's id and the guild's id — never what anyone wrote.
"""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot

log = logging.getLogger(__name__)


def new_error_id() -> str:
    """A short id that a member can read out to a moderator and an operator can grep for."""
    return secrets.token_hex(4)


class ErrorHandler(commands.Cog):
    """Answers every failed interaction and logs it with an error id."""

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot
        self._previous_tree_handler = bot.tree.on_error

    async def cog_load(self) -> None:
        """Route app-command errors here."""
        self.bot.tree.on_error = self.on_app_command_error

    async def cog_unload(self) -> None:
        """Give app-command errors back to the tree's previous handler."""
        self.bot.tree.on_error = self._previous_tree_handler

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Handle an error raised by a slash or context-menu command or its checks."""
        await self.handle(interaction, error)

    @commands.Cog.listener()
    async def on_interaction_error(self, interaction: discord.Interaction, error: Exception) -> None:
        """Handle an error raised by a button, select or modal (dispatched by `bot.ui`)."""
        await self.handle(interaction, error)

    async def handle(self, interaction: discord.Interaction, error: Exception) -> None:
        """Answer the member and log, following the priority list in the module docstring."""
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        if getattr(error, "handled", False):
            return
        if isinstance(error, app_commands.NoPrivateMessage):
            await self._reply(interaction, strings.ERROR_GUILD_ONLY)
        elif isinstance(error, app_commands.CommandOnCooldown):
            await self._reply(interaction, strings.ERROR_COOLDOWN.format(seconds=error.retry_after))
        elif isinstance(error, app_commands.CheckFailure):
            await self._reply(interaction, strings.ERROR_NOT_ALLOWED)
        else:
            error_id = new_error_id()
            log.error(
                "Interaction failed [error id %s]: %s by user %s in guild %s",
                error_id,
                _describe(interaction),
                interaction.user.id,
                interaction.guild_id,
                exc_info=error,
            )
            await self._reply(interaction, strings.ERROR_APOLOGY.format(error_id=error_id))

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:
            # The interaction may have expired (3 s to answer, 15 min for follow-ups); the log keeps the record.
            log.warning("Could not tell user %s about a failed interaction: %s", interaction.user.id, exc.status)


def _describe(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return f"command /{interaction.command.qualified_name}"
    custom_id = (interaction.data or {}).get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction type {interaction.type.name}"


async def setup(bot: ConfidantBot) -> None:
    """Load the error handler."""
    await bot.add_cog(ErrorHandler(bot))
