"""The Content-Security-Policy in a real browser: no page reports a violation, and the pages'
scripts run under it (quizapp/web/security.py).

Every violation fires a `securitypolicyviolation` event; a script added before the page's own
(Playwright's init script, which the policy does not govern) records them.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from quizapp.db import get_engine
from quizapp.workspace.accounts import create_editor
from tests.browser.test_play_in_browser import click_and_load, expect, join_and_start

pytestmark = pytest.mark.browser

QUIZ = "event-vma-2010"
EDITOR, PASSWORD = "csp-ed", "a long enough password"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watched_page(new_page):
    """A new page that records CSP violations and CSP complaints on the console."""
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_messages_seen = []
    page.on("console", lambda message: page.console_messages_seen.append(message.text))
    return page


def violations(page) -> list[str]:
    """What the policy refused on the page now shown, and what the console said about it."""
    said = [text for text in page.console_messages_seen if "Content Security Policy" in text]
    return page.evaluate("window.cspViolations") + said


def test_the_game_runs_its_script_without_violations(game, new_page):
    page = watched_page(new_page)
    page.goto(f"{game.url}/")
    assert violations(page) == []

    join_and_start(page, game, "Cee Spee", QUIZ)

    # game.js shows the time bar, which the page leaves hidden for browsers without scripts.
    expect(page.locator("progress.time")).to_be_visible()
    assert violations(page) == []
    click_and_load(page, page.locator('form[action$="/answer"] button').first)
    assert violations(page) == []


def test_the_workspace_runs_its_scripts_without_violations(game, new_page):
    with Session(get_engine(game.app)) as session:
        create_editor(session, name=EDITOR, password=PASSWORD)
        session.commit()
    page = watched_page(new_page)
    page.goto(f"{game.url}/editor/login")
    page.locator("#name").fill(EDITOR)
    page.locator("#password").fill(PASSWORD)
    click_and_load(page, page.locator('main button[type="submit"]'))
    assert violations(page) == []

    page.goto(f"{game.url}/editor/templates/new")
    page.locator("#prompt").fill("Who won {award} at the {event}?")
    # editor-templates.js previews as the editor types.
    expect(page.locator("#preview-status")).to_contain_text("Makes")
    assert violations(page) == []

    page.goto(f"{game.url}/editor/articles/new")
    assert violations(page) == []
