"""Benchmark: the whole play flow of the JSON API under gunicorn, against the app's ceiling.

The script prepares a fresh SQLite database in a temporary folder (``quizapp load-bank`` and
``quizapp generate`` on the bundled bank), starts the app under gunicorn with 2 sync workers
bound to 127.0.0.1 on a free port, and then:

1. the play flow: ``--players`` concurrent players (default 32), each a thread with its own
   httpx client, for ``--seconds`` (default 30). Each player creates itself (a unique
   nickname), lists the quizzes, starts an attempt on a random quiz, gets the question and
   answers it (a random choice, or a typed guess) until the attempt is finished, then starts
   another attempt;
2. the ceiling: the same server and the same number of threads fetching a trivial endpoint of
   the app for ``--ceiling-seconds`` (default 10): ``GET /healthz`` when the app has it, else
   ``GET /static/style.css`` (served by Flask, no database);
3. for reference only, the same ceiling with the standard library's ``http.client`` instead
   of httpx: httpx costs the client over a millisecond of CPU per request, and on a small
   machine that, not the server, bounds the ceiling run.

For each endpoint it prints the count, requests/s, p50 and p99 latency as the client saw it,
the non-2xx responses by status, and the p50/p99 time the server itself spent (gunicorn's
access log, ``%(D)s``), which tells the work from the waiting in the queue; and for each phase
the CPU seconds used by the client, by gunicorn and by any other process (from /proc), so a
busy machine shows. Then a PASS/MISS verdict for each target of docs/benchmarks.md, and a
summary of the errors gunicorn logged (its stderr is kept in a file). gunicorn is always
stopped at the end. It always exits 0: it is a benchmark, not a test.

    .venv/bin/python bench/play_flow.py [--players 32] [--seconds 30] [--ceiling-seconds 10]
                                        [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
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
TARGET_SHARE = 0.40
TARGET_P99_MS = 100.0
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


def run_lean_ceiling(base: str, path: str, players: int, seconds: float) -> tuple[Stats, float]:
    """As run_ceiling, with the standard library's http.client: a reference, not a target.

    httpx spends over a millisecond of CPU per request, and with 2 CPUs for the client and
    the server, that bounds the ceiling run; this cheaper client shows what the server can do.
    """
    import http.client

    stats = Stats()
    endpoint = f"GET {path}"
    host, port = base.removeprefix("http://").split(":")
    t0 = time.perf_counter()
    deadline = t0 + seconds

    def hammer() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            conn = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except OSError as exc:
                stats.add(endpoint, time.perf_counter() - started, None, type(exc).__name__)
                continue
            finally:
                conn.close()
            stats.add(endpoint, time.perf_counter() - started, response.status)

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(players)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT * 3)
    return stats, time.perf_counter() - t0


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


def app_env(db: Path) -> dict[str, str]:
    """The environment for the CLI and gunicorn: a fresh SQLite file and a secret key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    env["DATABASE_URL"] = f"sqlite:///{db}"
    env["QUIZAPP_SECRET_KEY"] = "bench-" + hashlib.sha256(str(db).encode()).hexdigest()[:16]
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
    """gunicorn serving ``quizapp:create_app()``, started and always stopped by this script."""

    def __init__(self, env: dict[str, str], port: int, work: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.error_log = work / "gunicorn-stderr.log"
        self.access_log = work / "gunicorn-access.log"
        command = [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
        # No control socket: its default path is shared by every gunicorn of this user.
        command += ["--no-control-socket"]
        command += ["--access-logfile", str(self.access_log)]
        command += ["--access-logformat", ACCESS_FORMAT, "quizapp:create_app()"]
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


def choose_ceiling(base: str) -> str:
    """/healthz if the app has it (a JSON view, no database), else a static file via Flask."""
    try:
        if httpx.get(base + "/healthz", timeout=5.0).status_code == 200:
            return "/healthz"
    except httpx.HTTPError:
        pass
    return "/static/style.css"


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
            "Benchmark the play flow of the JSON API v1 under gunicorn (2 workers, "
            "127.0.0.1, a fresh SQLite database with the bundled bank): concurrent players "
            "create themselves, start attempts, get questions and answer them. Then the same "
            "server and concurrency on a trivial endpoint (the ceiling). Prints requests/s and "
            "p50/p99 per endpoint, non-2xx responses, the errors gunicorn logged, and a "
            "PASS/MISS verdict per target (see docs/benchmarks.md). Always exits 0."
        ),
    )
    parser.add_argument(
        "--players", type=int, default=32, metavar="N", help="concurrent players (default: 32)"
    )
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="length of the play flow (default: 30)"
    )
    parser.add_argument(
        "--ceiling-seconds",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="length of the ceiling run (default: 10)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="write the database and gunicorn's logs into DIR and keep them (default: a "
        "temporary folder, removed at the end)",
    )
    args = parser.parse_args(argv)
    if args.players < 1 or args.seconds <= 0 or args.ceiling_seconds <= 0:
        parser.error("--players, --seconds and --ceiling-seconds must be above 0")
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


def _phase(title: str, server: Server, run: Any) -> tuple[Phase, Any]:
    """Run ``run()`` (returning stats, duration, and maybe more), with CPU and server times."""
    mark = server.access_mark()
    cpu0 = Cpu.now(server.process.pid)
    stats, duration, *more = run()
    cpu = Cpu.now(server.process.pid).since(cpu0)
    time.sleep(0.5)  # gunicorn writes a request's access log line after its response
    times = server.server_times(mark, server.access_mark())
    return Phase(title, stats, duration, times, cpu), (more[0] if more else None)


def measure(args: argparse.Namespace, work: Path) -> None:
    """Prepare the database, start gunicorn, run the phases, stop gunicorn, print."""
    db = work / "bench.sqlite"
    for stale in (db, work / "bench.sqlite-wal", work / "bench.sqlite-shm"):
        stale.unlink(missing_ok=True)
    env = app_env(db)
    t0 = time.perf_counter()
    prepare_database(env, work / "prepare.log")
    with sqlite3.connect(db) as conn:
        quizzes = conn.execute("SELECT count(*) FROM quiz").fetchone()[0]
        questions = conn.execute("SELECT count(*) FROM quiz_item").fetchone()[0]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    print(
        f"\ndatabase {db} prepared in {time.perf_counter() - t0:.1f}s: {quizzes} quizzes, "
        f"{questions} quiz questions; journal mode {mode} "
        "(quizapp.core.database.make_engine sets it)"
    )
    server = Server(env, free_port(), work)
    n, base = args.players, server.base
    try:
        print(f"gunicorn: {' '.join(server.command)}")
        server.wait_ready("/static/style.css")
        missing = check_api(base)
        if missing:
            print(f"\nNOT MEASURED: {missing}")
            return
        path = choose_ceiling(base)
        print(f"ready on {base}; ceiling endpoint GET {path}")
        # A short warm-up, not measured: both workers import everything and open the database.
        run_ceiling(base, path, n, 1.0)
        run_players(base, min(n, 4), 2.0, "warm")

        print(f"\nplay flow: {n} players for {args.seconds:g}s...", flush=True)
        flow, finished = _phase(
            f"Play flow, {n} players", server, lambda: run_players(base, n, args.seconds, "run")
        )
        flow.title += f", {finished:,} attempts finished"
        print(f"ceiling: {n} threads on GET {path} for {args.ceiling_seconds:g}s...", flush=True)
        ceiling, _ = _phase(
            f"Ceiling, GET {path}", server, lambda: run_ceiling(base, path, n, args.ceiling_seconds)
        )
        print("reference ceiling with http.client...", flush=True)
        lean, _ = _phase(
            f"Reference only: the ceiling with http.client instead of httpx, GET {path}",
            server,
            lambda: run_lean_ceiling(base, path, n, args.ceiling_seconds),
        )
    finally:
        server.stop()
    for phase in (flow, ceiling, lean):
        print_table(phase.title, phase.rows(), phase.duration)
        print_cpu(phase)
    report(flow, ceiling, lean, server.error_log)


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


def report(flow: Phase, ceiling: Phase, lean: Phase, error_log: Path) -> None:
    """The targets with their verdicts, a reference figure, and what gunicorn logged."""
    rows = flow.rows()
    answer = next((r for r in rows if r.endpoint == ANSWER), None)
    top = ceiling.rows()[0] if ceiling.rows() else None
    print("\nTargets:")
    if answer is None or top is None:
        print("  not measured: no answers or no ceiling requests")
    else:
        share = answer.rate / top.rate
        print(
            f"  {verdict(share >= TARGET_SHARE)}  the answer endpoint: {answer.rate:,.1f} "
            f"requests/s = {share:.0%} of the ceiling's {top.rate:,.1f} (target >= "
            f"{TARGET_SHARE:.0%})"
        )
        print(
            f"  {verdict(answer.p99 < TARGET_P99_MS)}  the answer endpoint: p99 "
            f"{answer.p99:.1f} ms (target < {TARGET_P99_MS:.0f} ms)"
        )
        count = sum(r.count for r in rows)
        total = count / flow.duration
        print(
            f"  (for reference: the whole flow made {total:,.1f} requests/s = "
            f"{total / top.rate:.0%} of the ceiling; answers are {answer.count / count:.0%} "
            "of its requests)"
        )
        lean_top = lean.rows()[0] if lean.rows() else None
        if lean_top is not None:
            print(
                f"  (for reference: with http.client the ceiling is {lean_top.rate:,.1f} "
                f"requests/s; the answer endpoint is {answer.rate / lean_top.rate:.0%} of that)"
            )
    errors = logged_errors(error_log)
    print("\nErrors in gunicorn's stderr:" if errors else "\nNo errors in gunicorn's stderr.")
    for count, text in errors[:10]:
        print(f"  {count:,} x {text}")


if __name__ == "__main__":
    sys.exit(main())
