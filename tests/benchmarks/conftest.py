"""Fixtures for benchmark tests: a slice of a real labelled set, and a stand-in for `confidant scan` output."""

import json
from pathlib import Path

import pytest

from benchmarks.quality import data_dir_from, read_jsonl

SLICE = 20


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = data_dir_from(None)
    if not (path / "btc_f.jsonl").is_file():
        pytest.skip(f"labelled data not found in {path} (set CONFIDANT_BENCHMARK_DATA)")
    return path


@pytest.fixture(scope="session")
def btc_slice(data_dir) -> list[dict]:
    return read_jsonl(data_dir / "btc_f.jsonl", SLICE)


def fake_scan_output(gold: list[dict]) -> list[dict]:
    """Scan-format records built from gold with known differences, so their score can be worked out by hand.

    Every gold span is predicted; @handles come back as HANDLE. The first PERSON loses its last character (an exact
    miss, an overlap hit). The first record gains an unjudged PHONE, the first record without spans a false
    LOCATION. A record is flagged exactly when it has gold spans.
    """
    output, shortened, false_added = [], False, False
    for index, record in enumerate(gold):
        findings = []
        for span in record["spans"]:
            start, end, label = span["start"], span["end"], span["label"]
            if label == "URL" and record["text"][start] == "@":
                label = "HANDLE"
            if label == "PERSON" and not shortened and end - start > 1:
                end, shortened = end - 1, True
            findings.append(
                {"start": start, "end": end, "label": label, "score": 0.9, "rule": "fake", "subject": "other"}
            )
        if index == 0:
            findings.append({"start": 0, "end": 1, "label": "PHONE", "score": 0.9, "rule": "fake", "subject": "other"})
        if not record["spans"] and not false_added:
            findings.append(
                {"start": 0, "end": 3, "label": "LOCATION", "score": 0.2, "rule": "fake", "subject": "other"}
            )
            false_added = True
        flagged = bool(record["spans"])
        output.append(
            {
                "id": record["id"],
                "text": record["text"],
                "findings": findings,
                "risk": 0.9 * flagged,
                "flagged": flagged,
            }
        )
    return output


@pytest.fixture
def fake_predictions(tmp_path, btc_slice) -> Path:
    path = tmp_path / "btc_f-scan.jsonl"
    lines = (json.dumps(record, ensure_ascii=False) for record in fake_scan_output(btc_slice))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
