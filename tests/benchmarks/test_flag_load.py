"""The flagging load benchmark runs end to end on a tiny burst (thread worker, shared engine); no timing asserted."""

import pytest

from benchmarks import flag_load
from tests.conftest import shared_engine

TINY = flag_load.LoadOptions(burst=30, identifying_share=0.2, min_clicks=3, timeout=60)


@pytest.fixture(scope="module")
def plan() -> list[flag_load.Planned]:
    return flag_load.plan_burst(TINY.burst, TINY.identifying_share, TINY.seed)


def test_the_burst_mixes_identifying_and_clean_messages_across_every_channel(plan):
    assert sum(item.identifying for item in plan) == 6
    assert {item.channel for item in plan} == set(range(len(flag_load.GROUP_CHANNELS) + 1))
    assert len({item.author for item in plan}) > 5
    assert plan == flag_load.plan_burst(TINY.burst, TINY.identifying_share, TINY.seed)  # seeded


async def test_a_tiny_burst_is_scanned_every_flag_posted_and_every_click_answered():
    report = await flag_load.measure(TINY, engine_factory=shared_engine)
    assert report["burst"] == report["scans"] == 30
    # Every flagged message of the burst has its post in the queue, checked in the database.
    assert report["flags_raised"] > 0
    assert report["flags_raised"] == report["flags_stored"] == report["flags_posted"] == report["queue_posts"]
    assert report["lost"] == 0
    assert report["flagged_identifying"] + report["flagged_clean"] == report["flags_stored"]
    clicks = report["clicks"]
    assert clicks["sent"] >= 3 and clicks["answered"] == clicks["sent"]
    assert 0 < clicks["p50_ms"] <= clicks["p99_ms"] <= clicks["max_ms"]
    assert report["heartbeat"]["missed"] == 0 and report["reconnects"] == 0
    assert report["lag"]["ticks"] > 0 and report["lag"]["p50_ms"] <= report["lag"]["max_ms"]
    assert report["burst_seconds"] >= report["scan_seconds"] > 0


def test_the_summary_and_verdict_read_every_run():
    runs = [
        {"lost": 0, "flags_raised": 3, "flags_posted": 3, "clicks": {"over_target": 0, "answered": 4, "max_ms": m},
         "heartbeat": {"missed": 0}}
        for m in (100.0, 300.0, 200.0)
    ]  # fmt: skip
    summary = flag_load.summarise(runs)
    assert summary["clicks_max_ms"] == {"median": 200.0, "min": 100.0, "max": 300.0}
    assert all(flag_load.verdict(runs).values())
    runs[1]["clicks"]["over_target"] = 1
    runs[2]["flags_posted"] = 2
    assert flag_load.verdict(runs) == {"clicks_under_1s": False, "no_missed_heartbeats": True, "nothing_lost": False}
