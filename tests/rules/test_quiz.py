"""The comprehension check's data: the shipped quiz loads, and malformed quizzes fail when loaded."""

import json

import pytest

from rules.agreement import default_agreement, default_quiz, load_quiz
from rules.agreement.quiz import MAX_OPTION_LENGTH


def quiz_json(**overrides: object) -> str:
    question = {"question": "Q?", "options": ["a", "b"], "answer": 0, "explanation": "Because."} | overrides
    return json.dumps({"questions": [question]})


def test_default_quiz_has_three_to_four_questions():
    """The shipped quiz has 3 or 4 questions, each with a valid answer and an explanation."""
    quiz = default_quiz()
    assert 3 <= len(quiz) <= 4
    for question in quiz.questions:
        assert question.is_right(question.answer) and question.explanation


def test_default_quiz_explanations_name_rules_of_the_default_agreement():
    """Each explanation opens with a rule heading that appears in the default agreement."""
    text = default_agreement().text.casefold()
    for question in default_quiz().questions:
        rule = question.explanation.split(".")[0].split(":")[0].casefold()
        assert rule in text, rule


def test_next_unpassed_walks_the_questions_in_order():
    """next_unpassed gives the first question not yet passed, and None once all are."""
    quiz = default_quiz()
    assert quiz.next_unpassed(set()) == 0
    assert quiz.next_unpassed({0, 2}) == 1
    assert quiz.next_unpassed(set(range(len(quiz)))) is None and quiz.complete(range(len(quiz)))


def test_load_quiz_reads_a_valid_document():
    """A well-formed document loads into questions with tuple options."""
    quiz = load_quiz(quiz_json())
    assert quiz.questions[0].options == ("a", "b") and quiz.questions[0].is_right(0)
    assert not quiz.questions[0].is_right(1)


# fmt: off
@pytest.mark.parametrize("text", [
    "not json",
    json.dumps({"questions": []}),
    json.dumps({"nothing": 1}),
    quiz_json(answer=2),
    quiz_json(answer=True),
    quiz_json(options=["only one"]),
    quiz_json(options=["a", "x" * (MAX_OPTION_LENGTH + 1)]),
    quiz_json(explanation=" "),
])
# fmt: on
def test_load_quiz_rejects_malformed_documents(text):
    """A malformed quiz raises ValueError when loaded."""
    with pytest.raises(ValueError):
        load_quiz(text)
