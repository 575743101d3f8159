"""The fairness audit's findings, at /editor/audit: what `quizapp audit` prints, for editors
(it names answers, so it is for editors only)."""

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from quizapp.db import get_session
from quizapp.web.auth import editor_required
from quizapp.workspace.audit import audit_database

bp = Blueprint("audit", __name__)


@bp.get("")
@editor_required
def index() -> ResponseReturnValue:
    """Every finding of the audit, errors first, with links to what to fix."""
    return render_template("audit/index.html", report=audit_database(get_session()))
