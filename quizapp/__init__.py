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

    from quizapp.web import questions

    app.register_blueprint(questions.bp)
    return app
