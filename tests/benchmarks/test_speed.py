"""The speed benchmark runs end to end on a few messages and reports every figure; it asserts no timings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import speed

SCRIPT = Path(speed.__file__)
SMALL = ("--limit", "50", "--runs", "1", "--burst", "50", "--latency-sample", "20")


@pytest.fixture(scope="module")
def speed_data(data_dir) -> Path:
    if not all((data_dir / name).is_file() for name in speed.MESSAGE_FILES):
        pytest.skip(f"speed messages {speed.MESSAGE_FILES} not found in {data_dir}")
    return data_dir


def run_cli(*args, data_dir):
    env = {**os.environ, speed.DATA_ENV: str(data_dir)}
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=SCRIPT.parents[1], timeout=300)


def test_json_report_has_every_figure_for_both_workers(speed_data):
    """A one-run JSON report on 50 messages has raw and engine rates, latencies, memory and lag for both workers."""
    result = run_cli(*SMALL, "--json", data_dir=speed_data)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["config"]["messages"] == 50
    assert report["config"]["pipe_names"] == ["ner"]
    summary = report["summary"]
    in_process = ("raw_rate", "engine_rate", "ratio", "raw_p50_ms", "raw_p99_ms", "engine_p50_ms", "engine_p99_ms")
    for key in in_process:
        assert summary[key]["min"] <= summary[key]["median"] <= summary[key]["max"]
    for kind in ("thread", "process"):
        for key in ("burst_rate", "lag_p50_ms", "lag_p99_ms", "lag_max_ms", "bot_peak_rss_mb"):
            assert summary[f"{kind}_{key}"]["median"] >= 0
        assert summary[f"{kind}_burst"]["median"] == 50
    assert summary["process_worker_peak_rss_mb"]["median"] > summary["process_bot_peak_rss_mb"]["median"]
    assert report["main_peak_rss_mb"] > 0


def test_table_names_both_workers_and_the_ratio(speed_data):
    """The readable report shows the engine/raw ratio and a column per worker kind."""
    result = run_cli(*SMALL, data_dir=speed_data)
    assert result.returncode == 0, result.stderr
    assert "engine / raw ratio" in result.stdout
    assert "thread" in result.stdout and "process" in result.stdout
    assert "loop lag p99 ms" in result.stdout


def test_missing_messages_exit_2_naming_the_directory(tmp_path):
    """Without the message files the script exits 2 and names where it looked."""
    result = run_cli("--runs", "1", data_dir=tmp_path)
    assert result.returncode == 2
    assert str(tmp_path) in result.stderr


def test_percentile_interpolates_between_order_statistics():
    """The median of 1..4 is 2.5, and the 0 and 1 quantiles are the extremes."""
    assert speed.percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert speed.percentile([4.0, 1.0, 3.0, 2.0], 0.0) == 1.0
    assert speed.percentile([4.0, 1.0, 3.0, 2.0], 1.0) == 4.0
