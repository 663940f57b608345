"""Fixtures shared by every test: a fresh key and config per test, the fake Discord, and Confidant on it."""

import functools
from pathlib import Path

import pytest

from bot.app import ConfidantBot, create_bot
from bot.config import Config, StorageSettings
from bot.fakediscord import FakeDiscord, Guild, User
from models.crypto import generate_key
from rules.detection import Engine


@pytest.fixture
def key(monkeypatch) -> str:
    """A fresh encryption key, exported as CONFIDANT_KEY for this test only."""
    value = generate_key()
    monkeypatch.setenv("CONFIDANT_KEY", value)
    return value


@pytest.fixture
def config(tmp_path: Path, key: str) -> Config:
    """Settings pointing at a database in this test's temporary directory."""
    return Config(storage=StorageSettings(path=tmp_path / "confidant.db"))


@pytest.fixture
async def fake():
    """A fake Discord on 127.0.0.1, serving for the length of one test."""
    async with FakeDiscord(bot_name="Confidant") as instance:
        yield instance


@pytest.fixture
def guild(fake: FakeDiscord) -> Guild:
    """A support group's server: a gate, moderator channels and a category of group channels."""
    return fake.add_guild(
        "Support Group",
        channels=("welcome", "general", "mod-queue", "cases", "mod-log"),
        categories={"Group": ("group-chat", "check-ins")},
        roles=("Member", "Moderators"),
    )


@pytest.fixture
def alice(fake: FakeDiscord, guild: Guild) -> User:
    """A member of the group."""
    user = fake.add_user("alice")
    fake.add_member(guild, user, roles=[guild.role("Member")])
    return user


@functools.cache
def shared_engine() -> Engine:
    """The default engine, loaded once for the whole test run (each bot scans with it in a thread)."""
    return Engine.load(Config().detection.model)


def confidant(config: Config, **options: object) -> ConfidantBot:
    """Confidant as production builds it, with test-speed client options and the shared engine."""
    options.setdefault("engine_factory", shared_engine)
    return create_bot(config, guild_ready_timeout=0.05, **options)
