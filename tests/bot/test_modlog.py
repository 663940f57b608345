"""The moderation log over the wire: audit entries reach the log channel without identifying text; /history."""

import dataclasses

import pytest

from bot.config import Config, GuildConfig
from bot.fakediscord import FakeDiscord, Guild, User
from tests.conftest import confidant

EMAIL = "email me at sam.jones@example.com any time"


@pytest.fixture
def log_config(config: Config, guild: Guild) -> Config:
    entry = GuildConfig(
        id=guild.id, member_role="Member", moderator_role="Moderators", gate_channel="welcome",
        mod_queue_channel="mod-queue", cases_channel="cases", log_channel="mod-log", monitored_channels=("Group",),
    )  # fmt: skip
    return dataclasses.replace(config, guild=(entry,))


@pytest.fixture
def mod(fake: FakeDiscord, guild: Guild) -> User:
    user = fake.add_user("mod")
    fake.add_member(guild, user, roles=[guild.role("Moderators")])
    return user


async def test_moderators_actions_are_posted_to_the_log_without_the_text(fake, guild, alice, mod, log_config):
    async with fake.running(confidant(log_config)):
        await fake.user_message(guild.channel("group-chat"), alice, EMAIL)
        post = await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral, timeout=10)
        await fake.wait_for_message(to=alice)
        reveal = next(c for c in post.custom_ids() if ":reveal:" in c)
        await (await fake.click(post, reveal, mod)).wait_message()
        logged = await fake.wait_for_message(guild.channel("mod-log"))
        assert "Flag text revealed" in logged.text and f"<@{mod.id}>" in logged.text and f"<@{alice.id}>" in logged.text
        warn = next(c for c in post.custom_ids() if ":warn:" in c)
        await (await fake.click(post, warn, mod)).wait_followup()
        decision = await fake.wait_for_message(guild.channel("mod-log"))
        assert "Flag decision" in decision.text
        strike = await fake.wait_for_message(guild.channel("mod-log"))
        assert "Strike" in strike.text
        await fake.wait_for_message(to=alice)
        await fake.wait_for_message(to=alice)
        for message in fake.find_messages(guild.channel("mod-log")):
            assert "sam.jones" not in message.text and "example.com" not in message.text


async def test_history_shows_a_members_record_to_moderators_only(fake, guild, alice, mod, log_config):
    async with fake.running(confidant(log_config)):
        refused = await (await fake.slash("history", alice, guild.channel("general"), member=mod)).wait_message()
        assert "permission" in refused.text
        await fake.user_message(guild.channel("group-chat"), alice, EMAIL)
        await fake.wait_for_message(guild.channel("mod-queue"), predicate=lambda m: not m.ephemeral, timeout=10)
        await fake.wait_for_message(to=alice)
        await (await fake.slash("strike add", mod, guild.channel("general"), member=alice, reason="x")).wait_message()
        await fake.wait_for_message(to=alice)
        shown = await (await fake.slash("history", mod, guild.channel("general"), member=alice)).wait_message()
        assert shown.ephemeral and "History of alice" in shown.text
        assert "EMAIL — open" in shown.text and "a breach a moderator recorded → warn" in shown.text
        assert "sam.jones" not in shown.text
