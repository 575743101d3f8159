"""An editor hand-picks a quiz in a real browser, edits the draft with the keyboard, publishes
it, and a player gets the questions in the edited order; another draft is deleted.

The editor ticks four questions out of the page's order (the page's script keeps the tick
order), sees the audit warn that the first gives the second's answer away, moves questions
with Tab and Enter/Space (focus comes back to the moved row's button each time), removes one,
swaps one for another question of its fact, publishes, and a player plays it. The test has a
server of its own. Set QUIZAPP_SHOTS to a folder to keep screenshots of the pick list, the edit
page and the delete page at desktop and phone width.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.game.quizzes import create_quiz
from quizapp.models import Editor, Question, Quiz, QuizItem
from quizapp.workspace.accounts import create_editor
from tests.browser.conftest import LiveGame, serve
from tests.browser.test_play_in_browser import (
    attempt_id_of,
    click_and_load,
    expect,
    join_and_start,
    press_and_load,
    tab_to,
)

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "quinn", "a long enough password"
ARTICLE = "vma-2010-gaga-triumph"
ANNOUNCED = ("announced-album-event-mc", "vma-2010-gaga-announced-born-this-way")
PRESENTER = ("presented-presenter-mc", "vma-2010-cher-presented-video-of-the-year")
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def studio(tmp_path_factory) -> Iterator[LiveGame]:
    """A server of this test's own, with an editor account."""
    with serve(tmp_path_factory.mktemp("quiz-editor")) as live:
        with Session(get_engine(live.app)) as session:
            create_editor(session, name=EDITOR, password=PASSWORD)
            session.commit()
        yield live


def picks(live: LiveGame) -> list[str]:
    """ANNOUNCED, PRESENTER and two more questions of the article, on four facts."""
    with Session(get_engine(live.app)) as session:
        ids = []
        for template_id, fact_id in (ANNOUNCED, PRESENTER):
            ids.append(
                session.exec(
                    select(Question.id).where(
                        Question.template_id == template_id, Question.fact_id == fact_id
                    )
                ).one()
            )
        taken = {ANNOUNCED[1], PRESENTER[1]}
        for question_id, fact_id in session.exec(
            select(Question.id, Question.fact_id)
            .where(Question.article_id == ARTICLE, Question.style == "multiple_choice")
            .order_by(Question.id)
        ):
            if fact_id not in taken and len(ids) < 4:
                ids.append(question_id)
                taken.add(fact_id)
        return ids


def order_of(live: LiveGame, quiz_id: str) -> list[str]:
    with Session(get_engine(live.app)) as session:
        return list(
            session.exec(
                select(QuizItem.question_id)
                .where(QuizItem.quiz_id == quiz_id)
                .order_by(QuizItem.position)
            )
        )


def expect_focus_on(page, label: str) -> None:
    """The element labelled ``label`` gets the focus: the browser applies ``autofocus`` after
    the page has loaded, at its next rendering, so this waits for it (up to expect's timeout)."""
    expect(page.locator(f'[aria-label="{label}"]')).to_be_focused()


def log_in(page, live: LiveGame) -> None:
    page.goto(f"{live.url}/editor/login")
    page.fill("input[name=name]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    click_and_load(page, page.locator("form button[type=submit]").first)


def move_with_keyboard(page, label: str, key: str) -> None:
    """Tab to the button labelled ``label`` (from where focus is) and press ``key``."""
    tab_to(page, f'button[aria-label="{label}"]')
    press_and_load(page, key)


def test_an_editor_reorders_a_draft_with_the_keyboard_and_players_get_that_order(
    studio, new_page, tmp_path
):
    announced, presenter, x, y = picks(studio)
    page = new_page()
    log_in(page, studio)

    # 1. Hand-pick four questions, ticked in an order of the editor's, not the page's.
    page.goto(f"{studio.url}/editor/quizzes/new")
    page.fill("#title", "Gaga triumph")
    page.check("#scope-list")
    page.select_option("#article", ARTICLE)
    click_and_load(page, page.get_by_role("button", name="Filter"))
    page.fill("#title", "Gaga triumph")  # (the filter keeps it; typed again to be sure)
    page.check("#scope-list")
    listed = page.locator("input[name=question_ids]").evaluate_all("bs => bs.map(b => b.value)")
    wanted = [announced, presenter, y, x]
    assert sorted(wanted, key=listed.index) != wanted  # page order would give another quiz
    for question_id in wanted:
        page.check(f'input[name=question_ids][value="{question_id}"]')
    numbers = [
        page.locator(f'label:has(input[value="{q}"]) [data-pick-number]').inner_text()
        for q in wanted
    ]
    assert numbers == ["1", "2", "3", "4"]
    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#pick-list").scroll_into_view_if_needed()
        page.screenshot(path=shots(tmp_path) / f"new-picks-{name}.png")
    page.set_viewport_size({"width": 1000, "height": 800})
    click_and_load(page, page.get_by_role("button", name="Create quiz"))
    expect(page.get_by_text("is saved as a draft, with 4 questions.")).to_be_visible()
    quiz_id = page.url.rsplit("/", 1)[1]
    assert order_of(studio, quiz_id) == wanted

    # 2. The audit warns: the first question's evidence names the second's answer.
    expect(page.locator(".quiz-audit")).to_contain_text("quiz-give-away")
    click_and_load(page, page.get_by_role("link", name="Edit questions"))
    expect(page.locator(".quiz-audit")).to_contain_text("Item 1 (")

    # 3. With the keyboard: question 2 up (Enter); focus comes back to its row.
    page.locator("h1").focus()
    move_with_keyboard(page, "Move question 2 up", "Enter")
    assert order_of(studio, quiz_id) == [presenter, announced, y, x]
    expect_focus_on(page, "Move question 1 down")  # at the top, Up is disabled
    expect(page.locator(".quiz-audit")).not_to_contain_text("'Cher'")

    # Question 4 up with Space, then up again with Enter straight away: focus stayed on it.
    move_with_keyboard(page, "Move question 4 up", " ")
    assert order_of(studio, quiz_id) == [presenter, announced, x, y]
    expect_focus_on(page, "Move question 3 up")
    press_and_load(page, "Enter")
    assert order_of(studio, quiz_id) == [presenter, x, announced, y]
    expect_focus_on(page, "Move question 2 up")
    # The question whose evidence names the city now comes after the one asking it.
    expect(page.locator(".quiz-audit")).not_to_contain_text("'Los Angeles'")

    # 4. Remove the last question, with the keyboard too.
    tab_to(page, 'button[aria-label="Remove question 4"]')
    press_and_load(page, "Enter")
    expect(page.get_by_text(f"Question {y} is out; the quiz has 3 questions now.")).to_be_visible()

    # 5. Swap question 3 for another question of its fact: the first candidate has the focus.
    click_and_load(page, page.get_by_role("link", name="Swap question 3…"))
    first = page.locator("input[name=new_question_id]").first
    expect(first).to_be_focused()
    expect(page.locator(".swap-form .same-fact").first).to_be_visible()
    page.keyboard.press("Space")
    replacement = first.input_value()
    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=shots(tmp_path) / f"edit-swap-{name}.png", full_page=True)
    click_and_load(page, page.get_by_role("button", name="Swap", exact=True))
    assert order_of(studio, quiz_id) == [presenter, x, replacement]
    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=shots(tmp_path) / f"edit-{name}.png", full_page=True)
    page.set_viewport_size({"width": 1000, "height": 800})

    # 6. Published, the players get exactly that order; the editor can no longer edit it.
    page.goto(f"{studio.url}/editor/quizzes/{quiz_id}")
    click_and_load(page, page.get_by_role("button", name="Publish"))
    expect(page.get_by_role("link", name="Edit questions")).to_have_count(0)
    assert page.goto(f"{studio.url}/editor/quizzes/{quiz_id}/edit").status == 409

    player = new_page()
    join_and_start(player, studio, "Pat", quiz_id)
    attempt_id = attempt_id_of(player)
    asked = []
    for number in range(3):
        asked.append(player.locator('input[name="question_id"]').input_value())
        click_and_load(player, player.locator('form[action$="/answer"] button').first)
        target = f"/attempts/{attempt_id}/results" if number == 2 else f"/attempts/{attempt_id}"
        click_and_load(player, player.locator(f'main a[href$="{target}"]'))
    assert asked == [presenter, x, replacement]


def test_an_editor_deletes_a_draft_after_confirming(studio, new_page, tmp_path):
    with Session(get_engine(studio.app)) as session:
        editor = session.exec(select(Editor).where(Editor.name == EDITOR)).one()
        quiz = create_quiz(
            session,
            editor_id=editor.id,
            title="Scrap this",
            scope="list",
            question_ids=picks(studio)[:2],
        )
        quiz_id = quiz.id
    page = new_page()
    log_in(page, studio)
    page.goto(f"{studio.url}/editor/quizzes/{quiz_id}/edit")

    click_and_load(page, page.get_by_role("link", name="Delete this draft…"))
    expect(page.get_by_role("heading", name="Delete the draft “Scrap this”?")).to_be_visible()
    for name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=shots(tmp_path) / f"delete-{name}.png", full_page=True)
    click_and_load(page, page.get_by_role("button", name="Delete this draft"))

    expect(page.get_by_text("The draft “Scrap this” is deleted.")).to_be_visible()
    with Session(get_engine(studio.app)) as session:
        assert session.get(Quiz, quiz_id) is None
    assert order_of(studio, quiz_id) == []


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("QUIZAPP_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
