"""Fixtures shared by the tests: the app (pytest-flask gives `client`), a CLI runner, banks."""

from pathlib import Path

import pytest
from sqlmodel import Session

from quizapp import create_app
from quizapp.db import create_schema, get_engine
from quizapp.paths import resource_dir
from tests.factories import make_small_bank, write_bank

BUNDLED_BANK = resource_dir("question_bank")


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
