"""Guild setup resolution: database settings first, else the [[guild]] entry, resolved against the guild cache."""

import dataclasses

from bot.config import GuildConfig
from bot.setup import is_moderator, resolve_setup
from models.records import GuildSettings
from tests.conftest import confidant


async def test_config_names_resolve_case_insensitively_with_or_without_hash(fake, guild, config):
    """Role and channel names in config.toml match whatever their case, and channel names may start with '#'."""
    entry = GuildConfig(
        id=guild.id,
        member_role="member",
        moderator_role=guild.role("Moderators").id,
        gate_channel="#WELCOME",
        log_channel="Mod-Log",
        monitored_channels=("Group", "#check-ins", "no-such-channel"),
    )
    config = dataclasses.replace(config, guild=(entry,))
    async with fake.running(confidant(config)) as bot:
        setup = await resolve_setup(bot.get_guild(guild.id), bot.store, bot.config)
    assert setup.member_role.id == guild.role("Member").id
    assert setup.moderator_role.id == guild.role("Moderators").id
    assert setup.gate_channel.id == guild.channel("welcome").id
    assert setup.log_channel.id == guild.channel("mod-log").id
    assert [c.id for c in setup.monitored_channels] == [guild.channel("Group").id, guild.channel("check-ins").id]
    assert setup.cases_channel is None and setup.mod_queue_channel is None


async def test_database_settings_win_over_config(fake, guild, config):
    """Ids saved by /setup in the database take precedence over the [[guild]] entry, slot by slot."""
    entry = GuildConfig(id=guild.id, member_role="Member", gate_channel="welcome")
    config = dataclasses.replace(config, guild=(entry,))
    async with fake.running(confidant(config)) as bot:
        await bot.store.save_guild_settings(guild.id, GuildSettings(gate_channel=guild.channel("general").id))
        setup = await resolve_setup(bot.get_guild(guild.id), bot.store, bot.config)
    assert setup.gate_channel.id == guild.channel("general").id
    assert setup.member_role.id == guild.role("Member").id


async def test_a_guild_without_setup_resolves_to_nothing(fake, guild, config):
    """A guild with neither settings nor a config entry gets an empty setup, and nobody is a moderator by role."""
    async with fake.running(confidant(config)) as bot:
        discord_guild = bot.get_guild(guild.id)
        setup = await resolve_setup(discord_guild, bot.store, bot.config)
        owner = discord_guild.get_member(fake.owner.id)
    assert setup.member_role is None and setup.gate_channel is None and setup.monitored_channels == ()
    assert is_moderator(owner, setup)  # the owner has Manage Server
