"""`/mydata`: a member exports or deletes their own data, privately, in a direct message with the bot.

What an export holds, and what it never holds (reports about them, other people's words), is decided in
`models.export`; what a deletion erases and keeps is `Store.delete_user_data`'s and the guilds' `keep_consents`.
"""

from __future__ import annotations

import io
import json
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from models.export import member_export

log = logging.getLogger(__name__)

CONFIRM_SECONDS = 300


class ConfirmDeletion(discord.ui.View):
    """The one button that deletes a member's data, for that member, for a few minutes."""

    def __init__(self, cog: MyDataCog, user_id: int) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.cog, self.user_id = cog, user_id

    @discord.ui.button(label=strings.MYDATA_DELETE_BUTTON, style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        """Delete, if it is the member who asked."""
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(strings.ERROR_NOT_ALLOWED, ephemeral=True)
            return
        self.stop()
        await self.cog.delete(interaction)


class MyDataCog(commands.Cog, name="MyData"):
    """A member's own data: export and deletion."""

    mydata = app_commands.Group(
        name="mydata",
        description=strings.CMD_MYDATA,
        allowed_contexts=app_commands.AppCommandContext(guild=False, dm_channel=True, private_channel=False),
    )

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot

    @mydata.command(name="export", description=strings.CMD_MYDATA_EXPORT)
    async def export(self, interaction: discord.Interaction) -> None:
        """Send the member a JSON file with their own data."""
        user_id = interaction.user.id
        store = self.bot.store
        await interaction.response.defer(ephemeral=True, thinking=True)
        document = member_export(
            user_id,
            now=discord.utils.utcnow(),
            consents=await store.consents_of_user(user_id),
            cases=await store.cases_by_member(user_id),
            flags=await store.flags_by_author(user_id),
            breaches=await store.breaches_of_member(user_id),
            protected=await store.protected_terms(user_id),
        )
        data = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
        file = discord.File(io.BytesIO(data), filename=f"confidant-my-data-{user_id}.json")
        await interaction.followup.send(strings.MYDATA_EXPORTED, file=file, ephemeral=True)
        log.info("User %s exported their data (%d bytes)", user_id, len(data))

    @mydata.command(name="delete", description=strings.CMD_MYDATA_DELETE)
    async def delete_request(self, interaction: discord.Interaction) -> None:
        """Explain what deletion does and ask for confirmation."""
        await interaction.response.send_message(
            strings.MYDATA_DELETE_CONFIRM, view=ConfirmDeletion(self, interaction.user.id), ephemeral=True
        )

    async def delete(self, interaction: discord.Interaction) -> None:
        """Delete the member's data; consents stay on record in guilds whose setting keeps them."""
        user_id = interaction.user.id
        store = self.bot.store
        guild_ids = {consent.guild_id for consent in await store.consents_of_user(user_id)}
        erase_in = [g for g in guild_ids if not (await store.get_guild_settings(g)).keep_consents]
        kept_in = sorted(guild_ids - set(erase_in))
        changed = await store.delete_user_data(user_id, erase_consents_in=erase_in)
        self.bot.policies.invalidate()  # their protected terms are gone
        log.info("User %s deleted their data (%d rows changed)", user_id, changed)
        names = [g.name for g in (self.bot.get_guild(i) for i in kept_in) if g is not None]
        kept = strings.MYDATA_CONSENTS_KEPT.format(groups=", ".join(names)) if names else ""
        await interaction.response.edit_message(content=strings.MYDATA_DELETED + kept, view=None)


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(MyDataCog(bot))
