"""The fact form in a real browser: a name added to the bank from the form is known at once,
and the fields show entities by name (issue 14)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.models import Fact
from quizapp.workspace import edits
from quizapp.workspace.accounts import create_editor
from tests.browser.conftest import LiveGame, serve
from tests.browser.test_editor_in_browser import expect, submit

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "bea", "a long enough password"
TEXT = (
    "Seaside Gala recap\n\n"
    "Marisol Vantablack performed with Cher at the 2010 VMAs, to loud cheers.\n"
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[LiveGame]:
    """A server of this test's own, with an editor and an article naming someone new."""
    with serve(tmp_path_factory.mktemp("entities")) as live:
        with Session(get_engine(live.app)) as session:
            create_editor(session, name=EDITOR, password=PASSWORD)
            session.commit()
            live.app.config["ARTICLE_ID"] = edits.add_article(
                session,
                editor_id=None,
                title="Seaside Gala recap",
                date=dt.date(2026, 11, 20),
                source="Test News",
                text_=TEXT,
                event_id="vma-2010",
            ).id
        yield live


def test_a_name_added_from_the_fact_form_is_known_at_once(workspace, new_page):
    page = new_page()
    page.goto(f"{workspace.url}/editor/")
    page.fill("input[name=name]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("form button[type=submit]").first)
    article_id = workspace.app.config["ARTICLE_ID"]
    page.goto(f"{workspace.url}/editor/articles/{article_id}/facts/new?sentence=2")
    chip = page.locator("li.chip", has_text="Marisol Vantablack")
    expect(chip).to_have_class(re.compile(r"chip-new_name"))
    expect(page.locator("#role-performed_with-event-0")).to_have_value(
        "2010 MTV Video Music Awards"
    )

    page.get_by_role("link", name="Add “Marisol Vantablack”").click()
    # Her surname, which no other entity has, is offered as an alias.
    expect(page.locator("#new-entity-aliases")).to_have_value("Vantablack")
    page.locator("[data-entity-dialog]").get_by_role("button", name="Add to the bank").click()

    # No reload: the chip and the sentence's mark say "known entity" with the name.
    expect(chip).to_have_class(re.compile(r"chip-known"))
    expect(chip.locator(".chip-kind")).to_have_text("known entity")
    expect(chip).to_have_attribute("data-entity-id", "marisol-vantablack")
    expect(page.locator("mark.m-known", has_text="Marisol Vantablack")).to_have_count(1)
    expect(page.locator("mark.m-new_name")).to_have_count(0)
    expect(page.locator("[data-entity-status]")).to_contain_text("Added Marisol Vantablack")
    # Picked by name, the new entity is named beside the field and saved by its id.
    page.select_option("#kind", "performed_with")
    page.fill("#role-performed_with-performer-0", "Marisol Vantablack")
    expect(page.locator("#role-performed_with-performer-0-named")).to_contain_text("person · new")
    page.locator('[data-role="partner"] [data-pick]', has_text="Cher").click()
    expect(page.locator("#role-performed_with-partner-0")).to_have_value("Cher")
    submit(page, page.get_by_role("button", name="Save the fact"))
    expect(page.get_by_text("Saved: the fact makes")).to_be_visible()  # not "Not saved."
    with Session(get_engine(workspace.app)) as session:
        fact = session.exec(select(Fact).where(Fact.article_id == article_id)).one()
    assert fact.roles == {
        "performer": "marisol-vantablack",
        "partner": "cher",
        "event": "vma-2010",
    }
