"""`quizapp grade`: the grader's verdict as JSON, for one answer or JSON lines on stdin."""

import json

import pytest
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.models import Question


@pytest.fixture
def app(bundled_app):
    return bundled_app


@pytest.fixture
def questions(app) -> list[Question]:
    with Session(get_engine(app)) as session:
        return list(session.exec(select(Question).order_by(Question.id)))


def _typed(questions, answer: list[str]) -> Question:
    return next(q for q in questions if q.style == "typed" and q.answer == answer)


def _grade(runner, *args: str, stdin: str | None = None):
    return runner.invoke(args=["grade", *args], input=stdin)


def test_a_surname_is_right_and_the_verdict_says_why(runner, questions):
    question = _typed(questions, ["Brian May"])

    result = _grade(runner, question.id, "May")

    assert result.exit_code == 0, result.output
    verdict = json.loads(result.output)
    assert verdict == {
        "question": question.id,
        "answer": "May",
        "correct": True,
        "matched": ["Brian May"],
        "missing": [],
        "extra": [],
        "why": ['"May" is Brian May (as "may")'],
        "message": "Right: Brian May.",
    }


def test_a_missing_part_is_named(runner, questions):
    question = next(q for q in questions if q.style == "typed" and len(q.answer) >= 2)

    verdict = json.loads(_grade(runner, question.id, question.answer[0]).output)

    assert verdict["correct"] is False
    assert verdict["matched"] == [question.answer[0]]
    assert verdict["missing"] == question.answer[1:]
    assert f"{question.answer[1]} is not named" in verdict["why"]


def test_a_near_namesake_in_the_bank_is_refused(runner, questions):
    # A typo is forgiven; another person of the bank after a comma is no qualifier.
    question = _typed(questions, ["Brian May"])

    verdict = json.loads(_grade(runner, question.id, "Brian Mayy").output)
    assert verdict["correct"] is True and "with one typo" in verdict["why"][0]

    verdict = json.loads(_grade(runner, question.id, "Brian May, Kid Cudi").output)
    assert verdict["correct"] is False and verdict["extra"] == ["Kid Cudi"]


def test_an_unknown_question_is_an_error(runner):
    result = _grade(runner, "q-nope", "May")

    assert result.exit_code == 1
    assert "no question 'q-nope'" in result.output


def test_an_answer_is_needed_unless_reading_stdin(runner, questions):
    assert _grade(runner, questions[0].id).exit_code == 2
    assert _grade(runner, "-", "May").exit_code == 2


def test_json_lines_from_stdin_one_verdict_per_line(runner, questions):
    may = _typed(questions, ["Brian May"])
    choice = next(q for q in questions if q.style == "multiple_choice")
    lines = [
        json.dumps({"question": may.id, "answer": "may"}),
        json.dumps({"question": choice.id, "answer": choice.accepted[0][0]}),
        "",
        json.dumps({"question": may.id, "answer": "Freddie Mercury"}),
    ]

    result = _grade(runner, "-", stdin="\n".join(lines) + "\n")

    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line) for line in result.output.splitlines()]
    assert [v["correct"] for v in verdicts] == [True, True, False]
    assert verdicts[1]["why"] == ["the right choice"]
    assert verdicts[2]["matched"] == [] and verdicts[2]["message"] == "Not quite."


def test_a_bad_line_gets_an_error_line_and_a_non_zero_exit(runner, questions):
    may = _typed(questions, ["Brian May"])
    choice = next(q for q in questions if q.style == "multiple_choice")
    lines = [
        "{not json",
        json.dumps({"question": may.id, "answer": "May"}),
        json.dumps(["a list"]),
        json.dumps({"question": may.id}),
        json.dumps({"question": "q-nope", "answer": "May"}),
        json.dumps({"question": choice.id, "answer": "not a choice"}),
    ]

    result = _grade(runner, "-", stdin="\n".join(lines) + "\n")

    assert result.exit_code == 1
    out = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert out[1]["correct"] is True
    errors = {record["line"]: record["error"] for record in out if "error" in record}
    assert sorted(errors) == [1, 3, 4, 5, 6]
    assert errors[1].startswith("not JSON")
    assert "JSON object" in errors[3]
    assert "must both be strings" in errors[4]
    assert "no question 'q-nope'" in errors[5]
    assert "one of the choices offered" in errors[6]
    assert "5 line(s) could not be graded" in result.output
