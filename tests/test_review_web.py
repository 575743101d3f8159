"""The review screen at /editor/review, through its pages and forms, and the links to it."""

import re

import pytest
from markupsafe import escape
from sqlmodel import Session, select

from quizapp.models import Fact, QuizItem
from quizapp.workspace import edits
from tests.factories import EDITOR_PASSWORD, make_editor

ARTICLE = "vma-2010-gaga-triumph"
REVIEW = "/editor/review/"


@pytest.fixture
def app(bundled_app):
    return bundled_app


@pytest.fixture
def as_editor(editor_auth, session, faker):
    make_editor(session, faker, name="Ed")
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


@pytest.fixture
def edited(session: Session) -> Fact:
    """A fact of the article saved again in the workspace with a shorter evidence."""
    fact = session.exec(
        select(Fact).where(Fact.article_id == ARTICLE, Fact.kind == "award_win")
    ).first()
    evidence = fact.evidence[: fact.evidence.rindex(" ")]
    edits.save_fact(
        session,
        editor_id=None,
        kind=fact.kind,
        article_id=ARTICLE,
        roles=fact.roles,
        evidence=evidence,
        fact_id=fact.id,
        seed=2026,
    )
    session.expire_all()
    return session.get(Fact, fact.id)


def test_the_review_screen_needs_a_login(client):
    response = client.get(REVIEW)

    assert response.status_code == 302 and "/editor/login" in response.location


def test_nothing_to_review(as_editor):
    page = as_editor.client.get(REVIEW).text

    assert "Nothing waits for review" in page and "Publish all" not in page


def test_the_screen_shows_each_pending_fact_with_its_questions(as_editor, edited):
    page = as_editor.client.get(REVIEW).text

    assert "Review: 1 change waiting" in page
    assert f'id="article-{ARTICLE}"' in page
    assert f"/editor/articles/{ARTICLE}/facts/{edited.id}" in page
    assert "Answer:" in page and str(escape(edited.evidence)) in page
    assert page.count('class="question preview-question"') >= 1
    assert "Publish all 1 change" in page and "Publish this article" in page


def test_the_front_page_and_the_article_link_to_the_review(as_editor, edited):
    home = as_editor.client.get("/editor/").text
    article = as_editor.client.get(f"/editor/articles/{ARTICLE}").text

    assert re.search(r'href="/editor/review/"><strong>1</strong> saved change waiting', home)
    assert f'href="/editor/review/#article-{ARTICLE}"><strong>1</strong> fact' in article
    assert article.count(">waiting for review</a>") == 1  # on the edited fact's line


def test_publishing_puts_the_questions_in_the_quizzes(as_editor, edited, session):
    page = as_editor.client.get(REVIEW).text
    tokens = re.findall(r'name="change" value="([^"]+)"', page)
    session.expire_all()
    copies = session.exec(select(QuizItem).where(QuizItem.fact_id == edited.id)).all()
    assert copies and all(item.evidence != edited.evidence for item in copies)  # the old text

    response = as_editor.client.post(
        f"{REVIEW}publish",
        data={"csrf_token": as_editor.token(), "change": tokens[:1]},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Published 1 change: players see them now." in response.text
    assert "Nothing waits for review" in response.text
    session.expire_all()
    copies = session.exec(select(QuizItem).where(QuizItem.fact_id == edited.id)).all()
    assert copies and all(item.evidence == edited.evidence for item in copies)


def test_publishing_without_the_csrf_token_is_refused(as_editor, edited, session):
    page = as_editor.client.get(REVIEW).text
    tokens = re.findall(r'name="change" value="([^"]+)"', page)

    response = as_editor.client.post(f"{REVIEW}publish", data={"change": tokens})

    assert response.status_code == 400 and "This form has expired" in response.text
    session.expire_all()
    assert session.get(Fact, edited.id).reviewed is False
