"""What the database must say after a run, recomputed from its rows without the app's code.

Each check returns a list of problems (empty when all is well), so a test can print how much
it checked and assert once. The rules are those of docs/game.md: an attempt's score is the sum
of its stored answers' points; only ranked attempts count (each player's first attempt at a
quiz, finished, not voided, by a player not hidden), and a player has at most one ranked and
at most one open attempt per quiz; a quiz board holds each player's ranked attempt; the
overall board holds the sum of a player's quiz-board scores for the same period; board bands
count the entries per band.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from quizapp.models import (
    BAND_WIDTH,
    OVERALL_BOARD,
    Attempt,
    AttemptAnswer,
    BoardBand,
    BoardEntry,
    Player,
    Quiz,
)


def aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC with its zone: SQLite gives naive UTC, PostgreSQL aware."""
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=dt.UTC)


def week_of(moment: dt.datetime) -> str:
    """The ISO week key of a finish, as docs/game.md defines the weekly boards."""
    year, week, _ = aware(moment).astimezone(dt.UTC).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Books:
    """The rows the checks read, loaded once."""

    attempts: dict[int, Attempt]
    answers: dict[tuple[int, int], AttemptAnswer]
    entries: list[BoardEntry]
    bands: list[BoardBand]
    question_counts: dict[str, int]
    hidden: frozenset[int] = frozenset()  # players hidden from the boards

    @classmethod
    def load(cls, engine: Engine) -> Books:
        """Read attempts, answers, board entries and bands through a fresh session."""
        with Session(engine) as session:
            attempts = {a.id: a for a in session.exec(select(Attempt))}
            answers = {(a.attempt_id, a.position): a for a in session.exec(select(AttemptAnswer))}
            entries = list(session.exec(select(BoardEntry)))
            bands = list(session.exec(select(BoardBand)))
            counts = dict(session.exec(select(Quiz.id, Quiz.question_count)).all())
            hidden = frozenset(
                p.id for p in session.exec(select(Player)) if p.hidden_at is not None
            )
        return cls(attempts, answers, entries, bands, counts, hidden)

    def counted(self, attempt: Attempt) -> bool:
        """Whether the attempt belongs on the boards."""
        return (
            attempt.ranked
            and attempt.finished_at is not None
            and attempt.voided_at is None
            and attempt.player_id not in self.hidden
        )

    def answered(self) -> list[AttemptAnswer]:
        """The answers given (served questions not answered yet are left out)."""
        return [a for a in self.answers.values() if a.answered_at is not None]


def check_scores(books: Books) -> list[str]:
    """Every attempt's score, right count and position agree with its stored answers."""
    points: Counter = Counter()
    right: Counter = Counter()
    answered: Counter = Counter()
    for answer in books.answered():
        points[answer.attempt_id] += answer.points
        right[answer.attempt_id] += answer.correct
        answered[answer.attempt_id] += 1
    problems = []
    for attempt in books.attempts.values():
        expected = (points[attempt.id], right[attempt.id], answered[attempt.id])
        found = (attempt.score, attempt.correct, attempt.position)
        if found != expected:
            problems.append(
                f"attempt {attempt.id}: (score, correct, position) {found} but its answers "
                f"say {expected}"
            )
        finished = attempt.position >= books.question_counts[attempt.quiz_id]
        # An attempt closed after its time window (expired) stops where it stood.
        if finished != (attempt.finished_at is not None) and not attempt.expired:
            problems.append(f"attempt {attempt.id}: finished_at does not match its position")
    return problems + check_one_ranked_one_open(books)


def check_one_ranked_one_open(books: Books) -> list[str]:
    """Per player and quiz: one ranked attempt, the earliest started, and at most one open."""
    by_pair: dict[tuple[int, str], list[Attempt]] = defaultdict(list)
    for attempt in books.attempts.values():
        by_pair[(attempt.player_id, attempt.quiz_id)].append(attempt)
    problems = []
    for pair, attempts in by_pair.items():
        ranked = [a.id for a in attempts if a.ranked]
        first = min(attempts, key=lambda a: (aware(a.started_at), a.id))
        if ranked != [first.id]:
            problems.append(f"player/quiz {pair}: ranked {ranked}, first attempt {first.id}")
        still_open = [a.id for a in attempts if a.finished_at is None]
        if len(still_open) > 1:
            problems.append(f"player/quiz {pair}: {len(still_open)} open attempts {still_open}")
    return problems


def expected_boards(books: Books) -> dict[tuple[str, str, int], tuple[int, dt.datetime | None]]:
    """(board, period, player) -> (score, finished_at of the best attempt; None for overall),
    computed from the counted (ranked, finished, not voided, not hidden) attempts."""
    best: dict[tuple[str, str, int], Attempt] = {}
    for attempt in books.attempts.values():
        if not books.counted(attempt):
            continue
        for period in ("all", week_of(attempt.finished_at)):
            key = (attempt.quiz_id, period, attempt.player_id)
            old = best.get(key)
            if old is None or (attempt.score, -aware(attempt.finished_at).timestamp()) > (
                old.score,
                -aware(old.finished_at).timestamp(),
            ):
                best[key] = attempt
    expected: dict[tuple[str, str, int], tuple[int, dt.datetime | None]] = {}
    overall: Counter = Counter()
    for (_quiz, period, player), attempt in best.items():
        expected[(_quiz, period, player)] = (attempt.score, aware(attempt.finished_at))
        overall[(period, player)] += attempt.score
    for (period, player), total in overall.items():
        expected[(OVERALL_BOARD, period, player)] = (total, None)
    return expected


def check_boards(books: Books) -> list[str]:
    """Board entries are exactly the best attempts and their sums; bands count the entries."""
    expected = expected_boards(books)
    found = {(e.board, e.period, e.player_id): e for e in books.entries}
    problems = []
    for key in sorted(set(expected) | set(found), key=str):
        if key not in found:
            problems.append(f"board entry missing: {key} should be {expected[key][0]}")
            continue
        if key not in expected:
            problems.append(f"board entry with no finished attempt behind it: {key}")
            continue
        score, finished_at = expected[key]
        entry = found[key]
        if entry.score != score:
            problems.append(f"board entry {key}: score {entry.score}, attempts say {score}")
        elif finished_at is not None and aware(entry.finished_at) != finished_at:
            problems.append(f"board entry {key}: not the first attempt to reach its best")
    bands: Counter = Counter()
    for entry in books.entries:
        bands[(entry.board, entry.period, entry.score // BAND_WIDTH)] += 1
    stored = {(b.board, b.period, b.band): b.entries for b in books.bands if b.entries}
    if stored != dict(bands):
        problems.append(f"board bands {len(stored)} differ from the entries' {len(bands)}")
    return problems


def board_order(books: Books, board: str, period: str = "all") -> list[int]:
    """The player ids of one board in ranking order: score DESC, finished_at ASC, player_id."""
    entries = [e for e in books.entries if e.board == board and e.period == period]
    entries.sort(key=lambda e: (-e.score, aware(e.finished_at), e.player_id))
    return [e.player_id for e in entries]


def answers_by_attempt(books: Books) -> dict[int, dict[int, AttemptAnswer]]:
    """Answered rows, by attempt and position."""
    grouped: dict[int, dict[int, AttemptAnswer]] = defaultdict(dict)
    for answer in books.answered():
        grouped[answer.attempt_id][answer.position] = answer
    return grouped


def check_answers_as_told(books: Books, sent: list) -> tuple[list[str], Counter]:
    """Hold the database to what each player was told about each answer it sent.

    ``sent`` holds players' SentAnswer records. A 200 must be stored exactly as sent, with the
    points the player was given. After a failure the player looked whether its attempt had
    moved on: if so, this very answer must be the stored one; if not, the player sent it again,
    so the position must hold that later send. Every position a player sent to is answered,
    and no attempt of theirs holds an answer they did not send. Returns the problems and the
    count of each outcome.
    """
    problems: list[str] = []
    outcomes: Counter = Counter()
    for record in sent:
        row = books.answers.get((record.attempt_id, record.position))
        where = f"attempt {record.attempt_id} position {record.position}"
        if row is None or row.answered_at is None:
            problems.append(f"{where}: sent (status {record.status}) but no answer is stored")
            continue
        if row.question_id != record.question_id:
            problems.append(f"{where}: stored for question {row.question_id}")
        if record.status == 200:
            outcomes["200, stored as sent"] += 1
            if (row.given, row.points) != (record.given, record.points):
                problems.append(
                    f"{where}: told {record.points} points for {record.given!r}, stored "
                    f"{row.points} for {row.given!r}"
                )
        elif record.stored_as_told:
            outcomes[f"{record.status}, then found stored: the player moved on"] += 1
            if row.given != record.given:
                problems.append(f"{where}: the player saw it stored, but {row.given!r} is")
        else:
            outcomes[f"{record.status}, then found not stored: sent again"] += 1
    attempts = {record.attempt_id for record in sent}
    positions = {(record.attempt_id, record.position) for record in sent}
    extra = [
        key
        for key, row in books.answers.items()
        if key[0] in attempts and row.answered_at is not None and key not in positions
    ]
    if extra:
        problems.append(f"answers stored that no player sent: {sorted(extra)[:5]}")
    return problems, outcomes
