"""The editors' templates pages: list, form, live preview (JSON and without JS), save, retire.

Every test runs on its own copy of the bundled bank (questions and quizzes built). CSRF
protection stays on: `editor_auth` (tests/conftest.py) reads the token from a page, and the
JSON preview sends it in the X-CSRFToken header as static/editor-templates.js does. What a
request wrote is checked through a fresh session (the `session` fixture), not the request's own.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from markupsafe import escape
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.core.problems import Location, Problem
from quizapp.db import get_engine
from quizapp.game.quizzes import plan_quizzes
from quizapp.models import Attempt, Change, Player, Question, Quiz, QuizItem, Template
from quizapp.workspace.templates import mark_problems
from tests.factories import EDITOR_PASSWORD, make_editor

LIST = "/editor/templates/"
NEW = "/editor/templates/new"
PREVIEW = "/editor/api/templates/preview"
GOOD = {
    "kind": "award_win",
    "style": "multiple_choice",
    "prompt": "Which star won {award} at the {event}?",
    "answer_role": "winner",
    "explanation": "{winner} won {award}.",
}
NEW_ID = "award-win-winner-multiple-choice"  # what edits.save_template names GOOD
TYPO = {**GOOD, "prompt": "Which star won {award} at the {evnt}?"}
TYPO_COLUMN = 31  # where {evnt} starts, counting from 1


@pytest.fixture
def app(bundled_app):
    """An app on this test's own copy of the bundled bank, questions and quizzes."""
    return bundled_app


@pytest.fixture
def editor(session, faker):
    return make_editor(session, faker, name="Ed")


@pytest.fixture
def as_editor(editor_auth, editor):
    """The test's client, logged in as the editor Ed."""
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


def fresh(app) -> Session:
    """A session of its own, to see what requests committed."""
    return Session(get_engine(app))


def preview_json(auth, draft: dict, **headers: str):
    """Ask the JSON preview, as the page's script does."""
    return auth.client.post(PREVIEW, json=draft, headers={"X-CSRFToken": auth.token(), **headers})


def question_count(app, template_id: str) -> int:
    with fresh(app) as db:
        return db.exec(
            select(func.count()).select_from(Question).where(Question.template_id == template_id)
        ).one()


def change_count(app) -> int:
    with fresh(app) as db:
        return db.exec(select(func.count()).select_from(Change)).one()


def follow(auth, response):
    assert response.status_code == 302, response.text
    return auth.client.get(response.location)


# --- The gate -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", LIST),
        ("GET", NEW),
        ("GET", "/editor/templates/award-win-winner-mc"),
        ("POST", NEW),
        ("POST", "/editor/templates/award-win-winner-mc/retire"),
    ],
)
def test_pages_send_visitors_to_the_login(editor_auth, method, url):
    data = {"csrf_token": editor_auth.token(), **GOOD, "action": "publish"}
    response = editor_auth.client.open(url, method=method, data=data if method == "POST" else None)

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/editor/login"


def test_the_json_preview_answers_visitors_401(editor_auth):
    response = preview_json(editor_auth, GOOD)

    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_every_template_by_kind_with_its_questions(app, as_editor):
    page = as_editor.client.get(LIST).text

    with fresh(app) as db:
        templates = db.exec(select(Template)).all()
        counts = dict(
            db.exec(select(Question.template_id, func.count()).group_by(Question.template_id)).all()
        )
    assert f"{len(templates)} templates" in page
    assert 'href="/editor/templates/new"' in page and "New template" in page
    assert '<th scope="colgroup" colspan="5">award_win</th>' in page
    for template in templates[:5]:
        row = re.search(
            rf'href="/editor/templates/{template.id}">(.*?)</a>.*?'
            r'data-label="Questions">(\d+)</td>',
            page,
            re.S,
        )
        assert row, template.id
        assert row.group(1) == escape(template.prompt)
        assert int(row.group(2)) == counts.get(template.id, 0)


def test_the_list_names_who_changed_a_template_last(as_editor):
    as_editor.post(NEW, **GOOD, action="draft")

    page = as_editor.client.get(LIST, query_string={"status": "draft"}).text

    assert f'href="/editor/templates/{NEW_ID}"' in page
    assert re.search(r"created by Ed,\s*<time datetime=", page)
    assert "award-win-winner-mc" not in page  # published, so filtered out


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"kind": "caught"}, "caught-", "award-win-"),
        ({"kind": "award_win"}, "award-win-", "caught-"),
        ({"status": "published"}, "award-win-", None),
        ({"status": "retired"}, None, "award-win-"),
        ({"kind": "no_such_kind"}, "No templates match", "award-win-"),
    ],
)
def test_the_list_filters_by_kind_and_status(as_editor, query, shown, hidden):
    page = as_editor.client.get(LIST, query_string=query).text

    if shown:
        assert shown in page
    if hidden:
        assert f'href="/editor/templates/{hidden}' not in page


# --- The form -------------------------------------------------------------------------------------


def test_the_form_shows_each_kinds_slots_and_their_types(as_editor):
    page = as_editor.client.get(NEW, query_string={"kind": "caught"}).text

    assert '<option value="caught" data-roles="catchers caught event" selected>' in page
    assert "<code>{catchers}</code>" in page and "person, one or more" in page
    assert re.search(r'<select id="answer_role"[^>]*>\s*<option value="catchers"', page)
    for button in ("preview", "draft", "publish"):
        assert f'name="action" value="{button}"' in page
    assert "Retire" not in page  # nothing to retire yet


def test_an_unknown_template_is_404(as_editor):
    response = as_editor.client.get("/editor/templates/no-such-template")

    assert response.status_code == 404 and "There is no template" in response.text


def test_pages_have_no_inline_script(as_editor):
    for url in (LIST, NEW, "/editor/templates/award-win-winner-mc"):
        page = as_editor.client.get(url).text

        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert not re.search(r"\son[a-z]+=", page), url
    assert "editor-templates.js" in page and "editor-templates.css" in page


# --- Writing a template: draft, preview, fix, publish ---------------------------------------------


def test_an_editor_drafts_previews_fixes_and_publishes(app, as_editor, editor):
    drafted = as_editor.post(NEW, **GOOD, action="draft")
    url = f"/editor/templates/{NEW_ID}"
    assert drafted.location == url
    assert "Saved as a draft." in as_editor.client.get(url).text
    assert question_count(app, NEW_ID) == 0

    # The live preview of a typo points at the slot.
    typo = preview_json(as_editor, {**TYPO, "id": NEW_ID})
    assert typo.status_code == 200 and typo.json["can_publish"] is False
    error = typo.json["problems"][0]
    assert (error["severity"], error["code"]) == ("error", "unknown_role")
    assert (error["field"], error["column"], error["text"]) == ("prompt", TYPO_COLUMN, "{evnt}")
    marked = [p for p in typo.json["marked"]["prompt"] if p["severity"]]
    assert marked[0] == {"text": "{evnt}", "severity": "error", "note": error["message"]}
    assert typo.json["questions"] == []

    # The same without JavaScript: the form's Preview button.
    page = as_editor.post(url, **TYPO, action="preview")
    assert page.status_code == 200
    assert f"prompt, column {TYPO_COLUMN}: <code>{{evnt}}</code>" in page.text
    assert re.search(r'<mark class="mark-error" title="[^"]*">\{evnt\}</mark>', page.text)
    assert 'data-can-publish="false"' in page.text
    assert escape(TYPO["prompt"]) in page.text  # the editor's text stays in the form

    # Fixed: questions, and nothing that blocks publishing.
    fixed = preview_json(as_editor, {**GOOD, "id": NEW_ID}).json
    assert fixed["can_publish"] is True and fixed["errors"] == 0
    made = fixed["question_count"]
    assert made == len(fixed["questions"]) > 0
    question = fixed["questions"][0]
    assert question["prompt"].startswith("Which star won ")
    assert question["answer"][0] in question["choices"]
    assert question["fact_id"] and question["article_title"] and question["evidence"]

    published = as_editor.post(url, **GOOD, action="publish")
    assert f"Published: makes {made} question" in follow(as_editor, published).text
    with fresh(app) as db:
        assert db.get(Template, NEW_ID).status == "published"
        questions = db.exec(select(Question).where(Question.template_id == NEW_ID)).all()
        assert {q.prompt for q in questions} == {q["prompt"] for q in fixed["questions"]}
        log = db.exec(select(Change).order_by(Change.id)).all()
    assert [(c.action, c.editor_id, c.subject_id) for c in log] == [
        ("create", editor.id, NEW_ID),
        ("publish", editor.id, NEW_ID),
    ]


def test_publishing_rebuilds_the_unplayed_quizzes(app, as_editor):
    # Empty one unplayed quiz behind the workspace's back: publishing must rebuild every
    # unplayed quiz from the bank as it now is, so afterwards each holds exactly what a fresh
    # plan holds (the new template's questions in the running), and that one is whole again.
    with fresh(app) as db:
        for item in db.exec(select(QuizItem).where(QuizItem.quiz_id == "event-vma-2010")):
            db.delete(item)
        db.commit()

    as_editor.post(NEW, **GOOD, action="publish")

    with fresh(app) as db:
        assert db.exec(select(Question.id).where(Question.template_id == NEW_ID)).all()
        planned, stored = planned_and_stored_quizzes(db)
    assert planned["event-vma-2010"]
    assert stored == planned


def planned_and_stored_quizzes(db: Session) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each automatic quiz but the daily one as a fresh plan makes it, and as it is stored."""
    planned = {
        plan.id: list(plan.question_ids)
        for plan in plan_quizzes(db, today=dt.date(2026, 1, 1))
        if plan.scope != "daily"
    }
    stored = {
        quiz_id: list(
            db.exec(
                select(QuizItem.question_id)
                .where(QuizItem.quiz_id == quiz_id)
                .order_by(QuizItem.position)
            )
        )
        for quiz_id in planned
    }
    return planned, stored


def test_the_preview_of_a_new_template_needs_no_saving(app, as_editor):
    page = as_editor.post(NEW, **GOOD, action="preview")

    assert page.status_code == 200 and "Which star won Video of the Year" in page.text
    assert change_count(app) == 0
    with fresh(app) as db:
        assert db.get(Template, NEW_ID) is None


def test_the_preview_shows_the_first_questions_and_counts_them_all(as_editor, monkeypatch):
    monkeypatch.setattr("quizapp.web.editor_templates.PREVIEW_SHOWN", 1)

    data = preview_json(as_editor, GOOD).json
    page = as_editor.post(NEW, **GOOD, action="preview").text

    made = data["question_count"]
    assert made > 1 and len(data["questions"]) == 1
    assert f"Makes {made} questions" in page
    assert page.count('class="question preview-question') == 1
    assert f"The first 1 of {made} questions are shown" in page


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"prompt": "Which star won {award} at the {evnt}?"}, "names no role"),
        ({"prompt": "Which star won {award!r} at the {event}?"}, "{award!r}"),
        ({"prompt": "   "}, "the prompt is empty"),
        ({"answer_role": "loser"}, "loser"),
        ({"kind": "no_such_kind"}, "no_such_kind"),
        ({"style": "essay"}, "essay"),
        ({"prompt": "Who won {award} at the {event}? It was {winner}."}, "its own answer"),
        ({"prompt": "Who won {award} at the {event}, " + "honestly, " * 25 + "?"}, "characters"),
    ],
    ids=[
        "unknown slot",
        "format syntax",
        "empty prompt",
        "unknown answer role",
        "unknown kind",
        "unknown style",
        "answer in prompt",
        "filled prompt too long",
    ],
)
def test_a_template_with_errors_is_not_published(app, as_editor, fields, says):
    before = change_count(app)

    response = as_editor.post(NEW, **{**GOOD, **fields}, action="publish")

    assert response.status_code == 400
    assert "Not saved." in response.text and escape(says) in response.text
    for value in fields.values():
        assert escape(value) in response.text  # kept in the form
    assert change_count(app) == before
    with fresh(app) as db:
        assert db.get(Template, NEW_ID) is None


def test_a_published_template_keeps_its_questions_when_an_edit_is_refused(app, as_editor):
    url = "/editor/templates/award-win-winner-mc"
    with fresh(app) as db:
        saved = db.get(Template, "award-win-winner-mc")
    count = question_count(app, saved.id)

    response = as_editor.post(url, **{**GOOD, **TYPO}, action="publish")

    assert response.status_code == 400
    with fresh(app) as db:
        assert db.get(Template, saved.id) == saved
    assert question_count(app, saved.id) == count > 0
    assert change_count(app) == 0


def test_what_a_template_requires_is_edited_as_lines_and_kept_by_other_edits(app, as_editor):
    as_editor.post(NEW, **GOOD, requires="winner: person, rapper\n\n", action="draft")
    url = f"/editor/templates/{NEW_ID}"
    # A client that sends no requires field (an older page) keeps them.
    as_editor.post(
        url, **{**GOOD, "prompt": "Which act won {award} at the {event}?"}, action="draft"
    )

    with fresh(app) as db:
        template = db.get(Template, NEW_ID)
        assert template.requires == {"winner": ["person", "rapper"]}
        assert template.prompt.startswith("Which act won")
    page = as_editor.client.get(url).text
    assert '<textarea id="requires" name="requires"' in page
    assert ">winner: person, rapper</textarea>" in page
    refused = as_editor.post(url, **GOOD, requires="winner person", action="draft")
    assert refused.status_code == 400
    assert "requires: line 1: write &#39;role: type or tag, ...&#39;" in refused.text
    unknown = as_editor.post(url, **GOOD, requires="champion: rapper", action="draft")
    assert unknown.status_code == 400 and "has no role &#39;champion&#39;" in unknown.text
    as_editor.post(url, **GOOD, requires="", action="draft")
    with fresh(app) as db:
        assert db.get(Template, NEW_ID).requires == {}


def test_saving_a_published_template_as_draft_withdraws_its_questions(app, as_editor):
    url = "/editor/templates/award-win-winner-mc"
    with fresh(app) as db:
        saved = db.get(Template, "award-win-winner-mc")
    draft = {
        "kind": saved.kind,
        "style": saved.style,
        "prompt": saved.prompt,
        "answer_role": saved.answer_role,
        "explanation": saved.explanation or "",
    }

    page = follow(as_editor, as_editor.post(url, **draft, action="draft")).text

    assert "it makes no questions until it is published again" in page
    assert question_count(app, saved.id) == 0
    with fresh(app) as db:
        assert not db.exec(select(QuizItem).where(QuizItem.template_id == saved.id)).all()


@pytest.mark.parametrize(
    "body",
    [None, [], "text", {**GOOD, "prompt": 12}, {**GOOD, "id": ["x"]}],
    ids=["no body", "a list", "a string", "prompt not a string", "id not a string"],
)
def test_the_json_preview_refuses_a_bad_body(as_editor, body):
    if body is None:
        response = as_editor.client.post(PREVIEW, headers={"X-CSRFToken": as_editor.token()})
    else:
        response = preview_json(as_editor, body)

    assert response.status_code == 400 and response.json["error"]["code"] == "invalid"


def test_an_unknown_action_is_refused(app, as_editor):
    response = as_editor.post(NEW, **GOOD, action="delete")

    assert response.status_code == 400 and "choose Preview, Save draft or Publish" in response.text
    assert change_count(app) == 0


# --- CSRF -----------------------------------------------------------------------------------------


def test_forms_without_the_csrf_token_are_refused(app, as_editor):
    client = as_editor.client

    form = client.post(NEW, data={**GOOD, "action": "publish"})
    retire = client.post("/editor/templates/award-win-winner-mc/retire", data={"confirm": "yes"})
    as_json = client.post(PREVIEW, json=GOOD)
    wrong = client.post(PREVIEW, json=GOOD, headers={"X-CSRFToken": "not-the-token"})

    assert form.status_code == 400 and "This form has expired" in form.text
    assert retire.status_code == 400
    assert as_json.status_code == 400 and as_json.json["error"]["code"] == "invalid"
    assert wrong.status_code == 400 and "CSRF" in wrong.json["error"]["message"]
    assert change_count(app) == 0
    assert preview_json(as_editor, GOOD).status_code == 200  # with the token, it works


# --- Escaping -------------------------------------------------------------------------------------


def test_editor_text_is_shown_as_text(app, as_editor):
    attack = "<script>alert(1)</script>"
    fields = {
        **GOOD,
        "prompt": f"Which star won {{award}} at the {{event}} {attack}?",
        "explanation": '{winner} won. <img src=x onerror="alert(2)">',
    }

    as_editor.post(NEW, **fields, action="publish")
    pages = [
        as_editor.client.get(f"/editor/templates/{NEW_ID}").text,
        as_editor.client.get(LIST).text,
        as_editor.post(NEW, **fields, action="preview").text,
    ]

    for page in pages:
        assert attack not in page and "<img src=x" not in page
        assert escape(attack) in page
    assert escape(fields["explanation"]) in pages[0]  # in the form and the history
    question = preview_json(as_editor, fields).json["questions"][0]
    assert attack in question["prompt"]  # JSON carries text; the script sets it as text


# --- Retiring -------------------------------------------------------------------------------------


def played_and_unplayed(app) -> tuple[str, str, str]:
    """A template whose questions are in two quizzes, of which one gets played now."""
    with fresh(app) as db:
        pairs = db.exec(select(QuizItem.template_id, QuizItem.quiz_id).distinct()).all()
        quizzes: dict[str, list[str]] = {}
        for template_id, quiz_id in pairs:
            quizzes.setdefault(template_id, []).append(quiz_id)
        template_id, (played, unplayed, *_) = next(
            (t, sorted(q)) for t, q in sorted(quizzes.items()) if len(q) >= 2
        )
        player = Player(nickname="Tess", nickname_key="tess", token_hash="0" * 64)
        db.add(player)
        db.flush()
        db.add(Attempt(quiz_id=played, player_id=player.id, seed=1))
        db.commit()
    return template_id, played, unplayed


def items_of(app, quiz_id: str) -> list[dict]:
    with fresh(app) as db:
        items = db.exec(
            select(QuizItem).where(QuizItem.quiz_id == quiz_id).order_by(QuizItem.position)
        ).all()
        return [item.model_dump() for item in items]


def test_retiring_asks_for_a_confirmation(app, as_editor):
    response = as_editor.post("/editor/templates/award-win-winner-mc/retire")

    assert response.status_code == 400 and "Tick the box to confirm" in response.text
    assert 'type="checkbox" name="confirm" value="yes" required' in response.text
    with fresh(app) as db:
        assert db.get(Template, "award-win-winner-mc").status == "published"
    assert change_count(app) == 0


def test_retiring_removes_the_questions_but_not_from_played_quizzes(app, as_editor, editor):
    template_id, played, unplayed = played_and_unplayed(app)
    played_items = items_of(app, played)
    assert question_count(app, template_id) > 0

    response = as_editor.post(f"/editor/templates/{template_id}/retire", confirm="yes")

    page = follow(as_editor, response).text
    assert "Retired: it makes no more questions." in page
    assert "Retire this template" not in page
    assert question_count(app, template_id) == 0
    assert items_of(app, played) == played_items
    assert all(item["template_id"] != template_id for item in items_of(app, unplayed))
    with fresh(app) as db:
        assert db.get(Template, template_id).status == "retired"
        assert db.get(Quiz, played) is not None
        change = db.exec(select(Change)).one()
    assert (change.action, change.editor_id, change.detail) == (
        "retire",
        editor.id,
        {"status": ["published", "retired"]},
    )


def test_an_unknown_template_cannot_be_retired(as_editor):
    response = as_editor.post("/editor/templates/no-such-template/retire", confirm="yes")

    assert response.status_code == 404


# --- History --------------------------------------------------------------------------------------


def test_the_history_shows_who_changed_what(app, as_editor, session, faker):
    url = f"/editor/templates/{NEW_ID}"
    as_editor.post(NEW, **GOOD, action="draft")
    as_editor.logout()
    make_editor(session, faker, name="Flo")
    as_editor.login("Flo", EDITOR_PASSWORD)
    changed = {**GOOD, "prompt": "Who took home {award} at the {event}?"}

    page = follow(as_editor, as_editor.post(url, **changed, action="publish")).text

    history = page.split('id="history-title"')[1]
    flo, ed = re.split(r"<li>\s*<p class=\"history-head\">", history)[1:3]
    assert flo.startswith("<strong>Flo</strong> published it")
    assert re.search(
        r"<dt>prompt</dt>\s*<dd><del>Which star won \{award\} at the \{event\}\?</del> → "
        r"<ins>Who took home \{award\} at the \{event\}\?</ins></dd>",
        flo,
    )
    assert re.search(r"<dt>status</dt>\s*<dd><del>draft</del> → <ins>published</ins>", flo)
    assert ed.startswith("<strong>Ed</strong> created it")
    assert re.search(r"<dt>answer role</dt>\s*<dd><ins>winner</ins></dd>", ed)


def test_a_retired_template_is_not_retired_twice(app, as_editor):
    url = "/editor/templates/award-win-winner-mc"
    as_editor.post(f"{url}/retire", confirm="yes")

    again = as_editor.post(f"{url}/retire", confirm="yes")

    assert "It was retired already." in follow(as_editor, again).text
    assert change_count(app) == 1


# --- Marking problems in the text (workspace.templates, no app) -----------------------------------


def problem(severity: str, column: int | None, text: str | None, field: str = "prompt"):
    where = Location(column=column, text=text)
    return Problem("code", f"{severity} at {column}", field, where, severity=severity)


@pytest.mark.parametrize(
    ("problems", "parts"),
    [
        ([], [("Who won {award}?", None)]),
        (
            [problem("error", 9, "{award}")],
            [("Who won ", None), ("{award}", "error"), ("?", None)],
        ),
        (  # a shortened quote marks what it quotes
            [problem("warning", 1, "Who won...")],
            [("Who won", "warning"), (" {award}?", None)],
        ),
        (  # a quote that is not there: only the character at the column
            [problem("warning", 5, "elsewhere")],
            [("Who ", None), ("w", "warning"), ("on {award}?", None)],
        ),
        (  # past the end: something missing there
            [problem("warning", 17, "d}?")],
            [("Who won {award}?", None), (" ", "warning")],
        ),
        (  # overlapping places merge, as an error if one is
            [problem("warning", 9, "{award"), problem("error", 10, "award}")],
            [("Who won ", None), ("{award}", "error"), ("?", None)],
        ),
        ([problem("error", 1, "Who", field="explanation"), problem("error", None, None)], None),
    ],
    ids=["none", "a slot", "shortened", "not there", "past the end", "overlap", "elsewhere"],
)
def test_mark_problems_cuts_the_text_where_problems_point(problems, parts):
    text = "Who won {award}?"

    marked = mark_problems(text, problems, "prompt")

    assert [(p.text, p.severity) for p in marked] == (parts or [(text, None)])
    assert "".join(p.text for p in marked).rstrip() == text


def test_the_json_preview_takes_a_missing_explanation_as_none(as_editor):
    body = {key: value for key, value in GOOD.items() if key != "explanation"}

    with_null = preview_json(as_editor, {**body, "explanation": None}).json
    missing = preview_json(as_editor, body).json

    assert with_null == missing and with_null["can_publish"] is True
    assert all(q["explanation"] is None for q in missing["questions"])
