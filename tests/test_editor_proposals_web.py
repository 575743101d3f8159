"""Fact proposals in the workspace: Accept, Edit and Dismiss under each sentence, the review
screen's "Accept selected", through the pages and forms.

The proposer is replaced by one that proposes two fixed facts on this test's article, so that
these tests say what the pages do with proposals, whatever the proposer finds (its own
measure is tests/test_propose*.py's). What a request wrote is checked through a fresh session.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.models import Change, Entity, Fact, ProposalDismissal
from quizapp.workspace.proposals import Filler, NewEntity, Proposal
from tests.factories import EDITOR_PASSWORD, make_editor

ARTICLES = "/editor/articles"
TITLE = "Nova Awards recap"
CAPE = "At the 2010 MTV VMAs, Lady Gaga won Best Glitter Cape for Bad Romance."
MIRA = "Later, Mira Solenne won Best Glitter Cape at the 2011 VMAs."
TEXT = f"{TITLE}\n\n{CAPE}\n{MIRA}\n"


def proposals_of(text: str) -> list[Proposal]:
    """What the stand-in proposer finds: the cape (sure) and Mira's win (unsure)."""
    if CAPE not in text:
        return []
    cape = Proposal(
        kind="award_win",
        roles={
            "winner": (Filler("Lady Gaga", entity_id="lady-gaga"),),
            "award": (Filler("Best Glitter Cape", new_type="award"),),
            "event": (Filler("2010 MTV VMAs", entity_id="vma-2010"),),
            "work": (Filler("Bad Romance", entity_id="bad-romance"),),
        },
        evidence=CAPE,
        start=text.index(CAPE),
        confidence=0.9,
        new_entities=(NewEntity("Best Glitter Cape", "award"),),
    )
    mira = Proposal(
        kind="award_win",
        roles={
            "winner": (Filler("Mira Solenne", new_type="person"),),
            "award": (Filler("Best Glitter Cape", new_type="award"),),
            "event": (Filler("2011 VMAs", entity_id="vma-2011"),),
        },
        evidence=MIRA,
        start=text.index(MIRA),
        confidence=0.4,
        new_entities=(NewEntity("Mira Solenne", "person"), NewEntity("Best Glitter Cape", "award")),
    )
    return [cape, mira]


@pytest.fixture(autouse=True)
def proposer(monkeypatch):
    monkeypatch.setattr(
        "quizapp.workspace.accept.proposals_for_stored_article",
        lambda session, article: proposals_of(article.text),
    )


@pytest.fixture
def app(bundled_app):
    return bundled_app


@pytest.fixture
def editor(session, faker):
    return make_editor(session, faker, name="Ed")


@pytest.fixture
def as_editor(editor_auth, editor):
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


def count(session: Session, model, *where) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def add_article(as_editor) -> tuple[str, str]:
    """Add the article through the form; its id and where the form led."""
    data = {
        "title": TITLE,
        "date": "2026-11-21",
        "source": "Test News",
        "event": "",
        "url": "",
        "text": TEXT,
    }
    data["csrf_token"] = as_editor.token()
    response = as_editor.client.post(f"{ARTICLES}/new", data=data)
    assert response.status_code == 302, response.text
    path = urlsplit(response.location).path
    return path.split("/")[3], path


@pytest.fixture
def article(as_editor) -> str:
    return add_article(as_editor)[0]


def keys() -> tuple[str, str]:
    cape, mira = proposals_of(TEXT)
    return cape.key, mira.key


def test_adding_an_article_leads_to_its_proposals(as_editor):
    article_id, landed = add_article(as_editor)

    assert landed == f"{ARTICLES}/{article_id}/proposals"
    page = as_editor.client.get(landed).text
    assert "The workspace proposes these facts" in page
    assert "Lady Gaga won Best Glitter Cape at the 2010 MTV VMAs" in page
    assert '<span class="ep-new">new award</span>' in page


def test_each_sentence_shows_its_proposals_as_sentences(as_editor, article):
    page = as_editor.client.get(f"{ARTICLES}/{article}").text

    assert "Review proposals (2)" in page
    cape_sentence = page.split('id="s-2"')[1].split('id="s-3"')[0]
    assert "Lady Gaga won Best Glitter Cape at the 2010 MTV VMAs" in cape_sentence
    assert '<span class="ep-new">new award</span>' in cape_sentence
    assert ">Accept<" in cape_sentence and ">Dismiss<" in cape_sentence
    edit = f"/editor/articles/{article}/facts/new?sentence=2&amp;kind=award_win&amp;proposal="
    assert edit in cape_sentence
    assert "Mira Solenne" in page.split('id="s-3"')[1]


def test_accept_creates_the_new_entity_and_the_fact_waiting_for_review(
    as_editor, article, session, editor
):
    cape, _ = keys()

    response = as_editor.post(
        f"{ARTICLES}/{article}/proposals/accept", key=cape, back="article", anchor="s-2"
    )

    assert response.status_code == 302
    assert response.location.endswith(f"{ARTICLES}/{article}#s-2")
    session.expire_all()
    assert session.get(Entity, "best-glitter-cape").type == "award"
    [fact] = session.exec(select(Fact).where(Fact.article_id == article)).all()
    assert fact.roles["award"] == "best-glitter-cape" and fact.reviewed is False
    assert count(session, Change, Change.editor_id == editor.id, Change.subject == "fact") == 1
    page = as_editor.client.get(response.location).text
    assert "Accepted 1 fact: they make" in page and "added Best Glitter Cape to the bank" in page
    assert "Review proposals (1)" in page  # the accepted one is not offered again


def test_the_review_screen_ticks_the_sure_ones_and_offers_types(as_editor, article):
    page = as_editor.client.get(f"{ARTICLES}/{article}/proposals").text
    cape, mira = keys()

    assert f'name="key" value="{html.escape(cape)}" id="pick-1" checked>' in page
    assert f'name="key" value="{html.escape(mira)}" id="pick-2">' in page
    assert '<select name="type-2-0" id="type-2-0">' in page
    mira_types = page.split('name="type-2-0"')[1].split("</select>")[0]
    assert '<option value="person" selected>person</option>' in mira_types
    assert '<option value="group">group</option>' in mira_types
    assert "Accept selected" in page


def test_accept_selected_takes_the_ticked_ones_with_the_chosen_types(as_editor, article, session):
    cape, mira = keys()
    client = as_editor.client
    data = {
        "csrf_token": as_editor.token(),
        "key": [cape, mira],
        "at-1": cape,
        "at-2": mira,
        "type-1-0": "award",
        "type-2-0": "group",
        "type-2-1": "award",
    }

    response = client.post(f"{ARTICLES}/{article}/proposals/accept", data=data)

    assert response.status_code == 302
    assert response.location.endswith(f"{ARTICLES}/{article}/proposals")
    assert count(session, Fact, Fact.article_id == article) == 2
    assert session.get(Entity, "mira-solenne").type == "group"
    page = client.get(response.location).text
    assert "Accepted 2 facts" in page and "No proposals left for this article" in page


def test_a_refused_selection_writes_nothing_and_shows_the_problem_at_its_proposal(
    as_editor, article, session
):
    cape, mira = keys()
    data = {
        "csrf_token": as_editor.token(),
        "key": [cape, mira],
        "at-1": cape,
        "at-2": mira,
        "type-2-0": "award",  # Mira as an award: a winner is a person or group
    }
    entities = count(session, Entity)

    response = as_editor.client.post(f"{ARTICLES}/{article}/proposals/accept", data=data)

    assert response.status_code == 400
    assert "Nothing accepted." in response.text
    assert "Proposal 2 (award_win): winner: &#39;Mira Solenne&#39; cannot be an award" in (
        response.text
    )
    assert '<li class="ep-proposal has-problem" id="p-2">' in response.text
    assert (count(session, Entity), count(session, Fact, Fact.article_id == article)) == (
        entities,
        0,
    )


def test_dismiss_is_remembered_and_the_proposal_is_gone(as_editor, article, session, editor):
    _, mira = keys()

    response = as_editor.post(
        f"{ARTICLES}/{article}/proposals/dismiss", dismiss=mira, back="article", anchor="s-3"
    )

    assert response.status_code == 302 and response.location.endswith("#s-3")
    [row] = session.exec(select(ProposalDismissal)).all()
    assert (row.article_id, row.key, row.editor_id) == (article, mira, editor.id)
    page = as_editor.client.get(f"{ARTICLES}/{article}").text
    assert "Dismissed: the article will not propose it again." in page
    assert "Review proposals (1)" in page and "Mira Solenne won" not in page


def test_dismiss_from_the_review_screen_goes_back_to_it(as_editor, article):
    cape, mira = keys()
    # The review form's Dismiss button sends the whole form, ticks included.
    data = {"csrf_token": as_editor.token(), "key": [cape], "at-1": cape, "dismiss": mira}

    response = as_editor.client.post(f"{ARTICLES}/{article}/proposals/dismiss", data=data)

    assert response.location.endswith(f"{ARTICLES}/{article}/proposals")
    page = as_editor.client.get(response.location).text
    assert "Mira Solenne" not in page and "Lady Gaga won Best Glitter Cape" in page


def test_edit_opens_the_fact_form_prefilled_with_the_proposal(as_editor, article):
    cape, _ = keys()

    page = as_editor.client.get(
        f"{ARTICLES}/{article}/facts/new",
        query_string={"sentence": 2, "kind": "award_win", "proposal": cape},
    ).text

    assert '<option value="award_win" selected' in page
    # The fields show entities by name (issue 14's fact form fix), not by id.
    assert 'value="Lady Gaga"' in page and 'value="2010 MTV Video Music Awards"' in page
    assert 'value="Best Glitter Cape"' in page
    assert CAPE in page.split('name="evidence"')[1].split("</textarea>")[0]


@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_a_tampered_key_is_refused_and_nothing_is_written(as_editor, article, session, action):
    cape, _ = keys()
    tampered = cape.replace("winner=lady-gaga", "winner=beyonce")
    before = (count(session, Fact), count(session, Entity), count(session, ProposalDismissal))

    response = as_editor.post(
        f"{ARTICLES}/{article}/proposals/{action}", key=tampered, dismiss=tampered
    )

    assert response.status_code == 400
    assert "no longer offered" in response.text
    after = (count(session, Fact), count(session, Entity), count(session, ProposalDismissal))
    assert after == before


def test_edit_with_an_unknown_proposal_is_not_found(as_editor, article):
    response = as_editor.client.get(
        f"{ARTICLES}/{article}/facts/new", query_string={"proposal": "award_win;0;x=y"}
    )

    assert response.status_code == 404
    assert "no longer offers that proposal" in response.text


def test_an_unknown_kind_proposed_is_refused_with_a_clear_problem(
    as_editor, article, session, monkeypatch
):
    odd = Proposal("won_prize", {"winner": (Filler("Lady Gaga", "lady-gaga"),)}, CAPE, 0, 0.9)
    monkeypatch.setattr(
        "quizapp.workspace.accept.proposals_for_stored_article", lambda session, article: [odd]
    )

    response = as_editor.post(f"{ARTICLES}/{article}/proposals/accept", key=odd.key)

    assert response.status_code == 400
    assert "there is no fact kind &#39;won_prize&#39;" in response.text
    assert count(session, Fact, Fact.article_id == article) == 0


def test_nothing_ticked_says_so(as_editor, article):
    response = as_editor.post(f"{ARTICLES}/{article}/proposals/accept")

    assert response.status_code == 400
    assert "Tick at least one proposal to accept." in response.text


def test_the_proposal_forms_need_the_csrf_token(as_editor, article, session):
    cape, _ = keys()
    for action, field in (("accept", "key"), ("dismiss", "dismiss")):
        response = as_editor.client.post(
            f"{ARTICLES}/{article}/proposals/{action}", data={field: cape}
        )
        assert response.status_code == 400 and "This form has expired" in response.text
    assert count(session, Fact, Fact.article_id == article) == 0
    assert count(session, ProposalDismissal) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/proposals"),
        ("POST", "/proposals/accept"),
        ("POST", "/proposals/dismiss"),
    ],
)
def test_the_proposal_pages_send_visitors_to_the_login(editor_auth, session, method, path):
    cape, _ = keys()
    data = {"csrf_token": editor_auth.token(), "key": cape, "dismiss": cape}
    url = f"{ARTICLES}/vma-2010-gaga-triumph{path}"

    response = editor_auth.client.open(url, method=method, data=data if method == "POST" else None)

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/editor/login"
    assert count(session, ProposalDismissal) == 0
