"""The game in the browser: nickname, quizzes, one question at a time, results.

Views parse the request, call quizapp.game.play (which judges, times and scores everything) and
render. The player is remembered by id in Flask's signed session cookie. Errors raised here
become friendly HTML pages; paths under /api/ are left to the API's own JSON handlers.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from quizapp import metrics
from quizapp.api import errors as api_errors
from quizapp.core.database import OUTAGE_ERRORS
from quizapp.core.settings import QuizSettings
from quizapp.db import get_session
from quizapp.game import answered, charts, feedback, play, ranking, share
from quizapp.game.grading import MAX_ANSWER_LENGTH
from quizapp.game.quizzes import ensure_daily_quiz, list_quizzes
from quizapp.limits import (
    answer_limit,
    arrived_at,
    limiter,
    player_creation_limit,
    seconds_until_reset,
    start_limit,
)
from quizapp.models import REPORT_REASONS, Attempt, Player, QuizItem, Report, row_id, utcnow
from quizapp.web.auth import local_path, wants_json

bp = Blueprint("play", __name__)

ERROR_STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409}
SCOPE_LABELS = {
    "daily": "Daily mix",
    "event": "Event",
    "entity": "Topic",
    "list": "Editors’ pick",
    "article": "Article",
}
REASON_CHOICES = [(r, feedback.REASON_LABELS[r]) for r in REPORT_REASONS]
CHART_BUCKETS = 10


# --- The player in the cookie -------------------------------------------------------------------


def current_player() -> Player | None:
    """The player this browser plays as, or None.

    Not cached in ``g``: the session's identity map already makes a second call free, and
    ``g`` can outlive a request (tests share one app context across requests).
    """
    player_id = session.get("player_id")
    player = get_session().get(Player, player_id) if isinstance(player_id, int) else None
    if player is None and player_id is not None:
        session.pop("player_id", None)  # the database was reset under the cookie
    return player


def remember_player(player: Player) -> None:
    """Make this browser play as ``player`` from now on, across browser restarts."""
    session["player_id"] = player.id
    session.permanent = True


def ask_for_nickname(next_url: str) -> Response:
    """Send the browser to the nickname form, coming back to ``next_url`` afterwards."""
    return redirect(url_for("play.player", next=next_url))


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page (no open redirects, and no
    line break or other control character that would reach the Location header)."""
    return local_path(target) or url_for("play.home")


@bp.app_context_processor
def inject_player() -> dict[str, Any]:
    """Every page's header names the player."""
    return {"current_player": current_player, "scope_labels": SCOPE_LABELS}


@bp.app_template_filter("points")
def points_filter(value: int) -> str:
    """A score with thousands separated: 12,450."""
    return f"{value:,}"


@bp.app_template_filter("duration")
def duration_filter(seconds: float | None) -> str:
    """A time taken in words: 48 s, 3 min 05 s."""
    if seconds is None:
        return "–"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


@bp.app_template_filter("sentence")
def sentence_filter(text: str) -> str:
    """A domain message as a sentence: first letter capitalised, a full stop at the end."""
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


# --- Errors -------------------------------------------------------------------------------------


def error_page(status: int, message: str, **extra: Any) -> tuple[str, int]:
    """A friendly HTML error page with ``status``."""
    return render_template("play/error.html", status=status, message=message, **extra), status


@bp.errorhandler(play.PlayError)
def play_error(error: play.PlayError) -> ResponseReturnValue:
    """A refused request as a page saying what happened, with the status its code maps to."""
    return error_page(ERROR_STATUS.get(error.code, 400), error.message)


@bp.errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A form without a valid token: most often a page left open very long, or cookies off."""
    return error_page(400, error.description, csrf=True)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """Any other HTTP error in the game's pages (a too large form, a bad request)."""
    if error.code == 429:
        # The message is the breached limit's own (its error_message): reports, new players
        # or answers.
        message = error.description or error.name
        return error_page(429, message, retry_after=seconds_until_reset())
    return error_page(error.code or 500, error.description or error.name)


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def routing_error(error: HTTPException) -> ResponseReturnValue:
    """Friendly pages for unknown paths and methods; /api/ paths are left to the API."""
    if request.path.startswith("/api/"):
        return error
    return http_error(error)


def database_outage(error: Exception) -> ResponseReturnValue:
    """503 for a page whose database failed under it: the error page, or JSON for clients that
    asked for JSON (the API's own views answer on the API blueprint first).

    The page leaves the player's name out of its header: that would need the database.
    """
    if api_errors.is_api_request() or wants_json():
        return api_errors.handle_database_outage(error)
    api_errors.drop_failed_session(error)
    page, status = error_page(503, api_errors.DATABASE_UNAVAILABLE, current_player=lambda: None)
    return page, status, {"Retry-After": str(api_errors.RETRY_AFTER_S)}


for _outage in OUTAGE_ERRORS:
    bp.app_errorhandler(_outage)(database_outage)


# --- Pages --------------------------------------------------------------------------------------


@bp.get("/")
def home() -> ResponseReturnValue:
    """The quizzes on offer, today's daily mix first, with the player's best on each."""
    db = get_session()
    today = utcnow().date()
    ensure_daily_quiz(db, today, QuizSettings.from_config(current_app.config))
    quizzes = list_quizzes(db, today=today)
    player = current_player()
    bests = ranking.get_player_bests(db, player_id=row_id(player)) if player else {}
    resumes = play.resumable_positions(db, player) if player else {}
    return render_template("play/home.html", quizzes=quizzes, bests=bests, resumes=resumes)


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Browsers ask for /favicon.ico whatever the page links: the same SVG, not a 404."""
    return current_app.send_static_file("favicon.svg")


@bp.route("/player", methods=["GET", "POST"])
@player_creation_limit
def player() -> ResponseReturnValue:
    """Pick a nickname: creates a new player and remembers it in this browser."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("play/player.html", next_url=next_url, nickname="")
    nickname = request.form.get("nickname", "")
    try:
        new_player, _token = play.create_player(get_session(), nickname)
    except play.PlayError as error:
        return render_template(
            "play/player.html",
            next_url=next_url,
            nickname=nickname,
            error=error.message,
            suggestion=error.details.get("suggestion"),
        ), ERROR_STATUS[error.code]
    metrics.count_player_created()
    remember_player(new_player)
    return redirect(next_url)


@bp.get("/quizzes/<quiz_id>")
def quiz(quiz_id: str) -> ResponseReturnValue:
    """One quiz before playing: its settings, the player's standing and the top of its board,
    and whether starting plays ranked, resumes or is practice."""
    db = get_session()
    the_quiz = play.get_quiz(db, quiz_id)
    player = current_player()
    standings = ranking.get_quiz_standings(
        db, quiz_id=quiz_id, limit=3, player_id=player.id if player else None
    )
    status = play.play_status(db, player, the_quiz) if player else None
    return render_template("play/quiz.html", quiz=the_quiz, standings=standings, status=status)


@bp.post("/quizzes/<quiz_id>/start")
@start_limit
def start(quiz_id: str) -> ResponseReturnValue:
    """Start an attempt at the quiz, or resume the open one, and show its current question."""
    player = current_player()
    if player is None:
        return ask_for_nickname(url_for("play.quiz", quiz_id=quiz_id))
    opened = play.open_attempt(get_session(), player, quiz_id)
    if not opened.resumed:
        metrics.count_attempt_started()
    return redirect(url_for("play.question", attempt_id=opened.attempt.id))


def _player_attempt(attempt_id: int) -> tuple[Player, Attempt] | Response:
    """The player and their attempt, or a redirect to the nickname form when nobody is
    playing."""
    player = current_player()
    if player is None:
        return ask_for_nickname(request.path)
    return player, play.get_attempt(get_session(), attempt_id, player)


def _render_question(
    attempt: Attempt, question: play.ServedQuestion, *, error: str | None = None, status: int = 200
) -> tuple[str, int]:
    # No quiz title on the page: "All about Lady Gaga" would hint at a typed answer. The typed
    # answer's field holds as much as the game takes, and no more.
    return render_template(
        "play/question.html",
        attempt=attempt,
        question=question,
        error=error,
        max_answer_length=MAX_ANSWER_LENGTH,
    ), status


@bp.get("/attempts/<id:attempt_id>")
def question(attempt_id: int) -> ResponseReturnValue:
    """The attempt's current question (its clock starts on the first view), or the results."""
    found = _player_attempt(attempt_id)
    if isinstance(found, Response):
        return found
    _, attempt = found
    served = play.current_question(get_session(), attempt)
    if served is None:
        return redirect(url_for("play.results", attempt_id=attempt_id))
    return _render_question(attempt, served)


@bp.post("/attempts/<id:attempt_id>/answer")
@answer_limit
def answer(attempt_id: int) -> ResponseReturnValue:
    """Take an answer and show right or wrong, the points, the right answer and its source."""
    found = _player_attempt(attempt_id)
    if isinstance(found, Response):
        return found
    _, attempt = found
    db = get_session()
    try:
        outcome = play.answer_question(
            db,
            attempt,
            question_id=request.form.get("question_id", ""),
            answer=request.form.get("answer", ""),
            now=arrived_at(),
        )
    except play.InvalidInput as error:
        # Show the question again with what to fix; its clock keeps running.
        served = play.current_question(db, attempt)
        if served is None:
            raise
        message = error.message
        if served.remaining <= 0:
            # The countdown sent an empty answer, which only typed questions take as a skip.
            message = "time’s up: this question scores nothing now; pick an answer to go on"
        return _render_question(attempt, served, error=message, status=400)
    except play.Conflict as error:
        # The same answer sent again (a double click, Back and submit): its feedback, not an
        # error, and nothing scored twice.
        position = answered.answered_position(db, attempt, request.form.get("question_id", ""))
        if position is not None:
            return redirect(_feedback_url(attempt_id, position), code=303)
        return render_template("play/conflict.html", attempt=attempt, message=error.message), 409
    metrics.count_answer(correct=outcome.correct, finished=outcome.finished)
    # Post/Redirect/Get: the feedback is a page of its own, so a reload shows it again.
    return redirect(_feedback_url(attempt_id, outcome.position), code=303)


def _feedback_url(attempt_id: int, position: int) -> str:
    return url_for("play.feedback_page", attempt_id=attempt_id, number=position + 1)


@bp.get("/attempts/<id:attempt_id>/questions/<id:number>")
def feedback_page(attempt_id: int, number: int) -> ResponseReturnValue:
    """Right or wrong, the points, the right answer and its source for answered question
    ``number`` (1-based), read back from the stored answer."""
    found = _player_attempt(attempt_id)
    if isinstance(found, Response):
        return found
    _, attempt = found
    shown = answered.answered_feedback(get_session(), attempt, number - 1)
    return render_template(
        "play/feedback.html", attempt=attempt, outcome=shown, reasons=REASON_CHOICES
    )


@bp.get("/attempts/<id:attempt_id>/results")
def results(attempt_id: int) -> ResponseReturnValue:
    """The attempt's total, rank, every answer with its source, and where it stands."""
    found = _player_attempt(attempt_id)
    if isinstance(found, Response):
        return found
    _, attempt = found
    db = get_session()
    summary = play.summarize_attempt(db, attempt)
    if not summary.finished:
        return redirect(url_for("play.question", attempt_id=attempt_id))
    leader = ranking.get_quiz_standings(db, quiz_id=summary.quiz_id, limit=1).entries
    top = max(leader[0].score if leader else 0, summary.score)
    histogram = charts.score_histogram(
        ranking.get_score_distribution(db, quiz_id=summary.quiz_id, buckets=CHART_BUCKETS),
        top=top,
        score=summary.score,
    )
    shared = share.shared_result(db, attempt_id)
    url = share_url(attempt_id)
    return render_template(
        "play/results.html",
        summary=summary,
        histogram=histogram,
        share_url=url,
        share_text=shared.text(url) if shared else "",
    )


def share_url(attempt_id: int) -> str:
    """The absolute address of the attempt's public share page."""
    token = share.share_token(current_app.config["SECRET_KEY"], attempt_id)
    return url_for("play.shared", token=token, _external=True)


@bp.get("/shared/<token>")
def shared(token: str) -> ResponseReturnValue:
    """A finished attempt's result for anyone with the link: no question, choice or answer."""
    attempt_id = share.attempt_id_from_token(current_app.config["SECRET_KEY"], token)
    result = share.shared_result(get_session(), attempt_id) if attempt_id is not None else None
    if result is None:
        return error_page(404, "There is no shared result at this address.")
    return render_template(
        "play/share.html",
        result=result,
        share_url=share_url(result.attempt_id),
        mark_words=share.MARK_WORDS,
    )


# --- Reporting a problem ------------------------------------------------------------------------


def _report_limit() -> str:
    limit: str = current_app.config["REPORT_RATE_LIMIT"]  # checked by quizapp.core.settings
    return limit


def _render_report(
    attempt: Attempt,
    item: QuizItem,
    number: int,
    *,
    sent: Report | None = None,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "play/report.html",
        attempt=attempt,
        item=item,
        number=number,
        reasons=REASON_CHOICES,
        sent=sent,
        error=error,
        form=request.form,
    ), status


@bp.route("/attempts/<id:attempt_id>/questions/<id:number>/report", methods=["GET", "POST"])
@limiter.limit(
    _report_limit,
    methods=["POST"],
    error_message="too many reports from your address: try again later",
)
def report(attempt_id: int, number: int) -> ResponseReturnValue:
    """Report a problem with answered question ``number`` (1-based) of the player's attempt.

    GET shows the form, or the thanks once sent; POST files it and comes back to GET.
    """
    found = _player_attempt(attempt_id)
    if isinstance(found, Response):
        return found
    player, attempt = found
    db = get_session()
    item = feedback.reportable_item(db, attempt=attempt, position=number - 1)
    if request.method == "GET":
        sent = feedback.find_report(db, player=player, attempt_id=attempt_id, position=number - 1)
        return _render_report(attempt, item, number, sent=sent)
    try:
        feedback.file_report(
            db,
            player=player,
            attempt_id=attempt_id,
            position=number - 1,
            reason=request.form.get("reason"),
            comment=request.form.get("comment"),
        )
    except play.InvalidInput as error:
        return _render_report(attempt, item, number, error=error.message, status=400)
    return redirect(url_for("play.report", attempt_id=attempt_id, number=number), code=303)
