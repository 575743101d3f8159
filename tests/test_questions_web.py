"""The question browser's question page and its "try an answer" form (quizapp/web/questions.py)."""

import pytest
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.models import Question
from tests.factories import EDITOR_PASSWORD, make_editor


@pytest.fixture
def app(bundled_app):
    return bundled_app


@pytest.fixture
def editor(app, client, faker, editor_auth):
    with Session(get_engine(app)) as session:
        editor = make_editor(session, faker)
    assert editor_auth.login(editor.name, EDITOR_PASSWORD).status_code == 302
    return editor


@pytest.fixture
def questions(app) -> list[Question]:
    with Session(get_engine(app)) as session:
        return list(session.exec(select(Question).order_by(Question.id)))


def _typed(questions, answer: list[str]) -> Question:
    return next(q for q in questions if q.style == "typed" and q.answer == answer)


def test_the_list_links_each_question_to_its_page(client, editor, questions):
    page = client.get("/editor/questions/?style=typed").get_data(as_text=True)

    question = _typed(questions, ["Brian May"])
    assert f'href="/editor/questions/{question.id}"' in page


def test_the_page_shows_the_question_and_an_empty_form(client, editor, questions):
    question = _typed(questions, ["Brian May"])

    response = client.get(f"/editor/questions/{question.id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert question.prompt in page and "Try an answer" in page
    assert '<form method="get"' in page and 'name="answer" value=""' in page
    assert "verdict-word" not in page


def test_trying_a_fair_answer_shows_it_right_and_why(client, editor, questions):
    question = _typed(questions, ["Brian May"])

    page = client.get(f"/editor/questions/{question.id}?answer=May").get_data(as_text=True)

    assert '<p class="verdict-word">Right</p>' in page
    assert "Right: Brian May." in page
    assert "&#34;May&#34; is Brian May" in page
    assert 'name="answer" value="May"' in page


def test_trying_a_partial_answer_names_the_missing_part(client, editor, questions):
    question = next(q for q in questions if q.style == "typed" and len(q.answer) >= 2)

    page = client.get(
        f"/editor/questions/{question.id}", query_string={"answer": question.answer[0]}
    ).get_data(as_text=True)

    assert '<p class="verdict-word">Wrong</p>' in page
    assert "<dt>Missing</dt>" in page and question.answer[1] in page


def test_a_choice_not_on_offer_is_a_clear_400(client, editor, questions):
    question = next(q for q in questions if q.style == "multiple_choice")

    response = client.get(f"/editor/questions/{question.id}?answer=nobody")

    assert response.status_code == 400
    assert "the answer must be one of the choices offered" in response.get_data(as_text=True)


def test_an_unknown_question_is_404(client, editor):
    assert client.get("/editor/questions/q-nope").status_code == 404


def test_the_page_is_for_editors_only(client, questions):
    response = client.get(f"/editor/questions/{questions[0].id}?answer=x")

    assert response.status_code == 302
    assert "/editor/login" in response.headers["Location"]
