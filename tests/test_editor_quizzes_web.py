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


# --- Hand-picking in the editor's order, and editing a draft ------------------------------------

ARTICLE = "vma-2010-gaga-triumph"
# Asked first, ANNOUNCED's evidence tells PRESENTER's answer (Cher): the audit warns of it.
ANNOUNCED = ("announced-album-event-mc", "vma-2010-gaga-announced-born-this-way")
PRESENTER = ("presented-presenter-mc", "vma-2010-cher-presented-video-of-the-year")
WINNER = ("award-win-winner-mc", "vma-2010-video-of-the-year")
WINNER_TYPED = ("award-win-winner-typed", "vma-2010-video-of-the-year")


def qid(session, template_fact: tuple[str, str]) -> str:
    template_id, fact_id = template_fact
    return session.exec(
        select(Question.id).where(Question.template_id == template_id, Question.fact_id == fact_id)
    ).one()


def article_picks(session, count: int, besides: tuple[str, ...] = ()) -> list[str]:
    """``count`` questions of ARTICLE on different facts, none on the facts of ``besides``."""
    taken = {session.get(Question, q).fact_id for q in besides}
    by_fact: dict[str, str] = {}
    for question_id, fact_id in session.exec(
        select(Question.id, Question.fact_id)
        .where(Question.article_id == ARTICLE)
        .order_by(Question.id)
    ):
        if fact_id not in taken:
            by_fact.setdefault(fact_id, question_id)
    return sorted(by_fact.values())[:count]


def make_draft(as_editor, ids: list[str], title: str = "My picks", **fields) -> str:
    made = as_editor.client.post(
        "/editor/quizzes/new",
        data={
            "csrf_token": as_editor.token(),
            **new_quiz_form(title=title, scope="list", pick_order=" ".join(ids), **fields),
            "question_ids": ids,
        },
    )
    assert made.status_code == 302, made.text
    return made.location.rsplit("/", 1)[1]


def order_of(session, quiz_id: str) -> list[str]:
    return list(
        fresh(session).exec(
            select(QuizItem.question_id)
            .where(QuizItem.quiz_id == quiz_id)
            .order_by(QuizItem.position)
        )
    )


def test_a_hand_picked_quiz_asks_in_the_order_the_questions_were_ticked(session, as_editor):
    a, b, c, d = article_picks(session, 4)
    made = as_editor.client.post(
        "/editor/quizzes/new",
        data={
            "csrf_token": as_editor.token(),
            **new_quiz_form(title="Tick order", scope="list", pick_order=f"c-gone {c} {a}"),
            # The page sends its checkboxes in page order; the tick order is in pick_order,
            # and a tick it misses (d: no script ran) comes after, in page order.
            "question_ids": [a, b, c, d],
        },
    )

    assert made.status_code == 302
    assert order_of(session, "ed-tick-order") == [c, a, b, d]


def test_the_pick_list_shows_answers_styles_and_the_tick_order(session, as_editor):
    a, b = article_picks(session, 2)
    listed = as_editor.client.post(
        "/editor/quizzes/new",
        data={
            "csrf_token": as_editor.token(),
            **new_quiz_form(scope="list", action="filter", article=ARTICLE, search="outfit"),
            "pick_order": f"{b} {a}",
            "question_ids": [a, b],
        },
    ).text

    # Two questions ask "Which outfit did Lady Gaga wear ...?": their style and answer tell
    # them apart.
    outfit = listed.split('id="pick-list"')[1]
    assert outfit.count("Which outfit did Lady Gaga wear at the 2010 MTV Video Music Awards?") == 2
    assert outfit.count('Answer: <strong class="pick-answer">meat dress</strong>') == 2
    assert ">multiple choice</span>" in outfit and ">typed</span>" in outfit
    ids = re.findall(r'name="question_ids" value="([^"]+)"', listed)
    assert ids[:2] == [b, a]  # the ticked ones first, in the order ticked
    assert f'name="pick_order" id="pick_order" value="{b} {a}"' in listed
    numbers = re.findall(r"data-pick-number>(\d*)</span>", listed)
    assert numbers[:3] == ["1", "2", ""]
    assert 'src="/static/editor-quizzes.js"' in listed
    statements = as_editor.post(
        "/editor/quizzes/new", **new_quiz_form(scope="list", action="filter", search="Jared Leto")
    ).text
    # A statement's answer is whether it is true, and what is.
    assert 'Answer: <strong class="pick-answer">false (Lady Gaga)</strong>' in statements


def test_the_edit_page_lists_the_draft_with_real_buttons_and_its_audit(session, as_editor):
    announced, presenter = qid(session, ANNOUNCED), qid(session, PRESENTER)
    quiz_id = make_draft(as_editor, [announced, presenter])

    detail = as_editor.client.get(f"/editor/quizzes/{quiz_id}").text
    page = as_editor.client.get(f"/editor/quizzes/{quiz_id}/edit").text

    assert f'href="/editor/quizzes/{quiz_id}/edit">Edit questions</a>' in detail
    for shown in (detail, page):
        assert "quiz-give-away" in shown
        assert f"Item 1 ({announced}) shows &#39;Cher&#39;, the answer to item 2" in shown
    rows = page.split('class="edit-items"')[1]
    assert rows.index(f'id="item-{announced}"') < rows.index(f'id="item-{presenter}"')
    assert (
        '<button class="button small secondary" type="submit" name="direction" value="up"' in rows
    )
    assert 'aria-label="Move question 1 up" disabled' in rows
    assert 'aria-label="Move question 2 down" disabled' in rows
    assert 'aria-label="Remove question 2"' in rows
    assert "<strong>Answer:</strong> Cher" in rows


def test_moving_a_question_comes_back_focused_on_it_and_clears_the_warning(session, as_editor):
    announced, presenter = qid(session, ANNOUNCED), qid(session, PRESENTER)
    quiz_id = make_draft(as_editor, [announced, presenter])

    moved = as_editor.post(f"/editor/quizzes/{quiz_id}/move", question_id=presenter, direction="up")

    assert moved.status_code == 303
    assert moved.location == f"/editor/quizzes/{quiz_id}/edit?moved={presenter}&dir=up"
    assert order_of(session, quiz_id) == [presenter, announced]
    page = as_editor.client.get(moved.location).text
    # At the top now, Up is disabled: focus goes to its Down button.
    assert re.search(r'aria-label="Move question 1 down" autofocus>', page)
    assert page.count("autofocus") == 1
    assert "No finding" in page
    assert fresh(session).exec(
        select(Change.action).where(Change.subject_id == quiz_id).order_by(Change.id)
    ).all() == ["create", "move"]


def test_removing_a_question_and_the_last_one_refused(session, as_editor):
    a, b = article_picks(session, 2)
    quiz_id = make_draft(as_editor, [a, b])

    removed = as_editor.post(f"/editor/quizzes/{quiz_id}/remove", question_id=a)
    assert removed.status_code == 303
    page = as_editor.client.get(removed.location).text
    assert f"Question {a} is out; the quiz has 1 questions now." in page
    assert 'aria-label="Remove question 1" disabled' in page

    refused = as_editor.post(f"/editor/quizzes/{quiz_id}/remove", question_id=b)

    assert refused.status_code == 400
    assert "Nothing was changed" in refused.text
    assert "The quiz must keep at least 1 question" in refused.text
    assert order_of(session, quiz_id) == [b]
    assert fresh(session).get(Quiz, quiz_id).question_count == 1


def test_swapping_offers_the_candidates_with_their_answers(session, as_editor):
    winner, typed = qid(session, WINNER), qid(session, WINNER_TYPED)
    a, b = article_picks(session, 2, (winner,))
    quiz_id = make_draft(as_editor, [a, winner, b])

    offer = as_editor.client.get(f"/editor/quizzes/{quiz_id}/edit?swap={winner}").text
    form = offer.split('class="swap-form"')[1].split("</form>")[0]
    assert "<legend>Swap question 2 for</legend>" in form
    offered = re.findall(r'name="new_question_id" value="([^"]+)"', form)
    same_fact = set(
        fresh(session).exec(
            select(Question.id).where(Question.fact_id == WINNER[1], Question.id != winner)
        )
    )
    assert set(offered[: len(same_fact)]) == same_fact  # the same fact's come first
    assert len(offered) > len(same_fact) and form.count("required autofocus>") == 1
    assert form.count('<span class="badge same-fact">same fact</span>') == len(same_fact)
    assert "Answer: <strong>Lady Gaga</strong>" in form
    assert f'value="{a}"' not in form and f'value="{b}"' not in form

    swapped = as_editor.post(
        f"/editor/quizzes/{quiz_id}/swap", question_id=winner, new_question_id=typed
    )

    assert swapped.status_code == 303 and swapped.location.endswith(f"#item-{typed}")
    assert order_of(session, quiz_id) == [a, typed, b]
    assert (
        f"Question {winner} is swapped for {typed}." in as_editor.client.get(swapped.location).text
    )


def test_deleting_a_draft_asks_first(session, as_editor):
    (a,) = article_picks(session, 1)
    quiz_id = make_draft(as_editor, [a], title="Doomed")

    confirm = as_editor.client.get(f"/editor/quizzes/{quiz_id}/delete")
    assert confirm.status_code == 200
    assert "Delete the draft “Doomed”?" in confirm.text
    assert f'<form method="post" action="/editor/quizzes/{quiz_id}/delete"' in confirm.text
    assert fresh(session).get(Quiz, quiz_id) is not None  # asking deletes nothing

    deleted = as_editor.post(f"/editor/quizzes/{quiz_id}/delete")

    assert deleted.status_code == 303 and deleted.location == "/editor/quizzes/"
    assert "The draft “Doomed” is deleted." in as_editor.client.get(deleted.location).text
    assert fresh(session).get(Quiz, quiz_id) is None
    assert order_of(session, quiz_id) == []


@pytest.mark.parametrize(
    ("method", "action", "fields"),
    [
        ("get", "edit", {}),
        ("post", "move", {"direction": "up"}),
        ("post", "remove", {}),
        ("post", "swap", {"new_question_id": "typed"}),
        ("get", "delete", {}),
        ("post", "delete", {}),
    ],
)
def test_a_published_quiz_is_refused_with_409(session, as_editor, method, action, fields):
    winner, typed = qid(session, WINNER), qid(session, WINNER_TYPED)
    a, b = article_picks(session, 2, (winner,))
    quiz_id = make_draft(as_editor, [a, winner, b], publish="1")
    fields = {k: typed if v == "typed" else v for k, v in fields.items()}
    url = f"/editor/quizzes/{quiz_id}/{action}"

    if method == "get":
        response = as_editor.client.get(url)
    else:
        response = as_editor.post(url, question_id=winner, **fields)

    assert response.status_code == 409
    assert "is published: players have played it" in response.text
    assert order_of(session, quiz_id) == [a, winner, b]
    detail = as_editor.client.get(f"/editor/quizzes/{quiz_id}").text
    assert "Edit questions" not in detail


@pytest.mark.parametrize("action", ["edit", "move", "remove", "swap", "delete"])
def test_an_unknown_quiz_is_404(as_editor, action):
    url = f"/editor/quizzes/ed-nothing/{action}"
    response = (
        as_editor.client.get(url)
        if action == "edit"
        else as_editor.post(url, question_id="q-x", direction="up", new_question_id="q-y")
    )

    assert response.status_code == 404 and "There is no quiz &#39;ed-nothing&#39;" in response.text


@pytest.mark.parametrize(
    ("action", "fields", "says"),
    [
        ("move", {"question_id": "q-nothing", "direction": "up"}, "has no question &#39;q-nothing"),
        (
            "move",
            {"question_id": "FIRST", "direction": "left"},
            "Direction must be one of up, down",
        ),
        ("remove", {"question_id": ""}, "has no question &#39;&#39;"),
        ("swap", {"question_id": "FIRST", "new_question_id": "q-nothing"}, "no question &#39;q-n"),
        ("swap", {"question_id": "FIRST", "new_question_id": "FIRST"}, "is in the quiz already"),
    ],
)
def test_bad_ids_are_refused_with_400_saying_what(session, as_editor, action, fields, says):
    a, b = article_picks(session, 2)
    quiz_id = make_draft(as_editor, [a, b])
    fields = {k: a if v == "FIRST" else v for k, v in fields.items()}

    response = as_editor.post(f"/editor/quizzes/{quiz_id}/{action}", **fields)

    assert response.status_code == 400 and says in response.text
    assert order_of(session, quiz_id) == [a, b]


@pytest.mark.parametrize("who", ["anonymous", "player", "logged-out editor"])
def test_only_editors_edit_quizzes(app, session, as_editor, who):
    a, b = article_picks(session, 2)
    quiz_id = make_draft(as_editor, [a, b])
    if who == "logged-out editor":
        as_editor.logout()
        client = as_editor
    elif who == "player":
        client = player(app, session)
    else:
        client = Browser(app.test_client())
    base = f"/editor/quizzes/{quiz_id}"

    pages = [client.client.get(f"{base}/edit"), client.client.get(f"{base}/delete")]
    forms = [
        client.post(f"{base}/move", question_id=b, direction="up"),
        client.post(f"{base}/remove", question_id=a),
        client.post(f"{base}/swap", question_id=a, new_question_id=b),
        client.post(f"{base}/delete"),
    ]

    for response in pages + forms:
        assert response.status_code == 302 and response.location.startswith("/editor/login")
    assert order_of(session, quiz_id) == [a, b]


def test_an_edit_needs_the_csrf_token(session, as_editor):
    a, b = article_picks(session, 2)
    quiz_id = make_draft(as_editor, [a, b])

    response = as_editor.client.post(
        f"/editor/quizzes/{quiz_id}/move", data={"question_id": b, "direction": "up"}
    )

    assert response.status_code == 400 and order_of(session, quiz_id) == [a, b]
