"""Fixtures for benchmark tests: a slice of a real labelled set, and a stand-in for `confidant scan` output."""

import json
import string
from pathlib import Path

import pytest

from benchmarks.quality import read_jsonl

SLICE = 20


# Messages in the shared sets' format, written here so the harness is tested without the shared data.
_TEMPLATES = (
    "{handle} saw {person} in {place} today",
    "{person} works at {org} now {link}",
    "nothing to see here, just a quiet day",
    "great game by {org} in {place} {handle}",
)
_LABELS = {"handle": "URL", "person": "PERSON", "place": "LOCATION", "org": "ORG", "link": "URL"}
_VALUES = {
    "handle": ("@colgo", "@jess_r", "@mike99"),
    "person": ("Jess Smith", "Mike", "Ana Lopez"),
    "place": ("Leeds", "Palau", "Springfield"),
    "org": ("Acme Corp", "Oakwood Bakery", "Arsenal"),
    "link": ("http://t.co/McYNwpzHmt", "http://t.co/x1y2z3", "https://example.org/a"),
}


def synthetic_records(prefix: str, count: int) -> list[dict]:
    """`count` records with ids `prefix-00000`…, whose spans are known from how the text was built."""
    records = []
    for index in range(count):
        text, spans = "", []
        for literal, field, _, _ in string.Formatter().parse(_TEMPLATES[index % len(_TEMPLATES)]):
            text += literal
            if field:
                value = _VALUES[field][index % 3]
                spans.append({"start": len(text), "end": len(text) + len(value), "label": _LABELS[field]})
                text += value
        records.append({"id": f"{prefix}-{index:05d}", "text": text, "spans": spans, "meta": {}})
    return records


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """A data directory laid out like the shared one, filled with synthetic records."""
    root = tmp_path_factory.mktemp("benchmarks")
    (root / "train").mkdir()
    files = {
        "btc_f.jsonl": synthetic_records("btc-f", 40),
        "wnut17_test.jsonl": synthetic_records("wnut17-test", 40),
        "clean_support_chat.jsonl": [dict(r, spans=[]) for r in synthetic_records("clean", 8)],
        "train/wnut17_train.jsonl": synthetic_records("wnut17-train", 60),
        "train/btc_train.jsonl": synthetic_records("btc-train", 60),
    }
    for name, records in files.items():
        lines = (json.dumps(r, ensure_ascii=False) for r in records)
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


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
