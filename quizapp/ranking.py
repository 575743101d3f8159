"""Leaderboards: per quiz and overall, for all time and for this week. No Flask.

The rules
    On a quiz board a player counts with their best attempt: the highest score, and among
    attempts with that score the one that finished first. The overall board gives each
    player the sum of their quiz-board scores for the same period. Every board is ordered by
    score DESC, finished_at ASC, player_id ASC: best first, a tie goes to whoever reached it
    first, and the player id only makes the order total, so that a page never shuffles.

Ranks
    A player's rank is 1 + the number of entries strictly ahead of them in that order. The
    order is total, so ranks are unique (1, 2, 3, ... with no shared places) and equal to the
    position on the board.

Periods
    ``"all"`` is all time. ``"week"`` is the ISO 8601 week (Monday 00:00 UTC up to Sunday
    24:00 UTC) that contains ``now``, not a rolling seven days; an attempt belongs to the
    week of its finish in UTC. Near New Year the week's year is the ISO one: 2027-01-01 is
    in "2026-W53".

Storage
    ``board_entry`` holds one row per (board, period, player): board is a quiz id or
    ``OVERALL_BOARD``, period is ``"all"`` or a week key such as ``"2026-W47"``.
    ``record_finish`` keeps it up to date in the transaction that finishes an attempt, so the
    leaderboards only read a few entries of ``ix_board_entry_rank`` and never look at
    attempts. The ``select_*`` functions build the leaderboard queries, so that tests can
    check their query plans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from quizapp.models import OVERALL_BOARD, Attempt, BoardEntry, Player, utcnow

PERIODS = ("all", "week")
ALL_TIME = "all"  # the period key of the all-time boards


@dataclass(frozen=True)
class Standing:
    """One player's row on a board."""

    rank: int
    player_id: int
    nickname: str
    score: int
    finished_at: dt.datetime


@dataclass(frozen=True)
class Standings:
    """A board's top entries, the asking player's own row, and how many players it has."""

    entries: list[Standing]
    me: Standing | None
    total: int


def period_key(period: str, moment: dt.datetime) -> str:
    """The ``board_entry.period`` value of ``period`` at ``moment``.

    ``"all"`` gives ``"all"``; ``"week"`` gives the ISO week of ``moment`` in UTC, like
    ``"2026-W47"`` (weeks start on Monday 00:00 UTC; the year is the ISO week-numbering year,
    so 2027-01-01 gives ``"2026-W53"``). An aware ``moment`` is converted to UTC (timestamps are
    aware UTC, as ``models.utcnow`` makes them); a naive one is taken as UTC. Any other period
    raises ValueError.
    """
    _check_period(period)
    if period == ALL_TIME:
        return ALL_TIME
    if moment.utcoffset() is not None:
        moment = moment.astimezone(dt.UTC)
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


# --- Leaderboards -------------------------------------------------------------------------------


def get_quiz_standings(
    session: Session,
    *,
    quiz_id: str,
    period: str = "all",
    limit: int = 10,
    player_id: int | None = None,
    now: dt.datetime | None = None,
) -> Standings:
    """The leaderboard of one quiz: each player's best attempt in ``period``.

    Ordered by score DESC, then finished_at ASC (of two equal bests, the one reached first
    ranks higher), then player_id ASC (only to make the order total). ``entries`` holds the
    top ``limit`` (0 for none); ``me`` is ``player_id``'s own row with its true rank whenever
    they are on the board, inside the top or not; ``total`` counts the players on the board.
    ``period`` is ``"all"`` or ``"week"``, the ISO week of ``now`` in UTC (default: the
    current time). An unknown period or a negative limit raises ValueError.
    """
    key = period_key(period, now or utcnow())
    return _standings(session, quiz_id, key, limit, player_id)


def get_overall_standings(
    session: Session,
    *,
    period: str = "all",
    limit: int = 10,
    player_id: int | None = None,
    now: dt.datetime | None = None,
) -> Standings:
    """The overall leaderboard: each player's sum of their best scores per quiz in ``period``.

    Ordered by total DESC, then finished_at ASC (the finish that brought the total to its
    value: of two equal totals, the one reached first ranks higher), then player_id ASC (only
    to make the order total). ``entries``, ``me``, ``total``, ``period`` and ``now`` as in
    ``get_quiz_standings``.
    """
    key = period_key(period, now or utcnow())
    return _standings(session, OVERALL_BOARD, key, limit, player_id)


def get_score_distribution(session: Session, *, quiz_id: str, buckets: int = 10) -> list[int]:
    """How many players' all-time bests on a quiz fall in each of ``buckets`` score ranges.

    The ranges split 0 to the board's top score into equal parts: bucket ``i`` counts the
    scores ``s`` with ``i <= s * buckets / top < i + 1``, and the top score itself falls in
    the last bucket. So the chart always spans the scores players reached; its upper end is
    the board's first entry (``get_quiz_standings(..., limit=1)``). An empty board gives all
    zeros; if every best is 0 they are all in the first bucket. ``buckets`` below 1 raises
    ValueError. One GROUP BY over the quiz's part of the index.
    """
    if buckets < 1:
        raise ValueError(f"buckets must be at least 1, not {buckets!r}")
    counts = [0] * buckets
    top = session.exec(select_top(quiz_id, ALL_TIME, 1)).first()
    if top is None:
        return counts
    top_score = top.score
    if top_score <= 0:
        counts[0] = session.exec(select_total(quiz_id, ALL_TIME)).one()
        return counts
    bucket = case(
        (BoardEntry.score >= top_score, buckets - 1),
        (BoardEntry.score <= 0, 0),
        else_=(BoardEntry.score * buckets) // top_score,
    )
    # Group by a subquery's column, not the expression: repeated in GROUP BY, its parameters
    # become new numbered ones on some drivers, and PostgreSQL then sees two expressions.
    scores = (
        select(bucket.label("bucket"))
        .where(BoardEntry.board == quiz_id, BoardEntry.period == ALL_TIME)
        .subquery()
    )
    rows = session.exec(select(scores.c.bucket, func.count()).group_by(scores.c.bucket))
    for index, count in rows:
        counts[index] = count
    return counts


def get_player_bests(session: Session, *, player_id: int) -> dict[str, int]:
    """Quiz id -> the player's best score on it (all time), for every quiz they finished."""
    rows = session.exec(select_player_entries(player_id, ALL_TIME))
    return {entry.board: entry.score for entry in rows}


# --- Keeping the boards ---------------------------------------------------------------------------


def record_finish(session: Session, *, attempt: Attempt) -> None:
    """Put a finished attempt on its quiz's boards and its player's overall boards.

    For the all-time period and the week of ``attempt.finished_at``: the quiz board entry
    becomes this attempt if the player has none there, or if this score is strictly higher,
    or if it is equal but finished earlier (an attempt recorded late must not lose a tie it
    won). Then the player's overall entry for the period is set to the sum of their quiz
    board scores for it; its finished_at (and attempt_id) become this attempt's only when the
    sum changed. Does not commit: this belongs to the caller's transaction.

    Safe under concurrency on PostgreSQL: the quiz entry is one INSERT ... ON CONFLICT DO
    UPDATE guarded by the score, not a read then a write; and the player's row is locked
    (FOR NO KEY UPDATE, until the caller commits) so that two of their finishes cannot each
    sum the other's quiz entries from before it. SQLite serialises writers anyway.
    """
    if attempt.finished_at is None:
        raise ValueError(f"attempt {attempt.id} is not finished")
    if attempt.id is None:
        session.flush()  # the entries point at the attempt, so it needs its id
    _lock_player(session, attempt.player_id)
    for key in (ALL_TIME, period_key("week", attempt.finished_at)):
        _keep_best(session, attempt, key)
        _update_overall(session, attempt, key)


def _lock_player(session: Session, player_id: int) -> None:
    # NO KEY UPDATE rather than UPDATE: it still excludes the player's other finishes, but not
    # the foreign key checks of rows being inserted for this player (KEY SHARE).
    session.exec(select(Player.id).where(Player.id == player_id).with_for_update(key_share=True))


def _keep_best(session: Session, attempt: Attempt, key: str) -> None:
    table = BoardEntry.__table__
    _upsert_entry(
        session,
        attempt,
        board=attempt.quiz_id,
        key=key,
        score=attempt.score,
        replace_when=lambda new: or_(
            table.c.score < new.score,
            and_(table.c.score == new.score, table.c.finished_at > new.finished_at),
        ),
    )


def _update_overall(session: Session, attempt: Attempt, key: str) -> None:
    # The sum is a subquery of the upsert itself: one statement, no value carried over in Python.
    total = select_player_sum(attempt.player_id, key).scalar_subquery()
    _upsert_entry(
        session,
        attempt,
        board=OVERALL_BOARD,
        key=key,
        score=total,
        # An unchanged total keeps the moment it was first reached, which decides ties.
        replace_when=lambda new: BoardEntry.__table__.c.score != new.score,
    )


def _upsert_entry(
    session: Session,
    attempt: Attempt,
    *,
    board: str,
    key: str,
    score: Any,
    replace_when: Callable[[Any], Any],
) -> None:
    # Insert the player's entry from ``attempt``, or replace theirs where replace_when(excluded).
    table = BoardEntry.__table__
    statement = _insert(session).values(
        board=board,
        period=key,
        player_id=attempt.player_id,
        score=score,
        finished_at=attempt.finished_at,
        attempt_id=attempt.id,
    )
    new = statement.excluded
    session.exec(
        statement.on_conflict_do_update(
            index_elements=[table.c.board, table.c.period, table.c.player_id],
            set_={"score": new.score, "finished_at": new.finished_at, "attempt_id": new.attempt_id},
            where=replace_when(new),
        )
    )


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    inserts = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    if dialect not in inserts:
        raise NotImplementedError(f"leaderboards need SQLite or PostgreSQL, not {dialect}")
    return inserts[dialect](BoardEntry.__table__)


# --- The queries --------------------------------------------------------------------------------

# The ranking order everywhere; it is also the order of ix_board_entry_rank after (board, period),
# which is what lets top-N and rank counts read the index instead of sorting.
_RANKING_ORDER = (
    BoardEntry.score.desc(),
    BoardEntry.finished_at.asc(),
    BoardEntry.player_id.asc(),
)


def select_top(board: str, key: str, limit: int) -> Any:
    """The first ``limit`` entries of a board in ranking order, with nicknames.

    A walk of ix_board_entry_rank that stops after ``limit`` rows; ``key`` is a period key.
    """
    return (
        select(BoardEntry.player_id, Player.nickname, BoardEntry.score, BoardEntry.finished_at)
        .join(Player, Player.id == BoardEntry.player_id)
        .where(BoardEntry.board == board, BoardEntry.period == key)
        .order_by(*_RANKING_ORDER)
        .limit(limit)
    )


def select_entry(board: str, key: str, player_id: int) -> Any:
    """One player's entry on a board, with their nickname (a primary key lookup)."""
    return (
        select(BoardEntry.player_id, Player.nickname, BoardEntry.score, BoardEntry.finished_at)
        .join(Player, Player.id == BoardEntry.player_id)
        .where(
            BoardEntry.board == board,
            BoardEntry.period == key,
            BoardEntry.player_id == player_id,
        )
    )


def select_ahead_count(
    board: str, key: str, *, score: int, finished_at: dt.datetime, player_id: int
) -> Any:
    """How many entries of a board rank strictly ahead of the given one.

    ``score >= :score`` repeats what the OR implies so that the count is a range of
    ix_board_entry_rank, from the top down to the given score, rather than the whole board.
    (Spelling the OR out as three separately indexed ranges makes SQLite merge them by rowid,
    several times slower in a benchmark of 300,000 entries.)
    """
    return (
        select(func.count())
        .select_from(BoardEntry)
        .where(
            BoardEntry.board == board,
            BoardEntry.period == key,
            BoardEntry.score >= score,
            or_(
                BoardEntry.score > score,
                and_(BoardEntry.score == score, BoardEntry.finished_at < finished_at),
                and_(
                    BoardEntry.score == score,
                    BoardEntry.finished_at == finished_at,
                    BoardEntry.player_id < player_id,
                ),
            ),
        )
    )


def select_total(board: str, key: str) -> Any:
    """How many players a board has (a count over the board's part of the index)."""
    return (
        select(func.count())
        .select_from(BoardEntry)
        .where(BoardEntry.board == board, BoardEntry.period == key)
    )


def select_player_entries(player_id: int, key: str) -> Any:
    """A player's quiz-board entries (not the overall one) for one period key.

    board_entry has no index that starts with the player, so the quizzes come from the
    player's attempts (ix_attempt_player_id), each looked up by primary key: the cost grows
    with the player's attempts, not with the table.
    """
    return select(BoardEntry).where(*_player_quiz_entries(player_id, key))


def select_player_sum(player_id: int, key: str) -> Any:
    """The sum of a player's quiz-board scores for one period key (0 if none), as above."""
    total = func.coalesce(func.sum(BoardEntry.score), 0)
    return select(total).where(*_player_quiz_entries(player_id, key))


def _player_quiz_entries(player_id: int, key: str) -> tuple[Any, ...]:
    played = select(Attempt.quiz_id).where(Attempt.player_id == player_id)
    return (
        BoardEntry.board.in_(played),
        BoardEntry.period == key,
        BoardEntry.player_id == player_id,
    )


def _standings(
    session: Session, board: str, key: str, limit: int, player_id: int | None
) -> Standings:
    if limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit!r}")
    entries = []
    if limit:
        rows = session.exec(select_top(board, key, limit))
        entries = [_standing(rank, row) for rank, row in enumerate(rows, start=1)]
    me = None
    if player_id is not None:
        me = next((entry for entry in entries if entry.player_id == player_id), None)
        if me is None:
            me = _find_me(session, board, key, player_id)
    total = session.exec(select_total(board, key)).one()
    return Standings(entries=entries, me=me, total=total)


def _find_me(session: Session, board: str, key: str, player_id: int) -> Standing | None:
    row = session.exec(select_entry(board, key, player_id)).first()
    if row is None:
        return None
    ahead = session.exec(
        select_ahead_count(
            board, key, score=row.score, finished_at=row.finished_at, player_id=row.player_id
        )
    ).one()
    return _standing(ahead + 1, row)


def _standing(rank: int, row: Any) -> Standing:
    return Standing(
        rank=rank,
        player_id=row.player_id,
        nickname=row.nickname,
        score=row.score,
        finished_at=row.finished_at,
    )


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}: expected one of {', '.join(PERIODS)}")
