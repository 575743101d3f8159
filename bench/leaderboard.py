"""Benchmark: a leaderboard page's queries at 10k and at 1M finished attempts.

For each size the script seeds a fresh SQLite database (``quizapp.core.database.make_engine`` +
``create_schema``) directly with SQLAlchemy Core bulk inserts: players, quizzes, finished
attempts, and the ``board_entry`` rows exactly as ``quizapp.game.ranking.record_finish`` would leave
them after recording every attempt in the order it finished. The board rows are computed in
Python by replaying record_finish's rules; before anything is measured, a small sample is
seeded both ways (bulk, and by calling ``record_finish`` for each attempt) and the two
``board_entry`` tables must be identical.

The shape is 10 attempts per player on average (a long tail of regulars), over 10 quizzes of
10 questions (two in plain scoring mode, so their scores tie often), finished over the two
weeks that end on Sunday 2026-11-22 20:00 UTC. 1M attempts means 100k players.

Then, in a fresh child process per size, it times what a leaderboard page asks of
``quizapp.game.ranking``: ``get_quiz_standings`` and ``get_overall_standings`` with the top 10 and
the asking player's own row and rank, for all time and for this week, each in its own
session as a request would have. A player is drawn at random from the board being shown, so
"my rank" is always looked up. After a warm-up, every page is timed ``--runs`` times; the
script prints the median and p99 in ms, the 1M/10k ratio, a PASS/MISS verdict for each
target of docs/benchmarks.md, and SQLite's EXPLAIN QUERY PLAN of every statement a page ran.
It always exits 0: it is a benchmark, not a test.

    .venv/bin/python bench/leaderboard.py [--sizes 10000,1000000] [--runs 200] [--seed N]
                                          [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from machine_info import (  # bench/ is on sys.path when a script runs
    busy_warning,
    hardware,
    load_average,
    runtime,
    source_digest,
    verdict,
)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # Run as a plain script from a checkout: make `quizapp` importable without installing it.
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event, insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from quizapp.core.database import create_schema, make_engine  # noqa: E402
from quizapp.game import ranking, scoring  # noqa: E402
from quizapp.models import OVERALL_BOARD, Attempt, BoardEntry, Player, Quiz  # noqa: E402

DEFAULT_SIZES = (10_000, 1_000_000)
ATTEMPTS_PER_PLAYER = 10  # on average; so 1M attempts are 100k players
QUIZZES = 10
PLAIN_QUIZZES = 2  # the last two quizzes score 1000 per right answer: many tied scores
QUESTIONS = 10
SECONDS = 20
DAYS = 14
# The end of the seeded fortnight, and the `now` of the "week" boards: ISO week 2026-W47.
END = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)
TOP = 10
TARGET_MEDIAN_MS = 10.0
TARGET_RATIO = 3.0
VERIFY_ATTEMPTS = 3_000
BATCH = 20_000
PAGES = (
    ("quiz", "all"),
    ("overall", "all"),
    ("quiz", "week"),
    ("overall", "week"),
)


# --- The synthetic data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """The rows of one synthetic data set, ready for bulk inserts."""

    players: list[dict[str, Any]]
    quizzes: list[dict[str, Any]]
    attempts: list[dict[str, Any]]
    entries: list[dict[str, Any]]


def quiz_rows() -> list[dict[str, Any]]:
    """Ten quizzes of ten questions, the last two in plain scoring mode."""
    created = END - dt.timedelta(days=60)
    return [
        {
            "id": f"event-bench-show-{n + 1:02d}",
            "title": f"Benchmark show {n + 1}",
            "scope": "event",
            "scope_id": f"bench-show-{n + 1:02d}",
            "question_count": QUESTIONS,
            "seconds_per_question": SECONDS,
            "scoring_mode": "plain" if n >= QUIZZES - PLAIN_QUIZZES else "timed",
            "created_at": created,
        }
        for n in range(QUIZZES)
    ]


def _play(rng: random.Random, skill: float, pace: float, mode: str) -> tuple[int, int, int, float]:
    """Score, right answers, final streak and seconds taken for one simulated attempt.

    The rules of quizapp.game.scoring, inlined: calling score_answer ten million times for 1M
    attempts would take most of a minute and only the resulting scores matter here.
    """
    score = correct = streak = 0
    took = 0.0
    for _ in range(QUESTIONS):
        elapsed = min(rng.expovariate(1 / (pace * SECONDS)), SECONDS + 2.0)
        took += elapsed + rng.uniform(0.5, 3.0)
        if elapsed > SECONDS + scoring.GRACE_SECONDS or rng.random() >= skill:
            streak = 0
            continue
        streak += 1
        correct += 1
        if mode == "plain":
            score += scoring.MAX_POINTS
            continue
        if elapsed <= scoring.FULL_POINTS_SECONDS:
            base = scoring.MAX_POINTS
        else:
            base = round(scoring.MAX_POINTS * (1 - min(elapsed, SECONDS) / SECONDS / 2))
        bonus = min(scoring.STREAK_STEP * (streak - 1), scoring.MAX_STREAK_BONUS)
        score += base + bonus
    return score, correct, streak, took


def make_data(attempts: int, seed: int, *, ties: bool = False) -> Seeded:
    """Players, quizzes, ``attempts`` finished attempts and the board rows they lead to.

    Every player has at least one attempt; the rest go to players in proportion to a
    Pareto-distributed appetite, so a few regulars play hundreds of times and most players
    a handful. Quizzes are picked with Zipf-like popularity. Attempt ids follow finishing
    order, as they would be recorded. ``ties`` makes a few attempts finish at the very same
    moment as the one before, to check the tie rules.
    """
    rng = random.Random(seed)
    player_count = max(attempts // ATTEMPTS_PER_PLAYER, 1)
    quizzes = quiz_rows()
    quiz_ids = [q["id"] for q in quizzes]
    modes = {q["id"]: q["scoring_mode"] for q in quizzes}
    quiz_weights = [1 / (n + 1) for n in range(QUIZZES)]

    start = END - dt.timedelta(days=DAYS)
    players = []
    skill, pace = [], []
    for n in range(1, player_count + 1):
        nickname = f"bench player {n}"
        players.append(
            {
                "id": n,
                "nickname": nickname,
                "nickname_key": nickname.casefold(),
                "token_hash": hashlib.sha256(f"bench-{seed}-{n}".encode()).hexdigest(),
                "created_at": start - dt.timedelta(days=1),
            }
        )
        skill.append(rng.uniform(0.35, 0.95))
        pace.append(rng.uniform(0.15, 0.7))

    appetite = [rng.paretovariate(1.5) for _ in range(player_count)]
    extra = rng.choices(range(1, player_count + 1), weights=appetite, k=attempts - player_count)
    who = list(range(1, player_count + 1)) + extra
    which = rng.choices(quiz_ids, weights=quiz_weights, k=attempts)
    span = DAYS * 86_400.0

    raw = []
    for player_id, quiz_id in zip(who, which, strict=True):
        score, correct, streak, took = _play(
            rng, skill[player_id - 1], pace[player_id - 1], modes[quiz_id]
        )
        # Whole microseconds, as the database keeps them.
        finished = END - dt.timedelta(microseconds=round(rng.uniform(0, span) * 1e6))
        raw.append((finished, player_id, quiz_id, score, correct, streak, took))
    raw.sort(key=lambda r: r[0])
    if ties:
        for i in range(1, len(raw), 7):
            raw[i] = (raw[i - 1][0], *raw[i][1:])

    attempt_rows = []
    for attempt_id, (finished, player_id, quiz_id, score, correct, streak, took) in enumerate(
        raw, start=1
    ):
        attempt_rows.append(
            {
                "id": attempt_id,
                "quiz_id": quiz_id,
                "player_id": player_id,
                "started_at": finished - dt.timedelta(microseconds=round(took * 1e6)),
                "finished_at": finished,
                "position": QUESTIONS,
                "score": score,
                "correct": correct,
                "streak": streak,
                "seed": rng.getrandbits(31),
            }
        )
    return Seeded(players, quizzes, attempt_rows, board_rows(attempt_rows))


def board_rows(attempts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The board_entry rows that record_finish leaves after recording ``attempts`` in order.

    The same rules, replayed in memory: for all time and for the ISO week of the finish,
    the quiz entry becomes the attempt when it is the player's first there, or strictly
    better, or equally good and finished strictly earlier; the overall entry then holds the
    sum of the player's quiz entries for that period, and takes the attempt's finished_at and
    id only when the sum changed (or when it is new).
    """
    weeks: dict[dt.date, str] = {}
    best: dict[tuple[str, str, int], tuple[int, dt.datetime, int]] = {}
    sums: dict[tuple[str, int], int] = {}
    overall: dict[tuple[str, int], tuple[int, dt.datetime, int]] = {}
    for a in attempts:
        finished, score, player_id = a["finished_at"], a["score"], a["player_id"]
        day = finished.date()
        week = weeks.get(day)
        if week is None:
            week = weeks[day] = ranking.period_key("week", finished)
        for key in (ranking.ALL_TIME, week):
            slot = (a["quiz_id"], key, player_id)
            old = best.get(slot)
            if old is None:
                best[slot] = (score, finished, a["id"])
                sums[key, player_id] = sums.get((key, player_id), 0) + score
            elif score > old[0] or (score == old[0] and finished < old[1]):
                best[slot] = (score, finished, a["id"])
                sums[key, player_id] += score - old[0]
            total = sums[key, player_id]
            mine = overall.get((key, player_id))
            if mine is None or mine[0] != total:
                overall[key, player_id] = (total, finished, a["id"])
    rows = [
        {
            "board": board,
            "period": key,
            "player_id": player_id,
            "score": score,
            "finished_at": finished,
            "attempt_id": attempt_id,
        }
        for (board, key, player_id), (score, finished, attempt_id) in best.items()
    ]
    rows += [
        {
            "board": OVERALL_BOARD,
            "period": key,
            "player_id": player_id,
            "score": score,
            "finished_at": finished,
            "attempt_id": attempt_id,
        }
        for (key, player_id), (score, finished, attempt_id) in overall.items()
    ]
    rows.sort(key=lambda r: (r["board"], r["period"], r["player_id"]))
    return rows


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _fresh_engine(db: Path) -> Engine:
    if db.exists():
        db.unlink()
    engine = make_engine(f"sqlite:///{db}")
    create_schema(engine)
    return engine


def _insert_all(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        # Only for seeding: the timed child opens the file with make_engine's settings.
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        for batch in _batches(rows):
            conn.execute(insert(table), batch)


def seed_bulk(db: Path, data: Seeded) -> None:
    """A fresh database holding ``data``, board rows included, by bulk inserts."""
    engine = _fresh_engine(db)
    try:
        _insert_all(engine, Player.__table__, data.players)
        _insert_all(engine, Quiz.__table__, data.quizzes)
        _insert_all(engine, Attempt.__table__, data.attempts)
        _insert_all(engine, BoardEntry.__table__, data.entries)
        with Session(engine) as session:
            ranking.rebuild_board_bands(session)
            session.commit()
    finally:
        engine.dispose()


def seed_by_record_finish(db: Path, data: Seeded) -> None:
    """A fresh database with the same players, quizzes and attempts, boards by record_finish."""
    engine = _fresh_engine(db)
    try:
        _insert_all(engine, Player.__table__, data.players)
        _insert_all(engine, Quiz.__table__, data.quizzes)
        _insert_all(engine, Attempt.__table__, data.attempts)
        with Session(engine) as session:
            for attempt in session.exec(select(Attempt).order_by(Attempt.id)).all():
                ranking.record_finish(session, attempt=attempt)
            session.commit()
    finally:
        engine.dispose()


def _board_dump(db: Path) -> list[tuple[Any, ...]]:
    # Entries, then the non-empty band counts (record_finish may leave bands at 0).
    with sqlite3.connect(db) as conn:
        return (
            conn.execute(
                "SELECT board, period, player_id, score, finished_at, attempt_id "
                "FROM board_entry ORDER BY board, period, player_id"
            ).fetchall()
            + conn.execute(
                "SELECT board, period, band, entries FROM board_band WHERE entries != 0 "
                "ORDER BY board, period, band"
            ).fetchall()
        )


def verify(work: Path, seed: int) -> str:
    """Seed a sample both ways and compare board_entry and board_band; stop the script if
    they differ. The bulk way counts the bands afresh with rebuild_board_bands, so this also
    checks record_finish's running counts."""
    data = make_data(VERIFY_ATTEMPTS, seed + 1, ties=True)
    bulk, replayed = work / "verify-bulk.sqlite", work / "verify-record-finish.sqlite"
    seed_bulk(bulk, data)
    seed_by_record_finish(replayed, data)
    ours, theirs = _board_dump(bulk), _board_dump(replayed)
    if ours != theirs:
        only_ours = sorted(set(ours) - set(theirs))[:5]
        only_theirs = sorted(set(theirs) - set(ours))[:5]
        raise SystemExit(
            "the bulk board rows differ from record_finish's:\n"
            f"  only in bulk: {only_ours}\n  only by record_finish: {only_theirs}"
        )
    return (
        f"{len(data.attempts):,} attempts by {len(data.players):,} players (every 7th finishing "
        f"at the same moment as the one before): {len(ours):,} board_entry and board_band "
        "rows, identical with bulk inserts and with record_finish"
    )


# --- Timing (in a child process) ------------------------------------------------------------


def statement_kind(sql: str) -> str:
    """Which of a page's queries ``sql`` is: top, me (the entry), bands (the board's size and
    the entries in higher bands) or ahead (the entries ahead inside my band)."""
    if "LIMIT" in sql:
        return "top"
    if "board_band" in sql:
        return "bands"
    if "count(" in sql:
        return "ahead"
    return "me"


STATEMENT_KINDS = ("top", "me", "bands", "ahead")


class _Statements:
    """Times every statement an engine runs, by kind; records their SQL while ``on``."""

    def __init__(self, engine: Engine) -> None:
        self.on = False
        self.seen: list[tuple[str, tuple[Any, ...]]] = []
        self.spent: dict[str, float] = dict.fromkeys(STATEMENT_KINDS, 0.0)
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if self.on:
            self.seen.append((statement, tuple(parameters or ())))
        self._started = time.perf_counter()

    def _after(self, _conn, _cursor, statement, _parameters, _context, _many) -> None:
        # SQLite computes a count, and the first row of any result, in cursor.execute.
        self.spent[statement_kind(statement)] += time.perf_counter() - self._started

    def reset(self) -> dict[str, float]:
        """The time spent per kind since the last reset, in ms."""
        spent = {kind: seconds * 1000 for kind, seconds in self.spent.items()}
        self.spent = dict.fromkeys(STATEMENT_KINDS, 0.0)
        return spent


def _page(session: Session, page: tuple[str, str], board: str, player_id: int) -> Any:
    kind, period = page
    if kind == "quiz":
        return ranking.get_quiz_standings(
            session, quiz_id=board, period=period, limit=TOP, player_id=player_id, now=END
        )
    return ranking.get_overall_standings(
        session, period=period, limit=TOP, player_id=player_id, now=END
    )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def run_timing(db: Path, runs: int, seed: int) -> dict[str, Any]:
    """Time every page ``runs`` times after a warm-up; return the figures and query plans."""
    rng = random.Random(seed)
    engine = make_engine(f"sqlite:///{db}")
    week = ranking.period_key("week", END)
    with sqlite3.connect(db) as conn:
        population = {
            page: conn.execute(
                "SELECT board, player_id FROM board_entry WHERE period = ? AND "
                + ("board != ?" if page[0] == "quiz" else "board = ?"),
                (ranking.ALL_TIME if page[1] == "all" else week, OVERALL_BOARD),
            ).fetchall()
            for page in PAGES
        }
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("player", "attempt", "board_entry")
        }
    statements = _Statements(engine)
    results: dict[str, Any] = {"counts": counts, "pages": {}}
    warmup = max(runs // 4, 20)
    for page in PAGES:
        picks = [rng.choice(population[page]) for _ in range(warmup + runs)]
        times, ranks, totals = [], [], []
        spent: dict[str, list[float]] = {kind: [] for kind in STATEMENT_KINDS}
        for n, (board, player_id) in enumerate(picks):
            statements.reset()
            t0 = time.perf_counter()
            with Session(engine) as session:
                standings = _page(session, page, board, player_id)
            elapsed = time.perf_counter() - t0
            if standings.me is None:
                raise SystemExit(f"player {player_id} is missing from {board} {page[1]}")
            in_sql = statements.reset()
            if n >= warmup:
                times.append(elapsed * 1000)
                ranks.append(standings.me.rank)
                totals.append(standings.total)
                for kind, ms in in_sql.items():
                    spent[kind].append(ms)
        # One more page, a player near the bottom of the board (the longest rank count).
        board, player_id = _bottom(engine, page, population[page], week)
        statements.on = True
        with Session(engine) as session:
            _page(session, page, board, player_id)
        statements.on = False
        plans = []
        with sqlite3.connect(db) as conn:
            for sql, params in statements.seen:
                plan = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                plans.append({"sql": " ".join(sql.split()), "plan": [row[3] for row in plan]})
        statements.seen.clear()
        results["pages"]["/".join(page)] = {
            "median_ms": statistics.median(times),
            "p99_ms": _percentile(times, 0.99),
            "max_ms": max(times),
            "median_rank": statistics.median(ranks),
            "median_board": statistics.median(totals),
            "sql_median_ms": {kind: statistics.median(ms) for kind, ms in spent.items()},
            "plans": plans,
        }
    engine.dispose()
    return results


def _bottom(
    engine: Engine, page: tuple[str, str], population: list[tuple[str, int]], week: str
) -> tuple[str, int]:
    # The biggest board of the page's kind (the overall board is a single one).
    board = Counter(b for b, _ in population).most_common(1)[0][0]
    key = ranking.ALL_TIME if page[1] == "all" else week
    with Session(engine) as session:
        rows = session.exec(
            select(BoardEntry.player_id)
            .where(BoardEntry.board == board, BoardEntry.period == key)
            .order_by(
                BoardEntry.score.asc(), BoardEntry.finished_at.desc(), BoardEntry.player_id.desc()
            )
            .limit(1)
        ).all()
    return board, rows[0]


# --- Report -------------------------------------------------------------------------------------


def machine() -> list[str]:
    """A few lines describing this machine and the software under test."""
    import sqlalchemy
    import sqlmodel

    return [
        hardware(),
        f"{runtime()}, SQLAlchemy {sqlalchemy.__version__}, SQLModel {sqlmodel.__version__}",
        f"quizapp sources sha256 {source_digest()} (quizapp/*.py), "
        f"{source_digest(MEASURED)} ({', '.join(Path(p).name for p in MEASURED)})",
    ]


# The code under test here; the rest of quizapp (the web and API layers) may change freely.
MEASURED = ("quizapp/core/database.py", "quizapp/models.py", "quizapp/game/ranking.py")


def _size(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def report(results: dict[int, dict[str, Any]], runs: int) -> None:
    """Print the figures, the targets with their verdicts, and the query plans."""
    sizes = sorted(results)
    print()
    print(f"Each page timed {runs} times after a warm-up, a random player of that board each time.")
    print(
        "| attempts | players | board_entry rows | page | players on board (median) "
        "| my rank (median) | median ms | p99 ms | max ms |"
    )
    print("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        r = results[size]
        for name, p in r["pages"].items():
            print(
                f"| {_size(size)} | {r['counts']['player']:,} | {r['counts']['board_entry']:,} "
                f"| {name} | {p['median_board']:,.0f} | {p['median_rank']:,.0f} "
                f"| {p['median_ms']:.2f} | {p['p99_ms']:.2f} | {p['max_ms']:.2f} |"
            )
    print()
    print(
        "Where the time goes: median ms in SQLite per query (from cursor.execute to its "
        "return), the rest being Python (SQLAlchemy, SQLModel, the session):"
    )
    print(
        "| attempts | page | top 10 | my entry | board size and higher bands (sum) "
        "| ahead in my band (count) |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for name, p in results[size]["pages"].items():
            q = p["sql_median_ms"]
            print(
                f"| {_size(size)} | {name} | {q['top']:.2f} | {q['me']:.2f} | {q['bands']:.2f} "
                f"| {q['ahead']:.2f} |"
            )
    print()
    print("Targets:")
    big, small = max(sizes), min(sizes)
    if big != 1_000_000:
        print("  median at 1M attempts: not measured (add 1000000 to --sizes)")
    for name in results[big]["pages"]:
        median = results[big]["pages"][name]["median_ms"]
        if big == 1_000_000:
            print(
                f"  {verdict(median < TARGET_MEDIAN_MS)}  {name}: median {median:.2f} ms at "
                f"1M attempts (target < {TARGET_MEDIAN_MS:.0f} ms)"
            )
        if small != big:
            ratio = median / results[small]["pages"][name]["median_ms"]
            print(
                f"  {verdict(ratio <= TARGET_RATIO)}  {name}: {_size(big)}/{_size(small)} "
                f"median ratio {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x)"
            )
    print()
    print(f"Query plans at {_size(big)} (a page for a player at the bottom of the board):")
    for name, p in results[big]["pages"].items():
        print(f"\n{name}:")
        for entry in p["plans"]:
            print(f"  {entry['sql']}")
            for line in entry["plan"]:
                print(f"    -> {line}")


# --- Command line ---------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not sizes or any(n < ATTEMPTS_PER_PLAYER for n in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be at least {ATTEMPTS_PER_PLAYER}")
    return sorted(set(sizes))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; --child and --db are internal."""
    parser = argparse.ArgumentParser(
        prog="bench/leaderboard.py",
        description=(
            "Benchmark the leaderboard queries. For each size, seed a fresh SQLite database "
            "with finished attempts (10 per player on average, 10 quizzes, two weeks) and the "
            "board_entry rows record_finish would leave (checked on a sample against "
            "record_finish itself), then in a fresh child process time get_quiz_standings and "
            "get_overall_standings (top 10 and my rank; all time and this week). Prints median "
            "and p99 ms, the ratio between sizes, a PASS/MISS verdict per target (see "
            "docs/benchmarks.md) and the query plans. Always exits 0."
        ),
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=list(DEFAULT_SIZES),
        metavar="N,N,...",
        help="comma-separated numbers of finished attempts (default: 10000,1000000)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=200,
        metavar="N",
        help="timed pages per board and size, after a warm-up of N/4 (default: 200)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default: 2026)")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="write the databases into DIR and keep them (default: a temporary folder, "
        "removed at the end)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def run_child(db: Path, runs: int, seed: int) -> dict[str, Any]:
    """Time the pages in a fresh interpreter, so each size starts from a cold process."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--db", str(db)]
    command += ["--runs", str(runs), "--seed", str(seed)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the timing run on {db} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Seed, time (each size in a child process) and print the figures."""
    args = parse_args(argv)
    if args.child:
        code = source_digest(MEASURED)  # quizapp is imported: this names the code that ran
        print(json.dumps({**run_timing(args.db, args.runs, args.seed), "code": code}))
        return 0

    print("quizapp leaderboard benchmark")
    for line in machine():
        print("  " + line)
    print(f"  load average {load_average()}")
    warning = busy_warning()
    digest = source_digest(MEASURED)
    work = args.keep or Path(tempfile.mkdtemp(prefix="quizapp-bench-board-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Any]] = {}
    try:
        t0 = time.perf_counter()
        checked = verify(work, args.seed)
        print(f"\nverified in {time.perf_counter() - t0:.1f}s: {checked}", flush=True)
        for size in args.sizes:
            db = work / f"board-{size}.sqlite"
            t0 = time.perf_counter()
            data = make_data(size, args.seed)
            made = time.perf_counter() - t0
            t0 = time.perf_counter()
            seed_bulk(db, data)
            stored = time.perf_counter() - t0
            print(
                f"\n{_size(size)} attempts: {len(data.players):,} players, "
                f"{len(data.entries):,} board_entry rows; made in {made:.1f}s, inserted in "
                f"{stored:.1f}s ({db.stat().st_size / 1e6:,.0f} MB); timing...",
                flush=True,
            )
            del data
            results[size] = run_child(db, args.runs, args.seed)
            for name, p in results[size]["pages"].items():
                print(f"  {name}: median {p['median_ms']:.2f} ms, p99 {p['p99_ms']:.2f} ms")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report(results, args.runs)
    codes = {r["code"] for r in results.values()}
    if codes == {digest} == {source_digest(MEASURED)}:
        print(f"\nevery run used the same database.py, models.py and ranking.py: {digest}")
    else:
        print("\nWARNING: database.py, models.py or ranking.py changed during the run:")
        print(f"  at the start {digest}, at the end {source_digest(MEASURED)}")
        for size, r in sorted(results.items()):
            print(f"  timed at {_size(size)}: {r['code']}")
    print(f"load average at the end {load_average()}")
    if warning:
        print(warning)
    if args.keep:
        print(f"\ndatabases kept in {args.keep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
