"""Domain records: frozen values that the Store reads and writes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import datetime

__all__ = ["ERASED_USER_ID", "AuditAction", "AuditEntry", "GuildSettings", "require_id"]

# Discord snowflakes are never 0, so 0 marks a user whose data was deleted (see Store.delete_user_data).
ERASED_USER_ID = 0


def require_id(name: str, value: object, *, optional: bool = False) -> None:
    """Raise ValueError naming `name` unless `value` is a positive int id (or None when optional)."""
    if value is None and optional:
        return
    # bool is an int subclass; True is never a Discord id.
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer id{' or None' if optional else ''}, got {value!r}")


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """Per-guild settings; the field defaults are the defaults every guild starts with."""

    member_role: int | None = None
    moderator_role: int | None = None
    gate_channel: int | None = None
    mod_queue_channel: int | None = None
    cases_channel: int | None = None
    log_channel: int | None = None
    monitored_channels: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        """Validate every id and normalise `monitored_channels` to a tuple."""
        for field in fields(self):
            if field.name != "monitored_channels":
                require_id(field.name, getattr(self, field.name), optional=True)
        channels = self.monitored_channels
        if not isinstance(channels, tuple | list):
            raise ValueError(f"monitored_channels must be a tuple of channel ids, got {channels!r}")
        for channel in channels:
            require_id("monitored_channels item", channel, optional=False)
        # Frozen dataclasses may set their own fields in __post_init__ through object.__setattr__.
        object.__setattr__(self, "monitored_channels", tuple(channels))


class AuditAction(enum.StrEnum):
    """What a moderation audit entry records; the value is what the database stores."""

    CONSENT = "consent"
    FLAG_DECISION = "flag_decision"
    REVEAL = "reveal"
    CASE_STATUS = "case_status"
    STRIKE = "strike"
    SETTING_CHANGED = "setting_changed"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One append-only audit log row; `id` and `created_at` are assigned by the Store."""

    guild_id: int
    actor_id: int
    action: AuditAction
    subject_id: int | None = None
    reason: str | None = None
    created_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        """Validate ids and coerce `action` from its stored value."""
        require_id("guild_id", self.guild_id, optional=False)
        # actor and subject may be ERASED_USER_ID after a deletion request, so 0 is allowed here.
        for name in ("actor_id", "subject_id"):
            value = getattr(self, name)
            if type(value) is int and value == ERASED_USER_ID:
                continue
            require_id(name, value, optional=name == "subject_id")
        try:
            object.__setattr__(self, "action", AuditAction(self.action))
        except ValueError:
            raise ValueError(f"action must be one of {[a.value for a in AuditAction]}, got {self.action!r}") from None
        if self.created_at is not None and self.created_at.tzinfo is None:
            raise ValueError(f"created_at must be timezone-aware, got {self.created_at!r}")
