"""quizapp: trivia quizzes generated from entertainment-news facts.

This module holds `create_app`. The package's areas (core, bank, questions, game, workspace),
the pages and the API above them, and the rules between them are in docs/architecture.md.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.core.paths import instance_dir, resource_dir

if TYPE_CHECKING:
    from flask import Flask


def create_app(
    test_config: dict[str, Any] | None = None, *, require_secret_key: bool = True
) -> "Flask":
    """Create and configure the app: the application factory (flaskr's pattern) that gunicorn,
    the command line and the tests call.

    The settings' defaults come first (quizapp.core.settings), then instance/config.py and the
    environment (DATABASE_URL and any QUIZAPP_* variable), then ``test_config``. Every setting
    is then checked, and a bad one raises SettingsError naming its variable and what it must
    be: the app does not start with a value it would fail on later.

    Outside DEBUG and TESTING the app needs a secret key of its own (QUIZAPP_SECRET_KEY or
    the instance folder's ``secret_key`` file) and raises MissingSecretKey (a SettingsError)
    without one, saying what to set (quizapp.web.security). The command line passes
    ``require_secret_key=False``: its commands need no key, and `quizapp start` creates the
    file before it serves.
    """
    app = _new_flask_app()
    _load_settings(app, test_config)
    _observe_requests(app)
    _secure(app, require_secret_key=require_secret_key)
    _refuse_bad_input(app)
    _connect_database_and_commands(app)
    _guard_forms_and_limits(app)
    _register_pages_and_api(app)
    return app


def _new_flask_app() -> "Flask":
    """The Flask object, with its instance folder and the bundled templates and static files."""
    # Imported here so that importing a domain module (quizapp.bank, ...) never loads Flask.
    from flask import Flask

    # QUIZAPP_INSTANCE_PATH moves the instance folder (its SQLite file, secret key and
    # config.py) out of the checkout: for an operator, and for the tests, which never touch
    # the developer's own.
    return Flask(
        __name__,
        instance_path=str(instance_dir()),
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )


def _load_settings(app: "Flask", test_config: dict[str, Any] | None) -> None:
    """Defaults, then instance/config.py and the environment (or the test's config), checked.

    The checked values replace what was read (``"10"`` becomes 10); SettingsError names every
    bad one.
    """
    from quizapp.core import settings

    app.config.from_mapping(settings.defaults())
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        if os.environ.get("DATABASE_URL"):
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        app.config.from_prefixed_env("QUIZAPP")
    else:
        app.config.from_mapping(test_config)
    app.config.from_mapping(settings.validate(app.config).model_dump())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def _observe_requests(app: "Flask") -> None:
    """Request ids, the request log and the request metrics (quizapp.web.monitoring).

    First of the request hooks, so that even a request another hook refuses is timed, logged
    and counted.
    """
    from quizapp.web import monitoring

    monitoring.init_app(app)


def _secure(app: "Flask", *, require_secret_key: bool) -> None:
    """The secret key, cookie flags, proxy trust and security headers (quizapp.web.security)."""
    from quizapp.web import security

    security.init_app(app, require_secret_key=require_secret_key)


def _refuse_bad_input(app: "Flask") -> None:
    """Ids in paths within the database's integer range (the ``id`` converter), and no control
    characters or too deep JSON in any request (quizapp.web.inputs).

    Before the database, the limiter and the blueprints: the converter must exist when the
    routes are added, and a refused request reaches nothing.
    """
    from quizapp.web import inputs

    inputs.init_app(app)


def _connect_database_and_commands(app: "Flask") -> None:
    """A database session per request or command, and the `quizapp` commands."""
    from quizapp import cli, db

    db.init_app(app)
    cli.register_commands(app)


def _guard_forms_and_limits(app: "Flask") -> None:
    """Rate limits, editors' logins and CSRF tokens on every form (not on the bearer-token API)."""
    from flask_wtf.csrf import CSRFProtect

    from quizapp import limits
    from quizapp.api import bp as api_bp
    from quizapp.web import auth

    # Limits set with @limiter.limit are checked as their view runs, so after CSRFProtect: a
    # form refused for its token is not counted (it reaches nothing worth protecting).
    limits.init_app(app)
    auth.login_manager.init_app(app)
    csrf = CSRFProtect(app)
    # API clients authenticate with a bearer token, not a cookie, so CSRF cannot reach them.
    csrf.exempt(api_bp)


def _register_pages_and_api(app: "Flask") -> None:
    """The game's pages, the operators' endpoints, the JSON API and the editors' workspace."""
    from quizapp.api import bp as api_bp
    from quizapp.web import (
        audit,
        auth,
        boards,
        editor_articles,
        editor_entities,
        editor_jobs,
        editor_kinds,
        editor_moderation,
        editor_proposals,
        editor_quizzes,
        editor_review,
        editor_templates,
        health,
        play,
        questions,
    )

    app.register_blueprint(health.bp)
    app.register_blueprint(play.bp)
    app.register_blueprint(boards.bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(auth.bp, url_prefix="/editor")
    app.register_blueprint(editor_templates.bp, url_prefix="/editor/templates")
    app.register_blueprint(editor_templates.api_bp, url_prefix="/editor/api/templates")
    app.register_blueprint(editor_articles.bp, url_prefix="/editor/articles")
    app.register_blueprint(editor_articles.api_bp, url_prefix="/editor/api")
    app.register_blueprint(editor_proposals.bp, url_prefix="/editor/articles")
    app.register_blueprint(editor_entities.bp, url_prefix="/editor/entities")
    app.register_blueprint(editor_kinds.bp, url_prefix="/editor/kinds")
    app.register_blueprint(editor_quizzes.bp, url_prefix="/editor/quizzes")
    app.register_blueprint(questions.bp, url_prefix="/editor/questions")
    app.register_blueprint(audit.bp, url_prefix="/editor/audit")
    app.register_blueprint(editor_moderation.bp, url_prefix="/editor/moderation")
    app.register_blueprint(editor_review.bp, url_prefix="/editor/review")
    app.register_blueprint(editor_jobs.bp, url_prefix="/editor/jobs")
    app.register_blueprint(editor_jobs.api_bp, url_prefix="/editor/api/jobs")
    editor_jobs.start_worker(app)
    editor_jobs.warm_up_for_editors(app)
