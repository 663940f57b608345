"""When reminders run: every N hours, every N days at a local time, across daylight-saving changes."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.schedule import Schedule, Unit, next_run, parse_time_of_day, zone

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def daily(at: str, every: int = 1) -> Schedule:
    return Schedule(every, Unit.DAYS, parse_time_of_day(at))


def test_a_new_hour_schedule_runs_n_hours_from_now():
    """A new 'every 6 hours' first runs six hours after it is added."""
    assert next_run(Schedule(6, Unit.HOURS), utc(2025, 1, 1, 10, 15), LONDON) == utc(2025, 1, 1, 16, 15)


def test_an_hour_schedule_keeps_its_rhythm_from_the_previous_slot():
    """The next slot is the previous one plus N hours, however late the tick that claims it."""
    previous = utc(2025, 1, 1, 10, 0)
    assert next_run(Schedule(6, Unit.HOURS), utc(2025, 1, 1, 10, 0, 40), LONDON, previous=previous) == utc(
        2025, 1, 1, 16, 0
    )


def test_an_hour_schedule_skips_the_slots_missed_in_an_outage():
    """After a long outage the next slot is the first one after now, not every slot missed."""
    previous = utc(2025, 1, 1, 10, 0)
    now = utc(2025, 1, 3, 1, 30)  # 39.5 hours later: slots at 16:00, 22:00, … were missed
    assert next_run(Schedule(6, Unit.HOURS), now, LONDON, previous=previous) == utc(2025, 1, 3, 4, 0)


def test_an_hour_schedule_counts_elapsed_hours_across_the_clock_change():
    """Every 24 hours is 24 real hours, so on the day clocks go forward it moves an hour on the wall clock."""
    previous = datetime(2025, 3, 29, 12, 0, tzinfo=LONDON).astimezone(UTC)
    after = next_run(Schedule(24, Unit.HOURS), previous, LONDON, previous=previous)
    assert after - previous == timedelta(hours=24)
    assert after.astimezone(LONDON).hour == 13


def test_a_new_day_schedule_runs_at_the_next_time_of_day():
    """'Every day at 09:00' added at 08:00 runs today; added at 10:00 it runs tomorrow."""
    assert next_run(daily("09:00"), utc(2025, 1, 6, 8, 0), LONDON) == utc(2025, 1, 6, 9, 0)
    assert next_run(daily("09:00"), utc(2025, 1, 6, 10, 0), LONDON) == utc(2025, 1, 7, 9, 0)


def test_a_day_schedule_uses_the_guild_zone():
    """09:00 in New York in January is 14:00 UTC."""
    assert next_run(daily("09:00"), utc(2025, 1, 6, 12, 0), NEW_YORK) == utc(2025, 1, 6, 14, 0)


def test_a_day_schedule_counts_local_days_not_utc_days():
    """At 23:30 in New York (04:30 UTC the next day) the next 09:00 is the following local morning."""
    now = datetime(2025, 1, 6, 23, 30, tzinfo=NEW_YORK)
    assert next_run(daily("09:00"), now, NEW_YORK) == datetime(2025, 1, 7, 9, 0, tzinfo=NEW_YORK)


# fmt: off
@pytest.mark.parametrize("tz, before, after, at", [
    # London: clocks forward 30 March 2025 (GMT → BST), back 26 October 2025 (BST → GMT)
    (LONDON, datetime(2025, 3, 29, 9, 0), datetime(2025, 3, 30, 9, 0), utc(2025, 3, 30, 8, 0)),
    (LONDON, datetime(2025, 10, 25, 9, 0), datetime(2025, 10, 26, 9, 0), utc(2025, 10, 26, 9, 0)),
    # New York: forward 9 March 2025 (EST → EDT), back 2 November 2025
    (NEW_YORK, datetime(2025, 3, 8, 9, 0), datetime(2025, 3, 9, 9, 0), utc(2025, 3, 9, 13, 0)),
    (NEW_YORK, datetime(2025, 11, 1, 9, 0), datetime(2025, 11, 2, 9, 0), utc(2025, 11, 2, 14, 0)),
])
# fmt: on
def test_a_daily_reminder_keeps_its_local_time_across_daylight_saving(tz, before, after, at):
    """A daily 09:00 stays 09:00 local time on the day the clocks change (the UTC time moves instead)."""
    previous = before.replace(tzinfo=tz).astimezone(UTC)
    got = next_run(daily("09:00"), previous, tz, previous=previous)
    assert got == at
    assert got.astimezone(tz).replace(tzinfo=None) == after
    assert got - previous == timedelta(hours=23 if after.month in (3,) else 25)


def test_a_time_skipped_by_the_clock_change_runs_just_after_it():
    """01:30 does not exist in London on 30 March 2025; the reminder runs at 02:30 BST (01:30 UTC), once."""
    previous = datetime(2025, 3, 29, 1, 30, tzinfo=LONDON).astimezone(UTC)
    got = next_run(daily("01:30"), previous, LONDON, previous=previous)
    assert got == utc(2025, 3, 30, 1, 30)
    assert got.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"
    following = next_run(daily("01:30"), got, LONDON, previous=got)
    assert following.astimezone(LONDON).strftime("%d %H:%M %Z") == "31 01:30 BST"


def test_a_time_that_happens_twice_runs_at_its_first_occurrence_only():
    """01:30 happens twice in London on 26 October 2025; the reminder runs at the first (BST) and not again."""
    previous = datetime(2025, 10, 25, 1, 30, tzinfo=LONDON).astimezone(UTC)
    got = next_run(daily("01:30"), previous, LONDON, previous=previous)
    assert got == utc(2025, 10, 26, 0, 30)
    again = next_run(daily("01:30"), got, LONDON, previous=got)
    assert again.astimezone(LONDON).strftime("%d %H:%M %Z") == "27 01:30 GMT"


def test_every_n_days_counts_from_the_previous_local_date():
    """Every 3 days from Monday runs Thursday, then Sunday, at the same local time."""
    previous = datetime(2025, 1, 6, 18, 0, tzinfo=LONDON).astimezone(UTC)  # a Monday
    first = next_run(daily("18:00", every=3), previous, LONDON, previous=previous)
    assert first.astimezone(LONDON) == datetime(2025, 1, 9, 18, 0, tzinfo=LONDON)
    second = next_run(daily("18:00", every=3), first, LONDON, previous=first)
    assert second.astimezone(LONDON).strftime("%a %d") == "Sun 12"


def test_a_day_schedule_skips_the_days_missed_in_an_outage_but_keeps_its_rhythm():
    """Every 7 days, last due Monday 6th, back up on Wednesday 22nd: it runs next on Monday 27th, once."""
    previous = datetime(2025, 1, 6, 9, 0, tzinfo=LONDON).astimezone(UTC)
    now = datetime(2025, 1, 22, 12, 0, tzinfo=LONDON)
    got = next_run(daily("09:00", every=7), now, LONDON, previous=previous)
    assert got == datetime(2025, 1, 27, 9, 0, tzinfo=LONDON)


def test_a_missed_slot_on_its_own_day_moves_to_the_next_one():
    """Due at 09:00, claimed at 09:30 the same day: the next daily slot is tomorrow at 09:00."""
    previous = utc(2025, 1, 6, 9, 0)
    assert next_run(daily("09:00"), utc(2025, 1, 6, 9, 30), LONDON, previous=previous) == utc(2025, 1, 7, 9, 0)


def test_next_run_is_always_later_than_now_and_the_previous_slot():
    """Whatever the zone and the hour, the answer lies after both `after` and `previous`."""
    start = utc(2025, 3, 1)
    for tz in (LONDON, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kolkata")):
        previous = None
        now = start
        for step in range(200):
            schedule = daily(f"{step % 24:02d}:{(step * 7) % 60:02d}", every=1 + step % 3)
            got = next_run(schedule, now, tz, previous=previous)
            assert got > now and (previous is None or got > previous)
            previous, now = got, got + timedelta(minutes=step)


# fmt: off
@pytest.mark.parametrize("text, expected", [
    ("09:00", time(9, 0)), ("9:05", time(9, 5)), ("23:59", time(23, 59)), (" 00:00 ", time(0, 0)),
])
# fmt: on
def test_times_of_day_parse(text, expected):
    """A 24-hour HH:MM parses to a time."""
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9", "9am", "12:60", "", "09:00:00", "-1:00"])
def test_bad_times_of_day_are_refused(text):
    """Anything but a 24-hour HH:MM raises ValueError naming what to type."""
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time_of_day(text)


def test_zones_are_iana_names():
    """Known IANA names give a zone; anything else raises ValueError naming it."""
    assert zone("Europe/London") == LONDON
    assert zone("UTC") == ZoneInfo("UTC")
    for bad in ("Mars/Olympus", "", "../../etc/passwd", " Europe/London"):
        with pytest.raises(ValueError, match="time zone"):
            zone(bad)


@pytest.mark.parametrize(
    "every, unit, at",
    [(0, Unit.HOURS, None), (8761, Unit.HOURS, None), (366, Unit.DAYS, time(9)), (1, Unit.HOURS, time(9)),
     (1, Unit.DAYS, None), (True, Unit.HOURS, None), (1, "weeks", None)],
)  # fmt: skip
def test_bad_schedules_are_refused(every, unit, at):
    """Intervals out of range, a time of day on an hour schedule, or none on a day schedule raise ValueError."""
    with pytest.raises(ValueError):
        Schedule(every, unit, at)
