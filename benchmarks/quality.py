"""Detection quality per label on the labelled sets in ../shared/benchmarks: Confidant, and Presidio beside it.

Confidant is measured through its command line (`confidant scan --jsonl`, see "Detection engine contract" in
DESIGN.md), or from a file of saved scan output (`--predictions`), never through its Python API. Scoring rules are
in benchmarks/scoring.py; the Presidio baseline is benchmarks/presidio_baseline.py (`pip install -e '.[bench]'`).

    python benchmarks/quality.py                                  # all three sets; Presidio too when installed
    python benchmarks/quality.py --set btc_f --limit 200 --json
    python benchmarks/quality.py --predictions scan-output.jsonl  # its set is found from its record ids
    python benchmarks/quality.py --no-confidant --set wnut17_test btc_f   # the Presidio baseline alone
    python benchmarks/quality.py --data-dir ../shared/benchmarks/train --set wnut17_dev --half odd --config C
        # half a set: scores a NER trained on the other half (rules/detection/ner/README.md, "Cross-validated")
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.presidio_baseline import DEFAULT_MODEL, PresidioBaseline, presidio_available  # noqa: E402
from benchmarks.scoring import LabelScore, SetScore, judging_for, score_set  # noqa: E402

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = ROOT.parent / "shared" / "benchmarks"
DATA_ENV = "CONFIDANT_BENCHMARK_DATA"
SETS = ("wnut17_test", "btc_f", "clean_support_chat")
HALVES = ("even", "odd")
EXIT_OK, EXIT_USAGE = 0, 2


class BenchmarkError(Exception):
    """A problem with the data, a predictions file or the scanner, said in one line."""


@dataclass(frozen=True, slots=True)
class SystemResult:
    """One system's score on one set, with how long it took and where its predictions came from."""

    system: str
    source: str  # "confidant scan", the Presidio version and model, or the predictions file name
    score: SetScore
    elapsed: float | None  # seconds; None for saved predictions

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        rate = self.score.messages / self.elapsed if self.elapsed else None
        return {
            "system": self.system,
            "source": self.source,
            "elapsed_seconds": self.elapsed,
            "messages_per_second": rate,
            **self.score.as_dict(),
        }


def data_dir_from(option: str | None) -> Path:
    """The data directory: --data-dir, else $CONFIDANT_BENCHMARK_DATA, else ../shared/benchmarks."""
    return Path(option or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)


def read_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The first `limit` JSON objects of a JSONL file (all when limit is None)."""
    records: list[dict[str, Any]] = []
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if limit is not None and len(records) >= limit:
                    break
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise BenchmarkError(f"{path.name} line {number} is not JSON: {exc.msg}") from exc
    except OSError as exc:
        raise BenchmarkError(f"cannot read {path}: {exc.strerror}") from exc
    return records


def load_set(data_dir: Path, name: str, limit: int | None) -> list[dict[str, Any]]:
    """The gold records of one set."""
    judging_for(name)  # unknown sets fail before any file is read
    path = data_dir / f"{name}.jsonl"
    if not path.is_file():
        raise BenchmarkError(f"no {name}.jsonl in {data_dir} (set --data-dir or ${DATA_ENV})")
    return read_jsonl(path, limit)


def scan_command(threshold: float | None, config: Path | None) -> list[str]:
    """`confidant scan --jsonl` from this interpreter's environment, or `python -m bot scan` without the script."""
    script = Path(sys.executable).with_name("confidant")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "bot"]
    command += ["scan", "--jsonl"]
    if threshold is not None:
        command += ["--threshold", str(threshold)]
    if config is not None:
        command += ["--config", str(config)]
    return command


def run_confidant(records: Sequence[dict[str, Any]], command: Sequence[str]) -> tuple[list[dict[str, Any]], float]:
    """Feed the records' ids and texts to `confidant scan --jsonl`; its output records and the wall time taken."""
    stdin = "".join(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n" for r in records)
    log.info("Running confidant scan on %d messages", len(records))
    started = time.perf_counter()
    # S603: the command is our own console script (or this interpreter) with fixed arguments, not user input.
    result = subprocess.run(  # noqa: S603
        command, input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["no message"]
        raise BenchmarkError(f"confidant scan exited with {result.returncode}: {tail[0]}")
    try:
        output = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise BenchmarkError(f"confidant scan wrote a line that is not JSON: {exc.msg}") from exc
    if len(output) != len(records):
        raise BenchmarkError(f"confidant scan answered {len(output)} lines for {len(records)} messages")
    return output, elapsed


def assign_predictions(
    path: Path, sets: dict[str, list[dict[str, Any]]]
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """Find a predictions file's set by its ids: the set's name, its gold records, the predictions in gold order."""
    predictions = read_jsonl(path)
    if not predictions or "id" not in predictions[0]:
        raise BenchmarkError(f"{path.name}: no records with an 'id' (feed the set's JSONL to scan so ids pass through)")
    by_id = {p.get("id"): p for p in predictions}
    for name, gold in sets.items():
        if not any(r["id"] in by_id for r in gold):
            continue
        missing = [r["id"] for r in gold if r["id"] not in by_id]
        if missing:
            raise BenchmarkError(
                f"{path.name} has no prediction for {missing[0]!r} and {len(missing) - 1} more {name} records "
                "(use --limit to score a slice)"
            )
        return name, gold, [by_id[r["id"]] for r in gold]
    raise BenchmarkError(f"{path.name}: id {predictions[0]['id']!r} is in none of the sets {', '.join(sets)}")


# --- output --------------------------------------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{100 * value:5.1f}%"


def _row(label: str, system: str, score: LabelScore) -> str:
    exact, overlap = score.exact, score.overlap
    return (
        f"{label:<9} {system:<10} {score.gold:>6} {score.predicted:>6} | "
        f"{exact.precision:5.3f} {exact.recall:5.3f} {exact.f1:5.3f} | "
        f"{overlap.precision:5.3f} {overlap.recall:5.3f} {overlap.f1:5.3f}"
    )


def format_set(name: str, results: Sequence[SystemResult]) -> str:
    """A readable table of every system's scores on one set, label by label."""
    first = results[0].score
    judging = judging_for(name)
    mapped = ", ".join(f"{k} scored as {v}" for k, v in judging.label_map.items())
    judged = ", ".join(sorted(first.judged)) or "none (every flag is a false flag)"
    lines = [f"{name}: {first.messages:,} messages; judged labels: {judged}" + (f"; {mapped}" if mapped else "")]
    if first.judged:
        lines.append(f"{'label':<9} {'system':<10} {'gold':>6} {'pred':>6} | {'exact P/R/F1':<17} | overlap P/R/F1")
        for index, label in enumerate(first.labels):
            lines.extend(_row(label.label, r.system, r.score.labels[index]) for r in results)
        lines.extend(_row("micro", r.system, r.score.micro) for r in results)
    for result in results:
        score = result.score
        timing = "saved predictions"
        if result.elapsed is not None:
            timing = f"{result.elapsed:.1f} s, {score.messages / result.elapsed:,.0f} msg/s"
        shares = [
            f"{_pct(share.share)} ({share.flagged:,}/{share.messages:,}) {which}"
            for share, which in ((score.flagged_with_gold, "with gold spans"), (score.flagged_without_gold, "without"))
            if share.messages
        ]
        lines.append(
            f"{result.system:<10} flagged {', '.join(shares)}; "
            f"{score.dropped_predictions:,} unjudged predictions dropped; {timing}"
        )
    return "\n".join(lines)


# --- command line --------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", nargs="+", default=list(SETS), metavar="NAME", help="sets to score (default: all)")
    parser.add_argument(
        "--predictions",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="score saved `confidant scan --jsonl` output instead of running scan (repeatable)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        help="flag threshold: passed to scan (default: its config), and Presidio's (default 0.5)",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="score only the first N records of each set")
    parser.add_argument(
        "--half", choices=HALVES, help="score only the even- or odd-numbered records (counting from 0) of each set"
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable results instead of tables")
    parser.add_argument("--data-dir", help=f"labelled data (default: ${DATA_ENV}, else ../shared/benchmarks)")
    parser.add_argument("--config", type=Path, help="config file passed to `confidant scan --config`")
    parser.add_argument(
        "--presidio", action=argparse.BooleanOptionalAction, help="run Presidio (default: when installed)"
    )
    parser.add_argument("--confidant", action=argparse.BooleanOptionalAction, default=True, help="run confidant scan")
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"spaCy model for Presidio (default {DEFAULT_MODEL})")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    if args.presidio is None:
        args.presidio = presidio_available()
    elif args.presidio and not presidio_available():
        parser.error("--presidio needs presidio-analyzer: pip install -e '.[bench]'")
    if not (args.confidant or args.predictions or args.presidio):
        parser.error("nothing to score: --no-confidant without --predictions needs Presidio")
    return args


def run(args: argparse.Namespace) -> list[tuple[str, list[SystemResult]]]:
    """Score every requested system on every requested set."""
    data_dir = data_dir_from(args.data_dir)
    sets = {name: load_set(data_dir, name, args.limit) for name in args.set}
    if args.half:
        sets = {name: records[HALVES.index(args.half) :: 2] for name, records in sets.items()}
    results: dict[str, list[SystemResult]] = {}
    if args.predictions:
        for path in args.predictions:
            name, gold, predictions = assign_predictions(path, sets)
            results.setdefault(name, []).append(
                SystemResult("confidant", path.name, score_set(name, gold, predictions), None)
            )
    elif args.confidant:
        for name, gold in sets.items():
            predictions, elapsed = run_confidant(gold, scan_command(args.threshold, args.config))
            results[name] = [SystemResult("confidant", "confidant scan", score_set(name, gold, predictions), elapsed)]
    else:
        results = {name: [] for name in sets}
    if args.presidio:
        started = time.perf_counter()
        flag_threshold = 0.5 if args.threshold is None else args.threshold
        baseline = PresidioBaseline(args.model, flag_threshold=flag_threshold)
        log.info("Presidio loaded %s in %.1f s", args.model, time.perf_counter() - started)
        for name in results:
            gold = sets[name]
            started = time.perf_counter()
            predictions = baseline.scan([r["text"] for r in gold])
            elapsed = time.perf_counter() - started
            results[name].append(SystemResult("presidio", baseline.source, score_set(name, gold, predictions), elapsed))
    return list(results.items())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print tables (or JSON); exit 2 with one line on stderr when something is wrong."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)  # it warns about every non-English recognizer
    args = parse_args(argv)
    try:
        results = run(args)
    except (BenchmarkError, ValueError) as exc:
        print(f"quality: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        payload = {"sets": [{"data_set": name, "systems": [r.as_dict() for r in systems]} for name, systems in results]}
        print(json.dumps(payload, indent=2))
    else:
        print("\n\n".join(format_set(name, systems) for name, systems in results))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
