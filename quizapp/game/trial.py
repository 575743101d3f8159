"""An answer tried on a generated question, for editors and reviewers. No Flask.

`try_answer` grades an answer exactly as the game would (quizapp.game.grading, with the bank's
names for a typo or a qualifier) and says why: `quizapp grade` prints it as JSON, and the
question browser's "try an answer" shows it (quizapp/web/questions.py). Nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from quizapp.bank.names import bank_names
from quizapp.game.grading import MAX_ANSWER_LENGTH, NotOnOffer, grade_answer
from quizapp.models import Question


class TrialError(ValueError):
    """The answer cannot be tried: no such question, or an answer the question does not offer.
    The message says what to fix."""


@dataclass(frozen=True)
class Verdict:
    """The grader's verdict on one answer: right or not, the parts named and missing, the
    pieces that are no part of the answer, why, and what the player would read."""

    question: str
    answer: str
    correct: bool
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    why: tuple[str, ...]
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "correct": self.correct,
            "matched": list(self.matched),
            "missing": list(self.missing),
            "extra": list(self.extra),
            "why": list(self.why),
            "message": self.message,
        }


def try_answer(session: Session, question_id: str, answer: str) -> Verdict:
    """Grade ``answer`` to the question ``question_id`` as the game would, with the reasons.

    Raises TrialError for an unknown question, an answer longer than the game takes, or one
    the question does not offer (a multiple-choice answer not among its choices, a
    true/false answer that is neither).
    """
    question = session.get(Question, question_id)
    if question is None:
        raise TrialError(f"no question {question_id!r}: see `quizapp export-questions` for ids")
    if len(answer.strip()) > MAX_ANSWER_LENGTH:
        raise TrialError(f"the answer is longer than {MAX_ANSWER_LENGTH} characters")
    try:
        grade = grade_answer(
            question.style,
            question.accepted,
            answer,
            choices=question.choices,
            names=lambda: bank_names(session, question.accepted, answer),
        )
    except NotOnOffer as error:
        raise TrialError(f"{error} (question {question_id})") from None
    match = grade.match
    if match is not None:
        return Verdict(
            question_id,
            answer,
            grade.correct,
            match.accepted_as,
            match.missing,
            match.extra,
            match.why,
            grade.message,
        )
    if not answer.strip():
        why: tuple[str, ...] = ("no answer",)
    elif grade.correct:
        why = ("the right choice",)
    else:
        why = (f"the right choice is {question.accepted[0][0]!r}",)
    return Verdict(
        question_id,
        answer,
        grade.correct,
        (answer.strip(),) if grade.correct else (),
        (),
        (),
        why,
        grade.message,
    )
