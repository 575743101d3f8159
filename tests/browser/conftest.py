"""Fixtures for the browser tests: the real app served on loopback, and Debian's Chromium.

Playwright cannot download its own browsers here (`playwright install` has no network), so
the tests drive the Chromium that Debian installs at /usr/bin/chromium, and skip, saying why,
when it or Playwright is missing. CSRF protection stays on: the browser submits the real forms.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session, select

from quizapp import create_app
from quizapp.db import get_engine
from quizapp.models import Attempt, QuizItem

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NO_CHROMIUM = "Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
NO_PLAYWRIGHT = "Playwright for Python is not installed (pip install -e '.[test]')"
TIMEOUT_MS = 10_000  # a local page that takes longer than this is a failure, not a slow test


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here, since pyproject.toml belongs to the whole suite."""
    config.addinivalue_line(
        "markers", "browser: drives Debian's Chromium through Playwright (skips without it)"
    )


@dataclass
class LiveGame:
    """The app served on loopback, and a way to look up what its pages must not reveal."""

    url: str
    app: Flask

    def item(self, quiz_id: str, question_id: str) -> QuizItem:
        """The quiz's item for ``question_id``, read from the database, never from a page."""
        with Session(get_engine(self.app)) as session:
            return session.exec(
                select(QuizItem).where(
                    QuizItem.quiz_id == quiz_id, QuizItem.question_id == question_id
                )
            ).one()

    def attempt(self, attempt_id: int) -> Attempt:
        """The attempt as the server stored it."""
        with Session(get_engine(self.app)) as session:
            return session.get(Attempt, attempt_id)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, launched once for the whole run."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(NO_CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(NO_PLAYWRIGHT)
    # Under faketime (tests/faketime/) Chromium loads no page at all: it runs on the real clock,
    # which it may, as the pages take no date from it (the countdown counts the seconds the
    # server sends).
    environment = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, env=environment
        )
        yield browser
        browser.close()


@contextmanager
def serve(folder: Path) -> Iterator[LiveGame]:
    """A fresh app on 127.0.0.1 (a free port), its database in ``folder`` built from the
    bundled bank, served from a thread until the block ends."""
    from werkzeug.serving import make_server

    # SQLite only: these tests are about what a browser does with the pages, which do not
    # depend on the engine; the same flows run on both engines through the test client
    # (tests/test_play_web.py, tests/test_editor_*_web.py), and Chromium is the slow part.
    app = create_app(
        {
            "SECRET_KEY": "browser-test",
            "DATABASE_URL": f"sqlite:///{folder / 'b.sqlite'}",
            # No worker thread outliving the server and its folder: nothing here is queued.
            "BACKGROUND_JOBS": False,
        }
    )
    runner = app.test_cli_runner()
    for args in (["load-bank"], ["generate"]):  # generate also builds the quizzes
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="quizapp-browser", daemon=True)
    thread.start()
    try:
        yield LiveGame(url=f"http://127.0.0.1:{server.port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        get_engine(app).dispose()


@pytest.fixture(scope="session")
def game(tmp_path_factory) -> Iterator[LiveGame]:
    """The app the players' tests share."""
    with serve(tmp_path_factory.mktemp("browser")) as live:
        yield live


@pytest.fixture
def new_page(chromium) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (its own cookies: a new player) per call."""
    contexts = []

    def open_page(**options):
        context = chromium.new_context(viewport={"width": 1000, "height": 800}, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
