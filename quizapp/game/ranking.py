"""Leaderboards: per quiz and overall, for all time and for this week. No Flask.

The rules
    Only ranked attempts count: a player's first attempt at a quiz (``Attempt.ranked``),
    finished, not voided by an editor, by a player no editor has hidden (docs/game.md). Later
    attempts are practice and never reach a board. On a quiz board a player counts with
    their ranked attempt (the rules below still speak of a "best", which with one ranked
    attempt per quiz is that attempt). The overall board gives each player the sum of their
    quiz-board scores for the same period. Every board is ordered by
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
    ``board_band`` counts each board's entries per band of ``BAND_WIDTH`` points.
    ``record_finish`` keeps both up to date in the transaction that finishes an attempt, so a
    leaderboard page reads a few entries of ``ix_board_entry_rank``, the board's band rows,
    and at most one band's entries; it never counts a whole board or looks at attempts. The
    ``select_*`` functions build the leaderboard queries, so that tests can check their
    query plans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Table, and_, case, delete, func, literal, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from quizapp.models import (
    BAND_WIDTH,
    OVERALL_BOARD,
    Attempt,
    BoardBand,
    BoardEntry,
    Player,
    table_of,
    utcnow,
)

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
        counts[0] = session.exec(select_band_counts(quiz_id, ALL_TIME)).one().total
        return counts
    score = col(BoardEntry.score)
    bucket = case(
        (score >= top_score, buckets - 1),
        (score <= 0, 0),
        else_=(score * buckets) // top_score,
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
    won). The player's overall entry for the period is the sum of their quiz board scores for
    it; its finished_at (and attempt_id) become this attempt's only when the sum changed.
    The board bands (``BoardBand``) move with every entry whose score changed. Does not
    commit: this belongs to the caller's transaction.

    Safe under concurrency: the player's row is locked first (FOR NO KEY UPDATE on
    PostgreSQL, until the caller commits; SQLite serialises writers anyway), so no other
    finish of theirs reads or writes their entries meanwhile, and the overall sum can be
    carried forward from their current entries. Band rows, which all finishes on a board
    share, are updated in one global order so that two finishes never wait on each other
    crosswise.
    """
    finished_at = attempt.finished_at
    if finished_at is None:
        raise ValueError(f"attempt {attempt.id} is not finished")
    if not attempt.ranked or attempt.voided_at is not None:
        return  # practice, or voided: never on a board
    if attempt.id is None:
        session.flush()  # the entries point at the attempt, so it needs its id
    if _lock_player(session, attempt.player_id) is not None:
        return  # the player is hidden from the boards
    keys = (ALL_TIME, period_key("week", finished_at))
    current = _current_entries(session, attempt, keys)
    band_moves: dict[tuple[str, str, int], int] = {}
    for key in keys:
        old = current.get((attempt.quiz_id, key))
        if old is not None and not _better(attempt.score, finished_at, old):
            continue
        _put_entry(session, attempt, attempt.quiz_id, key, attempt.score, old, band_moves)
        total = current.get((OVERALL_BOARD, key))
        gain = attempt.score - (old.score if old is not None else 0)
        if total is None:
            _put_entry(session, attempt, OVERALL_BOARD, key, gain, None, band_moves)
        elif gain:
            _put_entry(session, attempt, OVERALL_BOARD, key, total.score + gain, total, band_moves)
    _move_bands(session, band_moves)


def _lock_player(session: Session, player_id: int) -> dt.datetime | None:
    # NO KEY UPDATE rather than UPDATE: it still excludes the player's other finishes, but not
    # the foreign key checks of rows being inserted for this player (KEY SHARE). Returns when
    # the player was hidden from the boards, if they are.
    return session.exec(
        select(Player.hidden_at).where(Player.id == player_id).with_for_update(key_share=True)
    ).first()


class _Entry(NamedTuple):
    """A board entry as record_finish compares and replaces it."""

    score: int
    finished_at: dt.datetime


def _current_entries(
    session: Session, attempt: Attempt, keys: tuple[str, str]
) -> dict[tuple[str, str], _Entry]:
    # Four primary key lookups in one statement: the quiz and overall entries, both periods.
    table = table_of(BoardEntry)
    rows = session.exec(
        select(table.c.board, table.c.period, table.c.score, table.c.finished_at).where(
            table.c.board.in_((attempt.quiz_id, OVERALL_BOARD)),
            table.c.period.in_(keys),
            table.c.player_id == attempt.player_id,
        )
    )
    return {
        (board, period): _Entry(score, finished_at) for board, period, score, finished_at in rows
    }


def _better(score: int, finished_at: dt.datetime, old: _Entry) -> bool:
    # A higher score wins; an equal one wins if it was reached earlier.
    return score > old.score or (
        score == old.score and _aware(finished_at) < _aware(old.finished_at)
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive UTC timestamps where PostgreSQL gives aware ones.
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=dt.UTC)


def _put_entry(
    session: Session,
    attempt: Attempt,
    board: str,
    key: str,
    score: int,
    old: _Entry | None,
    band_moves: dict[tuple[str, str, int], int],
) -> None:
    table = table_of(BoardEntry)
    values = {"score": score, "finished_at": attempt.finished_at, "attempt_id": attempt.id}
    if old is None:
        session.exec(
            table.insert().values(board=board, period=key, player_id=attempt.player_id, **values)
        )
    else:
        session.exec(
            table.update()
            .where(
                table.c.board == board,
                table.c.period == key,
                table.c.player_id == attempt.player_id,
            )
            .values(**values)
        )
        old_band = (board, key, old.score // BAND_WIDTH)
        band_moves[old_band] = band_moves.get(old_band, 0) - 1
    new_band = (board, key, score // BAND_WIDTH)
    band_moves[new_band] = band_moves.get(new_band, 0) + 1


def _move_bands(session: Session, band_moves: dict[tuple[str, str, int], int]) -> None:
    # Sorted, so that concurrent finishes lock shared band rows in the same order.
    table = table_of(BoardBand)
    for (board, key, band), change in sorted(band_moves.items()):
        if not change:
            continue
        statement = _insert(session, table).values(
            board=board, period=key, band=band, entries=change
        )
        session.exec(
            statement.on_conflict_do_update(
                index_elements=[table.c.board, table.c.period, table.c.band],
                set_={"entries": table.c.entries + statement.excluded.entries},
            )
        )


def _insert(session: Session, table: Table) -> sqlite.Insert | postgresql.Insert:
    dialect = session.get_bind().dialect.name
    inserts: dict[str, Callable[[Table], sqlite.Insert | postgresql.Insert]] = {
        "sqlite": sqlite.insert,
        "postgresql": postgresql.insert,
    }
    if dialect not in inserts:
        raise NotImplementedError(f"leaderboards need SQLite or PostgreSQL, not {dialect}")
    return inserts[dialect](table)


def rebuild_board_bands(session: Session) -> int:
    """Recount every board's bands from its entries; returns the number of band rows.

    ``record_finish`` keeps the bands as it goes; this is for entries written some other way
    (a bulk import, a database from before bands existed). Does not commit.
    """
    entries = table_of(BoardEntry)
    bands = table_of(BoardBand)
    band = (entries.c.score // BAND_WIDTH).label("band")
    # Integer division on both engines: score and BAND_WIDTH are integers and scores are
    # never negative, so truncation and floor agree.
    counts = select(
        entries.c.board, entries.c.period, band, func.count().label("entries")
    ).group_by(entries.c.board, entries.c.period, band)
    session.exec(delete(bands))
    session.exec(bands.insert().from_select(["board", "period", "band", "entries"], counts))
    return session.exec(select(func.count()).select_from(bands)).one()


# --- Rebuilding from the attempts -----------------------------------------------------------------


class BoardRow(NamedTuple):
    """A board entry as computed from the attempts: the truth the kept rows must equal."""

    score: int
    finished_at: dt.datetime
    attempt_id: int


class _Counted(NamedTuple):
    player_id: int
    quiz_id: str
    score: int
    finished_at: dt.datetime
    attempt_id: int


def select_counted_attempts(player_id: int | None = None) -> Any:
    """The attempts the boards show: ranked, finished, not voided, of players not hidden."""
    attempt = table_of(Attempt)
    statement = (
        sa_select(
            attempt.c.player_id,
            attempt.c.quiz_id,
            attempt.c.score,
            attempt.c.finished_at,
            attempt.c.id,
        )
        .join(Player, col(Player.id) == attempt.c.player_id)
        .where(
            col(Attempt.ranked),
            col(Attempt.finished_at).is_not(None),
            col(Attempt.voided_at).is_(None),
            col(Player.hidden_at).is_(None),
        )
    )
    if player_id is not None:
        statement = statement.where(attempt.c.player_id == player_id)
    return statement


def compute_boards(rows: Any) -> dict[tuple[str, str, int], BoardRow]:
    """(board, period key, player) -> the entry, from counted attempts' rows.

    A quiz entry is the player's counted attempt, all time and in its finish week. The overall
    entry sums them per period; its finish is the latest finish that added points, or the
    first finish when none did: what ``record_finish`` keeps when finishes come in order.
    """
    boards: dict[tuple[str, str, int], BoardRow] = {}
    overall: dict[tuple[str, int], list[_Counted]] = {}
    for row in rows:
        counted = _Counted(*row)
        for key in (ALL_TIME, period_key("week", counted.finished_at)):
            quiz_key = (counted.quiz_id, key, counted.player_id)
            old = boards.get(quiz_key)
            if old is None or _better(
                counted.score, counted.finished_at, _Entry(old.score, old.finished_at)
            ):
                boards[quiz_key] = BoardRow(counted.score, counted.finished_at, counted.attempt_id)
            overall.setdefault((key, counted.player_id), []).append(counted)
    for (key, player_id), attempts in overall.items():
        scoring = [a for a in attempts if a.score > 0]
        if scoring:
            last = max(scoring, key=lambda a: (_aware(a.finished_at), a.attempt_id))
        else:
            last = min(attempts, key=lambda a: (_aware(a.finished_at), a.attempt_id))
        total = sum(a.score for a in attempts)
        boards[(OVERALL_BOARD, key, player_id)] = BoardRow(total, last.finished_at, last.attempt_id)
    return boards


def rebuild_player_boards(session: Session, player_id: int) -> None:
    """Recompute one player's entries on every board from their attempts, bands with them.

    For what changes a player's past standing at once (an attempt voided or restored, the
    player hidden or shown again). Locks the player as ``record_finish`` does, so no finish of
    theirs interleaves. Does not commit: this belongs to the caller's transaction.
    """
    _lock_player(session, player_id)
    table = table_of(BoardEntry)
    band_moves: dict[tuple[str, str, int], int] = {}
    old = session.exec(
        select(table.c.board, table.c.period, table.c.score).where(table.c.player_id == player_id)
    ).all()
    for board, key, score in old:
        band = (board, key, score // BAND_WIDTH)
        band_moves[band] = band_moves.get(band, 0) - 1
    session.exec(delete(table).where(table.c.player_id == player_id))
    fresh = compute_boards(session.exec(select_counted_attempts(player_id)).all())
    for (board, key, _), row in sorted(fresh.items()):
        session.exec(
            table.insert().values(board=board, period=key, player_id=player_id, **row._asdict())
        )
        band = (board, key, row.score // BAND_WIDTH)
        band_moves[band] = band_moves.get(band, 0) + 1
    _move_bands(session, band_moves)
    # A band emptied by the move is worth no row: the counts then equal a full recount.
    bands = table_of(BoardBand)
    session.exec(delete(bands).where(bands.c.entries == 0))


def rebuild_boards(session: Session) -> int:
    """Every board entry and band recomputed from the attempts; returns the entries written.

    For a database whose boards were kept by other rules (migration 0003) and for tests that
    compare the kept boards with the truth. Does not commit.
    """
    table = table_of(BoardEntry)
    session.exec(delete(table))
    fresh = compute_boards(session.exec(select_counted_attempts()).all())
    for (board, key, player_id), row in sorted(fresh.items()):
        session.exec(
            table.insert().values(board=board, period=key, player_id=player_id, **row._asdict())
        )
    rebuild_board_bands(session)
    return len(fresh)


# --- The queries --------------------------------------------------------------------------------

# The ranking order everywhere; it is also the order of ix_board_entry_rank after (board, period),
# which is what lets top-N and rank counts read the index instead of sorting.
_RANKING_ORDER = (
    col(BoardEntry.score).desc(),
    col(BoardEntry.finished_at).asc(),
    col(BoardEntry.player_id).asc(),
)


def select_top(board: str, key: str, limit: int) -> Any:
    """The first ``limit`` entries of a board in ranking order, with nicknames.

    A walk of ix_board_entry_rank that stops after ``limit`` rows; ``key`` is a period key.
    """
    return (
        select(BoardEntry.player_id, Player.nickname, BoardEntry.score, BoardEntry.finished_at)
        .join(Player, col(Player.id) == BoardEntry.player_id)
        .where(BoardEntry.board == board, BoardEntry.period == key)
        .order_by(*_RANKING_ORDER)
        .limit(limit)
    )


def select_entry(board: str, key: str, player_id: int) -> Any:
    """One player's entry on a board, with their nickname (a primary key lookup)."""
    return (
        select(BoardEntry.player_id, Player.nickname, BoardEntry.score, BoardEntry.finished_at)
        .join(Player, col(Player.id) == BoardEntry.player_id)
        .where(
            BoardEntry.board == board,
            BoardEntry.period == key,
            BoardEntry.player_id == player_id,
        )
    )


def select_ahead_in_band(
    board: str, key: str, *, score: int, finished_at: dt.datetime, player_id: int
) -> Any:
    """How many entries of the given one's score band rank strictly ahead of it.

    A range of ix_board_entry_rank from the top of the band down to the given score: at most
    one band's entries (``BAND_WIDTH`` points), however big the board. ``score >= :score``
    repeats what the OR implies, so that the range ends at the given score. (Spelling the OR
    out as three separately indexed ranges makes SQLite merge them by rowid, several times
    slower in a benchmark of 300,000 entries.)
    """
    band_top = (score // BAND_WIDTH + 1) * BAND_WIDTH
    entry_score, entry_finished_at = col(BoardEntry.score), col(BoardEntry.finished_at)
    return (
        select(func.count())
        .select_from(BoardEntry)
        .where(
            BoardEntry.board == board,
            BoardEntry.period == key,
            entry_score < band_top,
            entry_score >= score,
            or_(
                entry_score > score,
                and_(entry_score == score, entry_finished_at < finished_at),
                and_(
                    entry_score == score,
                    entry_finished_at == finished_at,
                    col(BoardEntry.player_id) < player_id,
                ),
            ),
        )
    )


def select_band_counts(board: str, key: str, *, above_band: int | None = None) -> Any:
    """A board's size and, given ``above_band``, how many entries are in higher bands.

    One walk of the board's band rows (primary key order): a few hundred rows at most, not
    the board's entries. Gives (total, above); ``above`` is 0 without ``above_band``.
    """
    total = func.coalesce(func.sum(BoardBand.entries), 0)
    above: ColumnElement[int]
    if above_band is None:
        above = literal(0)
    else:
        above = func.coalesce(
            func.sum(case((col(BoardBand.band) > above_band, BoardBand.entries), else_=0)), 0
        )
    return select(total.label("total"), above.label("above")).where(
        BoardBand.board == board, BoardBand.period == key
    )


def select_player_entries(player_id: int, key: str) -> Any:
    """A player's quiz-board entries (not the overall one) for one period key.

    board_entry has no index that starts with the player, so the quizzes come from the
    player's attempts (ix_attempt_player_id), each looked up by primary key: the cost grows
    with the player's attempts, not with the table.
    """
    return select(BoardEntry).where(*_player_quiz_entries(player_id, key))


def _player_quiz_entries(player_id: int, key: str) -> tuple[ColumnElement[bool], ...]:
    played = select(Attempt.quiz_id).where(Attempt.player_id == player_id)
    return (
        col(BoardEntry.board).in_(played),
        col(BoardEntry.period) == key,
        col(BoardEntry.player_id) == player_id,
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
            row = session.exec(select_entry(board, key, player_id)).first()
            if row is not None:
                return _standings_with_me(session, board, key, entries, row)
    total, _ = session.exec(select_band_counts(board, key)).one()
    return Standings(entries=entries, me=me, total=total)


def _standings_with_me(
    session: Session, board: str, key: str, entries: list[Standing], row: Any
) -> Standings:
    # Rank = the entries in higher bands + those ahead inside the player's own band.
    total, above = session.exec(
        select_band_counts(board, key, above_band=row.score // BAND_WIDTH)
    ).one()
    inside = session.exec(
        select_ahead_in_band(
            board, key, score=row.score, finished_at=row.finished_at, player_id=row.player_id
        )
    ).one()
    return Standings(entries=entries, me=_standing(above + inside + 1, row), total=total)


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
