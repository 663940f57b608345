"""Shared pieces of the fake's REST handlers: errors, the request context, lookups and permission checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import payloads
from .model import (
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Perm,
    Role,
    UploadedFile,
)

if TYPE_CHECKING:
    from .server import FakeDiscord

Reply = tuple[int, Any]
NO_CONTENT: Reply = (204, None)


class ApiError(Exception):
    """An error response with Discord's JSON error body."""

    def __init__(self, status: int, message: str, code: int) -> None:
        super().__init__(f"{status} {message} ({code})")
        self.status = status
        self.body = payloads.error(message, code)


def unknown(what: str, code: int) -> ApiError:
    """A 404 with Discord's "Unknown <thing>" body."""
    return ApiError(404, f"Unknown {what}", code)


MISSING_PERMISSIONS = (403, "Missing Permissions", 50013)


@dataclass(frozen=True, slots=True)
class Ctx:
    """One REST request as handlers see it."""

    method: str
    path: str
    args: tuple[str, ...]
    query: Mapping[str, str]
    json: Any
    files: tuple[UploadedFile, ...]
    headers: Mapping[str, str]

    def id(self, index: int) -> int:
        """The index-th path parameter as an int."""
        return int(self.args[index])

    @property
    def body(self) -> dict[str, Any]:
        """The JSON body as a dict (empty when absent)."""
        return self.json if isinstance(self.json, dict) else {}

    @property
    def reason(self) -> str | None:
        """The X-Audit-Log-Reason header, unquoted."""
        raw = self.headers.get("X-Audit-Log-Reason")
        return None if raw is None else unquote(raw)


Handler = Callable[[Ctx], Reply]


class RestBase:
    """Lookups and Discord-style permission checks shared by every group of REST handlers."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.state = fake.state

    # -- lookups and checks ---------------------------------------------------------------------------------

    @property
    def bot_id(self) -> int:
        """The bot user's id."""
        return self.fake.bot_user.id

    def _guild(self, guild_id: int) -> Guild:
        guild = self.state.guilds.get(guild_id)
        if guild is None or self.bot_id not in guild.members:
            raise unknown("Guild", 10004)
        return guild

    def _channel(self, channel_id: int) -> Channel:
        chan = self.state.channels.get(channel_id)
        if chan is None:
            raise unknown("Channel", 10003)
        if chan.is_dm and chan.recipient_id not in self.state.users:
            raise unknown("Channel", 10003)
        return chan

    def _message(self, chan: Channel, message_id: int) -> Message:
        msg = self.state.messages.get(message_id)
        if msg is None or msg.deleted or msg.channel_id != chan.id or msg.ephemeral:
            raise unknown("Message", 10008)
        return msg

    def _member(self, guild: Guild, user_id: int) -> Member:
        found = guild.members.get(user_id)
        if found is None:
            raise unknown("Member", 10007)
        return found

    def _role(self, guild: Guild, role_id: int) -> Role:
        role = guild.roles.get(role_id)
        if role is None:
            raise unknown("Role", 10011)
        return role

    def _require(self, guild: Guild, perms: int, chan: Channel | None = None) -> None:
        have = self.state.permissions(guild, self.bot_id, chan)
        if chan is not None and not have & Perm.VIEW_CHANNEL:
            raise ApiError(403, "Missing Access", 50001)
        if have & perms != perms:
            raise ApiError(*MISSING_PERMISSIONS)

    def _bot_top(self, guild: Guild) -> int:
        return self.state.top_role_position(guild, self.bot_id)

    def _check_role_assignable(self, guild: Guild, role: Role) -> None:
        self._require(guild, Perm.MANAGE_ROLES)
        if (
            role.managed
            or role.id == guild.id
            or (guild.owner_id != self.bot_id and role.position >= self._bot_top(guild))
        ):
            raise ApiError(*MISSING_PERMISSIONS)

    def _check_hierarchy(self, guild: Guild, user_id: int) -> None:
        if user_id == guild.owner_id:
            raise ApiError(*MISSING_PERMISSIONS)
        if self.state.top_role_position(guild, user_id) >= self._bot_top(guild):
            raise ApiError(*MISSING_PERMISSIONS)

    def _audit(self, ctx: Ctx) -> None:
        if ctx.reason is not None:
            self.state.audit_reasons.append((ctx.method, ctx.path, ctx.reason))


def parse_overwrites(items: list[dict[str, Any]]) -> dict[int, Overwrite]:
    """Overwrite objects from a permission_overwrites list."""
    return {
        int(o["id"]): Overwrite(int(o["id"]), int(o.get("type", 0)), int(o.get("allow", 0)), int(o.get("deny", 0)))
        for o in items
    }
