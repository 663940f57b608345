"""The bot itself: `create_bot(config, **client_options)` builds it; nothing connects until it is started."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import pkgutil
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any

import discord
from discord.ext import commands

from bot import cogs
from bot.config import Config
from bot.policies import PolicyCache
from models.crypto import FieldCipher
from models.store import Store
from rules.detection import DetectionService, Engine, WorkerKind

log = logging.getLogger(__name__)

DRAIN_SECONDS = 10.0  # how long shutdown waits for work in progress (a scan, a flag being posted) to finish

__all__ = ["ConfidantBot", "create_bot", "extension_names"]


def extension_names() -> Iterator[str]:
    """Yield the dotted name of every cog module; modules whose name starts with `_` are helpers, not cogs."""
    for module in pkgutil.iter_modules(cogs.__path__, prefix=f"{cogs.__name__}."):
        if not module.name.rpartition(".")[2].startswith("_"):
            yield module.name


def intents() -> discord.Intents:
    """The gateway intents Confidant needs; members and message content must also be enabled in the portal."""
    wanted = discord.Intents.default()  # guilds, guild and DM messages, reactions, …
    wanted.members = True  # joins, leaves and Rules Screening's `pending` flag
    wanted.message_content = True  # reading messages for identifying details
    wanted.auto_moderation_execution = True  # messages our AutoMod rule blocked (/flags automod); not privileged
    return wanted


class ConfidantBot(commands.AutoShardedBot):
    """Confidant: one process, any number of guilds, app commands only."""

    def __init__(
        self, config: Config, *, engine_factory: Callable[[], Engine] | None = None, **client_options: Any
    ) -> None:
        options: dict[str, Any] = {
            "command_prefix": commands.when_mentioned,  # no text commands; Bot requires a prefix
            "help_command": None,
            # The bot never pings anyone by accident: mentions in its messages are inert unless a caller allows one.
            "allowed_mentions": discord.AllowedMentions.none(),
        }
        options.update(client_options)
        super().__init__(intents=intents(), **options)
        self.config = config
        self._engine_factory = engine_factory
        self._store: Store | None = None
        self._detection: DetectionService | None = None
        self._policies: PolicyCache | None = None
        self._working = 0
        self._idle = asyncio.Event()
        self._idle.set()
        # (guild id, problem) pairs already reported to a guild's log channel by this process (see bot.setup).
        self.reported_setup_problems: set[tuple[int, str]] = set()
        # (guild id, user id) of members Confidant is removing itself: their removal DM already said why, so the
        # farewell a leaving member gets is not sent on top (see cogs/reminders.py).
        self.removing: set[tuple[int, int]] = set()

    @property
    def store(self) -> Store:
        """The database, open from `setup_hook` until `close`."""
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook; the bot has not been started")
        return self._store

    @property
    def detection(self) -> DetectionService:
        """The detection engine's service, started in `setup_hook` and closed in `close`."""
        if self._detection is None:
            raise RuntimeError("the detection service starts in setup_hook; the bot has not been started")
        return self._detection

    @property
    def policies(self) -> PolicyCache:
        """Each guild's detection policy (allow/deny lists, protected terms), cached."""
        if self._policies is None:
            raise RuntimeError("the policies are built in setup_hook; the bot has not been started")
        return self._policies

    @contextlib.asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        """Mark work that shutdown should let finish (e.g. a message between its scan and its flag being posted)."""
        self._begin_work()
        try:
            yield
        finally:
            self._end_work()

    def track(self, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        """Run `work` as a task that shutdown lets finish; counted from this call, not from when it starts."""
        self._begin_work()
        task = asyncio.get_running_loop().create_task(work, name=name)
        task.add_done_callback(self._work_done)
        return task

    def _begin_work(self) -> None:
        self._working += 1
        self._idle.clear()

    def _end_work(self) -> None:
        self._working -= 1
        if self._working == 0:
            self._idle.set()

    def _work_done(self, task: asyncio.Task[None]) -> None:
        self._end_work()
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("Background work %s failed", task.get_name(), exc_info=error)

    async def setup_hook(self) -> None:
        """Open the database, start detection, load every cog (which registers its persistent items), sync."""
        cipher = FieldCipher.from_env(self.config.storage.key_env)
        self._store = await Store.open(self.config.storage.path, cipher)
        self._policies = PolicyCache(self._store)
        self._detection = self._detection_service()
        await self._detection.start()
        for name in extension_names():
            await self.load_extension(name)
        log.info("Loaded %d cogs: %s", len(self.cogs), ", ".join(sorted(self.cogs)))
        await self.sync_commands()

    def _detection_service(self) -> DetectionService:
        """The service around the configured engine; a given `engine_factory` runs in a thread (tests share one)."""
        if self._engine_factory is not None:
            return DetectionService(self._engine_factory, worker=WorkerKind.THREAD)
        settings = self.config.detection
        factory = functools.partial(
            Engine.load,
            settings.model,
            ner=settings.ner,
            regions=settings.phone_regions,
            threshold=settings.threshold,
        )
        return DetectionService(factory, worker=WorkerKind(settings.worker))

    async def sync_commands(self) -> None:
        """Register app commands: to the configured guilds only (instant, for testing) or globally."""
        guild_ids = self.config.discord.command_guilds
        if not guild_ids:
            synced = await self.tree.sync()
            log.info("Synced %d global app commands", len(synced))
            return
        for guild_id in guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d app commands to guild %s", len(synced), guild_id)

    async def on_ready(self) -> None:
        """Log who we are and where."""
        assert self.user is not None  # noqa: S101 - discord.py sets the user before READY is dispatched
        log.info("Connected as %s (%s) to %d guilds", self.user, self.user.id, len(self.guilds))

    async def close(self) -> None:
        """Let work in progress finish, disconnect from Discord, let database writes finish and close the database."""
        if not self._idle.is_set():
            log.info("Waiting for %d piece(s) of work in progress before closing", self._working)
            try:
                await asyncio.wait_for(self._idle.wait(), DRAIN_SECONDS)
            except TimeoutError:
                log.warning("Closing with %d piece(s) of work still in progress", self._working)
        await super().close()
        if self._detection is not None:
            await self._detection.close()
            self._detection = None
        if self._store is not None:
            await self._store.close()
            self._store = None
            log.info("Database closed")


def create_bot(
    config: Config, *, engine_factory: Callable[[], Engine] | None = None, **client_options: Any
) -> ConfidantBot:
    """Build the bot; `client_options` go to discord.py (tests pass `guild_ready_timeout=0.05`).

    `engine_factory` replaces the configured detection engine (tests pass one that returns a shared engine).
    """
    return ConfidantBot(config, engine_factory=engine_factory, **client_options)
