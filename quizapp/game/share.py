"""A finished attempt's public, spoiler-free result, and the unguessable token that names it.

The share page is public, so it shows what a player would post anyway: the quiz, the score,
the right/wrong pattern and the rank, never a question, a choice or an answer. Its address
carries the attempt id signed with the app's secret (itsdangerous, which Flask's own session
cookie uses): anyone can read the id in it, nobody can make one for another attempt, and no
column or migration is needed. The private review (/attempts/<id>/results) stays the
player's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, col, select

from quizapp.game import ranking
from quizapp.models import Attempt, AttemptAnswer, BoardEntry, Player, Quiz, row_id

SALT = "quizapp.share"  # a token made for anything else with the same secret is no share token
MAX_TOKEN_LENGTH = 200
MARKS = {"right": "🟩", "wrong": "🟥", "missed": "⬜"}
MARK_WORDS = {"right": "right", "wrong": "wrong", "missed": "no answer or too late"}


def share_token(secret: str | bytes, attempt_id: int) -> str:
    """The share page's token for ``attempt_id``: the id signed with ``secret``."""
    return URLSafeSerializer(secret, salt=SALT).dumps(attempt_id)


def attempt_id_from_token(secret: str | bytes, token: str) -> int | None:
    """The attempt id a token was signed for, or None for anything not made by share_token."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    # bool is an int to Python, and no token of ours holds one.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class SharedResult:
    """What the public share page shows of a finished attempt."""

    attempt_id: int
    quiz_id: str
    quiz_title: str
    nickname: str
    score: int
    correct: int
    count: int
    marks: list[str]  # per question, in order: "right", "wrong" or "missed"
    rank: int | None  # on the quiz's all-time board, if this attempt is the one there
    players: int

    @property
    def pattern(self) -> str:
        """The marks as coloured squares, for the text to copy."""
        return "".join(MARKS[mark] for mark in self.marks)

    def text(self, url: str) -> str:
        """The short text a player copies to post their result."""
        standing = f"rank {self.rank}" if self.rank else "not ranked"
        return (
            f"quizapp - {self.quiz_title}: {self.correct}/{self.count}, "
            f"{self.score:,} points, {standing} {self.pattern} {url}"
        )


def shared_result(session: Session, attempt_id: int) -> SharedResult | None:
    """The public result of finished attempt ``attempt_id``, or None when there is none."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.finished_at is None:
        return None
    quiz = session.get(Quiz, attempt.quiz_id)
    player = session.get(Player, attempt.player_id)
    if quiz is None or player is None:
        return None
    answers = session.exec(
        select(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == attempt.id, col(AttemptAnswer.answered_at).is_not(None))
        .order_by(col(AttemptAnswer.position))
    ).all()
    marks = [
        "right" if a.correct else ("missed" if a.late or not (a.given or "").strip() else "wrong")
        for a in answers
    ]
    # Only the attempt that holds the player's place on the board has that rank: a later,
    # lower one (or practice) is not ranked.
    entry = session.get(BoardEntry, (quiz.id, "all", attempt.player_id))
    rank, players = None, 0
    if entry is not None and entry.attempt_id == attempt.id:
        standings = ranking.get_quiz_standings(
            session, quiz_id=quiz.id, period="all", limit=0, player_id=attempt.player_id
        )
        rank = standings.me.rank if standings.me else None
        players = standings.total
    return SharedResult(
        attempt_id=row_id(attempt),
        quiz_id=quiz.id,
        quiz_title=quiz.title,
        nickname=player.nickname,
        score=attempt.score,
        correct=attempt.correct,
        count=quiz.question_count,
        marks=marks,
        rank=rank,
        players=players,
    )
