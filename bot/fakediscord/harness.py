"""Running a discord.py client against the fake: patching, startup, error capture and a watchdog."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import yarl

if TYPE_CHECKING:
    from discord import Client

    from .server import FakeDiscord

log = logging.getLogger(__name__)

_active: list[FakeDiscord] = []


@contextlib.contextmanager
def patch_discord(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's Route.BASE, DEFAULT_GATEWAY and Asset.BASE at the fake; restore them afterwards."""
    from discord.asset import Asset
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    if _active and _active[-1] is not fake:
        raise RuntimeError("another FakeDiscord is already patched in; discord.py's URLs are process-global")
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY, Asset.BASE)
    Route.BASE = fake.api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    Asset.BASE = f"{fake.base_url}/cdn"
    _active.append(fake)
    try:
        yield
    finally:
        _active.pop()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY, Asset.BASE = saved


class _ErrorCapture(logging.Handler):
    """Collects ERROR records of the `discord` logger into fake.errors."""

    def __init__(self, fake: FakeDiscord) -> None:
        super().__init__(level=logging.ERROR)
        self.fake = fake
        self.logger = logging.getLogger("discord")
        self._saved_level = self.logger.level

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.fake.errors.append(record)

    def __enter__(self) -> _ErrorCapture:
        # Records below the logger's effective level never reach handlers, so make sure ERROR gets through.
        if self.logger.getEffectiveLevel() > logging.ERROR:
            self.logger.setLevel(logging.ERROR)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self._saved_level)


def describe(record: logging.LogRecord) -> str:
    """A record with its traceback, as text."""
    return logging.Formatter("%(levelname)s %(name)s: %(message)s").format(record)


@contextlib.asynccontextmanager
async def running(
    fake: FakeDiscord,
    bot: Client,
    *,
    token: str | None,
    via_start: bool,
    allow_errors: tuple[str, ...],
    allow_unhandled: bool,
    ready_timeout: float,
) -> AsyncIterator[Client]:
    """Log in, connect, wait for READY, yield the bot, close it; then fail on errors, a dead task or unknown routes."""
    errors_before, unhandled_before, internal_before = len(fake.errors), len(fake.unhandled), len(fake.internal_errors)
    with patch_discord(fake), _ErrorCapture(fake):
        task: asyncio.Task[None] | None = None
        try:
            if via_start:
                task = asyncio.create_task(bot.start(token or fake.token), name="fakediscord-bot-start")
            else:
                await bot.login(token or fake.token)
                task = asyncio.create_task(bot.connect(), name="fakediscord-bot-connect")
            fake._bot_task = task
            await _wait_ready(fake, bot, task, ready_timeout)
            yield bot
        finally:
            await bot.close()
            crash = await _finish(task)
            fake._bot_task = None
    problems = []
    if crash is not None:
        problems.append(f"the bot task died: {crash!r}")
    allowed = [re.compile(p) for p in allow_errors]
    for record in fake.errors[errors_before:]:
        text = describe(record)
        if not any(rx.search(text) for rx in allowed):
            problems.append(text)
    problems.extend(f"the fake itself failed: {e}" for e in fake.internal_errors[internal_before:])
    unhandled = fake.unhandled[unhandled_before:]
    if unhandled and not allow_unhandled:
        problems.append("requests the fake has no route for: " + ", ".join(map(str, unhandled)))
    if problems:
        raise AssertionError("discord.py reported problems while running:\n" + "\n".join(problems))


async def _wait_ready(fake: FakeDiscord, bot: Client, task: asyncio.Task[None], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not bot.is_ready():
        if task.done():
            exc = None if task.cancelled() else task.exception()
            if exc is not None:
                raise exc
            raise AssertionError("the bot stopped before it became ready")
        if loop.time() > deadline:
            raise AssertionError(fake._timeout_message(f"the bot to become ready ({timeout}s)"))
        await asyncio.sleep(0.005)


async def _finish(task: asyncio.Task[None] | None) -> BaseException | None:
    """Wait for the bot task to end after close(); return its exception, if any."""
    if task is None:
        return None
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=5.0)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return TimeoutError("the bot task did not end within 5 s of close()")
    except asyncio.CancelledError:
        return None
    except Exception as exc:  # the harness reports whatever ended the bot task
        return exc
    return None
