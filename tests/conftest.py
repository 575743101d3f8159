"""Fixtures shared by the tests: the app (pytest-flask gives `client`), a CLI runner, banks."""

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session

from quizapp import create_app
from quizapp.db import create_schema, get_engine
from quizapp.paths import resource_dir
from tests.factories import make_small_bank, write_bank

BUNDLED_BANK = resource_dir("question_bank")
TODAY = dt.date(2026, 11, 22)


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
