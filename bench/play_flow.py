"""Benchmark: the JSON API's play flow and its answer endpoint under gunicorn, as a share of
Flask's hello world served the same way, side by side in one run.

The script prepares fresh databases (``quizapp load-bank`` and ``quizapp generate`` on the
bundled bank): a SQLite file in a temporary folder and, unless ``--no-postgres``, a schema of
its own on PostgreSQL (``--postgres-url``, dropped at the end). It starts gunicorn with 2 sync
workers on 127.0.0.1 for each of them and for bench/hello_app.py, and then runs, one after
the other, with ``--players`` client threads (default 16, each with its own httpx client) for
``--seconds`` each (default 15):

1. hello: ``GET /`` of Flask's hello world (the yardstick; run first and last, averaged);
2. the play flow on SQLite: each player creates itself, lists the quizzes, starts an attempt
   on a random quiz, gets each question and answers it (a random choice, or a typed guess)
   until the attempt is finished, then starts another attempt;
3. the answer endpoint alone on SQLite: attempts prepared beforehand (their players and
   attempts made through the API, every question served in the database at once), so that
   every request of the phase is ``POST /api/v1/attempts/{id}/answers``;
4. the play flow on PostgreSQL.

For each phase it prints, per endpoint, the count, requests/s, p50 and p99 latency as the
client saw it, the non-2xx responses, and the p50/p99 time the workers spent (gunicorn's access
log, ``%(D)s``); and the CPU seconds used by the client, by gunicorn and by any other process
(from /proc), so a busy machine shows. Then the shares of hello and a PASS/MISS verdict for
each target of docs/benchmarks.md, and the errors gunicorn logged. gunicorn is always stopped
at the end. It always exits 0: it is a benchmark, not a test.

    .venv/bin/python bench/play_flow.py [--players 16] [--seconds 15] [--no-postgres]
                                        [--postgres-url URL] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from machine_info import (  # bench/ is on sys.path when a script runs
    busy_warning,
    hardware,
    load_average,
    runtime,
    source_digest,
    verdict,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin: quizapp and gunicorn live beside python
WORKERS = 2
# The targets of issue 13, as shares of hello's requests/s (docs/benchmarks.md).
TARGET_FLOW_SHARE = 0.35
TARGET_ANSWER_SHARE = 0.30
TARGET_PG_FLOW_SHARE = 0.25
TARGET_P99_MS = 60.0
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HELLO = "GET /"
ANSWER = "POST /api/v1/attempts/{id}/answers"
REQUEST_TIMEOUT = 10.0
# Typed guesses: mostly wrong, which is what a benchmark player would type.
GUESSES = ("Lady Gaga", "Beyonce", "Kanye West", "Madison Square Garden", "2010", "no idea")
# The access log line: method, path, status, microseconds spent by the worker.
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
ROUTES = (
    (re.compile(r"^/api/v1/players$"), "/api/v1/players"),
    (re.compile(r"^/api/v1/quizzes$"), "/api/v1/quizzes"),
    (re.compile(r"^/api/v1/quizzes/[^/]+/attempts$"), "/api/v1/quizzes/{id}/attempts"),
    (re.compile(r"^/api/v1/attempts/\d+/question$"), "/api/v1/attempts/{id}/question"),
    (re.compile(r"^/api/v1/attempts/\d+/answers$"), "/api/v1/attempts/{id}/answers"),
)


# --- Recording ----------------------------------------------------------------------------------


@dataclass
class Stats:
    """What the clients saw, per endpoint: latencies of every request and statuses."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, seconds: float, status: int | None, failure: str = "") -> None:
        """Record one request; ``status`` None means no response (``failure`` says why)."""
        with self.lock:
            self.latencies[endpoint].append(seconds * 1000)
            if status is None:
                self.failures[endpoint][failure] += 1
            else:
                self.statuses[endpoint][status] += 1


class Player:
    """One simulated player: a thread with its own HTTP client, playing until the deadline."""

    def __init__(self, base: str, number: int, run: str, stats: Stats, deadline: float) -> None:
        self.client = httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT)
        self.number = number
        self.run = run
        self.stats = stats
        self.deadline = deadline
        self.rng = random.Random(number)
        self.token = ""
        self.attempts_finished = 0

    def call(self, endpoint: str, method: str, url: str, body: Any = None) -> httpx.Response | None:
        """One request, timed and recorded under ``endpoint``; None if there was no response."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        t0 = time.perf_counter()
        try:
            response = self.client.request(method, url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            self.stats.add(endpoint, time.perf_counter() - t0, None, type(exc).__name__)
            return None
        self.stats.add(endpoint, time.perf_counter() - t0, response.status_code)
        return response

    def over(self) -> bool:
        return time.perf_counter() >= self.deadline

    def play(self) -> None:
        """Create the player, then play attempt after attempt until the deadline."""
        try:
            self._play()
        finally:
            self.client.close()

    def _play(self) -> None:
        tries = 0
        while not self.token:
            if self.over():
                return
            tries += 1
            nickname = f"b{self.run}-{self.number}-{tries}"
            response = self.call(
                "POST /api/v1/players", "POST", "/api/v1/players", {"nickname": nickname}
            )
            if response is not None and response.status_code == 201:
                self.token = response.json()["token"]
        quizzes: list[str] = []
        while not quizzes:
            if self.over():
                return
            response = self.call("GET /api/v1/quizzes", "GET", "/api/v1/quizzes")
            if response is not None and response.status_code == 200:
                quizzes = [q["id"] for q in response.json()["quizzes"]]
                if not quizzes:
                    raise SystemExit("the app has no quizzes")
        while not self.over():
            quiz_id = self.rng.choice(quizzes)
            response = self.call(
                "POST /api/v1/quizzes/{id}/attempts", "POST", f"/api/v1/quizzes/{quiz_id}/attempts"
            )
            if response is None or response.status_code != 201:
                continue
            self._attempt(response.json()["attempt_id"])

    def _attempt(self, attempt_id: int) -> None:
        while not self.over():
            response = self.call(
                "GET /api/v1/attempts/{id}/question",
                "GET",
                f"/api/v1/attempts/{attempt_id}/question",
            )
            if response is None or response.status_code != 200:
                continue
            question = response.json().get("question")
            if question is None:
                self.attempts_finished += 1
                return
            if self.over():
                return
            if question.get("choices"):
                answer = self.rng.choice(question["choices"])
            else:
                answer = self.rng.choice(GUESSES)
            self.call(
                ANSWER,
                "POST",
                f"/api/v1/attempts/{attempt_id}/answers",
                {"question_id": question["id"], "answer": answer},
            )


def run_players(base: str, players: int, seconds: float, run: str) -> tuple[Stats, float, int]:
    """The play flow with ``players`` threads; returns the stats, the duration, attempts done."""
    stats = Stats()
    t0 = time.perf_counter()
    crowd = [Player(base, n, run, stats, t0 + seconds) for n in range(players)]
    threads = [threading.Thread(target=p.play, daemon=True) for p in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT * 3)
    return stats, time.perf_counter() - t0, sum(p.attempts_finished for p in crowd)


def run_ceiling(base: str, path: str, players: int, seconds: float) -> tuple[Stats, float]:
    """``players`` threads fetching ``path`` for ``seconds``; returns the stats and duration."""
    stats = Stats()
    endpoint = f"GET {path}"
    t0 = time.perf_counter()
    deadline = t0 + seconds

    def hammer() -> None:
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = client.get(path)
                except httpx.HTTPError as exc:
                    stats.add(endpoint, time.perf_counter() - started, None, type(exc).__name__)
                    continue
                stats.add(endpoint, time.perf_counter() - started, response.status_code)

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(players)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT * 3)
    return stats, time.perf_counter() - t0


@dataclass
class Prepared:
    """An attempt made for the answer-alone phase: its player's token, and what to answer to
    each of its questions in turn."""

    token: str
    attempt_id: int
    answers: list[tuple[str, str]]  # (question_id, answer), by position


def prepare_attempts(base: str, players: int, count: int, quiz: dict) -> list[tuple[str, int]]:
    """``count`` attempts at ``quiz``, each by a new player, made through the API by
    ``players`` threads: their tokens and attempt ids."""
    made: list[tuple[str, int]] = []
    lock = threading.Lock()
    numbers = iter(range(count))

    def make() -> None:
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                player = client.post("/api/v1/players", json={"nickname": f"alone-{number}"})
                token = player.json()["token"]
                attempt = client.post(
                    f"/api/v1/quizzes/{quiz['id']}/attempts",
                    headers={"Authorization": f"Bearer {token}"},
                )
                with lock:
                    made.append((token, attempt.json()["attempt_id"]))

    threads = [threading.Thread(target=make, daemon=True) for _ in range(players)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return made


def serve_every_question(database_url: str, quiz_id: str, made: list[tuple[str, int]]):
    """Serve every question of the attempts at once, in the database (the app's own models),
    so that each can be answered in turn without a GET between: the prepared attempts."""
    from sqlmodel import Session, select

    from quizapp.core.database import make_engine
    from quizapp.models import AttemptAnswer, QuizItem, utcnow

    rng = random.Random(2026)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            items = session.exec(
                select(QuizItem).where(QuizItem.quiz_id == quiz_id).order_by(QuizItem.position)
            ).all()
            now = utcnow()
            for _, attempt_id in made:
                for item in items:
                    session.add(
                        AttemptAnswer(
                            attempt_id=attempt_id,
                            position=item.position,
                            question_id=item.question_id,
                            served_at=now,
                        )
                    )
            session.commit()
            answers = [
                (
                    item.question_id,
                    rng.choice(item.choices) if item.choices else rng.choice(GUESSES),
                )
                for item in items
            ]
    finally:
        engine.dispose()
    return [Prepared(token, attempt_id, answers) for token, attempt_id in made]


def run_answers(
    base: str, prepared: list[Prepared], players: int, seconds: float
) -> tuple[Stats, float, int]:
    """``players`` threads answering the prepared attempts' questions, one after the other,
    for ``seconds``; returns the stats, the duration and how many threads ran out of them."""
    stats = Stats()
    shares = [prepared[n::players] for n in range(players)]
    ran_out = 0
    lock = threading.Lock()
    t0 = time.perf_counter()
    deadline = t0 + seconds

    def answer(mine: list[Prepared]) -> None:
        nonlocal ran_out
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
            for attempt in mine:
                headers = {"Authorization": f"Bearer {attempt.token}"}
                url = f"/api/v1/attempts/{attempt.attempt_id}/answers"
                for question_id, given in attempt.answers:
                    if time.perf_counter() >= deadline:
                        return
                    started = time.perf_counter()
                    try:
                        response = client.post(
                            url, json={"question_id": question_id, "answer": given}, headers=headers
                        )
                    except httpx.HTTPError as exc:
                        stats.add(ANSWER, time.perf_counter() - started, None, type(exc).__name__)
                        continue
                    stats.add(ANSWER, time.perf_counter() - started, response.status_code)
        with lock:
            ran_out += 1

    threads = [threading.Thread(target=answer, args=(m,), daemon=True) for m in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT * 3)
    return stats, time.perf_counter() - t0, ran_out


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL on a new, empty schema of PostgreSQL at ``url``, dropped afterwards."""
    import psycopg
    from sqlalchemy import make_url

    base = make_url(url)
    schema = f"bench_{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield base.update_query_dict(
            {"options": f"-csearch_path={schema}", "application_name": schema}
        ).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s AND pid <> pg_backend_pid()",
                (schema,),
            )
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# --- CPU accounting ---------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used so far: by the whole machine, this (client) process, and gunicorn."""

    machine: float
    client: float
    server: float

    @classmethod
    def now(cls, master: int) -> Cpu:
        """A reading; ``master`` is gunicorn's master pid (its workers are its children)."""
        try:
            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]
            user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields)
            machine = (user + nice + system + irq + softirq) / TICK
        except (OSError, ValueError):
            machine = float("nan")
        times = os.times()
        return cls(machine, times.user + times.system, _tree_seconds(master))

    def since(self, start: Cpu) -> Cpu:
        """The CPU seconds used between ``start`` and this reading."""
        return Cpu(
            self.machine - start.machine, self.client - start.client, self.server - start.server
        )


def _tree_seconds(master: int) -> float:
    """CPU seconds of a process and its children (gunicorn's workers), from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return total


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str) -> dict[str, str]:
    """The environment for the CLI and gunicorn: a fresh database and a secret key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    env["DATABASE_URL"] = database_url
    env["QUIZAPP_SECRET_KEY"] = "bench-" + hashlib.sha256(database_url.encode()).hexdigest()[:16]
    # Every simulated player comes from 127.0.0.1 and answers as fast as it can: the limits
    # meant for people would turn most of the run into 429s.
    env["QUIZAPP_PLAYER_RATE_LIMIT"] = "1000000 per minute"
    env["QUIZAPP_ANSWER_RATE_LIMIT"] = "1000000 per minute"
    env["QUIZAPP_START_RATE_LIMIT"] = "1000000 per minute"
    return env


def prepare_database(env: dict[str, str], log: Path) -> None:
    """Load the bundled bank and generate the questions and quizzes, as an operator would."""
    with log.open("a") as out:
        for command in (["load-bank"], ["generate"]):
            result = subprocess.run(
                [str(BIN / "quizapp"), *command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
            if result.returncode != 0:
                raise SystemExit(f"`quizapp {command[0]}` failed; see {log}:\n{log.read_text()}")


class Server:
    """gunicorn serving ``app`` (quizapp's by default), started and always stopped by this
    script; its logs are named after ``name``."""

    def __init__(
        self,
        env: dict[str, str],
        work: Path,
        name: str,
        app: str = "quizapp:create_app()",
    ) -> None:
        port = free_port()
        self.name = name
        self.base = f"http://127.0.0.1:{port}"
        self.error_log = work / f"gunicorn-{name}-stderr.log"
        self.access_log = work / f"gunicorn-{name}-access.log"
        command = [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
        # No control socket: its default path is shared by every gunicorn of this user.
        command += ["--no-control-socket", "--pythonpath", str(ROOT / "bench")]
        command += ["--access-logfile", str(self.access_log)]
        command += ["--access-logformat", ACCESS_FORMAT, app]
        self.command = command
        self._stderr = self.error_log.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._stderr, stderr=subprocess.STDOUT
        )

    def wait_ready(self, path: str, seconds: float = 30.0) -> None:
        """Return once ``path`` answers at all; stop the script if gunicorn dies or never does."""
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.error_log.read_text()[-4000:]}")
            try:
                httpx.get(self.base + path, timeout=2.0)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer in {seconds:.0f}s")

    def stop(self) -> None:
        """SIGTERM the master (it stops its workers), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.close()

    def access_mark(self) -> int:
        """The access log's current size, to read only the lines of the next phase."""
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def server_times(self, since: int, until: int) -> dict[str, list[float]]:
        """Per endpoint, the ms the workers spent on each request logged between two marks."""
        times: dict[str, list[float]] = defaultdict(list)
        with self.access_log.open("rb") as log:
            log.seek(since)
            chunk = log.read(until - since).decode(errors="replace")
        for line in chunk.splitlines():
            parts = line.split()
            if len(parts) != 4:
                continue
            method, path, _status, micros = parts
            name = next((label for rx, label in ROUTES if rx.match(path)), path)
            times[f"{method} {name}"].append(int(micros) / 1000)
        return times


def check_api(base: str) -> str | None:
    """None if the API v1 answers its play flow endpoints, else what is missing."""
    try:
        response = httpx.get(base + "/api/v1/quizzes", timeout=5.0)
    except httpx.HTTPError as exc:
        return f"GET /api/v1/quizzes failed: {exc!r}"
    if response.status_code != 200:
        return f"GET /api/v1/quizzes answered {response.status_code}: the API v1 is not there yet"
    return None


_LOG_RECORD = re.compile(r"^\[[^\]]+\] \[\d+\] \[(\w+)\] (.*)$")
_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Timeout|Interrupt)\w*(: .*)?$")


def logged_errors(log: Path) -> list[tuple[int, str]]:
    """The distinct errors in gunicorn's stderr, most frequent first.

    Each [ERROR] or [CRITICAL] record counts once (numbers in paths become {id}), and so does
    the final exception line of the traceback that follows it, e.g. "sqlalchemy.exc.
    OperationalError: (sqlite3.OperationalError) database is locked".
    """
    if not log.exists():
        return []
    found: Counter = Counter()
    last_exception = ""
    for line in log.read_text(errors="replace").splitlines():
        record = _LOG_RECORD.match(line)
        if record:
            if last_exception:
                found[last_exception] += 1
                last_exception = ""
            if record.group(1) in ("ERROR", "CRITICAL"):
                found[f"[{record.group(1)}] " + re.sub(r"/\d+", "/{id}", record.group(2))] += 1
        elif _EXCEPTION.match(line):
            last_exception = line[:300]
    if last_exception:
        found[last_exception] += 1
    return [(count, text) for text, count in found.most_common()]


# --- Report -------------------------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Row:
    """One endpoint's figures."""

    endpoint: str
    count: int
    rate: float
    p50: float
    p99: float
    server_p50: float
    server_p99: float
    non_2xx: str


def rows_for(stats: Stats, duration: float, server: dict[str, list[float]]) -> list[Row]:
    """The table rows of one phase, endpoints in the order of the flow."""
    rows = []
    for endpoint, latencies in stats.latencies.items():
        bad = {str(s): n for s, n in sorted(stats.statuses[endpoint].items()) if not 200 <= s < 300}
        bad.update(stats.failures[endpoint])
        on_server = server.get(endpoint, [])
        rows.append(
            Row(
                endpoint=endpoint,
                count=len(latencies),
                rate=len(latencies) / duration,
                p50=statistics.median(latencies),
                p99=_percentile(latencies, 0.99),
                server_p50=statistics.median(on_server) if on_server else float("nan"),
                server_p99=_percentile(on_server, 0.99),
                non_2xx=", ".join(f"{k}: {v:,}" for k, v in bad.items()) or "-",
            )
        )
    return rows


def print_table(title: str, rows: list[Row], duration: float) -> None:
    """A markdown table of ``rows``."""
    total = sum(r.count for r in rows)
    print(f"\n{title}: {total:,} requests in {duration:.1f}s = {total / duration:,.0f} requests/s")
    print(
        "| endpoint | count | requests/s | p50 ms | p99 ms | server p50 ms | server p99 ms "
        "| non-2xx |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        print(
            f"| {r.endpoint} | {r.count:,} | {r.rate:,.1f} | {r.p50:.1f} | {r.p99:.1f} "
            f"| {r.server_p50:.1f} | {r.server_p99:.1f} | {r.non_2xx} |"
        )


def machine() -> list[str]:
    """A few lines describing this machine and the software under test."""
    gunicorn = subprocess.run(
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return [
        hardware(),
        f"{runtime()}, {gunicorn}, httpx {httpx.__version__}",
        f"quizapp sources sha256 {source_digest()} (quizapp/*.py)",
    ]


# --- Command line -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="bench/play_flow.py",
        description=(
            "Benchmark the JSON API v1 under gunicorn (2 sync workers, 127.0.0.1, fresh "
            "databases with the bundled bank) side by side with Flask's hello world under the "
            "same server and client: the play flow on SQLite, the answer endpoint alone on "
            "SQLite, the play flow on PostgreSQL. Prints requests/s and p50/p99 per endpoint, "
            "the shares of hello, the errors gunicorn logged, and a PASS/MISS verdict per "
            "target (see docs/benchmarks.md). Always exits 0."
        ),
    )
    parser.add_argument(
        "--players", type=int, default=16, metavar="N", help="client threads (default: 16)"
    )
    parser.add_argument(
        "--seconds", type=float, default=15.0, help="length of each phase (default: 15)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("QUIZAPP_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        metavar="URL",
        help="the PostgreSQL server for the flow on PostgreSQL; a schema of its own is made "
        f"and dropped (default: $QUIZAPP_TEST_POSTGRES_URL or {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the flow on PostgreSQL")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="write the SQLite database and gunicorn's logs into DIR and keep them (default: "
        "a temporary folder, removed at the end)",
    )
    args = parser.parse_args(argv)
    if args.players < 1 or args.seconds <= 0:
        parser.error("--players and --seconds must be above 0")
    return args


def main(argv: list[str] | None = None) -> int:
    """Prepare, serve, drive, measure, stop, report."""
    args = parse_args(argv)
    print("quizapp play flow benchmark")
    for line in machine():
        print("  " + line)
    print(f"  load average {load_average()}")
    warning = busy_warning()
    digest = source_digest()
    work = args.keep or Path(tempfile.mkdtemp(prefix="quizapp-bench-play-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        measure(args, work)
        if source_digest() != digest:
            print("\nWARNING: quizapp's sources changed during the run")
        else:
            print(f"\nquizapp sources {digest} throughout")
        print(f"load average at the end {load_average()}")
        if warning:
            print(warning)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"\ndatabase and logs kept in {args.keep}")
    return 0


@dataclass
class Phase:
    """One measured phase: what the clients saw, for how long, the server's times, the CPU."""

    title: str
    stats: Stats
    duration: float
    server: dict[str, list[float]]
    cpu: Cpu

    def rows(self) -> list[Row]:
        """The phase's table rows."""
        return rows_for(self.stats, self.duration, self.server)

    def rate(self) -> float:
        """Requests per second, every endpoint together."""
        return sum(len(v) for v in self.stats.latencies.values()) / self.duration

    def cpu_ms(self) -> float:
        """CPU milliseconds per request, the client's and gunicorn's together."""
        requests = sum(len(v) for v in self.stats.latencies.values())
        return (self.cpu.client + self.cpu.server) * 1000 / max(requests, 1)


def _phase(title: str, server: Server, run: Any) -> tuple[Phase, Any]:
    """Run ``run()`` (returning stats, duration, and maybe more), with CPU and server times."""
    print(f"{title}...", flush=True)
    mark = server.access_mark()
    cpu0 = Cpu.now(server.process.pid)
    stats, duration, *more = run()
    cpu = Cpu.now(server.process.pid).since(cpu0)
    time.sleep(0.5)  # gunicorn writes a request's access log line after its response
    times = server.server_times(mark, server.access_mark())
    return Phase(title, stats, duration, times, cpu), (more[0] if more else None)


def _prepared(env: dict[str, str], name: str, work: Path) -> str:
    """Load and generate the bundled bank into ``env``'s database; its summary line."""
    t0 = time.perf_counter()
    prepare_database(env, work / f"prepare-{name}.log")
    return f"{name} database prepared in {time.perf_counter() - t0:.1f}s"


def measure(args: argparse.Namespace, work: Path) -> None:
    """Prepare the databases, start the servers, run the phases, stop them, print."""
    db = work / "bench.sqlite"
    for stale in (db, work / "bench.sqlite-wal", work / "bench.sqlite-shm"):
        stale.unlink(missing_ok=True)
    n, seconds = args.players, args.seconds
    with ExitStack() as stack:
        urls = {"sqlite": f"sqlite:///{db}"}
        if not args.no_postgres:
            urls["postgresql"] = stack.enter_context(postgres_schema(args.postgres_url))
        for name, url in urls.items():
            print(_prepared(app_env(url), name, work))
        with sqlite3.connect(db) as conn:
            quizzes = conn.execute("SELECT count(*) FROM quiz").fetchone()[0]
            questions = conn.execute("SELECT count(*) FROM quiz_item").fetchone()[0]
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        print(f"{quizzes} quizzes, {questions} quiz questions; SQLite journal mode {mode}")
        servers = {"hello": Server(app_env(urls["sqlite"]), work, "hello", "hello_app:app")}
        for name, url in urls.items():
            servers[name] = Server(app_env(url), work, name)
        for server in servers.values():
            stack.callback(server.stop)
        phases = run_phases(servers, urls, n, seconds)
    if phases is None:
        return
    for phase in phases.values():
        print_table(phase.title, phase.rows(), phase.duration)
        print_cpu(phase)
    report(phases, servers)


def run_phases(
    servers: dict[str, Server], urls: dict[str, str], n: int, seconds: float
) -> dict[str, Phase] | None:
    """Warm every server up, then the phases in turn; None if the API is not there."""
    hello, lite = servers["hello"], servers["sqlite"]
    hello.wait_ready("/")
    for name in urls:
        servers[name].wait_ready("/healthz")
        missing = check_api(servers[name].base)
        if missing:
            print(f"\nNOT MEASURED: {missing}")
            return None
    print(f"gunicorn: {' '.join(lite.command)}")
    # A short warm-up, not measured: every worker imports everything and opens its database.
    run_ceiling(hello.base, "/", n, 1.0)
    for name in urls:
        run_players(servers[name].base, min(n, 4), 2.0, f"warm{name}")

    phases: dict[str, Phase] = {}
    phases["hello"], _ = _phase(
        f"Hello, {n} threads, GET / (before)",
        hello,
        lambda: run_ceiling(hello.base, "/", n, seconds),
    )
    phases["flow"], finished = _phase(
        f"Play flow on SQLite, {n} players",
        lite,
        lambda: run_players(lite.base, n, seconds, "run"),
    )
    phases["flow"].title += f", {finished:,} attempts finished"

    quizzes = httpx.get(lite.base + "/api/v1/quizzes", timeout=REQUEST_TIMEOUT).json()["quizzes"]
    quiz = max(quizzes, key=lambda q: q["question_count"])
    # Enough attempts for twice the answers the flow's whole rate would give.
    count = max(n, math.ceil(phases["flow"].rate() * 2 * seconds / quiz["question_count"]))
    made = prepare_attempts(lite.base, n, count, quiz)
    prepared = serve_every_question(urls["sqlite"], quiz["id"], made)
    phases["answer"], ran_out = _phase(
        f"The answer endpoint alone on SQLite, {n} players, {len(prepared):,} attempts prepared",
        lite,
        lambda: run_answers(lite.base, prepared, n, seconds),
    )
    if ran_out:
        phases["answer"].title += f" (WARNING: {ran_out} threads ran out of questions)"
    if "postgresql" in servers:
        pg = servers["postgresql"]
        phases["pgflow"], finished = _phase(
            f"Play flow on PostgreSQL, {n} players",
            pg,
            lambda: run_players(pg.base, n, seconds, "pg"),
        )
        phases["pgflow"].title += f", {finished:,} attempts finished"
    phases["hello2"], _ = _phase(
        f"Hello, {n} threads, GET / (after)",
        hello,
        lambda: run_ceiling(hello.base, "/", n, seconds),
    )
    return phases


def print_cpu(phase: Phase) -> None:
    """Who used the CPUs during a phase: the client, gunicorn, anything else."""
    cpu, requests = phase.cpu, sum(len(v) for v in phase.stats.latencies.values())
    available = (os.cpu_count() or 1) * phase.duration
    other = cpu.machine - cpu.client - cpu.server
    print(
        f"CPU seconds ({os.cpu_count()} CPUs x {phase.duration:.1f}s = {available:.0f} "
        f"available): client {cpu.client:.1f} ({cpu.client * 1000 / max(requests, 1):.2f} ms "
        f"per request), gunicorn {cpu.server:.1f} ({cpu.server * 1000 / max(requests, 1):.2f} "
        f"ms per request), other processes {max(other, 0):.1f}, idle "
        f"{max(available - cpu.machine, 0):.1f}"
    )
    if other > 0.1 * available:
        print(
            "WARNING: other processes used over 10% of the CPUs during this phase; its "
            "figures are lower than this machine can do"
        )


def report(phases: dict[str, Phase], servers: dict[str, Server]) -> None:
    """The shares of hello, the targets with their verdicts, and what gunicorn logged."""
    hello = statistics.mean([phases["hello"].rate(), phases["hello2"].rate()])
    print(
        f"\nHello: {phases['hello'].rate():,.1f} requests/s before, "
        f"{phases['hello2'].rate():,.1f} after; the shares below are of their mean, "
        f"{hello:,.1f}"
    )
    hello_cpu = statistics.mean([phases["hello"].cpu_ms(), phases["hello2"].cpu_ms()])
    print(
        f"Hello's CPU (client and gunicorn) per request: {phases['hello'].cpu_ms():.2f} ms "
        f"before, {phases['hello2'].cpu_ms():.2f} ms after. When other processes take the "
        "CPUs, requests/s says more about them than about the app; the CPU a request costs "
        "does not, so each share is also given as hello's CPU per request / the phase's "
        "(the share of hello that 2 CPUs of its own would give)."
    )
    for key in ("flow", "answer", "pgflow"):
        if key in phases:
            phase = phases[key]
            print(
                f"  {phase.title}: {phase.cpu_ms():.2f} ms CPU per request, "
                f"CPU share {hello_cpu / phase.cpu_ms():.2f}, requests/s share "
                f"{phase.rate() / hello:.2f}"
            )
    flow = phases["flow"]
    answer = phases["answer"]
    in_flow = next((r for r in flow.rows() if r.endpoint == ANSWER), None)
    print("\nTargets:")
    share = flow.rate() / hello
    print(
        f"  {verdict(share >= TARGET_FLOW_SHARE)}  the play flow on SQLite: "
        f"{flow.rate():,.1f} requests/s = {share:.2f} of hello (target >= {TARGET_FLOW_SHARE})"
    )
    share = answer.rate() / hello
    print(
        f"  {verdict(share >= TARGET_ANSWER_SHARE)}  the answer endpoint alone on SQLite: "
        f"{answer.rate():,.1f} requests/s = {share:.2f} of hello (target >= "
        f"{TARGET_ANSWER_SHARE})"
    )
    if "pgflow" in phases:
        pg = phases["pgflow"]
        share = pg.rate() / hello
        print(
            f"  {verdict(share >= TARGET_PG_FLOW_SHARE)}  the play flow on PostgreSQL: "
            f"{pg.rate():,.1f} requests/s = {share:.2f} of hello (target >= "
            f"{TARGET_PG_FLOW_SHARE})"
        )
    else:
        print("  not measured: the play flow on PostgreSQL (--no-postgres)")
    if in_flow is not None:
        print(
            f"  {verdict(in_flow.p99 < TARGET_P99_MS)}  the answer's p99 in the play flow on "
            f"SQLite: {in_flow.p99:.1f} ms (target < {TARGET_P99_MS:.0f} ms; alone: "
            f"{answer.rows()[0].p99:.1f} ms)"
        )
    for server in servers.values():
        errors = logged_errors(server.error_log)
        print(
            f"\nErrors in gunicorn's stderr ({server.name}):"
            if errors
            else f"\nNo errors in gunicorn's stderr ({server.name})."
        )
        for count, text in errors[:10]:
            print(f"  {count:,} x {text}")


if __name__ == "__main__":
    sys.exit(main())
