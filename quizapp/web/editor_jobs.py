"""Background work on the bank, as editors see it: /editor/jobs/<id> and its JSON.

The work itself is quizapp.workspace.jobs'. Each process of the app runs one worker thread,
started by the first request it serves (so that each gunicorn worker, forked after the app
was made, starts its own), unless the app is testing or BACKGROUND_JOBS is off: the tests, and
`quizapp run-jobs`, run the jobs themselves.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlmodel import Session, col, select
from werkzeug.exceptions import HTTPException

from quizapp.core.settings import QuizSettings
from quizapp.db import get_engine, get_session
from quizapp.game.quizzes import Progress, build_quizzes
from quizapp.models import BankJob, utcnow
from quizapp.questions import live
from quizapp.web import auth
from quizapp.web.auth import editor_required, error_page
from quizapp.workspace import jobs

bp = Blueprint("editor_jobs", __name__)
bp.register_error_handler(CSRFError, auth.csrf_error)
bp.register_error_handler(HTTPException, auth.http_error)
api_bp = Blueprint("editor_jobs_api", __name__)

# A job that ended is still shown in the workspace's bar this long, so its editor sees how.
SHOWN_AFTER_END = dt.timedelta(minutes=30)


@bp.get("/<int(min=1, max=2147483647):job_id>")
@editor_required
def job_page(job_id: int) -> ResponseReturnValue:
    """The job's progress (the page reloads itself until it ends), then what it did."""
    job = jobs.get(get_session(), job_id)
    if job is None:
        return error_page(404, f"there is no background job {job_id}")
    return render_template("editor/job.html", job=job, about=as_json(job))


@api_bp.get("/<int(min=1, max=2147483647):job_id>")
@editor_required
def job_json(job_id: int) -> ResponseReturnValue:
    """The job as JSON: id, action, subject_id, what, state, done, total, percent, message."""
    job = jobs.get(get_session(), job_id)
    if job is None:
        return {"error": f"there is no background job {job_id}"}, 404
    return as_json(job)


def as_json(job: BankJob) -> dict[str, Any]:
    percent = 100 if job.state == "done" else (100 * job.done // job.total if job.total else 0)
    subject = (
        url_for("editor_templates.edit", template_id=job.subject_id)
        if job.action == "publish"
        else url_for("editor_quizzes.index")
        if job.action == "quizzes"
        else None
    )
    return {
        "id": job.id,
        "action": job.action,
        "subject_id": job.subject_id,
        "what": jobs.describe(job),
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "message": job.message,
        "subject_url": subject,
        "url": url_for("editor_jobs.job_page", job_id=job.id),
    }


@bp.app_context_processor
def inject_jobs() -> dict[str, Any]:
    """The editors' bar lists the bank's background work: waiting, running, or just ended."""

    def bank_jobs() -> list[dict[str, Any]]:
        if not current_user.is_authenticated:
            return []
        since = utcnow() - SHOWN_AFTER_END
        query = (
            select(BankJob)
            .where(
                col(BankJob.state).in_(("queued", "running")) | (col(BankJob.finished_at) >= since)
            )
            .order_by(col(BankJob.id).desc())
            .limit(5)
        )
        return [as_json(job) for job in get_session().exec(query)]

    return {"bank_jobs": bank_jobs}


def quiz_builder(app: Flask) -> jobs.QuizBuilder:
    """How this app rebuilds its unplayed quizzes: with its own settings."""
    settings = QuizSettings.from_config(app.config)

    def build(session: Session, on_progress: Progress | None) -> str:
        # Quizzes that players have scored on are left as they are (build_quizzes skips them).
        report = build_quizzes(
            session, today=utcnow().date(), settings=settings, on_progress=on_progress
        )
        return report.line()

    return build


# The pages from which editors save facts and templates: opening one starts reading the bank's
# generator context in this process, if it has none yet (quizapp.questions.live.warm_up).
_SAVING_PAGES = frozenset({"editor_templates", "editor_templates_api", "editor_articles"})


def warm_up_for_editors(app: Flask) -> None:
    """Read the generator context ahead when an editor opens a page they save from (not in
    tests: a thread finishing after a test would leave its context to the next)."""
    if app.testing:
        return

    @app.before_request
    def _warm_up() -> None:
        if request.blueprint in _SAVING_PAGES and current_user.is_authenticated:
            live.warm_up(get_engine(current_app))


_STARTED: dict[tuple[int, int], jobs.Worker] = {}  # by (process, app)
_START_LOCK = threading.Lock()


def start_worker(app: Flask) -> None:
    """Start this process's worker with its first request (see the module's docstring)."""
    if app.testing or not app.config["BACKGROUND_JOBS"]:
        return

    @app.before_request
    def _ensure_worker() -> None:
        key = (os.getpid(), id(app))
        if key in _STARTED:
            return
        with _START_LOCK:
            if key not in _STARTED:
                worker = jobs.Worker(
                    get_engine(current_app),
                    seed=current_app.config["GENERATION_SEED"],
                    quizzes=quiz_builder(current_app),
                )
                worker.start()
                _STARTED[key] = worker
