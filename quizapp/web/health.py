"""A liveness check for load balancers and the benchmark's ceiling: no database, no session."""

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer that this process is up."""
    return {"ok": True}
