"""The app's Prometheus metrics: what /metrics shows. No Flask, and nothing the domain imports.

Requests are counted and timed per Flask endpoint (``play.question``, ``api.post_answer``),
never per raw path, so an id in a URL never becomes a new series; requests no route matched
count under ``unmatched``. The game's events are counted by the web and API views once the
domain has done them (committed): answers by result, attempts started and finished, players
created.

Under gunicorn each worker is a process of its own. gunicorn.conf.py points
PROMETHEUS_MULTIPROC_DIR at an empty folder before the workers start, so prometheus_client
keeps every worker's values in files there and `exposition` sums them: whichever worker
answers /metrics shows the whole server. Without that variable (`quizapp start`, the tests)
the values live in this process.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Any other method is counted as "other": clients choose methods, and every new label value
# would be a new series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"

REQUESTS = Counter(
    "quizapp_http_requests",
    "HTTP requests answered, by Flask endpoint, method and status.",
    ["endpoint", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "quizapp_http_request_duration_seconds",
    "Time from the request's arrival in the app to its response, by Flask endpoint and method.",
    ["endpoint", "method"],
)
ANSWERS = Counter(
    "quizapp_answers",
    "Answers taken, by result (a late answer is wrong).",
    ["result"],
)
ATTEMPTS_STARTED = Counter("quizapp_attempts_started", "Attempts at a quiz started.")
ATTEMPTS_FINISHED = Counter("quizapp_attempts_finished", "Attempts answered to the end.")
PLAYERS_CREATED = Counter("quizapp_players_created", "Players created (a nickname chosen).")

# Both results show from the start, at 0, so that a rate of wrong answers is defined at once.
for _result in ("correct", "wrong"):
    ANSWERS.labels(result=_result)


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Count and time one answered request."""
    endpoint = endpoint or UNMATCHED
    method = method if method in KNOWN_METHODS else "other"
    REQUESTS.labels(endpoint=endpoint, method=method, status=str(status)).inc()
    REQUEST_SECONDS.labels(endpoint=endpoint, method=method).observe(max(seconds, 0.0))


def count_answer(*, correct: bool, finished: bool) -> None:
    """Count an answer taken, and the attempt it finished, if it was the last question."""
    ANSWERS.labels(result="correct" if correct else "wrong").inc()
    if finished:
        ATTEMPTS_FINISHED.inc()


def count_attempt_started() -> None:
    """Count a new attempt at a quiz."""
    ATTEMPTS_STARTED.inc()


def count_player_created() -> None:
    """Count a new player."""
    PLAYERS_CREATED.inc()


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type.

    In multiprocess mode (PROMETHEUS_MULTIPROC_DIR set) the sum over every process that wrote
    to that folder, the live workers and those that have exited alike (counters never go
    down); otherwise this process's own registry, with the process and Python metrics.
    """
    if os.environ.get(MULTIPROC_DIR_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
