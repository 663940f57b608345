"""Guided setup: `/setup start` walks an admin through roles and channels; `/setup show` prints what is in force.

Picks are stored per guild in `GuildSettings` on Save, and win over config.toml's `[[guild]]` entry (see
`bot.setup.resolve_setup`). Create missing makes the roles and channels that are not picked, only when pressed:
the gate visible to everyone, the moderator channels private to the moderator role and the bot. Check and
`/setup show` list each problem with its fix (`bot.setup_check`). Admins only (Manage Server), checked server-side
on the command and on every press.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot import strings
from bot.app import ConfidantBot
from bot.cogs._setup_ui import SetupDraft, SetupView
from bot.setup import SLOTS, GuildSetup, command_guild, resolve_settings, slot_origin, static_setup
from bot.setup_check import Problem, setup_problems
from models.records import AuditAction, AuditEntry, GuildSettings

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
CACHE_WAIT_SECONDS = 2.0  # how long a created role or channel may take to reach the cache through the gateway
_T = TypeVar("_T")


def format_problems(problems: Iterable[Problem], limit: int = 1800) -> str:
    """The problems, then the optional notes, as bullet lines that fit in `limit` characters."""
    found = list(problems)
    faults = [p for p in found if not p.note]
    notes = [p for p in found if p.note]
    lines = [] if faults else [strings.SETUP_NO_PROBLEMS]
    if faults:
        lines.append(strings.SETUP_PROBLEMS_HEADER.format(count=len(faults)))
        lines += [strings.SETUP_PROBLEM_LINE.format(problem=p) for p in faults]
    if notes:
        lines.append(strings.SETUP_NOTES_HEADER)
        lines += [strings.SETUP_PROBLEM_LINE.format(problem=p) for p in notes]
    text = ""
    for shown, line in enumerate(lines):
        if len(text) + len(line) + 1 > limit:
            return text + strings.SETUP_MORE_PROBLEMS.format(count=len(lines) - shown)
        text += line + "\n"
    return text.rstrip("\n")


class SetupCog(commands.Cog, name="Setup"):
    """`/setup start` and `/setup show`."""

    setup_group = app_commands.Group(
        name="setup",
        description=strings.CMD_SETUP,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
        # Hidden from members in the command picker by default (admins can change that); the server-side check on
        # every use is what decides.
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: ConfidantBot) -> None:
        self.bot = bot

    # -- what is in force, with picks not saved yet ------------------------------------------------------------

    async def _state(self, guild: discord.Guild, picked: dict[str, Any]) -> tuple[GuildSetup, list[str]]:
        """The setup as it would be with `picked` saved, and one line per slot saying what it is and whence."""
        saved = dataclasses.replace(await self.bot.store.get_guild_settings(guild.id), **picked)
        static = static_setup(self.bot.config, guild.id)
        effective = resolve_settings(guild, saved, static)
        lines = []
        for slot in SLOTS:
            value = getattr(effective, slot)
            origin, ref = slot_origin(saved, static, slot)
            if slot == "monitored_channels":
                shown = ", ".join(c.mention for c in value) or strings.SETUP_NONE_PICKED
            else:
                shown = strings.SETUP_NOT_SET if value is None else value.mention
            if origin is not None and not value:
                where = strings.SETUP_SOURCE_NAMES[origin]
                listed = ", ".join(map(str, ref)) if isinstance(ref, tuple) else ref
                source = strings.SETUP_SHOW_UNRESOLVED.format(ref=listed, source=where)
            elif slot in picked and origin == "database":
                source = strings.SETUP_SOURCE_DRAFT
            elif origin == "database":
                source = strings.SETUP_SOURCE_DATABASE
            elif origin == "config":
                source = strings.SETUP_SOURCE_CONFIG
            else:
                source = ""
            name = strings.SETUP_SLOT_NAMES[slot]
            lines.append(strings.SETUP_SLOT_LINE.format(slot=name[:1].upper() + name[1:], value=shown, source=source))
        return effective, lines

    async def render(
        self,
        interaction: discord.Interaction,
        draft: SetupDraft,
        page: int,
        *,
        origin: discord.Interaction | None = None,
        old: SetupView | None = None,
        note: str | None = None,
    ) -> None:
        """Show step `page` of the menu: a new message for the command, else an edit of the menu itself."""
        guild = interaction.guild
        assert guild is not None  # noqa: S101 - the menu only exists in guilds
        effective, lines = await self._state(guild, draft.picked)
        opened_by = origin or (old.origin if old is not None else interaction)
        view = SetupView(self, draft, page, opened_by, {slot: getattr(effective, slot) for slot in SLOTS})
        parts = [
            strings.SETUP_TITLE.format(guild=guild.name, step=page, page=strings.SETUP_PAGES[page]),
            strings.SETUP_PAGE_HELP[page],
            "",
            *lines,
            "",
            *([note] if note else []),
            strings.SETUP_FOOTER,
        ]
        content = "\n".join(parts)[:MESSAGE_LIMIT]
        if old is not None:
            old.stop()
        if origin is not None:
            await interaction.response.send_message(content, view=view, ephemeral=True)
        elif interaction.response.is_done():
            await interaction.edit_original_response(content=content, view=view)
        else:
            await interaction.response.edit_message(content=content, view=view)

    # -- /setup ---------------------------------------------------------------------------------------------

    @setup_group.command(name="start", description=strings.CMD_SETUP_START)
    async def start(self, interaction: discord.Interaction) -> None:
        """Admins: the guided setup menu, privately."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        draft = SetupDraft(guild.id, interaction.user.id)
        await self.render(interaction, draft, 1, origin=interaction)

    @setup_group.command(name="show", description=strings.CMD_SETUP_SHOW)
    async def show(self, interaction: discord.Interaction) -> None:
        """Admins: the current setup, where each part comes from, and the problems, privately."""
        guild = await command_guild(interaction, self.bot, admin=True)
        if guild is None:
            return
        effective, lines = await self._state(guild, {})
        text = "\n".join(
            [
                strings.SETUP_SHOW_TITLE.format(guild=guild.name),
                *lines,
                "",
                format_problems(setup_problems(guild, effective)),
            ]
        )
        await interaction.response.send_message(text[:MESSAGE_LIMIT], ephemeral=True)

    # -- the menu's buttons ---------------------------------------------------------------------------------

    async def on_setup_button(self, interaction: discord.Interaction, view: SetupView, action: str) -> None:
        """Next/Back, Create missing, Check or Save."""
        guild = interaction.guild
        assert guild is not None  # noqa: S101 - the menu only exists in guilds
        if action.startswith("page:"):
            await self.render(interaction, view.draft, int(action.partition(":")[2]), old=view)
        elif action == "check":
            effective, _ = await self._state(guild, view.draft.picked)
            await interaction.response.send_message(format_problems(setup_problems(guild, effective)), ephemeral=True)
        elif action == "save":
            note = await self._save(guild, interaction.user, view.draft)
            await self.render(interaction, view.draft, view.page, old=view, note=note)
        elif action == "create":
            await interaction.response.defer()
            note = await self._create_missing(guild, interaction.user, view.draft)
            await self.render(interaction, view.draft, view.page, old=view, note=note)

    async def _save(self, guild: discord.Guild, user: discord.abc.User, draft: SetupDraft) -> str:
        """Store the picks over the guild's other settings, audit it, and say what is left to fix."""
        if not draft.picked:
            return strings.SETUP_SAVED_NOTHING
        store = self.bot.store
        current = await store.get_guild_settings(guild.id)
        settings: GuildSettings = dataclasses.replace(current, **draft.picked)
        await store.save_guild_settings(guild.id, settings)
        changed = ", ".join(f"{slot}={_ids(value)}" for slot, value in sorted(draft.picked.items()))
        await store.append_audit(
            AuditEntry(guild_id=guild.id, actor_id=user.id, action=AuditAction.SETTING_CHANGED,
                       reason=f"setup saved: {changed}")
        )  # fmt: skip
        log.info("User %s saved the setup of guild %s: %s", user.id, guild.id, changed)
        draft.picked.clear()
        # Problems fixed by this setup may come back under new causes: let them be reported again.
        self.bot.reported_setup_problems.difference_update(
            {key for key in self.bot.reported_setup_problems if key[0] == guild.id}
        )
        effective, _ = await self._state(guild, {})
        left = [p for p in setup_problems(guild, effective) if not p.note]
        saved = strings.SETUP_SAVED.format(guild=guild.name)
        return saved if not left else f"{saved} {strings.SETUP_PROBLEMS_HEADER.format(count=len(left))}"

    # -- Create missing -------------------------------------------------------------------------------------

    async def _create_missing(self, guild: discord.Guild, user: discord.abc.User, draft: SetupDraft) -> str:
        """Create the member and moderator roles and the four channels where nothing is picked; pick them."""
        effective, _ = await self._state(guild, draft.picked)
        reason = strings.SETUP_CREATE_REASON.format(user=user.id)
        created: list[str] = []
        failed: list[str] = []
        for slot in ("member_role", "moderator_role"):
            if getattr(effective, slot) is not None:
                continue
            name = strings.SETUP_CREATE_NAMES[slot]
            try:
                role = await guild.create_role(name=name, reason=reason)
            except discord.HTTPException as error:
                failed.append(_create_failed(f"@{name}", error, "manage_roles"))
                continue
            draft.picked[slot] = role.id
            created.append(role.mention)
            await _cached(lambda role=role: guild.get_role(role.id))
        moderators = guild.get_role(draft.picked.get("moderator_role") or 0) or effective.moderator_role
        for slot in ("gate_channel", "mod_queue_channel", "cases_channel", "log_channel"):
            if getattr(effective, slot) is not None:
                continue
            name = strings.SETUP_CREATE_NAMES[slot]
            try:
                channel = await guild.create_text_channel(
                    name, overwrites=_overwrites(guild, slot, moderators), reason=reason
                )
            except discord.HTTPException as error:
                failed.append(_create_failed(f"#{name}", error, "manage_channels"))
                continue
            draft.picked[slot] = channel.id
            created.append(channel.mention)
            await _cached(lambda channel=channel: guild.get_channel(channel.id))
        log.info("User %s had %d roles and channels created in guild %s", user.id, len(created), guild.id)
        lines = [strings.SETUP_CREATED.format(items=", ".join(created))] if created else []
        if not created and not failed:
            lines.append(strings.SETUP_CREATED_NOTHING)
        return "\n".join(lines + failed)


def _overwrites(
    guild: discord.Guild, slot: str, moderators: discord.Role | None
) -> dict[discord.Role | discord.Member, discord.PermissionOverwrite]:
    """The gate is open to everyone (who talk in private threads there); the others are for moderators only."""
    me = guild.me
    mine = discord.PermissionOverwrite(
        view_channel=True, send_messages=True, embed_links=True, attach_files=True, read_message_history=True,
        create_public_threads=True, create_private_threads=True, send_messages_in_threads=True, manage_threads=True,
    )  # fmt: skip
    team = discord.PermissionOverwrite(
        view_channel=True, send_messages=True, read_message_history=True, send_messages_in_threads=True
    )
    if slot == "gate_channel":
        # Visible to everyone; members only write in the private threads opened for them there.
        everyone = discord.PermissionOverwrite(view_channel=True, send_messages=False, send_messages_in_threads=True)
    else:
        everyone = discord.PermissionOverwrite(view_channel=False)
    overwrites: dict[discord.Role | discord.Member, discord.PermissionOverwrite] = {guild.default_role: everyone}
    if moderators is not None:
        overwrites[moderators] = team
    overwrites[me] = mine
    return overwrites


def _create_failed(item: str, error: discord.HTTPException, flag: str) -> str:
    return strings.SETUP_CREATE_FAILED.format(item=item, status=error.status, permission=strings.PERMISSION_NAMES[flag])


def _ids(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + " ".join(map(str, value)) + "]"
    return "none" if value is None else str(value)


async def _cached(lookup: Callable[[], _T | None]) -> _T | None:
    """Wait (briefly) until something just created reaches the cache through the gateway."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CACHE_WAIT_SECONDS
    while (found := lookup()) is None and loop.time() < deadline:
        await asyncio.sleep(0.02)
    return found


async def setup(bot: ConfidantBot) -> None:
    """Load the cog."""
    await bot.add_cog(SetupCog(bot))
