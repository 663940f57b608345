"""The engine as an asyncio service: scans run off the event loop, in micro-batches, behind a bounded queue.

The bot awaits `service.scan(message)`; a single worker collects whatever is waiting (up to `max_batch`
messages, or `max_wait` seconds after the first) and hands the batch to the engine in a worker — a thread, or a
separate process so that spaCy's time holding the GIL never delays heartbeats or button replies. When the queue
is full, `scan` waits (backpressure) rather than letting memory grow without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from enum import StrEnum

from rules.detection.engine import Engine, ScanRequest, ScanResult
from rules.detection.findings import ScanInput
from rules.detection.policy import NO_POLICY, GuildPolicy

__all__ = ["DetectionService", "ServiceClosed", "WorkerKind"]

log = logging.getLogger(__name__)

# The engine of a worker process, built once by the pool's initializer.
_process_engine: Engine | None = None


class WorkerKind(StrEnum):
    """Where the engine runs."""

    THREAD = "thread"
    PROCESS = "process"


class ServiceClosed(RuntimeError):
    """The service was closed; no more scans are accepted."""


def _init_process(factory: Callable[[], Engine]) -> None:
    global _process_engine  # noqa: PLW0603 - one engine per worker process, by design
    _process_engine = factory()


def _scan_in_process(requests: list[ScanRequest]) -> list[ScanResult]:
    assert _process_engine is not None  # noqa: S101 - set by the pool initializer
    return _process_engine.scan_batch(requests)


class DetectionService:
    """Scans messages for the bot without blocking its event loop."""

    def __init__(
        self,
        factory: Callable[[], Engine],
        *,
        worker: WorkerKind = WorkerKind.PROCESS,
        max_batch: int = 32,
        max_wait: float = 0.005,
        max_queue: int = 1000,
    ) -> None:
        """Prepare the service; nothing is loaded until `start`.

        Args:
            factory: builds the engine (in the worker process, for `WorkerKind.PROCESS`; it must be picklable,
                e.g. a `functools.partial` of `Engine.load`).
            worker: run the engine in a thread or in a separate process.
            max_batch: most messages handed to the engine at once.
            max_wait: how long the first message of a batch waits for company, in seconds.
            max_queue: messages waiting beyond this make `scan` wait.
        """
        self._factory = factory
        self._worker_kind = WorkerKind(worker)
        self._max_batch = max_batch
        self._max_wait = max_wait
        self._queue: asyncio.Queue[tuple[ScanRequest, asyncio.Future[ScanResult]]] = asyncio.Queue(max_queue)
        self._executor: Executor | None = None
        self._engine: Engine | None = None
        self._runner: asyncio.Task[None] | None = None
        self._closing = False

    async def start(self) -> None:
        """Load the engine in its worker and start taking scans."""
        loop = asyncio.get_running_loop()
        if self._worker_kind is WorkerKind.PROCESS:
            # A fresh interpreter, not a fork: the bot has threads running by now (the database's, the event loop's
            # executor), and a forked child could inherit a lock one of them held.
            self._executor = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_init_process, initargs=(self._factory,)
            )
            await loop.run_in_executor(self._executor, _scan_in_process, [])  # waits for the model to load
        else:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="confidant-detect")
            self._engine = await loop.run_in_executor(self._executor, self._factory)
            # The model's many long-lived objects would make every full collection pause all threads for tens of
            # milliseconds (measured: 70 ms); moving them out of the collector's sight keeps the loop prompt.
            gc.freeze()
        self._runner = asyncio.create_task(self._run(), name="confidant-detection")
        log.info("Detection service started (%s worker)", self._worker_kind)

    async def scan(
        self, message: ScanInput, policy: GuildPolicy = NO_POLICY, threshold: float | None = None
    ) -> ScanResult:
        """Scan one message; waits while the queue is full."""
        if self._closing or self._runner is None:
            raise ServiceClosed("the detection service is not running")
        future: asyncio.Future[ScanResult] = asyncio.get_running_loop().create_future()
        await self._queue.put((ScanRequest(message, policy, threshold), future))
        return await future

    @property
    def pending(self) -> int:
        """Messages waiting to be scanned."""
        return self._queue.qsize()

    async def close(self) -> None:
        """Stop taking scans, finish the ones already queued, and stop the worker."""
        if self._closing:
            return
        self._closing = True
        if self._runner is not None:
            await self._queue.join()
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        log.info("Detection service stopped")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            deadline = loop.time() + self._max_wait
            while len(batch) < self._max_batch:
                timeout = deadline - loop.time()
                if timeout <= 0 and self._queue.empty():
                    break
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), max(timeout, 0)))
                except TimeoutError:
                    break
            await self._process(loop, batch)

    async def _process(
        self, loop: asyncio.AbstractEventLoop, batch: list[tuple[ScanRequest, asyncio.Future[ScanResult]]]
    ) -> None:
        requests = [request for request, _ in batch]
        try:
            if self._worker_kind is WorkerKind.PROCESS:
                results = await loop.run_in_executor(self._executor, _scan_in_process, requests)
            else:
                results = await loop.run_in_executor(self._executor, self._engine.scan_batch, requests)
        except Exception as exc:  # noqa: BLE001 - every waiting caller must hear about the failure
            log.exception("Detection failed for a batch of %d messages", len(requests))
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
        else:
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
        finally:
            for _ in batch:
                self._queue.task_done()
