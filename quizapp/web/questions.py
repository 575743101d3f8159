"""The question browser, at /editor/questions: every generated question with its answer and
source, and a question's own page where an editor tries an answer on the real grader. It shows
answers, so it is for editors only."""

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from quizapp.db import get_session
from quizapp.game.feedback import answer_summaries
from quizapp.game.trial import TrialError, Verdict, try_answer
from quizapp.models import STYLES, Article, Question
from quizapp.questions.browse import (
    STATUSES,
    BrowseError,
    QuestionFilters,
    get_question_page,
    kind_names,
    template_choices,
)
from quizapp.questions.generation import difficulty_label
from quizapp.web.auth import editor_required, http_error

bp = Blueprint("questions", __name__)
# A filter the bank has no such value for is a 400 page in the workspace's look, saying what to fix.
bp.register_error_handler(HTTPException, http_error)


FILTERS = ("article", "entity", "answer_entity", "kind", "template", "style", "status", "q")


@bp.get("/")
@editor_required
def index() -> ResponseReturnValue:
    """List the generated questions a page at a time, filtered and searched (a GET form, so
    a filtered page is a link), each with its players' statistics."""
    session = get_session()
    chosen = {name: request.args.get(name, "").strip() for name in FILTERS}
    filters = QuestionFilters(
        **{("search" if k == "q" else k): v or None for k, v in chosen.items()}
    )
    page = request.args.get("page", "1")
    if not (page.isascii() and page.isdigit()):
        abort(400, description=f"page must be a whole number (got {page!r})")
    try:
        listing = get_question_page(
            session,
            page=int(page),
            per_page=current_app.config["QUESTIONS_PER_PAGE"],
            filters=filters,
        )
    except BrowseError as exc:
        abort(400, description=str(exc))
    return render_template(
        "questions/index.html",
        listing=listing,
        stats=answer_summaries(session, (q.id for q, _ in listing.items)),
        chosen=chosen,
        kept={k: v for k, v in chosen.items() if v},
        styles=STYLES,
        statuses=STATUSES,
        kinds=kind_names(session),
        templates=template_choices(session),
        difficulty_label=difficulty_label,
    )


@bp.get("/<question_id>")
@editor_required
def detail(question_id: str) -> ResponseReturnValue:
    """One question, and "try an answer": ``?answer=...`` shows the grader's verdict, as a
    player typing it would be graded (quizapp.game.trial). A GET form: nothing changes."""
    session = get_session()
    question = session.get(Question, question_id)
    if question is None:
        abort(404, description=f"There is no question {question_id}.")
    answer = request.args.get("answer")
    verdict: Verdict | None = None
    error: str | None = None
    if answer is not None:
        try:
            verdict = try_answer(session, question_id, answer)
        except TrialError as exc:
            error = str(exc)
    return render_template(
        "questions/detail.html",
        question=question,
        article=session.get(Article, question.article_id),
        stat=answer_summaries(session, [question.id]).get(question.id),
        answer=answer,
        verdict=verdict,
        error=error,
        difficulty_label=difficulty_label,
    ), (400 if error else 200)
