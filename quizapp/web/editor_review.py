"""The review gate's screen, at /editor/review: what workspace saves would show players, and
the buttons that publish it. The lists and the publishing are quizapp.workspace.review's."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizapp.core.settings import QuizSettings
from quizapp.db import get_session
from quizapp.models import utcnow
from quizapp.web.auth import csrf_error, editor_required, http_error
from quizapp.web.editor_templates import STYLE_LABELS
from quizapp.workspace import review
from quizapp.workspace.edits import EditError

bp = Blueprint("editor_review", __name__)
bp.register_error_handler(CSRFError, csrf_error)
bp.register_error_handler(HTTPException, http_error)


@bp.get("/")
@editor_required
def index() -> ResponseReturnValue:
    """Every pending change with the questions it makes, by article and by template."""
    groups = review.pending_review(get_session())
    return render_template(
        "editor/review.html",
        groups=groups,
        changes=sum(len(group.changes) for group in groups),
        style_labels=STYLE_LABELS,
    )


@bp.post("/publish")
@editor_required
def publish() -> ResponseReturnValue:
    """Publish the changes the form listed (all, or one article's or template's)."""
    settings = QuizSettings.from_config(current_app.config)
    try:
        report = review.publish(
            get_session(),
            editor_id=current_user.id,
            tokens=request.form.getlist("change"),
            today=utcnow().date(),
            settings=settings,
        )
    except EditError as error:
        flash(str(error))
        return redirect(url_for(".index"))
    for message in report.messages():
        flash(message)
    return redirect(url_for(".index"))
