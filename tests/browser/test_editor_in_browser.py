"""An editor in a real browser, from a pasted article to a quiz that a player then plays.

The editor logs in, adds a short new article, records two facts from the sentences the
workspace suggests (three more are recorded for them: a quiz needs five facts), writes a
template whose live preview warns about a missing question mark until it is fixed,
publishes it, builds a quiz from the article, and a new player plays that quiz to the end.
The test has a server of its own, so the players' tests never see its changes to the bank.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.models import Fact, Question, Quiz
from quizapp.workspace import edits
from quizapp.workspace.accounts import create_editor
from tests.browser.conftest import LiveGame, serve
from tests.browser.test_play_in_browser import (
    attempt_id_of,
    click_and_load,
    join_and_start,
    next_link,
)

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "ann", "a long enough password"
TITLE = "Flashback: the 2009 show"
TEXT = (
    "Flashback: the 2009 show\n\n"
    "At the 2009 VMAs, Britney Spears won Best Rock Video.\n\n"
    "Later that night, Kelly Rowland won Video of the Year.\n\n"
    "Adele won Best New Artist at the 2009 VMAs.\n\n"
    "The 2009 VMAs were held at Radio City Music Hall.\n\n"
    "The show took place in New York City.\n"
)
SENTENCES = {
    "britney-spears": ("At the 2009 VMAs, Britney Spears won Best Rock Video.", "best-rock-video"),
    "kelly-rowland": (
        "Later that night, Kelly Rowland won Video of the Year.",
        "video-of-the-year",
    ),
}
# A quiz asks about at least five facts (quizapp.game.quizzes.MIN_FACTS): the editor records
# two in the browser, these three are recorded for them through the same domain function.
MORE_FACTS = [
    (
        "award_win",
        {"winner": "adele", "award": "best-new-artist", "event": "vma-2009"},
        "Adele won Best New Artist at the 2009 VMAs.",
    ),
    (
        "held_at",
        {"event": "vma-2009", "venue": "radio-city-music-hall"},
        "The 2009 VMAs were held at Radio City Music Hall.",
    ),
    (
        "held_in",
        {"event": "vma-2009", "city": "new-york-city"},
        "The show took place in New York City.",
    ),
]


def expect(locator):
    """Playwright's auto-waiting assertions, imported late so a missing Playwright skips."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[LiveGame]:
    """A server of this test's own, with an editor account."""
    with serve(tmp_path_factory.mktemp("workspace")) as live:
        with Session(get_engine(live.app)) as session:
            create_editor(session, name=EDITOR, password=PASSWORD)
            session.commit()
        yield live


def submit(page, locator) -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def record_fact(page, winner: str) -> None:
    """From the article page: record an award_win fact from the sentence naming ``winner``."""
    sentence, award = SENTENCES[winner]
    # The sentence's card: the workspace found the winner in it (a "known" chip).
    card = page.locator(f'li.ea-sentence:has(li.chip[data-entity-id="{winner}"])')
    expect(card.locator("li.chip-title, li.chip-known")).not_to_have_count(0)
    submit(page, card.get_by_role("link", name=re.compile("Record a fact")))
    # The form offers the sentence's entities first.
    expect(page.locator(f'[data-entity-id="{winner}"]').first).to_be_visible()
    expect(page.locator("#evidence")).to_have_value(sentence)
    page.select_option("#kind", "award_win")
    page.fill("#role-award_win-winner-0", winner)
    page.fill("#role-award_win-award-0", award)
    expect(page.locator("#role-award_win-event-0")).to_have_value("2009 MTV Video Music Awards")
    submit(page, page.get_by_role("button", name="Save the fact"))
    expect(page.get_by_text("Saved: the fact makes")).to_be_visible()  # not "Not saved."


def test_an_editor_takes_an_article_to_a_quiz_that_a_player_plays(workspace, new_page):
    page = new_page()
    page.goto(f"{workspace.url}/editor/")
    page.fill("input[name=name]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("form button[type=submit]").first)
    expect(page.get_by_role("heading", name="Editor workspace")).to_be_visible()

    # 1. The article, pasted.
    page.goto(f"{workspace.url}/editor/articles/new")
    page.fill("#title", TITLE)
    page.fill("#date", "2026-11-20")
    page.fill("#source", "Test News")
    page.select_option("#event", "vma-2009")
    page.fill("#text", TEXT)
    submit(page, page.get_by_role("button", name="Add the article"))
    # It lands on the facts the workspace proposes (tests/browser/test_proposals_in_browser.py
    # accepts them); this editor records facts by hand, from the article's page.
    expect(page.get_by_role("heading", name="Review proposals")).to_be_visible()
    submit(page, page.locator(".ea-crumbs").get_by_role("link", name=TITLE))
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    article_url = page.url

    # 2. Two facts from the suggested sentences.
    record_fact(page, "britney-spears")
    page.goto(article_url)
    record_fact(page, "kelly-rowland")
    with Session(get_engine(workspace.app)) as session:
        facts = session.exec(select(Fact).where(Fact.kind == "award_win")).all()
        recorded = {f.roles["winner"]: f for f in facts if f.article_id in article_url}
    assert {w: f.evidence for w, f in recorded.items()} == {w: s for w, (s, _) in SENTENCES.items()}

    # 3. A template, whose live preview warns until the question mark is there.
    page.goto(f"{workspace.url}/editor/templates/new?kind=award_win")
    page.select_option("select[name=style]", "multiple_choice")
    page.select_option("select[name=answer_role]", "winner")
    page.fill("#prompt", "Which star took home {award} at the {event}")
    problems = page.locator("#preview-problems")
    expect(problems).to_contain_text("?")
    expect(page.locator(".problem-warning").first).to_be_visible()
    expect(page.locator("#preview-questions, .preview").first).to_contain_text("Britney Spears")
    page.fill("#prompt", "Which star took home {award} at the {event}?")
    expect(page.locator(".problem-warning")).to_have_count(0)
    submit(page, page.locator("#publish-button"))
    expect(page.get_by_text(re.compile(r"Published: makes \d+ questions"))).to_be_visible()
    with Session(get_engine(workspace.app)) as session:
        made = session.exec(
            select(Question).where(Question.prompt.startswith("Which star took home"))
        ).all()
    assert {q.fact_id for q in made} >= {f.id for f in recorded.values()}

    article_id = article_url.rsplit("/", 1)[1]
    with Session(get_engine(workspace.app)) as session:
        for kind, roles, evidence in MORE_FACTS:
            edits.save_fact(
                session,
                editor_id=None,
                kind=kind,
                article_id=article_id,
                roles=roles,
                evidence=evidence,
                seed=workspace.app.config["GENERATION_SEED"],
            )

    # 4. A quiz from the article, published at once.
    page.goto(f"{workspace.url}/editor/quizzes/new")
    page.fill("#title", "Flashback quiz")
    page.check("#scope-article")
    page.select_option("#article_id", article_id)
    page.fill("input[name=count]", "5")
    page.check("input[name=publish]")
    submit(page, page.get_by_role("button", name="Create quiz"))
    with Session(get_engine(workspace.app)) as session:
        quiz = session.exec(select(Quiz).where(Quiz.title == "Flashback quiz")).one()
    assert (quiz.status, quiz.question_count) == ("published", 5)

    # 5. A new player plays it to the end and sees each answer's source.
    player = new_page()
    player.goto(f"{workspace.url}/")
    expect(player.locator(f'.quiz-card a[href*="/quizzes/{quiz.id}"]').first).to_be_visible()
    join_and_start(player, workspace, "Flashback Fan", quiz.id)
    attempt_id = attempt_id_of(player)
    for position in range(quiz.question_count):
        click_and_load(player, player.locator('form[action$="/answer"] button').first)
        expect(player.locator("blockquote.evidence cite")).to_contain_text(TITLE)
        last = position == quiz.question_count - 1
        click_and_load(player, next_link(player, attempt_id, last=last))
    expect(player.locator("main")).to_contain_text("#1 of 1 player")
    player.goto(f"{workspace.url}/leaderboards/{quiz.id}")
    expect(player.locator('tr[aria-current="true"]')).to_contain_text("Flashback Fan")
    assert workspace.attempt(attempt_id).finished_at is not None
