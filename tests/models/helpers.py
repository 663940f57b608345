"""Shared values for storage tests: ids and a controllable clock."""

from datetime import UTC, datetime, timedelta

GUILD = 111111111111111111
OTHER_GUILD = 222222222222222222
MODERATOR = 333333333333333333
MEMBER = 444444444444444444
OTHER_MEMBER = 555555555555555555


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
