"""The app's settings (quizapp.core.settings): defaults, parsing, and refusing bad values at start.

A bad value stops create_app with a message that names the variable and says what it must be;
the command line and gunicorn show that message without a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp import create_app
from quizapp.__main__ import main
from quizapp.core import settings
from quizapp.core.settings import QuizSettings, Settings, SettingsError
from quizapp.db import get_engine
from quizapp.game.scoring import SCORING_MODES
from tests.conftest import make_test_app
from tests.test_security import GUNICORN_BOOT_S, free_port, run_gunicorn, stop


@pytest.fixture
def environment(monkeypatch, tmp_path: Path):
    """No QUIZAPP_* setting from the caller's shell, a database of this test, a real key; set
    a variable with ``environment(NAME=value)``."""
    for name in list(os.environ):
        if name.startswith("QUIZAPP_") and name != "QUIZAPP_INSTANCE_PATH":
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'settings.sqlite'}")
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "settings-test-key")

    def set_variables(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return set_variables


# --- Bad values -------------------------------------------------------------------------------

# (variable, value as the shell sets it, the message after the variable's name)
BAD_VALUES = [
    ("QUIZAPP_SCORING_MODE", "foo", "must be one of timed, plain (got 'foo')"),
    ("QUIZAPP_SCORING_MODE", "Timed", "must be one of timed, plain (got 'Timed')"),
    ("QUIZAPP_QUESTIONS_PER_QUIZ", "0", "must be a whole number from 1 to 50 (got 0)"),
    ("QUIZAPP_QUESTIONS_PER_QUIZ", "51", "must be a whole number from 1 to 50 (got 51)"),
    ("QUIZAPP_QUESTIONS_PER_QUIZ", "ten", "must be a whole number from 1 to 50 (got 'ten')"),
    ("QUIZAPP_QUESTIONS_PER_QUIZ", "true", "must be a whole number from 1 to 50 (got True)"),
    ("QUIZAPP_QUESTIONS_PER_QUIZ", "7.5", "must be a whole number from 1 to 50 (got 7.5)"),
    ("QUIZAPP_SECONDS_PER_QUESTION", "4", "must be a whole number from 5 to 120 (got 4)"),
    ("QUIZAPP_SECONDS_PER_QUESTION", "121", "must be a whole number from 5 to 120 (got 121)"),
    ("QUIZAPP_QUESTIONS_PER_PAGE", "0", "must be a whole number from 1 to 1000 (got 0)"),
    ("QUIZAPP_GENERATION_SEED", "abc", "must be a whole number (got 'abc')"),
    ("QUIZAPP_EDITOR_LOGIN_HOURS", "0", "must be a whole number from 1 to 8760 (got 0)"),
    ("QUIZAPP_TRUSTED_PROXIES", "-1", "must be a whole number 0 or more (got -1)"),
    ("QUIZAPP_MAX_CONTENT_LENGTH", "0", "must be a whole number 1 or more (got 0)"),
    ("QUIZAPP_LOCAL_HTTP", "maybe", "must be true or false (got 'maybe')"),
    ("QUIZAPP_RATELIMIT_ENABLED", "2", "must be true or false (got 2)"),
    ("QUIZAPP_SESSION_COOKIE_SECURE", "sometimes", "must be true or false (or unset) (got"),
    (
        "QUIZAPP_LOGIN_RATE_LIMIT",
        "ten a minute",
        "must be a rate limit such as '10 per minute' or '100 per hour;1000 per day' "
        "(got 'ten a minute')",
    ),
    ("QUIZAPP_PLAYER_RATE_LIMIT", "", "must be a rate limit such as"),
    ("QUIZAPP_ANSWER_RATE_LIMIT", "120", "must be a rate limit such as"),
    ("QUIZAPP_REPORT_RATE_LIMIT", "many per day", "must be a rate limit such as"),
    ("QUIZAPP_RATELIMIT_STORAGE_URI", "localhost:6379", "must be a storage URI such as"),
    ("QUIZAPP_RATELIMIT_STORAGE_URI", "reddis://h:6379", "must be a storage URI such as"),
    ("QUIZAPP_LOG_FORMAT", "xml", "must be one of text, json (got 'xml')"),
    ("QUIZAPP_METRICS_TOKEN", "short", "must be a text of at least 16 characters (or unset)"),
    ("QUIZAPP_BANK_PATH", " ", "must be a folder's path (got ' ')"),
    ("DATABASE_URL", "not a url", "must be a database URL: sqlite:///path/to/file.sqlite or"),
    ("DATABASE_URL", "mysql://quiz@db/quiz", "must be a database URL"),
]


@pytest.mark.parametrize(("variable", "value", "message"), BAD_VALUES)
def test_a_bad_setting_stops_the_app_naming_its_variable(environment, variable, value, message):
    environment(**{variable: value})

    with pytest.raises(SettingsError) as refused:
        create_app()

    assert str(refused.value).startswith(f"{variable} {message}")
    assert len(refused.value.problems) == 1


def test_every_bad_setting_is_named_at_once(environment):
    environment(QUIZAPP_SCORING_MODE="foo", QUIZAPP_SECONDS_PER_QUESTION="1")

    with pytest.raises(SettingsError) as refused:
        create_app()

    assert refused.value.problems == (
        "QUIZAPP_SECONDS_PER_QUESTION must be a whole number from 5 to 120 (got 1)",
        "QUIZAPP_SCORING_MODE must be one of timed, plain (got 'foo')",
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        # Digits alone are read as JSON: a number, not a text.
        ("QUIZAPP_SECRET_KEY", "31415926535897932384", "must be a text (or unset)"),
        (
            "QUIZAPP_METRICS_TOKEN",
            "secret-but-shor",
            "must be a text of at least 16 characters (or unset)",
        ),
    ],
)
def test_a_secret_is_never_repeated_in_the_message(environment, variable, value, message):
    environment(**{variable: value})

    with pytest.raises(SettingsError) as refused:
        create_app()

    assert str(refused.value) == f"{variable} {message}"


def test_a_database_password_is_hidden_in_the_message(environment):
    environment(DATABASE_URL="mysql://quiz:hunter2@db.example.org/quiz")

    with pytest.raises(SettingsError) as refused:
        create_app()

    assert "hunter2" not in str(refused.value)
    assert "(got 'mysql://quiz:***@db.example.org/quiz')" in str(refused.value)


def test_instance_config_and_test_config_are_checked_too(environment, instance_folder):
    instance_folder.mkdir(parents=True)
    (instance_folder / "config.py").write_text('SCORING_MODE = "fast"\n')
    with pytest.raises(SettingsError, match=r"QUIZAPP_SCORING_MODE must be one of timed, plain"):
        create_app()

    with pytest.raises(SettingsError, match=r"QUIZAPP_QUESTIONS_PER_QUIZ must be a whole number"):
        create_app({"TESTING": True, "QUESTIONS_PER_QUIZ": -3})


# --- Good values --------------------------------------------------------------------------------


def test_defaults_are_the_documented_ones(environment, monkeypatch, instance_folder):
    monkeypatch.delenv("DATABASE_URL")
    config = create_app().config

    assert config["DATABASE_URL"] == f"sqlite:///{instance_folder / 'quizapp.sqlite'}"
    assert Path(config["BANK_PATH"]).name == "question_bank"
    assert (config["GENERATION_SEED"], config["QUESTIONS_PER_QUIZ"]) == (2026, 10)
    assert (config["SECONDS_PER_QUESTION"], config["SCORING_MODE"]) == (20, "timed")
    assert config["LOGIN_RATE_LIMIT"] == "10 per minute"
    assert config["PLAYER_RATE_LIMIT"] == "20 per minute"
    assert config["ANSWER_RATE_LIMIT"] == "120 per minute"
    assert config["REPORT_RATE_LIMIT"] == "20 per hour"
    assert (config["EDITOR_LOGIN_HOURS"], config["TRUSTED_PROXIES"]) == (12, 0)
    assert (config["RATELIMIT_STORAGE_URI"], config["LOCAL_HTTP"]) == ("memory://", False)
    assert (config["LOG_FORMAT"], config["METRICS_TOKEN"]) == ("text", None)
    assert QuizSettings.from_config(config) == settings.DEFAULT_QUIZ_SETTINGS


def test_values_from_the_environment_are_parsed(environment):
    environment(
        QUIZAPP_QUESTIONS_PER_QUIZ="12",
        QUIZAPP_SECONDS_PER_QUESTION="45",
        QUIZAPP_SCORING_MODE="plain",
        QUIZAPP_LOCAL_HTTP="true",
        QUIZAPP_SESSION_COOKIE_SECURE="false",
        QUIZAPP_ANSWER_RATE_LIMIT="100 per hour;1000 per day",
        QUIZAPP_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        QUIZAPP_LOG_FORMAT="json",
        QUIZAPP_METRICS_TOKEN='"0123456789abcdef0123"',  # quoted: digits alone read as JSON
        DATABASE_URL="postgresql+psycopg://quiz:pw@db.example.org:5432/quiz",
    )
    config = create_app().config

    assert QuizSettings.from_config(config) == QuizSettings(count=12, seconds=45, mode="plain")
    assert config["LOCAL_HTTP"] is True and config["SESSION_COOKIE_SECURE"] is False
    assert config["ANSWER_RATE_LIMIT"] == "100 per hour;1000 per day"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["LOG_FORMAT"] == "json"
    assert config["METRICS_TOKEN"] == "0123456789abcdef0123"


def test_texts_from_instance_config_are_cleaned(environment, instance_folder):
    instance_folder.mkdir(parents=True)
    (instance_folder / "config.py").write_text(
        "from pathlib import Path\n"
        'QUESTIONS_PER_QUIZ = " 8 "\n'
        'LOCAL_HTTP = "yes"\n'
        'BANK_PATH = Path("/srv/bank")\n'
    )
    config = create_app().config

    assert config["QUESTIONS_PER_QUIZ"] == 8 and config["LOCAL_HTTP"] is True
    assert config["BANK_PATH"] == "/srv/bank"


@pytest.mark.parametrize("mode", SCORING_MODES)
def test_every_scoring_mode_is_a_valid_setting(mode):
    checked = settings.validate({"SCORING_MODE": mode}).model_dump()

    assert QuizSettings.from_config(checked).mode == mode


def test_the_defaults_pass_their_own_rules():
    assert Settings.model_validate(settings.defaults()).model_dump() == settings.defaults()


# --- The app builds its quizzes with them ---------------------------------------------------------


def test_the_daily_mix_takes_the_quiz_settings(bundled_database_url):
    app = make_test_app(
        bundled_database_url, QUESTIONS_PER_QUIZ=6, SECONDS_PER_QUESTION=45, SCORING_MODE="plain"
    )

    quizzes = app.test_client().get("/api/v1/quizzes").json["quizzes"]
    get_engine(app).dispose()

    daily = quizzes[0]
    assert daily["scope"] == "daily"
    assert (daily["question_count"], daily["seconds_per_question"]) == (6, 45)
    assert daily["scoring_mode"] == "plain"


def test_generate_builds_quizzes_with_the_quiz_settings(database_url):
    from tests.conftest import create_tables

    create_tables(database_url)
    app = make_test_app(database_url, QUESTIONS_PER_QUIZ=7, SECONDS_PER_QUESTION=30)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["load-bank"]).exit_code == 0

    assert runner.invoke(args=["generate"]).exit_code == 0

    quizzes = app.test_client().get("/api/v1/quizzes").json["quizzes"]
    get_engine(app).dispose()
    assert quizzes and {q["seconds_per_question"] for q in quizzes} == {30}
    assert max(q["question_count"] for q in quizzes) == 7


# --- The command line and gunicorn say it without a traceback ------------------------------------


@pytest.mark.parametrize("args", [["generate"], ["run"], ["--help"]])
def test_the_command_line_shows_the_message_alone(environment, args):
    environment(QUIZAPP_SCORING_MODE="foo")

    result = CliRunner().invoke(main, args)

    assert result.exit_code == 1
    assert result.output == "Error: QUIZAPP_SCORING_MODE must be one of timed, plain (got 'foo')\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_gunicorn_stops_with_the_message_and_no_traceback(tmp_path):
    process = run_gunicorn(
        tmp_path, free_port(), QUIZAPP_SECRET_KEY="gunicorn-key", QUIZAPP_SCORING_MODE="foo"
    )
    try:
        process.wait(timeout=GUNICORN_BOOT_S)
    finally:
        output = stop(process)

    assert process.returncode != 0
    assert "QUIZAPP_SCORING_MODE must be one of timed, plain (got 'foo')" in output
    assert "Traceback" not in output and "Worker failed to boot" in output
