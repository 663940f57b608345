"""`/protect`: in DMs, a member registers words that would identify them (real name, employer, town, other handles).

Only the digest `ProtectedTerms.digest` computes under the process-wide salt is stored, never the text; the text is
in memory for the length of one form submission and is never logged. Protected terms are global: a message by
anyone else that contains one is flagged in every guild the bot serves (see `bot.policies` and the flagging cog).
"""

from __future__ import annotations

import logging
from typing import Protocol

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.ui import GuardedModal, form_id
from models.terms import MAX_PROTECTED_TERMS
from rules.detection.findings import Label
from rules.detection.policy import MAX_TERM_WORDS, term_key, too_common_alone

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour.teal()
TERM_MAX_LENGTH = 100
# Fewer letters and digits than this would match too many ordinary messages ("Al", "Jo") and flood the queue.
MIN_TERM_CHARACTERS = 3
# The option's values, and the label each kind is flagged as. "Something else" is flagged as a name: the safest
# reading of an unnamed identifying detail, and moderators never see the term anyway.
KIND_LABELS = {
    "name": Label.PERSON,
    "org": Label.ORG,
    "town": Label.LOCATION,
    "handle": Label.HANDLE,
    "other": Label.PERSON,
}
KIND_CHOICES = [app_commands.Choice(name=strings.PROTECT_KIND_CHOICES[value], value=value) for value in KIND_LABELS]


class _ProtectHandler(Protocol):
    async def save(self, interaction: discord.Interaction, kind: str, term: str) -> None: ...


class ProtectModal(GuardedModal):
    """The one field of `/protect add`: the term, exactly as others might write it."""

    def __init__(self, kind: str) -> None:
        title = strings.PROTECT_MODAL_TITLE.format(kind=strings.PROTECT_KIND_CHOICES[kind])
        super().__init__(title=title[:45], custom_id=form_id(f"confidant:protect:add:{kind}"))
        self.kind = kind
        self.term: discord.ui.TextInput = discord.ui.TextInput(
            label=strings.PROTECT_MODAL_LABEL,
            placeholder=strings.PROTECT_MODAL_PLACEHOLDER,
            max_length=TERM_MAX_LENGTH,
            custom_id="confidant:protect:term",
        )
        self.add_item(self.term)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        """Hash and store the term."""
        cog: _ProtectHandler | None = interaction.client.get_cog("Protect")  # type: ignore[attr-defined]
        if cog is None:
            raise RuntimeError("the protect cog is not loaded")
        await cog.save(interaction, self.kind, self.term.value)


def problem_with(term: str) -> str | None:
    """What is wrong with `term` as a protected term, in words for the member; None if it is fine."""
    key = term_key(term)
    if not key:
        return strings.PROTECT_EMPTY
    if len(key.split()) > MAX_TERM_WORDS:
        return strings.PROTECT_TOO_MANY_WORDS.format(limit=MAX_TERM_WORDS)
    if sum(char.isalnum() for char in key) < MIN_TERM_CHARACTERS:
        return strings.PROTECT_TOO_SHORT.format(minimum=MIN_TERM_CHARACTERS)
    if too_common_alone(term):
        return strings.PROTECT_TOO_COMMON
    return None


class ProtectCog(commands.Cog, name="Protect"):
    """Members' protected terms: add, list and remove, by DM only."""

    protect = app_commands.Group(
        name="protect",
        description=strings.CMD_PROTECT,
        allowed_contexts=app_commands.AppCommandContext(guild=False, dm_channel=True, private_channel=False),
    )

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot

    @protect.command(name="add", description=strings.CMD_PROTECT_ADD)
    @app_commands.describe(kind=strings.CMD_PROTECT_ADD_KIND)
    @app_commands.choices(kind=KIND_CHOICES)
    async def add(self, interaction: discord.Interaction, kind: app_commands.Choice[str]) -> None:
        """Open the form for the term itself (a form, so the term never shows in the command line)."""
        await interaction.response.send_modal(ProtectModal(kind.value))

    async def save(self, interaction: discord.Interaction, kind: str, term: str) -> None:
        """Store the digest of the member's term (never the term) and explain what now happens."""
        problem = problem_with(term)
        if problem is not None:
            await interaction.response.send_message(problem, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        label = KIND_LABELS[kind]
        digest = (await self.bot.policies.protected()).digest(term)
        try:
            saved = await self.bot.store.add_protected_term(interaction.user.id, digest, label.value)
        except ValueError:  # the member's limit (the only refusal left once the term itself was checked)
            await interaction.edit_original_response(content=strings.PROTECT_LIMIT.format(limit=MAX_PROTECTED_TERMS))
            return
        if saved is None:
            await interaction.edit_original_response(content=strings.PROTECT_DUPLICATE)
            return
        self.bot.policies.invalidate()
        log.info("User %s protected a term (#%d, %s)", interaction.user.id, saved.id, label.value)
        reply = strings.PROTECT_ADDED.format(
            term=discord.utils.escape_markdown(term.strip()), kind=strings.PROTECT_KIND_CHOICES[kind], id=saved.id
        )
        await interaction.edit_original_response(content=reply)

    @protect.command(name="list", description=strings.CMD_PROTECT_LIST)
    async def list_(self, interaction: discord.Interaction) -> None:
        """Show the member their protected terms: kind, when, and the number to remove each by."""
        terms = await self.bot.store.protected_terms(interaction.user.id)
        if not terms:
            await interaction.response.send_message(strings.PROTECT_LIST_EMPTY, ephemeral=True)
            return
        lines = [
            strings.PROTECT_LIST_LINE.format(
                id=term.id,
                kind=strings.PROTECT_LABEL_NAMES.get(term.label, term.label),
                added=discord.utils.format_dt(term.created_at, "D"),
            )
            for term in terms
        ]
        embed = discord.Embed(title=strings.PROTECT_LIST_TITLE, description="\n".join(lines), colour=EMBED_COLOUR)
        embed.set_footer(text=strings.PROTECT_LIST_FOOTER)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @protect.command(name="remove", description=strings.CMD_PROTECT_REMOVE)
    @app_commands.rename(number="id")
    @app_commands.describe(number=strings.CMD_PROTECT_REMOVE_ID)
    async def remove(self, interaction: discord.Interaction, number: app_commands.Range[int, 1]) -> None:
        """Remove one of the member's own terms; another member's number is answered like a missing one."""
        if not await self.bot.store.remove_protected_term(interaction.user.id, number):
            await interaction.response.send_message(strings.PROTECT_NOT_YOURS.format(id=number), ephemeral=True)
            return
        self.bot.policies.invalidate()
        log.info("User %s removed protected term #%d", interaction.user.id, number)
        await interaction.response.send_message(strings.PROTECT_REMOVED.format(id=number), ephemeral=True)


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(ProtectCog(bot))
