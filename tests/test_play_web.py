"""The game in the browser, through its HTML forms: nickname, questions, feedback, results.

CSRF protection stays on: the `Browser` helper reads the token from a page, as a browser
would submit it. Right answers for the tests come from the database, never from the pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from html import escape

import pytest
from flask import g, render_template
from sqlmodel import select

from quizapp.core.paths import resource_dir
from quizapp.game import play
from quizapp.game.charts import Tick, score_histogram
from quizapp.game.grading import MAX_ANSWER_LENGTH
from quizapp.game.quizzes import list_quizzes
from quizapp.models import Attempt, AttemptAnswer, Player, QuizItem
from quizapp.web import play as web_play
from quizapp.web.play import CHART_BUCKETS
from tests.conftest import make_test_app

QUIZ = "event-show-2011"  # the playable bank's event quiz: questions of every style
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
QUESTION_ID = re.compile(r'name="question_id" value="([^"]+)"')
CHOICE_BUTTON = re.compile(r'<button class="choice".*?</button>', re.S)
HIDDEN_INPUT = re.compile(r'<input type="hidden"[^>]*>')
PAGE_BUDGET = 50 * 1024


@dataclass
class Turn:
    """One question of a play-through: the page as served and the feedback after answering."""

    item: QuizItem
    page: str
    feedback: str
    choices: tuple[str, ...] = field(default=())


class Browser:
    """One player's browser, like flaskr's AuthActions: every form goes out with the CSRF token
    read from a page, as a browser would send it."""

    def __init__(self, client, items: dict[str, QuizItem] | None = None):
        self.client = client
        self.items = items or {}
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            # Every request of a test shares one app context, and Flask-WTF caches the token
            # in g: drop it so this browser gets one of its own session.
            g.pop("csrf_token", None)
            page = self.client.get("/player").get_data(as_text=True)
            self._token = CSRF_FIELD.search(page).group(1)
        return self._token

    def post(self, url: str, **data: str):
        return self.client.post(url, data={"csrf_token": self.token(), **data})

    def pick_nickname(self, nickname: str, **extra: str):
        return self.post("/player", nickname=nickname, **extra)

    def start(self, quiz_id: str = QUIZ) -> int:
        response = self.post(f"/quizzes/{quiz_id}/start")
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def question(self, attempt_id: int) -> tuple[str, QuizItem | None]:
        """The current question page and its item, or ("", None) once finished."""
        response = self.client.get(f"/attempts/{attempt_id}")
        if response.status_code == 302:
            assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/results")
            return "", None
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return page, self.items[QUESTION_ID.search(page).group(1)]

    def send_answer(self, attempt_id: int, item: QuizItem, answer: str):
        """The answer's POST itself: a redirect to the feedback page once taken."""
        return self.post(
            f"/attempts/{attempt_id}/answer", question_id=item.question_id, answer=answer
        )

    def answer(self, attempt_id: int, item: QuizItem, answer: str):
        """Answer as a browser does: POST, then follow the redirect to the feedback page."""
        response = self.send_answer(attempt_id, item, answer)
        if response.status_code != 303:
            return response
        return self.client.get(response.headers["Location"])

    def play_through(self, attempt_id: int, choose=None) -> list[Turn]:
        """Answer every question (right, unless ``choose`` says otherwise) and keep the pages."""
        choose = choose or right_answer
        turns = []
        while True:
            page, item = self.question(attempt_id)
            if item is None:
                return turns
            response = self.answer(attempt_id, item, choose(item))
            assert response.status_code == 200, response.get_data(as_text=True)
            choices = tuple(re.findall(r'name="answer" value="([^"]*)"', page))
            turns.append(Turn(item, page, response.get_data(as_text=True), choices))


def right_answer(item: QuizItem) -> str:
    """What a player who knows it submits: the right choice, true/false, or the name typed."""
    if item.style == "multiple_choice":
        return item.accepted[0][0]
    if item.style == "true_false":
        return item.answer[0]
    return item.solution


def wrong_answer(item: QuizItem) -> str:
    """A wrong choice, the other truth value, or a name that is not the answer."""
    if item.style == "multiple_choice":
        return next(choice for choice in item.choices if choice != item.accepted[0][0])
    if item.style == "true_false":
        return "true" if item.answer[0] == "false" else "false"
    return "Nobody Atall"


def quiz_items(session, quiz_id: str = QUIZ) -> dict[str, QuizItem]:
    items = session.exec(select(QuizItem).where(QuizItem.quiz_id == quiz_id)).all()
    return {item.question_id: item for item in items}


def fresh(session, model, key):
    """A row as the database has it now, not as this session remembered it."""
    session.expire_all()
    return session.get(model, key)


@pytest.fixture
def loaded(runner, playable_bank_path):
    """The playable bank loaded and generated, which builds its quizzes."""
    assert runner.invoke(args=["load-bank", str(playable_bank_path)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0


@pytest.fixture
def bundled(runner):
    """The bundled bank loaded and generated."""
    assert runner.invoke(args=["load-bank"]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0


@pytest.fixture
def browser(client, loaded, session) -> Browser:
    """A browser whose player is called Tess."""
    browser = Browser(client, quiz_items(session))
    assert browser.pick_nickname("Tess").status_code == 302
    return browser


def another_browser(app, session, nickname: str | None = None) -> Browser:
    other = Browser(app.test_client(), quiz_items(session))
    if nickname:
        assert other.pick_nickname(nickname).status_code == 302
    return other


# --- Home ---------------------------------------------------------------------------------------


def test_home_lists_every_quiz_with_its_settings(fixed_clock, client, loaded, session):
    page = client.get("/").get_data(as_text=True)

    quizzes = list_quizzes(session, today=fixed_clock.date())
    assert {q.scope for q in quizzes} == {"daily", "event", "article"}
    for quiz in quizzes:
        assert escape(quiz.title) in page
        assert f"/quizzes/{quiz.id}" in page
    assert "9 questions · 20 s each" in page
    for label in ("Daily mix", "Event", "Article"):
        assert f">{label}</span>" in page
    assert "Pick a nickname" in page and "Your ranked score" not in page


def test_home_builds_the_daily_mix_and_shows_your_ranked_score(fixed_clock, browser, session):
    attempt_id = browser.start()
    browser.play_through(attempt_id)
    score = fresh(session, Attempt, attempt_id).score

    page = browser.client.get("/").get_data(as_text=True)

    assert f"Daily mix, {fixed_clock.day}" in page
    assert re.search(rf"Your ranked score <strong>{score:,}</strong>", page)
    assert ">Tess</a>" in page.replace('<span class="visually-hidden">Playing as </span>', "")


# --- Nickname -----------------------------------------------------------------------------------


def test_a_nickname_is_remembered_in_the_session_cookie(client, loaded, session):
    browser = Browser(client)
    response = browser.pick_nickname("  Tess  The   Best ")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    player = session.exec(select(Player)).one()
    assert player.nickname == "Tess The Best"
    with client.session_transaction() as cookie:
        assert cookie["player_id"] == player.id and cookie.permanent
    assert "Tess The Best" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("nickname", "message", "suggestion"),
    [
        ("T", "Nickname must be 2 to 24 characters long (it is 1)", None),
        ("x" * 25, "Nickname must be 2 to 24 characters long (it is 25)", None),
        ("<b>Tess</b>!", "Nickname may hold only letters, digits, spaces and . _ -", "bTessb"),
    ],
)
def test_an_invalid_nickname_says_what_to_fix(client, loaded, nickname, message, suggestion):
    response = Browser(client).pick_nickname(nickname)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    if suggestion:
        assert f'<input type="hidden" name="nickname" value="{suggestion}">' in page
        assert f'value="{suggestion}" required' in page  # the text box, prefilled
    with client.session_transaction() as cookie:
        assert "player_id" not in cookie


def test_a_taken_nickname_ignoring_case_offers_a_free_one(app, browser, session):
    other = another_browser(app, session)

    response = other.pick_nickname("tESS")

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "is taken" in page
    assert '<input type="hidden" name="nickname" value="tESS2">' in page  # one click
    assert 'value="tESS2" required' in page  # or edit it
    assert other.pick_nickname("tESS2").status_code == 302
    assert len(session.exec(select(Player)).all()) == 2


def test_pages_that_need_a_player_ask_for_a_nickname_then_come_back(client, loaded):
    browser = Browser(client)

    start = browser.post(f"/quizzes/{QUIZ}/start")
    question = client.get("/attempts/1")

    assert start.headers["Location"] == f"/player?next=/quizzes/{QUIZ}"
    assert question.headers["Location"] == "/player?next=/attempts/1"
    form = client.get(start.headers["Location"]).get_data(as_text=True)
    assert f'name="next" value="/quizzes/{QUIZ}"' in form
    picked = browser.pick_nickname("Tess", next=f"/quizzes/{QUIZ}")
    assert picked.headers["Location"] == f"/quizzes/{QUIZ}"
    assert "Start the quiz" in client.get(f"/quizzes/{QUIZ}").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_next_never_leaves_the_site(client, loaded, target):
    response = Browser(client).pick_nickname("Tess", next=target)

    assert response.headers["Location"] == "/"


def test_a_form_without_the_csrf_token_is_refused(client, loaded):
    response = client.post("/player", data={"nickname": "Tess"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form has expired" in page and "Reload the page and try again" in page


def test_a_body_too_large_is_a_friendly_413(browser):
    response = browser.post("/player", nickname="x" * 70_000)

    assert response.status_code == 413
    assert "text/html" in response.content_type and "Back to the quizzes" in response.text


# --- Playing ------------------------------------------------------------------------------------


def test_a_whole_quiz_through_the_forms(app, browser, session):
    attempt_id = browser.start()

    turns = browser.play_through(attempt_id)

    assert len(turns) == 9
    for number, turn in enumerate(turns, start=1):
        assert f"Question <strong>{number}</strong> of 9" in turn.page
        assert escape(turn.item.prompt) in turn.page
        assert "Right!" in turn.feedback
        assert escape(turn.item.evidence) in turn.feedback
        assert f"<cite>{escape(turn.item.article_title)}</cite>" in turn.feedback
        assert re.search(r"\+1,[0-9]00 <span>points</span>", turn.feedback)
        last = number == 9
        assert ("See results" in turn.feedback) is last
        assert ("Next question" in turn.feedback) is not last
    assert "9 in a row!" in turns[-1].feedback

    attempt = fresh(session, Attempt, attempt_id)
    results = browser.client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)
    assert attempt.finished_at is not None
    assert f"<strong>{attempt.score:,}</strong> <span>points</span>" in results
    assert "<strong>9 of 9</strong> <span>right</span>" in results
    assert "<strong>#1</strong> <span>of 1 player</span>" in results
    assert results.count('<li class="card right">') == 9
    for turn in turns:
        assert escape(turn.item.prompt) in results and escape(turn.item.evidence) in results
    assert results.count('class="bar mine"') == 1
    assert f'href="/leaderboards/{QUIZ}"' in results

    board = browser.client.get(f"/leaderboards/{QUIZ}").get_data(as_text=True)
    overall = browser.client.get("/leaderboards").get_data(as_text=True)
    for page in (board, overall):
        assert re.search(
            rf'<tr class="me" aria-current="true">\s*<td class="rank">1</td>'
            rf'<td class="who">Tess</td><td class="num">{attempt.score:,}</td>',
            page,
        )


def test_the_results_rank_the_player_among_everyone(app, browser, session):
    rival = another_browser(app, session, "Rival")
    rival.play_through(rival.start())  # all right
    attempt_id = browser.start()

    browser.play_through(
        attempt_id, choose=lambda item: "" if item.style == "typed" else right_answer(item)
    )
    page = browser.client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)

    typed = sum(item.style == "typed" for item in quiz_items(session).values())
    assert 0 < typed < 9 and f"<strong>{9 - typed} of 9</strong>" in page
    assert "<strong>#2</strong> <span>of 2 players</span>" in page
    assert "Best scores of 2 players" in page
    assert page.count("<em>no answer</em>") == typed


BAR = re.compile(
    r'<rect class="bar( mine)?" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)">'
    r"<title>(\d+) players? scored (\d+)–(\d+)( \(you are here\))?</title></rect>"
)
AXIS = re.compile(r'<line class="axis" x1="0" x2="([\d.]+)" y1="([\d.]+)"')


def test_the_results_chart_draws_everyones_best_and_marks_yours(app, browser, session):
    rival = another_browser(app, session, "Rival")
    rival.play_through(rival.start())  # all right: the best score, the chart's top
    attempt_id = browser.start()
    browser.play_through(
        attempt_id, choose=lambda item: "" if item.style == "typed" else right_answer(item)
    )
    score = fresh(session, Attempt, attempt_id).score

    page = browser.client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)

    assert page.count("<svg ") == 1 and 'viewBox="0 0 320 150"' in page
    bars = [
        (bool(mine), float(x), float(y), float(w), float(h), int(n), int(low), int(high), you)
        for mine, x, y, w, h, n, low, high, you in BAR.findall(page)
    ]
    width, baseline = map(float, AXIS.search(page).groups())
    assert len(bars) == CHART_BUCKETS
    assert sum(bar[5] for bar in bars) == 2
    marked = [bar for bar in bars if bar[0]]
    assert len(marked) == 1 and marked[0][8]  # the marked bar says "you are here"
    assert marked[0][6] <= score <= marked[0][7]
    assert bars[0][6] == 0 and bars[-1][7] > score  # from 0 to the rival's best
    end = 0.0
    for _mine, x, y, w, h, count, *_rest in bars:
        assert x >= end and x + w <= width  # side by side, inside the picture
        end = x + w
        assert y + h == pytest.approx(baseline)  # standing on the axis
        assert (h > 0) == (count > 0)


def test_the_chart_partial_escapes_every_text(tmp_path):
    histogram = score_histogram([1, 2, 3], top=300, score=150)
    hostile = dataclasses.replace(
        histogram,
        description='<script>alert("x")</script>',
        ticks=(Tick(x=6, text="<b>0</b>", anchor="start"),),
    )
    app = make_test_app(f"sqlite:///{tmp_path / 'unused.sqlite'}")

    with app.test_request_context():
        svg = render_template("play/_chart.html", histogram=hostile)

    assert svg.count("<rect ") == 3 and svg.count('class="bar mine"') == 1
    assert "<script>" not in svg and "<b>" not in svg
    assert 'aria-label="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"' in svg
    assert "&lt;b&gt;0&lt;/b&gt;</text>" in svg


def test_wrong_answers_show_the_right_one(browser):
    attempt_id = browser.start()

    turns = browser.play_through(attempt_id, choose=wrong_answer)

    for turn in turns:
        assert "Wrong" in turn.feedback and "+0 <span>points</span>" in turn.feedback
        shown = (
            turn.item.answer[0].capitalize()
            if turn.item.style == "true_false"
            else turn.item.solution
        )
        assert f"<dt>The answer</dt><dd><strong>{escape(shown)}</strong>" in turn.feedback
        if turn.item.style == "true_false" and turn.item.answer[0] == "false":
            assert f"(it was {escape(turn.item.solution)})" in turn.feedback


def test_a_second_submit_of_the_same_answer_shows_its_feedback_and_does_not_score_twice(
    browser, session
):
    attempt_id = browser.start()
    page, item = browser.question(attempt_id)
    first = browser.send_answer(attempt_id, item, right_answer(item))
    score = fresh(session, Attempt, attempt_id).score

    again = browser.send_answer(attempt_id, item, right_answer(item))

    assert first.status_code == 303 and score >= 1000
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert first.headers["Location"] == f"/attempts/{attempt_id}/questions/1"
    attempt = fresh(session, Attempt, attempt_id)
    assert (attempt.score, attempt.position) == (score, 1)


def test_reloading_the_feedback_shows_the_same_feedback_with_its_source(browser, session):
    attempt_id = browser.start()
    _page, first_item = browser.question(attempt_id)
    browser.answer(attempt_id, first_item, right_answer(first_item))
    _page, second_item = browser.question(attempt_id)
    sent = browser.send_answer(attempt_id, second_item, wrong_answer(second_item))
    url = sent.headers["Location"]

    shown = browser.client.get(url)
    reloaded = browser.client.get(url)
    earlier = browser.client.get(f"/attempts/{attempt_id}/questions/1")

    assert shown.status_code == reloaded.status_code == earlier.status_code == 200
    assert shown.text == reloaded.text
    assert "<h1" in shown.text and "Wrong</h1>" in shown.text
    assert escape(second_item.evidence) in shown.text
    assert "Right!</h1>" in earlier.text and escape(first_item.evidence) in earlier.text
    # The score is the attempt's as it stood after each answer, not its total now.
    first_points = fresh(session, Attempt, attempt_id).score
    assert f"{first_points:,} pts" in earlier.text and f"{first_points:,} pts" in shown.text
    assert fresh(session, Attempt, attempt_id).position == 2


def test_feedback_is_only_for_answered_questions_of_ones_own_attempt(browser, app, session):
    attempt_id = browser.start()
    _page, item = browser.question(attempt_id)

    not_yet = browser.client.get(f"/attempts/{attempt_id}/questions/1")
    beyond = browser.client.get(f"/attempts/{attempt_id}/questions/99999999999999999999")
    browser.answer(attempt_id, item, right_answer(item))
    other = Browser(app.test_client())
    other.pick_nickname("Nosy Parker")
    theirs = other.client.get(f"/attempts/{attempt_id}/questions/1")

    assert not_yet.status_code == 404 and escape(item.evidence) not in not_yet.text
    assert beyond.status_code == 404
    assert theirs.status_code == 403 and escape(item.evidence) not in theirs.text


def test_an_answer_not_on_offer_shows_the_question_again(browser):
    attempt_id = browser.start()
    page, item = browser.question(attempt_id)
    if item.style != "multiple_choice":
        while item.style != "multiple_choice":
            browser.answer(attempt_id, item, right_answer(item))
            page, item = browser.question(attempt_id)

    response = browser.answer(attempt_id, item, "Somebody Else")

    assert response.status_code == 400
    assert "The answer must be one of the choices offered" in response.text
    assert escape(item.prompt) in response.text and "data-no-autoskip" in response.text


def test_answering_another_question_is_a_conflict(browser):
    attempt_id = browser.start()
    browser.question(attempt_id)
    later = next(i for i in browser.items.values() if i.position == 5)

    response = browser.answer(attempt_id, later, right_answer(later))

    assert response.status_code == 409 and "not the current question" in response.text


def test_a_late_answer_scores_nothing(browser, monkeypatch):
    attempt_id = browser.start()
    page, item = browser.question(attempt_id)
    later = play.utcnow() + dt.timedelta(seconds=60)
    monkeypatch.setattr(play, "utcnow", lambda: later)

    response = browser.answer(attempt_id, item, right_answer(item))

    assert "Time’s up" in response.text and "+0 <span>points</span>" in response.text
    assert "Too late: the time was up." in response.text


def test_the_results_call_a_late_answer_times_up_as_its_feedback_did(browser, monkeypatch):
    attempt_id = browser.start()
    page, item = browser.question(attempt_id)
    later = play.utcnow() + dt.timedelta(seconds=60)
    monkeypatch.setattr(play, "utcnow", lambda: later)
    browser.answer(attempt_id, item, right_answer(item))
    browser.play_through(attempt_id)

    results = browser.client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)
    marks = re.findall(r'<span class="mark">([^<]+)</span>', results)

    assert marks[0] == "Time’s up" and "✗ Wrong" not in marks
    assert marks.count("✓ Right") == len(marks) - 1


def test_an_answer_is_timed_from_its_arrival(browser, monkeypatch, session):
    attempt_id = browser.start()
    page, item = browser.question(attempt_id)
    served = play.utcnow()
    monkeypatch.setattr(play, "utcnow", lambda: served + dt.timedelta(seconds=0.3))
    find_attempt = web_play._player_attempt

    def after_a_wait(attempt_id: int):
        # The app is slow to reach the view (a hung rate-limit store): 15 s pass meanwhile.
        monkeypatch.setattr(play, "utcnow", lambda: served + dt.timedelta(seconds=15.3))
        return find_attempt(attempt_id)

    monkeypatch.setattr(web_play, "_player_attempt", after_a_wait)

    browser.answer(attempt_id, item, right_answer(item))

    session.rollback()  # read what the request wrote, not this session's earlier snapshot
    answer = session.exec(
        select(AttemptAnswer).where(
            AttemptAnswer.attempt_id == attempt_id, AttemptAnswer.position == 0
        )
    ).one()
    assert answer.answered_at is not None and answer.correct
    assert answer.elapsed_ms < 1000 and answer.points >= 1000


def first_typed_question(browser: Browser) -> tuple[int, str, QuizItem]:
    """A new attempt answered right up to its first typed question: the attempt, its page and
    item."""
    attempt_id = browser.start()
    page, item = browser.question(attempt_id)
    while item.style != "typed":
        browser.answer(attempt_id, item, right_answer(item))
        page, item = browser.question(attempt_id)
    return attempt_id, page, item


def test_an_empty_typed_answer_is_a_skip(browser):
    attempt_id, _page, item = first_typed_question(browser)

    response = browser.answer(attempt_id, item, "")

    assert response.status_code == 200
    assert "<dd><em>no answer</em></dd>" in response.text and "No answer." in response.text


def test_the_answer_field_takes_as_much_as_the_game_does(browser):
    attempt_id, page, item = first_typed_question(browser)

    too_long = browser.answer(attempt_id, item, "x" * (MAX_ANSWER_LENGTH + 1))

    assert f'name="answer" maxlength="{MAX_ANSWER_LENGTH}"' in page
    assert too_long.status_code == 400
    assert f"Answer must be at most {MAX_ANSWER_LENGTH} characters." in too_long.text
    assert f'maxlength="{MAX_ANSWER_LENGTH}"' in too_long.text  # the same question, again


def test_someone_elses_attempt_is_forbidden_and_unknown_ones_not_found(app, browser, session):
    attempt_id = browser.start()
    other = another_browser(app, session, "Other")

    forbidden = other.client.get(f"/attempts/{attempt_id}")
    missing = browser.client.get("/attempts/999")
    unknown_quiz = browser.post("/quizzes/no-such-quiz/start")

    assert forbidden.status_code == 403 and "belongs to another player" in forbidden.text
    assert missing.status_code == 404 and "There is no attempt 999" in missing.text
    assert unknown_quiz.status_code == 404 and "text/html" in unknown_quiz.content_type


def test_unknown_pages_are_friendly_but_api_paths_are_left_to_the_api(client, loaded):
    page = client.get("/no/such/page")
    api = client.get("/api/v1/no/such/thing")

    assert page.status_code == 404 and "Back to the quizzes" in page.text
    assert api.status_code == 404 and "Back to the quizzes" not in api.text


def test_results_before_the_end_go_back_to_the_question(browser):
    attempt_id = browser.start()

    response = browser.client.get(f"/attempts/{attempt_id}/results")

    assert response.headers["Location"] == f"/attempts/{attempt_id}"


# --- Fairness: the right answer never reaches the page before the answer -----------------------


def word(text: str) -> re.Pattern:
    """``text`` as HTML shows it, not as part of a longer word or number."""
    return re.compile(rf"(?<![\w]){re.escape(escape(text))}(?![\w])")


def test_no_question_page_gives_the_answer_away(app, browser, session):
    plays = [browser.play_through(browser.start()) for _ in range(3)]

    for turns in plays:
        for turn in turns:
            outside = HIDDEN_INPUT.sub("", CHOICE_BUTTON.sub("", turn.page))
            if turn.item.style == "multiple_choice":
                buttons = CHOICE_BUTTON.findall(turn.page)
                assert sorted(turn.choices) == sorted(turn.item.choices)
                # The right choice is marked up exactly like the wrong ones ...
                shapes = {
                    re.sub(r'data-key="\d"|<kbd>\d</kbd>', "", b.replace(escape(c), "CHOICE"))
                    for b, c in zip(buttons, turn.choices, strict=True)
                }
                assert len(shapes) == 1, shapes
                # ... and named nowhere else on the page.
                assert not word(turn.item.accepted[0][0]).search(outside)
            elif turn.item.style == "typed":
                forms = [turn.item.solution] + [f for part in turn.item.accepted for f in part]
                for form in forms:
                    assert not word(form).search(turn.page), form
    # The choices come in an order of each attempt's own.
    orders = [
        {t.item.question_id: t.choices for t in turns if t.item.style == "multiple_choice"}
        for turns in plays
    ]
    assert orders[0] and (orders[0] != orders[1] or orders[0] != orders[2])


# --- Page weight --------------------------------------------------------------------------------


def test_every_game_page_with_its_css_and_js_stays_under_50_kb(
    fixed_clock, client, bundled, session
):
    quiz = next(q for q in list_quizzes(session, today=fixed_clock.date()) if q.scope == "daily")
    browser = Browser(client, quiz_items(session, quiz.id))
    browser.pick_nickname("Tess")
    assets = sum(
        len((resource_dir("static") / name).read_bytes()) for name in ("style.css", "game.js")
    )
    attempt_id = browser.start(quiz.id)
    turns = browser.play_through(attempt_id)
    pages = {
        "home": client.get("/").data,
        "results": client.get(f"/attempts/{attempt_id}/results").data,
        "leaderboards": client.get("/leaderboards").data,
        "board": client.get(f"/leaderboards/{quiz.id}").data,
    }
    pages.update({f"question {i}": t.page.encode() for i, t in enumerate(turns)})
    pages.update({f"feedback {i}": t.feedback.encode() for i, t in enumerate(turns)})

    for name, html in pages.items():
        assert len(html) + assets < PAGE_BUDGET, f"{name}: {len(html)} + {assets} bytes"


def test_pages_load_their_script_from_a_file_and_carry_no_inline_script(browser):
    attempt_id = browser.start()
    page, _item = browser.question(attempt_id)

    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script src="/static/game.js" defer>']
    assert not re.search(r"<[^>]+\son[a-z]+=", page)  # no inline event handlers either
    assert 'data-remaining="' in page and "data-answer-form" in page


# --- Escaping -----------------------------------------------------------------------------------


def test_a_hostile_nickname_is_escaped_on_the_home_page(client, loaded, session):
    # 24 characters, the column's limit: PostgreSQL enforces it (SQLite would not).
    hostile = Player(
        nickname="<script>alert()</script>",
        nickname_key="<script>alert()</script>",
        token_hash="x",
    )
    session.add(hostile)
    session.commit()
    with client.session_transaction() as cookie:
        cookie["player_id"] = hostile.id

    page = client.get("/").get_data(as_text=True)

    assert "<script>alert()</script>" not in page
    assert "&lt;script&gt;alert()&lt;/script&gt;" in page


def test_the_countdown_running_out_on_a_choice_question_scores_nothing(
    browser, monkeypatch, session
):
    attempt_id = browser.start()
    page, item = browser.question(attempt_id)
    assert item.style != "typed"
    later = play.utcnow() + dt.timedelta(seconds=25)
    monkeypatch.setattr(play, "utcnow", lambda: later)

    response = browser.answer(attempt_id, item, "")  # what game.js sends at 0

    if response.status_code == 400:  # an empty answer is a skip for typed questions only
        assert "Time’s up: this question scores nothing now" in response.text
        assert "data-no-autoskip" in response.text  # so the page does not send it again
    else:
        assert response.status_code == 200 and "+0 <span>points</span>" in response.text
    assert fresh(session, Attempt, attempt_id).score == 0
