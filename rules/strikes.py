"""The strike ladder: what the 1st, 2nd, … confirmed breach of confidentiality leads to.

A guild's ladder is a list of steps such as ``("warn", "timeout:60", "timeout:1440", "remove")``. Only breaches a
moderator confirmed count, and only those younger than the guild's expiry; a breach beyond the last step repeats
it. "remove" never removes anyone by itself: it proposes the removal to the moderators, who confirm it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["StepKind", "StrikeStep", "counting_since", "step_for"]


class StepKind(StrEnum):
    """What a step does."""

    WARN = "warn"  # a private warning
    TIMEOUT = "timeout"  # a Discord timeout, for `minutes`
    REMOVE = "remove"  # removal, proposed to the moderators


@dataclass(frozen=True, slots=True)
class StrikeStep:
    """One rung of the ladder."""

    kind: StepKind
    minutes: int = 0

    @classmethod
    def parse(cls, text: str) -> StrikeStep:
        """Read "warn", "remove" or "timeout:<minutes>"."""
        name, _, minutes = text.partition(":")
        kind = StepKind(name)
        if kind is StepKind.TIMEOUT:
            if not minutes.isdigit() or int(minutes) < 1:
                raise ValueError(f"a timeout step needs its minutes, like timeout:60; got {text!r}")
            return cls(kind, int(minutes))
        if minutes:
            raise ValueError(f"only timeout steps take minutes; got {text!r}")
        return cls(kind)

    @property
    def duration(self) -> timedelta:
        """How long a timeout lasts (zero for other steps)."""
        return timedelta(minutes=self.minutes)

    def __str__(self) -> str:
        """The step as the settings write it."""
        return f"timeout:{self.minutes}" if self.kind is StepKind.TIMEOUT else self.kind.value


def step_for(ladder: Sequence[str], strike: int) -> StrikeStep:
    """The step for the member's `strike`-th counting breach (1-based); past the end, the last step again."""
    if not ladder:
        raise ValueError("a strike ladder needs at least one step")
    if strike < 1:
        raise ValueError(f"strikes count from 1, got {strike}")
    return StrikeStep.parse(ladder[min(strike, len(ladder)) - 1])


def counting_since(now: datetime, expiry_days: int) -> datetime | None:
    """The oldest time a breach may have and still count (None: breaches never expire)."""
    return None if expiry_days <= 0 else now - timedelta(days=expiry_days)
