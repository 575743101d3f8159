"""quizapp: trivia quizzes generated from entertainment-news facts."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.core.paths import default_database_url, instance_dir, resource_dir

if TYPE_CHECKING:
    from flask import Flask


def create_app(
    test_config: dict[str, Any] | None = None, *, require_secret_key: bool = True
) -> "Flask":
    """Create and configure the app (the flaskr factory, STYLE.md 1).

    Defaults come first, then instance/config.py and the environment (DATABASE_URL and any
    QUIZAPP_* variable), then ``test_config``.

    Outside DEBUG and TESTING the app needs a secret key of its own (QUIZAPP_SECRET_KEY or
    the instance folder's ``secret_key`` file) and raises RuntimeError without one, saying
    what to set (quizapp.web.security). The command line passes ``require_secret_key=False``:
    its commands need no key, and `quizapp start` creates the file before it serves.
    """
    # Imported here so that importing a domain module (quizapp.bank, ...) never loads Flask.
    from flask import Flask

    # QUIZAPP_INSTANCE_PATH moves the instance folder (its SQLite file, secret key and
    # config.py) out of the checkout: for an operator, and for the tests, which never touch
    # the developer's own.
    app = Flask(
        __name__,
        instance_path=str(instance_dir()),
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.from_mapping(
        # Accepted only under DEBUG or TESTING; see quizapp.web.security for the real key.
        SECRET_KEY="dev",
        # Secure cookies unless DEBUG, TESTING or LOCAL_HTTP; True or False here decides.
        SESSION_COOKIE_SECURE=None,
        # Served over plain http on this machine (`quizapp start` sets it): cookies cannot be
        # Secure there, or the browser would never send them back.
        LOCAL_HTTP=False,
        # How many proxies in front of the app set X-Forwarded-For/-Proto (0: believe none).
        TRUSTED_PROXIES=0,
        DATABASE_URL=default_database_url(),
        BANK_PATH=str(resource_dir("question_bank")),
        GENERATION_SEED=2026,
        QUESTIONS_PER_PAGE=50,
        QUESTIONS_PER_QUIZ=10,
        SECONDS_PER_QUESTION=20,
        SCORING_MODE="timed",
        # Request bodies larger than this are refused with 413 before any view runs.
        MAX_CONTENT_LENGTH=64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        # Editors' logins (quizapp.web.auth): tries per address, and how long a login lasts.
        LOGIN_RATE_LIMIT="10 per minute",
        # Players' "report a problem" forms, per address.
        REPORT_RATE_LIMIT="20 per hour",
        # New players per address (web form and API together; quizapp.limits). A class
        # playing together behind one address makes a burst of them.
        PLAYER_RATE_LIMIT="20 per minute",
        # Answers per player (web and API together), else per address; no one reads and
        # answers two questions a second.
        ANSWER_RATE_LIMIT="120 per minute",
        EDITOR_LOGIN_HOURS=12,
        # Flask-Limiter: named explicitly so it does not warn; several processes or hosts need
        # a shared store here (redis://...) for the limits to hold across them.
        RATELIMIT_STORAGE_URI="memory://",
        # The limiter is one module-level object: without a value here, an app would inherit
        # the enabled flag of the last app initialised in the same process.
        RATELIMIT_ENABLED=True,
        RATELIMIT_HEADERS_ENABLED=True,
        # If the shared store (Redis) goes away, count in each process rather than fail every
        # limited request with a 500; the limiter goes back to the store once it answers.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        if os.environ.get("DATABASE_URL"):
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        app.config.from_prefixed_env("QUIZAPP")
    else:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from quizapp.web import security

    security.init_app(app, require_secret_key=require_secret_key)

    from quizapp import cli, db

    db.init_app(app)
    cli.register_commands(app)

    from flask_wtf.csrf import CSRFProtect

    from quizapp.api import bp as api_bp
    from quizapp.limits import limiter
    from quizapp.web import (
        auth,
        boards,
        editor_articles,
        editor_quizzes,
        editor_templates,
        health,
        play,
        questions,
    )

    # Limits set with @limiter.limit are checked as their view runs, so after CSRFProtect: a
    # form refused for its token is not counted (it reaches nothing worth protecting).
    limiter.init_app(app)
    auth.login_manager.init_app(app)
    csrf = CSRFProtect(app)
    # API clients authenticate with a bearer token, not a cookie, so CSRF cannot reach them.
    csrf.exempt(api_bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(play.bp)
    app.register_blueprint(boards.bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(auth.bp, url_prefix="/editor")
    app.register_blueprint(editor_templates.bp, url_prefix="/editor/templates")
    app.register_blueprint(editor_templates.api_bp, url_prefix="/editor/api/templates")
    app.register_blueprint(editor_articles.bp, url_prefix="/editor/articles")
    app.register_blueprint(editor_articles.api_bp, url_prefix="/editor/api")
    app.register_blueprint(editor_quizzes.bp, url_prefix="/editor/quizzes")
    app.register_blueprint(questions.bp, url_prefix="/editor/questions")
    return app
