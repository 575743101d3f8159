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

A shared store that hangs (a stopped Redis answers no command but keeps its connections open)
must not hang the app: `init_app` gives a redis:// store short socket timeouts and no retries
(redis-py's own default retries with backoff for 5-20 s), so a limited request learns within
STORAGE_TIMEOUT_S that the store is gone; Flask-Limiter then counts in memory in each process
(RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) until the store answers again, and swallows any other
storage error rather than answer 500 (docs/reliability.md, "A hung Redis").

An answer is timed from when its request reached the app (`arrived_at`), stamped by a WSGI
wrapper that `init_app` puts around everything else: whatever waits after that (the limiter's
store, the database's lock) is the server's delay, never the player's.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage

from quizapp.db import get_session
from quizapp.game import play
from quizapp.game.play import player_for_token
from quizapp.models import Player

# Keyed by the client's address: behind a proxy, TRUSTED_PROXIES makes create_app wrap the app
# in ProxyFix (quizapp.web.security), so that this is the visitor's address, not the proxy's.
limiter = Limiter(key_func=get_remote_address)

API_PREFIX = "/api/"

# How long a limited request waits on the shared store before counting in memory instead: a
# local Redis answers in well under a millisecond, and a stalled one costs each process this
# once, then once per backend check (Flask-Limiter's back-off: 1, 2, 4 ... 32 s apart).
STORAGE_TIMEOUT_S = 0.25
REDIS_SCHEMES = frozenset({"redis", "rediss", "redis+unix", "redis+cluster", "redis+sentinel"})


class _SweptMemoryStorage(MemoryStorage):
    """limits' memory:// store without a thread per hit; registered as memory:// itself.

    limits' MemoryStorage frees expired counts from a threading.Timer that it starts again,
    0.01 s later, on every hit that finds the last one finished: with answers a few ms apart
    that is a new thread for most answers, a quarter of an answer's time in a profile
    (docs/benchmarks.md). Here the same sweep runs inline, at most once per SWEEP_EVERY_S.
    The counts do not depend on it: every read and increment checks its key's expiry first;
    the sweep only frees the memory of keys nobody uses any more.
    """

    STORAGE_SCHEME = ["memory"]
    SWEEP_EVERY_S = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one the base class starts; no other is ever started
        self._next_sweep = time.monotonic() + self.SWEEP_EVERY_S

    def _MemoryStorage__schedule_expiry(self) -> None:  # the base class's private hook
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY_S
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Set the limiter up on ``app``, failing open fast when its shared store hangs.

    RATELIMIT_STORAGE_OPTIONS from the config (instance/config.py) win over these defaults.
    """
    if app.config["RATELIMIT_STORAGE_URI"].partition("://")[0] in REDIS_SCHEMES:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        given = app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_timeout": STORAGE_TIMEOUT_S,
            "socket_connect_timeout": STORAGE_TIMEOUT_S,
            "retry": Retry(NoBackoff(), 0),
            **given,
        }
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter.init_app(app)
    app.wsgi_app = _StampArrival(app.wsgi_app)  # type: ignore[method-assign]


ARRIVED_AT = "quizapp.arrived_at"
TOKEN_PLAYER = "quizapp.token_player"


class _StampArrival:
    """WSGI wrapper: notes in the environ when the request reached the app, before any hook."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        # The game's own clock, looked up on each call: a test that sets the game's clock
        # sets this one too.
        environ[ARRIVED_AT] = play.utcnow()
        return self.wsgi_app(environ, start_response)


def arrived_at() -> dt.datetime:
    """When this request reached the app: the time an answer is scored by."""
    stamped = request.environ.get(ARRIVED_AT)
    return stamped if isinstance(stamped, dt.datetime) else play.utcnow()


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


def token_player(token: str | None) -> Player | None:
    """The player ``token`` belongs to, or None: looked up once per request, since the
    answer limit's key and the API's authentication (quizapp.api.auth) both need it."""
    # On the request's environ, not on g: a test's requests can share one app context.
    cached = request.environ.get(TOKEN_PLAYER)
    if cached is not None and cached[0] == token:
        player: Player | None = cached[1]
        return player
    player = player_for_token(get_session(), token)
    request.environ[TOKEN_PLAYER] = (token, player)
    return player


def answering_key() -> str:
    """Whose answer this is: ``player:<id>`` where the request names a player, else the address.

    Web pages name the player in the signed session cookie, API clients by their bearer
    token (one indexed lookup). Both give the same key, so a player has one count however
    they play.
    """
    if request.path.startswith(API_PREFIX):
        player = token_player(_bearer_token())
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
