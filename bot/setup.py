"""Which roles and channels a guild uses: `/setup`'s database settings first, else its `[[guild]]` entry.

Config entries name roles and channels by id or by name; names compare case-insensitively, and a channel name may
be written with or without its leading '#'. A slot that names nothing in the guild resolves to None.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot import strings
from bot.config import Config, GuildConfig, Ref
from models.records import GuildSettings
from models.store import Store

if TYPE_CHECKING:
    from bot.app import ConfidantBot

__all__ = [
    "SLOTS",
    "GuildSetup",
    "command_guild",
    "command_user",
    "is_lead",
    "is_moderator",
    "report_setup_problem",
    "resolve_settings",
    "resolve_setup",
    "slot_origin",
    "static_setup",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GuildSetup:
    """The roles and channels Confidant uses in one guild; None where a slot is not set up (or names nothing)."""

    member_role: discord.Role | None = None
    moderator_role: discord.Role | None = None
    lead_role: discord.Role | None = None
    gate_channel: discord.TextChannel | None = None
    mod_queue_channel: discord.TextChannel | None = None
    cases_channel: discord.TextChannel | None = None
    log_channel: discord.TextChannel | None = None
    monitored_channels: tuple[discord.abc.GuildChannel, ...] = ()


SLOTS = (
    "member_role",
    "moderator_role",
    "lead_role",
    "gate_channel",
    "mod_queue_channel",
    "cases_channel",
    "log_channel",
    "monitored_channels",
)


def static_setup(config: Config, guild_id: int) -> GuildConfig:
    """The guild's `[[guild]]` entry in config.toml, or an empty one."""
    return config.guild_config(guild_id) or GuildConfig(id=guild_id)


def slot_origin(
    saved: GuildSettings, static: GuildConfig, slot: str
) -> tuple[str | None, Ref | tuple[Ref, ...] | None]:
    """Where `resolve_setup` takes a slot from: ("database", value), ("config", value), or (None, None)."""
    if slot == "monitored_channels":
        if saved.monitored_channels:
            return "database", saved.monitored_channels
        return ("config", static.monitored_channels) if static.monitored_channels else (None, None)
    if (value := getattr(saved, slot)) is not None:
        return "database", value
    if (value := getattr(static, slot)) is not None:
        return "config", value
    return None, None


async def resolve_setup(guild: discord.Guild, store: Store, config: Config) -> GuildSetup:
    """Resolve the guild's roles and channels against its cache; database settings win over config.toml."""
    return resolve_settings(guild, await store.get_guild_settings(guild.id), static_setup(config, guild.id))


def resolve_settings(guild: discord.Guild, saved: GuildSettings, static: GuildConfig) -> GuildSetup:
    """`resolve_setup` for settings at hand (e.g. with picks not saved yet): `saved` wins over `static`."""

    def ref(slot: str) -> Ref | None:
        value = getattr(saved, slot)
        return value if value is not None else getattr(static, slot)

    monitored = saved.monitored_channels or static.monitored_channels
    return GuildSetup(
        member_role=find_role(guild, ref("member_role")),
        moderator_role=find_role(guild, ref("moderator_role")),
        lead_role=find_role(guild, ref("lead_role")),
        gate_channel=find_text_channel(guild, ref("gate_channel")),
        mod_queue_channel=find_text_channel(guild, ref("mod_queue_channel")),
        cases_channel=find_text_channel(guild, ref("cases_channel")),
        log_channel=find_text_channel(guild, ref("log_channel")),
        monitored_channels=tuple(c for c in (find_channel(guild, r) for r in monitored) if c is not None),
    )


def is_moderator(member: discord.Member, setup: GuildSetup) -> bool:
    """Whether `member` may use moderator commands: Manage Server, or the configured moderator role."""
    if member.guild_permissions.manage_guild:
        return True
    return setup.moderator_role is not None and setup.moderator_role in member.roles


def is_lead(member: discord.Member, setup: GuildSetup) -> bool:
    """Whether `member` may unmask anonymous reporters: the configured lead role only (not even Manage Server)."""
    return setup.lead_role is not None and setup.lead_role in member.roles


async def command_user(
    interaction: discord.Interaction, bot: ConfidantBot, *, admin: bool = False
) -> discord.Member | None:
    """The member running a guild command, if they may: a moderator, or with `admin` someone with Manage Server.

    Otherwise answer them privately (guild only / not allowed) and return None. Checked server-side on every use:
    who sees a command in Discord's picker is for admins to change, not a permission.
    """
    guild, user = interaction.guild, interaction.user
    if guild is None or not isinstance(user, discord.Member):
        await _answer(interaction, strings.ERROR_GUILD_ONLY)
        return None
    allowed = user.guild_permissions.manage_guild if admin else is_moderator(user, await resolve_setup(
        guild, bot.store, bot.config
    ))  # fmt: skip
    if not allowed:
        await _answer(interaction, strings.ERROR_NOT_ALLOWED)
        return None
    return user


async def command_guild(
    interaction: discord.Interaction, bot: ConfidantBot, *, admin: bool = False
) -> discord.Guild | None:
    """The guild of a command the user may run (see `command_user`); None once they have been answered."""
    member = await command_user(interaction, bot, admin=admin)
    return None if member is None else member.guild


async def _answer(interaction: discord.Interaction, text: str) -> None:
    """Answer privately, whether or not the interaction was already answered (or deferred)."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


def find_role(guild: discord.Guild, ref: Ref | None) -> discord.Role | None:
    """The role with this id, or else this name (case-insensitive)."""
    if ref is None:
        return None
    if (by_id := _as_id(ref)) is not None and (role := guild.get_role(by_id)) is not None:
        return role
    wanted = _normalise(ref)
    return next((role for role in guild.roles if role.name.casefold() == wanted), None)


def find_channel(guild: discord.Guild, ref: Ref | None) -> discord.abc.GuildChannel | None:
    """The channel (or category) with this id, or else this name (case-insensitive, '#' optional)."""
    if ref is None:
        return None
    if (by_id := _as_id(ref)) is not None and (channel := guild.get_channel(by_id)) is not None:
        return channel
    wanted = _normalise(ref)
    return next((channel for channel in guild.channels if channel.name.casefold() == wanted), None)


def find_text_channel(guild: discord.Guild, ref: Ref | None) -> discord.TextChannel | None:
    """Like `find_channel`, but only a text channel counts."""
    channel = find_channel(guild, ref)
    return channel if isinstance(channel, discord.TextChannel) else None


def _as_id(ref: Ref) -> int | None:
    if isinstance(ref, int):
        return ref
    text = ref.strip()
    return int(text) if text.isdigit() else None


def _normalise(ref: Ref) -> str:
    return str(ref).strip().lstrip("#").casefold()


async def report_setup_problem(
    bot: ConfidantBot, guild: discord.Guild, setup: GuildSetup, problem: str, text: str
) -> None:
    """Tell the guild's moderation log about a setup problem (with its fix), once per problem while the bot runs."""
    if (guild.id, problem) in bot.reported_setup_problems:
        return
    bot.reported_setup_problems.add((guild.id, problem))
    log.warning("Setup problem in guild %s: %s", guild.id, problem)
    if setup.log_channel is None:
        return
    try:
        await setup.log_channel.send(text)
    except discord.HTTPException as error:
        log.warning("Could not post to the log channel of guild %s: HTTP %s", guild.id, error.status)
