"""The values the detection engine speaks in: labels, subjects, findings, and a message to scan."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DIRECT_LABELS", "Finding", "Label", "ScanInput", "Subject"]


class Label(StrEnum):
    """The kinds of identifying detail (the detection contract in DESIGN.md)."""

    PERSON = "PERSON"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    ADDRESS = "ADDRESS"
    LOCATION = "LOCATION"
    ORG = "ORG"
    DATE = "DATE"
    ID = "ID"
    URL = "URL"
    HANDLE = "HANDLE"
    IP = "IP"
    AGE = "AGE"


# Details that identify someone on their own. PERSON counts only as a full name and URL only as a profile link;
# a finding says which through its `direct` flag.
DIRECT_LABELS = frozenset({Label.PHONE, Label.EMAIL, Label.ADDRESS, Label.ID, Label.HANDLE, Label.IP})


class Subject(StrEnum):
    """Whom a detail seems to be about."""

    SELF = "self"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ScanInput:
    """A message to scan, as plain values: the bot converts Discord's objects into this."""

    text: str
    author_id: int = 0
    channel_id: int = 0
    guild_id: int = 0


@dataclass(frozen=True, slots=True)
class Finding:
    """One identifying detail: where it is, what it is, how sure we are, and which rule found it and why.

    Offsets are Python string indices into the text the finding refers to; the engine maps them into the
    original message before anything leaves it. The matched text itself is deliberately not kept.
    """

    label: Label
    start: int
    end: int
    score: float
    rule: str
    explanation: str = ""
    subject: Subject = Subject.UNKNOWN
    direct: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"Finding span ({self.start}, {self.end}) is empty or negative (rule {self.rule})")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"Finding score {self.score} is outside 0..1 (rule {self.rule})")

    @property
    def length(self) -> int:
        """Number of characters covered."""
        return self.end - self.start

    def overlaps(self, other: Finding) -> bool:
        """Whether the two spans share at least one character."""
        return self.start < other.end and other.start < self.end
