"""A player in a real browser: keyboard-only play, the countdown, no-JavaScript forms, no leaks.

Right answers come from the database (LiveGame.item), never from the pages. Each test opens
its own browser context, so each is a new player with a nickname of its own.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import LiveGame

pytestmark = pytest.mark.browser

KEYBOARD_QUIZ = "entity-lady-gaga"  # a topic quiz with every style: true/false, choices, typed
TIMER_QUIZ = "event-vma-2011"
LEAK_QUIZ = "event-vma-2010"  # its second question is multiple choice
MAX_TABS = 80


def expect(locator):
    """Playwright's auto-waiting assertions, imported late so a missing Playwright skips."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def tab_to(page, selector: str) -> int:
    """Press Tab until the focused element matches ``selector``; how many presses it took."""
    for presses in range(MAX_TABS + 1):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector!r} is not reached with {MAX_TABS} presses of Tab")


def press_and_load(page, key: str) -> None:
    """Press ``key`` and wait for the page it leads to (scripts included) to load."""
    with page.expect_navigation():
        page.keyboard.press(key)


def click_and_load(page, locator) -> None:
    """Click ``locator`` and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def right_answer(item) -> str:
    """What a player who knows it submits: a choice's text, "true"/"false", or the name."""
    if item.style == "multiple_choice":
        return item.accepted[0][0]
    if item.style == "true_false":
        return item.answer[0]
    return item.solution


def attempt_id_of(page) -> int:
    """The attempt in the page's address (/attempts/<id>...)."""
    return int(re.search(r"/attempts/(\d+)", page.url).group(1))


def current_item(page, game: LiveGame, quiz_id: str):
    """The item of the question on the page, by the question id its form sends."""
    return game.item(quiz_id, page.locator('input[name="question_id"]').input_value())


def join_and_start(page, game: LiveGame, nickname: str, quiz_id: str) -> None:
    """With the mouse: pick ``nickname`` on the way to ``quiz_id`` and start it."""
    page.goto(f"{game.url}/player?next=/quizzes/{quiz_id}")
    page.locator("#nickname").fill(nickname)
    click_and_load(page, page.locator('form:has(#nickname) button[type="submit"]'))
    click_and_load(page, start_button(page, quiz_id))
    expect(page.locator("#prompt")).to_be_visible()


def start_button(page, quiz_id: str):
    """The button that starts ``quiz_id`` (the quiz page has one)."""
    return page.locator(f'main form[action$="/quizzes/{quiz_id}/start"] button')


def next_link(page, attempt_id: int, *, last: bool = False):
    """The feedback page's way on: the next question, or the results after the last one."""
    target = f"/attempts/{attempt_id}/results" if last else f"/attempts/{attempt_id}"
    return page.locator(f'main a[href$="{target}"]')


def answer_anything(page) -> None:
    """With the mouse: click the first choice, or skip a typed question, then go on."""
    click_and_load(page, page.locator('form[action$="/answer"] button').first)
    click_and_load(page, next_link(page, attempt_id_of(page)))


def test_a_player_plays_a_whole_quiz_with_the_keyboard_only(chromium, game, new_page, tmp_path):
    nickname = "Kim Keys"
    page = new_page()
    page.goto(f"{game.url}/")

    # Home: Tab to the quiz's Play link; without a nickname it asks for one first.
    tab_to(page, f'.quiz-card a.button[href*="{KEYBOARD_QUIZ}"]')
    press_and_load(page, "Enter")
    expect(page.locator("#nickname")).to_be_focused()
    page.keyboard.type(nickname)
    press_and_load(page, "Enter")

    # Back on the quiz's page, now as Kim Keys: its start button has the focus.
    expect(page.locator("header.site .who")).to_contain_text(nickname)
    expect(start_button(page, KEYBOARD_QUIZ)).to_be_focused()
    press_and_load(page, "Enter")
    attempt_id = attempt_id_of(page)

    count = int(page.locator("progress.steps").get_attribute("max"))
    assert count >= 3
    styles = set()
    for position in range(count):
        expect(page.locator(".progress-label strong")).to_have_text(str(position + 1))
        item = current_item(page, game, KEYBOARD_QUIZ)
        styles.add(item.style)
        answer = right_answer(item)
        if item.style == "typed":
            expect(page.locator("#answer")).to_be_focused()
            page.keyboard.type(answer)
            key = "Enter"
        else:
            expect(page.locator("#prompt")).to_be_focused()  # game.js: the question first
            values = page.locator("button.choice").evaluate_all("bs => bs.map(b => b.value)")
            assert len(values) == (4 if item.style == "multiple_choice" else 2)
            key = str(values.index(answer) + 1)
            expect(page.locator(f'button.choice[data-key="{key}"] kbd')).to_have_text(key)
        if position == 0:
            page.screenshot(path=tmp_path / "question.png")
        press_and_load(page, key)

        # Feedback: right, with the source: the article's title and the sentence.
        expect(page.locator(".verdict-word")).to_have_text("Right!")
        evidence = page.locator("blockquote.evidence p")
        title = page.locator("blockquote.evidence cite")
        expect(evidence).to_be_visible()
        expect(title).to_be_visible()
        assert evidence.inner_text().strip() == " ".join(item.evidence.split())
        assert title.inner_text().strip() == item.article_title.strip()
        if position == 0:
            page.screenshot(path=tmp_path / "feedback.png", full_page=True)
        expect(next_link(page, attempt_id, last=position == count - 1)).to_be_focused()
        press_and_load(page, "Enter")
    assert styles == {"multiple_choice", "true_false", "typed"}

    # Results: the total the server scored, all right, and a rank.
    attempt = game.attempt(attempt_id)
    assert attempt.finished_at is not None and attempt.correct == count
    stats = page.locator(".results .stats")
    expect(stats).to_contain_text(f"{attempt.score:,} points")
    expect(stats).to_contain_text(f"{count} of {count} right")
    rank = re.search(r"#(\d+)", stats.inner_text()).group(1)
    page.screenshot(path=tmp_path / "results.png", full_page=True)

    # The Leaderboard button has the focus: Enter, and the player's own row is marked.
    expect(page.locator(f'main a[href$="/leaderboards/{KEYBOARD_QUIZ}"]')).to_be_focused()
    press_and_load(page, "Enter")
    assert page.url.endswith(f"/leaderboards/{KEYBOARD_QUIZ}")
    mine = page.locator('table.board tr.me[aria-current="true"]')
    expect(mine).to_have_count(1)
    expect(mine.locator(".who")).to_have_text(nickname)
    expect(mine.locator(".rank")).to_have_text(rank)
    expect(mine.locator(".num")).to_have_text(f"{attempt.score:,}")
    expect(page.locator(".board-note")).to_contain_text(f"you are #{rank}")
    page.screenshot(path=tmp_path / "leaderboard.png", full_page=True)


def test_the_countdown_runs_and_the_plain_form_works_without_javascript(chromium, game, new_page):
    page = new_page()
    join_and_start(page, game, "Tia Timer", TIMER_QUIZ)
    timer = page.locator(".timer-value")
    expect(timer).to_be_visible()
    bar = page.locator("progress.time")
    expect(bar).to_be_visible()  # game.js shows the time bar
    limit = int(bar.get_attribute("max"))
    first = int(timer.inner_text())
    page.wait_for_timeout(1_050)
    second = int(timer.inner_text())
    assert 0 < second < first <= limit

    # Without JavaScript: no ticking, but the plain form answers and the feedback follows.
    page = new_page(java_script_enabled=False)
    join_and_start(page, game, "Nia NoScript", TIMER_QUIZ)
    expect(page.locator("progress.time")).to_be_hidden()
    expect(page.locator(".progress-label strong")).to_have_text("1")
    choice = page.locator("button.choice").first
    given = choice.get_attribute("value")
    click_and_load(page, choice)

    expect(page.locator(".verdict-word")).to_have_text(re.compile(r"^(Right!|Wrong)$"))
    expect(page.locator(".answers dd").first).to_have_text(given, ignore_case=True)
    expect(page.locator("blockquote.evidence p")).not_to_be_empty()
    click_and_load(page, next_link(page, attempt_id_of(page)))
    expect(page.locator(".progress-label strong")).to_have_text("2")


def test_a_question_page_does_not_reveal_its_answer(chromium, game, new_page):
    page = new_page()
    requests = []
    page.on("request", lambda request: requests.append(request))
    join_and_start(page, game, "Lee Leak", LEAK_QUIZ)
    item = current_item(page, game, LEAK_QUIZ)
    while item.style != "multiple_choice":
        answer_anything(page)
        item = current_item(page, game, LEAK_QUIZ)
    answer = right_answer(item)

    # Four alike buttons: the same attributes, equal but for their key and their value.
    buttons = page.locator("button.choice")
    expect(buttons).to_have_count(4)
    shapes = buttons.evaluate_all(
        "bs => bs.map(b => Object.fromEntries([...b.attributes].map(a => [a.name, a.value])))"
    )
    assert len({tuple(sorted(shape)) for shape in shapes}) == 1, shapes
    for name in set(shapes[0]) - {"value", "data-key"}:
        assert len({shape[name] for shape in shapes}) == 1, (name, shapes)
    assert answer in [shape["value"] for shape in shapes]  # so the checks below mean something

    # Nowhere else: no attribute holds the answer but its own button's value, no inline
    # script or JSON, no words that would mark it, and no request but the page's own files.
    holders = page.evaluate(
        """answer => [...document.querySelectorAll("*")].flatMap(el =>
            el.getAttributeNames()
              .filter(name => el.getAttribute(name).includes(answer))
              .map(name => el.tagName + "@" + name))""",
        answer,
    )
    assert holders == ["BUTTON@value"]
    assert page.locator("script:not([src])").count() == 0
    html = page.content().lower()
    for word in ("correct", "solution", "accepted", "data-answer=", "data-right", "right-answer"):
        assert word not in html, word
    assert " ".join(item.evidence.split()).lower() not in " ".join(html.split())
    kinds = {request.resource_type for request in requests}
    assert not kinds & {"xhr", "fetch", "websocket", "eventsource"}, kinds
