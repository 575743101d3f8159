"""The app's rate limiter, and the limits that the game's pages and the API share.

At the top of the package, below web/ and api/, so that both import it (docs/architecture.md).

`limiter` is the app's one Flask-Limiter, set up by create_app through ``init_app``; any
blueprint limits a view with ``@limiter.limit(...)``. Its counts live where
RATELIMIT_STORAGE_URI says: "memory://" counts per process, so several gunicorn workers or
hosts need a shared store (redis://...) for a limit to mean what it says.

- `player_creation_limit`: new players per client address (PLAYER_RATE_LIMIT), counted
  together for the nickname form (POST /player) and POST /api/v1/players.
- `answer_limit`: answers per player (ANSWER_RATE_LIMIT), counted together for the page's
  answer form and POST /api/v1/attempts/<id>/answers; a request that names no player (no
  nickname in the cookie, no valid token) counts against its address instead.

Both are `limiter.shared_limit`s: one count per key across the endpoints, and across every
worker and host when RATELIMIT_STORAGE_URI is a shared store (redis://...). The limits are
read from the config on each request, so a test or an operator can change them.
"""

from __future__ import annotations

import math
import time

from flask import current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from quizapp.db import get_session
from quizapp.game.play import player_for_token

# Keyed by the client's address: behind a proxy, TRUSTED_PROXIES makes create_app wrap the app
# in ProxyFix (quizapp.web.security), so that this is the visitor's address, not the proxy's.
limiter = Limiter(key_func=get_remote_address)

API_PREFIX = "/api/"


def _player_limit() -> str:
    limit: str = current_app.config["PLAYER_RATE_LIMIT"]  # checked by quizapp.core.settings
    return limit


def _answer_limit() -> str:
    limit: str = current_app.config["ANSWER_RATE_LIMIT"]
    return limit


def _bearer_token() -> str | None:
    # Parsed here rather than by quizapp.api.auth, which would answer 401 for a malformed
    # header: the limit only needs to know whose request this is, the view says the rest.
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def answering_key() -> str:
    """Whose answer this is: ``player:<id>`` where the request names a player, else the address.

    Web pages name the player in the signed session cookie, API clients by their bearer
    token (one indexed lookup). Both give the same key, so a player has one count however
    they play.
    """
    if request.path.startswith(API_PREFIX):
        player = player_for_token(get_session(), _bearer_token())
        player_id = player.id if player is not None else None
    else:
        player_id = session.get("player_id")
    if isinstance(player_id, int):
        return f"player:{player_id}"
    return f"address:{get_remote_address()}"


def seconds_until_reset() -> int | None:
    """After a refusal, how long until the breached limit lets this client in again."""
    breached = limiter.current_limit
    if breached is None:
        return None
    return max(1, math.ceil(breached.reset_at - time.time()))


player_creation_limit = limiter.shared_limit(
    _player_limit,
    scope="create-player",
    key_func=get_remote_address,
    methods=["POST"],
    error_message="too many new players from your address: wait a little, then try again",
)
answer_limit = limiter.shared_limit(
    _answer_limit,
    scope="answer",
    key_func=answering_key,
    methods=["POST"],
    error_message="too many answers in a short time: wait a moment, then answer again",
)


def _start_limit() -> str:
    limit: str = current_app.config["START_RATE_LIMIT"]
    return limit


# Attempts started per player (START_RATE_LIMIT), web and API together, keyed as answers are.
start_limit = limiter.shared_limit(
    _start_limit,
    scope="start",
    key_func=answering_key,
    methods=["POST"],
    error_message="too many quizzes started in a short time: wait a moment, then start again",
)
