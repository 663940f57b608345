"""`confidant scan`: the detection engine on text from stdin, one JSON result per input line (DESIGN.md contract)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TextIO

from rules.detection.engine import Engine, ScanRequest, ScanResult
from rules.detection.findings import ScanInput

# Lines read and scanned together; big enough for nlp.pipe to batch well, small enough to stream.
CHUNK = 256


def parse_line(line: str, *, jsonl: bool) -> dict[str, Any]:
    """Turn one input line into a record with a string "text" field; raise ValueError saying what is wrong."""
    if not jsonl:
        return {"text": line}
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    if not isinstance(record.get("text"), str):
        raise ValueError('expected a string field "text"')
    return record


def render(record: dict[str, Any], result: ScanResult) -> dict[str, Any]:
    """The output object: the input's fields, then findings, risk and whether it would be flagged."""
    findings = [
        {
            "start": f.start,
            "end": f.end,
            "label": str(f.label),
            "score": f.score,
            "rule": f.rule,
            "subject": str(f.subject),
            "direct": f.direct,
            "explanation": f.explanation,
        }
        for f in result.findings
    ]
    return {**record, "findings": findings, "risk": result.risk, "flagged": result.flagged}


def scan_stream(
    engine: Engine, lines: Iterable[str], *, jsonl: bool, threshold: float | None
) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield (line number, output object or None, error or None) for each input line, in order."""
    numbered = enumerate((line.rstrip("\r\n") for line in lines), start=1)
    while chunk := list(islice(numbered, CHUNK)):
        parsed: list[tuple[int, dict[str, Any] | None, str | None]] = []
        for number, line in chunk:
            try:
                parsed.append((number, parse_line(line, jsonl=jsonl), None))
            except ValueError as exc:
                parsed.append((number, None, str(exc)))
        good = [(number, record) for number, record, _ in parsed if record is not None]
        results = iter(engine.scan_batch([ScanRequest(ScanInput(r["text"]), threshold=threshold) for _, r in good]))
        for number, record, error in parsed:
            yield number, (render(record, next(results)) if record is not None else None), error


def run_scan(
    engine: Engine,
    *,
    jsonl: bool,
    threshold: float | None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    """Scan stdin to stdout; report bad lines on stderr (and as error objects, keeping lines aligned)."""
    bad = 0
    for number, output, error in scan_stream(engine, stdin, jsonl=jsonl, threshold=threshold):
        if error is not None:
            bad += 1
            print(f"confidant scan: line {number}: {error}", file=stderr)
            output = {"line": number, "error": error}
        stdout.write(json.dumps(output, ensure_ascii=False) + "\n")
    stdout.flush()
    return 2 if bad else 0
