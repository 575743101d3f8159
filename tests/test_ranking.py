"""Tests for quizapp.game.ranking: quiz and overall leaderboards, all time and this week."""

import dataclasses
import datetime as dt
import random

import pytest
from sqlmodel import Session, select

from quizapp.core.database import make_engine
from quizapp.game import ranking
from quizapp.game.ranking import (
    PERIODS,
    Standing,
    Standings,
    get_overall_standings,
    get_player_bests,
    get_quiz_standings,
    get_score_distribution,
    period_key,
    record_finish,
)
from quizapp.models import OVERALL_BOARD, Attempt, BoardBand, BoardEntry, Player, Quiz
from tests.conftest import create_tables

# A Wednesday: "this week" is 2026-W48, Monday 2026-11-23 to Sunday 2026-11-29.
NOW = "2026-11-25 12:00"


def at(text: str) -> dt.datetime:
    """An aware UTC moment from "YYYY-MM-DD HH:MM", as the database stores them."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def db(database_url: str):
    """A session on a fresh database, with no Flask app."""
    create_tables(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def make_player(db: Session, faker, **overrides) -> Player:
    """A player with a Faker nickname."""
    nickname = overrides.pop("nickname", None) or faker.unique.user_name()[:24]
    fields = {
        "nickname": nickname,
        "nickname_key": nickname.casefold(),
        "token_hash": faker.sha256(),
        "created_at": at("2026-11-01 00:00"),
    }
    fields.update(overrides)
    player = Player(**fields)
    db.add(player)
    db.flush()
    return player


def make_quiz(db: Session, faker, **overrides) -> Quiz:
    """A quiz of ten questions."""
    fields = {
        "id": faker.unique.slug(),
        "title": faker.sentence(nb_words=4),
        "scope": "article",
        "scope_id": faker.slug(),
        "question_count": 10,
        "created_at": at("2026-11-01 00:00"),
    }
    fields.update(overrides)
    quiz = Quiz(**fields)
    db.add(quiz)
    db.flush()
    return quiz


def make_finish(
    db: Session,
    *,
    player: Player,
    quiz: Quiz,
    score: int = 5000,
    finished_at: str = "2026-11-24 10:00",
) -> Attempt:
    """A finished attempt, recorded on the boards as the play module does: ranked if it is the
    player's first at the quiz, practice after that."""
    finish = at(finished_at)
    first = db.exec(
        select(Attempt.id).where(
            Attempt.player_id == player.id, Attempt.quiz_id == quiz.id, Attempt.ranked
        )
    ).first()
    attempt = Attempt(
        ranked=first is None,
        quiz_id=quiz.id,
        player_id=player.id,
        started_at=finish - dt.timedelta(minutes=5),
        finished_at=finish,
        position=quiz.question_count,
        score=score,
        seed=0,
    )
    db.add(attempt)
    db.flush()
    record_finish(db, attempt=attempt)
    return attempt


def board(standings: Standings) -> list[tuple[int, int, int]]:
    """(rank, player id, score) of each top entry."""
    return [(s.rank, s.player_id, s.score) for s in standings.entries]


def entry(db: Session, board_id: str, period: str, player: Player) -> BoardEntry:
    """The stored board entry, read fresh."""
    db.expire_all()
    return db.exec(
        select(BoardEntry).where(
            BoardEntry.board == board_id,
            BoardEntry.period == period,
            BoardEntry.player_id == player.id,
        )
    ).one()


# --- period_key ---------------------------------------------------------------------------------


def test_periods_are_the_contract():
    assert PERIODS == ("all", "week")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-22 23:59:59.999999", "2026-W47"),  # Sunday, last instant of the week
        ("2026-11-23 00:00", "2026-W48"),  # Monday midnight starts the next one
        ("2026-01-05 08:00", "2026-W02"),  # zero-padded
        ("2025-12-28 23:59", "2025-W52"),
        ("2025-12-29 00:00", "2026-W01"),  # week 1 of 2026 starts in December 2025
        ("2026-12-31 12:00", "2026-W53"),  # 2026 has 53 ISO weeks
        ("2027-01-01 00:00", "2026-W53"),  # and New Year's Day 2027 is still in its last
        ("2027-01-03 23:59", "2026-W53"),
        ("2027-01-04 00:00", "2027-W01"),
    ],
)
def test_period_key_week_is_the_iso_week_in_utc(moment, expected):
    naive = dt.datetime.fromisoformat(moment)

    assert period_key("week", naive) == expected
    assert period_key("week", naive.replace(tzinfo=dt.UTC)) == expected


def test_period_key_converts_an_aware_moment_to_utc():
    # Monday 01:00 in UTC+2 is still Sunday 23:00 UTC.
    moment = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))

    assert period_key("week", moment) == "2026-W47"


def test_period_key_all_is_all():
    assert period_key("all", at(NOW)) == "all"


@pytest.mark.parametrize("period", ["month", "", "ALL", "Week", "2026-W47"])
def test_unknown_period_is_a_value_error(db, faker, period):
    quiz = make_quiz(db, faker)

    with pytest.raises(ValueError, match="period"):
        period_key(period, at(NOW))
    with pytest.raises(ValueError, match="period"):
        get_quiz_standings(db, quiz_id=quiz.id, period=period)
    with pytest.raises(ValueError, match="period"):
        get_overall_standings(db, period=period)


# --- Quiz boards --------------------------------------------------------------------------------


def test_empty_board(db, faker):
    quiz = make_quiz(db, faker)
    player = make_player(db, faker)

    assert get_quiz_standings(db, quiz_id=quiz.id, player_id=player.id) == Standings([], None, 0)
    assert get_overall_standings(db, period="week", player_id=player.id) == Standings([], None, 0)


def test_only_the_first_attempt_counts(db, faker):
    quiz = make_quiz(db, faker)
    ann, bob = make_player(db, faker), make_player(db, faker)
    first = make_finish(db, player=ann, quiz=quiz, score=3000, finished_at="2026-11-24 09:00")
    replay = make_finish(db, player=ann, quiz=quiz, score=7000, finished_at="2026-11-24 10:00")
    make_finish(db, player=bob, quiz=quiz, score=5000, finished_at="2026-11-24 08:00")

    standings = get_quiz_standings(db, quiz_id=quiz.id)

    assert (first.ranked, replay.ranked) == (True, False)
    assert board(standings) == [(1, bob.id, 5000), (2, ann.id, 3000)]
    assert standings.entries[1] == Standing(2, ann.id, ann.nickname, 3000, at("2026-11-24 09:00"))
    assert standings.total == 2
    assert entry(db, quiz.id, "all", ann).attempt_id == first.id


def test_a_lower_later_attempt_changes_nothing(db, faker):
    quiz = make_quiz(db, faker)
    ann = make_player(db, faker)
    best = make_finish(db, player=ann, quiz=quiz, score=7000, finished_at="2026-11-24 09:00")
    make_finish(db, player=ann, quiz=quiz, score=2000, finished_at="2026-11-24 10:00")

    stored = entry(db, quiz.id, "all", ann)
    assert (stored.score, stored.finished_at, stored.attempt_id) == (
        7000,
        at("2026-11-24 09:00"),
        best.id,
    )


def test_an_equal_later_attempt_keeps_the_earlier_finish(db, faker):
    quiz = make_quiz(db, faker)
    ann = make_player(db, faker)
    first = make_finish(db, player=ann, quiz=quiz, score=7000, finished_at="2026-11-24 09:00")
    make_finish(db, player=ann, quiz=quiz, score=7000, finished_at="2026-11-24 10:00")

    stored = entry(db, quiz.id, "all", ann)
    assert (stored.finished_at, stored.attempt_id) == (at("2026-11-24 09:00"), first.id)


def test_record_finish_leaves_out_practice_voided_and_hidden(db, faker):
    quiz, other = make_quiz(db, faker), make_quiz(db, faker)
    ann, bob = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz, score=1000)
    practice = make_finish(db, player=ann, quiz=quiz, score=9000)
    bob.hidden_at = at("2026-11-20 10:00")
    db.add(bob)
    db.flush()
    make_finish(db, player=bob, quiz=quiz, score=8000)
    voided = Attempt(
        quiz_id=other.id,
        player_id=ann.id,
        finished_at=at("2026-11-24 10:00"),
        position=10,
        score=7000,
        seed=0,
        ranked=True,
        voided_at=at("2026-11-24 11:00"),
    )
    db.add(voided)
    db.flush()
    record_finish(db, attempt=voided)

    assert practice.ranked is False
    assert board(get_quiz_standings(db, quiz_id=quiz.id)) == [(1, ann.id, 1000)]
    assert get_quiz_standings(db, quiz_id=other.id).total == 0
    assert board(get_overall_standings(db)) == [(1, ann.id, 1000)]


def test_ties_go_to_who_finished_first(db, faker):
    quiz = make_quiz(db, faker)
    late, early = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=late, quiz=quiz, score=6000, finished_at="2026-11-24 10:00")
    make_finish(db, player=early, quiz=quiz, score=6000, finished_at="2026-11-24 09:00")

    standings = get_quiz_standings(db, quiz_id=quiz.id, player_id=late.id)

    assert board(standings) == [(1, early.id, 6000), (2, late.id, 6000)]
    assert standings.me.rank == 2


def test_a_full_tie_goes_to_the_lower_player_id(db, faker):
    quiz = make_quiz(db, faker)
    players = [make_player(db, faker) for _ in range(3)]
    for player in reversed(players):
        make_finish(db, player=player, quiz=quiz, score=6000, finished_at="2026-11-24 09:00")

    standings = get_quiz_standings(db, quiz_id=quiz.id, player_id=players[2].id, limit=2)

    assert [s.player_id for s in standings.entries] == [players[0].id, players[1].id]
    assert standings.me.rank == 3


def test_me_outside_the_top_has_its_true_rank(db, faker):
    quiz = make_quiz(db, faker)
    players = [make_player(db, faker) for _ in range(15)]
    for place, player in enumerate(players):
        make_finish(db, player=player, quiz=quiz, score=10_000 - 100 * place)
    # Two more on 8800 who finished later than players[12]: they are behind, not ahead.
    for player in (make_player(db, faker), make_player(db, faker)):
        make_finish(db, player=player, quiz=quiz, score=8800, finished_at="2026-11-24 11:00")

    standings = get_quiz_standings(db, quiz_id=quiz.id, player_id=players[12].id)

    assert [s.rank for s in standings.entries] == list(range(1, 11))
    assert [s.player_id for s in standings.entries] == [p.id for p in players[:10]]
    assert standings.me == Standing(
        13, players[12].id, players[12].nickname, 8800, at("2026-11-24 10:00")
    )
    assert standings.total == 17


def test_me_inside_the_top_is_filled_too(db, faker):
    quiz = make_quiz(db, faker)
    ann, bob = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz, score=9000)
    make_finish(db, player=bob, quiz=quiz, score=8000)

    standings = get_quiz_standings(db, quiz_id=quiz.id, player_id=bob.id)

    assert standings.me == standings.entries[1]
    assert standings.me.rank == 2


def test_me_is_none_without_an_entry_or_a_player(db, faker):
    quiz = make_quiz(db, faker)
    ann, newcomer = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz)

    assert get_quiz_standings(db, quiz_id=quiz.id, player_id=newcomer.id).me is None
    assert get_quiz_standings(db, quiz_id=quiz.id).me is None


def test_limit_is_respected(db, faker):
    quiz = make_quiz(db, faker)
    players = [make_player(db, faker) for _ in range(5)]
    for place, player in enumerate(players):
        make_finish(db, player=player, quiz=quiz, score=5000 - place)

    three = get_quiz_standings(db, quiz_id=quiz.id, limit=3)
    none = get_quiz_standings(db, quiz_id=quiz.id, limit=0, player_id=players[4].id)

    assert [s.player_id for s in three.entries] == [p.id for p in players[:3]]
    assert (three.total, none.entries, none.me.rank, none.total) == (5, [], 5, 5)
    with pytest.raises(ValueError, match="limit"):
        get_quiz_standings(db, quiz_id=quiz.id, limit=-1)


def test_boards_of_other_quizzes_do_not_mix(db, faker):
    quiz, other = make_quiz(db, faker), make_quiz(db, faker)
    ann, bob = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz, score=1000)
    make_finish(db, player=bob, quiz=other, score=9000)

    assert board(get_quiz_standings(db, quiz_id=quiz.id)) == [(1, ann.id, 1000)]


# --- Weeks --------------------------------------------------------------------------------------


def test_week_board_leaves_out_last_week_but_all_time_keeps_it(db, faker):
    quiz = make_quiz(db, faker)
    ann, bob = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz, score=9000, finished_at="2026-11-22 23:59")  # W47
    make_finish(db, player=ann, quiz=quiz, score=4000, finished_at="2026-11-23 00:00")  # W48
    make_finish(db, player=bob, quiz=quiz, score=6000, finished_at="2026-11-24 10:00")

    week = get_quiz_standings(db, quiz_id=quiz.id, period="week", now=at(NOW))
    all_time = get_quiz_standings(db, quiz_id=quiz.id, period="all", now=at(NOW))
    last_week = get_quiz_standings(db, quiz_id=quiz.id, period="week", now=at("2026-11-20 12:00"))

    # Ann's second attempt (this week) is practice: only her first, last week, counts.
    assert board(week) == [(1, bob.id, 6000)]
    assert board(all_time) == [(1, ann.id, 9000), (2, bob.id, 6000)]
    assert board(last_week) == [(1, ann.id, 9000)]


def test_week_defaults_to_the_current_week(db, faker):
    quiz = make_quiz(db, faker)
    ann = make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz, finished_at="2020-06-01 10:00")

    assert get_quiz_standings(db, quiz_id=quiz.id, period="week").entries == []
    assert get_overall_standings(db, period="week").entries == []


def test_overall_week_sums_only_that_weeks_bests(db, faker):
    first, second = make_quiz(db, faker), make_quiz(db, faker)
    ann = make_player(db, faker)
    make_finish(db, player=ann, quiz=first, score=9000, finished_at="2026-11-20 10:00")  # W47
    make_finish(db, player=ann, quiz=first, score=2000, finished_at="2026-11-24 10:00")
    make_finish(db, player=ann, quiz=second, score=3000, finished_at="2026-11-25 10:00")

    week = get_overall_standings(db, period="week", now=at(NOW))
    all_time = get_overall_standings(db, now=at(NOW))

    # The 2000 this week was practice (a replay of the first quiz): never on a board.
    assert board(week) == [(1, ann.id, 3000)]
    assert board(all_time) == [(1, ann.id, 12000)]


# --- The overall board --------------------------------------------------------------------------


def test_overall_is_the_sum_of_bests_across_quizzes(db, faker):
    first, second = make_quiz(db, faker), make_quiz(db, faker)
    ann, bob = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=ann, quiz=first, score=8000, finished_at="2026-11-24 09:00")
    make_finish(db, player=ann, quiz=first, score=3000, finished_at="2026-11-24 10:00")
    make_finish(db, player=ann, quiz=second, score=5000, finished_at="2026-11-24 11:00")
    make_finish(db, player=bob, quiz=first, score=9000, finished_at="2026-11-24 08:00")

    standings = get_overall_standings(db, player_id=bob.id)

    assert board(standings) == [(1, ann.id, 13000), (2, bob.id, 9000)]
    assert standings.me.rank == 2
    assert standings.total == 2


def test_overall_finish_moves_only_when_the_total_changes(db, faker):
    first, second = make_quiz(db, faker), make_quiz(db, faker)
    ann, bob = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=ann, quiz=first, score=4000, finished_at="2026-11-24 09:00")
    reached = make_finish(db, player=ann, quiz=second, score=4000, finished_at="2026-11-24 10:00")
    make_finish(db, player=ann, quiz=second, score=1000, finished_at="2026-11-24 11:00")
    make_finish(db, player=bob, quiz=first, score=8000, finished_at="2026-11-24 10:30")

    stored = entry(db, OVERALL_BOARD, "all", ann)
    standings = get_overall_standings(db)

    assert (stored.score, stored.finished_at, stored.attempt_id) == (
        8000,
        at("2026-11-24 10:00"),
        reached.id,
    )
    # Equal totals: Ann reached 8000 at 10:00, Bob at 10:30.
    assert board(standings) == [(1, ann.id, 8000), (2, bob.id, 8000)]


def test_a_zero_score_still_puts_the_player_on_the_boards(db, faker):
    quiz = make_quiz(db, faker)
    ann = make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz, score=0)

    assert board(get_quiz_standings(db, quiz_id=quiz.id)) == [(1, ann.id, 0)]
    assert board(get_overall_standings(db)) == [(1, ann.id, 0)]


# --- record_finish ------------------------------------------------------------------------------


def test_record_finish_leaves_the_commit_to_the_caller(db, faker):
    quiz = make_quiz(db, faker)
    ann = make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz)

    db.rollback()

    assert db.exec(select(BoardEntry)).all() == []


def test_record_finish_writes_quiz_and_overall_entries_for_both_periods(db, faker):
    quiz = make_quiz(db, faker)
    ann = make_player(db, faker)
    make_finish(db, player=ann, quiz=quiz, score=4200, finished_at="2026-11-24 10:00")

    rows = db.exec(select(BoardEntry.board, BoardEntry.period, BoardEntry.score)).all()

    assert sorted(rows) == [
        (OVERALL_BOARD, "2026-W48", 4200),
        (OVERALL_BOARD, "all", 4200),
        (quiz.id, "2026-W48", 4200),
        (quiz.id, "all", 4200),
    ]


def test_record_finish_refuses_an_unfinished_attempt(db, faker):
    quiz = make_quiz(db, faker)
    ann = make_player(db, faker)
    attempt = Attempt(quiz_id=quiz.id, player_id=ann.id, started_at=at(NOW), seed=0)
    db.add(attempt)
    db.flush()

    with pytest.raises(ValueError, match="not finished"):
        record_finish(db, attempt=attempt)


# --- Score distribution and personal bests ------------------------------------------------------


def test_score_distribution_counts_each_players_best(db, faker):
    quiz, other = make_quiz(db, faker), make_quiz(db, faker)
    for score in (0, 100, 250, 999, 1000):
        make_finish(db, player=make_player(db, faker), quiz=quiz, score=score)
    repeat = make_player(db, faker)
    make_finish(db, player=repeat, quiz=quiz, score=50)
    make_finish(db, player=repeat, quiz=quiz, score=550)  # practice: only the first counts
    make_finish(db, player=make_player(db, faker), quiz=other, score=500)

    assert get_score_distribution(db, quiz_id=quiz.id) == [2, 1, 1, 0, 0, 0, 0, 0, 0, 2]
    # Four ranges of 250: [0, 250), [250, 500), [500, 750), [750, 1000].
    assert get_score_distribution(db, quiz_id=quiz.id, buckets=4) == [3, 1, 0, 2]
    assert get_score_distribution(db, quiz_id=quiz.id, buckets=1) == [6]


def test_score_distribution_of_an_empty_or_all_zero_board(db, faker):
    empty, zeros = make_quiz(db, faker), make_quiz(db, faker)
    for _ in range(3):
        make_finish(db, player=make_player(db, faker), quiz=zeros, score=0)

    assert get_score_distribution(db, quiz_id=empty.id) == [0] * 10
    assert get_score_distribution(db, quiz_id=zeros.id, buckets=3) == [3, 0, 0]
    with pytest.raises(ValueError, match="buckets"):
        get_score_distribution(db, quiz_id=zeros.id, buckets=0)


def test_player_bests_are_all_time_per_quiz(db, faker):
    first, second, unplayed = make_quiz(db, faker), make_quiz(db, faker), make_quiz(db, faker)
    ann, bob = make_player(db, faker), make_player(db, faker)
    make_finish(db, player=ann, quiz=first, score=9000, finished_at="2026-11-20 10:00")
    make_finish(db, player=ann, quiz=first, score=2000, finished_at="2026-11-24 10:00")
    make_finish(db, player=ann, quiz=second, score=3000)
    make_finish(db, player=bob, quiz=unplayed, score=7000)

    assert get_player_bests(db, player_id=ann.id) == {first.id: 9000, second.id: 3000}
    assert get_player_bests(db, player_id=make_player(db, faker).id) == {}


def bands(db: Session) -> dict[tuple[str, str, int], int]:
    """The non-empty band counts, as (board, period, band) -> entries."""
    rows = db.exec(select(BoardBand).where(BoardBand.entries != 0))
    return {(b.board, b.period, b.band): b.entries for b in rows}


def test_ranks_and_sizes_match_a_brute_force_sort_after_many_finishes(db, faker):
    # Scores cross many bands and tie often; finishes land in two weeks; improvements move
    # entries between bands. Every rank must still be the entry's place in a plain sort.
    rng = random.Random(7)
    quizzes = [make_quiz(db, faker) for _ in range(3)]
    players = [make_player(db, faker) for _ in range(40)]
    for _ in range(300):
        day = rng.choice(["2026-11-20", "2026-11-24", "2026-11-25"])
        make_finish(
            db,
            player=rng.choice(players),
            quiz=rng.choice(quizzes),
            score=rng.choice([0, 1000, 2000, rng.randrange(0, 13000)]),
            finished_at=f"{day} {rng.randrange(24):02d}:{rng.randrange(60):02d}",
        )
    kept = bands(db)

    assert ranking.rebuild_board_bands(db) > 0
    assert bands(db) == kept
    for board_id in [quiz.id for quiz in quizzes] + [OVERALL_BOARD]:
        for period in PERIODS:
            key = period_key(period, at(NOW))
            order = db.exec(
                select(BoardEntry)
                .where(BoardEntry.board == board_id, BoardEntry.period == key)
                .order_by(BoardEntry.score.desc(), BoardEntry.finished_at, BoardEntry.player_id)
            ).all()
            for place, row in enumerate(order, start=1):
                ask = {"period": period, "limit": 3, "player_id": row.player_id, "now": at(NOW)}
                if board_id == OVERALL_BOARD:
                    standings = get_overall_standings(db, **ask)
                else:
                    standings = get_quiz_standings(db, quiz_id=board_id, **ask)
                assert (standings.me.rank, standings.me.score) == (place, row.score)
                assert standings.total == len(order)


# --- Query plans: every leaderboard query reads ix_board_entry_rank, sorts nothing ---------------
# Each engine says so in its own words: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN.


def query_plan(db: Session, statement) -> list[str]:
    """The steps of the database's plan for ``statement``: the detail column of SQLite's
    EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN lines with the "->" of their nodes dropped."""
    conn = db.connection()
    sql = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    if conn.dialect.name == "sqlite":
        return [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    # The tables here hold no rows, and on a few rows PostgreSQL rightly prefers reading the
    # whole table to walking an index; forbidding that shows the index it would use on a big
    # board (for this transaction only).
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    lines = conn.exec_driver_sql(f"EXPLAIN {sql}").scalars()
    return [line.strip().removeprefix("->").strip() for line in lines]


def is_sort(step: str) -> bool:
    """Whether a plan step sorts rows the index should have given in order."""
    return "USE TEMP B-TREE" in step or step.startswith(("Sort ", "Incremental Sort "))


@pytest.mark.parametrize("board_id", ["some-quiz", OVERALL_BOARD])
@pytest.mark.parametrize("query", ["top", "ahead_count"])
def test_leaderboard_queries_walk_the_rank_index(db, board_id, query):
    if query == "top":
        statement = ranking.select_top(board_id, "2026-W48", 10)
    else:
        statement = ranking.select_ahead_in_band(
            board_id, "all", score=5050, finished_at=at(NOW), player_id=7
        )

    plan = query_plan(db, statement)

    assert not any(is_sort(step) for step in plan), plan
    if db.get_bind().dialect.name == "sqlite":
        assert any("USING COVERING INDEX ix_board_entry_rank" in step for step in plan), plan
        assert not any(step.startswith("SCAN board_entry") for step in plan), plan
        if query == "ahead_count":
            # A range inside the player's band, down to their score, not the whole board.
            assert any("score>? AND score<?" in step for step in plan), plan
    else:
        assert any("Index Only Scan using ix_board_entry_rank" in step for step in plan), plan
        assert not any("Seq Scan" in step for step in plan), plan
        if query == "ahead_count":
            # The same range, as the index condition rather than a filter over the board.
            conditions = [step for step in plan if step.startswith("Index Cond:")]
            assert any("score <" in c and "score >=" in c for c in conditions), plan


@pytest.mark.parametrize(
    "statement, searched",
    [
        (ranking.select_band_counts("some-quiz", "all", above_band=50), True),
        (ranking.select_entry(OVERALL_BOARD, "all", 7), True),
        # On PostgreSQL, with empty tables the planner walks ix_board_entry_rank on (period,
        # player_id) rather than looking up each of the player's quizzes: no plan to judge by
        # until there are rows, so only "no table scan, no sort" is checked there.
        (ranking.select_player_entries(7, "all"), False),
    ],
    ids=["band_counts", "entry", "player_entries"],
)
def test_other_board_queries_scan_nothing(db, statement, searched):
    plan = query_plan(db, statement)

    assert not any(step.startswith("SCAN") or "Seq Scan" in step for step in plan), plan
    assert not any(is_sort(step) for step in plan), plan
    if db.get_bind().dialect.name == "sqlite":
        # A SEARCH of an index by (board, period ...), for every table the statement reads.
        assert all(step.startswith(("SEARCH", "LIST SUBQUERY")) for step in plan), plan
    elif searched:
        # The index condition binds the leading columns: a lookup, not a walk of the index.
        conditions = [step for step in plan if step.startswith("Index Cond:")]
        assert any("board" in c and "period" in c for c in conditions), plan


# --- The module ---------------------------------------------------------------------------------


def test_results_are_frozen():
    standing = Standing(1, 1, "ann", 10, at(NOW))

    with pytest.raises(dataclasses.FrozenInstanceError):
        standing.rank = 2  # type: ignore[misc]
