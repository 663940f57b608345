"""FakeDiscord: an aiohttp server on 127.0.0.1 speaking enough REST v10 and gateway for an unmodified discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
import re
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from aiohttp import BodyPartReader, web

from . import harness, payloads
from .actions import BOT, UserActions
from .gateway import Gateway, Session
from .model import (
    Attachment,
    Ban,
    Callback,
    Channel,
    ChannelType,
    Guild,
    Intent,
    Interaction,
    Member,
    Message,
    Overwrite,
    Perm,
    Request,
    Role,
    State,
    UploadedFile,
    User,
    as_id,
    now,
    perm_value,
)
from .rest import ApiError, Rest

if TYPE_CHECKING:
    from discord import Client

log = logging.getLogger(__name__)

_PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
_DEFAULT_BODIES: Mapping[int, dict[str, Any]] = {
    400: payloads.error("Invalid Form Body", 50035),
    401: payloads.error("401: Unauthorized", 0),
    403: payloads.error("Missing Permissions", 50013),
    404: payloads.error("404: Not Found", 0),
    500: payloads.error("500: Internal Server Error", 0),
    502: payloads.error("502: Bad Gateway", 0),
    503: payloads.error("503: Service Unavailable", 0),
}


@dataclass(slots=True)
class Fault:
    """A scheduled failure for requests matching a method and a path regex."""

    method: str
    pattern: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str]
    remaining: int


class FakeDiscord(UserActions):
    """A local stand-in for Discord's REST API v10 and gateway, driven by tests and the demo."""

    def __init__(
        self,
        *,
        privileged_intents: Iterable[str | int] = ("members", "message_content", "presences"),
        bot_name: str = "TestBot",
        bot_permissions: int = Perm.ADMINISTRATOR,
        heartbeat_interval: float = 41.25,
        token: str | None = None,
    ) -> None:
        self.state = State()
        self.privileged_intents = 0
        for intent in privileged_intents:
            self.privileged_intents |= Intent.NAMES[intent] if isinstance(intent, str) else int(intent)
        self.bot_permissions = perm_value(bot_permissions)
        self.application_flags = _application_flags(self.privileged_intents)
        self.token = token or f"fake.{secrets.token_urlsafe(24)}"
        self.bot_user = self.add_user(bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.owner = self.add_user("owner")
        self.requests: list[Request] = []
        self.unhandled: list[Request] = []
        self.internal_errors: list[str] = []
        self.errors: list[logging.LogRecord] = []
        self.gateway = Gateway(self, heartbeat_interval=heartbeat_interval)
        self.rest = Rest(self)
        self._faults: list[Fault] = []
        self._runner: web.AppRunner | None = None
        self._sock: socket.socket | None = None
        self.port = 0
        self._bot_task: asyncio.Task[None] | None = None
        self._consumed: set[int] = set()
        self._changed = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start serving on an ephemeral port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self.gateway.handle)
        app.router.add_route("GET", "/resume", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._serve_rest)
        app.router.add_route("GET", "/attachments/{id}/{filename}", self._serve_attachment)
        app.router.add_route("GET", "/cdn/{tail:.*}", self._serve_cdn)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        await web.SockSite(self._runner, self._sock).start()
        log.debug("fake Discord listening on %s", self.base_url)

    async def stop(self) -> None:
        """Close every websocket and stop serving."""
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The REST base that replaces https://discord.com/api/v10."""
        return f"{self.base_url}/api/v10"

    @property
    def ws_url(self) -> str:
        """ws://127.0.0.1:<port>."""
        return f"ws://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        """The gateway URL that replaces wss://gateway.discord.gg/."""
        return f"{self.ws_url}/gateway"

    def patched(self) -> contextlib.AbstractContextManager[None]:
        """Point discord.py's REST base, gateway and CDN at this fake for the duration."""
        return harness.patch_discord(self)

    def running(
        self,
        bot: Client,
        token: str | None = None,
        *,
        via_start: bool = False,
        allow_errors: Iterable[str] = (),
        allow_unhandled: bool = False,
        ready_timeout: float = 5.0,
    ) -> contextlib.AbstractAsyncContextManager[Client]:
        """Log the bot in, connect it, wait for on_ready, yield it, close it; fail on logged errors or a dead task."""
        return harness.running(
            self,
            bot,
            token=token,
            via_start=via_start,
            allow_errors=tuple(allow_errors),
            allow_unhandled=allow_unhandled,
            ready_timeout=ready_timeout,
        )

    # -- REST plumbing --------------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        pattern: str,
        status: int,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` requests matching method and path regex (fullmatch) fail with `status`."""
        hdrs = dict(headers or {})
        if body is None and status == 429:
            body = {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
            hdrs.setdefault("Via", "1.1 google")
            hdrs.setdefault("Retry-After", "1")
            hdrs.setdefault("X-RateLimit-Scope", "user")
        elif body is None:
            body = _DEFAULT_BODIES.get(status, payloads.error(f"{status}: error", 0))
        self._faults.append(Fault(method.upper(), re.compile(pattern), status, body, hdrs, times))

    async def _serve_rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await _read_body(request)
        query = dict(request.query)
        headers = dict(request.headers)
        fault = self._take_fault(request.method, path)
        extra: dict[str, str] = {}
        if fault is not None:
            status, reply, extra = fault.status, fault.body, fault.headers
        else:
            try:
                status, reply = self.rest.handle(request.method, path, query, body, files, headers)
            except ApiError as err:
                status, reply = err.status, err.body
            except Exception as exc:
                # A bug in the fake: answer with a status discord.py does not retry, and make running() fail.
                log.exception("fake Discord failed on %s %s", request.method, path)
                self.internal_errors.append(f"{request.method} {path}: {exc!r}")
                status, reply = 400, payloads.error(f"fakediscord internal error: {exc!r}", 0)
        record = Request(request.method, path, query, body, headers, tuple(files), status)
        self.requests.append(record)
        if status == 404 and isinstance(reply, dict) and reply.get("message") == "404: Not Found":
            self.unhandled.append(record)
            log.warning("fake Discord has no route for %s %s", request.method, path)
        self.poke()
        if reply is None:
            return web.Response(status=status, headers=extra)
        return web.Response(
            status=status, body=json.dumps(reply).encode(), content_type="application/json", headers=extra
        )

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.remaining > 0 and fault.method in (method, "*") and fault.pattern.fullmatch(path):
                fault.remaining -= 1
                return fault
        return None

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        found = self.state.attachments.get(int(request.match_info["id"]))
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found.data, content_type=found.content_type or "application/octet-stream")

    async def _serve_cdn(self, request: web.Request) -> web.Response:
        return web.Response(body=_PNG_1PX, content_type="image/png")

    # -- waiting --------------------------------------------------------------------------------------------

    def poke(self) -> None:
        """Wake every waiter so it re-checks its condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    def check_bot(self) -> None:
        """Raise AssertionError if the bot's task has died with an exception."""
        task = self._bot_task
        if task is not None and task.done() and not task.cancelled() and task.exception() is not None:
            raise AssertionError(f"the bot task died: {task.exception()!r}") from task.exception()

    def calls(self, method: str | None = None, pattern: str = ".*") -> list[Request]:
        """Recorded requests matching a method (None: any) and a path regex (fullmatch)."""
        rx = re.compile(pattern)
        return [r for r in self.requests if (method is None or r.method == method.upper()) and rx.fullmatch(r.path)]

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 3.0, what: str | None = None) -> None:
        """Wait until predicate() is truthy, re-checking every 20 ms and on every REST call."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_bot()
            if predicate():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(self._timeout_message(what or getattr(predicate, "__name__", "condition")))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(0.02, remaining))

    async def wait_for_call(self, method: str, pattern: str, count: int = 1, timeout: float = 3.0) -> Request:
        """Wait for the count-th request matching method and path regex; return it."""
        await self.wait_for(
            lambda: len(self.calls(method, pattern)) >= count, timeout, f"{count} call(s) to {method} {pattern}"
        )
        return self.calls(method, pattern)[count - 1]

    async def wait_for_message(
        self,
        channel: object = None,
        *,
        to: object = None,
        author: object = BOT,
        visible_to: object = None,
        predicate: Callable[[Message], object] | None = None,
        timeout: float = 3.0,
    ) -> Message:
        """Wait for the oldest matching message not returned by an earlier call (author defaults to the bot)."""
        found: list[Message] = []

        def check() -> bool:
            for msg in self.find_messages(channel, to=to, author=author, visible_to=visible_to):
                if msg.id not in self._consumed and (predicate is None or predicate(msg)):
                    found.append(msg)
                    return True
            return False

        where = f"channel={channel!r} to={to!r} author={author!r}"
        await self.wait_for(check, timeout, f"a message ({where})")
        self._consumed.add(found[0].id)
        return found[0]

    def find_messages(
        self, channel: object = None, *, to: object = None, author: object = BOT, visible_to: object = None
    ) -> list[Message]:
        """Live messages (oldest first) filtered by channel, DM recipient, author (None: any) and viewer."""
        chan_id = None if channel is None else as_id(channel)
        if to is not None:
            dm_id = self.state.dm_channels.get(as_id(to))
            if dm_id is None:
                return []
            chan_id = dm_id
        author_id = self.bot_user.id if author is BOT else (None if author is None else as_id(author))
        out = []
        for msg in self.state.messages.values():
            if msg.deleted or (chan_id is not None and msg.channel_id != chan_id):
                continue
            if author_id is not None and msg.author_id != author_id:
                continue
            if visible_to is not None and not msg.visible_to(visible_to):
                continue
            out.append(msg)
        return out

    @property
    def messages(self) -> list[Message]:
        """Every live message (incl. ephemeral ones), oldest first."""
        return [m for m in self.state.messages.values() if not m.deleted]

    async def wait_response(self, interaction: Interaction, timeout: float = 3.0) -> Callback:
        """Wait for the bot's first callback to an interaction."""
        return await interaction.wait_response(timeout)

    async def settle(self, timeout: float = 3.0) -> None:
        """Wait until the bot has parsed every gateway event sent so far."""
        self.check_bot()
        await self.gateway.settle(timeout)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the gateway websocket abnormally; the client reconnects and RESUMEs."""
        await self.gateway.drop(code)

    @contextlib.asynccontextmanager
    async def gateway_outage(self, timeout: float = 3.0) -> AsyncIterator[None]:
        """Drop the gateway and hold reconnects until the block exits; then wait for the RESUME and replay."""
        resumes = self.gateway.resumes
        await self.gateway.drop(hold=True)
        try:
            yield
        finally:
            self.gateway.release()
        await self.wait_for(lambda: self.gateway.resumes > resumes, timeout, "the client to RESUME")
        await self.settle(timeout)

    def _timeout_message(self, what: str) -> str:
        recent = "\n".join(f"  {r}" for r in self.requests[-15:]) or "  (none)"
        return f"timed out waiting for {what}\nlast REST calls:\n{recent}"

    # -- entities -------------------------------------------------------------------------------------------

    def add_user(self, name: str, *, dms_open: bool = True, bot: bool = False, global_name: str | None = None) -> User:
        """Create a user."""
        created = User(self.state.ids.next(), name, bot=bot, dms_open=dms_open, global_name=global_name)
        self.state.users[created.id] = created
        return created

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        channels: Iterable[str] = ("general",),
        categories: Mapping[str, Iterable[str]] | None = None,
        roles: Iterable[str] | Mapping[str, int] = (),
        features: Iterable[str] = (),
        owner: User | None = None,
        everyone_permissions: int = Perm.EVERYONE_DEFAULT,
        bot_permissions: int | None = None,
    ) -> Guild:
        """Create a guild with channels, categories (and their children), roles, its owner and the bot."""
        state = self.state
        owner = owner or self.owner
        guild = Guild(state.ids.next(), name, owner.id, features=list(features))
        state.guilds[guild.id] = guild
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", 0, perm_value(everyone_permissions))
        role_perms = roles if isinstance(roles, Mapping) else dict.fromkeys(roles, 0)
        for position, (role_name, perms) in enumerate(role_perms.items(), start=1):
            role = Role(state.ids.next(), guild.id, role_name, position, perm_value(perms))
            guild.roles[role.id] = role
        bot_role = Role(
            state.ids.next(),
            guild.id,
            self.bot_user.name,
            len(guild.roles),
            perm_value(self.bot_permissions if bot_permissions is None else bot_permissions),
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        for chan_name in channels:
            self._new_channel(guild, chan_name, ChannelType.TEXT, None)
        for cat_name, children in (categories or {}).items():
            category = self._new_channel(guild, cat_name, ChannelType.CATEGORY, None)
            for child in children:
                self._new_channel(guild, child, ChannelType.TEXT, category.id)
        guild.system_channel_id = next(iter(guild.channels), None)
        guild.members[owner.id] = Member(guild.id, owner.id)
        guild.members[self.bot_user.id] = Member(guild.id, self.bot_user.id, roles=[bot_role.id])
        self.gateway.dispatch("GUILD_CREATE", lambda s: self.guild_create_payload(guild, s), guild_id=guild.id)
        return guild

    def guild_create_payload(self, guild: Guild, session: Session) -> dict[str, Any]:
        """The GUILD_CREATE a session gets: all members only with the members intent."""
        return payloads.guild_create(
            self.state, guild, bot_id=self.bot_user.id, all_members=session.has(Intent.GUILD_MEMBERS)
        )

    def _new_channel(self, guild: Guild, name: str, kind: int, parent_id: int | None, **fields: Any) -> Channel:
        position = sum(1 for c in guild.channels.values() if not c.is_thread)
        chan = Channel(self.state.ids.next(), kind, name, guild.id, parent_id=parent_id, position=position, **fields)
        if parent_id is not None and not chan.is_thread:
            parent = self.state.channels[parent_id]
            chan.overwrites = {k: Overwrite(o.id, o.type, o.allow, o.deny) for k, o in parent.overwrites.items()}
        guild.channels[chan.id] = chan
        self.state.channels[chan.id] = chan
        return chan

    def add_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: int = ChannelType.TEXT,
        category: Channel | None = None,
        topic: str | None = None,
    ) -> Channel:
        """Create a channel (or category with type=4); dispatches CHANNEL_CREATE to a connected bot."""
        chan = self._new_channel(guild, name, type, None if category is None else category.id, topic=topic)
        self.gateway.dispatch("CHANNEL_CREATE", payloads.channel(self.state, chan), guild_id=guild.id)
        return chan

    def add_role(self, guild: Guild, name: str, *, permissions: int = 0, position: int | None = None) -> Role:
        """Create a role (default: just above @everyone); dispatches GUILD_ROLE_CREATE."""
        role = self.create_role(guild, name, perm_value(permissions))
        if position is not None:
            role.position = position
        return role

    def set_overwrite(self, channel: Channel, target: Role | User, *, allow: int = 0, deny: int = 0) -> None:
        """Set a permission overwrite for a role or a member; dispatches CHANNEL_UPDATE."""
        kind = 0 if isinstance(target, Role) else 1
        channel.overwrites[target.id] = Overwrite(target.id, kind, perm_value(allow), perm_value(deny))
        self.gateway.dispatch("CHANNEL_UPDATE", payloads.channel(self.state, channel), guild_id=channel.guild_id)

    def add_member(
        self,
        guild: Guild,
        user: User,
        *,
        roles: Iterable[Role | int] = (),
        pending: bool = False,
        nick: str | None = None,
    ) -> Member:
        """Make a user a member without any gateway event (use member_join for the event)."""
        if user.id in guild.bans:
            raise AssertionError(f"{user.name} is banned from {guild.name}")
        created = Member(guild.id, user.id, roles=[as_id(r) for r in roles], pending=pending, nick=nick)
        guild.members[user.id] = created
        return created

    def member(self, guild: Guild, user: User | int) -> Member:
        """Return a member of a guild."""
        return self.state.member(guild, user)

    def dm_channel(self, user: User | int) -> Channel:
        """Return the DM channel between the bot and a user, creating it if needed."""
        uid = as_id(user)
        existing = self.state.dm_channels.get(uid)
        if existing is not None:
            return self.state.channels[existing]
        chan = Channel(self.state.ids.next(), ChannelType.DM, None, recipient_id=uid)
        self.state.channels[chan.id] = chan
        self.state.dm_channels[uid] = chan.id
        return chan

    def add_thread(self, channel: Channel, name: str, owner: User, *, private: bool = False) -> Channel:
        """Create a thread started by a user; dispatches THREAD_CREATE."""
        guild = self._guild(channel)
        kind = ChannelType.PRIVATE_THREAD if private else ChannelType.PUBLIC_THREAD
        thread = self._new_channel(guild, name, kind, channel.id, owner_id=owner.id)
        thread.thread_members[owner.id] = now()
        self.dispatch_thread_create(thread)
        return thread

    def attachment(self, filename: str, data: bytes, *, content_type: str | None = None) -> Attachment:
        """Store a file and return it as an attachment (URL served by the fake)."""
        att = Attachment(
            self.state.ids.next(),
            filename,
            data,
            content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        )
        att.url = f"{self.base_url}/attachments/{att.id}/{filename}"
        self.state.attachments[att.id] = att
        return att

    def _guild(self, channel: Channel) -> Guild:
        guild = self.state.guild_of(channel)
        if guild is None:
            raise AssertionError(f"channel {channel.id} is not in a guild")
        return guild

    # -- mutations that dispatch events (shared by REST handlers and test helpers) -------------------------

    def create_role(self, guild: Guild, name: str, permissions: int, **fields: Any) -> Role:
        """Create a role at position 1, shifting the others up; dispatches GUILD_ROLE_CREATE."""
        for other in guild.roles.values():
            if other.id != guild.id:
                other.position += 1
        role = Role(self.state.ids.next(), guild.id, name, 1, permissions, **fields)
        guild.roles[role.id] = role
        self.gateway.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)}, guild_id=guild.id
        )
        return role

    def dispatch_member_update(self, guild: Guild, member: Member) -> None:
        """Dispatch GUILD_MEMBER_UPDATE (the bot's own updates arrive even without the members intent)."""
        intent = Intent.GUILDS if member.user_id == self.bot_user.id else None
        data = payloads.member(self.state, member, guild=guild)
        self.gateway.dispatch("GUILD_MEMBER_UPDATE", data, guild_id=guild.id, intent=intent)

    def remove_member(self, guild: Guild, user_id: int) -> None:
        """Remove a member; dispatches GUILD_MEMBER_REMOVE."""
        guild.members.pop(user_id, None)
        data = {"guild_id": str(guild.id), "user": payloads.user(self.state.users[user_id])}
        self.gateway.dispatch("GUILD_MEMBER_REMOVE", data, guild_id=guild.id)

    def ban_user(self, guild: Guild, user_id: int, reason: str | None) -> None:
        """Ban a user (removing the member); dispatches GUILD_BAN_ADD and GUILD_MEMBER_REMOVE."""
        guild.bans[user_id] = Ban(user_id, reason)
        data = {"guild_id": str(guild.id), "user": payloads.user(self.state.users[user_id])}
        self.gateway.dispatch("GUILD_BAN_ADD", data, guild_id=guild.id)
        if user_id in guild.members:
            self.remove_member(guild, user_id)

    def dispatch_thread_create(self, thread: Channel) -> None:
        """Dispatch THREAD_CREATE (private threads only reach a bot that is in them or manages threads)."""
        guild = self._guild(thread)
        bot_id = self.bot_user.id
        if (
            thread.type == ChannelType.PRIVATE_THREAD
            and bot_id not in thread.thread_members
            and not self.state.permissions(guild, bot_id, thread) & Perm.MANAGE_THREADS
        ):
            return
        data = payloads.thread(self.state, thread, newly_created=True, for_user=bot_id)
        self.gateway.dispatch("THREAD_CREATE", data, guild_id=guild.id)

    def dispatch_reaction(self, event: str, message: Message, user_id: int, emoji: str) -> None:
        """Dispatch MESSAGE_REACTION_ADD/REMOVE."""
        data: dict[str, Any] = {
            "user_id": str(user_id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
        }
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
            mem = self.state.guilds[message.guild_id].members.get(user_id)
            if mem is not None and event.endswith("ADD"):
                data["member"] = payloads.member(self.state, mem)
        if event.endswith("ADD"):
            data["message_author_id"] = str(message.author_id)
        self.gateway.dispatch(event, data, guild_id=message.guild_id)

    def dispatch_thread_members(
        self, guild: Guild, thread: Channel, *, added: Iterable[int] = (), removed: Iterable[int] = ()
    ) -> None:
        """Dispatch THREAD_MEMBERS_UPDATE (the bot's own membership needs only GUILDS)."""
        added, removed = list(added), list(removed)
        data: dict[str, Any] = {
            "id": str(thread.id),
            "guild_id": str(guild.id),
            "member_count": len(thread.thread_members),
        }
        if added:
            data["added_members"] = [
                {**payloads.thread_member(thread, u), "member": payloads.member(self.state, guild.members[u])}
                for u in added
            ]
        if removed:
            data["removed_member_ids"] = [str(u) for u in removed]
        only_bot = set(added) | set(removed) == {self.bot_user.id}
        self.gateway.dispatch(
            "THREAD_MEMBERS_UPDATE", data, guild_id=guild.id, intent=Intent.GUILDS if only_bot else None
        )

    def post_message(self, msg: Message) -> Message:
        """Store a new message and dispatch MESSAGE_CREATE (ephemeral messages are never dispatched)."""
        self.state.messages[msg.id] = msg
        chan = self.state.channels[msg.channel_id]
        chan.last_message_id = msg.id
        if chan.is_thread:
            chan.message_count += 1
        for att in msg.attachments:
            self.state.attachments[att.id] = att
        self.gateway.dispatch_message("MESSAGE_CREATE", msg)
        return msg

    def update_message(self, msg: Message) -> None:
        """Mark a message edited and dispatch MESSAGE_UPDATE."""
        msg.edited_at = now()
        for att in msg.attachments:
            self.state.attachments[att.id] = att
        self.gateway.dispatch_message("MESSAGE_UPDATE", msg)

    def remove_message(self, msg: Message) -> None:
        """Mark a message deleted and dispatch MESSAGE_DELETE."""
        msg.deleted = True
        if msg.ephemeral:
            return
        data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        self.gateway.dispatch("MESSAGE_DELETE", data, guild_id=msg.guild_id)


def _application_flags(privileged: int) -> int:
    """The GATEWAY_* application flags matching the privileged intents enabled in the 'developer portal'."""
    flags = 0
    if privileged & Intent.GUILD_PRESENCES:
        flags |= 1 << 12
    if privileged & Intent.GUILD_MEMBERS:
        flags |= 1 << 14
    if privileged & Intent.MESSAGE_CONTENT:
        flags |= 1 << 18
    return flags


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """Parse a JSON body or a multipart body with payload_json and files[n] parts."""
    files: list[UploadedFile] = []
    if not request.can_read_body:
        return None, files
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        body: Any = None
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                body = json.loads(data)
            else:
                files.append(
                    UploadedFile(
                        part.name or "", part.filename or "file", part.headers.get("Content-Type"), bytes(data)
                    )
                )
        return body, files
    raw = await request.read()
    if not raw:
        return None, files
    try:
        return json.loads(raw), files
    except ValueError:
        return raw.decode(errors="replace"), files
