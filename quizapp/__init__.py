"""quizapp: trivia quizzes generated from entertainment-news facts."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.paths import resource_dir

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> "Flask":
    """Create and configure the app (the flaskr factory, STYLE.md 1).

    Defaults come first, then instance/config.py and the environment (DATABASE_URL and any
    QUIZAPP_* variable), then ``test_config``.
    """
    # Imported here so that importing a domain module (quizapp.bank, ...) never loads Flask.
    from flask import Flask

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.from_mapping(
        SECRET_KEY="dev",
        DATABASE_URL="sqlite:///" + str(Path(app.instance_path) / "quizapp.sqlite"),
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
        EDITOR_LOGIN_HOURS=12,
        # Flask-Limiter: named explicitly so it does not warn; several processes or hosts need
        # a shared store here (redis://...) for the limits to hold across them.
        RATELIMIT_STORAGE_URI="memory://",
        # The limiter is one module-level object: without a value here, an app would inherit
        # the enabled flag of the last app initialised in the same process.
        RATELIMIT_ENABLED=True,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        if os.environ.get("DATABASE_URL"):
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        app.config.from_prefixed_env("QUIZAPP")
    else:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from quizapp import db

    db.init_app(app)

    from flask_wtf.csrf import CSRFProtect

    from quizapp.api import bp as api_bp
    from quizapp.web import (
        auth,
        boards,
        editor_articles,
        editor_quizzes,
        editor_templates,
        health,
        limiter,
        play,
        questions,
    )

    # Before CSRFProtect, so that a flood of forms without a token is counted too.
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
