"""Span scoring follows the benchmark README: judged labels only, HANDLE as URL, one-to-one exact and overlap matching."""

from dataclasses import astuple

import pytest

from benchmarks.scoring import MatchMode, Prf, Span, judging_for, match_count, prepare_predictions, score_set

EXACT, OVERLAP = MatchMode.EXACT, MatchMode.OVERLAP


def spans(*triples):
    return [Span(start, end, label) for start, end, label in triples]


def record(rid, text, *triples):
    return {"id": rid, "text": text, "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in triples]}


def scan(rid, text, *triples, flagged=False):
    findings = [
        {"start": s, "end": e, "label": lab, "score": 0.9, "rule": "t", "subject": "unknown"} for s, e, lab in triples
    ]
    return {"id": rid, "text": text, "findings": findings, "risk": 0.0, "flagged": flagged}


# fmt: off
MATCHES = [
    # gold                                          predicted                                        mode     matched per label
    ([(0, 4, "PERSON")],                            [(0, 4, "PERSON")],                              EXACT,   {"PERSON": 1}),
    ([(0, 4, "PERSON")],                            [(0, 5, "PERSON")],                              EXACT,   {}),
    ([(0, 4, "PERSON")],                            [(0, 5, "PERSON")],                              OVERLAP, {"PERSON": 1}),
    ([(0, 4, "PERSON")],                            [(3, 9, "PERSON")],                              OVERLAP, {"PERSON": 1}),
    ([(0, 4, "PERSON")],                            [(4, 9, "PERSON")],                              OVERLAP, {}),
    ([(0, 4, "PERSON")],                            [(0, 4, "ORG")],                                 OVERLAP, {}),
    ([(0, 4, "PERSON")],                            [(0, 2, "PERSON"), (2, 4, "PERSON")],            OVERLAP, {"PERSON": 1}),
    ([(0, 2, "PERSON"), (3, 5, "PERSON")],          [(0, 5, "PERSON")],                              OVERLAP, {"PERSON": 1}),
    ([(0, 5, "ORG"), (6, 12, "ORG")],               [(3, 12, "ORG"), (0, 2, "ORG")],                 OVERLAP, {"ORG": 2}),
    ([(0, 4, "PERSON"), (5, 9, "LOCATION")],        [(0, 4, "PERSON"), (5, 9, "LOCATION")],          EXACT,   {"PERSON": 1, "LOCATION": 1}),
    ([(0, 4, "PERSON")],                            [],                                              OVERLAP, {}),
    ([],                                            [(0, 4, "PERSON")],                              EXACT,   {}),
]
# fmt: on


@pytest.mark.parametrize(("gold", "predicted", "mode", "expected"), MATCHES)
def test_matching_is_one_to_one_by_label(gold, predicted, mode, expected):
    """Spans match on the same label, exactly or by a shared character, each gold and prediction at most once."""
    assert dict(match_count(spans(*gold), spans(*predicted), mode)) == expected


def test_greedy_overlap_takes_the_largest_shared_length_first():
    """A prediction goes to the gold span it shares most with, leaving the other gold span for a second prediction."""
    gold = spans((0, 5, "ORG"), (6, 12, "ORG"))
    assert match_count(gold, spans((3, 12, "ORG")), OVERLAP)["ORG"] == 1
    assert match_count(gold, spans((3, 12, "ORG"), (0, 2, "ORG")), OVERLAP)["ORG"] == 2


# fmt: off
PREPARED = [
    # set                    findings (start, end, label)                              kept spans                                dropped
    ("btc_f",                [(0, 4, "PERSON"), (5, 9, "PHONE"), (10, 14, "DATE")],    [(0, 4, "PERSON")],                       2),
    ("btc_f",                [(0, 6, "HANDLE")],                                       [(0, 6, "URL")],                          0),
    ("wnut17_test",          [(0, 6, "HANDLE"), (7, 9, "OTHER")],                      [(0, 6, "URL"), (7, 9, "OTHER")],         0),
    ("btc_f",                [(7, 9, "OTHER")],                                        [],                                       1),
    ("btc_f",                [(0, 6, "HANDLE"), (0, 6, "URL"), (0, 4, "PERSON")],      [(0, 6, "URL"), (0, 4, "PERSON")],        0),
    ("clean_support_chat",   [(0, 4, "PERSON"), (0, 6, "HANDLE")],                     [],                                       2),
]
# fmt: on


@pytest.mark.parametrize(("data_set", "findings", "kept", "dropped"), PREPARED)
def test_predictions_are_mapped_filtered_and_deduplicated(data_set, findings, kept, dropped):
    """HANDLE becomes URL, unjudged labels are dropped and counted, identical spans count once."""
    prepared = prepare_predictions(scan("x", "", *findings)["findings"], judging_for(data_set))
    assert prepared == (spans(*kept), dropped)


@pytest.mark.parametrize(
    ("data_set", "judged"),
    [
        ("wnut17_test", {"PERSON", "LOCATION", "ORG", "URL", "OTHER"}),
        ("wnut17_dev", {"PERSON", "LOCATION", "ORG", "URL", "OTHER"}),
        ("btc_f", {"PERSON", "LOCATION", "ORG", "URL"}),
        ("clean_support_chat", set()),
    ],
)
def test_each_set_judges_the_labels_its_readme_lists(data_set, judged):
    """The judged-label table matches the benchmark README."""
    assert judging_for(data_set).judged == judged


def test_unknown_set_is_refused():
    """A set without a judged-label entry raises ValueError naming it."""
    with pytest.raises(ValueError, match="'mystery'"):
        judging_for("mystery")


# fmt: off
PRF = [
    # matched gold predicted   precision recall f1
    (1,       2,   4,          0.25,     0.5,   1 / 3),
    (3,       3,   3,          1.0,      1.0,   1.0),
    (0,       3,   0,          0.0,      0.0,   0.0),
    (0,       0,   2,          0.0,      0.0,   0.0),
    (0,       0,   0,          0.0,      0.0,   0.0),
]
# fmt: on


@pytest.mark.parametrize(("matched", "gold", "predicted", "precision", "recall", "f1"), PRF)
def test_zero_denominators_give_zero(matched, gold, predicted, precision, recall, f1):
    """Precision, recall and F1 are 0.0 wherever their denominator is 0."""
    assert astuple(Prf.of(matched, gold, predicted)) == pytest.approx((precision, recall, f1))


TEXT = "Ann met Bob in Oslo @ann http://x.y"


def test_micro_scores_pool_the_judged_labels():
    """Micro scores add up matches, gold and predictions across labels; unjudged predictions do not count."""
    gold = [
        record("a", TEXT, (0, 3, "PERSON"), (8, 11, "PERSON"), (15, 19, "LOCATION"), (20, 24, "URL")),
        record("b", TEXT, (25, 35, "URL")),
    ]
    predictions = [
        scan("a", TEXT, (0, 3, "PERSON"), (8, 10, "PERSON"), (20, 24, "HANDLE"), (0, 3, "PHONE"), flagged=True),
        scan("b", TEXT, (25, 35, "URL"), (15, 19, "ORG")),
    ]
    score = score_set("btc_f", gold, predictions)
    by_label = {s.label: s for s in score.labels}
    assert (by_label["PERSON"].exact_matched, by_label["PERSON"].overlap_matched) == (1, 2)
    assert (by_label["URL"].gold, by_label["URL"].predicted, by_label["URL"].exact_matched) == (2, 2, 2)
    assert (by_label["ORG"].predicted, by_label["ORG"].overlap_matched) == (1, 0)
    assert (score.micro.gold, score.micro.predicted) == (5, 5)
    assert (score.micro.exact_matched, score.micro.overlap_matched) == (3, 4)
    assert astuple(score.micro.overlap) == pytest.approx((0.8, 0.8, 0.8))
    assert score.dropped_predictions == 1


def test_flagged_shares_split_by_gold_spans():
    """The flagged share is counted apart for messages with and without gold spans."""
    gold = [
        record("a", TEXT, (0, 3, "PERSON")),
        record("b", TEXT, (0, 3, "PERSON")),
        record("c", TEXT),
        record("d", TEXT),
    ]
    predictions = [scan("a", TEXT, flagged=True), scan("b", TEXT), scan("c", TEXT, flagged=True), scan("d", TEXT)]
    score = score_set("btc_f", gold, predictions)
    assert (score.flagged_with_gold.messages, score.flagged_with_gold.flagged) == (2, 1)
    assert (score.flagged_without_gold.messages, score.flagged_without_gold.flagged) == (2, 1)
    assert score.flagged_with_gold.share == score.flagged_without_gold.share == 0.5


def test_empty_predictions_score_zero():
    """A system that finds nothing scores zero everywhere without dividing by zero."""
    gold = [record("a", TEXT, (0, 3, "PERSON")), record("b", TEXT)]
    score = score_set("btc_f", gold, [scan("a", TEXT), scan("b", TEXT)])
    assert score.micro.exact == score.micro.overlap == Prf(0.0, 0.0, 0.0)
    assert score.micro.predicted == 0


def test_clean_set_scores_only_false_flags():
    """On the clean chat set every prediction is unjudged and only the false-flag share means anything."""
    gold = [record("a", TEXT), record("b", TEXT)]
    score = score_set("clean_support_chat", gold, [scan("a", TEXT, (0, 3, "PERSON"), flagged=True), scan("b", TEXT)])
    assert score.labels == ()
    assert (score.micro.gold, score.micro.predicted, score.dropped_predictions) == (0, 0, 1)
    assert score.flagged_without_gold.share == 0.5
    assert score.flagged_with_gold.messages == 0
    assert score.flagged_with_gold.share == 0.0


def test_other_gold_spans_count_on_wnut17():
    """WNUT17 judges OTHER, so an unfound product or creative work lowers recall."""
    gold = [record("a", TEXT, (0, 3, "PERSON"), (8, 11, "OTHER"))]
    score = score_set("wnut17_test", gold, [scan("a", TEXT, (0, 3, "PERSON"))])
    assert score.micro.overlap.recall == 0.5


@pytest.mark.parametrize(
    ("prediction", "message"),
    [
        (scan("b", TEXT), "'b' is where gold 'a'"),
        (scan("a", "other text"), "different text"),
        ({"id": "a", "text": TEXT, "flagged": False}, "'findings'"),
        ({"id": "a", "text": TEXT, "findings": []}, "'flagged'"),
    ],
)
def test_misaligned_predictions_are_refused(prediction, message):
    """A prediction with another id or text, or without findings or flagged, raises ValueError."""
    with pytest.raises(ValueError, match=message):
        score_set("btc_f", [record("a", TEXT)], [prediction])


def test_prediction_count_must_match():
    """Fewer predictions than gold records raise ValueError."""
    with pytest.raises(ValueError, match="2 gold records but 1 predictions"):
        score_set("btc_f", [record("a", TEXT), record("b", TEXT)], [scan("a", TEXT)])


def test_as_dict_spells_out_scores():
    """The JSON view carries counts and derived P/R/F1 for both matching modes."""
    score = score_set("btc_f", [record("a", TEXT, (0, 3, "PERSON"))], [scan("a", TEXT, (0, 2, "PERSON"))])
    micro = score.as_dict()["micro"]
    assert micro["exact"] == {"matched": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert micro["overlap"] == {"matched": 1, "precision": 1.0, "recall": 1.0, "f1": 1.0}
