"""The fake gateway: HELLO, heartbeats, IDENTIFY/READY, RESUME with replay, member chunks, intents, outages."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import payloads
from .model import Intent, Message

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger(__name__)

Builder = Callable[["Session"], "dict[str, Any] | None"]

_GUILD_EVENTS = (
    "GUILD_CREATE",
    "GUILD_UPDATE",
    "GUILD_DELETE",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "CHANNEL_DELETE",
    "CHANNEL_PINS_UPDATE",
    "THREAD_CREATE",
    "THREAD_UPDATE",
    "THREAD_DELETE",
    "THREAD_LIST_SYNC",
    "THREAD_MEMBER_UPDATE",
)
EVENT_INTENTS: dict[str, int] = {
    **dict.fromkeys(_GUILD_EVENTS, Intent.GUILDS),
    "GUILD_MEMBER_ADD": Intent.GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": Intent.GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": Intent.GUILD_MEMBERS,
    "THREAD_MEMBERS_UPDATE": Intent.GUILD_MEMBERS,
    "GUILD_BAN_ADD": Intent.GUILD_MODERATION,
    "GUILD_BAN_REMOVE": Intent.GUILD_MODERATION,
    "GUILD_AUDIT_LOG_ENTRY_CREATE": Intent.GUILD_MODERATION,
    "WEBHOOKS_UPDATE": Intent.GUILD_WEBHOOKS,
    "AUTO_MODERATION_RULE_CREATE": Intent.AUTO_MODERATION_CONFIGURATION,
    "AUTO_MODERATION_RULE_UPDATE": Intent.AUTO_MODERATION_CONFIGURATION,
    "AUTO_MODERATION_RULE_DELETE": Intent.AUTO_MODERATION_CONFIGURATION,
    "AUTO_MODERATION_ACTION_EXECUTION": Intent.AUTO_MODERATION_EXECUTION,
}
# Closing with these codes ends the session on Discord; any other close leaves it resumable.
_SESSION_ENDING_CLOSES = (1000, 1001)


def required_intent(event: str, guild_id: int | None) -> int:
    """The intent a session needs to receive this event (0: always sent)."""
    if event.startswith("MESSAGE_REACTION"):
        return Intent.GUILD_MESSAGE_REACTIONS if guild_id else Intent.DIRECT_MESSAGE_REACTIONS
    if event.startswith("MESSAGE_"):
        return Intent.GUILD_MESSAGES if guild_id else Intent.DIRECT_MESSAGES
    return EVENT_INTENTS.get(event, 0)


class Session:
    """A gateway session: intents, shard, the sequence and every event sent (for RESUME replay)."""

    def __init__(self, session_id: str, intents: int, shard: list[int] | None) -> None:
        self.id = session_id
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.backlog: list[str] = []  # backlog[n] is the frame with seq n + 1
        self.conn: Connection | None = None
        self.acked = 0
        self.abandoned = False
        self.wake = asyncio.Event()
        self.beat = asyncio.Event()

    def has(self, intent: int) -> bool:
        """Whether the session identified with this intent."""
        return bool(self.intents & intent)

    def covers(self, guild_id: int | None) -> bool:
        """Whether this session's shard receives events of the guild."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return ((guild_id or 0) >> 22) % count == shard_id

    def enqueue(self, event: str, data: dict[str, Any]) -> int:
        """Give the event the next sequence number and queue it for the writer."""
        self.seq += 1
        self.backlog.append(json.dumps({"op": 0, "t": event, "s": self.seq, "d": data}))
        self.wake.set()
        return self.seq


class Connection:
    """One websocket connection, bound to a session after IDENTIFY or RESUME."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.session: Session | None = None
        self.sent = 0
        self.dropped = False
        self.closed_by_server = False
        self.writer: asyncio.Task[None] | None = None

    async def send(self, payload: dict[str, Any]) -> None:
        """Send a control frame (not sequenced)."""
        await self.ws.send_str(json.dumps(payload))

    async def close(self, codes: list[int], code: int, reason: bytes) -> None:
        """Close from the server side, recording the code."""
        self.closed_by_server = True
        codes.append(code)
        await self.ws.close(code=code, message=reason)


class Gateway:
    """Serves the websocket and routes dispatched events to sessions by intent and shard."""

    def __init__(self, fake: FakeDiscord, *, heartbeat_interval: float) -> None:
        self.fake = fake
        self.heartbeat_ms = int(heartbeat_interval * 1000)
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.identifies = 0
        self.resumes = 0
        self.close_codes: list[int] = []
        self._open = asyncio.Event()
        self._open.set()

    # -- dispatch ---------------------------------------------------------------------------------------------

    def dispatch(
        self, event: str, data: dict[str, Any] | Builder, *, guild_id: int | None = None, intent: int | None = None
    ) -> None:
        """Queue an event for every session whose intents and shard cover it."""
        needed = required_intent(event, guild_id) if intent is None else intent
        for session in list(self.sessions.values()):
            if needed and not session.has(needed):
                continue
            if not session.covers(guild_id):
                continue
            body = data(session) if callable(data) else data
            if body is not None:
                session.enqueue(event, body)

    def dispatch_message(self, event: str, msg: Message) -> None:
        """Queue MESSAGE_CREATE/UPDATE, emptying content for sessions without MESSAGE_CONTENT like Discord."""
        state = self.fake.state
        if msg.ephemeral:
            return  # Discord never sends ephemeral messages over the gateway

        def build(session: Session) -> dict[str, Any]:
            return payloads.message(state, msg, strip_content=self.strips_content(session, msg))

        self.dispatch(event, build, guild_id=msg.guild_id)

    def strips_content(self, session: Session, msg: Message) -> bool:
        """Whether Discord would empty this message's content for this session."""
        if session.has(Intent.MESSAGE_CONTENT) or msg.guild_id is None:
            return False
        bot_id = self.fake.bot_user.id
        if msg.author_id == bot_id:
            return False
        return str(bot_id) not in payloads.MENTION_RE.findall(msg.content)

    async def settle(self, timeout: float = 2.0) -> None:
        """Wait until every connected client has parsed every event queued so far (a heartbeat round-trip)."""
        deadline = time.monotonic() + timeout
        for session in list(self.sessions.values()):
            target = session.seq
            while session.acked < target:
                if session.id not in self.sessions:
                    break
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"the client did not process gateway events up to seq {target} within {timeout}s "
                        f"(last acknowledged: {session.acked}); is the bot still running?"
                    )
                conn = session.conn
                if conn is None and (session.abandoned or not self._open.is_set()):
                    break  # closed by the client, or held outage: events wait in the backlog for a RESUME
                if conn is None or conn.sent < target or conn.ws.closed:
                    await asyncio.sleep(0.005)
                    continue
                session.beat.clear()
                with contextlib.suppress(ConnectionError):
                    await conn.send({"op": 1, "d": None})  # asks the client for a heartbeat carrying its seq
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(session.beat.wait(), timeout=0.25)

    # -- outages --------------------------------------------------------------------------------------------

    async def drop(self, code: int = 4000, *, hold: bool = False) -> None:
        """Close every connection abnormally; sessions stay resumable. With `hold`, new ones wait for release."""
        if hold:
            self._open.clear()
        for conn in list(self.connections):
            conn.dropped = True
            await conn.close(self.close_codes, code, b"fake outage")

    def release(self) -> None:
        """Let held connections proceed (HELLO is sent)."""
        self._open.set()

    async def close(self) -> None:
        """Close every connection (server shutdown)."""
        self._open.set()
        for conn in list(self.connections):
            conn.dropped = True
            await conn.close(self.close_codes, 1001, b"server shutdown")

    # -- the websocket --------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one gateway websocket connection."""
        ws = web.WebSocketResponse(max_msg_size=0, compress=False)  # Discord uses no permessage-deflate
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.add(conn)
        try:
            await self._open.wait()
            await conn.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms, "_trace": ["fakediscord"]}})
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self._forget(conn)
        return ws

    def _forget(self, conn: Connection) -> None:
        self.connections.discard(conn)
        if conn.writer is not None:
            conn.writer.cancel()
        code = conn.ws.close_code
        if code is not None and not conn.closed_by_server:
            self.close_codes.append(code)
        session = conn.session
        if session is None or session.conn is not conn:
            return
        session.conn = None
        # discord.py closes with 4000 even on a clean close() (its reader task wins the race), so any close
        # the client started marks the session abandoned: settle() stops waiting for it unless it resumes.
        session.abandoned = not conn.dropped
        if not conn.dropped and code in _SESSION_ENDING_CLOSES:
            self.sessions.pop(session.id, None)

    async def _on_frame(self, conn: Connection, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == 1:
            if conn.session is not None and isinstance(data, int):
                conn.session.acked = max(conn.session.acked, data)
                conn.session.beat.set()
            await conn.send({"op": 11})
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif op == 8:
            self._request_members(conn, data)
        elif op in (3, 4):
            return  # presence and voice state updates are accepted and ignored
        else:
            log.warning("fake gateway got unknown op %s", op)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        fake = self.fake
        if data.get("token") != fake.token:
            await conn.close(self.close_codes, 4004, b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        missing = intents & Intent.PRIVILEGED & ~fake.privileged_intents
        if missing:
            log.info("fake gateway refuses privileged intents %s", missing)
            await conn.close(self.close_codes, 4014, b"Disallowed intent(s).")
            return
        shard = data.get("shard")
        session = Session(secrets.token_hex(16), intents, list(shard) if shard is not None else None)
        self.sessions[session.id] = session
        self.identifies += 1
        self._attach(conn, session, sent=0)
        guilds = [g for g in fake.state.guilds.values() if session.covers(g.id)]
        ready = payloads.ready(
            fake.state,
            bot_user=fake.bot_user,
            guild_ids=[g.id for g in guilds],
            session_id=session.id,
            resume_url=f"{fake.ws_url}/resume",
            app_id=fake.application_id,
            app_flags=fake.application_flags,
            shard=session.shard,
        )
        session.enqueue("READY", ready)
        for guild in guilds:
            session.enqueue("GUILD_CREATE", fake.guild_create_payload(guild, session))

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self.fake.token or session is None:
            await conn.send({"op": 9, "d": False})
            return
        if session.conn is not None and session.conn is not conn:
            session.conn.dropped = True
            await session.conn.close(self.close_codes, 4000, b"session resumed elsewhere")
        conn.session = session
        session.conn = conn
        session.abandoned = False
        # Like Discord: replay every event after the client's seq, then RESUMED; new events follow via the writer.
        conn.sent = int(data.get("seq") or 0)
        while conn.sent < session.seq:
            await conn.ws.send_str(session.backlog[conn.sent])
            conn.sent += 1
        await conn.send({"op": 0, "t": "RESUMED", "s": None, "d": {"_trace": ["fakediscord"]}})
        self.resumes += 1
        self._attach(conn, session, sent=conn.sent)

    def _attach(self, conn: Connection, session: Session, *, sent: int) -> None:
        conn.session = session
        conn.sent = sent
        session.conn = conn
        conn.writer = asyncio.create_task(self._write(conn, session), name=f"fakediscord-gateway-{session.id[:6]}")

    async def _write(self, conn: Connection, session: Session) -> None:
        try:
            while not conn.ws.closed:
                while conn.sent < session.seq and not conn.ws.closed:
                    await conn.ws.send_str(session.backlog[conn.sent])
                    conn.sent += 1
                session.wake.clear()
                if conn.sent >= session.seq:
                    await session.wake.wait()
        except ConnectionError:
            log.debug("fake gateway writer stopped: connection closed")

    def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        session = conn.session
        if session is None:
            return
        state = self.fake.state
        guild_ids = data["guild_id"] if isinstance(data["guild_id"], list) else [data["guild_id"]]
        for raw_id in guild_ids:
            guild = state.guilds.get(int(raw_id))
            if guild is None:
                continue
            wanted = {int(u) for u in data.get("user_ids") or []}
            query = (data.get("query") or "").lower()
            limit = int(data.get("limit") or 0) or len(guild.members)
            found = [
                m
                for m in guild.members.values()
                if (m.user_id in wanted if wanted else state.users[m.user_id].name.lower().startswith(query))
            ][:limit]
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [payloads.member(state, m) for m in found],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [str(u) for u in wanted - {m.user_id for m in found}],
            }
            if data.get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            session.enqueue("GUILD_MEMBERS_CHUNK", chunk)
