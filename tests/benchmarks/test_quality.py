"""The quality CLI scores saved scan output end to end, runs a scanner as a subprocess, and fails with one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import quality
from benchmarks.presidio_baseline import ENTITY_MAP
from tests.benchmarks.conftest import SLICE

SCRIPT = Path(quality.__file__)
DESIGN_LABELS = {"PERSON", "PHONE", "EMAIL", "ADDRESS", "LOCATION", "ORG", "DATE", "ID", "URL", "HANDLE", "IP", "AGE"}


def run_cli(*args, data_dir):
    env = {**os.environ, quality.DATA_ENV: str(data_dir)}
    command = [sys.executable, str(SCRIPT), "--no-presidio", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=SCRIPT.parents[1], timeout=120)


def test_saved_predictions_score_as_worked_out_by_hand(fake_predictions, btc_slice, data_dir):
    """A 20-record slice of stand-in scan output gets the counts its construction implies."""
    result = run_cli("--predictions", str(fake_predictions), "--limit", str(SLICE), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    (data_set,) = json.loads(result.stdout)["sets"]
    (system,) = data_set["systems"]
    gold = sum(len(r["spans"]) for r in btc_slice)
    without_spans = sum(not r["spans"] for r in btc_slice)
    assert (data_set["data_set"], system["system"], system["messages"]) == ("btc_f", "confidant", SLICE)
    assert (system["micro"]["gold"], system["micro"]["predicted"]) == (gold, gold + 1)
    assert system["micro"]["overlap"]["matched"] == gold
    assert system["micro"]["exact"]["matched"] == gold - 1
    assert system["micro"]["overlap"]["recall"] == 1.0
    assert system["dropped_predictions"] == 1
    assert system["flagged_with_gold"] == {
        "messages": SLICE - without_spans,
        "flagged": SLICE - without_spans,
        "share": 1.0,
    }
    assert system["flagged_without_gold"]["flagged"] == 0
    assert system["elapsed_seconds"] is None


def test_table_shows_every_label_and_the_micro_row(fake_predictions, data_dir):
    """The readable output has a row per judged label, a micro row and the flagged shares."""
    result = run_cli("--predictions", str(fake_predictions), "--limit", str(SLICE), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    rows = [line.split()[0] for line in result.stdout.splitlines()]
    assert rows[2:7] == ["LOCATION", "ORG", "PERSON", "URL", "micro"]
    assert "HANDLE scored as URL" in result.stdout
    assert "saved predictions" in result.stdout


def test_short_predictions_file_names_the_first_missing_record(fake_predictions, data_dir):
    """Scoring a 20-record file against the whole set exits 2 naming the first missing id and --limit."""
    result = run_cli("--predictions", str(fake_predictions), data_dir=data_dir)
    assert result.returncode == 2
    assert "'btc-f-00020'" in result.stderr and "--limit" in result.stderr


def test_predictions_of_no_known_set_are_refused(tmp_path, data_dir):
    """A predictions file whose ids belong to no set exits 2 with one line."""
    path = tmp_path / "stray.jsonl"
    path.write_text(json.dumps({"id": "nowhere-1", "text": "hi", "findings": [], "flagged": False}) + "\n")
    result = run_cli("--predictions", str(path), data_dir=data_dir)
    assert result.returncode == 2
    assert "'nowhere-1' is in none of the sets" in result.stderr


def test_missing_data_dir_says_where_it_looked(tmp_path):
    """Without the labelled data the CLI exits 2 and names the directory and the variable that moves it."""
    result = run_cli("--set", "btc_f", data_dir=tmp_path)
    assert result.returncode == 2
    assert str(tmp_path) in result.stderr and quality.DATA_ENV in result.stderr


def test_env_var_moves_the_data_dir(monkeypatch, tmp_path):
    """$CONFIDANT_BENCHMARK_DATA overrides the default, and --data-dir overrides both."""
    monkeypatch.delenv(quality.DATA_ENV, raising=False)
    assert quality.data_dir_from(None) == quality.ROOT.parent / "shared" / "benchmarks"
    monkeypatch.setenv(quality.DATA_ENV, str(tmp_path))
    assert quality.data_dir_from(None) == tmp_path
    assert quality.data_dir_from("elsewhere") == Path("elsewhere")


STAND_IN = """
import json, sys
for line in sys.stdin:
    record = json.loads(line)
    start = record["text"].find("Palau")
    findings = [{"start": start, "end": start + 5, "label": "LOCATION", "score": 0.8, "rule": "stand-in",
                 "subject": "unknown"}] if start >= 0 else []
    print(json.dumps({**record, "findings": findings, "risk": 0.8 * bool(findings), "flagged": bool(findings)}))
"""


def test_scanner_runs_as_a_subprocess_fed_ids_and_texts(btc_slice):
    """The scanner gets one JSON line per record and its answers come back in order, timed."""
    output, elapsed = quality.run_confidant(btc_slice, [sys.executable, "-c", STAND_IN])
    assert [o["id"] for o in output] == [r["id"] for r in btc_slice]
    assert "spans" not in output[0]  # the scanner never sees the gold labels
    assert [o["flagged"] for o in output] == ["Palau" in r["text"] for r in btc_slice]
    assert elapsed > 0


def test_failing_scanner_is_reported_with_its_last_error_line(btc_slice):
    """A scanner that exits non-zero raises BenchmarkError with its exit code and last stderr line."""
    failing = [sys.executable, "-c", "import sys; sys.exit('confidant: bad input on line 1')"]
    with pytest.raises(quality.BenchmarkError, match="exited with 1: confidant: bad input on line 1"):
        quality.run_confidant(btc_slice, failing)


def test_presidio_entities_map_onto_confidant_labels():
    """Every Presidio entity type maps to a label of the detection contract, or is dropped on purpose."""
    assert {label for label in ENTITY_MAP.values() if label is not None} <= DESIGN_LABELS
    assert ENTITY_MAP["NRP"] is None


@pytest.fixture(scope="module")
def presidio():
    pytest.importorskip("presidio_analyzer")
    from benchmarks.presidio_baseline import PresidioBaseline

    return PresidioBaseline(flag_threshold=0.5)


def test_presidio_answers_in_the_scan_format(presidio):
    """Presidio's findings come back as scan records with Confidant labels; dates alone do not flag."""
    person, date = presidio.scan(["Please call John Smith at john.smith@example.com", "See you next Tuesday"])
    assert {f["label"] for f in person["findings"]} >= {"PERSON", "EMAIL"}
    assert person["flagged"] is True
    assert {f["label"] for f in date["findings"]} == {"DATE"}
    assert date["flagged"] is False


def test_the_two_halves_add_up_to_the_whole(fake_predictions, data_dir):
    """--half even and --half odd score disjoint halves whose counts sum to the whole slice's."""

    def micro(*extra):
        args = ("--predictions", str(fake_predictions), "--limit", str(SLICE), "--json", *extra)
        result = run_cli(*args, data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        (system,) = json.loads(result.stdout)["sets"][0]["systems"]
        return system["messages"], system["micro"]["gold"], system["micro"]["predicted"]

    whole, even, odd = micro(), micro("--half", "even"), micro("--half", "odd")
    assert even[0] == odd[0] == SLICE // 2
    assert tuple(e + o for e, o in zip(even, odd, strict=True)) == whole
    assert even != odd
