"""When a scheduled reminder runs next: every N hours, or every N days at a local time of day in a time zone.

Pure time arithmetic on aware datetimes, with `zoneinfo` for the guild's zone, so a daily reminder at 09:00
stays at 09:00 local time across daylight-saving changes. Two rules settle the clock's odd hours:

- a local time that does not exist on a day (skipped when clocks go forward) runs as many minutes after the
  change as it would have been after the skipped hour began: 01:30 in London on the last Sunday of March runs
  at 02:30 BST, the moment that is 01:30 by the old offset;
- a local time that happens twice (clocks go back) runs at its first occurrence only.

A reminder that was due long ago (the bot was down) runs once, at the next slot after now, never once per slot
it missed: `next_run(schedule, now, zone, previous=slot)` skips every slot at or before `now`.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "MAX_EVERY",
    "Schedule",
    "Unit",
    "next_run",
    "parse_time_of_day",
    "zone",
]


class Unit(enum.StrEnum):
    """The unit of a schedule's interval; the value is what the database stores."""

    HOURS = "hours"
    DAYS = "days"


# The longest interval per unit: a year either way.
MAX_EVERY = {Unit.HOURS: 8760, Unit.DAYS: 365}

_TIME_OF_DAY = re.compile(r"(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)")


def parse_time_of_day(text: str) -> time:
    """'09:30' (or '9:30') as a time; raise ValueError naming the text unless it is a 24-hour HH:MM.

    Args:
        text: the time of day as a moderator typed it.
    """
    match = _TIME_OF_DAY.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"a time of day must be 24-hour HH:MM, like 09:30 or 18:00, got {text!r}")
    return time(int(match["hour"]), int(match["minute"]))


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` ('Europe/London'); raise ValueError naming it if there is no such zone.

    Args:
        name: an IANA zone name, as stored in the guild's settings.
    """
    if not isinstance(name, str) or not name or name != name.strip():
        raise ValueError(f"a time zone must be an IANA name like Europe/London, got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{name!r} is not a known time zone; use an IANA name like Europe/London") from error


@dataclass(frozen=True, slots=True)
class Schedule:
    """Every `every` hours, or every `every` days at `at` (a local time of day in the guild's zone)."""

    every: int
    unit: Unit
    at: time | None = None

    def __post_init__(self) -> None:
        """Validate the interval and that only day schedules carry a time of day."""
        try:
            object.__setattr__(self, "unit", Unit(self.unit))
        except ValueError:
            raise ValueError(f"a schedule's unit must be hours or days, got {self.unit!r}") from None
        high = MAX_EVERY[self.unit]
        if not isinstance(self.every, int) or isinstance(self.every, bool) or not 1 <= self.every <= high:
            raise ValueError(f"every must be a whole number of {self.unit} from 1 to {high}, got {self.every!r}")
        if self.unit is Unit.HOURS and self.at is not None:
            raise ValueError("a time of day only goes with a schedule in days")
        if self.unit is Unit.DAYS and self.at is None:
            raise ValueError("a schedule in days needs a time of day")
        if self.at is not None and (self.at.tzinfo is not None or self.at.second or self.at.microsecond):
            raise ValueError(f"a time of day is a local hour and minute, got {self.at!r}")


def next_run(schedule: Schedule, after: datetime, tz: ZoneInfo, *, previous: datetime | None = None) -> datetime:
    """The first time the schedule runs strictly after `after`, as an aware UTC datetime.

    Args:
        schedule: how often, and for day schedules at what local time.
        after: an aware instant; the answer is later than it (usually now).
        tz: the guild's zone; day schedules are counted in its calendar and clock.
        previous: the slot the schedule last ran (or was due) at; later slots keep its rhythm (every N hours from
            it, every N days from its local date). None for a new schedule: hour schedules start N hours after
            `after`, day schedules at the next `at`.
    """
    if after.tzinfo is None or (previous is not None and previous.tzinfo is None):
        raise ValueError("next_run needs aware datetimes")
    if schedule.unit is Unit.HOURS:
        step = timedelta(hours=schedule.every)
        if previous is None:
            return (after + step).astimezone(UTC)
        missed = max(0, math.floor((after - previous) / step))
        return (previous + step * (missed + 1)).astimezone(UTC)
    assert schedule.at is not None  # noqa: S101 - Schedule guarantees it for day schedules
    today = after.astimezone(tz).date()
    if previous is None:
        start, k = today, 0
    else:
        start = previous.astimezone(tz).date()
        k = max(1, math.ceil((today - start).days / schedule.every))
    while True:
        candidate = _local(start + timedelta(days=k * schedule.every), schedule.at, tz)
        if candidate > after and (previous is None or candidate > previous):
            return candidate
        k += 1


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in `tz`, in UTC; fold=0 picks the first of a repeated time and shifts a skipped one forward."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
