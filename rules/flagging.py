"""What to do with a scanned message: which threshold applies, how to mask it, whether to nudge or hold it.

Pure decisions over plain values; the flagging cog turns Discord's objects into these and acts on the answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rules.detection.findings import Finding, Label

__all__ = ["HOLD_LABELS", "HOLD_SCORE", "FlagRules", "RiskLevel", "holdable", "mask", "risk_level"]

# The automatic hold removes a message before any human saw it, so it acts only on details that identify on their
# own and that the engine's pattern rules find with near certainty (checksums, phonenumbers' validation).
HOLD_LABELS = frozenset({Label.PHONE, Label.EMAIL, Label.ID, Label.IP})
HOLD_SCORE = 0.95


class RiskLevel(StrEnum):
    """How moderators and authors are told about a message's risk."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def risk_level(risk: float) -> RiskLevel:
    """Below 0.5 low, below 0.8 medium, else high."""
    if risk >= 0.8:
        return RiskLevel.HIGH
    return RiskLevel.MEDIUM if risk >= 0.5 else RiskLevel.LOW


@dataclass(frozen=True, slots=True)
class FlagRules:
    """A guild's flagging choices, as plain values."""

    threshold: float = 0.5
    newcomer_threshold: float = 0.35  # stricter for members in their first `newcomer_days`
    newcomer_days: int = 7
    nudge_min_risk: float = 0.5  # nudge authors of flags at or above this risk
    auto_hold: bool = False

    def threshold_for(self, joined_at: datetime | None, now: datetime) -> float:
        """The threshold for a member who joined at `joined_at` (None: unknown, treated as settled)."""
        if joined_at is not None and self.newcomer_days > 0 and now - joined_at < timedelta(days=self.newcomer_days):
            return min(self.threshold, self.newcomer_threshold)
        return self.threshold

    def should_nudge(self, risk: float) -> bool:
        """Whether the author of a flag at this risk gets a private nudge."""
        return risk >= self.nudge_min_risk

    def should_hold(self, findings: Iterable[Finding]) -> bool:
        """Whether the automatic hold (when on) removes the message at once."""
        return self.auto_hold and holdable(findings)


def holdable(findings: Iterable[Finding]) -> bool:
    """Whether any finding is a direct identifier the engine is all but certain of."""
    return any(f.direct and f.label in HOLD_LABELS and f.score >= HOLD_SCORE for f in findings)


def mask(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """`text` with every (start, end, label) span replaced by `[LABEL]`; overlapping spans merge."""
    out: list[str] = []
    position = 0
    for start, end, label in sorted(spans):
        if end <= position:
            continue
        start = max(start, position)
        out.append(text[position:start])
        out.append(f"[{label}]")
        position = end
    out.append(text[position:])
    return "".join(out)
