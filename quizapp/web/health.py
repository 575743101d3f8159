"""The operators' endpoints: liveness, readiness, and the metrics (docs/deploy.md).

- ``/healthz``: this process is up. No database, no session: a database outage must not take
  every app host out of a load balancer's pool at once. The benchmark's ceiling, too.
- ``/readyz``: this process can serve, i.e. its database answers ``SELECT 1``; else 503 with
  the reason in JSON (the details go to the app's log, never to the client).
- ``/metrics``: Prometheus' text format (quizapp.metrics). Not for the internet: served only
  when METRICS_TOKEN is set, and then only to requests that bear it
  (``Authorization: Bearer <token>``); otherwise it is a 404 like any unknown path.
"""

import hmac

from flask import Blueprint, Response, abort, current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from quizapp import metrics
from quizapp.db import get_engine

bp = Blueprint("health", __name__)

METRICS_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="metrics"'}


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer that this process is up."""
    return {"ok": True}


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Answer whether the app's database answers: 200, or 503 with the reason."""
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # The error may name hosts and users: it goes to the log, the client gets its kind.
        current_app.logger.warning("readiness check failed: %s", error)
        reason = f"the database did not answer ({type(error).__name__})"
        return {"ok": False, "reason": reason}, 503
    return {"ok": True}


@bp.get("/metrics")
def prometheus_metrics() -> ResponseReturnValue:
    """The metrics, to a scraper that bears METRICS_TOKEN (404 while none is set)."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    if not _bears(token):
        message = 'send the metrics token as "Authorization: Bearer <token>"'
        return {"error": {"code": "unauthorized", "message": message}}, 401, METRICS_CHALLENGE
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type)


def _bears(token: str) -> bool:
    """Whether the request's Authorization header is ``Bearer <token>``, compared in constant
    time (how long the comparison takes says nothing about the token)."""
    given = request.authorization
    if given is None or given.type != "bearer" or not given.token:
        return False
    return hmac.compare_digest(given.token.encode(), token.encode())
