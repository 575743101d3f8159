"""The editors' quizzes, the players' problem reports and answer statistics, through the forms.

CSRF protection stays on: players' forms go through tests.test_play_web's `Browser`, editors'
through `editor_auth`. The app runs on a copy of the bundled bank's database, so that there
are topics big enough for a quiz. What a request wrote is checked through a fresh session.
"""

from __future__ import annotations

import re
from html import escape

import pytest
from sqlmodel import select

from quizapp.models import Change, Question, Quiz, QuizItem, Report
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.test_feedback import answer, make_attempt, make_player
from tests.test_play_web import Browser, quiz_items, right_answer

QUIZ = "event-vma-2010"


@pytest.fixture
def app(bundled_app):
    """The app on its own copy of the bundled bank, its questions and quizzes."""
    return bundled_app


@pytest.fixture
def as_editor(editor_auth, session, faker):
    """The test's client, logged in as the editor Ed."""
    make_editor(session, faker, name="Ed")
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


def player(app, session, nickname: str = "Tess", quiz_id: str = QUIZ) -> Browser:
    """A browser of its own, playing as ``nickname``."""
    browser = Browser(app.test_client(), quiz_items(session, quiz_id))
    assert browser.pick_nickname(nickname).status_code == 302
    return browser


def fresh(session):
    session.expire_all()
    return session


def report_url(attempt_id: int, number: int) -> str:
    return f"/attempts/{attempt_id}/questions/{number}/report"


# --- Reporting a problem -------------------------------------------------------------------------


def test_a_player_reports_a_problem_and_an_editor_resolves_it(app, session, as_editor):
    tess = player(app, session)
    attempt_id = tess.start(QUIZ)
    page, item = tess.question(attempt_id)
    shown = tess.answer(attempt_id, item, right_answer(item)).text

    assert "<summary>Report a problem</summary>" in shown
    assert f'action="{report_url(attempt_id, 1)}"' in shown
    assert 'value="wrong_answer" required' in shown and 'maxlength="500"' in shown
    comment = "<b>It was Cher</b> & not her"
    sent = tess.post(report_url(attempt_id, 1), reason="wrong_answer", comment=comment)

    assert sent.status_code == 303 and sent.location == report_url(attempt_id, 1)
    thanks = tess.client.get(sent.location).text
    assert "Thanks for telling us" in thanks and escape(item.prompt) in thanks
    report = fresh(session).exec(select(Report)).one()
    assert (report.template_id, report.fact_id, report.question_id, report.position) == (
        item.template_id,
        item.fact_id,
        item.question_id,
        0,
    )
    assert report.reason == "wrong_answer" and report.comment == comment

    listing = as_editor.client.get("/editor/quizzes/reports").text
    assert f'href="/editor/templates/{item.template_id}"' in listing
    assert f'href="/editor/articles/{item.article_id}/facts/{item.fact_id}"' in listing
    assert escape(comment) in listing and comment not in listing
    assert "Wrong answer × 1" in listing and re.search(r"Wrong answer</span>\s+Tess, ", listing)
    assert '<span class="count">1 open</span>' in as_editor.client.get("/editor/quizzes/").text

    resolved = as_editor.post(f"/editor/quizzes/reports/{report.id}/resolve")

    assert resolved.status_code == 302 and resolved.location == "/editor/quizzes/reports"
    after = as_editor.client.get("/editor/quizzes/reports").text
    assert f"Report {report.id} is resolved." in after and "No open reports" in after
    assert fresh(session).get(Report, report.id).resolved
    change = session.exec(select(Change).where(Change.subject == "report")).one()
    assert change.action == "resolve" and change.editor_id is not None


def test_only_answered_questions_of_your_own_attempt_can_be_reported(app, session):
    tess = player(app, session)
    attempt_id = tess.start(QUIZ)
    tess.question(attempt_id)  # served, not answered
    rival = player(app, session, "Rival")

    unanswered = tess.post(report_url(attempt_id, 1), reason="typo")
    unserved = tess.post(report_url(attempt_id, 2), reason="typo")
    missing = tess.post(report_url(attempt_id, 99), reason="typo")
    looking = tess.client.get(report_url(attempt_id, 1))
    not_yours = rival.post(report_url(attempt_id, 1), reason="typo")

    assert unanswered.status_code == 409 and "Answer this question before reporting" in (
        unanswered.text
    )
    assert unserved.status_code == 409 and missing.status_code == 404
    assert looking.status_code == 409
    assert not_yours.status_code == 403 and "another player" in not_yours.text
    assert fresh(session).exec(select(Report)).all() == []


@pytest.fixture
def answered(app, session) -> tuple[Browser, int]:
    """Tess, with the first question of her attempt answered."""
    tess = player(app, session)
    attempt_id = tess.start(QUIZ)
    page, item = tess.question(attempt_id)
    tess.answer(attempt_id, item, right_answer(item))
    return tess, attempt_id


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"reason": "boring"}, "Reason must be one of wrong_answer, unclear, typo."),
        ({}, "Reason must be one of wrong_answer, unclear, typo."),
        (
            {"reason": "typo", "comment": "x" * 501},
            "Comment must be at most 500 characters (it is 501).",
        ),
    ],
)
def test_a_bad_report_says_what_to_fix(session, answered, fields, says):
    tess, attempt_id = answered

    response = tess.post(report_url(attempt_id, 1), **fields)

    assert response.status_code == 400
    assert f'<p class="alert" role="alert" id="report-error">{says}</p>' in response.text
    assert '<details class="report-problem" open>' in response.text
    if "comment" in fields:
        assert f">{fields['comment']}</textarea>" in response.text  # kept for editing
    assert fresh(session).exec(select(Report)).all() == []


def test_a_question_is_reported_once(session, answered):
    tess, attempt_id = answered
    assert tess.post(report_url(attempt_id, 1), reason="typo").status_code == 303

    again = tess.post(report_url(attempt_id, 1), reason="unclear")

    assert again.status_code == 409 and "already" in again.text
    assert "Thanks for telling us" in tess.client.get(report_url(attempt_id, 1)).text
    assert len(fresh(session).exec(select(Report)).all()) == 1


def test_a_report_needs_the_csrf_token(session, answered):
    tess, attempt_id = answered

    response = tess.client.post(report_url(attempt_id, 1), data={"reason": "typo"})

    assert response.status_code == 400 and "This form has expired" in response.text
    assert fresh(session).exec(select(Report)).all() == []


def test_reports_are_rate_limited(app, session):
    app.config["REPORT_RATE_LIMIT"] = "2 per hour"
    tess = player(app, session)
    attempt_id = tess.start(QUIZ)
    for _ in range(3):
        page, item = tess.question(attempt_id)
        tess.answer(attempt_id, item, right_answer(item))

    codes = [tess.post(report_url(attempt_id, n), reason="typo").status_code for n in (1, 2, 3)]

    assert codes == [303, 303, 429]
    assert "too many reports" in tess.post(report_url(attempt_id, 3), reason="typo").text.lower()


# --- Quizzes made by editors ---------------------------------------------------------------------


def new_quiz_form(**fields: str) -> dict[str, str]:
    form = {
        "title": "Gaga night",
        "scope": "entity",
        "entity_id": "lady-gaga",
        "count": "6",
        "seconds": "30",
        "mode": "plain",
        "action": "create",
    }
    return form | fields


def api_quiz_ids(client) -> set[str]:
    return {q["id"] for q in client.get("/api/v1/quizzes").json["quizzes"]}


def test_an_editor_makes_a_draft_that_players_only_see_once_published(app, session, as_editor):
    form = as_editor.client.get("/editor/quizzes/new").text
    assert re.search(r'<option value="lady-gaga">Lady Gaga \(\d+ facts\)</option>', form)
    assert "justin-bieber" not in form.split('id="entity_id"')[1].split("</select>")[0]

    made = as_editor.post("/editor/quizzes/new", **new_quiz_form())

    assert made.status_code == 302 and made.location == "/editor/quizzes/ed-gaga-night"
    quiz = fresh(session).get(Quiz, "ed-gaga-night")
    assert (quiz.status, quiz.scope, quiz.scope_id, quiz.question_count) == (
        "draft",
        "entity",
        "lady-gaga",
        6,
    )
    preview = as_editor.client.get(made.location).text
    assert "is saved as a draft, with 6 questions." in preview
    assert "players can neither see nor play it" in preview
    assert preview.count('<li class="card">') == 6

    tess = player(app, session)
    api = app.test_client()
    token = api.post("/api/v1/players", json={"nickname": "Bot"}).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert "Gaga night" not in tess.client.get("/").text
    assert quiz.id not in api_quiz_ids(api)
    assert tess.client.get(f"/quizzes/{quiz.id}").status_code == 404
    assert tess.post(f"/quizzes/{quiz.id}/start").status_code == 404
    assert tess.client.get(f"/leaderboards/{quiz.id}").status_code == 404
    assert api.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=bearer).status_code == 404

    published = as_editor.post(f"/editor/quizzes/{quiz.id}/publish")

    assert published.status_code == 302
    assert (
        "is published: players can see and play it now"
        in as_editor.client.get(published.location).text
    )
    home = tess.client.get("/").text
    assert "Gaga night" in home and "Editors’ picks" not in home  # a topic quiz, with topics
    assert quiz.id in api_quiz_ids(api)
    assert tess.client.get(f"/quizzes/{quiz.id}").status_code == 200
    assert api.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=bearer).status_code == 201
    again = as_editor.post(f"/editor/quizzes/{quiz.id}/publish")
    assert "is published already" in as_editor.client.get(again.location).text
    actions = session.exec(select(Change.action).where(Change.subject_id == quiz.id)).all()
    assert actions == ["create", "publish"]


def test_an_editor_hand_picks_questions_filtering_by_article_and_text(app, session, as_editor):
    items = quiz_items(session, QUIZ)
    first, second = sorted(items.values(), key=lambda i: i.position)[-2:]

    listed = as_editor.post(
        "/editor/quizzes/new",
        **new_quiz_form(
            title="My picks",
            scope="list",
            action="filter",
            article=first.article_id,
            search="won",
            question_ids=second.question_id,
        ),
    )

    page = listed.text
    assert listed.status_code == 200 and 'id="form-problems"' not in page
    listed_ids = re.findall(r'name="question_ids" value="([^"]+)"', page)
    matching = session.exec(
        select(Question.id).where(
            Question.article_id == first.article_id, Question.prompt.ilike("%won%")
        )
    ).all()
    assert listed_ids[0] == second.question_id  # ticked, so kept on top whatever the filter
    assert f'value="{second.question_id}" checked' in page
    assert matching and set(listed_ids[1:]) == set(matching) - {second.question_id}
    assert 'value="list" checked' in page and 'value="My picks"' in page

    made = as_editor.client.post(
        "/editor/quizzes/new",
        data={
            "csrf_token": as_editor.token(),
            **new_quiz_form(title="My picks", scope="list", publish="1"),
            "question_ids": [second.question_id, first.question_id],
        },
    )

    assert made.status_code == 302
    quiz = fresh(session).get(Quiz, "ed-my-picks")
    assert (quiz.scope, quiz.status, quiz.question_count) == ("list", "published", 2)
    picked = session.exec(
        select(QuizItem.question_id).where(QuizItem.quiz_id == quiz.id).order_by(QuizItem.position)
    ).all()
    assert picked == [second.question_id, first.question_id]
    home = player(app, session).client.get("/").text
    assert "Editors’ picks" in home and "My picks" in home


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"title": ""}, "Title must be 1 to 300 characters (it is 0)."),
        ({"entity_id": ""}, "Choose the entity the quiz is about."),
        (
            {"entity_id": "jay-z"},
            "has questions on 1 fact; a quiz asks about each fact once and needs at least 5.",
        ),
        ({"count": "99", "seconds": "1"}, "Seconds must be a whole number from 5 to 120."),
        ({"scope": "list"}, "Pick 1 to 50 questions (you picked 0)."),
        ({"mode": "<script>"}, "Mode must be one of timed, plain."),
    ],
)
def test_a_refused_quiz_says_what_to_fix_and_keeps_the_form(session, as_editor, fields, says):
    response = as_editor.post("/editor/quizzes/new", **new_quiz_form(**fields))

    assert response.status_code == 400
    assert says in response.text and "<script>" not in response.text.split("</head>")[1]
    assert fresh(session).exec(select(Quiz).where(Quiz.created_by.is_not(None))).all() == []


def test_publishing_an_unknown_quiz_is_404(as_editor):
    assert as_editor.post("/editor/quizzes/ed-nothing/publish").status_code == 404
    assert as_editor.client.get("/editor/quizzes/ed-nothing").status_code == 404


def test_the_quiz_list_shows_every_quiz_with_its_attempts(app, session, as_editor):
    # Two players: a player's second start would resume their open attempt.
    player(app, session).start(QUIZ)
    player(app, session, nickname="Ann").start(QUIZ)

    page = as_editor.client.get("/editor/quizzes/").text

    row = page.split(f'href="/editor/quizzes/{QUIZ}"')[1].split("</tr>")[0]
    count = session.get(Quiz, QUIZ).question_count
    assert re.search(rf'<td class="num">{count}</td>\s*<td class="num">2</td>', row)
    assert "status-published" in row and "automatic" in row
    assert page.count("<tr>") == len(session.exec(select(Quiz)).all()) + 1


# --- Answer statistics ---------------------------------------------------------------------------


def test_quiz_stats_are_what_the_answers_say(session, as_editor):
    a, b, c = (make_attempt(session, make_player(session), QUIZ) for _ in range(3))
    answer(session, a, 0, correct=True, ms=1000)
    answer(session, b, 0, correct=False, ms=3000)
    answer(session, c, 0, given="", ms=20000)
    answer(session, a, 1, late=True, ms=25000)

    page = as_editor.client.get(f"/editor/quizzes/{QUIZ}").text

    first, second, third = page.split('<li class="card">')[1:4]
    assert "<dt>Answers</dt><dd>3</dd>" in first and "<dt>Right</dt><dd>33 %</dd>" in first
    assert "<dt>Median time</dt><dd>2.0 s</dd>" in first
    assert "<dt>Skipped / late</dt><dd>1 / 0</dd>" in first
    assert "(3/20 answers)" in first
    assert "<dt>Right</dt><dd>0 %</dd>" in second and "<dd>0 / 1</dd>" in second
    assert "<dt>Answers</dt><dd>0</dd>" in third and "<dd>–</dd>" in third
    assert "3 attempts" in page


def test_a_question_players_always_get_right_is_called_too_easy(session, as_editor):
    item = session.exec(
        select(QuizItem).where(QuizItem.quiz_id == QUIZ, QuizItem.difficulty >= 0.3)
    ).first()
    for _ in range(20):
        answer(
            session, make_attempt(session, make_player(session), QUIZ), item.position, correct=True
        )

    quiz_page = as_editor.client.get(f"/editor/quizzes/{QUIZ}").text
    template_page = as_editor.client.get(f"/editor/quizzes/templates/{item.template_id}/stats")

    card = quiz_page.split('<li class="card">')[item.position + 1]
    assert f"est. {item.difficulty:.2f}" in card and "obs. 0.00" in card
    assert '<span class="badge verdict-too-easy">too easy</span>' in card
    assert template_page.status_code == 200
    row = template_page.text.split("<tbody>")[1].split("</tr>")[0]  # the most answered first
    assert escape(item.prompt) in row and '<td class="num">100 %</td>' in row
    assert "too easy" in row


def test_template_stats_of_an_unknown_template_are_404(as_editor):
    assert as_editor.client.get("/editor/quizzes/templates/nope/stats").status_code == 404


# --- The calibrate command -----------------------------------------------------------------------


def test_the_calibrate_command_sets_difficulty_from_answers(runner, session):
    item = session.get(QuizItem, (QUIZ, 0))
    for _ in range(3):
        answer(session, make_attempt(session, make_player(session), QUIZ), 0, correct=False)

    result = runner.invoke(args=["calibrate", "--min-answers", "3"])

    assert result.exit_code == 0, result.output
    assert "Calibrated 1 question(s) answered at least 3 times." in result.output
    assert fresh(session).get(Question, item.question_id).difficulty == 0.95
    assert "Calibrated 0 question(s)" in runner.invoke(args=["calibrate"]).output
