"""Overlapping findings: one detail, one label. Where two findings overlap, the more specific type wins.

E-mail beats URL (an address's domain is not a second link), ID beats PHONE and DATE (a card number is not a
phone number), ADDRESS beats LOCATION (the town is part of the address). Between equal ranks the higher score,
then the longer span wins. Two rules agreeing on the same label raise its score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from rules.detection.findings import Finding, Label

__all__ = ["PRIORITY", "resolve_overlaps"]

PRIORITY: dict[Label, int] = {
    Label.EMAIL: 10,
    Label.ID: 9,
    Label.PHONE: 8,
    Label.IP: 8,
    Label.URL: 7,
    Label.HANDLE: 6,
    Label.ADDRESS: 6,
    Label.DATE: 5,
    Label.AGE: 4,
    Label.PERSON: 3,
    Label.ORG: 3,
    Label.LOCATION: 2,
}
# When a second rule agrees, the score moves this share of the way towards 1 (capped below certainty).
AGREEMENT_SHARE = 0.5
AGREEMENT_CAP = 0.95


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep one finding per overlapping group, by priority, score and length; return them in text order."""
    ranked = sorted(findings, key=lambda f: (PRIORITY[f.label], f.score, f.length), reverse=True)
    kept: list[Finding] = []
    for finding in ranked:
        clash = next((i for i, k in enumerate(kept) if k.overlaps(finding)), None)
        if clash is None:
            kept.append(finding)
        elif kept[clash].label is finding.label and kept[clash].rule != finding.rule:
            kept[clash] = _agree(kept[clash], finding)
    return sorted(kept, key=lambda f: (f.start, f.end))


def _agree(winner: Finding, other: Finding) -> Finding:
    """The winner, its score raised because another rule found the same kind of detail there."""
    if winner.score >= AGREEMENT_CAP:
        return winner
    score = min(AGREEMENT_CAP, winner.score + (1 - winner.score) * other.score * AGREEMENT_SHARE)
    why = f"{winner.explanation}; also {other.rule}"
    return replace(winner, score=round(score, 3), explanation=why, direct=winner.direct or other.direct)
