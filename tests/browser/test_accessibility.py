"""axe-core on every player page, at desktop and phone width: 0 violations.

axe-core is the npm package the repository pins (package.json, package-lock.json), installed
by `npm ci` (.ci/run does it); the test reads node_modules/axe-core/axe.min.js and evaluates
it in the page through Playwright, which the pages' Content-Security-Policy does not block
(nothing is added to the page itself). A missing axe-core fails the test with what to run:
a skip would let a CI without npm pass without checking anything.

Set QUIZAPP_SHOTS to a folder to keep a screenshot of every page checked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.models import Quiz
from tests.browser.conftest import TIMEOUT_MS, LiveGame
from tests.browser.test_play_in_browser import (
    attempt_id_of,
    click_and_load,
    current_item,
    expect,
    join_and_start,
    right_answer,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
QUIZ = "entity-lady-gaga"  # a topic quiz with every style: choices, true/false, typed
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
MIN_PHONE_LABEL_PX = 12


def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm ci` in the repository")
    return AXE.read_text(encoding="utf-8")


class Checker:
    """Runs axe on pages of one browser context; remembers what it checked."""

    def __init__(self, page, source: str, viewport: str) -> None:
        self.page = page
        self.source = source
        self.viewport = viewport
        self.checked: dict[str, int] = {}  # page name: how many rules ran on it
        self.rules: set[str] = set()
        self.version = ""
        self.shots = os.environ.get("QUIZAPP_SHOTS")

    def check(self, name: str, **options: object) -> None:
        """axe's violations on the page as it is now must be none."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(self.source)
        result = self.page.evaluate("options => axe.run(document, options)", options)
        self.version = result["testEngine"]["version"]
        ran = {
            rule["id"]
            for group in ("passes", "violations", "incomplete", "inapplicable")
            for rule in result[group]
        }
        self.rules |= ran
        label = f"{name} @ {self.viewport}"
        self.checked[label] = len(ran)
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert problems == [], f"{label} {self.page.url}:\n" + "\n".join(problems)
        if self.shots and not options:
            folder = Path(self.shots)
            folder.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            size = self.page.viewport_size
            # The top of a long page: enough to look at, small enough to be read.
            clip = {"x": 0, "y": 0, "width": size["width"], "height": 2000}
            self.page.screenshot(
                path=folder / f"{slug}-{self.viewport}.png", full_page=True, clip=clip
            )

    def visit(self, url: str, name: str) -> None:
        self.page.goto(url)
        self.check(name)


def answer_with(page, item, answer: str) -> None:
    """Submit ``answer`` as a player would: click its choice, or type it (empty: skip)."""
    if item.style == "typed":
        page.locator("#answer").fill(answer)
        click_and_load(page, page.locator('form[action$="/answer"] button[type="submit"]'))
        return
    buttons = page.locator("button.choice")
    values = [buttons.nth(i).get_attribute("value") for i in range(buttons.count())]
    click_and_load(page, buttons.nth(values.index(answer)))


def wrong(item) -> str:
    if item.style == "multiple_choice":
        return next(choice for choice in item.choices if choice != item.accepted[0][0])
    return "true" if item.answer[0] == "false" else "false"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_player_page_has_no_axe_violations(chromium, game: LiveGame, viewport):
    source = axe_source()
    width, height = VIEWPORTS[viewport]
    context = chromium.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        axe = Checker(page, source, viewport)
        run_through_every_page(page, axe, game, viewport)
    finally:
        context.close()
    print(f"\naxe-core {axe.version} at {viewport} ({width}x{height}): 0 violations on")
    for label, count in axe.checked.items():
        print(f"  {label}: {count} rules")
    print(f"rules checked ({len(axe.rules)}): {' '.join(sorted(axe.rules))}")
    assert len(axe.checked) >= 20 and len(axe.rules) >= 50


def run_through_every_page(page, axe: Checker, game: LiveGame, viewport: str) -> None:
    axe.visit(f"{game.url}/", "home (no nickname)")
    who = page.locator("header.site .who")
    expect(who).to_have_text("Pick a nickname")
    assert who.evaluate("a => a.scrollWidth <= a.clientWidth"), "the nickname link is cut off"
    axe.visit(f"{game.url}/player?next=/quizzes/{QUIZ}", "nickname form")
    axe.visit(f"{game.url}/no-such-page", "404 page")
    join_and_start(page, game, f"Axe {viewport.title()}", QUIZ)

    seen, feedback = set(), set()
    while "/results" not in page.url:
        item = current_item(page, game, QUIZ)
        if item.style not in seen:
            seen.add(item.style)
            axe.check(f"question ({item.style})")
        if item.style == "multiple_choice" and "timer" not in seen:
            # The countdown's last seconds: its colours must hold their contrast too.
            seen.add("timer")
            page.evaluate("document.querySelector('[data-countdown]').classList.add('low')")
            axe.check("question (countdown low)", runOnly=["color-contrast"])
        if item.style == "typed" and "no answer" not in feedback:
            kind, answer = "no answer", ""
        elif item.style != "typed" and "wrong" not in feedback and "right" in feedback:
            kind, answer = "wrong", wrong(item)
        else:
            kind, answer = "right", right_answer(item)
        answer_with(page, item, answer)
        if kind not in feedback:
            feedback.add(kind)
            expect(page.locator("h1.verdict-word")).to_be_visible()
            axe.check(f"feedback ({kind})")
            if kind == "right":
                page.reload()  # the same feedback again, not an error
                expect(page.locator("h1.verdict-word")).to_have_text("Right!")
        next_step = page.locator("p.next a.button")
        click_and_load(page, next_step)
    assert seen >= {"multiple_choice", "true_false", "typed"}, seen
    assert feedback == {"right", "wrong", "no answer"}, feedback

    attempt_id = attempt_id_of(page)
    axe.check("results")
    if viewport == "phone":
        assert_chart_labels_at_least(page, MIN_PHONE_LABEL_PX)
    share = page.locator(".share-box a").get_attribute("href")
    axe.visit(f"{game.url}/attempts/{attempt_id}/questions/1/report", "report form")
    axe.visit(f"{game.url}/", "home")
    axe.visit(f"{game.url}/quizzes/{QUIZ}", "quiz")
    axe.visit(f"{game.url}/leaderboards", "overall board (all time)")
    axe.visit(f"{game.url}/leaderboards?period=week", "overall board (this week)")
    axe.visit(f"{game.url}/leaderboards/{QUIZ}", "quiz board (all time)")
    axe.visit(f"{game.url}/leaderboards/{QUIZ}?period=week", "quiz board (this week)")
    assert_period_switch_shows_focus(page)

    # Someone else's view: the public share page, and the private review refused.
    other = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        stranger = other.new_page()
        stranger.set_default_timeout(TIMEOUT_MS)
        outsider = Checker(stranger, axe.source, axe.viewport)
        outsider.visit(share, "share page")
        expect(stranger.locator("h1")).to_be_visible()
        outsider.visit(f"{game.url}/attempts/{attempt_id}/results", "review asks for a nickname")
        axe.checked.update(outsider.checked)
        axe.rules |= outsider.rules
    finally:
        other.close()


def assert_chart_labels_at_least(page, pixels: float) -> None:
    """Every label of the results chart is drawn at least ``pixels`` tall on screen."""
    sizes = page.evaluate(
        """() => [...document.querySelectorAll("svg.chart text")].map(text => {
            const svg = text.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(text).fontSize) * scale;
        })"""
    )
    assert sizes and min(sizes) >= pixels, sizes


def assert_period_switch_shows_focus(page) -> None:
    """Tabbing onto the all-time/this-week switch draws a ring around the focused choice."""
    link = page.locator(".periods a").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.periods') !== null")
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert style[0] != "none" and style[1] >= 2, style


def test_no_answer_in_time_reads_the_same_with_and_without_javascript(chromium, game, new_page):
    # A quiz no other browser test plays, given a 2 s limit so the countdown runs out soon.
    with Session(get_engine(game.app)) as session:
        quiz = session.exec(select(Quiz).where(Quiz.scope == "article").order_by(Quiz.id)).first()
        quiz.seconds_per_question = 2
        session.add(quiz)
        session.commit()
        quiz_id = quiz.id

    # With JavaScript: nothing clicked, the countdown sends the form as the time runs out.
    scripted = new_page()
    join_and_start(scripted, game, "Tim Timeout", quiz_id)
    with scripted.expect_navigation(timeout=TIMEOUT_MS):
        pass  # nothing to do but wait
    # Without: the time runs out (2 s and the 1 s grace) before the player clicks a choice.
    plain = new_page(java_script_enabled=False)
    join_and_start(plain, game, "Nat Noscript", quiz_id)
    plain.wait_for_timeout(3_500)
    submit = plain.locator('form[action$="/answer"] button[type="submit"]').first
    click_and_load(plain, submit)

    said = []
    for page in (scripted, plain):
        expect(page.locator("h1.verdict-word")).to_have_text("Time’s up")
        said.append(
            (page.locator("h1.verdict-word").inner_text(), page.locator("p.message").inner_text())
        )
    assert said[0] == said[1] == ("Time’s up", "Too late: the time was up."), said
