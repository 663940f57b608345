"""Fixtures for driving a tiny real discord.py bot against the fake Discord."""

from collections.abc import Callable

import discord
import pytest
from discord.ext import commands

from bot.fakediscord import FakeDiscord, Guild


def make_intents(*, members: bool = True, content: bool = True, **extra: bool) -> discord.Intents:
    """Default intents plus the privileged ones the fake allows by default."""
    intents = discord.Intents.default()
    intents.members = members
    intents.message_content = content
    for name, value in extra.items():
        setattr(intents, name, value)
    return intents


def make_bot(
    *, intents: discord.Intents | None = None, cls: Callable[..., commands.Bot] = commands.Bot, **options
) -> commands.Bot:
    """A bare commands.Bot with test-speed client options."""
    return cls(command_prefix="!", intents=intents or make_intents(), guild_ready_timeout=0.05, **options)


def syncing(bot: commands.Bot, *, guild: Guild | None = None) -> commands.Bot:
    """Make the bot sync its app commands (globally, or to one guild) in setup_hook."""

    async def setup_hook() -> None:
        if guild is not None:
            bot.tree.copy_global_to(guild=discord.Object(guild.id))
            await bot.tree.sync(guild=discord.Object(guild.id))
        else:
            await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


@pytest.fixture
async def fake():
    async with FakeDiscord() as instance:
        yield instance


@pytest.fixture
def guild(fake):
    return fake.add_guild(
        "Support Group",
        channels=("general", "mod-queue"),
        categories={"Group": ("group-chat", "check-ins")},
        roles=("Member", "Moderators"),
    )


@pytest.fixture
def alice(fake, guild):
    user = fake.add_user("alice")
    fake.add_member(guild, user, roles=[guild.role("Member")])
    return user


def collect(bot: commands.Bot, event: str, transform: Callable[..., object] | None = None) -> list:
    """Record every dispatch of an event (transformed) into the returned list."""
    items: list = []

    async def listener(*args) -> None:
        items.append(transform(*args) if transform else (args[0] if len(args) == 1 else args))

    bot.add_listener(listener, f"on_{event}")
    return items
