"""Fixtures shared by the wire tests of the bot: a fully set-up group and a moderator."""

import dataclasses

import pytest

from bot.config import Config, GuildConfig
from bot.fakediscord import FakeDiscord, Guild, User


@pytest.fixture
def group_config(config: Config, guild: Guild) -> Config:
    """A guild with every role and channel set up in config.toml, watching its Group category."""
    entry = GuildConfig(
        id=guild.id,
        member_role="Member",
        moderator_role="Moderators",
        gate_channel="welcome",
        mod_queue_channel="mod-queue",
        cases_channel="cases",
        log_channel="mod-log",
        monitored_channels=("Group",),
    )
    return dataclasses.replace(config, guild=(entry,))


@pytest.fixture
def mod(fake: FakeDiscord, guild: Guild) -> User:
    """A moderator: the Moderators role, without Manage Server."""
    user = fake.add_user("mod")
    fake.add_member(guild, user, roles=[guild.role("Moderators")])
    return user
