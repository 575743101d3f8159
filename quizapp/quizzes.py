"""Building quizzes from the generated questions (docs/game.md). No Flask.

A quiz is a fixed list of questions from one scope: an article, an event, an entity (every
question whose fact names Lady Gaga), or the daily mix. `build_quizzes` (re)builds them
after generation; a quiz that anyone has played is never changed, because its items are
frozen copies and it is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from quizapp.models import (
    Article,
    Attempt,
    Entity,
    FactEntity,
    Question,
    QuestionContent,
    Quiz,
    QuizItem,
)

QUESTIONS_PER_QUIZ = 10
SECONDS_PER_QUESTION = 20
SCORING_MODE = "timed"
MIN_QUESTIONS = 5  # fewer than this is no quiz worth a leaderboard
MIN_ENTITY_QUESTIONS = 8  # an entity needs this many to be a topic ("a Lady Gaga quiz")


@dataclass(frozen=True)
class QuizPlan:
    """What a quiz should hold: its identity and its questions, in order."""

    id: str
    title: str
    scope: str
    scope_id: str
    question_ids: tuple[str, ...]


@dataclass
class QuizBuildReport:
    """What building changed."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_played: int = 0
    removed: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"Quizzes: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged, {self.kept_played} kept as played, "
            f"{len(self.removed)} removed."
        )


@dataclass(frozen=True)
class _Candidate:
    id: str
    fact_id: str
    style: str
    difficulty: float


def select_questions(candidates: Sequence[_Candidate], *, count: int, seed: str) -> tuple[str, ...]:
    """Pick ``count`` questions for a quiz, ordered from easiest to hardest.

    One question per fact before a second from any fact (so a quiz never asks the same thing
    twice in other words), and the styles taken in turn so a quiz mixes them; the seed makes
    the choice the same every time for the same scope.
    """
    rng = random.Random(seed)
    by_fact: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: c.id):
        by_fact[candidate.fact_id].append(candidate)
    rounds: list[list[_Candidate]] = []
    for questions in by_fact.values():
        rng.shuffle(questions)
        for depth, question in enumerate(questions):
            while len(rounds) <= depth:
                rounds.append([])
            rounds[depth].append(question)
    chosen: list[_Candidate] = []
    for round_ in rounds:
        rng.shuffle(round_)
        # Styles in turn within a round: take the next of the style used least so far.
        pools: dict[str, list[_Candidate]] = defaultdict(list)
        for question in round_:
            pools[question.style].append(question)
        used: dict[str, int] = defaultdict(int)
        while len(chosen) < count and any(pools.values()):
            style = min((s for s in pools if pools[s]), key=lambda s: (used[s], s))
            chosen.append(pools[style].pop())
            used[style] += 1
        if len(chosen) >= count:
            break
    chosen.sort(key=lambda c: (c.difficulty, c.id))
    return tuple(c.id for c in chosen)


def plan_quizzes(
    session: Session, *, today: dt.date, count: int = QUESTIONS_PER_QUIZ
) -> list[QuizPlan]:
    """Plan every scope quiz the current questions allow, and today's daily mix."""
    rows = session.exec(
        select(
            Question.id, Question.fact_id, Question.style, Question.difficulty, Question.article_id
        )
    ).all()
    candidates = {r[0]: _Candidate(r[0], r[1], r[2], r[3]) for r in rows}
    by_article: dict[str, list[_Candidate]] = defaultdict(list)
    by_fact: dict[str, list[_Candidate]] = defaultdict(list)
    for qid, _fact, _style, _difficulty, article_id in rows:
        by_article[article_id].append(candidates[qid])
        by_fact[candidates[qid].fact_id].append(candidates[qid])

    plans: list[QuizPlan] = []
    articles = session.exec(select(Article.id, Article.title, Article.event_id)).all()
    by_event: dict[str, list[_Candidate]] = defaultdict(list)
    for article_id, title, event_id in sorted(articles):
        if event_id:
            by_event[event_id].extend(by_article.get(article_id, ()))
        plans.append(_plan("article", article_id, title, by_article.get(article_id, ()), count))

    entities = {e.id: e for e in session.exec(select(Entity))}
    for event_id, questions in sorted(by_event.items()):
        plans.append(_plan("event", event_id, entities[event_id].name, questions, count))

    by_entity: dict[str, list[_Candidate]] = defaultdict(list)
    for fact_id, entity_id in session.exec(
        select(FactEntity.fact_id, FactEntity.entity_id).distinct()
    ):
        by_entity[entity_id].extend(by_fact.get(fact_id, ()))
    for entity_id, questions in sorted(by_entity.items()):
        entity = entities[entity_id]
        if entity.type == "event" or len(questions) < MIN_ENTITY_QUESTIONS:
            continue
        plans.append(_plan("entity", entity_id, f"All about {entity.name}", questions, count))

    plans.append(plan_daily(list(candidates.values()), today, count))
    return [p for p in plans if len(p.question_ids) >= MIN_QUESTIONS]


def _plan(
    scope: str, scope_id: str, title: str, questions: Iterable[_Candidate], count: int
) -> QuizPlan:
    quiz_id = f"{scope}-{scope_id}"
    unique = list({q.id: q for q in questions}.values())
    return QuizPlan(
        quiz_id, title, scope, scope_id, select_questions(unique, count=count, seed=quiz_id)
    )


def plan_daily(candidates: Sequence[_Candidate], day: dt.date, count: int) -> QuizPlan:
    """The daily mix: the same questions for everyone on ``day``, different each day."""
    quiz_id = f"daily-{day.isoformat()}"
    title = f"Daily mix, {day.day} {day:%B %Y}"
    questions = select_questions(candidates, count=count, seed=quiz_id)
    return QuizPlan(quiz_id, title, "daily", day.isoformat(), questions)


def build_quizzes(
    session: Session,
    *,
    today: dt.date,
    count: int = QUESTIONS_PER_QUIZ,
    seconds: int = SECONDS_PER_QUESTION,
    mode: str = SCORING_MODE,
) -> QuizBuildReport:
    """Create or refresh every quiz the questions allow, in one transaction.

    A quiz with attempts is left exactly as it is. An unplayed quiz gets fresh copies of its
    questions; one whose scope no longer has enough questions is removed.
    """
    report = QuizBuildReport()
    plans = {p.id: p for p in plan_quizzes(session, today=today, count=count)}
    played = set(session.exec(select(Attempt.quiz_id).distinct()))
    existing = {q.id: q for q in session.exec(select(Quiz))}
    current_items: dict[str, list[str]] = defaultdict(list)
    for quiz_id, question_id in session.exec(
        select(QuizItem.quiz_id, QuizItem.question_id).order_by(QuizItem.quiz_id, QuizItem.position)
    ):
        current_items[quiz_id].append(question_id)
    try:
        for quiz_id in sorted(set(existing) - set(plans) - played):
            session.exec(delete(QuizItem).where(QuizItem.quiz_id == quiz_id))
            session.exec(delete(Quiz).where(Quiz.id == quiz_id))
            report.removed.append(quiz_id)
        for quiz_id, plan in plans.items():
            if quiz_id in played:
                report.kept_played += 1
                continue
            quiz = existing.get(quiz_id)
            if quiz is None:
                session.add(
                    Quiz(
                        id=quiz_id,
                        title=plan.title,
                        scope=plan.scope,
                        scope_id=plan.scope_id,
                        question_count=len(plan.question_ids),
                        seconds_per_question=seconds,
                        scoring_mode=mode,
                    )
                )
                session.flush()
                report.created.append(quiz_id)
            else:
                changed = tuple(current_items.get(quiz_id, ())) != plan.question_ids
                quiz.title, quiz.question_count = plan.title, len(plan.question_ids)
                session.add(quiz)
                (report.updated.append(quiz_id) if changed else None)
                report.unchanged += 0 if changed else 1
                session.exec(delete(QuizItem).where(QuizItem.quiz_id == quiz_id))
            _write_items(session, quiz_id, plan.question_ids)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def _write_items(session: Session, quiz_id: str, question_ids: Sequence[str]) -> None:
    """Copy the questions into the quiz, in order."""
    rows = session.exec(
        select(Question, Article.title)
        .join(Article, Question.article_id == Article.id)
        .where(Question.id.in_(question_ids))
    ).all()
    by_id = {question.id: (question, title) for question, title in rows}
    items = []
    for position, question_id in enumerate(question_ids):
        question, article_title = by_id[question_id]
        content = question.model_dump(include=set(QuestionContent.model_fields))
        items.append(
            content
            | {
                "quiz_id": quiz_id,
                "position": position,
                "question_id": question.id,
                "template_id": question.template_id,
                "fact_id": question.fact_id,
                "article_id": question.article_id,
                "article_title": article_title,
            }
        )
    if items:
        session.exec(insert(QuizItem), params=items)


def ensure_daily_quiz(
    session: Session,
    day: dt.date,
    *,
    count: int = QUESTIONS_PER_QUIZ,
    seconds: int = SECONDS_PER_QUESTION,
    mode: str = SCORING_MODE,
) -> Quiz | None:
    """Return the daily mix for ``day``, building it on the first request of the day.

    Several processes may race to build it; the loser's insert fails on the primary key and
    it reads the winner's quiz, which holds the same questions anyway.
    """
    quiz_id = f"daily-{day.isoformat()}"
    quiz = session.get(Quiz, quiz_id)
    if quiz is not None:
        return quiz
    rows = session.exec(
        select(Question.id, Question.fact_id, Question.style, Question.difficulty)
    ).all()
    plan = plan_daily([_Candidate(*r) for r in rows], day, count)
    if len(plan.question_ids) < MIN_QUESTIONS:
        return None
    try:
        session.add(
            Quiz(
                id=quiz_id,
                title=plan.title,
                scope="daily",
                scope_id=plan.scope_id,
                question_count=len(plan.question_ids),
                seconds_per_question=seconds,
                scoring_mode=mode,
            )
        )
        session.flush()
        _write_items(session, quiz_id, plan.question_ids)
        session.commit()
    except IntegrityError:
        session.rollback()
    return session.get(Quiz, quiz_id)


def list_quizzes(session: Session, *, today: dt.date) -> list[Quiz]:
    """The quizzes to offer: today's daily mix first, then events, topics and articles.

    Daily mixes of other days stay playable by link but are not listed.
    """
    order = {"daily": 0, "event": 1, "entity": 2, "article": 3}
    quizzes = [
        q
        for q in session.exec(select(Quiz))
        if q.scope != "daily" or q.scope_id == today.isoformat()
    ]
    return sorted(quizzes, key=lambda q: (order.get(q.scope, 9), q.title.casefold(), q.id))


def count_quizzes(session: Session) -> int:
    """How many quizzes exist."""
    return session.exec(select(func.count()).select_from(Quiz)).one()
