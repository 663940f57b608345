"""A member's own data, as the JSON document `/mydata` hands them.

Only what is theirs: their consents, the reports and questions they filed (what they wrote and what they were told,
never the evidence, which is other people's words, nor the moderators' internal notes), flags on their own
messages, the breaches recorded against them (without the moderators' reasons, which may point at a reporter) and
the kinds of the terms they protected. Reports *about* them are never part of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from models.records import Breach, Case, CaseKind, Consent, Flag, ProtectedTerm

__all__ = ["EXPORT_VERSION", "member_export"]

EXPORT_VERSION = 1


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def member_export(
    user_id: int,
    *,
    now: datetime,
    consents: Sequence[Consent],
    cases: Sequence[Case],
    flags: Sequence[Flag],
    breaches: Sequence[Breach],
    protected: Sequence[ProtectedTerm],
) -> dict[str, Any]:
    """Build the export of `user_id`'s own data; `cases` must be those they filed."""
    filed = [case for case in cases if case.member_id == user_id]
    return {
        "format": "confidant member export",
        "version": EXPORT_VERSION,
        "user_id": str(user_id),
        "exported_at": now.isoformat(),
        "consents": [
            {"guild_id": str(c.guild_id), "agreement_version": c.version, "agreement_sha256": c.text_sha256,
             "decision": c.decision.value, "how": c.via.value, "at": _time(c.created_at)}
            for c in consents if c.user_id == user_id
        ],
        "reports": [_case(case) for case in filed if case.kind is CaseKind.REPORT],
        "questions": [_case(case) for case in filed if case.kind is CaseKind.QUESTION],
        "flags_on_my_messages": [
            {"guild_id": str(f.guild_id), "flag": f.id, "channel_id": str(f.channel_id), "kinds": list(f.labels),
             "status": f.status.value, "my_answer": None if f.author_answer is None else f.author_answer.value,
             "my_text": f.text, "at": _time(f.created_at)}
            for f in flags if f.author_id == user_id
        ],
        "confirmed_breaches": [
            {"guild_id": str(b.guild_id), "breach": b.id, "from": b.source.value, "step": b.step,
             "at": _time(b.created_at), "taken_back_at": _time(b.removed_at)}
            for b in breaches if b.member_id == user_id
        ],
        "protected_terms": [
            {"number": p.id, "kind": p.label, "added_at": _time(p.created_at), "words": "not kept (only a fingerprint)"}
            for p in protected if p.user_id == user_id
        ],
    }  # fmt: skip


def _case(case: Case) -> dict[str, Any]:
    return {
        "guild_id": str(case.guild_id),
        "case": case.number,
        "category": None if case.category is None else case.category.value,
        "status": case.status.value,
        "filed_at": _time(case.created_at),
        "what_i_wrote": case.text,
        "answer_or_note_to_me": case.answer if case.kind is CaseKind.QUESTION else case.reporter_note,
        "my_name_shared_with_moderators": case.share_name,
    }
