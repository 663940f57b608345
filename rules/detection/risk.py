"""One number per message: how likely it is that the message lets someone be identified.

Direct identifiers (a phone number, an address, a full name) weigh high on their own. Quasi-identifiers (a first
name, a town, a workplace, an age, a date) weigh little alone and much together: each one's weight grows with
the number of different kinds present about the same person. Details about the author and details about someone
else do not narrow down one person together ("I told Jess I work at Tesco"); a detail whose subject is unknown
joins either side. A workplace narrows more than a town. Details about someone else weigh more than details the
author shares about themselves. Weights combine as independent chances (noisy-or), so the risk stays in 0..1.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.detection.findings import DIRECT_LABELS, Finding, Label, Subject

__all__ = ["DIRECT_WEIGHT", "QUASI_WEIGHTS", "SUBJECT_FACTORS", "risk_of"]

DIRECT_WEIGHT = 0.9
QUASI_WEIGHTS: dict[Label, float] = {
    Label.PERSON: 0.25,
    Label.LOCATION: 0.2,
    Label.ORG: 0.35,
    Label.DATE: 0.2,
    Label.AGE: 0.15,
    Label.URL: 0.15,
}
SUBJECT_FACTORS: dict[Subject, float] = {Subject.OTHER: 1.25, Subject.UNKNOWN: 1.0, Subject.SELF: 0.8}
# Each further kind of quasi-identifier adds this much to every quasi weight, up to COMBINATION_CAP times.
COMBINATION_STEP = 0.5
COMBINATION_CAP = 2.0
MAX_CONTRIBUTION = 0.99


def is_direct(finding: Finding) -> bool:
    """Whether a finding identifies someone on its own."""
    return finding.direct or finding.label in DIRECT_LABELS


def risk_of(findings: Sequence[Finding]) -> float:
    """Combine findings into the message's risk, from 0 to 1."""
    # A score-0 finding (a public name) is reported but identifies nobody, so it does not combine with others.
    quasi = [f for f in findings if not is_direct(f) and f.score > 0]
    keep_chance = 1.0
    for finding in findings:
        if is_direct(finding):
            weight = DIRECT_WEIGHT
        else:
            kinds = {f.label for f in quasi if _same_person(f.subject, finding.subject)}
            combination = min(COMBINATION_CAP, 1 + COMBINATION_STEP * max(0, len(kinds) - 1))
            weight = QUASI_WEIGHTS.get(finding.label, 0.1) * combination
        contribution = min(MAX_CONTRIBUTION, weight * finding.score * SUBJECT_FACTORS[finding.subject])
        keep_chance *= 1 - contribution
    return round(1 - keep_chance, 4)


def _same_person(a: Subject, b: Subject) -> bool:
    """Whether details with these subjects may describe one person: not when one is the author's and one another's."""
    return a is b or Subject.UNKNOWN in (a, b)
