"""Demo players and plausible attempts, for demos and for measuring. No Flask.

Attempts are made by the same rules as real play: each answer is scored by
quizapp.game.scoring from a simulated time and correctness, the attempt's score is the sum of its
answers, and the leaderboards are updated through quizapp.game.ranking.record_finish.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from faker import Faker
from sqlmodel import Session, col, select

from quizapp.game import ranking
from quizapp.game.play import NICKNAME_MAX, PlayError, clean_nickname, hash_token, nickname_key
from quizapp.game.scoring import score_answer
from quizapp.models import Attempt, AttemptAnswer, Player, Quiz, QuizItem, row_id, utcnow


@dataclass(frozen=True)
class DemoReport:
    """What seeding made."""

    players: int
    attempts: int
    answers: int


def _nickname(faker: Faker, taken: set[str]) -> str:
    for _ in range(100):
        raw = faker.random_element(
            [
                faker.user_name(),
                faker.first_name() + " " + faker.last_name()[:1],
                faker.first_name(),
            ]
        )
        try:
            nickname = clean_nickname(raw[:NICKNAME_MAX])
        except PlayError:
            continue
        if nickname_key(nickname) not in taken:
            return nickname
    return f"player{len(taken) + 1}"


def seed_demo(
    session: Session,
    *,
    players: int,
    faker: Faker,
    attempts_per_player: tuple[int, int] = (1, 4),
    days: int = 14,
    now: dt.datetime | None = None,
) -> DemoReport:
    """Create ``players`` players, each with a few finished attempts over the last ``days``.

    Each player has a skill (the chance of a right answer) and a pace; nicknames are Faker's,
    unique ignoring case and valid by the game's rules.
    """
    now = now or utcnow()
    rng = random.Random(faker.random.random())
    # In a fixed order, for the seed to pick the same quizzes on every engine: PostgreSQL
    # returns rows in no promised order (an updated row moves).
    quizzes = session.exec(select(Quiz).where(Quiz.status == "published").order_by(Quiz.id)).all()
    if not quizzes:
        raise ValueError("there are no quizzes: run `quizapp generate` first")
    items = {
        quiz.id: session.exec(
            select(QuizItem).where(QuizItem.quiz_id == quiz.id).order_by(col(QuizItem.position))
        ).all()
        for quiz in quizzes
    }
    taken = set(session.exec(select(Player.nickname_key)).all())
    made_attempts = made_answers = 0
    for _ in range(players):
        nickname = _nickname(faker, taken)
        taken.add(nickname_key(nickname))
        player = Player(
            nickname=nickname,
            nickname_key=nickname_key(nickname),
            token_hash=hash_token(secrets.token_urlsafe(32)),
        )
        session.add(player)
        session.flush()
        skill = rng.uniform(0.35, 0.95)
        pace = rng.uniform(0.15, 0.7)  # share of the time limit a typical answer takes
        for quiz in rng.sample(quizzes, min(len(quizzes), rng.randint(*attempts_per_player))):
            made_answers += _play(
                session, player, quiz, items[quiz.id], skill, pace, rng, now, days
            )
            made_attempts += 1
    session.commit()
    return DemoReport(players, made_attempts, made_answers)


def _play(
    session: Session,
    player: Player,
    quiz: Quiz,
    items: Sequence[QuizItem],
    skill: float,
    pace: float,
    rng: random.Random,
    now: dt.datetime,
    days: int,
) -> int:
    # Far enough back that even a slow run finishes before now.
    started = now - dt.timedelta(seconds=rng.uniform(900, days * 86400))
    attempt = Attempt(
        quiz_id=quiz.id,
        player_id=row_id(player),
        seed=rng.getrandbits(31),
        started_at=started,
        ranked=True,  # a new player's only attempt at this quiz: their first
    )
    session.add(attempt)
    session.flush()
    moment, streak, score, correct_count = started, 0, 0, 0
    for item in items:
        served = moment + dt.timedelta(seconds=rng.uniform(0.5, 3))
        limit = quiz.seconds_per_question
        elapsed = min(rng.expovariate(1 / (pace * limit)), limit + 2)
        right = rng.random() < skill * (1.1 - item.difficulty / 2)
        scored = score_answer(
            correct=right,
            elapsed=elapsed,
            limit=limit,
            streak_before=streak,
            mode=quiz.scoring_mode,
        )
        answered = served + dt.timedelta(seconds=elapsed)
        given = item.accepted[0][0] if right else (item.choices[-1] if item.choices else "")
        session.add(
            AttemptAnswer(
                attempt_id=row_id(attempt),
                position=item.position,
                question_id=item.question_id,
                served_at=served,
                answered_at=answered,
                given=given,
                correct=right and not scored.late,
                late=scored.late,
                points=scored.points,
                elapsed_ms=round(elapsed * 1000),
            )
        )
        streak, score = scored.streak, score + scored.points
        correct_count += 1 if right and not scored.late else 0
        moment = answered
    attempt.position, attempt.score, attempt.correct = len(items), score, correct_count
    attempt.streak, attempt.finished_at = streak, moment
    session.add(attempt)
    session.flush()
    ranking.record_finish(session, attempt=attempt)
    return len(items)
