"""Races: many requests at the same instant, on SQLite and on PostgreSQL.

The app runs under gunicorn (2 worker processes x 8 threads each, so requests really run side
by side) on a database the CLI set up. Each race sends 20 requests released together by a
barrier, on connections opened beforehand, and the figures say how many were in flight at
once. One answer posted 20 times scores once; 20 takers of one nickname give it one owner;
20 players finishing together are ranked by the documented rule, the same way every time.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from quizapp.core.database import make_engine
from quizapp.game.play import hash_token, nickname_key
from quizapp.models import Player
from tests.proof import audit
from tests.proof.live import (
    Client,
    Exchange,
    Gunicorn,
    Ledger,
    app_env,
    build_database,
    most_in_flight,
)
from tests.proof.players import AnswerKey
from tests.services import fresh_pg_schema

pytestmark = pytest.mark.proof

RACERS = 20
WORKERS, THREADS = 2, 8
API = "/api/v1"


@dataclass
class Arena:
    """The served app, the test's own engine on its database, and the answers."""

    kind: str
    server: Gunicorn
    engine: Engine
    key: AnswerKey
    clients: list[Client] = field(default_factory=list)

    def client(self, ledger: Ledger | None = None, token: str = "") -> Client:
        """A client of the server whose connection is already open (a /healthz fetched);
        closed at the end of the test."""
        client = Client(self.server.base, ledger or Ledger())
        self.clients.append(client)
        client.call("GET", "/healthz")
        client.token = token
        return client

    def close_clients(self) -> None:
        """Close every client made so far."""
        while self.clients:
            self.clients.pop().close()

    def player(self, nickname: str) -> Client:
        """A new player's client, its token set."""
        client = self.client()
        created = client.call("POST", f"{API}/players", {"nickname": nickname})
        assert created.status == 201, created.body
        client.token = created.body["token"]
        return client

    def quiz(self, index: int) -> str:
        """The id of the ``index``-th quiz on offer after the day's mix, which changes at
        midnight: each race plays a quiz of its own."""
        quizzes = self.client().call("GET", f"{API}/quizzes").body["quizzes"]
        return [q["id"] for q in quizzes if q["scope"] != "daily"][index]


@pytest.fixture
def arena(served: Arena) -> Iterator[Arena]:
    """The module's served app, its clients closed after each test."""
    yield served
    served.close_clients()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory) -> Iterator[Arena]:
    """gunicorn on a database of each kind, set up by the CLI; stopped after the module."""
    work = tmp_path_factory.mktemp(f"races-{request.param}")
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{work / 'races.sqlite'}"
        else:
            url = stack.enter_context(fresh_pg_schema())
        env = app_env(url)
        build_database(env, work / "build.log")
        engine = make_engine(url)
        stack.callback(engine.dispose)  # before the schema is dropped: exits run last first
        server = stack.enter_context(
            Gunicorn(env, work, name=request.param, workers=WORKERS, threads=THREADS)
        )
        yield Arena(request.param, server, engine, AnswerKey(engine))


def at_once(calls: list[Callable[[], Exchange]]) -> list[Exchange]:
    """Run the calls in threads of their own, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    results: list[Exchange | None] = [None] * len(calls)

    def race(number: int) -> None:
        barrier.wait()
        results[number] = calls[number]()

    threads = [threading.Thread(target=race, args=(n,), daemon=True) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(result is not None for result in results), "a racer never came back"
    return results


def test_twenty_posts_of_one_answer_score_once(arena, figures):
    owner = arena.player(f"Racer {arena.kind}")
    quiz_id = arena.quiz(0)
    started = owner.call("POST", f"{API}/quizzes/{quiz_id}/attempts")
    attempt_id = started.body["attempt_id"]
    rounds = min(5, started.body["question_count"])
    statuses: Counter = Counter()
    peaks, points = [], 0
    for _ in range(rounds):
        question = owner.call("GET", f"{API}/attempts/{attempt_id}/question").body["question"]
        body = {
            "question_id": question["id"],
            "answer": arena.key.answer(quiz_id, question["position"], right=True),
        }
        racers = [arena.client(token=owner.token) for _ in range(RACERS)]
        path = f"{API}/attempts/{attempt_id}/answers"
        results = at_once([lambda c=c, b=body, p=path: c.call("POST", p, b) for c in racers])
        round_statuses = Counter(r.status for r in results)
        statuses.update(round_statuses)
        peaks.append(most_in_flight(results))
        assert round_statuses == Counter({200: 1, 409: RACERS - 1}), round_statuses
        assert all(r.json_error["code"] == "conflict" for r in results if r.status == 409)
        points += next(r.body["points"] for r in results if r.status == 200)

    books = audit.Books.load(arena.engine)
    attempt = books.attempts[attempt_id]
    answered = audit.answers_by_attempt(books)[attempt_id]
    figures.add(
        f"{arena.kind}: {rounds} rounds of {RACERS} identical answers at once (up to "
        f"{max(peaks)} in flight, at least {min(peaks)}): statuses {dict(statuses)}"
    )
    figures.add(
        f"{arena.kind}: stored {len(answered)} answers for {rounds} questions; attempt score "
        f"{attempt.score:,} = the {points:,} points of the {rounds} 200s"
    )
    assert len(answered) == rounds and attempt.position == rounds
    assert attempt.score == points == sum(a.points for a in answered.values())


def test_twenty_takers_of_one_nickname_give_one_owner(arena, figures):
    outcomes: Counter = Counter()
    peaks = []
    names = [f"Twin {arena.kind} {n}" for n in range(3)]
    for name in names:
        # The same name as different players type it: unique ignoring case.
        spellings = [name, name.upper(), name.lower()]
        racers = [arena.client() for _ in range(RACERS)]
        bodies = [{"nickname": spellings[n % len(spellings)]} for n in range(RACERS)]
        results = at_once(
            [
                lambda c=c, b=b: c.call("POST", f"{API}/players", b)
                for c, b in zip(racers, bodies, strict=True)
            ]
        )
        peaks.append(most_in_flight(results))
        counts = Counter(r.status for r in results)
        outcomes.update(counts)
        assert counts == Counter({201: 1, 409: RACERS - 1}), counts
        suggestions = {r.json_error["suggestion"] for r in results if r.status == 409}
        assert all(s.casefold() != name.casefold() for s in suggestions)

    with Session(arena.engine) as session:
        owners = {
            name: session.exec(
                select(func.count())
                .select_from(Player)
                .where(Player.nickname_key == nickname_key(name))
            ).one()
            for name in names
        }
    figures.add(
        f"{arena.kind}: {len(names)} nicknames, each taken by {RACERS} players at once in 3 "
        f"spellings (up to {max(peaks)} in flight): statuses {dict(outcomes)}; owners per "
        f"name {sorted(set(owners.values()))}"
    )
    assert set(owners.values()) == {1}


def test_concurrent_finishes_rank_deterministically(arena, figures):
    quiz_id = arena.quiz(1)
    players = [arena.player(f"Finisher {arena.kind[:2]} {n:02d}") for n in range(RACERS)]

    def up_to_the_last_question(player: Client) -> tuple[int, dict]:
        # Every question but the last skipped, the last one served (its clock running).
        started = player.call("POST", f"{API}/quizzes/{quiz_id}/attempts")
        attempt_id = started.body["attempt_id"]
        for _ in range(started.body["question_count"] - 1):
            question = player.call("GET", f"{API}/attempts/{attempt_id}/question").body
            skip = {"question_id": question["question"]["id"], "answer": ""}
            assert player.call("POST", f"{API}/attempts/{attempt_id}/answers", skip).status == 200
        served = player.call("GET", f"{API}/attempts/{attempt_id}/question").body["question"]
        return attempt_id, served

    # The players get there side by side, which is quicker; only the finish is a race.
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        attempts, last = zip(*pool.map(up_to_the_last_question, players), strict=True)

    def finish(n: int) -> Exchange:
        # Half answer the last question right (a score that depends on the milliseconds),
        # half skip it: ten players tie on 0 and only the tie-break can order them.
        answer = arena.key.answer(quiz_id, last[n]["position"], right=True) if n % 2 else ""
        body = {"question_id": last[n]["id"], "answer": answer}
        return players[n].call("POST", f"{API}/attempts/{attempts[n]}/answers", body)

    results = at_once([lambda n=n: finish(n) for n in range(RACERS)])
    assert [r.status for r in results] == [200] * RACERS

    reader = arena.client()
    boards = [
        reader.call("GET", f"{API}/leaderboard?quiz={quiz_id}&limit=100").body["entries"]
        for _ in range(3)
    ]
    books = audit.Books.load(arena.engine)
    ours = sorted(
        (books.attempts[a] for a in attempts),
        key=lambda a: (-a.score, audit.aware(a.finished_at), a.player_id),
    )
    with Session(arena.engine) as session:
        nicknames = dict(session.exec(select(Player.id, Player.nickname)).all())
    expected = [(rank, nicknames[a.player_id], a.score) for rank, a in enumerate(ours, 1)]
    finishes = [audit.aware(a.finished_at) for a in ours]
    spread_ms = (max(finishes) - min(finishes)).total_seconds() * 1000
    zeros = sum(1 for a in ours if a.score == 0)
    figures.add(
        f"{arena.kind}: {RACERS} players finished at once (up to {most_in_flight(results)} in "
        f"flight; finishes within {spread_ms:.0f} ms, {len(set(finishes))} distinct "
        f"timestamps); {zeros} tie on 0 points"
    )
    shown = [[(e["rank"], e["nickname"], e["score"]) for e in board] for board in boards]
    assert all(board == expected for board in shown), shown[0]
    problems = audit.check_boards(books)
    figures.add(
        f"{arena.kind}: the board, read 3 times, ranks 1-{RACERS} by score, then finish, then "
        f"player id, as recomputed from the attempts; board problems {len(problems)}"
    )
    assert not problems, problems[:5]


def test_twenty_starts_of_one_quiz_give_one_attempt(arena, figures):
    # A player's tabs, a script: the same player starts the same quiz 20 times at once.
    quiz_id = arena.quiz(2)
    owner = arena.player(f"Starter {arena.kind}")
    racers = [arena.client(token=owner.token) for _ in range(RACERS)]

    results = at_once(
        [lambda c=c: c.call("POST", f"{API}/quizzes/{quiz_id}/attempts") for c in racers]
    )

    statuses = Counter(r.status for r in results)
    ids = {r.body["attempt_id"] for r in results if r.status in (200, 201)}
    books = audit.Books.load(arena.engine)
    player_id = owner_id(arena, owner.token)
    theirs = [a for a in books.attempts.values() if a.player_id == player_id]
    problems = audit.check_one_ranked_one_open(books)
    figures.add(
        f"{arena.kind}: {RACERS} starts of one quiz by one player at once (up to "
        f"{most_in_flight(results)} in flight): statuses {dict(statuses)}; attempts stored "
        f"{len(theirs)}, ids answered {sorted(ids)}; ranked {sum(a.ranked for a in theirs)}; "
        f"one-ranked/one-open problems {len(problems)}"
    )
    assert statuses == Counter({201: 1, 200: RACERS - 1}), statuses
    assert len(theirs) == 1 and ids == {theirs[0].id} and theirs[0].ranked
    assert not problems, problems[:5]


def owner_id(arena: Arena, token: str) -> int:
    """The player id behind a token."""
    with Session(arena.engine) as session:
        return session.exec(select(Player.id).where(Player.token_hash == hash_token(token))).one()
