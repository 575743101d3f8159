"""Fact kinds at /editor/kinds (issue 15), through the pages and forms: admins add and change
kinds; plain editors, players and visitors cannot; a refused form says what to fix at its
field and writes nothing.

The database starts as the bundled bank with its questions and quizzes; what a request wrote
is checked through a fresh session (the `session` fixture).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from quizapp.models import Change, FactKind
from tests.conftest import EditorAuth
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.test_auth_web import player_client

KINDS = "/editor/kinds"
DEDICATED = {
    "name": "dedicated",
    "description": "Someone dedicated a song to someone.",
    "role-1-name": "singer",
    "role-1-types": "person, group",
    "role-2-name": "song",
    "role-2-types": "song",
    "role-3-name": "dedicatee",
    "role-3-types": "person, group",
    "role-4-name": "event",
    "role-4-types": "event",
    "role-4-optional": "1",
    "role-5-name": "",
    "role-5-types": "",
    "unique_given": "",
    "same_fact": "",
    "cues": "{singer} dedicated {song} to {dedicatee}\n\n{dedicatee} heard {singer} sing {song}",
}


@pytest.fixture
def app(bundled_app):
    """The app on a copy of the bundled bank, its questions generated and quizzes built."""
    return bundled_app


@pytest.fixture
def as_admin(editor_auth, session, faker):
    """The test's client, logged in as the admin Ada."""
    make_editor(session, faker, name="Ada", role="admin")
    assert editor_auth.login("Ada", EDITOR_PASSWORD).status_code == 302
    return editor_auth


@pytest.fixture
def as_editor(editor_auth, session, faker):
    """The test's client, logged in as the plain editor Ed."""
    make_editor(session, faker, name="Ed")
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


def count(session, model, *where) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_an_admin_sees_the_kinds_with_their_roles_and_use(as_admin):
    page = as_admin.client.get(f"{KINDS}/").text

    assert 'href="/editor/kinds/award_win"' in page
    assert "<strong>winner</strong>: person or group" in page
    assert 'href="/editor/kinds/"' in as_admin.client.get("/editor/").text  # in the nav


def test_an_admin_adds_a_kind_with_cue_phrases(as_admin, session):
    response = as_admin.post(f"{KINDS}/new", **DEDICATED)

    assert response.status_code == 302
    assert response.headers["Location"] == f"{KINDS}/dedicated"
    kind = session.get(FactKind, "dedicated")
    assert kind.roles["event"] == {"types": ["event"], "many": False, "optional": True}
    assert kind.roles["singer"]["types"] == ["person", "group"]
    assert kind.cues == [
        "{singer} dedicated {song} to {dedicatee}",
        "{dedicatee} heard {singer} sing {song}",
    ]
    page = as_admin.client.get(response.headers["Location"]).text
    assert "Added the kind dedicated" in page
    assert "{singer} dedicated {song} to {dedicatee}\n{dedicatee} heard" in page
    assert "<strong>create</strong> by Ada" in page


def test_an_admin_changes_a_kind_and_its_name_stays(as_admin, session):
    form = {**DEDICATED, "name": "ignored", "description": "Songs for someone."}
    as_admin.post(f"{KINDS}/new", **DEDICATED)

    response = as_admin.post(f"{KINDS}/dedicated", **form)

    assert response.status_code == 302
    assert session.get(FactKind, "dedicated").description == "Songs for someone."
    assert session.get(FactKind, "ignored") is None
    assert session.exec(select(Change.action).where(Change.subject == "kind")).all() == [
        "create",
        "update",
    ]


def test_an_edit_that_breaks_facts_is_refused_naming_them(as_admin, session):
    before = session.get(FactKind, "award_win").roles
    page = as_admin.client.get(f"{KINDS}/award_win").text
    assert 'name="role-1-name" value="winner"' in page
    form = {
        "description": "Someone won an award.",
        "role-1-name": "winner",
        "role-1-types": "group",
        "role-2-name": "award",
        "role-2-types": "award",
        "role-3-name": "event",
        "role-3-types": "event",
        "role-4-name": "work",
        "role-4-types": "song, album",
        "role-4-optional": "1",
        "unique_given": "winner: award, event\nwork: award, event",
    }

    response = as_admin.post(f"{KINDS}/award_win", **form)

    assert response.status_code == 400
    assert "Not saved." in response.text
    assert "but this role takes group" in response.text
    assert "Fact vma-2010-video-of-the-year: roles.winner: lady-gaga is a person" in response.text
    assert session.get(FactKind, "award_win").roles == before
    assert count(session, Change, Change.subject == "kind") == 0


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "Dedicated!"}, "name", "lower-case letters"),
        ({"name": "award_win"}, "name", "already a kind"),
        ({"role-2-types": "songs"}, "role-2-name", "did you mean &#39;song&#39;?"),
        ({"cues": "{singer} dedicated {tune}"}, "cues", "Cue phrase 1: names {tune}, which is no"),
        ({"cues": "{singer {song}"}, "cues", "a brace without its pair"),
        ({"unique_given": "singer"}, "unique_given", "write &#39;role: the roles that fix it"),
        ({"same_fact": "nobody"}, "same_fact", "lists &#39;nobody&#39;"),
    ],
)
def test_bad_input_is_a_400_with_the_message_at_its_field_and_nothing_written(
    as_admin, session, changes, field, words
):
    kinds_before = count(session, FactKind)

    response = as_admin.post(f"{KINDS}/new", **{**DEDICATED, **changes})

    assert response.status_code == 400
    page = response.text
    assert words in page
    # The field is marked and its message stands under it.
    marked = page.split(f'name="{field}"')[1].split(">")[0]
    assert 'aria-invalid="true"' in marked
    assert count(session, FactKind) == kinds_before
    assert count(session, Change) == 0
    # What was typed is kept.
    assert 'value="dedicated"' in page or changes.get("name", "") in page


def test_a_plain_editor_cannot_see_or_change_kinds(as_editor, session):
    before = session.get(FactKind, "sang").description

    assert as_editor.client.get(f"{KINDS}/").status_code == 403
    assert as_editor.client.get(f"{KINDS}/sang").status_code == 403
    assert as_editor.post(f"{KINDS}/new", **DEDICATED).status_code == 403
    refused = as_editor.post(f"{KINDS}/sang", **{**DEDICATED, "description": "x"})

    assert refused.status_code == 403
    assert session.get(FactKind, "dedicated") is None
    assert session.get(FactKind, "sang").description == before
    assert 'href="/editor/kinds/"' not in as_editor.client.get("/editor/").text


@pytest.mark.parametrize("visitor", ["anonymous", "player"])
def test_players_and_visitors_cannot_see_or_change_kinds(app, session, visitor):
    browser = player_client(app) if visitor == "player" else EditorAuth(app.test_client())

    page = browser.client.get(f"{KINDS}/")
    posted = browser.post(f"{KINDS}/new", **DEDICATED)

    assert page.status_code == 302 and "/editor/login" in page.headers["Location"]
    assert posted.status_code in (302, 401, 403)
    assert session.get(FactKind, "dedicated") is None


def test_an_unknown_kind_is_404(as_admin):
    assert as_admin.client.get(f"{KINDS}/no_such_kind").status_code == 404
    assert as_admin.post(f"{KINDS}/no_such_kind", **DEDICATED).status_code == 404
