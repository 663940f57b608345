"""What a rule is: a small class with a declared identity that finds one or more labels in a message.

A rule sees the normalised text and, when the pipeline has one, the spaCy `Doc` over it — never a Discord object.
Pattern rules are mostly data: `PATTERNS`, `CONTEXT`, and two optional hooks, `validate_result` (a checksum, say)
and `invalidate_result` (a known false alarm).
"""

from __future__ import annotations

import inspect
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from rules.detection.errors import Errors
from rules.detection.findings import Finding, Label

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Context", "Pattern", "PatternRecognizer", "Recognizer"]

# How far before a match (in characters) a context word still counts, e.g. "my number is" before a phone number.
CONTEXT_WINDOW = 40
CONTEXT_BOOST = 0.3


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule may look at: the normalised text and, if the pipeline has one, the spaCy `Doc` over it."""

    text: str
    doc: Doc | None = None
    regions: tuple[str, ...] = ("US", "GB", "CA", "AU", "IE", "NZ", "IN")
    lowered: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lowered", self.text.lower())

    def preceded_by(self, start: int, words: tuple[str, ...], window: int = CONTEXT_WINDOW) -> str | None:
        """Return the first of `words` that appears as a whole word in the `window` characters before `start`."""
        before = self.lowered[max(0, start - window) : start]
        found = {match.group() for match in _whole_words(words).finditer(before)}
        return next((word for word in words if word in found), None)


@cache
def _whole_words(words: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled pattern matching any of `words` as a whole word (compiled once per word list)."""
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


class Recognizer(ABC):
    """A rule. Subclasses declare `name`, `labels` and a base `score`, and implement `analyze`."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    labels: ClassVar[tuple[Label, ...]] = ()
    score: ClassVar[float] = 0.5

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if inspect.isabstract(cls) or cls.__dict__.get("abstract", False):
            return
        name = cls.__dict__.get("name") or getattr(cls, "name", "")
        if not name:
            raise TypeError(Errors.R002.format(cls=cls.__qualname__))
        if not cls.labels:
            raise TypeError(Errors.R003.format(name=name))
        if not 0.0 <= cls.score <= 1.0:
            raise ValueError(Errors.R004.format(name=name, score=cls.score))

    @property
    def rule_id(self) -> str:
        """The id stored with each finding, e.g. `phone.v1`."""
        return f"{self.name}.v{self.version}"

    @abstractmethod
    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield findings with offsets into `ctx.text`."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A named regular expression and the score a bare match earns."""

    name: str
    regex: str
    score: float
    flags: int = re.IGNORECASE
    # A pattern too loose to stand alone (a licence plate, a bare 9-digit SSN) counts only after a context word.
    needs_context: bool = False
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(Errors.R004.format(name=self.name, score=self.score))
        try:
            object.__setattr__(self, "compiled", re.compile(self.regex, self.flags))
        except re.error as exc:
            raise ValueError(Errors.R006.format(name=self.name, rule="?", error=exc)) from None


class PatternRecognizer(Recognizer):
    """A rule made of regular expressions, context words and optional validation hooks."""

    abstract = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = ()
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    # The regex group holding the detail itself, when a pattern also matches its lead-in ("insta: @x").
    GROUP: ClassVar[str | int] = 0
    # Whether this rule's findings identify someone on their own (Finding.direct).
    DIRECT: ClassVar[bool] = False
    # How far before a match a context word still counts; loose patterns want a shorter reach.
    CONTEXT_CHARS: ClassVar[int] = CONTEXT_WINDOW
    # A cheap pattern every match contains (e.g. three digits in a row); texts without it are skipped at once.
    GATE: ClassVar[re.Pattern[str] | None] = None

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Match every pattern, validate, and raise the score when a context word comes just before."""
        label = self.labels[0]
        if self.GATE is not None and not self.GATE.search(ctx.text):
            return
        if all(p.needs_context for p in self.PATTERNS) and not any(w in ctx.lowered for w in self.CONTEXT):
            return  # every pattern needs a context word and none is anywhere in the text
        for pattern in self.PATTERNS:
            for match in pattern.compiled.finditer(ctx.text):
                start, end = match.span(self.GROUP)
                if start == end or start < 0:
                    continue
                detail = ctx.text[start:end]
                if self.invalidate_result(detail, ctx, start, end):
                    continue
                valid = self.validate_result(detail)
                if valid is False:
                    continue
                score = max(pattern.score, self.score) if valid else pattern.score
                why = f"pattern '{pattern.name}'" + (", checksum valid" if valid else "")
                cue = self.preceded_by_context(ctx, start)
                if pattern.needs_context and not cue:
                    continue
                if cue:
                    score = min(1.0, score + CONTEXT_BOOST)
                    why += f", after '{cue}'"
                yield Finding(label, start, end, round(score, 3), self.rule_id, why, direct=self.DIRECT)

    def preceded_by_context(self, ctx: Context, start: int) -> str | None:
        """Return the context word found just before `start`, if any."""
        return ctx.preceded_by(start, self.CONTEXT, self.CONTEXT_CHARS) if self.CONTEXT else None

    def validate_result(self, detail: str) -> bool | None:
        """Check the matched detail: True when a checksum or format proves it, False to drop it, None if unsure."""
        return None

    def invalidate_result(self, detail: str, ctx: Context, start: int, end: int) -> bool:
        """Return True to drop a match that is a known false alarm."""
        return False
