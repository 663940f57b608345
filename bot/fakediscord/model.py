"""In-memory state of the fake Discord: users, guilds, channels, roles, members, messages and the rest."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from .server import FakeDiscord

DISCORD_EPOCH_MS = 1420070400000


class ChannelType:
    """Discord channel type numbers."""

    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    NEWS = 5
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    FORUM = 15
    THREADS = (10, 11, 12)


class Perm:
    """Discord permission bits used by the fake's checks."""

    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40
    ALL = (1 << 51) - 1
    EVERYONE_DEFAULT = (
        VIEW_CHANNEL
        | SEND_MESSAGES
        | READ_MESSAGE_HISTORY
        | ADD_REACTIONS
        | EMBED_LINKS
        | ATTACH_FILES
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | CREATE_PRIVATE_THREADS
        | SEND_MESSAGES_IN_THREADS
    )
    TIMED_OUT_ALLOWED = VIEW_CHANNEL | READ_MESSAGE_HISTORY


class Intent:
    """Gateway intent bits."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_WEBHOOKS = 1 << 5
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    MESSAGE_CONTENT = 1 << 15
    AUTO_MODERATION_CONFIGURATION = 1 << 20
    AUTO_MODERATION_EXECUTION = 1 << 21
    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
    NAMES: Mapping[str, int] = {
        "members": GUILD_MEMBERS,
        "presences": GUILD_PRESENCES,
        "message_content": MESSAGE_CONTENT,
    }


def now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """Format a time the way Discord does, or pass None through."""
    return None if moment is None else moment.isoformat()


def as_id(thing: object) -> int:
    """Return the snowflake of an entity, an int, or a numeric string."""
    value = getattr(thing, "id", thing)
    if isinstance(value, int | str):
        return int(value)
    raise TypeError(f"expected an entity or an id, got {thing!r}")


def perm_value(value: object) -> int:
    """Return a permission integer from an int or a discord.Permissions-like object."""
    return int(getattr(value, "value", value))  # type: ignore[call-overload]


class Snowflakes:
    """Generates increasing, realistic snowflake ids (they must have 17+ digits for mention regexes)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._last = 0

    def next(self) -> int:
        """Return a new unique id."""
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (millis << 22) | (next(self._counter) & 0x3FFFFF)
        self._last = max(candidate, self._last + 1)
        return self._last


@dataclass(eq=False, slots=True)
class User:
    """A Discord user (or bot account)."""

    id: int
    name: str
    bot: bool = False
    dms_open: bool = True
    global_name: str | None = None
    system: bool = False

    @property
    def mention(self) -> str:
        """The mention markup for this user."""
        return f"<@{self.id}>"


@dataclass(eq=False, slots=True)
class Role:
    """A guild role."""

    id: int
    guild_id: int
    name: str
    position: int = 1
    permissions: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        """The mention markup for this role."""
        return f"<@&{self.id}>"


@dataclass(eq=False, slots=True)
class Overwrite:
    """A permission overwrite on a channel for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0


@dataclass(eq=False, slots=True)
class Channel:
    """A guild channel, category, thread or DM channel."""

    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    nsfw: bool = False
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipient_id: int | None = None
    owner_id: int | None = None
    thread_members: dict[int, datetime] = field(default_factory=dict)
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    rate_limit_per_user: int = 0
    last_message_id: int | None = None
    message_count: int = 0
    created_at: datetime = field(default_factory=now)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_thread(self) -> bool:
        """Whether this channel is a thread."""
        return self.type in ChannelType.THREADS

    @property
    def is_dm(self) -> bool:
        """Whether this is a DM channel."""
        return self.type == ChannelType.DM

    @property
    def mention(self) -> str:
        """The mention markup for this channel."""
        return f"<#{self.id}>"


@dataclass(eq=False, slots=True)
class Member:
    """A user's membership of a guild."""

    guild_id: int
    user_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    pending: bool = False
    joined_at: datetime = field(default_factory=now)
    communication_disabled_until: datetime | None = None
    deaf: bool = False
    mute: bool = False
    flags: int = 0

    @property
    def timed_out(self) -> bool:
        """Whether the member is currently timed out."""
        return self.communication_disabled_until is not None and self.communication_disabled_until > now()


@dataclass(eq=False, slots=True)
class Attachment:
    """A file attached to a message, with its bytes."""

    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    url: str = ""
    ephemeral: bool = False

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)


@dataclass(eq=False, slots=True)
class Message:
    """A message in a guild channel, thread or DM; ephemeral messages are visible to one user only."""

    id: int
    channel_id: int
    author_id: int
    content: str = ""
    guild_id: int | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    type: int = 0
    flags: int = 0
    timestamp: datetime = field(default_factory=now)
    edited_at: datetime | None = None
    reference: dict[str, Any] | None = None
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    interaction_metadata: dict[str, Any] | None = None
    webhook_id: int | None = None
    webhook_name: str | None = None
    application_id: int | None = None
    ephemeral_to: int | None = None
    deleted: bool = False
    pinned: bool = False
    tts: bool = False
    nonce: str | int | None = None
    reactions: dict[str, set[int]] = field(default_factory=dict)
    thread_id: int | None = None
    poll: dict[str, Any] | None = None

    EPHEMERAL = 1 << 6
    LOADING = 1 << 7

    @property
    def ephemeral(self) -> bool:
        """Whether the message is ephemeral."""
        return bool(self.flags & self.EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether this is a deferred 'thinking…' placeholder that has not been edited yet."""
        return bool(self.flags & self.LOADING)

    def visible_to(self, user: object) -> bool:
        """Whether the given user can see this message (ephemeral messages are seen by one user)."""
        return self.ephemeral_to is None or self.ephemeral_to == as_id(user)

    @property
    def text(self) -> str:
        """Content plus embed titles, descriptions and field texts, for easy assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts.extend(str(embed.get(key, "")) for key in ("title", "description"))
            for fld in embed.get("fields", []):
                parts.extend((str(fld.get("name", "")), str(fld.get("value", ""))))
            footer = embed.get("footer") or {}
            parts.append(str(footer.get("text", "")))
        parts.extend(_component_texts(self.components))
        return "\n".join(part for part in parts if part)

    def custom_ids(self) -> list[str]:
        """Return the custom_ids of every component on the message, in order."""
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]

    def component(self, custom_id: str) -> dict[str, Any]:
        """Return the component with this custom_id, or raise KeyError naming the ones that exist."""
        for comp in walk_components(self.components):
            if comp.get("custom_id") == custom_id:
                return comp
        raise KeyError(f"no component {custom_id!r} on message {self.id}; it has {self.custom_ids()}")


def walk_components(components: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield every component in a tree of rows, containers, sections and labels."""
    for comp in components:
        yield comp
        yield from walk_components(comp.get("components", []))
        if isinstance(comp.get("component"), dict):
            yield from walk_components([comp["component"]])
        if isinstance(comp.get("accessory"), dict):
            yield from walk_components([comp["accessory"]])


def _component_texts(components: Iterable[dict[str, Any]]) -> list[str]:
    return [str(c["content"]) for c in walk_components(components) if c.get("type") == 10 and "content" in c]


@dataclass(eq=False, slots=True)
class Command:
    """An application command registered by the bot (global when guild_id is None)."""

    id: int
    name: str
    type: int
    guild_id: int | None
    data: dict[str, Any]
    version: int

    @property
    def options(self) -> list[dict[str, Any]]:
        """The command's option schema."""
        return list(self.data.get("options") or [])


@dataclass(eq=False, slots=True)
class Webhook:
    """A channel webhook."""

    id: int
    token: str
    channel_id: int
    guild_id: int | None
    name: str
    creator_id: int
    application_id: int | None = None


@dataclass(eq=False, slots=True)
class Ban:
    """A guild ban."""

    user_id: int
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart REST request."""

    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True, slots=True)
class Request:
    """A REST request the fake received; path is relative to /api/v10."""

    method: str
    path: str
    query: Mapping[str, str]
    json: Any
    headers: Mapping[str, str]
    files: tuple[UploadedFile, ...] = ()
    status: int = 200

    @property
    def reason(self) -> str | None:
        """The audit-log reason sent with the request, unquoted."""
        raw = self.headers.get("X-Audit-Log-Reason")
        return None if raw is None else unquote(raw)

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(frozen=True, slots=True)
class Callback:
    """One interaction callback the bot sent (type 4 message, 5 defer, 6 defer update, 7 update, 8, 9 modal)."""

    type: int
    data: dict[str, Any]
    elapsed: float = 0.0  # seconds between INTERACTION_CREATE and this callback (Discord allows 3)

    @property
    def ephemeral(self) -> bool:
        """Whether the callback asked for an ephemeral response."""
        return bool(int(self.data.get("flags") or 0) & Message.EPHEMERAL)


class Interaction:
    """An interaction the fake sent to the bot, and everything the bot answered."""

    def __init__(
        self,
        fake: FakeDiscord,
        *,
        id: int,
        token: str,
        type: int,
        user_id: int,
        channel_id: int,
        guild_id: int | None,
        payload: dict[str, Any],
        message_id: int | None = None,
    ) -> None:
        self._fake = fake
        self.id = id
        self.token = token
        self.type = type
        self.user_id = user_id
        self.channel_id = channel_id
        self.guild_id = guild_id
        self.payload = payload
        self.message_id = message_id
        self.responses: list[Callback] = []
        self.followups: list[Message] = []
        self.original: Message | None = None
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self.sent_at = time.monotonic()

    def __repr__(self) -> str:
        return f"<Interaction id={self.id} type={self.type} responses={[r.type for r in self.responses]}>"

    @property
    def data(self) -> dict[str, Any]:
        """The `data` object sent to the bot."""
        return dict(self.payload.get("data") or {})

    @property
    def acknowledged(self) -> bool:
        """Whether the bot has answered the callback."""
        return bool(self.responses)

    @property
    def message(self) -> Message | None:
        """The message the response created or, for component updates, the message that was updated."""
        if self.original is not None:
            return self.original
        if self.message_id is not None and self.responses and self.responses[0].type in (6, 7):
            return self._fake.state.messages.get(self.message_id)
        return None

    async def wait_response(self, timeout: float = 3.0) -> Callback:
        """Wait for the bot's first callback and return it."""
        await self._fake.wait_for(lambda: bool(self.responses), timeout=timeout, what=f"a response to {self!r}")
        return self.responses[0]

    async def wait_message(self, timeout: float = 3.0) -> Message:
        """Wait until the response message exists and is no longer a 'thinking…' placeholder."""

        def ready() -> bool:
            msg = self.message
            return msg is not None and not msg.loading

        await self._fake.wait_for(ready, timeout=timeout, what=f"the final response message of {self!r}")
        msg = self.message
        assert msg is not None  # noqa: S101 - narrowed by the wait above
        return msg

    async def wait_followup(self, count: int = 1, timeout: float = 3.0) -> Message:
        """Wait until the bot has sent `count` follow-ups and return the last of them."""
        await self._fake.wait_for(
            lambda: len(self.followups) >= count, timeout=timeout, what=f"{count} follow-up(s) to {self!r}"
        )
        return self.followups[count - 1]


class State:
    """Every entity the fake knows about, indexed by id."""

    def __init__(self) -> None:
        self.ids = Snowflakes()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.commands: dict[int, Command] = {}
        self.webhooks: dict[int, Webhook] = {}
        self.interactions: dict[str, Interaction] = {}
        self.attachments: dict[int, Attachment] = {}
        self.dm_channels: dict[int, int] = {}
        self.audit_reasons: list[tuple[str, str, str]] = []

    def user(self, thing: object) -> User:
        """Return a user by entity or id."""
        return self.users[as_id(thing)]

    def channel(self, thing: object) -> Channel:
        """Return a channel by entity or id."""
        return self.channels[as_id(thing)]

    def guild_of(self, channel: Channel) -> Guild | None:
        """Return the guild a channel belongs to, if any."""
        return None if channel.guild_id is None else self.guilds[channel.guild_id]

    def member(self, guild: object, user: object) -> Member:
        """Return a guild member, or raise KeyError."""
        return self.guilds[as_id(guild)].members[as_id(user)]

    def top_role_position(self, guild: Guild, user_id: int) -> int:
        """The highest position among a member's roles (0 for @everyone only)."""
        member = guild.members.get(user_id)
        if member is None:
            return 0
        return max((guild.roles[r].position for r in member.roles if r in guild.roles), default=0)

    def base_permissions(self, guild: Guild, user_id: int) -> int:
        """Guild-level permissions of a member, before channel overwrites."""
        if user_id == guild.owner_id:
            return Perm.ALL
        member = guild.members.get(user_id)
        perms = guild.everyone.permissions
        if member is not None:
            for role_id in member.roles:
                role = guild.roles.get(role_id)
                if role is not None:
                    perms |= role.permissions
        if perms & Perm.ADMINISTRATOR:
            return Perm.ALL
        return perms

    def permissions(self, guild: Guild, user_id: int, channel: Channel | None = None) -> int:
        """A member's permissions in a channel, following Discord's overwrite algorithm."""
        perms = self.base_permissions(guild, user_id)
        member = guild.members.get(user_id)
        if perms != Perm.ALL and channel is not None:
            source = self.channels.get(channel.parent_id or 0) if channel.is_thread else channel
            if source is not None:
                perms = _apply_overwrites(perms, guild, source, member, user_id)
            if not perms & Perm.VIEW_CHANNEL:
                return 0
        if member is not None and member.timed_out and perms != Perm.ALL:
            perms &= Perm.TIMED_OUT_ALLOWED
        return perms


def _apply_overwrites(perms: int, guild: Guild, channel: Channel, member: Member | None, user_id: int) -> int:
    everyone = channel.overwrites.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles if member is not None else ():
        ow = channel.overwrites.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = channel.overwrites.get(user_id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    return perms


@dataclass(eq=False, slots=True)
class Guild:
    """A guild with its roles, channels (incl. categories and threads), members, bans and AutoMod rules."""

    id: int
    name: str
    owner_id: int
    features: list[str] = field(default_factory=list)
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    bans: dict[int, Ban] = field(default_factory=dict)
    automod_rules: dict[int, dict[str, Any]] = field(default_factory=dict)
    system_channel_id: int | None = None
    rules_channel_id: int | None = None
    preferred_locale: str = "en-US"

    @property
    def everyone(self) -> Role:
        """The @everyone role (its id is the guild's id)."""
        return self.roles[self.id]

    def role(self, name: str) -> Role:
        """Return the role with this name."""
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role {name!r} in guild {self.name!r}; roles: {[r.name for r in self.roles.values()]}")

    def channel(self, name: str) -> Channel:
        """Return the channel, category or thread with this name (channels win over threads)."""
        found = [c for c in self.channels.values() if c.name == name]
        if not found:
            names = [c.name for c in self.channels.values()]
            raise KeyError(f"no channel {name!r} in guild {self.name!r}; channels: {names}")
        found.sort(key=lambda c: c.is_thread)
        return found[0]

    def thread(self, name: str) -> Channel:
        """Return the thread with this name."""
        for chan in self.channels.values():
            if chan.is_thread and chan.name == name:
                return chan
        raise KeyError(f"no thread {name!r} in guild {self.name!r}")

    @property
    def threads(self) -> list[Channel]:
        """Every thread in the guild."""
        return [c for c in self.channels.values() if c.is_thread]
