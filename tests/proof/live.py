"""The app served for real: a database set up by the CLI, gunicorn on loopback, httpx clients.

The ideas of bench/play_flow.py (a free port on 127.0.0.1, gunicorn with its stderr kept in a
file, always stopped), reshaped for tests: failures raise instead of exiting, and every
request a client makes is kept, so a test can hold the database to what each client was told.
"""

from __future__ import annotations

import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.machine_info import hardware

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv's bin: quizapp and gunicorn live beside python
# A key for these runs only; the served app refuses to start with the development key.
SECRET_KEY = "proof-tests-not-a-real-key-0123456789abcdef"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
# Far above any request here; a request that takes this long is a failure, not a slow run.
REQUEST_TIMEOUT_S = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str, **config: str) -> dict[str, str]:
    """The environment for the CLI and gunicorn: the database, a test key, no rate limits.

    Every simulated player comes from 127.0.0.1, so limits per address would refuse them all
    after the first few; the limits have tests of their own. ``config`` adds QUIZAPP_* values.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k == "QUIZAPP_INSTANCE_PATH" or not (k.startswith("QUIZAPP_") or k == "DATABASE_URL")
    }
    env["DATABASE_URL"] = database_url
    env["QUIZAPP_SECRET_KEY"] = SECRET_KEY
    env["QUIZAPP_RATELIMIT_ENABLED"] = "false"
    # Plain http on loopback: Secure cookies would never come back from the test's clients.
    env["QUIZAPP_LOCAL_HTTP"] = "true"
    env.update({f"QUIZAPP_{key}": value for key, value in config.items()})
    return env


def build_database(env: dict[str, str], log: Path) -> float:
    """Set the database up as an operator would: the schema, the bundled bank, its questions
    and quizzes (`quizapp upgrade-db`, `load-bank`, `generate`). Returns the seconds taken."""
    started = time.perf_counter()
    with log.open("a") as out:
        for command in (["upgrade-db"], ["load-bank"], ["generate"]):
            result = subprocess.run(
                [str(BIN / "quizapp"), *command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
                timeout=120,
            )
            if result.returncode != 0:
                raise RuntimeError(f"`quizapp {command[0]}` failed:\n{log.read_text()[-4000:]}")
    return time.perf_counter() - started


class Gunicorn:
    """gunicorn serving ``quizapp:create_app()`` on 127.0.0.1, started by and stopped by a test.

    Use it as a context manager: it is stopped however the block ends.
    """

    def __init__(
        self,
        env: dict[str, str],
        work: Path,
        *,
        name: str,
        workers: int = 2,
        threads: int = 1,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.name = name
        self.log = work / f"gunicorn-{name}.log"
        self.command = [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            # Its default path is shared by every gunicorn of this user: two would clash.
            "--no-control-socket",
            "--graceful-timeout",
            "5",
        ]
        if threads > 1:
            self.command += ["--worker-class", "gthread", "--threads", str(threads)]
        self.command.append("quizapp:create_app()")
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start gunicorn and return once the app answers; raise with its log if it does not."""
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.perf_counter() + READY_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited:\n{self.log.read_text()[-4000:]}")
            try:
                # /healthz needs no database: this waits for the workers, not for the data.
                if httpx.get(self.base + "/healthz", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn {self.name} did not answer in {READY_TIMEOUT_S:.0f} s")

    def stop(self) -> None:
        """SIGTERM the master (it stops its workers), then SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_pids(self) -> set[int]:
        """The pids of the master's workers right now (from /proc): a restart changes them."""
        if self.process is None:
            return set()
        workers = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            if int(text[text.rindex(")") + 2 :].split()[1]) == self.process.pid:
                workers.add(int(stat.parent.name))
        return workers

    def logged_errors(self) -> Counter:
        """The last line of each traceback and each [ERROR]/[CRITICAL] record in the log."""
        found: Counter = Counter()
        if not self.log.exists():
            return found
        lines = self.log.read_text(errors="replace").splitlines()
        for number, line in enumerate(lines):
            if re.match(r"^\[[^\]]+\] \[\d+\] \[(ERROR|CRITICAL)\]", line):
                found[re.sub(r"/\d+", "/{id}", line.split("] ", 3)[-1])[:200]] += 1
            elif line.startswith("Traceback"):
                tail = next(
                    (x for x in lines[number + 1 :] if x and not x.startswith((" ", "\t"))), ""
                )
                found[tail[:200]] += 1
        return found


# --- Clients --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    """One request and what came back: the status (None: no response at all) and body."""

    method: str
    path: str
    status: int | None
    body: Any  # parsed JSON, else the text; for no response, the exception's name
    content_type: str
    started: float
    ended: float
    sent: Any = None

    @property
    def json_error(self) -> dict | None:
        """The error object of our JSON error shape, or None."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"]
        return None


@dataclass
class Ledger:
    """Every exchange of every client, in one thread-safe list."""

    exchanges: list[Exchange] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, exchange: Exchange) -> None:
        """Keep one exchange."""
        with self.lock:
            self.exchanges.append(exchange)

    def statuses(self) -> Counter:
        """How many responses had each status (None: no response)."""
        return Counter(e.status for e in self.exchanges)


class Client:
    """One HTTP client of one server, recording each exchange in the ledger.

    ``token`` is sent as a bearer token once set. Cookies are kept, as a browser would.
    """

    def __init__(self, base: str, ledger: Ledger) -> None:
        self.http = httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S)
        self.ledger = ledger
        self.token = ""

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Exchange:
        """Send one request; the exchange, with ``status`` None if nothing came back."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(kwargs.pop("headers", {}))
        started = time.perf_counter()
        try:
            response = self.http.request(method, path, json=body, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            exchange = Exchange(
                method, path, None, type(exc).__name__, "", started, time.perf_counter(), body
            )
        else:
            content_type = response.headers.get("content-type", "")
            try:
                parsed = response.json() if "json" in content_type else response.text
            except ValueError:
                parsed = response.text
            exchange = Exchange(
                method,
                path,
                response.status_code,
                parsed,
                content_type,
                started,
                time.perf_counter(),
                body,
            )
        self.ledger.add(exchange)
        return exchange


def most_in_flight(exchanges: list[Exchange]) -> int:
    """The largest number of these requests that were under way at one moment."""
    events = sorted(
        [(e.started, 1) for e in exchanges] + [(e.ended, -1) for e in exchanges],
        key=lambda event: (event[0], event[1]),
    )
    running = peak = 0
    for _moment, step in events:
        running += step
        peak = max(peak, running)
    return peak


# Request paths by endpoint, for figures per endpoint rather than per attempt id.
ENDPOINTS = (
    (re.compile(r"/attempts/\d+/question$"), "/attempts/{id}/question"),
    (re.compile(r"/attempts/\d+/answers$"), "/attempts/{id}/answers"),
    (re.compile(r"/attempts/\d+$"), "/attempts/{id}"),
    (re.compile(r"/quizzes/[^/]+/attempts$"), "/quizzes/{id}/attempts"),
    (re.compile(r"/leaderboard\?.*$"), "/leaderboard"),
)


def endpoint(exchange: Exchange) -> str:
    """The request as METHOD and path, ids folded: POST /api/v1/attempts/{id}/answers."""
    path = exchange.path
    for pattern, label in ENDPOINTS:
        path = pattern.sub(label, path)
    return f"{exchange.method} {path}"


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def latency_lines(exchanges: list[Exchange]) -> list[str]:
    """Per endpoint: count, p50 and p99 latency as the clients saw it, and the statuses."""
    by_endpoint: dict[str, list[Exchange]] = {}
    for exchange in exchanges:
        by_endpoint.setdefault(endpoint(exchange), []).append(exchange)
    lines = []
    for name, group in by_endpoint.items():
        millis = [(e.ended - e.started) * 1000 for e in group]
        statuses = Counter(e.status for e in group)
        shown = ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items(), key=str))
        lines.append(
            f"{name}: {len(group):,} requests, p50 {percentile(millis, 0.5):.0f} ms, "
            f"p99 {percentile(millis, 0.99):.0f} ms ({shown})"
        )
    return lines


def machine() -> str:
    """One line about where the figures come from: the benchmarks' hardware line, Python and
    the load when the proof started."""
    return (
        f"{hardware()}, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f} at the start"
    )
