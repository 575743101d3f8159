"""What every request must be before any view, and so any database work, sees it.

`init_app` (called by create_app before the limiter, the logins and the blueprints) adds:

- The ``id`` URL converter: a row id in a path is 1 to 2,147,483,647, PostgreSQL's
  ``integer``. Werkzeug's ``int`` takes any number of digits, and a larger one reached the
  database as a 500 (PostgreSQL refuses it as a parameter, SQLite past 64 bits); out of range,
  the path matches no route and is a 404, like any other unknown id.
- `refuse_bad_input`, a before-request hook: control characters (NUL and the other C0
  controls, DEL, the C1 controls) in the path, the query string, a form field, a JSON string
  or a header the app reads are a 400 naming the field. PostgreSQL cannot store NUL at all,
  and a CR LF in ``next`` would end up in a Location header. Only the multi-line fields
  (`MULTILINE_FIELDS`, a form's textareas and the same keys in JSON) may hold a tab or a line
  break. A JSON body nested deeper than `MAX_JSON_DEPTH` is refused the same way: the stdlib's
  decoder would recurse until RecursionError.

One check, here, rather than one per view: a view added later is covered without knowing it.
The refusal is the JSON error under /api/ and /editor/api/ (or for a client that asked for
JSON), the game's HTML error page otherwise; neither reads the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, render_template, request
from werkzeug.routing import IntegerConverter, Map

from quizapp.api.errors import error_response
from quizapp.api.schemas import FieldProblem
from quizapp.game.play import InvalidInput, refuse_control_characters

# PostgreSQL's integer, which every id column of ours is (SQLite's are wider).
MAX_ID = 2**31 - 1
# Fields that hold text of several lines (the textareas of the editors' and players' forms),
# as form fields or as JSON keys: a line break or a tab there is text, not an attack.
MULTILINE_FIELDS = frozenset(
    {
        "comment",
        "cues",
        "description",
        "evidence",
        "explanation",
        "prompt",
        "requires",
        "text",
        "unique_given",
    }
)
LINE_BREAKS = "\t\n\r"
# The deepest JSON any endpoint of ours reads is 3 (an object of lists of strings).
MAX_JSON_DEPTH = 32
# The request headers the app reads (the API's token, the limiter's key, the request id).
READ_HEADERS = ("Authorization", "X-Request-Id")
JSON_PATHS = ("/api/", "/editor/api/")


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive id that fits PostgreSQL's integer, else no match (404)."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class BadInput(Exception):
    """Input refused before any view ran: which field, and what is wrong with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_text(text: str, field: str, *, multiline: bool = False) -> None:
    try:
        refuse_control_characters(text, field, allowed=LINE_BREAKS if multiline else "")
    except InvalidInput as error:
        raise BadInput(field, f"{error.message}: remove it and send again") from None


def _json_strings(body: Any) -> Iterator[tuple[str, str, bool]]:
    """Every string in a JSON document (keys too) as (where, text, multi-line allowed).

    Iterative, so that depth costs no stack; deeper than MAX_JSON_DEPTH is BadInput.
    """
    stack: list[tuple[Any, str, bool, int]] = [(body, "body", False, 0)]
    while stack:
        value, where, multiline, depth = stack.pop()
        if depth >= MAX_JSON_DEPTH and isinstance(value, dict | list):
            too_deep = f"the request body is nested deeper than {MAX_JSON_DEPTH} levels"
            raise BadInput("body", too_deep)
        if isinstance(value, str):
            yield where, value, multiline
        elif isinstance(value, dict):
            for key, item in value.items():
                yield f"{where} key", key, False
                stack.append((item, str(key), key in MULTILINE_FIELDS, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, where, multiline, depth + 1) for item in value)


def _check_json_body() -> None:
    if not request.is_json or not request.get_data(cache=True):
        return
    try:
        # Parsed once per request: Flask keeps the result, and the API's body check and its
        # validation (quizapp.api.inputs, spectree) read the same object. Not JSON at all is
        # None here; the view says so in its own words.
        body = request.get_json(silent=True)
    except RecursionError:
        raise BadInput("body", "the request body is nested too deeply") from None
    for where, text, multiline in _json_strings(body):
        _check_text(text, where, multiline=multiline)


def check_request() -> None:
    """Raise BadInput for the first control character or too deep JSON in this request."""
    _check_text(request.path, "path")
    for name, value in request.args.items(multi=True):
        _check_text(name, "query parameter name")
        _check_text(value, f"query parameter {name!r}")
    for header in READ_HEADERS:
        _check_text(request.headers.get(header, ""), f"header {header}")
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        # The body read and kept first: parsing the form alone would consume it, and the
        # API's own check (quizapp.api.inputs) reads it again to say a form is no JSON.
        request.get_data(cache=True)
        for name, value in request.form.items(multi=True):
            _check_text(name, "form field name")
            _check_text(value, f"field {name!r}", multiline=name in MULTILINE_FIELDS)
        _check_json_body()


def wants_json_error() -> bool:
    """Whether the refusal should be JSON: the JSON paths, a JSON body, or Accept says so."""
    if request.path.startswith(JSON_PATHS) or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def refuse_bad_input() -> Response | tuple[str, int] | None:
    """The before-request hook: a 400 saying which field to fix, or None to go on."""
    try:
        check_request()
    except BadInput as error:
        message = error.message
        if wants_json_error():
            problem = FieldProblem(field=error.field, message=error.message)
            return error_response(400, message, fields=[problem])
        # No player in the header: the page must not read the database for this request.
        page = render_template(
            "play/error.html", status=400, message=message, current_player=lambda: None
        )
        return page, 400
    return None


def init_app(app: Flask) -> None:
    """Register the ``id`` converter and the hook; before the blueprints and the limiter."""
    app.url_map.converters["id"] = IdConverter
    app.before_request(refuse_bad_input)
