"""Flagging decisions: thresholds for newcomers, masking, nudges and the automatic hold."""

from datetime import UTC, datetime, timedelta

import pytest

from rules.detection.findings import Finding, Label
from rules.flagging import FlagRules, RiskLevel, holdable, mask, risk_level

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "spans", "masked"),
    [
        ("call me on 07700 900123", [(11, 23, "PHONE")], "call me on [PHONE]"),
        ("jess works at Tesco", [(14, 19, "ORG"), (0, 4, "PERSON")], "[PERSON] works at [ORG]"),
        ("overlap here", [(0, 7, "PERSON"), (4, 12, "ORG")], "[PERSON][ORG]"),
        ("nothing", [], "nothing"),
        ("whole", [(0, 5, "EMAIL")], "[EMAIL]"),
    ],
)
def test_mask_replaces_every_span_with_its_label(text, spans, masked) -> None:
    assert mask(text, spans) == masked


def test_mask_never_leaves_a_detail_behind() -> None:
    text = "my number is 555 867 5309 and email jess@example.com"
    masked = mask(text, [(13, 25, "PHONE"), (36, 52, "EMAIL")])
    assert "5309" not in masked and "jess" not in masked


@pytest.mark.parametrize(
    ("risk", "level"), [(0.1, RiskLevel.LOW), (0.5, RiskLevel.MEDIUM), (0.79, RiskLevel.MEDIUM), (0.8, RiskLevel.HIGH)]
)
def test_risk_levels(risk, level) -> None:
    assert risk_level(risk) is level


def test_newcomers_get_the_stricter_threshold_for_their_first_days() -> None:
    rules = FlagRules(threshold=0.5, newcomer_threshold=0.35, newcomer_days=7)
    assert rules.threshold_for(NOW - timedelta(days=2), NOW) == 0.35
    assert rules.threshold_for(NOW - timedelta(days=8), NOW) == 0.5
    assert rules.threshold_for(None, NOW) == 0.5
    assert FlagRules(threshold=0.3, newcomer_threshold=0.35).threshold_for(NOW, NOW) == 0.3  # never laxer
    assert FlagRules(newcomer_days=0).threshold_for(NOW, NOW) == 0.5


def phone(score: float, *, direct: bool = True, label: Label = Label.PHONE) -> Finding:
    return Finding(label, 0, 5, score, "phone", direct=direct)


def test_only_near_certain_direct_identifiers_are_held() -> None:
    assert holdable([phone(0.97)])
    assert not holdable([phone(0.9)])
    assert not holdable([phone(0.99, direct=False)])
    assert not holdable([phone(0.99, label=Label.PERSON)])
    assert not FlagRules(auto_hold=False).should_hold([phone(0.99)])
    assert FlagRules(auto_hold=True).should_hold([phone(0.99)])


def test_nudges_start_at_the_configured_risk() -> None:
    rules = FlagRules(nudge_min_risk=0.5)
    assert rules.should_nudge(0.5) and not rules.should_nudge(0.49)
