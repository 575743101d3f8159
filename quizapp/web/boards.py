"""Leaderboards in the browser: overall, per quiz and per topic, all time or this week."""

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from quizapp.db import get_session
from quizapp.game import play, ranking
from quizapp.game.quizzes import list_quizzes
from quizapp.models import utcnow
from quizapp.web.play import current_player, http_error, play_error

bp = Blueprint("boards", __name__, url_prefix="/leaderboards")
bp.register_error_handler(play.PlayError, play_error)
bp.register_error_handler(HTTPException, http_error)

TOP = 10
PERIOD_LABELS = {"all": "All time", "week": "This week"}


def _period() -> str:
    """The ?period= of the request: all (the default) or week; anything else is a 400."""
    period = request.args.get("period", "all")
    if period not in ranking.PERIODS:
        abort(400, description="period must be all or week")
    return period


def _player_id() -> int | None:
    player = current_player()
    return player.id if player else None


@bp.get("")
def overall() -> ResponseReturnValue:
    """The overall board (sum of each player's best per quiz) and the list of quiz boards."""
    db = get_session()
    period = _period()
    standings = ranking.get_overall_standings(db, period=period, limit=TOP, player_id=_player_id())
    quizzes = list_quizzes(db, today=utcnow().date())
    return render_template(
        "boards/overall.html",
        standings=standings,
        period=period,
        periods=PERIOD_LABELS,
        topics=[q for q in quizzes if q.scope == "entity"],
        others=[q for q in quizzes if q.scope != "entity"],
    )


@bp.get("/<quiz_id>")
def quiz(quiz_id: str) -> ResponseReturnValue:
    """One quiz's board: each player's best attempt at it."""
    db = get_session()
    period = _period()
    the_quiz = play.get_quiz(db, quiz_id)
    standings = ranking.get_quiz_standings(
        db, quiz_id=quiz_id, period=period, limit=TOP, player_id=_player_id()
    )
    return render_template(
        "boards/quiz.html",
        quiz=the_quiz,
        standings=standings,
        period=period,
        periods=PERIOD_LABELS,
    )
