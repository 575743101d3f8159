"""Who is calling: the player behind the request's bearer token."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request

from quizapp.api.errors import ApiError
from quizapp.limits import token_player
from quizapp.models import Player

# RFC 6750: a 401 for a bearer-protected resource says which scheme to use.
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="quizapp"'}


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers=CHALLENGE)


def bearer_token() -> str | None:
    """The token of the Authorization header; None when there is no header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized('send the token as "Authorization: Bearer <token>"')
    return token.strip()


def authenticated_player(*, required: bool) -> Player | None:
    """The caller's player; 401 for a bad token, and for none when ``required``."""
    token = bearer_token()
    if token is None:
        if required:
            raise _unauthorized(
                'this needs a player\'s token: "Authorization: Bearer <token>" '
                "(POST /api/v1/players gives one)"
            )
        return None
    player = token_player(token)
    if player is None:
        raise _unauthorized("the token is not valid")
    return player


def requires_player(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the view with ``player=`` the caller's player, or answer 401 first.

    It goes above ``spec.validate`` so a caller without a valid token learns that before
    anything about their input.
    """

    @wraps(view)
    def with_player(*args: Any, **kwargs: Any) -> Any:
        return view(*args, player=authenticated_player(required=True), **kwargs)

    return with_player
