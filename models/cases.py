"""The Store's queries for cases: members' questions, breach reports and flags opened as cases.

A case's text, answer, outcome and note to the reporter, its timeline and its evidence are Fernet tokens on disk.
A case that could not reach the cases channel waits in the outbox (`delivered_at` is NULL) with its next attempt
time, so nothing a member reported is lost when the channel is missing or Discord fails.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import aiosqlite

from models._queries import Queries, from_unix
from models.records import (
    ERASED_USER_ID,
    BreachAction,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    Evidence,
    ReportCategory,
    require_id,
)

__all__ = ["CaseQueries", "retry_delay"]

# Delivery retries back off from 30 seconds to at most an hour.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next delivery after `attempts` failed ones."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


class CaseQueries(Queries):
    """Cases, their timelines, evidence, the outbox and blocked reporters."""

    ENCRYPTED = (
        ("cases", "text"), ("cases", "answer"), ("cases", "outcome"), ("cases", "reporter_note"),
        ("case_events", "text"), ("evidence", "content"), ("evidence", "attachments"), ("cases", "pending_notice"),
    )  # fmt: skip

    async def open_case(
        self,
        guild_id: int,
        kind: CaseKind,
        member_id: int,
        text: str,
        *,
        flag_id: int | None = None,
        category: ReportCategory | None = None,
        share_name: bool = False,
        evidence: Sequence[Evidence] = (),
    ) -> Case:
        """Store a new open case with the guild's next number, and its evidence, in one transaction."""
        require_id("guild_id", guild_id)
        require_id("member_id", member_id)
        if not text.strip():
            raise ValueError("a case needs some text")
        now = self._now()
        params = (
            guild_id, CaseKind(kind).value, CaseStatus.OPEN.value, member_id, self._cipher.encrypt(text), now,
            flag_id, None if category is None else ReportCategory(category).value, int(share_name),
        )  # fmt: skip
        snapshots = [self._evidence_params(item, now) for item in evidence]

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row:
            rows = await conn.execute_fetchall(
                "INSERT INTO cases (guild_id, number, kind, status, member_id, text, created_at, updated_at, flag_id, "
                "category, share_name, next_attempt_at) "
                "SELECT ?1, coalesce(max(number), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?6 "
                "FROM cases WHERE guild_id = ?1 RETURNING *",
                params,
            )
            row = next(iter(rows))
            for snapshot in snapshots:
                await conn.execute(
                    "INSERT INTO evidence (case_id, link, readable, channel_id, message_id, author_id, content, "
                    "attachments, posted_at, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (row["id"], *snapshot),
                )
            return row

        return self._case(await self._write("open a case", work))

    def _evidence_params(self, item: Evidence, now: int) -> tuple[object, ...]:
        content = None if item.content is None else self._cipher.encrypt(item.content)
        names = self._cipher.encrypt(json.dumps(list(item.attachments))) if item.attachments else None
        posted = None if item.posted_at is None else int(item.posted_at.timestamp())
        return (
            item.link, int(item.readable), item.channel_id, item.message_id, item.author_id, content, names, posted,
            now,
        )  # fmt: skip

    async def set_case_message(
        self, guild_id: int, number: int, channel_id: int, message_id: int, *, thread_id: int | None = None
    ) -> None:
        """Record the case's post (and thread) in the cases channel: it has been delivered."""
        now = self._now()
        await self._execute(
            "record a case message",
            "UPDATE cases SET channel_id = ?, message_id = ?, thread_id = coalesce(?, thread_id), "
            "delivered_at = coalesce(delivered_at, ?), updated_at = ? WHERE guild_id = ? AND number = ?",
            (channel_id, message_id, thread_id, now, now, guild_id, number),
        )

    async def defer_delivery(self, case_id: int) -> Case | None:
        """Count a failed delivery and schedule the next attempt, backing off."""
        now = self._now()

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall("SELECT attempts FROM cases WHERE id = ?", (case_id,))
            if not rows:
                return None
            attempts = int(next(iter(rows))[0]) + 1
            due = now + int(retry_delay(attempts).total_seconds())
            rows = await conn.execute_fetchall(
                "UPDATE cases SET attempts = ?, next_attempt_at = ? WHERE id = ? RETURNING *", (attempts, due, case_id)
            )
            return next(iter(rows), None)

        row = await self._write("defer a case's delivery", work)
        return None if row is None else self._case(row)

    async def undelivered_cases(self, *, due_by: datetime | None = None, guild_id: int | None = None) -> list[Case]:
        """Cases waiting in the outbox (only those due by `due_by`, when given), oldest first."""
        due = None if due_by is None else int(due_by.timestamp())
        rows = await self._read(
            "read the case outbox",
            "SELECT * FROM cases WHERE delivered_at IS NULL AND (? IS NULL OR guild_id = ?) "
            "AND (? IS NULL OR next_attempt_at <= ?) ORDER BY id",
            (guild_id, guild_id, due, due),
        )
        return [self._case(row) for row in rows]

    async def case(self, guild_id: int, number: int) -> Case | None:
        """Return one of the guild's cases by its number, decrypted."""
        require_id("guild_id", guild_id)
        rows = await self._read(
            "read a case", "SELECT * FROM cases WHERE guild_id = ? AND number = ?", (guild_id, number)
        )
        return self._case(rows[0]) if rows else None

    async def case_by_id(self, case_id: int) -> Case | None:
        """Return a case by its database id."""
        rows = await self._read("read a case", "SELECT * FROM cases WHERE id = ?", (case_id,))
        return self._case(rows[0]) if rows else None

    async def case_for_flag(self, flag_id: int) -> Case | None:
        """Return the case opened from a flag, if any."""
        rows = await self._read("read a flag's case", "SELECT * FROM cases WHERE flag_id = ?", (flag_id,))
        return self._case(rows[0]) if rows else None

    async def cases(
        self, guild_id: int, *, statuses: Collection[CaseStatus] = (), kind: CaseKind | None = None, limit: int = 25
    ) -> list[Case]:
        """The guild's cases, newest first, optionally only in `statuses` and of one `kind`."""
        wanted = [CaseStatus(s).value for s in statuses]
        marks = ", ".join("?" * len(wanted))
        status_clause = f"AND status IN ({marks})" if wanted else ""
        kind_value = None if kind is None else CaseKind(kind).value
        rows = await self._read(
            "list cases",
            f"SELECT * FROM cases WHERE guild_id = ? {status_clause} AND (? IS NULL OR kind = ?) "  # noqa: S608
            "ORDER BY number DESC LIMIT ?",
            (guild_id, *wanted, kind_value, kind_value, limit),
        )
        return [self._case(row) for row in rows]

    async def cases_by_member(self, member_id: int, *, kind: CaseKind | None = None) -> list[Case]:
        """Every case a member filed (as reporter or asker), in any guild, oldest first."""
        kind_value = None if kind is None else CaseKind(kind).value
        rows = await self._read(
            "read a member's cases",
            "SELECT * FROM cases WHERE member_id = ? AND (? IS NULL OR kind = ?) ORDER BY id",
            (member_id, kind_value, kind_value),
        )
        return [self._case(row) for row in rows]

    async def awaiting_cases(self, member_id: int) -> list[Case]:
        """Cases whose moderators wait for this reporter's answer, oldest first."""
        rows = await self._read(
            "read cases awaiting a reporter",
            "SELECT * FROM cases WHERE member_id = ? AND status = ? ORDER BY updated_at",
            (member_id, CaseStatus.AWAITING.value),
        )
        return [self._case(row) for row in rows]

    async def set_pending_notice(self, case_id: int, text: str | None) -> None:
        """Keep the latest notice the reporter could not be sent (None: it was shown to them)."""
        token = None if text is None else self._cipher.encrypt(text)
        await self._execute(
            "keep a reporter notice", "UPDATE cases SET pending_notice = ? WHERE id = ?", (token, case_id)
        )

    async def cases_with_notices(self, member_id: int) -> list[Case]:
        """The member's cases with a notice waiting for them, oldest first."""
        rows = await self._read(
            "read waiting notices",
            "SELECT * FROM cases WHERE member_id = ? AND pending_notice IS NOT NULL ORDER BY id",
            (member_id,),
        )
        return [self._case(row) for row in rows]

    async def reports_since(self, guild_id: int, member_id: int, since: datetime) -> int:
        """How many reports the member filed in the guild since `since`."""
        rows = await self._read(
            "count a member's reports",
            "SELECT count(*) FROM cases WHERE guild_id = ? AND member_id = ? AND kind = ? AND created_at >= ?",
            (guild_id, member_id, CaseKind.REPORT.value, int(since.timestamp())),
        )
        return int(rows[0][0])

    async def answer_case(self, guild_id: int, number: int, answered_by: int, answer: str) -> Case | None:
        """Mark an open question answered by `answered_by` (the answer is encrypted); None if it was not open."""
        require_id("answered_by", answered_by)
        now = self._now()
        params = (CaseStatus.ANSWERED.value, self._cipher.encrypt(answer), answered_by, now, now, guild_id, number)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(
                "UPDATE cases SET status = ?, answer = ?, answered_by = ?, answered_at = ?, updated_at = ? "
                "WHERE guild_id = ? AND number = ? AND status = 'open' RETURNING *",
                params,
            )
            return next(iter(rows), None)

        row = await self._write("answer a case", work)
        return None if row is None else self._case(row)

    async def reopen_case(self, guild_id: int, number: int) -> None:
        """Undo `answer_case` when the answer could not be delivered: the case is open again, without an answer."""
        params = (CaseStatus.OPEN.value, self._now(), guild_id, number, CaseStatus.ANSWERED.value)

        await self._execute(
            "reopen a case",
            "UPDATE cases SET status = ?, answer = NULL, answered_by = NULL, answered_at = NULL, updated_at = ? "
            "WHERE guild_id = ? AND number = ? AND status = ?",
            params,
        )

    async def set_case_status(
        self,
        guild_id: int,
        number: int,
        status: CaseStatus,
        actor_id: int,
        *,
        only_from: Collection[CaseStatus],
        note: str | None = None,
    ) -> Case | None:
        """Move a case to `status` if it is in one of `only_from`, with a timeline entry; None if it was not."""
        allowed = [CaseStatus(s).value for s in only_from]
        marks = ", ".join("?" * len(allowed))
        now = self._now()
        token = None if note is None else self._cipher.encrypt(note)
        sql = f"UPDATE cases SET status = ?, updated_at = ? WHERE guild_id = ? AND number = ? AND status IN ({marks}) RETURNING *"  # noqa: E501, S608 - placeholders only

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(sql, (CaseStatus(status).value, now, guild_id, number, *allowed))
            row = next(iter(rows), None)
            if row is not None:
                await conn.execute(
                    "INSERT INTO case_events (case_id, actor_id, kind, text, created_at) VALUES (?, ?, ?, ?, ?)",
                    (row["id"], actor_id, CaseEventKind.STATUS.value, token, now),
                )
            return row

        row = await self._write("change a case's status", work)
        return None if row is None else self._case(row)

    async def close_case(
        self,
        guild_id: int,
        number: int,
        status: CaseStatus,
        closed_by: int,
        *,
        outcome: str,
        action: BreachAction = BreachAction.NONE,
        subject_id: int | None = None,
        reporter_note: str | None = None,
    ) -> Case | None:
        """Resolve or dismiss a case that is still open; None if it was already closed."""
        if CaseStatus(status) not in (CaseStatus.RESOLVED, CaseStatus.DISMISSED):
            raise ValueError(f"a case is closed as resolved or dismissed, not {status}")
        require_id("subject_id", subject_id, optional=True)
        now = self._now()
        closed = [s.value for s in CaseStatus if s.closed]
        marks = ", ".join("?" * len(closed))
        note = None if reporter_note is None else self._cipher.encrypt(reporter_note)
        params = (
            CaseStatus(status).value, self._cipher.encrypt(outcome), BreachAction(action).value, subject_id, note,
            closed_by, now, now, guild_id, number, *closed,
        )  # fmt: skip
        sql = f"UPDATE cases SET status = ?, outcome = ?, action = ?, subject_id = ?, reporter_note = ?, closed_by = ?, closed_at = ?, updated_at = ? WHERE guild_id = ? AND number = ? AND status NOT IN ({marks}) RETURNING *"  # noqa: E501, S608 - placeholders only

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(sql, params)
            row = next(iter(rows), None)
            if row is not None:
                await conn.execute(
                    "INSERT INTO case_events (case_id, actor_id, kind, created_at) VALUES (?, ?, ?, ?)",
                    (row["id"], closed_by, CaseEventKind.STATUS.value, now),
                )
            return row

        row = await self._write("close a case", work)
        return None if row is None else self._case(row)

    async def add_case_event(
        self, case_id: int, actor_id: int, kind: CaseEventKind, text: str | None = None
    ) -> CaseEvent:
        """Append an entry to a case's timeline."""
        now = self._now()
        token = None if text is None else self._cipher.encrypt(text)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row:
            rows = await conn.execute_fetchall(
                "INSERT INTO case_events (case_id, actor_id, kind, text, created_at) VALUES (?, ?, ?, ?, ?) "
                "RETURNING *",
                (case_id, actor_id, CaseEventKind(kind).value, token, now),
            )
            await conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (now, case_id))
            return next(iter(rows))

        return self._event(await self._write("add to a case's timeline", work))

    async def case_events(self, case_id: int) -> list[CaseEvent]:
        """A case's timeline, oldest first."""
        rows = await self._read(
            "read a case's timeline", "SELECT * FROM case_events WHERE case_id = ? ORDER BY id", (case_id,)
        )
        return [self._event(row) for row in rows]

    async def evidence(self, case_id: int) -> list[Evidence]:
        """A case's evidence, in the order it was given."""
        rows = await self._read(
            "read a case's evidence", "SELECT * FROM evidence WHERE case_id = ? ORDER BY id", (case_id,)
        )
        return [self._evidence(row) for row in rows]

    async def block_reporter(self, guild_id: int, member_id: int, blocked_by: int) -> bool:
        """Stop a member from filing reports in the guild; False if they already were."""

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO report_blocks (guild_id, member_id, blocked_by, created_at) VALUES (?, ?, ?, ?)",
                (guild_id, member_id, blocked_by, self._now()),
            )
            return cursor.rowcount == 1

        return await self._write("block a reporter", work)

    async def unblock_reporter(self, guild_id: int, member_id: int) -> bool:
        """Let a blocked member report again; False if they were not blocked."""

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "DELETE FROM report_blocks WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
            )
            return cursor.rowcount == 1

        return await self._write("unblock a reporter", work)

    async def is_blocked(self, guild_id: int, member_id: int) -> bool:
        """Whether the member may not file reports in the guild."""
        rows = await self._read(
            "check a report block",
            "SELECT 1 FROM report_blocks WHERE guild_id = ? AND member_id = ?",
            (guild_id, member_id),
        )
        return bool(rows)

    async def purge_closed_cases(self, closed_before: datetime, *, guild_id: int | None = None) -> int:
        """Remove evidence, the timeline's texts and the reporter's identity from cases closed before the cutoff.

        The case keeps its number, kind, category, status, action and outcome: the group's record of what happened.
        """
        cutoff = int(closed_before.timestamp())
        now = self._now()

        async def work(conn: aiosqlite.Connection) -> int:
            rows = await conn.execute_fetchall(
                "SELECT id FROM cases WHERE purged_at IS NULL AND closed_at IS NOT NULL AND closed_at < ? "
                "AND (? IS NULL OR guild_id = ?)",
                (cutoff, guild_id, guild_id),
            )
            ids = [row[0] for row in rows]
            for case_id in ids:
                await conn.execute("DELETE FROM evidence WHERE case_id = ?", (case_id,))
                await conn.execute("UPDATE case_events SET text = NULL WHERE case_id = ?", (case_id,))
                await conn.execute(
                    "UPDATE cases SET member_id = ?, share_name = 0, reporter_note = NULL, purged_at = ? WHERE id = ?",
                    (ERASED_USER_ID, now, case_id),
                )
            return len(ids)

        return await self._write("purge closed cases", work)

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """A member's questions go. Reports they filed stay as the group's record, with their identity erased."""
        changed = 0
        cursor = await conn.execute(
            "DELETE FROM cases WHERE member_id = ? AND kind = ?", (user_id, CaseKind.QUESTION.value)
        )
        changed += cursor.rowcount
        for sql in (
            "UPDATE cases SET member_id = ?1, share_name = 0 WHERE member_id = ?2",
            "UPDATE cases SET answered_by = ?1 WHERE answered_by = ?2",
            "UPDATE cases SET subject_id = ?1 WHERE subject_id = ?2",
            "UPDATE cases SET closed_by = ?1 WHERE closed_by = ?2",
            "UPDATE case_events SET actor_id = ?1 WHERE actor_id = ?2",
            "UPDATE evidence SET author_id = ?1 WHERE author_id = ?2",
            "DELETE FROM report_blocks WHERE member_id = ?2 AND ?1 = ?1",
            "UPDATE report_blocks SET blocked_by = ?1 WHERE blocked_by = ?2",
        ):
            cursor = await conn.execute(sql, (ERASED_USER_ID, user_id))
            changed += cursor.rowcount
        return changed + await super()._erase_user(conn, user_id)

    def _case(self, row: sqlite3.Row) -> Case:
        """Build a Case from a cases row, decrypting its texts."""
        answer, outcome, note, notice = row["answer"], row["outcome"], row["reporter_note"], row["pending_notice"]
        category, action = row["category"], row["action"]
        return Case(
            id=row["id"],
            guild_id=row["guild_id"],
            number=row["number"],
            kind=CaseKind(row["kind"]),
            status=CaseStatus(row["status"]),
            member_id=row["member_id"],
            text=self._cipher.decrypt(row["text"], field="case text"),
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            answer=None if answer is None else self._cipher.decrypt(answer, field="case answer"),
            answered_by=row["answered_by"],
            answered_at=from_unix(row["answered_at"]),
            created_at=from_unix(row["created_at"]),  # type: ignore[arg-type]
            updated_at=from_unix(row["updated_at"]),  # type: ignore[arg-type]
            flag_id=row["flag_id"],
            category=None if category is None else ReportCategory(category),
            share_name=bool(row["share_name"]),
            thread_id=row["thread_id"],
            delivered_at=from_unix(row["delivered_at"]),
            attempts=row["attempts"],
            next_attempt_at=from_unix(row["next_attempt_at"]),
            subject_id=row["subject_id"],
            action=None if action is None else BreachAction(action),
            outcome=None if outcome is None else self._cipher.decrypt(outcome, field="case outcome"),
            reporter_note=None if note is None else self._cipher.decrypt(note, field="note to the reporter"),
            closed_by=row["closed_by"],
            closed_at=from_unix(row["closed_at"]),
            purged_at=from_unix(row["purged_at"]),
            pending_notice=None if notice is None else self._cipher.decrypt(notice, field="reporter notice"),
        )

    def _event(self, row: sqlite3.Row) -> CaseEvent:
        text = row["text"]
        return CaseEvent(
            id=row["id"],
            case_id=row["case_id"],
            actor_id=row["actor_id"],
            kind=CaseEventKind(row["kind"]),
            created_at=from_unix(row["created_at"]),  # type: ignore[arg-type]
            text=None if text is None else self._cipher.decrypt(text, field="case timeline"),
        )

    def _evidence(self, row: sqlite3.Row) -> Evidence:
        content, names = row["content"], row["attachments"]
        return Evidence(
            id=row["id"],
            case_id=row["case_id"],
            link=row["link"],
            readable=bool(row["readable"]),
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            author_id=row["author_id"],
            content=None if content is None else self._cipher.decrypt(content, field="evidence"),
            attachments=tuple(json.loads(self._cipher.decrypt(names, field="evidence attachments"))) if names else (),
            posted_at=from_unix(row["posted_at"]),
            captured_at=from_unix(row["captured_at"]),
        )
