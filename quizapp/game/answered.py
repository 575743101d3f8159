"""What a player sees after answering, read back from the stored answer. No Flask, no writes.

The answer's POST only records it (quizapp.game.play.answer_question); the feedback page is
a GET that rebuilds the same feedback from the attempt's AttemptAnswer rows, so reloading it,
or coming back to it, shows the same verdict, points and source instead of a second answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from quizapp.bank.names import bank_names
from quizapp.game.grading import NOT_QUITE, RIGHT, NotOnOffer, grade_answer
from quizapp.game.play import NotFound, get_quiz, ran_out_of_time
from quizapp.models import Attempt, AttemptAnswer, QuizItem

TOO_LATE = "Too late: the time was up."


@dataclass(frozen=True)
class AnsweredFeedback:
    """An answered question's verdict, points and source, as the feedback page shows it."""

    position: int  # 0-based
    count: int
    prompt: str
    style: str
    solution: str
    given: str
    correct: bool
    late: bool
    timed_out: bool  # late, or no answer when the countdown ran out
    points: int
    score: int  # the attempt's total up to and including this answer
    streak: int  # right answers in a row, this one included
    correct_answer: str
    explanation: str | None
    article_title: str
    evidence: str
    message: str
    finished: bool  # this was the attempt's last question

    @property
    def verdict(self) -> str:
        if self.correct:
            return "Right!"
        return "Time’s up" if self.timed_out else "Wrong"


def answered_position(session: Session, attempt: Attempt, question_id: str) -> int | None:
    """The position of ``question_id`` in the attempt if it is answered, else None."""
    return session.exec(
        select(AttemptAnswer.position).where(
            AttemptAnswer.attempt_id == attempt.id,
            AttemptAnswer.question_id == question_id,
            col(AttemptAnswer.answered_at).is_not(None),
        )
    ).first()


def answered_feedback(session: Session, attempt: Attempt, position: int) -> AnsweredFeedback:
    """The feedback for the attempt's answered question at ``position`` (0-based).

    NotFound for a question the attempt has not answered (yet): the page must never show an
    answer before it is given.
    """
    # Answers are taken in order, so only positions before the attempt's are answered; this
    # also keeps any out-of-range number away from the database.
    if not 0 <= position < attempt.position:
        raise NotFound("this question is not answered yet")
    quiz = get_quiz(session, attempt.quiz_id)
    answers = session.exec(
        select(AttemptAnswer)
        .where(
            AttemptAnswer.attempt_id == attempt.id,
            col(AttemptAnswer.position) <= position,
            col(AttemptAnswer.answered_at).is_not(None),
        )
        .order_by(col(AttemptAnswer.position))
    ).all()
    item = session.get(QuizItem, (attempt.quiz_id, position))
    if not answers or answers[-1].position != position or item is None:
        raise NotFound("this question is not answered yet")
    answer = answers[-1]
    streak = 0
    for earlier in reversed(answers):
        if not earlier.correct:
            break
        streak += 1
    given = answer.given or ""
    timed_out = ran_out_of_time(answer, quiz)
    return AnsweredFeedback(
        position=position,
        count=quiz.question_count,
        prompt=item.prompt,
        style=item.style,
        solution=item.solution,
        given=given,
        correct=answer.correct,
        late=answer.late,
        timed_out=timed_out,
        points=answer.points,
        score=sum(a.points for a in answers),
        streak=streak,
        correct_answer=item.solution if item.style != "true_false" else item.answer[0],
        explanation=item.explanation,
        article_title=item.article_title,
        evidence=item.evidence,
        message=TOO_LATE if timed_out else _message(session, item, answer),
        finished=position + 1 >= quiz.question_count,
    )


def _message(session: Session, item: QuizItem, answer: AttemptAnswer) -> str:
    """The grade's own words again ("Right!", "Close enough: ...", "No answer."): grading is
    deterministic, so the stored answer gets the message it got when it was given."""
    try:
        grade = grade_answer(
            item.style,
            item.accepted,
            answer.given or "",
            choices=item.choices,
            names=lambda: bank_names(session, item.accepted, answer.given or ""),
        )
    except NotOnOffer:
        grade = None
    if grade is None or grade.correct != answer.correct:
        # The bank's names changed since: the stored verdict stands, in plain words.
        return RIGHT if answer.correct else NOT_QUITE
    return grade.message
