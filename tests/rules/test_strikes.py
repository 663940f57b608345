"""The strike ladder: parsing steps, the step for each strike, expiry."""

from datetime import UTC, datetime, timedelta

import pytest

from rules.strikes import StepKind, StrikeStep, counting_since, step_for

LADDER = ("warn", "timeout:60", "timeout:1440", "remove")


@pytest.mark.parametrize(
    ("strike", "step"),
    [
        (1, StrikeStep(StepKind.WARN)),
        (2, StrikeStep(StepKind.TIMEOUT, 60)),
        (3, StrikeStep(StepKind.TIMEOUT, 1440)),
        (4, StrikeStep(StepKind.REMOVE)),
        (9, StrikeStep(StepKind.REMOVE)),
    ],
)
def test_each_strike_has_its_step_and_the_last_repeats(strike: int, step: StrikeStep) -> None:
    assert step_for(LADDER, strike) == step


@pytest.mark.parametrize("text", ["warn", "remove", "timeout:1", "timeout:40320"])
def test_steps_round_trip(text: str) -> None:
    assert str(StrikeStep.parse(text)) == text


@pytest.mark.parametrize("text", ["ban", "timeout", "timeout:0", "timeout:x", "warn:5", ""])
def test_bad_steps_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        StrikeStep.parse(text)


def test_step_for_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        step_for((), 1)
    with pytest.raises(ValueError):
        step_for(LADDER, 0)


def test_timeout_duration_and_expiry() -> None:
    assert StrikeStep.parse("timeout:90").duration == timedelta(minutes=90)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert counting_since(now, 30) == now - timedelta(days=30)
    assert counting_since(now, 0) is None
