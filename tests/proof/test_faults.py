"""Faults: the database drops the app's connections mid-load, and nothing is lost or garbled.

First the mapping itself, on one app: a database failure under a request is a 503 with
Retry-After (JSON under /api/, the error page elsewhere), never a 500, and the next request
works. Then the proof under load: two gunicorn instances on one PostgreSQL while an operator
keeps ending every connection of the app (pg_terminate_backend, found by the
application_name in its DATABASE_URL). Requests in flight fail cleanly, the app recovers
without a restart, every answer a player was told was stored is stored, and after a failure
the player can see whether its answer counted.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import psycopg
import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from quizapp.api import routes
from quizapp.core.database import create_schema, make_engine
from quizapp.db import get_engine
from quizapp.game import play
from quizapp.models import Player
from tests.proof import audit
from tests.proof.conftest import proof_app
from tests.proof.live import (
    Client,
    Gunicorn,
    Ledger,
    app_env,
    build_database,
    latency_lines,
    machine,
)
from tests.proof.players import AnswerKey, ApiPlayer, run_crowd, steady_quiz
from tests.services import fresh_pg_schema

pytestmark = pytest.mark.proof

UNAVAILABLE = "the database is unavailable, try again"
PAGE_503 = "Try again in a moment"
PLAYERS = 60
BUDGET_S = 120.0
KILL_EVERY_S = 0.3
MIN_KILL_ROUNDS = 5
MAX_KILL_ROUNDS = 40
MIN_FAILED_IN_FLIGHT = 5  # keep killing until this many requests failed under the kills


def dropped_connection() -> OperationalError:
    """What SQLAlchemy raises when the server ends a connection under a statement."""
    return OperationalError(
        "SELECT 1",
        {},
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        connection_invalidated=True,
    )


# --- The mapping, on one app ------------------------------------------------------------------


@pytest.fixture
def outage_app(tmp_path):
    """An app on an empty SQLite database: the failures here are injected."""
    app = proof_app(f"sqlite:///{tmp_path / 'outage.sqlite'}")
    with app.app_context():
        create_schema(get_engine())
    yield app
    get_engine(app).dispose()


def test_a_dropped_connection_is_a_503_then_the_app_goes_on(outage_app, monkeypatch, figures):
    client = outage_app.test_client()

    def drop(*_args, **_kwargs):
        raise dropped_connection()

    with monkeypatch.context() as patched:
        patched.setattr(play, "create_player", drop)
        patched.setattr("quizapp.web.play.list_quizzes", drop)
        api = client.post("/api/v1/players", json={"nickname": "Outage"})
        page = client.get("/")
        as_json = client.get("/", headers={"Accept": "application/json"})

    assert api.status_code == 503 and api.headers["Retry-After"] == "1"
    assert api.json == {"error": {"code": "unavailable", "message": UNAVAILABLE}}
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert PAGE_503 in page.text and page.headers["Retry-After"] == "1"
    assert as_json.status_code == 503 and as_json.json["error"]["code"] == "unavailable"
    # No restart: the very next requests work.
    assert client.post("/api/v1/players", json={"nickname": "Outage"}).status_code == 201
    assert client.get("/").status_code == 200
    figures.add(
        "a dropped connection: API 503 JSON {code: unavailable} with Retry-After 1; page 503 "
        "'Try again in a moment'; the next requests 201 and 200"
    )


def test_bugs_stay_500(outage_app, monkeypatch):
    """Only outages are 503: a constraint violation is a bug, and says so."""
    client = outage_app.test_client()

    def clash(*_args, **_kwargs):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr(play, "create_player", clash)
    response = client.post("/api/v1/players", json={"nickname": "Clash"})

    assert response.status_code == 500 and response.json["error"]["code"] == "internal_error"


def admin_conninfo(url: str) -> str:
    """A libpq connection string to the server of ``url``, with none of its options."""
    return make_url(url).set(drivername="postgresql", query={}).render_as_string(False)


def renamed(url: str, suffix: str) -> str:
    """``url`` with its application_name extended: the test's own connections, not killed."""
    parsed = make_url(url)
    name = parsed.query["application_name"] + suffix
    return parsed.update_query_dict({"application_name": name}).render_as_string(False)


def test_a_connection_killed_in_a_request_is_a_503_on_postgresql(monkeypatch, figures):
    """A real kill: the request's own connection is ended between two of its statements."""
    with fresh_pg_schema() as url:
        app = proof_app(url)
        with app.app_context():
            create_schema(get_engine())
        real_create = play.create_player

        def killed_midway(session, nickname):
            # The request's connection, inside its transaction, is ended by an operator.
            pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with psycopg.connect(admin_conninfo(url), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            return real_create(session, nickname)

        client = app.test_client()
        try:
            monkeypatch.setattr(play, "create_player", killed_midway)
            failed = client.post("/api/v1/players", json={"nickname": "Midway"})
            monkeypatch.setattr(play, "create_player", real_create)
            again = client.post("/api/v1/players", json={"nickname": "Midway"})
            with Session(get_engine(app)) as session:
                stored = session.exec(select(Player.nickname)).all()
        finally:
            get_engine(app).dispose()

    assert failed.status_code == 503 and failed.json["error"]["code"] == "unavailable"
    assert again.status_code == 201 and stored == ["Midway"]
    figures.add(
        "PostgreSQL, the request's connection ended mid-transaction: 503 JSON; the retry 201; "
        "one player stored"
    )


def test_a_connection_killed_after_the_work_does_not_fail_the_request(monkeypatch, figures):
    """Ended between the view's last statement and the session's close: the response stands."""
    with fresh_pg_schema() as url:
        app = proof_app(url)
        with app.app_context():
            create_schema(get_engine())
        real_list = routes.list_quizzes

        def killed_after(session, **kwargs):
            quizzes = real_list(session, **kwargs)
            pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with psycopg.connect(admin_conninfo(url), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            return quizzes

        client = app.test_client()
        try:
            monkeypatch.setattr(routes, "list_quizzes", killed_after)
            listed = client.get("/api/v1/quizzes")
            monkeypatch.setattr(routes, "list_quizzes", real_list)
            again = client.get("/api/v1/quizzes")
        finally:
            get_engine(app).dispose()

    assert listed.status_code == 200 and again.status_code == 200
    figures.add("PostgreSQL, the connection ended after the view's work: 200; the next one 200")


# --- Under load ---------------------------------------------------------------------------------


class Operator:
    """Ends every connection of the app, again and again, while the players play.

    It starts once the load is under way and stops when enough requests have failed under it
    (or after MAX_KILL_ROUNDS, or when the players are done), so that the proof never rests
    on a lucky moment.
    """

    def __init__(self, url: str, ledger: Ledger, players_done: threading.Event) -> None:
        self.conninfo = admin_conninfo(url)
        self.app_name = make_url(url).query["application_name"]
        self.ledger = ledger
        self.players_done = players_done
        self.killed: Counter = Counter()  # by the connection's state when it was ended
        self.rounds = 0
        self.window: tuple[float, float] = (0.0, 0.0)
        self.thread = threading.Thread(target=self.run, daemon=True)

    def failed_in_flight(self) -> int:
        """Requests that failed under the kills so far."""
        return sum(1 for e in list(self.ledger.exchanges) if e.status == 503)

    def run(self) -> None:
        """Wait for the load, then kill until enough failed."""
        while len(self.ledger.exchanges) < 300 and not self.players_done.is_set():
            time.sleep(0.05)
        started = time.perf_counter()
        with psycopg.connect(self.conninfo, autocommit=True) as admin:
            while self.rounds < MAX_KILL_ROUNDS and not self.players_done.is_set():
                if self.rounds >= MIN_KILL_ROUNDS and (
                    self.failed_in_flight() >= MIN_FAILED_IN_FLIGHT
                ):
                    break
                rows = admin.execute(
                    "SELECT state, pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND application_name = %s",
                    (self.app_name,),
                ).fetchall()
                self.killed.update(state or "unknown" for state, ended in rows if ended)
                self.rounds += 1
                time.sleep(KILL_EVERY_S)
        self.window = (started, time.perf_counter())


def page_poller(client: Client, paths: list[str], done: threading.Event) -> None:
    """Fetch the browser's pages round and round until the players are done."""
    try:
        while not done.is_set():
            for path in paths:
                client.call("GET", path)
    finally:
        client.close()


def test_killed_connections_fail_cleanly_and_lose_nothing(tmp_path, figures):
    with fresh_pg_schema() as url:
        env = app_env(url)
        build_database(env, tmp_path / "build.log")
        engine = make_engine(renamed(url, "-test"))
        try:
            with (
                Gunicorn(env, tmp_path, name="a") as first,
                Gunicorn(env, tmp_path, name="b") as second,
            ):
                servers = (first, second)
                workers_before = {s.name: s.worker_pids() for s in servers}
                ledger, pages = Ledger(), Ledger()
                done = threading.Event()
                with Client(first.base, Ledger()) as reader:
                    quiz_id = steady_quiz(reader.call("GET", "/api/v1/quizzes").body["quizzes"])
                pollers = [
                    threading.Thread(
                        target=page_poller,
                        args=(
                            Client(s.base, pages),
                            ["/", "/leaderboards", f"/quizzes/{quiz_id}"],
                            done,
                        ),
                        daemon=True,
                    )
                    for s in servers
                ]
                operator = Operator(url, ledger, done)
                key = AnswerKey(engine)
                players = [
                    ApiPlayer(
                        Client(servers[n % 2].base, ledger),
                        key,
                        nickname=f"Fault {n:03d}",
                        seed=n,
                        patient=True,
                    )
                    for n in range(PLAYERS)
                ]
                for thread in (*pollers, operator.thread):
                    thread.start()
                duration = run_crowd(players, BUDGET_S)
                done.set()
                operator.thread.join(10)
                for thread in pollers:
                    thread.join(10)
                recovery = Ledger()
                for server in servers:
                    client = Client(server.base, recovery)
                    for _ in range(10):
                        client.call("GET", "/api/v1/quizzes")
                        client.call("GET", "/")
                    client.close()
                workers_after = {s.name: s.worker_pids() for s in servers}
                logged = sum((s.logged_errors() for s in servers), start=Counter())
                warnings = sum(
                    s.log.read_text(errors="replace").count("database unavailable for")
                    for s in servers
                )
            books = audit.Books.load(engine)
        finally:
            engine.dispose()

    api, web = ledger.exchanges, pages.exchanges
    start, end = operator.window
    in_window = [e for e in api + web if e.ended >= start and e.started <= end]
    failed_api = [e for e in api if e.status == 503]
    failed_pages = [e for e in web if e.status == 503]
    figures.add(f"machine: {machine()}")
    figures.add(
        f"2 gunicorn instances x 2 workers on one PostgreSQL; {PLAYERS} API players (patient: "
        f"on a 503 they look, then retry) and 2 clients fetching pages, for {duration:.1f} s"
    )
    figures.add(
        f"operator: {operator.rounds} rounds of pg_terminate_backend every {KILL_EVERY_S} s "
        f"over {end - start:.1f} s ended {sum(operator.killed.values())} connections of the "
        f"app (by state: {dict(operator.killed)})"
    )
    figures.add(
        f"requests: {len(api):,} API and {len(web):,} pages, {len(in_window):,} of them during "
        f"the kills; statuses API {dict(sorted(ledger.statuses().items(), key=str))}, pages "
        f"{dict(sorted(pages.statuses().items(), key=str))}"
    )
    for line in latency_lines(api):
        figures.add(line)

    assert operator.rounds >= MIN_KILL_ROUNDS
    assert len(failed_api) + len(failed_pages) >= MIN_FAILED_IN_FLIGHT, "too few hit in flight"
    failed_players = [f"{p.nickname}: {p.error}" for p in players if p.error]
    assert not failed_players, failed_players[:3]
    assert all(p.summary is not None for p in players), "players still playing at the deadline"
    # Clean failures only: no response missing, no 500, every 503 in our shape.
    assert set(ledger.statuses()) <= {200, 201, 409, 503}, ledger.statuses()
    assert set(pages.statuses()) <= {200, 503}, pages.statuses()
    unavailable = {"code": "unavailable", "message": UNAVAILABLE}
    assert all(e.json_error == unavailable for e in failed_api)
    assert all(PAGE_503 in e.body for e in failed_pages)
    conflicts = [e for e in api if e.status == 409]
    assert len(conflicts) == sum(p.lost_tokens for p in players)

    sent = [record for player in players for record in player.sent]
    told, outcomes = audit.check_answers_as_told(books, sent)
    scores, boards = audit.check_scores(books), audit.check_boards(books)
    for outcome, count in sorted(outcomes.items()):
        figures.add(f"answers {outcome}: {count:,}")
    figures.add(
        f"players: {sum(p.unavailable for p in players):,} 503s ridden out, "
        f"{sum(p.lost_tokens for p in players)} players created whose token the 503 lost "
        f"(they took the suggested name); every player finished its quiz"
    )
    figures.add(
        f"database: problems with answers as told {len(told)}, scores {len(scores)}, boards "
        f"{len(boards)} ({len(books.attempts)} attempts, {len(books.entries)} board entries)"
    )
    assert not told, told[:5]
    assert not scores, scores[:5]
    assert not boards, boards[:5]
    for player in players:
        assert player.summary["score"] == books.attempts[player.attempt_id].score

    figures.add(
        f"recovery: after the kills {recovery.statuses()[200]} of {len(recovery.exchanges)} "
        f"requests 200; worker pids unchanged: {workers_before == workers_after}"
    )
    figures.add(
        f"gunicorn logs: {warnings} 'database unavailable' warnings; errors "
        f"{dict(logged) or 'none'}"
    )
    assert recovery.statuses() == Counter({200: len(recovery.exchanges)})
    assert workers_before == workers_after, "a worker was restarted"
    assert not logged
