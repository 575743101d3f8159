"""Proof: a hung Redis neither stalls the game nor costs a player points.

A stopped Redis (SIGSTOP: its port still accepts connections, no command is ever answered)
used to hold every rate-limited request for 5-20 s (redis-py retried with back-off), and an
answer given at once scored about 500 instead of 1,000 because it was timed after the
limiter. This proof starts a redis-server of its own on a free 127.0.0.1 port, plays against
it, stops it, and shows that:

- every limited request still returns within MAX_REQUEST_S (the limiter falls back to
  counting in memory after quizapp.limits.STORAGE_TIMEOUT_S);
- an answer given at once is timed from its arrival, not from when the limiter let it by:
  it scores the full 1,000 base points, with the elapsed time the player really took;
- once Redis runs again (SIGCONT), the limits count in Redis again and refuse with a 429.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.limits import STORAGE_TIMEOUT_S
from quizapp.models import AttemptAnswer
from tests.factories import make_mixed_quiz
from tests.proof.conftest import Figures, engine_name, proof_app
from tests.proof.players import AnswerKey

pytestmark = pytest.mark.proof

API = "/api/v1"
MAX_REQUEST_S = 1.0  # what a limited request may take while Redis hangs
RECOVERY_S = 60.0  # Flask-Limiter re-checks a dead store 1, 2, 4 ... 32 s apart
ANSWERS_WHILE_STOPPED = 6


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def redis_server(tmp_path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A redis-server of this test only, on a free local port, and its URL; killed after."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server (apt: redis-server)")
    port = _free_port()
    # The suite is also run under faketime (LD_PRELOAD): redis-server's allocator then
    # recurses into the faked clock and the server exits at once, so it runs on real time.
    environment = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    log = tmp_path / "redis.log"
    output = log.open("wb")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError as refused:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"redis-server did not start (exit {server.poll()}): {log.read_text()}"
                    ) from refused
                time.sleep(0.05)
        yield server, url
    finally:
        client.close()
        os.kill(server.pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
        server.terminate()
        server.wait(timeout=10)
        output.close()


def _answer_counts(store: redis.Redis) -> int:
    """How many answers Redis has counted, over every answer-limit key."""
    return sum(int(store.get(key) or 0) for key in store.scan_iter("LIMITS*answer*"))


class Player:
    """One API player of the proof's app, timing every request it makes."""

    def __init__(self, client: FlaskClient, key: AnswerKey, quiz_id: str) -> None:
        self.client, self.key, self.quiz_id = client, key, quiz_id
        made = client.post(f"{API}/players", json={"nickname": "Hung Redis"})
        assert made.status_code == 201, made.get_json()
        self.headers = {"Authorization": f"Bearer {made.get_json()['token']}"}
        started = client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=self.headers)
        assert started.status_code == 201, started.get_json()
        self.attempt = started.get_json()["attempt_id"]

    def answer_at_once(self) -> tuple[int, dict, float]:
        """Fetch the current question and answer it right at once: status, body, seconds the
        answer's request took."""
        served = self.client.get(f"{API}/attempts/{self.attempt}/question", headers=self.headers)
        question = served.get_json()["question"]
        answer = self.key.answer(self.quiz_id, question["position"], right=True)
        began = time.perf_counter()
        response = self.client.post(
            f"{API}/attempts/{self.attempt}/answers",
            headers=self.headers,
            json={"question_id": question["id"], "answer": answer},
        )
        return response.status_code, response.get_json(), time.perf_counter() - began

    def poke(self) -> tuple[int, float]:
        """A limited request that changes nothing (not the current question: 409)."""
        began = time.perf_counter()
        response = self.client.post(
            f"{API}/attempts/{self.attempt}/answers",
            headers=self.headers,
            json={"question_id": "not-this-one", "answer": "x"},
        )
        return response.status_code, time.perf_counter() - began


def test_a_hung_redis_fails_open_fast_and_costs_no_points(
    redis_server, bundled_database_url: str, figures: Figures
):
    server, url = redis_server
    app: Flask = proof_app(
        bundled_database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=url,
        ANSWER_RATE_LIMIT="1000 per minute",
    )
    engine = get_engine(app)
    with Session(engine) as session:
        quiz_id = make_mixed_quiz(session, title="Hung Redis quiz")
    store = redis.Redis.from_url(url, socket_timeout=5)
    player = Player(app.test_client(), AnswerKey(engine), quiz_id)
    figures.add(f"engine {engine_name(bundled_database_url)}, Redis at {url}")

    status, body, took = player.answer_at_once()
    assert status == 200 and body["correct"], body
    counted = _answer_counts(store)
    assert counted >= 1  # Redis does the counting while it runs
    figures.add(f"Redis running: answer 1 took {took * 1000:.1f} ms, Redis counted {counted}")

    os.kill(server.pid, signal.SIGSTOP)
    try:
        answers = [player.answer_at_once() for _ in range(ANSWERS_WHILE_STOPPED)]
        pokes = [player.poke() for _ in range(20)]
    finally:
        os.kill(server.pid, signal.SIGCONT)

    with Session(engine) as session:
        elapsed_ms = session.exec(
            select(AttemptAnswer.elapsed_ms)
            .where(AttemptAnswer.attempt_id == player.attempt)
            .order_by(AttemptAnswer.position)
        ).all()[1 : 1 + ANSWERS_WHILE_STOPPED]
    slowest = max(took for _, _, took in answers)
    slowest_poke = max(took for _, took in pokes)
    figures.add(
        f"Redis stopped: {len(answers)} answers, each took "
        + ", ".join(f"{took * 1000:.0f}" for _, _, took in answers)
        + f" ms; scored {', '.join(str(body['points']) for _, body, _ in answers)}"
        + f"; timed at {', '.join(str(ms) for ms in elapsed_ms)} ms after the serve"
    )
    figures.add(
        f"Redis stopped: {len(pokes)} more limited requests, slowest {slowest_poke * 1000:.0f} ms"
        f" (statuses {sorted({status for status, _ in pokes})})"
    )
    assert all(status == 200 and body["correct"] for status, body, _ in answers), answers
    assert slowest < MAX_REQUEST_S and slowest_poke < MAX_REQUEST_S
    # The first request after the stop waited for the store's timeout, and its answer was still
    # timed from its arrival: the player is not charged for the server's wait.
    assert answers[0][2] >= STORAGE_TIMEOUT_S
    assert elapsed_ms[0] < answers[0][2] * 1000 - STORAGE_TIMEOUT_S * 1000 / 2
    assert all(body["points"] >= 1000 for _, body, _ in answers)  # the full base, and a streak

    # Back to Redis: Flask-Limiter checks the store again after its back-off.
    time.sleep(0.2)  # Redis works through what it was sent while stopped
    before, began = _answer_counts(store), time.monotonic()
    while _answer_counts(store) <= before:
        assert time.monotonic() - began < RECOVERY_S, "the limiter never went back to Redis"
        status, took = player.poke()
        assert status == 409 and took < MAX_REQUEST_S
        time.sleep(0.1)
    figures.add(f"Redis continued: counting there again after {time.monotonic() - began:.1f} s")

    app.config["ANSWER_RATE_LIMIT"] = "3 per hour"
    statuses = [player.poke()[0] for _ in range(4)]
    in_redis = [int(store.get(k) or 0) for k in store.scan_iter("LIMITS*answer*3/1/hour*")]
    figures.add(f"limit 3 per hour: statuses {statuses}, Redis holds the count {in_redis}")
    assert statuses == [409, 409, 409, 429]
    assert in_redis and max(in_redis) >= 3
    store.close()
    engine.dispose()
