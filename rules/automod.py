r"""The pre-send layer's patterns: Discord AutoMod regexes for phone numbers and e-mail addresses.

Discord runs these itself, before a message is posted, so they must fit AutoMod's limits (at most
`MAX_PATTERNS` regexes per rule, each at most `MAX_PATTERN_LENGTH` characters) and use only syntax that Rust's
`regex` crate and Python's `re` read alike: classes, `\d`, `\b`, counted repeats, `(?:…)` and `(?i)`; no
lookarounds or backreferences (Rust has neither). Only the highest-precision patterns belong here, because a
false positive stops a member's message outright. The same patterns classify and locate what AutoMod matched,
so the flag it becomes is masked like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.detection.findings import Label

__all__ = [
    "MAX_PATTERNS",
    "MAX_PATTERN_LENGTH",
    "PATTERNS",
    "RULE_ID",
    "AutoModPattern",
    "classify",
    "locate",
    "regex_patterns",
]

MAX_PATTERNS = 10  # Discord: regex_patterns per keyword rule
MAX_PATTERN_LENGTH = 260  # Discord: characters per regex pattern
RULE_ID = "automod.v1"  # the rule id stored in the spans of flags AutoMod raised

# Syntax Rust's regex crate refuses (lookarounds, backreferences, possessive and atomic groups).
_UNSUPPORTED = re.compile(r"\(\?<?[=!]|\(\?>|\\[1-9]|\\k<|[+*?}]\+")


@dataclass(frozen=True, slots=True)
class AutoModPattern:
    """One AutoMod regex, named, with the kind of detail it finds."""

    name: str
    label: Label
    regex: str

    def __post_init__(self) -> None:
        """Refuse a pattern AutoMod would reject or read differently from Python."""
        if len(self.regex) > MAX_PATTERN_LENGTH:
            raise ValueError(
                f"AutoMod pattern {self.name!r} is {len(self.regex)} characters; at most {MAX_PATTERN_LENGTH}"
            )
        if _UNSUPPORTED.search(self.regex):
            raise ValueError(f"AutoMod pattern {self.name!r} uses syntax Rust's regex does not support")
        re.compile(self.regex)


# fmt: off
PATTERNS: tuple[AutoModPattern, ...] = (
    # +44 7700 900123, +1 (555) 123-4567, +33 6 12 34 56 78, 0044 20 7946 0958: a country code, then 8+ digits.
    AutoModPattern("phone.international", Label.PHONE,
                   r"(?:\+|\b00)[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){3,4}\b"),
    # (555) 123-4567, 555-123-4567, 555.123.4567, 1-555-123-4567: North American ten digits.
    AutoModPattern("phone.nanp", Label.PHONE,
                   r"(?:\b1[ .-]?)?(?:\([2-9]\d{2}\)[ .-]?|\b[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}\b"),
    # 07700 900123, 020 7946 0958, 0113 496 0000: UK numbers written with the trunk 0 (10 or 11 digits).
    AutoModPattern("phone.uk", Label.PHONE, r"\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b"),
    # sam.jones@example.com
    AutoModPattern("email", Label.EMAIL, r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b"),
    # sam [at] example [dot] com, sam(at)example.com: the bracketed spelling-out people use to dodge filters.
    AutoModPattern("email.spelled", Label.EMAIL,
                   r"(?i)\b[a-z0-9._%+-]+ ?[\[(]at[\])] ?[a-z0-9-]+(?: ?(?:\.|[\[(]dot[\])]) ?[a-z0-9-]+)+"),
)
# fmt: on

if len(PATTERNS) > MAX_PATTERNS:  # pragma: no cover - a guard for whoever adds the next pattern
    raise ValueError(f"{len(PATTERNS)} AutoMod patterns; one rule holds at most {MAX_PATTERNS}")

_COMPILED = tuple((pattern, re.compile(pattern.regex)) for pattern in PATTERNS)


def regex_patterns() -> list[str]:
    """The regexes for the AutoMod rule's `regex_patterns`, in order."""
    return [pattern.regex for pattern in PATTERNS]


def classify(matched: str) -> Label | None:
    """The kind of detail an AutoMod match is: the label of the first pattern that finds it, else None."""
    for pattern, compiled in _COMPILED:
        if compiled.search(matched):
            return pattern.label
    return None


def locate(content: str, matched: str | None = None) -> tuple[tuple[int, int, Label], ...]:
    """Every (start, end, label) in `content` the patterns find, plus each place `matched` occurs.

    Args:
        content: the blocked message's text.
        matched: the part AutoMod reported as matched, if it said (it may be absent without the content intent).

    Returns:
        Sorted, non-overlapping spans; empty only if neither the patterns nor `matched` are found in `content`.
    """
    found: list[tuple[int, int, Label]] = []
    for pattern, compiled in _COMPILED:
        found.extend((m.start(), m.end(), pattern.label) for m in compiled.finditer(content) if m.end() > m.start())
    if matched:
        # Discord's engine may find what Python's does not (Unicode digits, say): still mask it, by its look.
        label = classify(matched) or (Label.EMAIL if "@" in matched else Label.PHONE)
        start = content.find(matched)
        while start != -1:
            found.append((start, start + len(matched), label))
            start = content.find(matched, start + len(matched))
    return _merge(found)


def _merge(spans: list[tuple[int, int, Label]]) -> tuple[tuple[int, int, Label], ...]:
    """Overlapping spans as one, keeping the earliest (then longest) one's label."""
    merged: list[tuple[int, int, Label]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            first = merged[-1]
            merged[-1] = (first[0], max(first[1], end), first[2])
        else:
            merged.append((start, end, label))
    return tuple(merged)
