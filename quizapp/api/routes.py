"""The API's views: parse (spectree and the schemas), call the game (quizapp.game.play), and
validate its result into the response model (quizapp.api.schemas reads it off the result).

Every view is documented in the OpenAPI document by its decorator, docstring and schemas.
"""

from typing import Any

from flask import Blueprint, current_app, url_for
from spectree import Response

from quizapp import metrics
from quizapp.api import errors
from quizapp.api.auth import authenticated_player, requires_player
from quizapp.api.inputs import check_json_body
from quizapp.api.openapi import BEARER, responses, spec
from quizapp.api.schemas import (
    AnswerCreate,
    AnswerResult,
    AttemptCreated,
    AttemptPublic,
    Leaderboard,
    LeaderboardQuery,
    PlayerCreate,
    PlayerCreated,
    QuestionServed,
    QuizList,
)
from quizapp.core.settings import QuizSettings
from quizapp.db import get_session
from quizapp.game import play, ranking, share
from quizapp.game.quizzes import ensure_daily_quiz, list_quizzes
from quizapp.limits import answer_limit, arrived_at, player_creation_limit, start_limit
from quizapp.models import Player, row_id, utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(check_json_body)
errors.init_blueprint(bp)

# The id converter's range (quizapp.web.inputs: past the database's integer, a 404), spelled
# as int so that the OpenAPI document (spectree) describes it: 1 to 2,147,483,647.
ATTEMPT = "/attempts/<int(min=1, max=2147483647):attempt_id>"


@bp.post("/players")
@player_creation_limit
@spec.validate(
    resp=responses(201, PlayerCreated, 409, 413, 429),
    tags=["players"],
    operation_id="create_player",
)
def create_player(json: PlayerCreate) -> tuple[PlayerCreated, int]:
    """Create a player.

    The token in the answer is shown only this once. A nickname taken (ignoring case) is 409
    with a free `suggestion`. New players per client address are limited: 429 with
    Retry-After.
    """
    player, token = play.create_player(get_session(), json.nickname)
    metrics.count_player_created()
    return PlayerCreated(id=row_id(player), nickname=player.nickname, token=token), 201


@bp.get("/quizzes")
@spec.validate(resp=responses(200, QuizList), tags=["quizzes"], operation_id="list_quizzes")
def get_quizzes() -> QuizList:
    """List the quizzes on offer, today's daily mix first."""
    session, today = get_session(), utcnow().date()
    ensure_daily_quiz(session, today, QuizSettings.from_config(current_app.config))
    return QuizList.model_validate({"quizzes": list_quizzes(session, today=today)})


@bp.post("/quizzes/<quiz_id>/attempts")
@start_limit
@requires_player
@spec.validate(
    resp=responses(201, AttemptCreated, 401, 404, 429, also_ok=200),
    tags=["attempts"],
    security=BEARER,
    operation_id="start_attempt",
)
def start_attempt(quiz_id: str, player: Player) -> tuple[AttemptCreated, int]:
    """Start a run through a quiz (201), or resume the player's open one (200).

    A player has one open attempt per quiz: starting again answers 200 with that attempt and
    its current position. The first attempt at a quiz is ranked, later ones are practice.
    Its questions come from GET .../question. Starts per player are limited: 429 with
    Retry-After.
    """
    session = get_session()
    opened = play.open_attempt(session, player, quiz_id)
    attempt = opened.attempt
    if not opened.resumed:
        metrics.count_attempt_started()
    quiz = play.get_quiz(session, quiz_id)
    return AttemptCreated(
        attempt_id=row_id(attempt),
        quiz_id=quiz.id,
        question_count=quiz.question_count,
        ranked=attempt.ranked,
        resumed=opened.resumed,
        position=attempt.position,
    ), (200 if opened.resumed else 201)


@bp.get(f"{ATTEMPT}/question")
@requires_player
@spec.validate(
    resp=responses(200, QuestionServed, 401, 403, 404),
    tags=["attempts"],
    security=BEARER,
    operation_id="get_question",
)
def get_question(attempt_id: int, player: Player) -> QuestionServed:
    """The attempt's current question, or `{"question": null, "finished": true}`.

    The clock starts at the first fetch; fetching again returns the same deadline.
    """
    session = get_session()
    served = play.current_question(session, play.get_attempt(session, attempt_id, player))
    return QuestionServed.model_validate({"question": served, "finished": served is None})


@bp.post(f"{ATTEMPT}/answers")
@answer_limit
@requires_player
@spec.validate(
    resp=responses(200, AnswerResult, 401, 403, 404, 409, 413, 429),
    tags=["attempts"],
    security=BEARER,
    operation_id="post_answer",
)
def post_answer(attempt_id: int, player: Player, json: AnswerCreate) -> AnswerResult:
    """Answer the attempt's current question: once, and only after fetching it.

    A second answer, or one to another question, is 409 and changes nothing. An answer after
    the time plus 1 s grace is recorded as late and scores 0. Answers per player are limited:
    429 with Retry-After.
    """
    session = get_session()
    attempt = play.get_attempt(session, attempt_id, player)
    outcome = play.answer_question(
        session, attempt, question_id=json.question_id, answer=json.answer, now=arrived_at()
    )
    metrics.count_answer(correct=outcome.correct, finished=outcome.finished)
    return AnswerResult.model_validate(outcome)


@bp.get(ATTEMPT)
@requires_player
@spec.validate(
    resp=responses(200, AttemptPublic, 401, 403, 404),
    tags=["attempts"],
    security=BEARER,
    operation_id="get_attempt",
)
def get_attempt(attempt_id: int, player: Player) -> AttemptPublic:
    """The attempt's score so far and, once finished, its rank on the quiz's board."""
    session = get_session()
    summary = play.summarize_attempt(session, play.get_attempt(session, attempt_id, player))
    public = AttemptPublic.model_validate(summary)
    if summary.finished:
        token = share.share_token(current_app.config["SECRET_KEY"], summary.attempt_id)
        public.share_url = url_for("play.shared", token=token, _external=True)
    return public


@bp.get("/leaderboard")
@spec.validate(
    resp=responses(200, Leaderboard, 401, 404),
    tags=["leaderboards"],
    security=[{}, BEARER],  # optional: without a token there is just no "me"
    operation_id="get_leaderboard",
)
def get_leaderboard(query: LeaderboardQuery) -> Leaderboard:
    """A quiz's board (`quiz=`) or the overall one, for all time or this week.

    First attempts only: a player's first attempt at each quiz is the one that counts;
    later attempts are practice and never on a board.

    The token is optional: with one, `me` is the caller's own row wherever it ranks.
    """
    session = get_session()
    player = authenticated_player(required=False)
    player_id = player.id if player else None
    if query.quiz is None:
        standings = ranking.get_overall_standings(
            session, period=query.period, limit=query.limit, player_id=player_id
        )
    else:
        play.get_quiz(session, query.quiz)
        standings = ranking.get_quiz_standings(
            session,
            quiz_id=query.quiz,
            period=query.period,
            limit=query.limit,
            player_id=player_id,
        )
    return Leaderboard.model_validate(
        {
            "quiz": query.quiz,
            "period": query.period,
            "entries": standings.entries,
            "me": standings.me,
            "total": standings.total,
        }
    )


@bp.get("/openapi.json")
@spec.validate(resp=Response(HTTP_200=None), tags=["meta"], operation_id="get_openapi_document")
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, generated from the schemas that validate the requests."""
    document: dict[str, Any] = spec.spec
    return document
