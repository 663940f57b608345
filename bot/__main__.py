"""The `confidant` command line, and the composition root: config, database and bot are put together here.

Exit status: 0 on success, 1 when `check` finds a problem, 2 on bad configuration or usage (one clear line on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Config, ConfigError, load_config
from bot.logs import configure_logging
from models.crypto import FieldCipher, generate_key
from models.errors import StorageError
from models.store import Store, backup, migrate

if TYPE_CHECKING:
    import discord

    from bot.app import ConfidantBot

log = logging.getLogger("bot")

DEFAULT_CONFIG = Path("config.toml")
EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
CHECK_LOGIN_SECONDS = 30.0  # `check` gives up on Discord after this long
CHECK_GUILD_READY_SECONDS = 1.0  # and takes the guilds it has after this long without a new one


# --- confidant run ------------------------------------------------------------------------------------------------


async def run_bot(bot: ConfidantBot, token: str) -> None:
    """Run `bot` until Discord disconnects for good or SIGINT/SIGTERM asks it to stop, then shut down cleanly.

    On a signal the bot leaves Discord first, then the database waits for writes in flight and closes.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with bot:
            runner = asyncio.create_task(bot.start(token), name="confidant-bot")
            stopper = asyncio.create_task(stop.wait(), name="confidant-stop")
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stopper.done():
                log.info("Shutting down")
                await bot.close()
            stopper.cancel()
            await runner  # re-raises a failure of the bot itself
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def cmd_run(args: argparse.Namespace) -> int:
    """Start the bot for real."""
    config = load_config(args.config)
    token = config.discord.token()
    FieldCipher.from_env(config.storage.key_env)  # fail now, with a clear message, not halfway through login
    configure_logging(config.logging.level, config.logging.format)
    import discord

    from bot.app import create_bot

    try:
        asyncio.run(run_bot(create_bot(config), token))
    except discord.LoginFailure:
        print(
            f"confidant: Discord refused the token in {config.discord.token_env}; copy it again from the "
            "developer portal (Bot → Reset Token)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        print(
            "confidant: Discord refused the connection: switch on the Server Members and Message Content "
            "intents (developer portal → Bot → Privileged Gateway Intents)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return EXIT_OK


# --- confidant check ----------------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the config, secrets, database and model; log in and report each server's setup problems."""
    problems = 0

    def report(name: str, detail: str, ok: bool) -> None:
        nonlocal problems
        problems += not ok
        print(f"{name:<9}{'ok' if ok else 'PROBLEM'}  {detail}")

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        report("config", str(exc), ok=False)
        return EXIT_USAGE
    report("config", f"{config.source} ({len(config.guild)} static guild entries)", ok=True)

    token: str | None = None
    try:
        token = config.discord.token()
        report("token", f"{config.discord.token_env} is set", ok=True)
    except ConfigError as exc:
        report("token", str(exc), ok=False)

    database: FieldCipher | None = None  # the key, once the database opened with it
    try:
        cipher = FieldCipher.from_env(config.storage.key_env)
    except StorageError as exc:
        report("key", str(exc), ok=False)
        report("database", "not opened without a key", ok=False)
    else:
        report("key", f"{config.storage.key_env} holds a valid key", ok=True)
        try:
            version = asyncio.run(_open_and_close(config.storage.path, cipher))
            report("database", f"{config.storage.path} (schema version {version})", ok=True)
            database = cipher
        except StorageError as exc:
            report("database", str(exc), ok=False)

    report(*_check_model(config.detection.model, config.detection.ner))

    if args.offline:
        print(f"{'discord':<9}skipped  --offline: not logged in, guild setups not checked")
    elif token is not None:
        for name, detail, ok, details in asyncio.run(check_discord(config, token, database)):
            report(name, detail, ok)
            for line in details:
                print(f"{'':<11}{line}")
    return EXIT_OK if problems == 0 else EXIT_PROBLEM


async def _open_and_close(path: Path, cipher: FieldCipher) -> int:
    async with Store.open(path, cipher) as store:
        return await store.schema_version()


CheckLine = tuple[str, str, bool, list[str]]  # name, detail, ok, lines printed under it


async def check_discord(
    config: Config, token: str, cipher: FieldCipher | None, *, timeout: float = CHECK_LOGIN_SECONDS
) -> list[CheckLine]:
    """Log in with the guilds intent only, and report each guild's setup problems (the database's and config's)."""
    import discord

    # Its warnings about voice support (not installed, not needed) would only clutter the report.
    quiet = logging.getLogger("discord.client")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        client = discord.AutoShardedClient(
            intents=discord.Intents(guilds=True), guild_ready_timeout=CHECK_GUILD_READY_SECONDS, max_messages=None
        )
    finally:
        quiet.setLevel(level)
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    client.on_ready = on_ready  # type: ignore[attr-defined] - what @client.event does
    async with client:
        try:
            await asyncio.wait_for(client.login(token), timeout)
        except discord.LoginFailure:
            return [("discord", f"Discord refused the token in {config.discord.token_env}; copy it again from the "
                     "developer portal (Bot → Reset Token)", False, [])]  # fmt: skip
        except (TimeoutError, OSError, discord.HTTPException) as exc:
            return [("discord", f"could not reach Discord: {_first_line(exc)}", False, [])]
        connection = asyncio.create_task(client.connect(reconnect=False), name="confidant-check-connect")
        waiter = asyncio.create_task(ready.wait(), name="confidant-check-ready")
        await asyncio.wait({connection, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if not ready.is_set():
            waiter.cancel()
            failure = connection.exception() if connection.done() else None
            await client.close()
            detail = _first_line(failure) if failure is not None else f"no answer within {timeout:.0f} s"
            return [("discord", f"logged in, but the gateway connection failed: {detail}", False, [])]
        lines: list[CheckLine] = [
            ("discord", f"logged in as {client.user} (id {client.user.id if client.user else '?'}), "
             f"in {len(client.guilds)} servers", True, []),
        ]  # fmt: skip
        lines += await _guild_lines(config, client.guilds, cipher)
        await client.close()
        await asyncio.gather(connection, return_exceptions=True)
    return lines


async def _guild_lines(config: Config, guilds: Sequence[discord.Guild], cipher: FieldCipher | None) -> list[CheckLine]:
    """One line per guild: ok, or PROBLEM with each problem (and the optional notes) under it."""
    from bot.setup import resolve_settings, resolve_setup, static_setup
    from bot.setup_check import setup_problems
    from models.records import GuildSettings

    lines: list[CheckLine] = []
    async with contextlib.AsyncExitStack() as stack:
        store = None if cipher is None else await stack.enter_async_context(Store.open(config.storage.path, cipher))
        for guild in sorted(guilds, key=lambda g: g.id):
            if store is None:  # the database line already says why: judge config.toml alone
                setup = resolve_settings(guild, GuildSettings(), static_setup(config, guild.id))
            else:
                setup = await resolve_setup(guild, store, config)
            found = setup_problems(guild, setup)
            faults = [p for p in found if not p.note]
            notes = [p for p in found if p.note]
            summary = _count(len(faults), "setup problem") if faults else "set up"
            if notes:
                summary += f" ({_count(len(notes), 'optional note')})"
            details = [f"- {p}" for p in faults] + [f"- (optional) {p}" for p in notes]
            lines.append(("guild", f"{guild.name} ({guild.id}): {summary}", not faults, details))
    return lines


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'s' * (number != 1)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _check_model(model: str, ner: str) -> tuple[str, str, bool]:
    started = time.perf_counter()
    try:
        from rules.detection.engine import load_pipeline

        nlp = load_pipeline(model, ner)
    except (OSError, ImportError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return "model", f"{model!r} (ner {ner!r}) could not be loaded: {first_line}", False
    took = time.perf_counter() - started
    return "model", f"{model} {nlp.meta.get('version', '?')} with the {ner!r} NER, loaded in {took:.1f} s", True


# --- confidant db ... ---------------------------------------------------------------------------------------------


def cmd_db_migrate(args: argparse.Namespace) -> int:
    """Bring the database schema up to date."""
    config = load_config(args.config)
    cipher = FieldCipher.from_env(config.storage.key_env)
    before, after = asyncio.run(migrate(config.storage.path, cipher))
    if before == after:
        print(f"{config.storage.path}: schema is up to date (version {after})")
    else:
        print(f"{config.storage.path}: migrated schema from version {before} to {after}")
    return EXIT_OK


def cmd_db_backup(args: argparse.Namespace) -> int:
    """Copy the live database to PATH with SQLite's online backup (safe while the bot runs)."""
    config = load_config(args.config)
    dest = asyncio.run(backup(config.storage.path, Path(args.path), overwrite=args.force))
    print(f"Backed up {config.storage.path} to {dest}. Encrypted fields stay encrypted: keep the key as well.")
    return EXIT_OK


def cmd_db_rotate_key(args: argparse.Namespace) -> int:
    """Re-encrypt every encrypted field with the first key of the key list, so older keys can then be removed."""
    config = load_config(args.config)

    async def rotate() -> dict[str, int]:
        cipher = FieldCipher.from_env(config.storage.key_env)
        async with Store.open(config.storage.path, cipher) as store:
            return await store.rotate_key()

    counts = asyncio.run(rotate())
    print(
        f"Re-encrypted {sum(counts.values())} values in {config.storage.path} under the first key of "
        f"{config.storage.key_env}. Take a backup, then remove the old key(s) from {config.storage.key_env}."
    )
    return EXIT_OK


def cmd_db_keygen(args: argparse.Namespace) -> int:
    """Print a new encryption key, to be stored in the environment variable named by `[storage] key_env`."""
    print(generate_key())
    return EXIT_OK


# --- confidant scan ----------------------------------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace) -> int:
    """Scan text from stdin for identifying details: one message per line, or JSON lines with --jsonl."""
    from bot.scan import run_scan
    from rules.detection.engine import Engine

    if args.config is not None:
        config = load_config(args.config)
    elif DEFAULT_CONFIG.exists():
        config = load_config(DEFAULT_CONFIG)
    else:
        config = Config()
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        print(f"confidant: --threshold: expected a number from 0 to 1, got {args.threshold}", file=sys.stderr)
        return EXIT_USAGE
    detection = config.detection
    engine = Engine.load(
        detection.model, ner=detection.ner, regions=detection.phone_regions, threshold=detection.threshold
    )
    return run_scan(engine, jsonl=args.jsonl, threshold=args.threshold)


# --- confidant demo -----------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the bot end to end against the built-in local Discord stand-in and print what happens."""
    from bot.demo import run_demo

    return asyncio.run(run_demo(out=sys.stdout))


# --- wiring -------------------------------------------------------------------------------------------------------


def _command(
    subparsers: argparse._SubParsersAction,
    name: str,
    handler: Callable[[argparse.Namespace], int],
    parents: Sequence[argparse.ArgumentParser] = (),
) -> argparse.ArgumentParser:
    """Add a subcommand whose help is its handler's docstring."""
    command = subparsers.add_parser(name, help=handler.__doc__, description=handler.__doc__, parents=list(parents))
    command.set_defaults(handler=handler)
    return command


def build_parser() -> argparse.ArgumentParser:
    """The `confidant` argument parser."""
    parser = argparse.ArgumentParser(prog="confidant", description="Confidant keeps a support group's confidences.")
    with_config = argparse.ArgumentParser(add_help=False)
    with_config.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help="the config file (default: %(default)s)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _command(sub, "run", cmd_run, [with_config])
    check = _command(sub, "check", cmd_check, [with_config])
    check.add_argument("--offline", action="store_true", help="don't log in to Discord (no per-server checks)")
    _command(sub, "demo", cmd_demo)
    scan = _command(sub, "scan", cmd_scan)
    scan.add_argument("--config", type=Path, default=None, help="take detection settings from this config file")
    scan.add_argument("--jsonl", action="store_true", help='input lines are JSON objects with a "text" field')
    scan.add_argument("--threshold", type=float, default=None, help="flag at this risk instead of the config's")
    db = sub.add_parser("db", help="Database maintenance: migrate, backup, keygen, rotate-key.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    _command(db_sub, "migrate", cmd_db_migrate, [with_config])
    backup_command = _command(db_sub, "backup", cmd_db_backup, [with_config])
    backup_command.add_argument("path", help="where to write the copy")
    backup_command.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    _command(db_sub, "keygen", cmd_db_keygen)
    _command(db_sub, "rotate-key", cmd_db_rotate_key, [with_config])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `confidant` command."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ConfigError, StorageError) as exc:
        print(f"confidant: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
