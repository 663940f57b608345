"""The Store's queries for the agreement: published versions and drafts, onboarding, the consent ledger, the quiz.

The consent ledger is the group's record of who agreed to which exact text (its sha256), how and when.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta

import aiosqlite

from models._queries import Queries
from models._queries import from_unix as _time
from models.records import (
    ERASED_USER_ID,
    AgreementDraft,
    AgreementVersion,
    Consent,
    Decision,
    Onboarding,
    OnboardingState,
    Recorded,
    Via,
    require_id,
)

__all__ = ["AgreementQueries"]


class AgreementQueries(Queries):
    """Agreement versions and drafts, each member's onboarding, the consent ledger and quiz progress."""

    # -- agreements --------------------------------------------------------------------------------------------

    async def current_agreement(self, guild_id: int, default_text: str) -> AgreementVersion:
        """Return the guild's newest agreement; a guild that never published one gets `default_text` as version 1."""
        require_id("guild_id", guild_id)
        rows = await self._read(
            "read the agreement",
            "SELECT * FROM agreement_versions WHERE guild_id = ? ORDER BY version DESC LIMIT 1",
            (guild_id,),
        )
        if rows:
            return _agreement_version(rows[0])
        params = (guild_id, default_text, _sha256(default_text), self._now())

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row:
            # OR IGNORE: another task may have written version 1 between the read above and this transaction.
            await conn.execute(
                "INSERT OR IGNORE INTO agreement_versions "
                "(guild_id, version, text, sha256, published_by, published_at) VALUES (?, 1, ?, ?, NULL, ?)",
                params,
            )
            found = await conn.execute_fetchall(
                "SELECT * FROM agreement_versions WHERE guild_id = ? ORDER BY version DESC LIMIT 1",
                (guild_id,),
            )
            return next(iter(found))

        return _agreement_version(await self._write("record the default agreement", work))

    async def publish_agreement(self, guild_id: int, text: str, published_by: int) -> AgreementVersion:
        """Store `text` as the guild's next agreement version (older versions stay) and return it."""
        require_id("guild_id", guild_id)
        require_id("published_by", published_by)
        if not text.strip():
            raise ValueError("an agreement text must not be empty")
        params = (text, _sha256(text), published_by, self._now(), guild_id)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row:
            rows = await conn.execute_fetchall(
                "INSERT INTO agreement_versions (guild_id, version, text, sha256, published_by, published_at) "
                "SELECT ?5, coalesce(max(version), 0) + 1, ?1, ?2, ?3, ?4 FROM agreement_versions WHERE guild_id = ?5 "
                "RETURNING *",
                params,
            )
            return next(iter(rows))

        return _agreement_version(await self._write("publish an agreement", work))

    async def agreement_version(self, guild_id: int, version: int) -> AgreementVersion | None:
        """Return one version of the guild's agreement, if it exists."""
        require_id("guild_id", guild_id)
        rows = await self._read(
            "read an agreement version",
            "SELECT * FROM agreement_versions WHERE guild_id = ? AND version = ?",
            (guild_id, version),
        )
        return _agreement_version(rows[0]) if rows else None

    async def save_draft(self, guild_id: int, text: str, updated_by: int) -> AgreementDraft:
        """Store `text` as the guild's agreement draft (replacing any earlier one); it is not in force yet."""
        require_id("guild_id", guild_id)
        require_id("updated_by", updated_by)
        if not text.strip():
            raise ValueError("an agreement text must not be empty")
        now = self._now()
        await self._execute(
            "save an agreement draft",
            "INSERT INTO agreement_drafts (guild_id, text, updated_by, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET text = excluded.text, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            (guild_id, text, updated_by, now),
        )
        return AgreementDraft(guild_id, text, updated_by, datetime.fromtimestamp(now, UTC))

    async def draft(self, guild_id: int) -> AgreementDraft | None:
        """Return the guild's unpublished draft, if it has one."""
        require_id("guild_id", guild_id)
        rows = await self._read(
            "read the agreement draft", "SELECT * FROM agreement_drafts WHERE guild_id = ?", (guild_id,)
        )
        if not rows:
            return None
        row = rows[0]
        return AgreementDraft(
            row["guild_id"], row["text"], row["updated_by"], datetime.fromtimestamp(row["updated_at"], UTC)
        )

    async def publish_draft(
        self, guild_id: int, published_by: int, default_text: str, grace: timedelta
    ) -> tuple[AgreementVersion, list[int]] | None:
        """Make the draft the guild's next version, in one transaction; None when there is no draft.

        Everyone who accepted an older version gets a grace deadline `grace` from now; their ids are returned so
        the caller can send them the new version. Older versions stay in the database.
        """
        require_id("guild_id", guild_id)
        require_id("published_by", published_by)
        now = self._now()
        due = now + int(grace.total_seconds())

        async def work(conn: aiosqlite.Connection) -> tuple[sqlite3.Row, list[int]] | None:
            drafts = list(
                await conn.execute_fetchall("SELECT text FROM agreement_drafts WHERE guild_id = ?", (guild_id,))
            )
            if not drafts:
                return None
            text = str(drafts[0]["text"])
            # A guild that never showed anyone an agreement still gets the default as version 1 first, so the
            # published text is never mistaken for the default.
            await conn.execute(
                "INSERT OR IGNORE INTO agreement_versions "
                "(guild_id, version, text, sha256, published_by, published_at) VALUES (?, 1, ?, ?, NULL, ?)",
                (guild_id, default_text, _sha256(default_text), now),
            )
            rows = await conn.execute_fetchall(
                "INSERT INTO agreement_versions (guild_id, version, text, sha256, published_by, published_at) "
                "SELECT ?5, coalesce(max(version), 0) + 1, ?1, ?2, ?3, ?4 FROM agreement_versions WHERE guild_id = ?5 "
                "RETURNING *",
                (text, _sha256(text), published_by, now, guild_id),
            )
            version = next(iter(rows))
            asked = await conn.execute_fetchall(
                "UPDATE onboarding SET grace_due_at = coalesce(grace_due_at, ?) "
                "WHERE guild_id = ? AND state = ? AND version < ? RETURNING user_id",
                (due, guild_id, OnboardingState.ACCEPTED.value, version["version"]),
            )
            await conn.execute("DELETE FROM agreement_drafts WHERE guild_id = ?", (guild_id,))
            return version, sorted(int(row["user_id"]) for row in asked)

        result = await self._write("publish the agreement draft", work)
        if result is None:
            return None
        return _agreement_version(result[0]), result[1]

    async def grace_overdue(self, at: datetime) -> list[Onboarding]:
        """Members whose grace deadline passed by `at` without accepting the newest version and still have the role."""
        rows = await self._read(
            "read overdue grace periods",
            "SELECT * FROM onboarding WHERE grace_due_at IS NOT NULL AND grace_due_at <= ? "
            "AND grace_notified_at IS NOT NULL AND role_withheld_at IS NULL ORDER BY grace_due_at, guild_id, user_id",
            (int(at.timestamp()),),
        )
        return [_onboarding(row) for row in rows]

    async def grace_unnoticed(self, guild_id: int | None = None) -> list[Onboarding]:
        """Members with a grace deadline who have not been sent the new version yet (of one guild, or all)."""
        rows = await self._read(
            "read unsent new versions",
            "SELECT * FROM onboarding WHERE (? IS NULL OR guild_id = ?) AND grace_due_at IS NOT NULL "
            "AND grace_notified_at IS NULL AND role_withheld_at IS NULL ORDER BY guild_id, user_id",
            (guild_id, guild_id),
        )
        return [_onboarding(row) for row in rows]

    async def claim_grace_notice(self, guild_id: int, user_id: int, grace: timedelta) -> bool:
        """Mark the new version as sent to a member, once; a late notice moves their deadline to `grace` from now."""
        now = self._now()
        later = now + int(grace.total_seconds())

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE onboarding SET grace_notified_at = ?, grace_due_at = max(grace_due_at, ?), updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND grace_due_at IS NOT NULL AND grace_notified_at IS NULL",
                (now, later, now, guild_id, user_id),
            )
            return cursor.rowcount == 1

        return await self._write("record that a new version was sent", work)

    async def claim_withholding(self, guild_id: int, user_id: int, version: int) -> bool:
        """Mark the member role withheld from a member still on `version` past their deadline; True only once."""
        now = self._now()

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE onboarding SET role_withheld_at = ?, role_granted_at = NULL, updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND version = ? AND grace_due_at IS NOT NULL "
                "AND role_withheld_at IS NULL",
                (now, now, guild_id, user_id, version),
            )
            return cursor.rowcount == 1

        return await self._write("withhold the member role", work)

    async def release_withholding(self, guild_id: int, user_id: int, granted_at: datetime | None) -> None:
        """Undo `claim_withholding` after Discord refused to take the role, so a later check tries again."""
        granted = None if granted_at is None else int(granted_at.timestamp())
        await self._execute(
            "release a role withholding",
            "UPDATE onboarding SET role_withheld_at = NULL, role_granted_at = ? WHERE guild_id = ? AND user_id = ?",
            (granted, guild_id, user_id),
        )

    async def end_grace(self, guild_id: int, user_id: int) -> None:
        """Forget a member's grace deadline without withholding anything (moderators, members who left)."""
        await self._execute(
            "end a grace period",
            "UPDATE onboarding SET grace_due_at = NULL, grace_notified_at = NULL WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )

    # -- reminders and removals --------------------------------------------------------------------------------

    async def reminders_due(self, at: datetime) -> list[Onboarding]:
        """Members still waiting to answer whose one reminder was due by `at` and not yet claimed."""
        rows = await self._read(
            "read due reminders",
            "SELECT * FROM onboarding WHERE reminder_due_at IS NOT NULL AND reminder_due_at <= ? AND state = ? "
            "ORDER BY reminder_due_at, guild_id, user_id",
            (int(at.timestamp()), OnboardingState.PENDING.value),
        )
        return [_onboarding(row) for row in rows]

    async def claim_reminder(self, guild_id: int, user_id: int, at: datetime) -> bool:
        """Mark a due reminder sent, before sending it; True only once, so a restart or a retry never repeats it."""
        params = (self._now(), guild_id, user_id, int(at.timestamp()), OnboardingState.PENDING.value)

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE onboarding SET reminder_due_at = NULL, reminded_at = ? WHERE guild_id = ? AND user_id = ? "
                "AND reminder_due_at IS NOT NULL AND reminder_due_at <= ? AND state = ?",
                params,
            )
            return cursor.rowcount == 1

        return await self._write("claim a reminder", work)

    async def removals_due(self, at: datetime) -> list[Onboarding]:
        """Members who have not accepted and whose removal was due by `at` and not yet claimed."""
        rows = await self._read(
            "read due removals",
            "SELECT * FROM onboarding WHERE removal_due_at IS NOT NULL AND removal_due_at <= ? AND state != ? "
            "ORDER BY removal_due_at, guild_id, user_id",
            (int(at.timestamp()), OnboardingState.ACCEPTED.value),
        )
        return [_onboarding(row) for row in rows]

    async def claim_removal(self, guild_id: int, user_id: int, at: datetime) -> bool:
        """Mark a due removal done, before removing; True only once, and never for a member who accepted."""
        params = (self._now(), guild_id, user_id, int(at.timestamp()), OnboardingState.ACCEPTED.value)

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE onboarding SET removal_due_at = NULL, removed_at = ? WHERE guild_id = ? AND user_id = ? "
                "AND removal_due_at IS NOT NULL AND removal_due_at <= ? AND state != ?",
                params,
            )
            return cursor.rowcount == 1

        return await self._write("claim a removal", work)

    async def clear_due_times(self, guild_id: int, user_id: int) -> None:
        """Forget a member's pending reminder and removal (they left, or are a moderator)."""
        await self._execute(
            "clear reminder and removal due times",
            "UPDATE onboarding SET reminder_due_at = NULL, removal_due_at = NULL WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )

    # -- onboarding and the consent ledger ---------------------------------------------------------------------

    async def start_onboarding(
        self,
        guild_id: int,
        user_id: int,
        version: int,
        *,
        reminder: timedelta | None = None,
        removal: timedelta | None = None,
    ) -> Onboarding:
        """Record that `user_id` joined and is offered `version`.

        A member who already accepted that very version (a rejoin) stays accepted, with the role to be given
        again; anyone else starts over as pending, with a reminder due `reminder` from now and a removal due
        `removal` from now (None: not due at all).
        """
        require_id("guild_id", guild_id)
        require_id("user_id", user_id)
        now = self._now()
        reminder_due = _due(now, reminder)
        removal_due = _due(now, removal)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row:
            row = await _onboarding_row(conn, guild_id, user_id)
            if row is not None and row["state"] == OnboardingState.ACCEPTED and row["version"] == version:
                await conn.execute(
                    "UPDATE onboarding SET role_granted_at = NULL, updated_at = ? WHERE guild_id = ? AND user_id = ?",
                    (now, guild_id, user_id),
                )
            else:
                await conn.execute(
                    "INSERT INTO onboarding (guild_id, user_id, version, state, reminder_due_at, removal_due_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, user_id) DO UPDATE SET version = excluded.version, "
                    "state = excluded.state, via = NULL, channel_id = NULL, role_granted_at = NULL, "
                    "reminder_due_at = excluded.reminder_due_at, removal_due_at = excluded.removal_due_at, "
                    "reminded_at = NULL, removed_at = NULL, grace_due_at = NULL, grace_notified_at = NULL, "
                    "role_withheld_at = NULL, "
                    "updated_at = excluded.updated_at",
                    (guild_id, user_id, version, OnboardingState.PENDING.value, reminder_due, removal_due, now),
                )
            return await _require_onboarding_row(conn, guild_id, user_id)

        return _onboarding(await self._write("start onboarding", work))

    async def record_delivery(self, guild_id: int, user_id: int, via: Via, channel_id: int | None) -> None:
        """Remember where the agreement was sent: the DM channel or the private gate thread."""
        require_id("guild_id", guild_id)
        require_id("user_id", user_id)
        params = (Via(via).value, channel_id, self._now(), guild_id, user_id)

        await self._execute(
            "record where the agreement was sent",
            "UPDATE onboarding SET via = ?, channel_id = ?, updated_at = ? WHERE guild_id = ? AND user_id = ?",
            params,
        )

    async def record_decision(
        self,
        guild_id: int,
        user_id: int,
        version: int,
        decision: Decision,
        via: Via,
        channel_id: int | None,
        *,
        decline_removal: timedelta | None = None,
    ) -> Recorded:
        """Append the member's answer to the consent ledger and update their onboarding, in one transaction.

        The ledger row carries the sha256 of that version's exact text. Giving the same answer to the same version
        again (a double click) records nothing new: `Recorded.consent` is then None. Any answer ends the wait for a
        reminder; accepting also cancels a pending removal, and declining schedules one `decline_removal` from now
        (None keeps whatever removal was already due).
        """
        require_id("guild_id", guild_id)
        require_id("user_id", user_id)
        decision, via = Decision(decision), Via(via)
        now = self._now()
        decline_due = _due(now, decline_removal)

        async def work(conn: aiosqlite.Connection) -> tuple[sqlite3.Row, sqlite3.Row | None]:
            row = await _onboarding_row(conn, guild_id, user_id)
            if row is not None and row["state"] == decision.value and row["version"] == version:
                return row, None
            digest = await _version_sha256(conn, guild_id, version)
            consent = next(
                iter(
                    await conn.execute_fetchall(
                        "INSERT INTO consents (guild_id, user_id, version, text_sha256, decision, via, channel_id, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                        (guild_id, user_id, version, digest, decision.value, via.value, channel_id, now),
                    )
                )
            )
            await conn.execute(
                "INSERT INTO onboarding (guild_id, user_id, version, state, via, channel_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
                "version = excluded.version, state = excluded.state, via = excluded.via, "
                "channel_id = excluded.channel_id, updated_at = excluded.updated_at",
                (guild_id, user_id, version, decision.value, via.value, channel_id, now),
            )
            if decision is Decision.ACCEPTED:
                # Accepting (the newest version) ends any grace period; a withheld role is then given back.
                await conn.execute(
                    "UPDATE onboarding SET grace_due_at = NULL, grace_notified_at = NULL, role_withheld_at = NULL, "
                    "reminder_due_at = NULL, "
                    "removal_due_at = NULL WHERE guild_id = ? AND user_id = ?",
                    (guild_id, user_id),
                )
            else:
                await conn.execute(
                    "UPDATE onboarding SET reminder_due_at = NULL, removal_due_at = coalesce(?, removal_due_at) "
                    "WHERE guild_id = ? AND user_id = ?",
                    (decline_due, guild_id, user_id),
                )
            return await _require_onboarding_row(conn, guild_id, user_id), consent

        row, consent = await self._write("record a consent decision", work)
        return Recorded(_onboarding(row), None if consent is None else _consent(consent))

    async def claim_role_grant(self, guild_id: int, user_id: int) -> bool:
        """Mark the member role as given to an accepted member; False if it already was (or they did not accept).

        Only the caller that gets True may give the role, so double clicks and races give it once.
        """
        params = (self._now(), guild_id, user_id, OnboardingState.ACCEPTED.value)

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE onboarding SET role_granted_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND state = ? AND role_granted_at IS NULL",
                params,
            )
            return cursor.rowcount == 1

        return await self._write("claim a role grant", work)

    async def release_role_grant(self, guild_id: int, user_id: int) -> None:
        """Undo `claim_role_grant` after Discord refused the role, so a later attempt may try again."""
        await self._execute(
            "release a role grant",
            "UPDATE onboarding SET role_granted_at = NULL WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )

    async def onboarding(self, guild_id: int, user_id: int) -> Onboarding | None:
        """Return where the member stands with the guild's agreement, if they were ever offered it."""
        rows = await self._read(
            "read onboarding",
            "SELECT * FROM onboarding WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return _onboarding(rows[0]) if rows else None

    async def guild_onboarding(self, guild_id: int) -> list[Onboarding]:
        """Return every member's onboarding in the guild, most recently changed first."""
        require_id("guild_id", guild_id)
        rows = await self._read(
            "read the guild's onboarding",
            "SELECT * FROM onboarding WHERE guild_id = ? ORDER BY updated_at DESC, user_id",
            (guild_id,),
        )
        return [_onboarding(row) for row in rows]

    async def consents(self, guild_id: int, user_id: int) -> list[Consent]:
        """Return the member's consent ledger rows in the guild, oldest first."""
        require_id("guild_id", guild_id)
        rows = await self._read(
            "read the consent ledger",
            "SELECT * FROM consents WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return [_consent(row) for row in rows]

    async def consents_of_user(self, user_id: int) -> list[Consent]:
        """Every consent ledger row of the user, in any guild, oldest first (their own data)."""
        rows = await self._read(
            "read a user's consents", "SELECT * FROM consents WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_consent(row) for row in rows]

    # -- the comprehension check -------------------------------------------------------------------------------

    async def quiz_passed(self, guild_id: int, user_id: int, version: int) -> frozenset[int]:
        """Return the indices of the quiz questions the member answered correctly for `version`."""
        require_id("guild_id", guild_id)
        require_id("user_id", user_id)
        rows = await self._read(
            "read quiz progress",
            "SELECT passed FROM quiz_progress WHERE guild_id = ? AND user_id = ? AND version = ?",
            (guild_id, user_id, version),
        )
        return _bits(rows[0]["passed"]) if rows else frozenset()

    async def pass_quiz_question(self, guild_id: int, user_id: int, version: int, index: int) -> frozenset[int]:
        """Record that the member answered question `index` correctly for `version`; return all they passed."""
        require_id("guild_id", guild_id)
        require_id("user_id", user_id)
        if not 0 <= index < 62:  # the bitmask lives in a signed 64-bit INTEGER
            raise ValueError(f"quiz question index must be 0 to 61, got {index!r}")
        params = (guild_id, user_id, version, 1 << index, self._now())

        async def work(conn: aiosqlite.Connection) -> int:
            rows = await conn.execute_fetchall(
                "INSERT INTO quiz_progress (guild_id, user_id, version, passed, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id, version) DO UPDATE SET passed = passed | excluded.passed, "
                "updated_at = excluded.updated_at RETURNING passed",
                params,
            )
            return int(next(iter(rows))[0])

        return _bits(await self._write("record a quiz answer", work))

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """Onboarding rows and quiz progress go; a draft keeps its text, not who wrote it (consents: the Store)."""
        cursor = await conn.execute("DELETE FROM onboarding WHERE user_id = ?", (user_id,))
        changed = cursor.rowcount
        cursor = await conn.execute("DELETE FROM quiz_progress WHERE user_id = ?", (user_id,))
        changed += cursor.rowcount
        cursor = await conn.execute(
            "UPDATE agreement_drafts SET updated_by = ? WHERE updated_by = ?", (ERASED_USER_ID, user_id)
        )
        changed += cursor.rowcount
        return changed + await super()._erase_user(conn, user_id)


def _sha256(text: str) -> str:
    """Hex digest of `text` as UTF-8, the same digest `rules.agreement.Agreement.sha256` gives."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _due(now: int, delay: timedelta | None) -> int | None:
    """The unix time `delay` after `now`, or None when nothing is due (no delay, or a zero one)."""
    return None if delay is None or delay <= timedelta(0) else now + int(delay.total_seconds())


def _bits(mask: int) -> frozenset[int]:
    """The indices of the set bits of `mask`."""
    return frozenset(index for index in range(mask.bit_length()) if mask >> index & 1)


def _agreement_version(row: sqlite3.Row) -> AgreementVersion:
    return AgreementVersion(
        guild_id=row["guild_id"],
        version=row["version"],
        text=row["text"],
        sha256=row["sha256"],
        published_by=row["published_by"],
        published_at=datetime.fromtimestamp(row["published_at"], UTC),
    )


def _consent(row: sqlite3.Row) -> Consent:
    return Consent(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        version=row["version"],
        text_sha256=row["text_sha256"],
        decision=Decision(row["decision"]),
        via=Via(row["via"]),
        channel_id=row["channel_id"],
        created_at=datetime.fromtimestamp(row["created_at"], UTC),
    )


def _onboarding(row: sqlite3.Row) -> Onboarding:
    return Onboarding(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        version=row["version"],
        state=OnboardingState(row["state"]),
        via=None if row["via"] is None else Via(row["via"]),
        channel_id=row["channel_id"],
        role_granted_at=_time(row["role_granted_at"]),
        reminder_due_at=_time(row["reminder_due_at"]),
        removal_due_at=_time(row["removal_due_at"]),
        grace_due_at=_time(row["grace_due_at"]),
        role_withheld_at=_time(row["role_withheld_at"]),
        reminded_at=_time(row["reminded_at"]),
        removed_at=_time(row["removed_at"]),
        updated_at=datetime.fromtimestamp(row["updated_at"], UTC),
    )


async def _onboarding_row(conn: aiosqlite.Connection, guild_id: int, user_id: int) -> sqlite3.Row | None:
    rows = await conn.execute_fetchall(
        "SELECT * FROM onboarding WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return next(iter(rows), None)


async def _require_onboarding_row(conn: aiosqlite.Connection, guild_id: int, user_id: int) -> sqlite3.Row:
    row = await _onboarding_row(conn, guild_id, user_id)
    if row is None:
        raise RuntimeError(f"onboarding row for user {user_id} in guild {guild_id} vanished inside its transaction")
    return row


async def _version_sha256(conn: aiosqlite.Connection, guild_id: int, version: int) -> str:
    rows = list(
        await conn.execute_fetchall(
            "SELECT sha256 FROM agreement_versions WHERE guild_id = ? AND version = ?", (guild_id, version)
        )
    )
    if not rows:
        raise ValueError(f"guild {guild_id} has no agreement version {version!r}")
    return str(rows[0]["sha256"])
