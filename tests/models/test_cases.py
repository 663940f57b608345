"""Comprehension-check progress and cases (questions for now), against a real SQLite file."""

import pytest

from models.records import ERASED_USER_ID, CaseKind, CaseStatus, GuildSettings
from tests.models.helpers import GUILD, MEMBER, MODERATOR, OTHER_GUILD, OTHER_MEMBER

SECRET = "My sister Wilhelmina works at the bakery on Elm Street"


async def test_quiz_progress_accumulates_per_version(store):
    """Passed questions add up per guild, member and version; other versions and members start empty."""
    assert await store.quiz_passed(GUILD, MEMBER, 1) == frozenset()
    await store.pass_quiz_question(GUILD, MEMBER, 1, 0)
    assert await store.pass_quiz_question(GUILD, MEMBER, 1, 2) == {0, 2}
    assert await store.pass_quiz_question(GUILD, MEMBER, 1, 2) == {0, 2}
    assert await store.quiz_passed(GUILD, MEMBER, 1) == {0, 2}
    assert await store.quiz_passed(GUILD, MEMBER, 2) == frozenset()
    assert await store.quiz_passed(GUILD, OTHER_MEMBER, 1) == frozenset()


async def test_quiz_question_index_out_of_range_is_refused(store):
    """A question index outside the bitmask raises ValueError naming it."""
    with pytest.raises(ValueError, match="index"):
        await store.pass_quiz_question(GUILD, MEMBER, 1, 62)


async def test_quiz_is_on_by_default_and_can_be_turned_off(store):
    """GuildSettings default to the check on; turning it off round-trips; a non-bool is refused."""
    assert (await store.get_guild_settings(GUILD)).quiz_enabled is True
    await store.save_guild_settings(GUILD, GuildSettings(quiz_enabled=False))
    assert (await store.get_guild_settings(GUILD)).quiz_enabled is False
    with pytest.raises(ValueError, match="quiz_enabled"):
        GuildSettings(quiz_enabled="yes")


async def test_cases_are_numbered_per_guild_and_encrypted(store, db_path):
    """Case numbers count per guild, the text reads back decrypted and is not stored in plaintext."""
    first = await store.open_case(GUILD, CaseKind.QUESTION, MEMBER, SECRET)
    second = await store.open_case(GUILD, CaseKind.QUESTION, OTHER_MEMBER, "Another question")
    other = await store.open_case(OTHER_GUILD, CaseKind.QUESTION, MEMBER, "Elsewhere")
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert (first.kind, first.status, first.text) == (CaseKind.QUESTION, CaseStatus.OPEN, SECRET)
    await store.set_case_message(GUILD, 1, 10, 11)
    assert (await store.case(GUILD, 1)).message_id == 11
    assert await store.case(GUILD, 3) is None
    on_disk = b"".join(p.read_bytes() for p in db_path.parent.glob("confidant.db*"))
    assert b"Wilhelmina" not in on_disk


async def test_a_case_is_answered_once(store):
    """answer_case marks an open case answered with who and what; a second answer changes nothing."""
    await store.open_case(GUILD, CaseKind.QUESTION, MEMBER, SECRET)
    answered = await store.answer_case(GUILD, 1, MODERATOR, "Yes.")
    assert (answered.status, answered.answered_by, answered.answer) == (CaseStatus.ANSWERED, MODERATOR, "Yes.")
    assert answered.answered_at is not None
    assert await store.answer_case(GUILD, 1, MODERATOR, "Again") is None
    assert (await store.case(GUILD, 1)).answer == "Yes."


async def test_deleting_user_data_removes_their_questions_and_progress(store):
    """A member's questions and quiz progress are deleted; a moderator's id on an answer is erased."""
    await store.pass_quiz_question(GUILD, MEMBER, 1, 0)
    await store.open_case(GUILD, CaseKind.QUESTION, MEMBER, SECRET)
    await store.open_case(GUILD, CaseKind.QUESTION, OTHER_MEMBER, "Mine")
    await store.answer_case(GUILD, 2, MODERATOR, "Answer")
    await store.delete_user_data(MEMBER)
    assert await store.case(GUILD, 1) is None and await store.quiz_passed(GUILD, MEMBER, 1) == frozenset()
    await store.delete_user_data(MODERATOR)
    assert (await store.case(GUILD, 2)).answered_by == ERASED_USER_ID


async def test_a_reopened_case_can_be_answered_again(store):
    """reopen_case clears the answer of an answered case so it can be answered again."""
    await store.open_case(GUILD, CaseKind.QUESTION, MEMBER, SECRET)
    await store.answer_case(GUILD, 1, MODERATOR, "Undeliverable")
    await store.reopen_case(GUILD, 1)
    reopened = await store.case(GUILD, 1)
    assert (reopened.status, reopened.answer, reopened.answered_by) == (CaseStatus.OPEN, None, None)
    assert (await store.answer_case(GUILD, 1, MODERATOR, "Second try")).answer == "Second try"
