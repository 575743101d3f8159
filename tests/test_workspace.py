"""The workspace's front page in figures (quizapp.workspace.overview), without the app, and
the page."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import select

from quizapp.game import feedback
from quizapp.models import Article, Entity, Fact, Question, Quiz, Template
from quizapp.workspace import edits, overview
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.test_feedback import answer, make_attempt, make_player

SEED = 2026


def test_the_overview_counts_what_the_database_holds(game_session):
    session = game_session
    facts = session.exec(select(Fact)).all()
    templates = Counter(t.status for t in session.exec(select(Template)).all())
    quizzes = Counter(q.status for q in session.exec(select(Quiz)).all())

    found = overview.overview(session)

    assert found.articles == len(session.exec(select(Article)).all()) == 2
    assert found.entities == len(session.exec(select(Entity)).all()) > 0
    assert found.facts == sum(not f.retired for f in facts) > 0
    assert found.retired_facts == 0
    assert found.templates == {"draft": 0, "retired": 0, **templates}
    assert found.questions == len(session.exec(select(Question)).all()) == 171
    assert found.quizzes == {"draft": 0, **quizzes}
    assert found.open_reports == 0


def test_the_overview_shows_what_waits_for_an_editor(game_session):
    session = game_session
    before = overview.overview(session)
    edits.save_template(
        session,
        editor_id=None,
        kind="award_win",
        style="multiple_choice",
        prompt="Which act collected {award} at the {event}?",
        answer_role="winner",
        seed=SEED,
    )
    fact = session.exec(select(Fact).where(Fact.kind == "award_win")).first()
    edits.retire_fact(session, editor_id=None, fact_id=fact.id, seed=SEED)
    player = make_player(session)
    attempt = make_attempt(session, player)
    answer(session, attempt, 0)
    report = feedback.file_report(
        session, player=player, attempt_id=attempt.id, position=0, reason="typo"
    )

    after = overview.overview(session)

    assert after.templates["draft"] == before.templates["draft"] + 1
    assert (after.facts, after.retired_facts) == (before.facts - 1, 1)
    assert after.questions < before.questions  # the retired fact's questions are gone
    assert after.open_reports == 1
    assert after.unsaved_changes == before.unsaved_changes + 2

    feedback.resolve_report(session, report_id=report.id, editor_id=None)
    assert overview.overview(session).open_reports == 0


@pytest.fixture
def app(bundled_app):
    return bundled_app


def test_the_front_page_links_every_tool_and_says_what_waits(session, editor_auth, faker):
    make_editor(session, faker, name="Ed")
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    page = editor_auth.client.get("/editor/").get_data(as_text=True)

    assert "will be edited here" not in page
    for href in (
        "/editor/articles/new",
        "/editor/templates/new",
        "/editor/quizzes/new",
        "/editor/questions/",
        "/editor/templates/",
    ):
        assert f'href="{href}"' in page
    assert "<strong>171</strong><span>questions</span>" in page
    assert "No open reports from players." in page
