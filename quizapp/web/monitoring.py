"""What an operator sees of each request: its id, one log line, and the request metrics.

`init_app` (called by create_app before any other request hook) makes every request:

- carry a request id: the client's ``X-Request-ID`` when it sent a sane one (1-128 letters,
  digits and ``. _ - : = + / @``, as a proxy's or a tracing header's ids are), else a new random
  one; the response echoes it in ``X-Request-ID``, so a user's report can be found in the log;
- write one line to the logger ``quizapp.requests`` at INFO when its response is made:
  request id, method, path, status and duration in milliseconds. LOG_FORMAT decides the form:
  ``text`` (``request_id=... method=GET path=/ status=200 duration_ms=3.2``, values with
  spaces or quotes quoted) or ``json`` (one JSON object a line, with time, level and logger).
  The fields are on the record as ``record.request`` too, for any other handler;
- count and time it in quizapp.metrics, by Flask endpoint.

The request log is a stream of its own, like gunicorn's access log: the logger gets one
handler that writes to standard error, and does not pass its records up to the root logger.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from typing import TextIO

from flask import Flask, Response, g, request

from quizapp import metrics

REQUEST_LOGGER = "quizapp.requests"
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-:=+/@]{1,128}")
# A value in a text line is quoted when it holds anything else (a path may hold spaces, quotes
# or, percent-decoded, a newline that would forge a second line).
_BARE_VALUE = re.compile(r"[A-Za-z0-9._\-:/=+@%~,]+")

logger = logging.getLogger(REQUEST_LOGGER)


class TextFormatter(logging.Formatter):
    """``<time> <level> quizapp.requests <key=value ...>``: for people reading a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "request", None)
        line.update(fields if isinstance(fields, dict) else {"message": record.getMessage()})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


FORMATTERS = {"text": TextFormatter, "json": JsonFormatter}


class _StandardError(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time, as logging's own last resort does (a test
    runner swaps it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_request_log(log_format: str) -> logging.Handler:
    """Give the request logger its one handler (standard error, ``log_format``) and INFO.

    Called for every app made: the latest app's LOG_FORMAT decides the process's lines (a
    server makes one app per process). Returns the handler.
    """
    handler = next((h for h in logger.handlers if isinstance(h, _StandardError)), None)
    if handler is None:
        handler = _StandardError()
        logger.addHandler(handler)
    handler.setFormatter(FORMATTERS[log_format]())
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return handler


def request_id() -> str:
    """This request's id: the client's sane X-Request-ID, else a new random one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _start() -> None:
    # Set on every request, never kept from an earlier one: requests can share an app
    # context, and so ``g`` (a test's requests do).
    g.request_started = time.perf_counter()
    g.request_id = request_id()


def _finish(response: Response) -> Response:
    started = g.pop("request_started", None)
    seconds = time.perf_counter() - started if started is not None else 0.0
    the_id = g.get("request_id") or request_id()
    response.headers[REQUEST_ID_HEADER] = the_id
    metrics.observe_request(request.endpoint, request.method, response.status_code, seconds)
    if logger.isEnabledFor(logging.INFO):
        _log_request(the_id, response.status_code, seconds)
    return response


def _log_request(the_id: str, status: int, seconds: float) -> None:
    fields = {
        "request_id": the_id,
        "method": request.method,
        "path": request.path,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
    }
    logger.info(_text_line(fields), extra={"request": fields})


def _text_line(fields: dict[str, object]) -> str:
    return " ".join(f"{key}={_text_value(value)}" for key, value in fields.items())


def _text_value(value: object) -> str:
    text = str(value)
    return text if _BARE_VALUE.fullmatch(text) else json.dumps(text)


def init_app(app: Flask) -> None:
    """Give every request of ``app`` its id, its log line and its metrics (module docstring)."""
    configure_request_log(app.config["LOG_FORMAT"])
    app.before_request(_start)
    app.after_request(_finish)
