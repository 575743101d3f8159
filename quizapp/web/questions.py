"""The question browser, at /editor/questions: every generated question with its answer and
source. It shows answers, so it is for editors only."""

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from quizapp.db import get_session
from quizapp.models import STYLES
from quizapp.questions.browse import get_question_page
from quizapp.questions.generation import difficulty_label
from quizapp.web.auth import editor_required

bp = Blueprint("questions", __name__)


@bp.get("/")
@editor_required
def index() -> ResponseReturnValue:
    """List the generated questions, a page at a time, filtered by style or article."""
    try:
        listing = get_question_page(
            get_session(),
            page=request.args.get("page", 1, type=int),
            per_page=current_app.config["QUESTIONS_PER_PAGE"],
            style=request.args.get("style") or None,
            article_id=request.args.get("article") or None,
        )
    except ValueError as exc:
        abort(400, description=str(exc))
    return render_template(
        "questions/index.html",
        listing=listing,
        styles=STYLES,
        style=request.args.get("style", ""),
        article=request.args.get("article", ""),
        difficulty_label=difficulty_label,
    )
