"""Editors keeping the boards fair: void an attempt, hide a player, find answers too fast to
have been read. No Flask (docs/game.md#voiding-and-hiding).

Voiding an attempt takes it off every board; hiding a player takes all of them off. Each keeps
who did it, when and why until it is undone. The player's board rows and the bands they sit
in are rebuilt from the attempts in the same transaction (``ranking.rebuild_player_boards``),
so the boards stay exactly what a full recompute gives.

Too fast to be read
    A right answer is too fast when it came sooner than anyone reads its question at a fast
    reading speed: ``READ_BASE_MS`` plus ``READ_MS_PER_WORD`` for each word of the prompt
    (500 words a minute). An attempt is listed once it has at least ``TOO_FAST_MIN_ITEMS``
    such answers. Editors look and decide: nothing is voided automatically.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session, col, select

from quizapp.core.text import lookalike_key
from quizapp.game import ranking
from quizapp.models import Attempt, AttemptAnswer, Editor, Player, Quiz, QuizItem, utcnow

REASON_MAX = 500
READ_BASE_MS = 300  # seeing the question at all
READ_MS_PER_WORD = 120  # 500 words a minute: a fast reader skimming
TOO_FAST_MIN_ITEMS = 3
TOO_FAST_LIST_MAX = 200


class ModerationError(Exception):
    """A void or hide the workspace refuses; ``message`` says what to fix."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_reason(raw: object) -> str:
    """The reason as kept, or ModerationError: 1 to REASON_MAX characters, no control ones."""
    if not isinstance(raw, str):
        raise ModerationError("give a reason")
    reason = " ".join(raw.split())
    if not reason:
        raise ModerationError("give a reason: players and other editors will ask why")
    if len(reason) > REASON_MAX:
        raise ModerationError(
            f"the reason must be at most {REASON_MAX} characters (it is {len(reason)})"
        )
    if any(unicodedata.category(ch) == "Cc" for ch in reason):
        raise ModerationError("the reason must not hold control characters")
    return reason


def void_attempt(
    session: Session,
    attempt_id: int,
    *,
    editor_id: int,
    reason: object,
    now: dt.datetime | None = None,
) -> Attempt:
    """Take the attempt off every board, keeping who, when and why; commits."""
    reason = clean_reason(reason)
    attempt = _attempt(session, attempt_id)
    if attempt.voided_at is not None:
        raise ModerationError(f"attempt {attempt_id} is already voided")
    attempt.voided_at, attempt.voided_by, attempt.void_reason = now or utcnow(), editor_id, reason
    return _rebuild(session, attempt)


def unvoid_attempt(session: Session, attempt_id: int) -> Attempt:
    """Put a voided attempt back on the boards it earned; commits."""
    attempt = _attempt(session, attempt_id)
    if attempt.voided_at is None:
        raise ModerationError(f"attempt {attempt_id} is not voided")
    attempt.voided_at, attempt.voided_by, attempt.void_reason = None, None, None
    return _rebuild(session, attempt)


def hide_player(
    session: Session,
    player_id: int,
    *,
    editor_id: int,
    reason: object,
    now: dt.datetime | None = None,
) -> Player:
    """Take every attempt of the player off the boards, keeping who, when and why; commits."""
    reason = clean_reason(reason)
    player = _player(session, player_id)
    if player.hidden_at is not None:
        raise ModerationError(f"{player.nickname} is already hidden")
    player.hidden_at, player.hidden_by, player.hidden_reason = now or utcnow(), editor_id, reason
    return _rebuild(session, player)


def unhide_player(session: Session, player_id: int) -> Player:
    """Show the player on the boards again; commits."""
    player = _player(session, player_id)
    if player.hidden_at is None:
        raise ModerationError(f"{player.nickname} is not hidden")
    player.hidden_at, player.hidden_by, player.hidden_reason = None, None, None
    return _rebuild(session, player)


def _attempt(session: Session, attempt_id: int) -> Attempt:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise ModerationError(f"there is no attempt {attempt_id}")
    return attempt


def _player(session: Session, player_id: int) -> Player:
    player = session.get(Player, player_id)
    if player is None:
        raise ModerationError(f"there is no player {player_id}")
    return player


_Row = TypeVar("_Row", Attempt, Player)


def _rebuild(session: Session, row: _Row) -> _Row:
    # The change and the player's rebuilt board rows and bands: one transaction.
    try:
        session.add(row)
        session.flush()
        player_id = row.player_id if isinstance(row, Attempt) else row.id
        assert player_id is not None
        ranking.rebuild_player_boards(session, player_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(row)
    return row


# --- Too fast to be read ------------------------------------------------------------------------


def reading_ms(prompt: str) -> int:
    """The fewest milliseconds in which a fast reader reads ``prompt``: the rule's threshold."""
    return READ_BASE_MS + READ_MS_PER_WORD * len(prompt.split())


@dataclass(frozen=True)
class TooFast:
    """An attempt with right answers given faster than their questions can be read."""

    attempt_id: int
    player_id: int
    nickname: str
    player_hidden: bool
    quiz_id: str
    quiz_title: str
    ranked: bool
    score: int
    finished_at: dt.datetime | None
    too_fast: int  # right answers under their reading time
    answered: int
    fastest_ms: int
    voided_at: dt.datetime | None
    void_reason: str | None


def too_fast_attempts(session: Session, *, limit: int = TOO_FAST_LIST_MAX) -> list[TooFast]:
    """Attempts with at least TOO_FAST_MIN_ITEMS right answers faster than ``reading_ms`` of
    their prompt, most such answers first. Voided ones stay listed (to undo a void)."""
    rows = session.exec(
        select(AttemptAnswer.attempt_id, AttemptAnswer.elapsed_ms, QuizItem.prompt)
        .join(Attempt, col(Attempt.id) == AttemptAnswer.attempt_id)
        .join(
            QuizItem,
            (col(QuizItem.quiz_id) == Attempt.quiz_id)
            & (col(QuizItem.position) == AttemptAnswer.position),
        )
        .where(col(AttemptAnswer.correct), col(AttemptAnswer.elapsed_ms).is_not(None))
    ).all()
    counts: dict[int, list[int]] = {}
    for attempt_id, elapsed_ms, prompt in rows:
        if elapsed_ms is not None and elapsed_ms < reading_ms(prompt):
            counts.setdefault(attempt_id, []).append(elapsed_ms)
    flagged = {a: ms for a, ms in counts.items() if len(ms) >= TOO_FAST_MIN_ITEMS}
    if not flagged:
        return []
    details = session.exec(
        select(Attempt, Player, Quiz)
        .join(Player, col(Player.id) == Attempt.player_id)
        .join(Quiz, col(Quiz.id) == Attempt.quiz_id)
        .where(col(Attempt.id).in_(flagged))
    ).all()
    found = [
        TooFast(
            attempt_id=attempt.id or 0,
            player_id=player.id or 0,
            nickname=player.nickname,
            player_hidden=player.hidden_at is not None,
            quiz_id=quiz.id,
            quiz_title=quiz.title,
            ranked=attempt.ranked,
            score=attempt.score,
            finished_at=attempt.finished_at,
            too_fast=len(flagged[attempt.id or 0]),
            answered=attempt.position,
            fastest_ms=min(flagged[attempt.id or 0]),
            voided_at=attempt.voided_at,
            void_reason=attempt.void_reason,
        )
        for attempt, player, quiz in details
    ]
    found.sort(key=lambda f: (-f.too_fast, f.fastest_ms, f.attempt_id))
    return found[:limit]


@dataclass(frozen=True)
class Moderated:
    """What editors have taken off the boards, for the moderation page."""

    voided: list[tuple[Attempt, Player, Quiz]]
    hidden: list[Player]
    editors: dict[int, str]  # editor id -> name, for "who"


def moderated(session: Session) -> Moderated:
    """Every voided attempt and hidden player, newest first."""
    voided = session.exec(
        select(Attempt, Player, Quiz)
        .join(Player, col(Player.id) == Attempt.player_id)
        .join(Quiz, col(Quiz.id) == Attempt.quiz_id)
        .where(col(Attempt.voided_at).is_not(None))
        .order_by(col(Attempt.voided_at).desc())
    ).all()
    hidden = session.exec(
        select(Player)
        .where(col(Player.hidden_at).is_not(None))
        .order_by(col(Player.hidden_at).desc())
    ).all()
    editors = {e.id: e.name for e in session.exec(select(Editor)) if e.id is not None}
    return Moderated([tuple(row) for row in voided], list(hidden), editors)  # type: ignore[misc]


def find_player(session: Session, nickname: str) -> Player | None:
    """The player with this nickname, ignoring case and lookalike letters, as nicknames are
    unique (quizapp.game.play.nickname_key)."""
    key = lookalike_key(nickname)
    return session.exec(select(Player).where(Player.nickname_key == key)).first()
