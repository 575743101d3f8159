"""The app's settings: every default and the rule each value must keep, in one place. No Flask.

create_app loads the configuration the way Flask does and the README's Configuration table
says: `defaults()` first, then ``instance/config.py``, then ``DATABASE_URL`` and every
``QUIZAPP_*`` variable (Flask's ``from_prefixed_env``: values that parse as JSON are read as
JSON), then a test's config. It hands the result to `validate`, which checks every setting
below at once and returns them cleaned (``"10"`` becomes 10, ``"yes"`` True). A value the app
cannot run with stops it at start with a `SettingsError` that names each variable and says
what it must be::

    QUIZAPP_SCORING_MODE must be one of timed, plain (got 'foo')

Secrets (the secret key, the metrics token) are never repeated in a message, and a database
URL only with its password hidden.

pydantic-settings is not used on purpose: it would read the environment itself, by rules of
its own, where Flask's prefixed variables and ``instance/config.py`` are what operators set.
Here pydantic only checks the mapping Flask has already put together.

The rules of a quiz's settings (how many questions, seconds per question, scoring mode) live
here too, below the game, so that the app's defaults and the quizzes editors make
(quizapp.game.quizzes) are held to the same bounds. `QuizSettings` carries the three values
the app builds its automatic quizzes with.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from quizapp.core.paths import default_database_url, resource_dir

# Accepted only under DEBUG or TESTING: quizapp.web.security refuses it anywhere else.
DEV_SECRET_KEY = "dev"

SCORING_MODES = ("timed", "plain")
QUESTIONS_PER_QUIZ = 10
SECONDS_PER_QUESTION = 20
SCORING_MODE = "timed"
MAX_QUESTIONS = 50
MIN_SECONDS, MAX_SECONDS = 5, 120

LOG_FORMATS = ("text", "json")
# Long enough that guessing it is hopeless; `secrets.token_hex(32)` gives 64.
MIN_TOKEN_LENGTH = 16
DATABASE_BACKENDS = ("sqlite", "postgresql")

# Settings set under another name than QUIZAPP_<key>.
_VARIABLES = {"DATABASE_URL": "DATABASE_URL"}
# Settings whose value never appears in an error message.
_SECRET = frozenset({"SECRET_KEY", "METRICS_TOKEN"})
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class SettingsError(RuntimeError):
    """Settings the app cannot start with; the message names each variable and what to set.

    ``problems`` holds one sentence per bad setting; the message is those sentences, one a line.
    """

    def __init__(self, *problems: str):
        self.problems = problems
        super().__init__("\n".join(problems))


def variable_name(key: str) -> str:
    """The environment variable that sets config ``key``: QUIZAPP_<key>, or DATABASE_URL."""
    return _VARIABLES.get(key, f"QUIZAPP_{key}")


# --- The rules ----------------------------------------------------------------------------------
# Each returns a BeforeValidator: it sees the raw value (from JSON, a config file or a test) and
# returns it cleaned or raises ValueError with what the value must be, which `validate` puts
# after the variable's name.


def _whole(low: int, high: int | None = None, *, optional: bool = False) -> BeforeValidator:
    what = f"from {low} to {high}" if high is not None else f"{low} or more"

    def check(value: object) -> int | None:
        if value is None and optional:
            return None
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().isdecimal():
            number = int(value.strip())
        if number is None or number < low or (high is not None and number > high):
            raise ValueError(f"must be a whole number {what}" + (" (or unset)" if optional else ""))
        return number

    return BeforeValidator(check)


def _integer() -> BeforeValidator:
    def check(value: object) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = value.strip() if isinstance(value, str) else ""
        if text.removeprefix("-").isdecimal():
            return int(text)
        raise ValueError("must be a whole number")

    return BeforeValidator(check)


def _flag(*, optional: bool = False) -> BeforeValidator:
    def check(value: object) -> bool | None:
        if value is None and optional:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
            return value.strip().casefold() in _TRUE
        raise ValueError("must be true or false" + (" (or unset)" if optional else ""))

    return BeforeValidator(check)


def _one_of(choices: tuple[str, ...]) -> BeforeValidator:
    def check(value: object) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return BeforeValidator(check)


def _text(*, what: str = "a text") -> BeforeValidator:
    def check(value: object) -> str:
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"must be {what}")
        return value

    return BeforeValidator(check)


def _secret(min_length: int = 0) -> BeforeValidator:
    what = f"a text of at least {min_length} characters" if min_length else "a text"

    def check(value: object) -> str | bytes | None:
        if value is None:
            return None
        if not isinstance(value, str | bytes) or len(value) < min_length:
            raise ValueError(f"must be {what} (or unset)")
        return value

    return BeforeValidator(check)


def _rate_limit() -> BeforeValidator:
    from limits import parse_many

    def check(value: object) -> str:
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            parse_many(value)
        except ValueError:
            raise ValueError(
                "must be a rate limit such as '10 per minute' or '100 per hour;1000 per day'"
            ) from None
        return value

    return BeforeValidator(check)


def _storage_uri() -> BeforeValidator:
    # limits.storage imports its registry of schemes without listing it in __all__.
    from limits.storage import SCHEMES  # type: ignore[attr-defined]

    schemes = sorted(s for s in SCHEMES if not s.startswith("async+"))

    def check(value: object) -> str:
        if isinstance(value, str):
            scheme, sep, _ = value.partition("://")
            if sep and scheme in schemes:
                return value
        raise ValueError(
            "must be a storage URI such as memory:// or redis://host:6379/0 (schemes: "
            + ", ".join(schemes)
            + ")"
        )

    return BeforeValidator(check)


def _database_url() -> BeforeValidator:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    def check(value: object) -> str:
        if isinstance(value, str):
            try:
                backend = make_url(value).get_backend_name()
            except (ArgumentError, ValueError):
                backend = ""
            if backend in DATABASE_BACKENDS:
                return value
        raise ValueError(
            "must be a database URL: sqlite:///path/to/file.sqlite or "
            "postgresql+psycopg://user:password@host:5432/db"
        )

    return BeforeValidator(check)


# --- The settings -------------------------------------------------------------------------------


class Settings(BaseModel):
    """Every setting the app reads from its config, with its default and its rule.

    Field names are Flask config keys; each is set by the variable `variable_name` gives.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    # Signs the session cookie. "dev" is accepted only under DEBUG or TESTING; see
    # quizapp.web.security for where a real key comes from.
    SECRET_KEY: Annotated[str | bytes | None, _secret()] = DEV_SECRET_KEY
    # Secure cookies unless DEBUG, TESTING or LOCAL_HTTP; True or False here decides.
    SESSION_COOKIE_SECURE: Annotated[bool | None, _flag(optional=True)] = None
    # Served over plain http on this machine (`quizapp start` sets it): cookies cannot be
    # Secure there, or the browser would never send them back.
    LOCAL_HTTP: Annotated[bool, _flag()] = False
    # How many proxies in front of the app set X-Forwarded-For/-Proto (0: believe none).
    TRUSTED_PROXIES: Annotated[int, _whole(0)] = 0
    DATABASE_URL: Annotated[str, _database_url()] = Field(default_factory=default_database_url)
    BANK_PATH: Annotated[str, _text(what="a folder's path")] = Field(
        default_factory=lambda: str(resource_dir("question_bank"))
    )
    GENERATION_SEED: Annotated[int, _integer()] = 2026
    # Each process runs the bank's background work (a big publish, a refresh of wrong answers:
    # quizapp.workspace.jobs) in a thread of its own; off, `quizapp run-jobs` must run it.
    # Never under TESTING: the tests run it themselves.
    BACKGROUND_JOBS: Annotated[bool, _flag()] = True
    # Questions per page of the editors' question list.
    QUESTIONS_PER_PAGE: Annotated[int, _whole(1, 1000)] = 50
    # The automatic quizzes' settings (`QuizSettings`); editors choose their own per quiz.
    QUESTIONS_PER_QUIZ: Annotated[int, _whole(1, MAX_QUESTIONS)] = QUESTIONS_PER_QUIZ
    SECONDS_PER_QUESTION: Annotated[int, _whole(MIN_SECONDS, MAX_SECONDS)] = SECONDS_PER_QUESTION
    SCORING_MODE: Annotated[str, _one_of(SCORING_MODES)] = SCORING_MODE
    # Request bodies larger than this are refused with 413 before any view runs.
    MAX_CONTENT_LENGTH: Annotated[int, _whole(1)] = 64 * 1024
    # CSRF tokens last as long as the session (Flask-WTF's limit in seconds, if one is set).
    WTF_CSRF_TIME_LIMIT: Annotated[int | None, _whole(1, optional=True)] = None
    # Editors' logins (quizapp.web.auth): tries per address, and how long a login lasts.
    LOGIN_RATE_LIMIT: Annotated[str, _rate_limit()] = "10 per minute"
    EDITOR_LOGIN_HOURS: Annotated[int, _whole(1, 24 * 365)] = 12
    # Players' "report a problem" forms, per address.
    REPORT_RATE_LIMIT: Annotated[str, _rate_limit()] = "20 per hour"
    # New players per address (web form and API together; quizapp.limits). A class playing
    # together behind one address makes a burst of them.
    PLAYER_RATE_LIMIT: Annotated[str, _rate_limit()] = "20 per minute"
    # Answers per player (web and API together), else per address; no one reads and answers
    # two questions a second.
    ANSWER_RATE_LIMIT: Annotated[str, _rate_limit()] = "120 per minute"
    # Attempts started per player (web and API together), else per address: a start resumes
    # the open attempt, so a player needs few; a script starting hundreds is refused.
    START_RATE_LIMIT: Annotated[str, _rate_limit()] = "20 per minute"
    # Flask-Limiter: named explicitly so it does not warn; several processes or hosts need a
    # shared store here (redis://...) for the limits to hold across them.
    RATELIMIT_STORAGE_URI: Annotated[str, _storage_uri()] = "memory://"
    # The limiter is one module-level object: without a value here, an app would inherit the
    # enabled flag of the last app initialised in the same process.
    RATELIMIT_ENABLED: Annotated[bool, _flag()] = True
    RATELIMIT_HEADERS_ENABLED: Annotated[bool, _flag()] = True
    # If the shared store (Redis) goes away, count in each process rather than fail every
    # limited request with a 500; the limiter goes back to the store once it answers.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED: Annotated[bool, _flag()] = True
    # The request log's lines (quizapp.web.monitoring): "text" (key=value) or "json".
    LOG_FORMAT: Annotated[str, _one_of(LOG_FORMATS)] = "text"
    # /metrics answers only requests bearing this token; unset, it is not served at all.
    METRICS_TOKEN: Annotated[str | None, _secret(MIN_TOKEN_LENGTH)] = None


def defaults() -> dict[str, Any]:
    """Every setting's default, as config keys and values (the instance folder's decide some)."""
    return {
        name: field.get_default(call_default_factory=True)
        for name, field in Settings.model_fields.items()
    }


def validate(config: Mapping[str, Any]) -> Settings:
    """Check every setting in ``config`` (a Flask config: other keys are ignored).

    Returns the settings, cleaned; raises SettingsError naming every bad one at once.
    """
    try:
        return Settings.model_validate(dict(config))
    except ValidationError as error:
        raise SettingsError(*(_sentence(e) for e in error.errors())) from None


def _sentence(error: ErrorDetails) -> str:
    key = str(error["loc"][0]) if error["loc"] else "?"
    context = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in context:
        what = str(context["error"])
    else:
        what = "is not valid: " + error["msg"]
    shown = _shown(key, error["input"])
    return f"{variable_name(key)} {what}" + (f" (got {shown})" if shown else "")


def _shown(key: str, value: object) -> str | None:
    """The value as an error message may repeat it: never a secret or a password."""
    if key in _SECRET:
        return None
    if key == "DATABASE_URL":
        from sqlalchemy.engine import URL, make_url

        if not isinstance(value, str | URL):
            return None  # make_url refuses anything else
        try:
            return repr(make_url(value).render_as_string(hide_password=True))
        except Exception:
            # Not a URL: it could still hold a password somewhere, so it is not repeated.
            return None
    return repr(value)


@dataclass(frozen=True)
class QuizSettings:
    """How the app's automatic quizzes are made: questions, seconds each, scoring mode.

    The values come from QUESTIONS_PER_QUIZ, SECONDS_PER_QUESTION and SCORING_MODE, checked
    by `validate` when the app starts; `from_config` reads the three together.
    """

    count: int = QUESTIONS_PER_QUIZ
    seconds: int = SECONDS_PER_QUESTION
    mode: str = SCORING_MODE

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> QuizSettings:
        """The quiz settings of an app's (validated) config."""
        return cls(
            count=config["QUESTIONS_PER_QUIZ"],
            seconds=config["SECONDS_PER_QUESTION"],
            mode=config["SCORING_MODE"],
        )


# The defaults, for callers that build quizzes without an app (the tests, the benchmarks).
DEFAULT_QUIZ_SETTINGS = QuizSettings()
