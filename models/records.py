"""Domain records: frozen values that the Store reads and writes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "ERASED_USER_ID",
    "MAX_GRACE_DAYS",
    "MAX_HOURS",
    "AgreementDraft",
    "AgreementVersion",
    "AuditAction",
    "AuditEntry",
    "AuthorAnswer",
    "Breach",
    "BreachAction",
    "BreachSource",
    "Case",
    "CaseEvent",
    "CaseEventKind",
    "CaseKind",
    "CaseStatus",
    "Consent",
    "Decision",
    "Evidence",
    "Flag",
    "FlagSource",
    "FlagSpan",
    "FlagStatus",
    "GuildSettings",
    "GuildTerm",
    "LabelStats",
    "Onboarding",
    "OnboardingState",
    "ProtectedTerm",
    "Recorded",
    "ReportCategory",
    "TermKind",
    "Via",
    "require_id",
]

# Discord snowflakes are never 0, so 0 marks a user whose data was deleted (see Store.delete_user_data).
ERASED_USER_ID = 0


def require_id(name: str, value: object, *, optional: bool = False) -> None:
    """Raise ValueError naming `name` unless `value` is a positive int id (or None when optional)."""
    if value is None and optional:
        return
    # bool is an int subclass; True is never a Discord id.
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer id{' or None' if optional else ''}, got {value!r}")


MAX_GRACE_DAYS = 365  # the longest grace period a guild may set after publishing a new version
MAX_HOURS = 8760  # a year: the longest reminder or removal delay a guild may set
_HOUR_SETTINGS = ("reminder_hours", "removal_hours", "decline_removal_hours")
_ROLE_AND_CHANNEL_SLOTS = (
    "member_role", "moderator_role", "lead_role", "gate_channel", "mod_queue_channel", "cases_channel", "log_channel",
)  # fmt: skip
_FLAG_SWITCHES = ("scan_moderators", "nudge_authors", "auto_hold", "remove_forwards", "keep_consents")
_RISK_SETTINGS = ("flag_threshold", "newcomer_threshold", "nudge_min_risk")
_COUNT_SETTINGS = {
    "newcomer_days": 365, "nudge_cooldown_minutes": 10080, "flag_text_days": 3650,
    "report_limit_per_day": 100, "report_retention_days": 3650, "strike_expiry_days": 3650,
}  # fmt: skip
SUPPORT_RESOURCES_LIMIT = 1500


MAX_TIMEOUT_MINUTES = 40320  # Discord's longest timeout: 28 days


def _is_strike_step(step: object) -> bool:
    """Whether `step` is "warn", "remove" or "timeout:<minutes>" within Discord's limit."""
    if step in ("warn", "remove"):
        return True
    if not isinstance(step, str) or not step.startswith("timeout:"):
        return False
    minutes = step.removeprefix("timeout:")
    return minutes.isdigit() and 1 <= int(minutes) <= MAX_TIMEOUT_MINUTES


def _is_time_zone(name: object) -> bool:
    """Whether `name` is an IANA time zone that zoneinfo knows ("UTC", "Europe/London")."""
    if not isinstance(name, str) or not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """Per-guild settings; the field defaults are the defaults every guild starts with."""

    member_role: int | None = None
    moderator_role: int | None = None
    lead_role: int | None = None  # may unmask anonymous reporters
    gate_channel: int | None = None
    mod_queue_channel: int | None = None
    cases_channel: int | None = None
    log_channel: int | None = None
    monitored_channels: tuple[int, ...] = ()
    # The comprehension check before I agree. It matches the default agreement only, so a guild that publishes its
    # own text has no check until guild quizzes exist, whatever this says.
    quiz_enabled: bool = True
    # Days a member who accepted an older agreement keeps the member role after a new version is published.
    grace_days: int = 7
    # Hours after the agreement is offered until the one reminder to someone who has not answered (0: none).
    reminder_hours: int = 24
    # Hours after the agreement is offered until a member who has not accepted is removed (0: never, the default).
    removal_hours: int = 0
    # Hours after declining until the member is removed, unless they accept meanwhile (0: never, the default).
    decline_removal_hours: int = 0
    # -- flagging: risk above which a message is flagged (None: config.toml's [detection] threshold)
    flag_threshold: float | None = None
    # A stricter threshold for members in their first `newcomer_days` days (0 days: no newcomer mode).
    newcomer_threshold: float = 0.35
    newcomer_days: int = 7
    # Whether moderators' own messages are scanned.
    scan_moderators: bool = True
    # Private nudges to authors of flagged messages at or above `nudge_min_risk`, at most one per cooldown.
    nudge_authors: bool = True
    nudge_min_risk: float = 0.5
    nudge_cooldown_minutes: int = 60
    # Remove near-certain direct identifiers at once (the author gets the text back; moderators may restore).
    auto_hold: bool = False
    # Remove a message forwarded out of a monitored channel, as well as flagging it.
    remove_forwards: bool = False
    # The AutoMod rules Confidant installed in the guild (/flags automod).
    automod_rules: tuple[int, ...] = ()
    # Days after a moderator's decision until a flag's original text is purged.
    flag_text_days: int = 30
    # Whether a member's consents stay on record under their id when they delete their data (the group's record of
    # who agreed to what); when off, the rows stay but their id is erased.
    keep_consents: bool = True
    # -- reports: most breach reports one member may file in a day.
    report_limit_per_day: int = 5
    # Days after a case closes until its evidence and the reporter's identity are purged (the outcome stays).
    report_retention_days: int = 90
    # Support resources that moderators may send to members affected by a breach (None: the neutral default).
    support_resources: str | None = None
    # -- consequences: what the 1st, 2nd, … confirmed breach leads to ("warn", "timeout:<minutes>", "remove": removal
    # proposed to the moderators); breaches beyond the last step repeat it. Breaches older than the expiry don't count.
    strike_ladder: tuple[str, ...] = ("warn", "timeout:60", "timeout:1440", "remove")
    strike_expiry_days: int = 180
    # -- reminders: the IANA time zone whose clock day reminders keep ("Europe/London").
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        """Validate every id and flag, and normalise `monitored_channels` to a tuple."""
        if not isinstance(self.quiz_enabled, bool):
            raise ValueError(f"quiz_enabled must be true or false, got {self.quiz_enabled!r}")
        if (
            not isinstance(self.grace_days, int)
            or isinstance(self.grace_days, bool)
            or not 0 <= self.grace_days <= MAX_GRACE_DAYS
        ):
            raise ValueError(
                f"grace_days must be a whole number of days from 0 to {MAX_GRACE_DAYS}, got {self.grace_days!r}"
            )
        for name in _HOUR_SETTINGS:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_HOURS:
                raise ValueError(f"{name} must be a whole number of hours from 0 to {MAX_HOURS}, got {value!r}")
        for name in _FLAG_SWITCHES:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, got {getattr(self, name)!r}")
        for name in _RISK_SETTINGS:
            value = getattr(self, name)
            if value is None and name == "flag_threshold":
                continue
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a number from 0 to 1, got {value!r}")
        for name, high in _COUNT_SETTINGS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= high:
                raise ValueError(f"{name} must be a whole number from 0 to {high}, got {value!r}")
        resources = self.support_resources
        if resources is not None and (not isinstance(resources, str) or len(resources) > SUPPORT_RESOURCES_LIMIT):
            raise ValueError(f"support_resources must be text of at most {SUPPORT_RESOURCES_LIMIT} characters")
        for field in fields(self):
            if field.name in _ROLE_AND_CHANNEL_SLOTS:
                require_id(field.name, getattr(self, field.name), optional=True)
        ladder = self.strike_ladder
        if not isinstance(ladder, tuple | list) or not ladder or not all(_is_strike_step(step) for step in ladder):
            raise ValueError(
                'strike_ladder must be a list of steps: "warn", "timeout:<minutes up to 40320>" or "remove", '
                f"got {ladder!r}"
            )
        object.__setattr__(self, "strike_ladder", tuple(ladder))
        if not _is_time_zone(self.timezone):
            raise ValueError(f"timezone must be an IANA time zone name like Europe/London, got {self.timezone!r}")
        for name in ("monitored_channels", "automod_rules"):
            ids = getattr(self, name)
            if not isinstance(ids, tuple | list):
                raise ValueError(f"{name} must be a list of ids, got {ids!r}")
            for item in ids:
                require_id(f"{name} item", item, optional=False)
            # Frozen dataclasses may set their own fields in __post_init__ through object.__setattr__.
            object.__setattr__(self, name, tuple(ids))


class AuditAction(enum.StrEnum):
    """What a moderation audit entry records; the value is what the database stores."""

    CONSENT = "consent"
    FLAG_DECISION = "flag_decision"
    REVEAL = "reveal"
    CASE_STATUS = "case_status"
    STRIKE = "strike"
    SETTING_CHANGED = "setting_changed"
    AGREEMENT_PUBLISHED = "agreement_published"
    ROLE_WITHHELD = "role_withheld"
    MEMBER_REMOVED = "member_removed"
    UNMASK = "unmask"  # a lead saw an anonymous reporter's identity
    REPORTER_BLOCKED = "reporter_blocked"  # a reporter was blocked (or unblocked) from filing reports


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


# --- agreement and consent ----------------------------------------------------------------------------------------


class Decision(enum.StrEnum):
    """What a member answered to the agreement; the value is what the consent ledger stores."""

    ACCEPTED = "accepted"
    DECLINED = "declined"


class Via(enum.StrEnum):
    """Where the member read and answered the agreement."""

    DM = "dm"
    GATE = "gate"  # a private thread or an ephemeral flow in the guild's gate channel


class OnboardingState(enum.StrEnum):
    """Where a member stands with the guild's agreement."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class AgreementVersion:
    """One published text of a guild's agreement; `published_by` is None for the default that ships."""

    guild_id: int
    version: int
    text: str
    sha256: str
    published_at: datetime
    published_by: int | None = None


@dataclass(frozen=True, slots=True)
class AgreementDraft:
    """A guild's agreement text saved by an admin but not yet published (not in force)."""

    guild_id: int
    text: str
    updated_by: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Consent:
    """One row of the consent ledger: who answered which text, how, where and when."""

    id: int
    guild_id: int
    user_id: int
    version: int
    text_sha256: str
    decision: Decision
    via: Via
    channel_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Onboarding:
    """A member's onboarding: the version offered, their answer so far, and whether the role was granted."""

    guild_id: int
    user_id: int
    version: int
    state: OnboardingState
    updated_at: datetime
    via: Via | None = None
    channel_id: int | None = None
    role_granted_at: datetime | None = None
    reminder_due_at: datetime | None = None
    removal_due_at: datetime | None = None
    grace_due_at: datetime | None = None  # accept the newest version by then, or the member role is withheld
    role_withheld_at: datetime | None = None  # when the role was withheld for missing that deadline
    reminded_at: datetime | None = None  # when the one reminder was claimed (and sent, or tried)
    removed_at: datetime | None = None  # when the member was removed for not accepting (or declining)

    @property
    def awaiting_role(self) -> bool:
        """Whether the member accepted but the bot has not (yet) given them the member role."""
        return self.state is OnboardingState.ACCEPTED and self.role_granted_at is None and self.role_withheld_at is None


@dataclass(frozen=True, slots=True)
class Recorded:
    """The outcome of recording a decision: the member's onboarding now, and the new ledger row (None if unchanged)."""

    onboarding: Onboarding
    consent: Consent | None


# --- cases --------------------------------------------------------------------------------------------------------


class CaseKind(enum.StrEnum):
    """What a case is about; the value is what the database stores."""

    QUESTION = "question"  # a newcomer's question about the agreement
    REPORT = "report"  # a breach report (the reports issue)
    FLAG = "flag"  # a flag a moderator turned into a case


class CaseStatus(enum.StrEnum):
    """Where a case stands: open → acknowledged → (awaiting the reporter) → resolved or dismissed.

    Questions go open → answered; `closed` is kept for cases closed before reports existed.
    """

    OPEN = "open"
    ANSWERED = "answered"
    ACKNOWLEDGED = "acknowledged"
    AWAITING = "awaiting"  # a moderator asked the reporter something and waits for the answer
    RESOLVED = "resolved"
    DISMISSED = "dismissed"
    CLOSED = "closed"

    @property
    def closed(self) -> bool:
        """Whether the case is finished."""
        return self in (CaseStatus.ANSWERED, CaseStatus.RESOLVED, CaseStatus.DISMISSED, CaseStatus.CLOSED)


class ReportCategory(enum.StrEnum):
    """What a breach report is about."""

    SHARED_OUTSIDE = "shared_outside"  # shared outside the group
    RECORDING = "recording"  # a screenshot or recording
    OUTED = "outed"  # outed or identified me
    CONTACTED = "contacted"  # contacted me off-platform
    OTHER = "other"


class BreachAction(enum.StrEnum):
    """What the moderators did about a breach when resolving a case."""

    NONE = "none"
    WARNING = "warning"
    TIMEOUT = "timeout"
    REMOVAL = "removal"


class CaseEventKind(enum.StrEnum):
    """One entry of a case's timeline."""

    NOTE = "note"  # a moderator's internal note
    ASKED = "asked"  # moderators asked the reporter (relayed)
    REPLY = "reply"  # the reporter answered (relayed)
    STATUS = "status"  # the status changed
    UNMASKED = "unmasked"  # a lead saw the reporter's identity
    BLOCKED = "blocked"  # the reporter was blocked from reporting


@dataclass(frozen=True, slots=True)
class Case:
    """One case for the moderators: `number` counts per guild; `text` and `answer` are decrypted plaintext."""

    id: int
    guild_id: int
    number: int
    kind: CaseKind
    status: CaseStatus
    member_id: int
    text: str
    created_at: datetime
    updated_at: datetime
    channel_id: int | None = None
    message_id: int | None = None
    answer: str | None = None
    answered_by: int | None = None
    answered_at: datetime | None = None
    flag_id: int | None = None
    category: ReportCategory | None = None
    share_name: bool = False  # the reporter let moderators see their name
    thread_id: int | None = None  # the case's thread in the cases channel
    delivered_at: datetime | None = None  # when it reached the cases channel (None: waiting in the outbox)
    attempts: int = 0  # failed deliveries so far
    next_attempt_at: datetime | None = None
    subject_id: int | None = None  # the member the breach was by, once a moderator named them
    action: BreachAction | None = None
    outcome: str | None = None  # the moderators' record of the outcome (decrypted)
    reporter_note: str | None = None  # what the reporter was told on closing (decrypted)
    closed_by: int | None = None
    closed_at: datetime | None = None
    purged_at: datetime | None = None  # evidence and reporter identity removed under retention
    pending_notice: str | None = None  # a status notice the reporter could not be sent yet (decrypted)

    @property
    def alias(self) -> str:
        """How moderators refer to an anonymous reporter."""
        return f"Reporter A-{self.number}"


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One entry of a case's timeline; `text` is decrypted (None for bare status changes)."""

    id: int
    case_id: int
    actor_id: int
    kind: CaseEventKind
    created_at: datetime
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A message snapshotted as evidence when a report was filed (or a link the bot could not read).

    `content` and `attachments` are decrypted; `readable` is False for a link kept only as a link.
    """

    link: str
    readable: bool
    channel_id: int | None = None
    message_id: int | None = None
    author_id: int | None = None
    content: str | None = None
    attachments: tuple[str, ...] = ()
    posted_at: datetime | None = None
    id: int | None = None
    case_id: int | None = None
    captured_at: datetime | None = None


# --- flags --------------------------------------------------------------------------------------------------------


class FlagSource(enum.StrEnum):
    """How a flag arose; the value is what the database stores."""

    MESSAGE = "message"  # the engine found details in a message of a monitored channel
    FORWARD = "forward"  # a message of a monitored channel was forwarded into an unmonitored one
    AUTOMOD = "automod"  # Discord's AutoMod blocked a message under a rule Confidant installed


class FlagStatus(enum.StrEnum):
    """Where a flag stands. OPEN and HELD wait for a moderator; the others are outcomes."""

    OPEN = "open"
    HELD = "held"  # removed at once by the automatic hold; a moderator may restore it
    DISMISSED = "dismissed"  # not identifying
    REMOVED = "removed"
    WARNED = "warned"  # removed, and recorded as a confirmed breach
    EDIT_ASKED = "edit_asked"
    CASE_OPENED = "case_opened"
    RESTORED = "restored"  # a held message was re-posted
    EDITED = "edited"  # the author edited the details out before a moderator acted
    GONE = "gone"  # the author deleted the message before anyone acted

    @property
    def waiting(self) -> bool:
        """Whether a moderator has yet to decide."""
        return self in (FlagStatus.OPEN, FlagStatus.HELD, FlagStatus.EDIT_ASKED)

    @property
    def confirmed(self) -> bool | None:
        """Whether a moderator judged the flag right (True), wrong (False), or not at all (None)."""
        if self in (FlagStatus.REMOVED, FlagStatus.WARNED, FlagStatus.EDIT_ASKED, FlagStatus.CASE_OPENED):
            return True
        if self is FlagStatus.DISMISSED:
            return False
        return None


class AuthorAnswer(enum.StrEnum):
    """What the author answered to the nudge."""

    EDITING = "editing"  # asked how to edit
    KEEP = "keep"  # it is about me: keep it
    ASK = "ask"  # asked a moderator


@dataclass(frozen=True, slots=True)
class FlagSpan:
    """Where one detail is in the flagged text and what kind it is; never the detail itself."""

    label: str
    start: int
    end: int
    rule: str
    subject: str = "unknown"


@dataclass(frozen=True, slots=True)
class Flag:
    """One flagged message. `text` is the decrypted original (None once retention purged it)."""

    id: int
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    source: FlagSource
    status: FlagStatus
    risk: float
    spans: tuple[FlagSpan, ...]
    text: str | None
    created_at: datetime
    updated_at: datetime
    queue_channel_id: int | None = None
    queue_message_id: int | None = None
    author_answer: AuthorAnswer | None = None
    nudged_at: datetime | None = None
    decided_by: int | None = None
    decided_at: datetime | None = None
    reveals: int = 0

    @property
    def labels(self) -> tuple[str, ...]:
        """The distinct labels, in order of first appearance."""
        return tuple(dict.fromkeys(span.label for span in self.spans))


@dataclass(frozen=True, slots=True)
class LabelStats:
    """Moderators' decisions on flags carrying one label."""

    label: str
    flags: int
    confirmed: int
    dismissed: int

    @property
    def precision(self) -> float | None:
        """Confirmed over decided; None before any decision."""
        decided = self.confirmed + self.dismissed
        return None if decided == 0 else self.confirmed / decided


# --- terms --------------------------------------------------------------------------------------------------------


class TermKind(enum.StrEnum):
    """Which of a guild's lists a term is on; the value is what the database stores."""

    ALLOW = "allow"  # fine here, never flagged (the group's name, facilitators' public names)
    DENY = "deny"  # always flagged (the meeting venue)


@dataclass(frozen=True, slots=True)
class GuildTerm:
    """One term on a guild's allowlist or denylist, decrypted. Deny terms carry the label they flag as."""

    id: int
    guild_id: int
    kind: TermKind
    term: str
    label: str | None
    added_by: int  # ERASED_USER_ID once the moderator's data was deleted
    added_at: datetime


@dataclass(frozen=True, slots=True)
class ProtectedTerm:
    """A member's protected term: only its salted digest and its kind of detail, never its text."""

    id: int
    user_id: int
    digest: bytes
    label: str
    created_at: datetime


# --- consequences -------------------------------------------------------------------------------------------------


class BreachSource(enum.StrEnum):
    """Where a moderator confirmed a breach."""

    FLAG = "flag"  # Remove + warn on a flag
    CASE = "case"  # a case resolved with an action
    COMMAND = "command"  # /strike add


@dataclass(frozen=True, slots=True)
class Breach:
    """A breach of confidentiality a moderator confirmed: what the strike ladder counts."""

    id: int
    guild_id: int
    member_id: int
    source: BreachSource
    ref: int | None
    confirmed_by: int
    created_at: datetime
    reason: str | None = None  # decrypted
    step: str | None = None  # the strike-ladder step it led to ("warn", "timeout:60", "remove")
    removed_at: datetime | None = None  # taken back with /strike remove: no longer counts
    removed_by: int | None = None
