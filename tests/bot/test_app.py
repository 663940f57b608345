"""Confidant boots against the fake Discord: login, command sync, /confidentiality, errors, resume, restarts."""

import asyncio
import logging
import os
import signal
from datetime import timedelta

import discord
import pytest
from discord import app_commands

from bot.__main__ import run_bot
from bot.ui import GuardedItem
from models.crypto import FieldCipher
from models.errors import KeyMissing
from models.records import AuditAction, AuditEntry
from models.store import Store
from rules.agreement import default_agreement
from tests.conftest import confidant

EPHEMERAL = 1 << 6


async def test_logs_in_with_the_intents_it_needs_and_syncs_commands(fake, guild, config):
    """The bot identifies with members and message content intents and registers /confidentiality for guilds and DMs."""
    async with fake.running(confidant(config)) as bot:
        assert bot.get_guild(guild.id) is not None
        intents = discord.Intents._from_value(next(iter(fake.gateway.sessions.values())).intents)
        assert intents.members and intents.message_content and intents.guilds and intents.dm_messages
        sync = fake.calls("PUT", rf"/applications/{fake.application_id}/commands")
        assert len(sync) == 1
        commands = {c["name"]: c for c in sync[0].json}
        assert "confidentiality" in commands
        assert set(commands["confidentiality"]["contexts"]) == {0, 1}  # guild and bot DM
        assert bot.store.path == config.storage.path


async def test_confidentiality_answers_privately_with_the_summary(fake, guild, alice, config):
    """/confidentiality in a channel answers only the member who asked, with the agreement's summary."""
    async with fake.running(confidant(config)):
        it = await fake.slash("confidentiality", alice, guild.channel("general"))
        reply = await it.wait_message()
        assert it.responses[0].type == 4 and it.responses[0].ephemeral
        assert reply.visible_to(alice) and not reply.visible_to(fake.add_user("bob"))
        assert default_agreement().summary in reply.text
        assert reply.custom_ids() == [f"confidant:agreement:read:{guild.id}"]


async def test_confidentiality_works_in_direct_messages(fake, guild, alice, config):
    """/confidentiality also works in the bot's DMs."""
    async with fake.running(confidant(config)):
        it = await fake.slash("confidentiality", alice)
        reply = await it.wait_message()
        assert "What is said here stays here" in reply.text
        assert reply.custom_ids() == ["confidant:agreement:read:0"]


async def test_read_button_keeps_working_after_a_restart(fake, guild, alice, config):
    """The 'read the whole agreement' button on a message sent before a restart still works after it."""
    async with fake.running(confidant(config)):
        it = await fake.slash("confidentiality", alice, guild.channel("general"))
        summary = await it.wait_message()
    async with fake.running(confidant(config)):
        click = await fake.click(summary, f"confidant:agreement:read:{guild.id}", alice)
        await click.wait_response()
        full = click.responses[0]
        assert full.type == 4 and full.ephemeral
        texts = " ".join(e["description"] for e in full.data["embeds"])
        assert "No screenshots, screen recordings" in texts
        assert full.data["embeds"][0]["title"] == default_agreement().title


async def test_resumes_after_the_gateway_drops(fake, guild, alice, config):
    """After a dropped connection the bot resumes its session and answers what was asked meanwhile."""
    async with fake.running(confidant(config)) as bot:
        async with fake.gateway_outage():
            pending = asyncio.create_task(fake.slash("confidentiality", alice, guild.channel("general")))
            await asyncio.sleep(0.05)
        it = await pending
        reply = await it.wait_message()
        assert default_agreement().summary in reply.text
        assert fake.gateway.resumes == 1 and fake.gateway.identifies == 1
        assert bot.is_ready() and not bot.is_closed()


async def test_a_failing_command_apologises_with_an_error_id(fake, guild, alice, config, caplog):
    """A command that crashes answers with an apology and an error id, and the log has the traceback but no text."""
    bot = confidant(config)
    secret = "call me on 07700 900123"

    @bot.tree.command(name="boom", description="Fails on purpose.")
    @app_commands.describe(note="anything")
    async def boom(interaction: discord.Interaction, note: str) -> None:
        raise RuntimeError("kaboom")

    caplog.set_level(logging.INFO)
    async with fake.running(bot):
        it = await fake.slash("boom", alice, guild.channel("general"), note=secret)
        reply = await it.wait_message()
    assert it.responses[0].ephemeral
    assert "something went wrong" in reply.text
    error_id = reply.text.split("error id `")[1][:8]
    logged = [r for r in caplog.records if r.name == "bot.cogs.errors"]
    assert len(logged) == 1 and error_id in logged[0].getMessage()
    assert logged[0].exc_info[0] is RuntimeError
    assert "/boom" in logged[0].getMessage()
    everything = "\n".join(caplog.text.splitlines())
    assert secret not in everything


class ExplodingButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=r"test:explode"):
    """A test button whose action fails."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Explode", custom_id="test:explode"))

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls()

    async def run(self, interaction: discord.Interaction) -> None:
        raise ValueError("button broke")


async def test_a_failing_button_apologises_with_an_error_id(fake, guild, alice, config, caplog):
    """A persistent button that crashes answers with an apology and an error id instead of failing silently."""
    bot = confidant(config)
    bot.add_dynamic_items(ExplodingButton)

    @bot.tree.command(name="explode", description="Sends a button that fails.")
    async def explode(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(ExplodingButton())
        await interaction.response.send_message("press it", view=view)

    async with fake.running(bot):
        message = await (await fake.slash("explode", alice, guild.channel("general"))).wait_message()
        click = await fake.click(message, "test:explode", alice)
        await click.wait_response()
    assert "error id" in click.responses[0].data["content"] and click.responses[0].ephemeral
    assert any(r.name == "bot.cogs.errors" and r.exc_info[0] is ValueError for r in caplog.records)


async def test_refuses_to_start_without_the_encryption_key(fake, guild, config, monkeypatch):
    """With the key variable unset the bot does not start, and says which variable is missing."""
    monkeypatch.delenv("CONFIDANT_KEY")
    with pytest.raises(KeyMissing, match="CONFIDANT_KEY"):
        async with fake.running(confidant(config)):
            pass


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_lets_writes_finish_and_closes_the_database(fake, guild, config, key, sig):
    """On SIGTERM or SIGINT the bot leaves Discord, lets in-flight database writes finish, and closes the database."""
    bot = confidant(config)
    written: list[int] = []
    refused = 0

    async def keep_writing() -> None:
        nonlocal refused
        for i in range(200):
            try:
                entry = await bot.store.append_audit(
                    AuditEntry(guild_id=guild.id, actor_id=1, action=AuditAction.SETTING_CHANGED, reason=f"r{i}")
                )
            except Exception:  # noqa: BLE001 - after close every write is refused; count them
                refused += 1
            else:
                written.append(entry.id)

    with fake.patched():
        runner = asyncio.create_task(run_bot(bot, fake.token))
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        writer = asyncio.create_task(keep_writing())
        await asyncio.sleep(0.01)
        os.kill(os.getpid(), sig)
        await asyncio.wait_for(runner, 5)
        await writer
    assert bot.is_closed()
    assert bot._store is None
    assert written and refused and len(written) + refused == 200
    async with Store.open(config.storage.path, FieldCipher([key])) as store:
        entries = await store.audit_entries(guild.id, limit=500)
    assert sorted(e.id for e in entries) == sorted(written)


async def test_commands_sync_to_configured_guilds_only(fake, guild, config):
    """With [discord] command_guilds set, commands are registered in those guilds and not globally."""
    import dataclasses

    from bot.config import DiscordSettings

    config = dataclasses.replace(config, discord=DiscordSettings(command_guilds=(guild.id,)))
    bot = confidant(config)
    async with fake.running(bot):
        synced = fake.calls("PUT", rf"/applications/{fake.application_id}/guilds/{guild.id}/commands")
        names = sorted(c["name"] for c in synced[0].json)
        assert "confidentiality" in names
        assert names == sorted(command.name for command in bot.tree.get_commands())
        assert not fake.calls("PUT", rf"/applications/{fake.application_id}/commands")


async def test_read_button_shows_the_guilds_published_agreement(fake, guild, alice, config):
    """Once a guild publishes its own agreement, the read button shows that text, not the default."""
    own = "# Willow's agreement\n\nWhat is shared in Willow stays in Willow."
    async with fake.running(confidant(config)) as bot:
        await bot.store.save_draft(guild.id, own, fake.owner.id)
        await bot.store.publish_draft(guild.id, fake.owner.id, default_agreement().text, timedelta(days=7))
        summary = await (await fake.slash("confidentiality", alice, guild.channel("general"))).wait_message()
        click = await fake.click(summary, f"confidant:agreement:read:{guild.id}", alice)
        await click.wait_response()
        embeds = click.responses[0].data["embeds"]
        assert embeds[0]["title"] == "Willow's agreement"
        assert "stays in Willow" in embeds[0]["description"]
