"""Editing a draft quiz an editor made (docs/editing.md, "Quizzes"). No Flask.

A draft's questions can be moved up or down, removed, swapped for another question of the
same fact or of the quiz's scope, and the whole draft deleted. A published quiz is never
edited: players have played it, and their scores and reports name its items by position.

Every edit validates first, then rewrites the quiz's items in one transaction (positions
0..n-1, ``question_count`` the new length) and logs a Change, as `create_quiz` and
`publish_quiz` do; the items kept are the frozen copies the draft holds, so an edit never
refreshes a question the editor did not touch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from quizapp.core.problems import Problem
from quizapp.game.quizzes import (
    MIN_FACTS,
    QuizError,
    QuizNotFound,
    answer_text,
    count_attempts,
    item_rows,
    quiz_items,
    scope_where,
)
from quizapp.models import Article, Change, Question, Quiz, QuizItem

MOVES = ("up", "down")
MAX_CANDIDATES = 50  # swap candidates offered for one question


class QuizLocked(QuizError):
    """The quiz cannot be edited: it is published (or, defensively, has been played)."""


class NotInQuiz(QuizError):
    """The question named is not one of the quiz's."""


@dataclass(frozen=True)
class SwapCandidate:
    """A question that may replace one of a draft's: of the same fact (another template or
    style asking it) or of the quiz's scope, with what tells it apart."""

    id: str
    prompt: str
    style: str
    answer: str
    article_title: str
    same_fact: bool


P = ParamSpec("P")
R = TypeVar("R")


def _released_on_refusal(
    edit: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """A refused edit ends its transaction: it may hold the quiz's row lock."""

    @wraps(edit)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return edit(session, *args, **kwargs)
        except QuizError:
            session.rollback()
            raise

    return run


def editable_quiz(session: Session, quiz_id: str, *, lock: bool = False) -> Quiz:
    """The draft quiz ``quiz_id``; raises QuizNotFound, or QuizLocked if it is published.

    ``lock``: hold the quiz's row until the transaction ends, so that two editors' edits of
    one draft run one after the other, each on the items the other left, rather than both
    rewriting the same positions. A write that changes nothing takes the lock before anything
    is read: the row's lock on PostgreSQL, the database's write lock on SQLite (whose
    transactions take it only at their first write, quizapp.db).
    """
    if lock:
        session.exec(update(Quiz).where(col(Quiz.id) == quiz_id).values(status=col(Quiz.status)))
    query = select(Quiz).where(Quiz.id == quiz_id).execution_options(populate_existing=True)
    quiz = session.exec(query).first()
    if quiz is None:
        raise QuizNotFound(quiz_id)
    if quiz.status != "draft" or count_attempts(session, quiz_id):
        message = (
            f"the quiz {quiz.title!r} is published: players have played it and their scores "
            "stand on its questions, so it cannot be changed; make a new quiz instead"
        )
        raise QuizLocked([Problem("not_a_draft", message, "status")])
    return quiz


def min_questions(quiz: Quiz) -> int:
    """The fewest questions the quiz may keep: what `create_quiz` demands of its scope (one
    picked question; a scope's quiz MIN_FACTS, or as many as it was made with if fewer)."""
    return 1 if quiz.scope == "list" else min(MIN_FACTS, quiz.question_count)


@_released_on_refusal
def move_question(
    session: Session, *, quiz_id: str, question_id: str, direction: str, editor_id: int | None
) -> Quiz:
    """Move a draft's question one place up or down; commits. At the top (bottom) moving up
    (down) changes nothing and logs nothing."""
    if direction not in MOVES:
        message = f"direction must be one of {', '.join(MOVES)}"
        raise QuizError([Problem("unknown_direction", message, "direction")])
    quiz = editable_quiz(session, quiz_id, lock=True)
    items = _items(session, quiz, question_id)
    index = [item["question_id"] for item in items].index(question_id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return quiz
    items[index], items[other] = items[other], items[index]
    detail = {"question": question_id, "direction": direction}
    return _rewrite(session, quiz, items, "move", detail, editor_id)


@_released_on_refusal
def remove_question(
    session: Session, *, quiz_id: str, question_id: str, editor_id: int | None
) -> Quiz:
    """Take a question out of a draft; commits. Refused if the quiz would keep fewer than
    `min_questions`."""
    quiz = editable_quiz(session, quiz_id, lock=True)
    items = _items(session, quiz, question_id)
    least = min_questions(quiz)
    if len(items) - 1 < least:
        message = (
            f"the quiz must keep at least {least} question{'' if least == 1 else 's'}: "
            "swap this one for another instead, or delete the draft"
        )
        raise QuizError([Problem("too_few_questions", message, "question_id")])
    kept = [item for item in items if item["question_id"] != question_id]
    return _rewrite(session, quiz, kept, "remove", {"question": question_id}, editor_id)


@_released_on_refusal
def swap_question(
    session: Session,
    *,
    quiz_id: str,
    question_id: str,
    new_question_id: str,
    editor_id: int | None,
) -> Quiz:
    """Put ``new_question_id`` in the place of ``question_id`` in a draft; commits.

    The new question must be one of `swap_candidates`: of the same fact, or of the quiz's
    scope (for a hand-picked quiz, the replaced question's article) on a fact no other item
    of the quiz asks. Its item is a fresh copy of the question as the bank has it now.
    """
    quiz = editable_quiz(session, quiz_id, lock=True)
    items = _items(session, quiz, question_id)
    same_fact, scoped = _candidates(session, quiz, question_id)
    wanted = col(Question.id) == new_question_id
    if not (
        session.exec(same_fact.where(wanted)).first() or session.exec(scoped.where(wanted)).first()
    ):
        if session.get(Question, new_question_id) is None:
            message = f"there is no question {new_question_id!r}"
        elif new_question_id in {item["question_id"] for item in items}:
            message = f"the question {new_question_id!r} is in the quiz already"
        else:
            message = (
                f"the question {new_question_id!r} can not replace {question_id!r}: pick one "
                "of the same fact, or of the quiz's scope on a fact the quiz does not ask yet"
            )
        raise QuizError([Problem("not_a_candidate", message, "new_question_id")])
    index = [item["question_id"] for item in items].index(question_id)
    (fresh,) = item_rows(session, quiz.id, [new_question_id])
    items[index] = fresh
    detail = {"question": question_id, "by": new_question_id}
    return _rewrite(session, quiz, items, "swap", detail, editor_id)


@_released_on_refusal
def delete_quiz(session: Session, *, quiz_id: str, editor_id: int | None) -> str:
    """Delete a draft and its items, and log it; commits. Returns the deleted quiz's title."""
    quiz = editable_quiz(session, quiz_id, lock=True)
    title = quiz.title
    questions = [item.question_id for item in quiz_items(session, quiz_id)]
    try:
        session.exec(delete(QuizItem).where(col(QuizItem.quiz_id) == quiz_id))
        session.exec(delete(Quiz).where(col(Quiz.id) == quiz_id))
        session.add(
            Change(
                editor_id=editor_id,
                subject="quiz",
                subject_id=quiz_id,
                action="delete",
                detail={"title": title, "questions": questions},
            )
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.expunge_all()  # the deleted quiz must not linger in the identity map
    return title


def swap_candidates(
    session: Session, quiz: Quiz, question_id: str, *, limit: int | None = MAX_CANDIDATES
) -> list[SwapCandidate]:
    """The questions that may replace ``question_id`` in ``quiz``: first the other questions
    of its fact, then up to ``limit`` of the quiz's scope (a hand-picked quiz's: the
    question's article) on facts the quiz does not ask yet, by article and prompt."""
    same_fact, scoped = _candidates(session, quiz, question_id)
    fact_id = session.exec(
        select(QuizItem.fact_id).where(
            QuizItem.quiz_id == quiz.id, QuizItem.question_id == question_id
        )
    ).first()
    if limit is not None:
        scoped = scoped.limit(limit)
    return [
        SwapCandidate(
            qid, prompt, style, answer_text(style, answer, solution), title, fact == fact_id
        )
        for qid, prompt, style, solution, title, fact, answer in [
            *session.exec(same_fact),
            *session.exec(scoped),
        ]
    ]


def _candidates(session: Session, quiz: Quiz, question_id: str) -> tuple[Any, Any]:
    """The queries of `swap_candidates`: the fact's other questions, the scope's on facts
    the quiz does not ask (each row: id, prompt, style, solution, article title, fact id,
    answer). Raises NotInQuiz."""
    items = quiz_items(session, quiz.id)
    item = next((i for i in items if i.question_id == question_id), None)
    if item is None:
        raise _not_in_quiz(quiz, question_id)
    held = sorted({i.question_id for i in items})
    asked = sorted({i.fact_id for i in items})  # the replaced question's fact included
    # sqlmodel's select is typed for at most four columns; it takes any number.
    query = select(  # type: ignore[call-overload]
        Question.id,
        Question.prompt,
        Question.style,
        Question.solution,
        Article.title,
        Question.fact_id,
        Question.answer,
    ).join(Article, col(Question.article_id) == Article.id)
    query = query.where(col(Question.id).not_in(held))
    order = (Question.prompt, Question.id)
    same_fact = query.where(Question.fact_id == item.fact_id).order_by(*order)
    if quiz.scope == "list":
        where = col(Question.article_id) == item.article_id
    else:
        where = scope_where(quiz.scope, quiz.scope_id)
    scoped = query.where(where, col(Question.fact_id).not_in(asked)).order_by(
        col(Article.date).desc(), Article.id, *order
    )
    return same_fact, scoped


def _not_in_quiz(quiz: Quiz, question_id: str) -> NotInQuiz:
    message = f"the quiz {quiz.title!r} has no question {question_id!r}"
    return NotInQuiz([Problem("not_in_quiz", message, "question_id")])


def _items(session: Session, quiz: Quiz, question_id: str) -> list[dict[str, Any]]:
    """The quiz's items in order as insert rows; raises NotInQuiz without ``question_id``."""
    items = [item.model_dump() for item in quiz_items(session, quiz.id)]
    if question_id not in {item["question_id"] for item in items}:
        raise _not_in_quiz(quiz, question_id)
    return items


def _rewrite(
    session: Session,
    quiz: Quiz,
    items: Sequence[dict[str, Any]],
    action: str,
    detail: dict[str, Any],
    editor_id: int | None,
) -> Quiz:
    """Replace the quiz's items by ``items`` in this order, and log ``action``; commits."""
    before = [item.question_id for item in quiz_items(session, quiz.id)]
    rows = [item | {"quiz_id": quiz.id, "position": n} for n, item in enumerate(items)]
    after = [row["question_id"] for row in rows]
    try:
        session.exec(delete(QuizItem).where(col(QuizItem.quiz_id) == quiz.id))
        session.expire_all()  # the items read above are gone; positions are reused
        quiz = session.get(Quiz, quiz.id) or quiz
        session.exec(insert(QuizItem), params=rows)
        quiz.question_count = len(rows)
        session.add(quiz)
        session.add(
            Change(
                editor_id=editor_id,
                subject="quiz",
                subject_id=quiz.id,
                action=action,
                detail=detail | {"questions": [before, after]},
            )
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(quiz)
    return quiz
