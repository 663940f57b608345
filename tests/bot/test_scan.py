"""`confidant scan` follows the contract in DESIGN.md: one JSON result per input line, bad lines reported."""

import json
import subprocess
import sys

import pytest


def scan(*args: str, stdin: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "scan", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """Scan three plain lines once for the module."""
    stdin = "my number is 07700 900123\nday 47 and feeling good\n\ncall jess on 07700 900456 🙂\n"
    return scan(stdin=stdin, cwd=tmp_path_factory.mktemp("cwd"))


def test_one_object_per_input_line(plain):
    """Each input line, blank ones included, gives one JSON object with the contract's fields."""
    assert plain.returncode == 0, plain.stderr
    rows = [json.loads(line) for line in plain.stdout.splitlines()]
    assert [row["text"] for row in rows] == [
        "my number is 07700 900123",
        "day 47 and feeling good",
        "",
        "call jess on 07700 900456 🙂",
    ]
    for row in rows:
        assert set(row) >= {"text", "findings", "risk", "flagged"}
        assert isinstance(row["risk"], float) and isinstance(row["flagged"], bool)
        for finding in row["findings"]:
            assert set(finding) >= {"start", "end", "label", "score", "rule", "subject"}
            assert finding["subject"] in {"self", "other", "unknown"}


def test_offsets_index_the_original_text(plain):
    """Offsets are Python string indices into the line as given."""
    rows = [json.loads(line) for line in plain.stdout.splitlines()]
    phone = next(f for f in rows[0]["findings"] if f["label"] == "PHONE")
    assert rows[0]["text"][phone["start"] : phone["end"]] == "07700 900123"
    last = rows[3]
    assert {last["text"][f["start"] : f["end"]] for f in last["findings"]} >= {"07700 900456", "jess"}
    assert rows[0]["flagged"] and not rows[1]["flagged"]


def test_jsonl_passes_other_fields_through_and_reports_bad_lines(tmp_path):
    """With --jsonl extra fields are kept; bad lines are reported, skipped over, and make the exit status 2."""
    stdin = "\n".join(
        [
            json.dumps({"id": "a", "text": "my number is 07700 900123", "meta": {"k": 1}}),
            "not json at all",
            json.dumps({"id": "c", "body": "no text field"}),
            json.dumps(["a", "list"]),
            json.dumps({"id": "e", "text": "all good here"}),
        ]
    )
    result = scan("--jsonl", stdin=stdin, cwd=tmp_path)
    assert result.returncode == 2
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    assert rows[0]["id"] == "a" and rows[0]["meta"] == {"k": 1} and rows[0]["flagged"]
    assert rows[4]["id"] == "e" and rows[4]["flagged"] is False
    assert [row.get("line") for row in rows[1:4]] == [2, 3, 4]
    errors = result.stderr.splitlines()
    assert len(errors) == 3
    assert "line 2: not valid JSON" in errors[0]
    assert 'line 3: expected a string field "text"' in errors[1]
    assert "line 4: expected a JSON object" in errors[2]
    assert "Traceback" not in result.stderr


def test_threshold_option_overrides_config(tmp_path):
    """--threshold decides `flagged`; the findings stay the same."""
    low = json.loads(scan("--threshold", "0.0", stdin="I'm 34\n", cwd=tmp_path).stdout)
    high = json.loads(scan("--threshold", "1.0", stdin="I'm 34\n", cwd=tmp_path).stdout)
    assert low["flagged"] and not high["flagged"]
    assert low["findings"] == high["findings"]


def test_bad_threshold_and_bad_config_exit_2(tmp_path):
    """A threshold outside 0..1 or a broken --config file is one clear line and exit 2."""
    bad = scan("--threshold", "3", stdin="x\n", cwd=tmp_path)
    assert bad.returncode == 2 and "--threshold" in bad.stderr
    config = tmp_path / "c.toml"
    config.write_text("[detection]\nthreshold = 'x'\n", encoding="utf-8")
    broken = scan("--config", str(config), stdin="x\n", cwd=tmp_path)
    assert broken.returncode == 2
    assert "detection.threshold" in broken.stderr and "Traceback" not in broken.stderr


def test_config_threshold_is_used(tmp_path):
    """The threshold in --config decides `flagged` when no --threshold is given."""
    config = tmp_path / "c.toml"
    config.write_text("[detection]\nthreshold = 0.0\n", encoding="utf-8")
    row = json.loads(scan("--config", str(config), stdin="I'm 34\n", cwd=tmp_path).stdout)
    assert row["flagged"]
