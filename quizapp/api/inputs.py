"""The JSON body of a request, checked before any model sees it."""

import json

from flask import request

from quizapp.api.errors import ApiError


def _json_type(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def check_json_body() -> None:
    """Refuse (400) a sent body that is not a JSON object; no body is left to the view.

    Reading the body is also where a body over MAX_CONTENT_LENGTH is refused (413). The parsed
    object stays cached on the request for the view's validation.
    """
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    if not request.is_json:
        raise ApiError(400, 'send the body as JSON, with "Content-Type: application/json"')
    try:
        body = request.get_json(silent=True)
        if body is None:
            body = json.loads(raw)  # raises the decoding error; only "null" gets through
    except RecursionError:
        raise ApiError(400, "the request body is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ApiError(400, f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(400, f"the request body must be a JSON object, not {_json_type(body)}")
