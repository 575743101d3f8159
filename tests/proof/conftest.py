"""The proofs' marker, their figures, and the apps they drive.

Every proof prints its figures as it goes (`pytest -m proof -s` shows them live) and hands
them to the `figures` fixture, which puts them in the JUnit report (record_property) and in a
"proof figures" section at the end of the run, so a plain run summarises them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy import make_url
from sqlmodel import Session

from quizapp import create_app
from quizapp.db import get_engine
from tests.factories import make_mixed_quiz

FIGURES = pytest.StashKey[list]()
# The app's own key for test-client proofs: with TESTING off, "dev" would be refused.
SECRET_KEY = "proof-tests-not-a-real-key-0123456789abcdef"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here, since pyproject.toml belongs to the whole suite."""
    config.addinivalue_line(
        "markers",
        "proof: shows with figures what the app holds to (docs/reliability.md); "
        "run alone with -m proof -s",
    )
    config.stash[FIGURES] = []


@dataclass
class Figures:
    """One proof's figures: lines printed as they come and kept for the summary."""

    title: str
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        """Print one figure and keep it."""
        print(f"    {line}", flush=True)
        self.lines.append(line)


@pytest.fixture
def figures(request: pytest.FixtureRequest, record_property) -> Iterator[Figures]:
    """Where a proof puts its figures: printed now, summarised at the end of the run."""
    found = Figures(request.node.nodeid)
    print(f"\n[proof] {found.title}", flush=True)
    yield found
    for number, line in enumerate(found.lines, 1):
        record_property(f"figure {number}", line)
    request.config.stash[FIGURES].append(found)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Every proof's figures, after the run, whatever -s said."""
    found = config.stash.get(FIGURES, [])
    if not found:
        return
    terminalreporter.section("proof figures")
    for figures in found:
        terminalreporter.write_line(figures.title)
        for line in figures.lines:
            terminalreporter.write_line(f"    {line}")


def proof_app(database_url: str, **config: object) -> Flask:
    """The app as served (TESTING off: a failure is a 500, not a traceback in the test) on
    ``database_url``, rate limits off (all these clients share one address)."""
    return create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "RATELIMIT_ENABLED": False,
            "LOCAL_HTTP": True,
            **config,
        }
    )


def engine_name(database_url: str) -> str:
    """The engine's name for the figures: sqlite or postgresql."""
    return make_url(database_url).get_backend_name()


@pytest.fixture
def game(bundled_database_url: str) -> Iterator[Flask]:
    """The app as served, on this test's copy of the bundled bank (SQLite, then PostgreSQL)."""
    app = proof_app(bundled_database_url)
    yield app
    get_engine(app).dispose()


@pytest.fixture
def proof_quiz(game: Flask) -> str:
    """The id of a published quiz in ``game`` whose questions take every style in turn: the
    proofs play it rather than the first quiz listed, which is the day's mix and holds what the
    day gives."""
    with Session(get_engine(game)) as session:
        return make_mixed_quiz(session, title="Proof quiz")
