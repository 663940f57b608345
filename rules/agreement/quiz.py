"""The comprehension check: multiple-choice questions about the default agreement, kept as data in `quiz.json`.

The quiz matches the default agreement only; a guild that publishes its own text has no quiz until guild quizzes
exist. This module is pure: it loads and checks questions, and knows nothing of Discord or the database.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["MAX_OPTION_LENGTH", "Quiz", "QuizQuestion", "default_quiz", "load_quiz"]

# Options become button labels, which Discord caps at 80 characters.
MAX_OPTION_LENGTH = 80
MAX_OPTIONS = 5  # one row of buttons


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """One question: its options, the index of the right one, and the rule explained after a wrong answer."""

    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str

    def __post_init__(self) -> None:
        """Validate the question so a bad data file fails when loaded, not when a member answers."""
        if not self.question.strip() or not self.explanation.strip():
            raise ValueError(f"a quiz question needs text and an explanation, got {self.question!r}")
        if not 2 <= len(self.options) <= MAX_OPTIONS:
            raise ValueError(f"a quiz question needs 2 to {MAX_OPTIONS} options, got {len(self.options)}")
        for option in self.options:
            if not option.strip() or len(option) > MAX_OPTION_LENGTH:
                raise ValueError(f"each option must be 1 to {MAX_OPTION_LENGTH} characters, got {option!r}")
        valid_index = isinstance(self.answer, int) and not isinstance(self.answer, bool)
        if not valid_index or not 0 <= self.answer < len(self.options):
            raise ValueError(f"answer must index one of the {len(self.options)} options, got {self.answer!r}")

    def is_right(self, option: int) -> bool:
        """Whether `option` (an index into `options`) is the right answer."""
        return option == self.answer


@dataclass(frozen=True, slots=True)
class Quiz:
    """The questions of a comprehension check, in the order they are asked."""

    questions: tuple[QuizQuestion, ...]

    def __post_init__(self) -> None:
        """A quiz has at least one question."""
        if not self.questions:
            raise ValueError("a quiz needs at least one question")

    def __len__(self) -> int:
        """The number of questions."""
        return len(self.questions)

    def next_unpassed(self, passed: Collection[int]) -> int | None:
        """The index of the first question not yet answered correctly, or None when all are."""
        return next((index for index in range(len(self.questions)) if index not in passed), None)

    def complete(self, passed: Collection[int]) -> bool:
        """Whether every question was answered correctly."""
        return self.next_unpassed(passed) is None


def load_quiz(text: str) -> Quiz:
    """Build a quiz from JSON text: `{"questions": [{question, options, answer, explanation}, ...]}`.

    Args:
        text: the JSON document.

    Raises:
        ValueError: when the document is not valid JSON or a question is malformed.
    """
    try:
        data = json.loads(text)
        items = data["questions"]
        questions = tuple(
            QuizQuestion(
                question=str(item["question"]),
                options=tuple(str(option) for option in item["options"]),
                answer=item["answer"],
                explanation=str(item["explanation"]),
            )
            for item in items
        )
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"the quiz data is malformed: {error}") from None
    return Quiz(questions)


@cache
def default_quiz() -> Quiz:
    """Return the quiz about the default agreement (read once from this package's data files)."""
    return load_quiz((resources.files(__package__) / "quiz.json").read_text(encoding="utf-8"))
