"""Load: 200 players play a whole quiz at once on two app instances sharing one PostgreSQL.

Two gunicorn instances (2 workers each) on two loopback ports serve one database that the CLI
set up; the players are threads with their own HTTP clients, split between the instances,
with no think time. Afterwards the database is held to what each player was told: every
answer that got a 200 is stored exactly once as sent, no request failed, every attempt's score
is the sum of its answers, and every board entry is the best attempt or the sum of bests.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from quizapp.core.database import make_engine
from quizapp.models import OVERALL_BOARD, Player
from tests.proof import audit
from tests.proof.live import (
    Client,
    Gunicorn,
    Ledger,
    app_env,
    build_database,
    latency_lines,
    machine,
)
from tests.proof.players import AnswerKey, ApiPlayer, run_crowd
from tests.services import fresh_pg_schema

pytestmark = pytest.mark.proof

PLAYERS = 200
WORKERS = 2  # per instance
RIGHT_SHARE = 0.6
# The whole crowd must be done by then; it takes about a quarter of it on 2 CPUs.
BUDGET_S = 120.0


def test_two_instances_serve_200_players_and_the_books_balance(tmp_path, figures):
    with fresh_pg_schema() as url:
        env = app_env(url)
        build_seconds = build_database(env, tmp_path / "build.log")
        engine = make_engine(url)
        try:
            with (
                Gunicorn(env, tmp_path, name="a", workers=WORKERS) as first,
                Gunicorn(env, tmp_path, name="b", workers=WORKERS) as second,
            ):
                servers = (first, second)
                ledger = Ledger()
                key = AnswerKey(engine)
                players = [
                    ApiPlayer(
                        Client(servers[n % 2].base, ledger),
                        key,
                        nickname=f"Load {n:03d}",
                        seed=n,
                        right_share=RIGHT_SHARE,
                    )
                    for n in range(PLAYERS)
                ]
                duration = run_crowd(players, BUDGET_S)
                quiz_id = players[0].quiz_id
                boards = {}
                for server in servers:
                    with Client(server.base, Ledger()) as reader:
                        boards[server.name] = {
                            board: reader.call("GET", f"/api/v1/leaderboard?{query}&limit=100")
                            for board, query in (("quiz", f"quiz={quiz_id}"), ("overall", ""))
                        }
                logged = sum((server.logged_errors() for server in servers), start=Counter())
            books = audit.Books.load(engine)
            with Session(engine) as session:
                nicknames = dict(session.exec(select(Player.id, Player.nickname)).all())
                server_version = session.connection().exec_driver_sql("SHOW server_version")
                server_version = server_version.scalar()
        finally:
            engine.dispose()

    exchanges = ledger.exchanges
    figures.add(f"machine: {machine()}; PostgreSQL {server_version}")
    figures.add(
        f"database set up by the CLI (upgrade-db, load-bank, generate) in {build_seconds:.1f} s"
    )
    figures.add(
        f"{len(servers)} gunicorn instances x {WORKERS} sync workers, one PostgreSQL; "
        f"{PLAYERS} players split between them, one quiz each, no think time"
    )
    figures.add(
        f"{len(exchanges):,} requests in {duration:.1f} s = {len(exchanges) / duration:,.0f} "
        f"requests/s; statuses {dict(sorted(ledger.statuses().items(), key=str))}"
    )
    for line in latency_lines(exchanges):
        figures.add(line)

    unfinished = [p.nickname for p in players if p.summary is None and p.error is None]
    assert not unfinished, f"{len(unfinished)} players still playing after {BUDGET_S:.0f} s"
    failed = [f"{p.nickname}: {p.error}" for p in players if p.error]
    assert not failed, f"{len(failed)} players failed, the first: {failed[0]}"
    assert set(ledger.statuses()) <= {200, 201}, ledger.statuses()
    assert {p.quiz_id for p in players} == {quiz_id}
    assert books.question_counts[quiz_id] == players[0].question_count > 0

    sent = [record for player in players for record in player.sent]
    told, outcomes = audit.check_answers_as_told(books, sent)
    scores = audit.check_scores(books)
    board_problems = audit.check_boards(books)
    ours = [books.attempts[p.attempt_id] for p in players]
    figures.add(
        f"answers: {len(sent):,} sent, {outcomes['200, stored as sent']:,} answered 200 and "
        f"stored exactly once as sent; {len(books.answered()):,} answer rows in all; "
        f"problems {len(told)}"
    )
    figures.add(
        f"scores: {len(books.attempts)} attempts, each the sum of its answers "
        f"(problems {len(scores)}); {len({a.score for a in ours})} distinct totals, "
        f"best {max(a.score for a in ours):,}"
    )
    figures.add(
        f"boards: {len(books.entries):,} entries (quiz and overall, all time and week) and "
        f"{len(books.bands)} bands recomputed from the attempts; problems {len(board_problems)}"
    )
    assert not told, told[:5]
    assert not scores, scores[:5]
    assert not board_problems, board_problems[:5]
    for player in players:
        total = sum(record.points for record in player.sent)
        assert (
            player.summary["score"] == total
            and len(player.summary["answers"]) == player.question_count
        )

    for board, name in (("quiz", quiz_id), ("overall", OVERALL_BOARD)):
        expected = [nicknames[player_id] for player_id in audit.board_order(books, name)[:100]]
        shown = {
            server: [e["nickname"] for e in responses[board].body["entries"]]
            for server, responses in boards.items()
        }
        assert all(entries == expected for entries in shown.values()), (board, shown)
    figures.add(
        "leaderboards: both instances show the same top 100 of the quiz and overall boards, "
        "in the order recomputed from the attempts"
    )
    figures.add(f"errors in gunicorn's logs: {dict(logged) or 'none'}")
    assert not logged
