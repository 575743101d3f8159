"""What operators expect of the service: /readyz, a log line per request, /metrics.

The metrics live in this process (no PROMETHEUS_MULTIPROC_DIR) and every test's app adds to
the same counters, so the tests compare counts before and after. The last test runs gunicorn
with two workers and shows that /metrics sums them.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from pathlib import Path

import httpx
import pytest
from flask import Flask
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from quizapp.db import get_engine
from quizapp.web.monitoring import REQUEST_LOGGER
from tests.conftest import create_tables, make_test_app
from tests.test_api import (
    API,
    get_question,
    make_player,
    post_answer,
    quiz_item,
    right_answer,
    start_attempt,
    wrong_answer,
)
from tests.test_play_web import QUIZ, Browser, quiz_items
from tests.test_play_web import right_answer as right_choice
from tests.test_play_web import wrong_answer as wrong_choice
from tests.test_security import (
    GUNICORN_BOOT_S,
    assert_security_headers,
    free_port,
    run_gunicorn,
    stop,
)

TOKEN = "metrics-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def sample(name: str, **labels: str) -> float:
    """A metric's value in this process now (0 before its first count)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def game_counts() -> dict[str, float]:
    """The game's counters, to compare before and after."""
    return {
        "players": sample("quizapp_players_created_total"),
        "started": sample("quizapp_attempts_started_total"),
        "finished": sample("quizapp_attempts_finished_total"),
        "correct": sample("quizapp_answers_total", result="correct"),
        "wrong": sample("quizapp_answers_total", result="wrong"),
    }


def changes(before: dict[str, float]) -> dict[str, float]:
    return {
        key: value - before[key] for key, value in game_counts().items() if value != before[key]
    }


def metric_samples(text: str) -> dict[tuple[str, frozenset], float]:
    """The samples of an exposition, by name and labels."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


@pytest.fixture
def make_app(database_url: str):
    """Make apps on this test's database (its tables made) with config of the test's own;
    their connections are closed afterwards."""
    create_tables(database_url)
    apps = []

    def make(**config) -> Flask:
        apps.append(make_test_app(database_url, **config))
        return apps[-1]

    yield make
    for app in apps:
        get_engine(app).dispose()


@pytest.fixture
def request_log(caplog):
    """The request log's records (caplog), whatever pytest does with loggers that do not
    pass records up to the root logger."""
    logger = logging.getLogger(REQUEST_LOGGER)
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    yield caplog
    logger.removeHandler(caplog.handler)


# --- /readyz ------------------------------------------------------------------------------------


def test_readyz_answers_when_the_database_does(app, client):
    response = client.get("/readyz")

    assert response.status_code == 200 and response.get_json() == {"ok": True}
    assert_security_headers(response)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/no-such-folder/quizapp.sqlite",
        # Port 1 on this machine: nothing listens, the connection is refused at once.
        "postgresql+psycopg://quizapp:secret-pw@127.0.0.1:1/quizapp?connect_timeout=3",
    ],
    ids=["sqlite-missing-folder", "postgresql-refused"],
)
def test_readyz_says_503_with_a_reason_when_the_database_is_unreachable(tmp_path, url, caplog):
    app = make_test_app(url.format(tmp=tmp_path))

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.get_json() == {
        "ok": False,
        "reason": "the database did not answer (OperationalError)",
    }
    assert "Traceback" not in response.get_data(as_text=True)
    assert "secret-pw" not in response.get_data(as_text=True)
    assert_security_headers(response)
    assert any("readiness check failed" in r.getMessage() for r in caplog.records)


def test_healthz_stays_up_when_the_database_is_unreachable(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/no-such-folder/quizapp.sqlite")

    assert app.test_client().get("/healthz").status_code == 200


# --- Request ids and the request log ------------------------------------------------------------


def test_every_request_gets_an_id_and_one_log_line(app, client, request_log):
    response = client.get("/healthz?probe=1")

    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [record] = [r for r in request_log.records if r.name == REQUEST_LOGGER]
    assert record.levelno == logging.INFO
    assert record.request == {
        "request_id": request_id,
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "duration_ms": record.request["duration_ms"],
    }
    assert isinstance(record.request["duration_ms"], float) and record.request["duration_ms"] >= 0
    assert record.getMessage() == (
        f"request_id={request_id} method=GET path=/healthz status=200 "
        f"duration_ms={record.request['duration_ms']}"
    )


def test_two_requests_get_two_ids(app, client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]

    assert first != second


@pytest.mark.parametrize(
    "given", ["3f2a9c1e-7b4d-4e0a-9c55-2b1f0e6d8a77", "Root=1-5759e988-bd862e3fe1be46a994272793"]
)
def test_a_sane_client_request_id_is_kept(app, client, request_log, given):
    response = client.get("/healthz", headers={"X-Request-ID": given})

    assert response.headers["X-Request-ID"] == given
    assert request_log.records[-1].request["request_id"] == given


@pytest.mark.parametrize(
    "given", ["", "has space", "x" * 129, 'quote"d', "new\\nline", "ünïcode"], ids=repr
)
def test_an_insane_client_request_id_is_replaced(app, client, given):
    response = client.get("/healthz", headers={"X-Request-ID": given})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_refused_and_failed_requests_are_logged_too(app, client, request_log):
    client.get("/no-such-page")
    client.post("/healthz")

    lines = [(r.request["path"], r.request["status"]) for r in request_log.records]
    assert lines == [("/no-such-page", 404), ("/healthz", 405)]


def test_a_server_error_is_logged_with_its_request_id(make_app, request_log):
    app = make_app(TESTING=False, SECRET_KEY="a-real-secret-key-0123456789")

    def fail():
        raise RuntimeError("a bug")

    app.add_url_rule("/_fail", "fail", fail)
    app.logger.disabled = True  # Flask logs the traceback itself; not this test's concern
    try:
        response = app.test_client().get("/_fail")
    finally:
        app.logger.disabled = False

    assert response.status_code == 500
    [record] = [r for r in request_log.records if r.name == REQUEST_LOGGER]
    assert record.request["status"] == 500
    assert record.request["request_id"] == response.headers["X-Request-ID"]
    assert_security_headers(response)


def test_a_path_cannot_forge_a_log_line(app, client, request_log):
    client.get('/x%0Arequest_id=forged status=200 "')

    [record] = request_log.records
    message = record.getMessage()
    assert "\n" not in message
    assert 'path="/x\\nrequest_id=forged status=200 \\"" status=400' in message


def test_json_lines_when_configured(make_app, capsys):
    client = make_app(LOG_FORMAT="json").test_client()

    response = client.get("/readyz", headers={"X-Request-ID": "abc-123"})

    [line] = [x for x in capsys.readouterr().err.splitlines() if "quizapp.requests" in x]
    entry = json.loads(line)
    assert entry["request_id"] == "abc-123" == response.headers["X-Request-ID"]
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/readyz", 200)
    assert entry["level"] == "INFO" and entry["logger"] == "quizapp.requests"
    assert isinstance(entry["duration_ms"], float) and entry["time"].endswith("+00:00")


def test_text_lines_by_default(app, client, capsys):
    client.get("/healthz", headers={"X-Request-ID": "abc-456"})

    [line] = [x for x in capsys.readouterr().err.splitlines() if "quizapp.requests" in x]
    assert re.fullmatch(
        r"\S+ \S+ INFO quizapp\.requests request_id=abc-456 method=GET path=/healthz "
        r"status=200 duration_ms=\d+\.\d",
        line,
    )


# --- /metrics: who may read it ------------------------------------------------------------------


def test_metrics_are_not_served_without_a_token_setting(app, client):
    response = client.get("/metrics", headers=BEARER)

    assert response.status_code == 404
    assert "quizapp_http_requests_total" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ],
    ids=["none", "wrong", "longer", "basic", "no-scheme"],
)
def test_metrics_need_the_token(make_app, headers):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()

    response = client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert "quizapp_http_requests_total" not in response.get_data(as_text=True)
    assert_security_headers(response)


def test_metrics_with_the_token(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()

    response = client.get("/metrics", headers=BEARER)

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert_security_headers(response)
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "quizapp_http_requests",
        "quizapp_http_request_duration_seconds",
        "quizapp_answers",
        "quizapp_attempts_started",
        "quizapp_attempts_finished",
        "quizapp_players_created",
    } <= names


# --- /metrics: what it counts -------------------------------------------------------------------


def test_requests_are_counted_and_timed_by_endpoint_never_by_path(bundled_app):
    client = bundled_app.test_client()
    quiz_ids = [q["id"] for q in client.get(f"{API}/quizzes").json["quizzes"]][:3]
    before = sample("quizapp_http_requests_total", endpoint="play.quiz", method="GET", status="200")
    timed = sample(
        "quizapp_http_request_duration_seconds_count", endpoint="play.quiz", method="GET"
    )
    missing = sample(
        "quizapp_http_requests_total", endpoint="unmatched", method="GET", status="404"
    )

    for quiz_id in quiz_ids:
        assert client.get(f"/quizzes/{quiz_id}").status_code == 200
    client.get("/no/such/path/42")
    client.open("/healthz", method="BREW")

    assert sample(
        "quizapp_http_requests_total", endpoint="play.quiz", method="GET", status="200"
    ) == before + len(quiz_ids)
    assert sample(
        "quizapp_http_request_duration_seconds_count", endpoint="play.quiz", method="GET"
    ) == timed + len(quiz_ids)
    assert (
        sample("quizapp_http_requests_total", endpoint="unmatched", method="GET", status="404")
        == missing + 1
    )
    assert sample("quizapp_http_requests_total", endpoint="unmatched", method="other", status="405")
    bundled_app.config["METRICS_TOKEN"] = TOKEN
    exposition = client.get("/metrics", headers=BEARER).text
    assert not any(quiz_id in exposition for quiz_id in quiz_ids)
    assert "/no/such/path" not in exposition and "BREW" not in exposition


def test_a_game_through_the_api_is_counted(bundled_app, faker):
    client = bundled_app.test_client()
    quiz_id = client.get(f"{API}/quizzes").json["quizzes"][0]["id"]
    before = game_counts()

    player = make_player(client, faker)
    attempt_id = start_attempt(client, player, quiz_id)
    right = wrong = 0
    while (question := get_question(client, player, attempt_id)["question"]) is not None:
        item = quiz_item(bundled_app, quiz_id, question["position"])
        answer = right_answer(item) if question["position"] % 2 == 0 else wrong_answer(item)
        response = post_answer(client, player, attempt_id, question["id"], answer)
        assert response.status_code == 200
        right, wrong = right + response.json["correct"], wrong + (not response.json["correct"])
    refused = post_answer(client, player, attempt_id, question_id="q-any", answer="x")

    assert refused.status_code == 409
    assert right and wrong
    assert changes(before) == {
        "players": 1,
        "started": 1,
        "finished": 1,
        "correct": right,
        "wrong": wrong,
    }


def test_a_game_through_the_pages_is_counted_once_per_answer(
    client, app, session, playable_bank_path
):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["load-bank", str(playable_bank_path)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0
    browser = Browser(client, quiz_items(session))
    before = game_counts()

    assert browser.pick_nickname("Metric Mia").status_code == 302
    attempt_id = browser.start(QUIZ)
    page, item = browser.question(attempt_id)
    assert browser.answer(attempt_id, item, wrong_choice(item)).status_code == 200
    # The same answer sent again (a double click) shows its feedback and is counted nowhere.
    again = browser.send_answer(attempt_id, item, wrong_choice(item))
    assert again.status_code == 303 and again.headers["Location"].endswith("/questions/1")
    turns = browser.play_through(attempt_id, choose=right_choice)

    assert changes(before) == {
        "players": 1,
        "started": 1,
        "finished": 1,
        "correct": len(turns),
        "wrong": 1,
    }


# --- Under gunicorn: the workers' counts are summed ---------------------------------------------


def wait_for(port: int, process) -> None:
    deadline = time.monotonic() + GUNICORN_BOOT_S
    while True:
        assert process.poll() is None, stop(process)
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "gunicorn did not answer in time"
            time.sleep(0.2)


def test_gunicorn_sums_the_metrics_of_its_workers(tmp_path: Path):
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left over from an earlier run")
    process = run_gunicorn(
        tmp_path,
        port,
        WEB_CONCURRENCY="2",
        QUIZAPP_SECRET_KEY="gunicorn-test-key",
        QUIZAPP_METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    base = f"http://127.0.0.1:{port}"
    healthz = frozenset({"endpoint": "health.healthz", "method": "GET", "status": "200"}.items())
    try:
        wait_for(port, process)
        before = httpx.get(f"{base}/metrics", headers=BEARER, timeout=5)
        # A sync worker serves one request at a time: hold one busy with a request whose
        # headers have not ended, and every other request goes to the other worker. The
        # kernel hands out connections in order, so the first worker to accept takes this one.
        held = socket.create_connection(("127.0.0.1", port))
        held.sendall(b"GET /healthz HTTP/1.1\r\nHost: quizapp\r\n")
        time.sleep(0.5)
        for _ in range(5):
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        held.sendall(b"\r\n")  # now the held worker answers it
        assert held.recv(64).startswith(b"HTTP/1.1 200")
        held.close()
        response = httpx.get(f"{base}/metrics", headers=BEARER, timeout=5)
        refused = httpx.get(f"{base}/metrics", timeout=5)
    finally:
        output = stop(process)

    assert before.status_code == response.status_code == 200, output
    assert refused.status_code == 401
    counted = metric_samples(before.text)[("quizapp_http_requests_total", healthz)]
    # Five served by one worker, one by the other: the sum has six more than before, which
    # neither worker's own count can show (each had at most the count before, plus 5 or 1).
    assert metric_samples(response.text)[("quizapp_http_requests_total", healthz)] == counted + 6
    worker_files = sorted(p.name for p in metrics_dir.glob("counter_*.db"))
    assert len(worker_files) == 2 and "counter_1.db" not in worker_files, worker_files
    assert "request_id=" in output and "path=/metrics status=200" in output
