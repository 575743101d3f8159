"""Fixtures shared by the tests: the app (pytest-flask gives `client`), a CLI runner, banks."""

import datetime as dt
import re
from pathlib import Path

import pytest
from flask import g
from sqlmodel import Session

from quizapp import create_app
from quizapp.db import create_schema, get_engine
from quizapp.paths import resource_dir
from tests.factories import make_small_bank, write_bank

BUNDLED_BANK = resource_dir("question_bank")
TODAY = dt.date(2026, 11, 22)
# Hand-written forms put name before value, WTForms' csrf_token field puts type between.
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


@pytest.fixture
def faker_seed() -> int:
    """Seed the Faker plugin's `faker` fixture so every run sees the same data."""
    return 2026


@pytest.fixture
def app(tmp_path: Path):
    """An app on a fresh SQLite database in a temporary folder."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
            "BANK_PATH": str(BUNDLED_BANK),
        }
    )
    with app.app_context():
        create_schema(get_engine())
    yield app
    get_engine(app).dispose()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Hash editor passwords cheaply: scrypt's tenth of a second per hash adds up in tests."""
    monkeypatch.setattr("quizapp.editors.PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")


class EditorAuth:
    """Logs an editor in and out through the forms, CSRF token included (STYLE.md 9)."""

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        """A CSRF token of this client's session, read from a page as a browser would."""
        if self._token is None:
            # Requests of one test share one app context, and Flask-WTF caches the token in
            # g: drop it so that the token belongs to this client's session.
            g.pop("csrf_token", None)
            response = self.client.get("/editor/login")
            if response.status_code == 302:  # logged in already: the workspace has a form
                response = self.client.get("/editor/")
            self._token = CSRF_FIELD.search(response.get_data(as_text=True)).group(1)
        return self._token

    def post(self, url: str, **data: str):
        """Submit a form to ``url`` with the token."""
        return self.client.post(url, data={"csrf_token": self.token(), **data})

    def login(self, name: str, password: str, **extra: str):
        """Submit the login form; ``extra`` may hold ``next``."""
        return self.post("/editor/login", name=name, password=password, **extra)

    def logout(self):
        """Submit the logout form."""
        return self.post("/editor/logout")


@pytest.fixture
def editor_auth(client) -> EditorAuth:
    """Log the test's `client` in and out as an editor."""
    return EditorAuth(client)


@pytest.fixture
def runner(app):
    """A click runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A session of its own on the app's database, to check what commands and requests wrote."""
    with Session(get_engine(app)) as session:
        yield session


@pytest.fixture
def small_bank(faker) -> dict:
    """The data of a small valid bank, to mutate before writing."""
    return make_small_bank(faker)


@pytest.fixture
def small_bank_path(tmp_path: Path, small_bank: dict) -> Path:
    """A small valid bank written to disk."""
    return write_bank(tmp_path / "bank", small_bank)


@pytest.fixture(scope="session")
def bundled_database(tmp_path_factory) -> Path:
    """A SQLite file holding the bundled bank, its questions and quizzes (built once)."""
    from quizapp.bank import load_bank
    from quizapp.db import make_engine
    from quizapp.generation import rebuild_questions
    from quizapp.quizzes import build_quizzes

    path = tmp_path_factory.mktemp("bundled") / "bundled.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    with Session(engine) as session:
        load_bank(session, BUNDLED_BANK)
        rebuild_questions(session, 2026)
        build_quizzes(session, today=TODAY)
    engine.dispose()
    return path


@pytest.fixture
def game_session(bundled_database: Path, tmp_path: Path):
    """A session on this test's own copy of the bundled database: no app, no Flask."""
    import shutil

    from quizapp.db import make_engine

    copy = tmp_path / "game.sqlite"
    shutil.copy(bundled_database, copy)
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as session:
        yield session
    engine.dispose()
