"""Every API error as JSON: {"error": {"code": ..., "message": ...}} with the right status.

Three layers, from the most precise to the safety net:

1. Errors the API raises itself (`ApiError`) and the game's refusals (`quizapp.game.play.PlayError`)
   are handled on the blueprint, with the message the game wrote.
2. HTTP errors with no view of ours behind them (an unknown path under /api/: 404, a wrong
   method: 405, a body over MAX_CONTENT_LENGTH: 413, 429, 500) reach app-level handlers; ours
   answers JSON under /api/ and hands any other path back untouched, so the browser pages keep
   their HTML error pages.
3. Flask looks up a handler by status code before it looks at the exception's class, so an
   app-level handler registered for a code (say the HTML 404 page) wins over ours even under
   /api/. The after-request hook turns any non-JSON error response under /api/ into the JSON
   shape, keeping its status and headers, whatever order the blueprints were registered in.

A database that fails under a request (`quizapp.core.database.OUTAGE_ERRORS`: a dropped
connection, a lock waited for too long) is a 503 "try again" with Retry-After, not a 500:
nothing the request did was wrong, and its transaction was rolled back.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import TypedDict, Unpack

from flask import Blueprint, Response, current_app, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, default_exceptions

from quizapp.api.schemas import ErrorDetail, ErrorResponse, FieldProblem
from quizapp.core.database import OUTAGE_ERRORS, outage_cause
from quizapp.core.problems import Problem
from quizapp.db import close_session
from quizapp.game.play import Conflict, Forbidden, InvalidInput, NotFound, PlayError

API_PREFIX = "/api/"

PLAY_ERROR_STATUS: dict[type[PlayError], int] = {
    InvalidInput: 400,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
}

# The codes clients branch on, by status; the game's own codes (quizapp.game.play) match these.
STATUS_CODES: dict[int, str] = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}

DATABASE_UNAVAILABLE = "the database is unavailable, try again"
# Seconds a client should wait before retrying after a 503: a pool reconnects in less.
RETRY_AFTER_S = 1


class ErrorDetails(TypedDict, total=False):
    """The error object's optional fields (ErrorDetail's), as an error carries them."""

    suggestion: str
    fields: list[FieldProblem]


class ApiError(Exception):
    """An error the API itself answers, with its status, code and message."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        **details: Unpack[ErrorDetails],
    ):
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message
        self.headers = headers or {}
        self.details = details


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    **details: Unpack[ErrorDetails],
) -> Response:
    """The JSON error response; ``details`` become extra fields of the error object."""
    body = ErrorResponse(
        error=ErrorDetail(
            code=code or STATUS_CODES.get(status, "error"), message=message, **details
        )
    )
    response = current_app.response_class(
        body.model_dump_json(exclude_none=True), status=status, mimetype="application/json"
    )
    response.headers.extend(headers)
    return response


def field_problem(problem: Problem) -> FieldProblem:
    """A domain Problem as the JSON error's field problem: its field ("body" when it has
    none) and its line as a person reads it."""
    return FieldProblem(field=problem.field or "body", message=str(problem))


def problems_response(problems: Sequence[Problem], status: int = 400) -> Response:
    """The JSON error for input the domain refused, every problem in ``fields``."""
    summary = "; ".join(str(p) for p in problems)
    return error_response(status, summary, fields=[field_problem(p) for p in problems])


def invalid_input(error: ValidationError) -> ApiError:
    """The 400 for a request that failed its pydantic model, naming every bad field."""
    problems = [
        FieldProblem(field=".".join(str(part) for part in e["loc"]) or "body", message=e["msg"])
        for e in error.errors(include_url=False)
    ]
    summary = "; ".join(f"{p.field}: {p.message}" for p in problems)
    return ApiError(400, f"invalid input: {summary}", fields=problems)


def is_api_request() -> bool:
    """Whether the current request is for the API (and so gets JSON errors)."""
    return request.path.startswith(API_PREFIX)


def _headers_but_body_ones(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    # Keep Allow (405), Retry-After (429), WWW-Authenticate (401)...; the body is ours.
    return [(k, v) for k, v in headers if k.lower() not in ("content-type", "content-length")]


def handle_api_error(error: ApiError) -> Response:
    """An error the API raised."""
    return error_response(
        error.status, error.message, code=error.code, headers=error.headers, **error.details
    )


def handle_play_error(error: PlayError) -> Response:
    """A refusal from the game: bad input 400, someone else's 403, unknown 404, conflict 409."""
    status = PLAY_ERROR_STATUS.get(type(error), 400)
    return error_response(status, error.message, code=error.code, **error.details)


def drop_failed_session(error: Exception) -> None:
    """Close the request's session after the database failed under it, and log the failure.

    Its transaction is dead: nothing else in this request (an after-request hook, an error
    page) may use it.
    """
    close_session()
    current_app.logger.warning(
        "database unavailable for %s %s: %s", request.method, request.path, outage_cause(error)
    )


def handle_database_outage(error: Exception) -> Response:
    """503 with Retry-After when the database failed under the request: retrying may work."""
    drop_failed_session(error)
    return error_response(503, DATABASE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_S)})


def handle_http_error(error: HTTPException) -> Response | HTTPException:
    """JSON under /api/; any other path gets the exception back for its own handlers."""
    if not is_api_request():
        return error
    status = error.code or 500
    return error_response(
        status, error.description or "", headers=_headers_but_body_ones(error.get_headers())
    )


def keep_api_errors_json(response: Response) -> Response:
    """Turn an error page some other handler rendered for an /api/ path into JSON."""
    if response.status_code < 400 or response.is_json or not is_api_request():
        return response
    status = response.status_code
    known = default_exceptions.get(status)
    message = known.description if known else response.status
    headers = _headers_but_body_ones(response.headers.items())
    return error_response(status, message or "", headers=headers)


def init_blueprint(bp: Blueprint) -> None:
    """Attach the handlers to the API blueprint (and, through it, to the app)."""
    bp.register_error_handler(ApiError, handle_api_error)
    bp.register_error_handler(PlayError, handle_play_error)
    for outage in OUTAGE_ERRORS:
        bp.register_error_handler(outage, handle_database_outage)
    bp.app_errorhandler(HTTPException)(handle_http_error)
    bp.after_app_request(keep_api_errors_json)
