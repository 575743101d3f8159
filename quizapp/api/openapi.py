"""The OpenAPI document and request validation, both by spectree from quizapp.api.schemas.

`spec.validate(...)` on a view checks its query string and JSON body against the pydantic
models named in the view's signature and serializes the model it returns; `spec.spec` is the
OpenAPI document built from those same models, served at /api/v1/openapi.json.
"""

from typing import Any

from pydantic import ValidationError
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from quizapp.api.errors import invalid_input
from quizapp.api.schemas import ErrorResponse

BEARER_SCHEME = "bearerAuth"
BEARER: dict[str, list[str]] = {
    BEARER_SCHEME: []
}  # the security requirement of a view that needs a token

DESCRIPTION = """\
The quiz game for clients other than the browser.

**Players and tokens.** `POST /players` returns a token once; send it as
`Authorization: Bearer <token>`. A missing, malformed or unknown token is 401. An attempt can
be read and answered only by its own player: another player's attempt is **403** (attempt ids
are sequential, so a 404 would hide nothing), an unknown one 404.

**Errors** are `{"error": {"code", "message"}}` with the status: 400 invalid input, 401, 403,
404 (also for unknown paths), 405, 409 conflict (a taken nickname, with a `suggestion`; an
answer to a question already answered or not the current one), 413 body over 64 KB, 429,
503 when the database is unavailable for a moment: retry after `Retry-After` seconds. An
answer that got a 503 may or may not have been stored; fetch the question again to see (a
stored one has moved the attempt on, and answering it again is a 409).

**Input.** Bodies are JSON objects (`Content-Type: application/json`) with exact JSON types:
`"answer": 5` is a 400 naming the field, as is any field not listed (so a typo is not silently
dropped). Unknown query parameters are ignored.

**Fairness.** Questions carry no answer and multiple-choice order is shuffled per attempt.
Time runs from the first fetch of a question; fetching it again does not restart it.
"""


def reject_invalid_input(
    _request: Any, _response: Any, error: Exception | None, _instance: Any, _adapter: Any
) -> None:
    """Spectree's before-hook: a request that failed validation becomes our JSON 400."""
    if isinstance(error, ValidationError):
        raise invalid_input(error)


spec = SpecTree(
    "flask",
    title="quizapp API",
    version="1.0.0",
    description=DESCRIPTION,
    # Only the views decorated here are documented; the browser pages are not API.
    mode="strict",
    before=reject_invalid_input,
    validation_error_status=400,
    validation_error_model=ErrorResponse,
    # Plain class names ("AnswerCreate") rather than spectree's hashed ones; the schemas all
    # live in quizapp.api.schemas, so names cannot collide.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    security_schemes=[
        SecurityScheme(
            name=BEARER_SCHEME,
            data=SecuritySchemeData(
                type=SecureType.HTTP,
                scheme="bearer",
                description="The token POST /players returned.",
            ),
        )
    ],
)


def responses(
    ok_status: int, ok_model: type, *error_statuses: int, also_ok: int | None = None
) -> Response:
    """The responses of a view: its success model and the error statuses it may answer.

    ``also_ok`` is a second success status with the same model (a start that resumes is
    200, a new one 201). Every view here reads the database, so each may also answer 503
    when it is unavailable.
    """
    errors = {f"HTTP_{status}": ErrorResponse for status in (*error_statuses, 503)}
    oks = {f"HTTP_{ok_status}": ok_model}
    if also_ok is not None:
        oks[f"HTTP_{also_ok}"] = ok_model
    return Response(**oks, **errors)
