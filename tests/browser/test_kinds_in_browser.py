"""Fact kinds in a real browser (issue 15): an admin adds a kind with a cue phrase through the
form, a bad phrase is shown at its field, and the article's proposals then hold the kind.

``QUIZAPP_SHOTS`` (a folder), when set, keeps screenshots of the pages at desktop and phone
widths, for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from quizapp.db import get_engine
from quizapp.models import FactKind
from quizapp.workspace import edits
from quizapp.workspace.accounts import create_editor
from tests.browser.conftest import LiveGame, serve
from tests.browser.test_editor_in_browser import expect, submit

pytestmark = pytest.mark.browser

ADMIN, PASSWORD = "ada", "a long enough password"
TEXT = "Encore\n\nBack on stage, Lady Gaga dedicated Born This Way to Beyonce, who beamed.\n"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[LiveGame]:
    """A server of this test's own, with an admin and an article saying a dedication."""
    with serve(tmp_path_factory.mktemp("kinds")) as live:
        with Session(get_engine(live.app)) as session:
            create_editor(session, name=ADMIN, password=PASSWORD, role="admin")
            session.commit()
            live.app.config["ARTICLE_ID"] = edits.add_article(
                session,
                editor_id=None,
                title="Encore",
                date=dt.date(2026, 11, 20),
                source="Test News",
                text_=TEXT,
                event_id="vma-2010",
            ).id
        yield live


def shoot(page, name: str) -> None:
    """Keep a full-page screenshot at each width when QUIZAPP_SHOTS names a folder."""
    folder = os.environ.get("QUIZAPP_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1000, "height": 800})


def test_an_admin_adds_a_kind_whose_phrase_finds_facts(workspace, new_page):
    page = new_page()
    page.goto(f"{workspace.url}/editor/")
    page.fill("input[name=name]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("form button[type=submit]").first)

    submit(page, page.get_by_role("link", name="Fact kinds"))
    expect(page.locator(".kinds-list")).to_contain_text("award_win")
    shoot(page, "kinds-list")
    submit(page, page.get_by_role("link", name="Add a kind"))
    page.fill("#name", "dedicated")
    page.fill("#description", "Someone dedicated a song to someone.")
    for number, (role, types) in enumerate(
        (("singer", "person, group"), ("song", "song"), ("dedicatee", "person, group")), 1
    ):
        page.fill(f"#role-{number}-name", role)
        page.fill(f"#role-{number}-types", types)
    page.fill("#cues", "{singer} dedicated {song} to {fan}")
    submit(page, page.get_by_role("button", name="Add the kind"))

    expect(page.locator("#cues")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error").first).to_contain_text("{fan}, which is no role")
    shoot(page, "kind-new-refused")
    page.fill("#cues", "{singer} dedicated {song} to {dedicatee}")
    submit(page, page.get_by_role("button", name="Add the kind"))

    expect(page.locator(".notice")).to_contain_text("Added the kind dedicated")
    with Session(get_engine(workspace.app)) as session:
        assert session.get(FactKind, "dedicated").cues == [
            "{singer} dedicated {song} to {dedicatee}"
        ]
    shoot(page, "kind-page")
    # The article's proposals now hold a fact of the new kind, read off by the phrase.
    page.goto(f"{workspace.url}/editor/articles/{workspace.app.config['ARTICLE_ID']}/proposals")
    expect(page.locator("li.ep-proposal", has_text="dedicated")).to_have_count(1)
    shoot(page, "proposals-with-new-kind")
