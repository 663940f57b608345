"""Span scoring of detector output against the labelled sets in ../shared/benchmarks (pure, no I/O).

Rules, all taken from ../shared/benchmarks/README.md:

- A set is scored only on the labels its corpus judges (`DATA_SETS`). Predictions of any other label are dropped
  before scoring: the corpora never mark phones or dates, so such a prediction can be neither right nor wrong.
- The sets label social @handles as URL, so a predicted HANDLE is scored as URL on them (`Judging.label_map`).
- Identical predicted spans (same start, end and label after mapping, e.g. found by two rules) count once.
- **exact** matching needs the same start, end and label. **overlap** matching needs the same label and at least
  one shared character. Both are one-to-one: each gold and each predicted span is matched at most once. Overlap
  matching is greedy: candidate pairs are taken largest shared length first (ties: earlier gold, then earlier
  prediction), skipping pairs whose gold or prediction is already matched.
- Precision, recall and F1 are 0.0 when their denominator is 0 (nothing predicted, nothing gold, P + R = 0).
- Flagged shares use the record's own `flagged` verdict, split by whether the record has a gold (judged) span.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "DATA_SETS",
    "FlagShare",
    "Judging",
    "LabelScore",
    "MatchMode",
    "Prf",
    "SetScore",
    "Span",
    "judging_for",
    "match_count",
    "prepare_predictions",
    "score_set",
]


class MatchMode(StrEnum):
    """How a predicted span must agree with a gold span to count as found."""

    EXACT = "exact"
    OVERLAP = "overlap"


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span, end exclusive."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Judging:
    """What a data set can judge: the labels its annotators marked, and how predicted labels map onto them."""

    judged: frozenset[str]
    label_map: Mapping[str, str] = field(default_factory=dict)


_NER_HANDLES = {"HANDLE": "URL"}  # the converters turned every @handle into a URL span

# Keys are fnmatch patterns over the set name (the file name without .jsonl); the first match wins.
DATA_SETS: dict[str, Judging] = {
    "wnut17_*": Judging(frozenset({"PERSON", "LOCATION", "ORG", "URL", "OTHER"}), _NER_HANDLES),
    "btc_*": Judging(frozenset({"PERSON", "LOCATION", "ORG", "URL"}), _NER_HANDLES),
    "clean_support_chat": Judging(frozenset()),  # no spans: only the false-flag rate means anything
}


def judging_for(data_set: str) -> Judging:
    """The judged labels and label mapping of a data set, by name."""
    for pattern, judging in DATA_SETS.items():
        if fnmatch.fnmatchcase(data_set, pattern):
            return judging
    raise ValueError(f"unknown data set {data_set!r}: add its judged labels to DATA_SETS in benchmarks/scoring.py")


@dataclass(frozen=True, slots=True)
class Prf:
    """Precision, recall and F1 of one count of matches."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, matched: int, gold: int, predicted: int) -> Prf:
        """Compute P/R/F1, taking 0.0 wherever a denominator is 0."""
        precision = matched / predicted if predicted else 0.0
        recall = matched / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1)


@dataclass(frozen=True, slots=True)
class LabelScore:
    """Counts and scores for one label, or for all judged labels together (label `micro`)."""

    label: str
    gold: int
    predicted: int
    exact_matched: int
    overlap_matched: int

    @property
    def exact(self) -> Prf:
        """Scores under exact matching."""
        return Prf.of(self.exact_matched, self.gold, self.predicted)

    @property
    def overlap(self) -> Prf:
        """Scores under overlap matching."""
        return Prf.of(self.overlap_matched, self.gold, self.predicted)


@dataclass(frozen=True, slots=True)
class FlagShare:
    """How many of some messages were flagged."""

    messages: int
    flagged: int

    @property
    def share(self) -> float:
        """The flagged fraction, 0.0 when there are no messages."""
        return self.flagged / self.messages if self.messages else 0.0


@dataclass(frozen=True, slots=True)
class SetScore:
    """The score of one system on one data set."""

    data_set: str
    judged: frozenset[str]
    messages: int
    labels: tuple[LabelScore, ...]
    micro: LabelScore
    flagged_with_gold: FlagShare
    flagged_without_gold: FlagShare
    dropped_predictions: int  # predictions of labels the set cannot judge

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view, with the derived scores spelled out."""

        def label(score: LabelScore) -> dict[str, Any]:
            return {
                "label": score.label,
                "gold": score.gold,
                "predicted": score.predicted,
                "exact": {"matched": score.exact_matched, **_prf_dict(score.exact)},
                "overlap": {"matched": score.overlap_matched, **_prf_dict(score.overlap)},
            }

        def share(value: FlagShare) -> dict[str, Any]:
            return {"messages": value.messages, "flagged": value.flagged, "share": value.share}

        return {
            "data_set": self.data_set,
            "judged": sorted(self.judged),
            "messages": self.messages,
            "labels": [label(s) for s in self.labels],
            "micro": label(self.micro),
            "flagged_with_gold": share(self.flagged_with_gold),
            "flagged_without_gold": share(self.flagged_without_gold),
            "dropped_predictions": self.dropped_predictions,
        }


def _prf_dict(prf: Prf) -> dict[str, float]:
    return {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1}


def prepare_predictions(findings: Iterable[Mapping[str, Any]], judging: Judging) -> tuple[list[Span], int]:
    """Map, filter and de-duplicate predicted findings: the spans to score, and how many were dropped as unjudged."""
    spans: dict[Span, None] = {}  # a dict keeps first-seen order while de-duplicating
    dropped = 0
    for finding in findings:
        label = judging.label_map.get(finding["label"], finding["label"])
        if label not in judging.judged:
            dropped += 1
            continue
        spans.setdefault(Span(int(finding["start"]), int(finding["end"]), label), None)
    return list(spans), dropped


def match_count(gold: Sequence[Span], predicted: Sequence[Span], mode: MatchMode) -> Counter[str]:
    """Matched pairs per label, one-to-one; overlap pairs are chosen greedily, largest shared length first."""
    candidates: list[tuple[int, int, int]] = []  # (-shared length, gold index, predicted index)
    for g, gold_span in enumerate(gold):
        for p, pred_span in enumerate(predicted):
            if gold_span.label != pred_span.label:
                continue
            if mode is MatchMode.EXACT:
                if (gold_span.start, gold_span.end) == (pred_span.start, pred_span.end):
                    candidates.append((0, g, p))
            else:
                shared = min(gold_span.end, pred_span.end) - max(gold_span.start, pred_span.start)
                if shared > 0:
                    candidates.append((-shared, g, p))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matched: Counter[str] = Counter()
    for _, g, p in sorted(candidates):
        if g in used_gold or p in used_pred:
            continue
        used_gold.add(g)
        used_pred.add(p)
        matched[gold[g].label] += 1
    return matched


def score_set(
    data_set: str, gold_records: Sequence[Mapping[str, Any]], predictions: Sequence[Mapping[str, Any]]
) -> SetScore:
    """Score predictions (scan output, same order and ids as the gold records) against one data set."""
    if len(gold_records) != len(predictions):
        raise ValueError(f"{data_set}: {len(gold_records)} gold records but {len(predictions)} predictions")
    judging = judging_for(data_set)
    gold_counts: Counter[str] = Counter()
    pred_counts: Counter[str] = Counter()
    exact: Counter[str] = Counter()
    overlap: Counter[str] = Counter()
    dropped = 0
    with_gold = [0, 0]  # messages, flagged
    without_gold = [0, 0]
    for gold_record, prediction in zip(gold_records, predictions, strict=True):
        _check_alignment(data_set, gold_record, prediction)
        gold = [Span(s["start"], s["end"], s["label"]) for s in gold_record["spans"] if s["label"] in judging.judged]
        predicted, unjudged = prepare_predictions(prediction["findings"], judging)
        dropped += unjudged
        gold_counts.update(span.label for span in gold)
        pred_counts.update(span.label for span in predicted)
        exact.update(match_count(gold, predicted, MatchMode.EXACT))
        overlap.update(match_count(gold, predicted, MatchMode.OVERLAP))
        tally = with_gold if gold else without_gold
        tally[0] += 1
        tally[1] += bool(prediction["flagged"])
    labels = tuple(
        LabelScore(label, gold_counts[label], pred_counts[label], exact[label], overlap[label])
        for label in sorted(judging.judged)
    )
    micro = LabelScore(
        "micro",
        sum(s.gold for s in labels),
        sum(s.predicted for s in labels),
        sum(s.exact_matched for s in labels),
        sum(s.overlap_matched for s in labels),
    )
    return SetScore(
        data_set=data_set,
        judged=judging.judged,
        messages=len(gold_records),
        labels=labels,
        micro=micro,
        flagged_with_gold=FlagShare(*with_gold),
        flagged_without_gold=FlagShare(*without_gold),
        dropped_predictions=dropped,
    )


def _check_alignment(data_set: str, gold: Mapping[str, Any], prediction: Mapping[str, Any]) -> None:
    """Refuse a prediction whose id or text differs from its gold record: its offsets would mean nothing."""
    if "id" in prediction and prediction["id"] != gold["id"]:
        raise ValueError(f"{data_set}: prediction {prediction['id']!r} is where gold {gold['id']!r} should be")
    if "text" in prediction and prediction["text"] != gold["text"]:
        raise ValueError(f"{data_set}: prediction for {gold['id']!r} carries a different text")
    for key in ("findings", "flagged"):
        if key not in prediction:
            raise ValueError(f"{data_set}: prediction for {gold['id']!r} has no {key!r} field")
