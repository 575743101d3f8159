"""The question browser (quizapp/web/questions.py): its list with filters, search, pages and
players' statistics, and a question's page with its "try an answer" form."""

import pytest
from markupsafe import escape
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.models import Fact, Question, QuizItem
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.test_feedback import QUIZ, answer, make_attempt, make_player


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


# --- The list: filters, search, pages, statistics ---------------------------------------------


def _count(page: str) -> str:
    """The heading's figure: "12 questions" gives "12"."""
    return page.split("<h1>", 1)[1].split(" question", 1)[0]


def test_the_list_offers_labelled_filters_and_keeps_the_chosen_ones(client, editor, questions):
    page = client.get("/editor/questions/?style=typed&q=brian").get_data(as_text=True)

    for label in (
        "Kind",
        "Template",
        "Style",
        "Status",
        "Article (id)",
        "Entity (id)",
        "Answer entity (id)",
    ):
        assert f"<label>{label}" in page
    assert 'name="q" value="brian"' in page
    assert '<option value="typed" selected>' in page
    assert 'href="/editor/questions/">Clear</a>' in page


def test_filter_by_kind_lists_only_that_kinds_questions(app, client, editor, questions):
    with Session(get_engine(app)) as session:
        kinds = {f.id: f.kind for f in session.exec(select(Fact))}
    kind = kinds[questions[0].fact_id]
    theirs = [q for q in questions if kinds[q.fact_id] == kind]

    page = client.get(f"/editor/questions/?kind={kind}").get_data(as_text=True)

    assert f"<h1>{len(theirs)} question" in page
    others = [q for q in questions if kinds[q.fact_id] != kind]
    assert all(f'id="{q.id}"' not in page for q in others)


def test_the_search_finds_a_question_by_its_answer(client, editor, questions):
    question = _typed(questions, ["Brian May"])

    page = client.get("/editor/questions/?q=BRIAN+MAY").get_data(as_text=True)

    assert f'id="{question.id}"' in page
    assert int(_count(page)) < len(questions)


def test_a_search_nothing_matches_says_so(client, editor):
    page = client.get("/editor/questions/?q=zzzqqqxxx").get_data(as_text=True)

    assert "<h1>0 questions" in page and "No question matches" in page


def test_page_links_keep_the_filters(app, client, editor, questions):
    app.config["QUESTIONS_PER_PAGE"] = 3
    typed = sorted(q.id for q in questions if q.style == "typed")

    first = client.get("/editor/questions/?style=typed&q=").get_data(as_text=True)
    second = client.get("/editor/questions/?style=typed&page=2").get_data(as_text=True)

    assert 'rel="next" href="/editor/questions/?page=2&amp;style=typed"' in first
    assert f"Page 1 of {-(-len(typed) // 3)}" in first
    assert all(f'id="{qid}"' in second for qid in typed[3:6])
    assert 'rel="prev" href="/editor/questions/?page=1&amp;style=typed"' in second


def test_each_question_shows_choices_answer_evidence_and_a_try_form(client, editor, questions):
    question = next(q for q in questions if q.style == "multiple_choice")

    page = client.get(
        "/editor/questions/",
        query_string={"template": question.template_id, "article": question.article_id},
    ).get_data(as_text=True)

    assert all(escape(choice) in page for choice in question.choices)
    assert f"<strong>Answer:</strong> {escape(' and '.join(question.answer))}" in page
    assert escape(question.evidence) in page
    assert f'action="/editor/questions/{question.id}#try"' in page
    assert "not answered yet" in page


def test_players_statistics_are_shown_per_question(app, client, editor):
    with Session(get_engine(app)) as session:
        a, b = (make_attempt(session, make_player(session)) for _ in range(2))
        answer(session, a, 0, correct=True, ms=3000)
        answer(session, b, 0, correct=False, ms=6000)
        item = session.get(QuizItem, (QUIZ, 0))
        question = session.get(Question, item.question_id)

    listing = client.get(f"/editor/questions/?article={question.article_id}")
    detail = client.get(f"/editor/questions/{question.id}")

    for page in (listing.get_data(as_text=True), detail.get_data(as_text=True)):
        card = page.split(f'id="{question.id}"', 1)[1].split("</article>", 1)[0]
        assert " ".join(card.split("<strong>Players:</strong>", 1)[1].split()).startswith(
            "2 answers · 50% right · median 4.5 s"
        )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=foo", "No kind &#39;foo&#39;; kinds are: "),
        ("entity=nobody-at-all", "No entity &#39;nobody-at-all&#39;; give an entity&#39;s id"),
        ("status=retired", "No status &#39;retired&#39;; statuses are: live, pending"),
        ("template=t-nope&article=a-nope", "No article &#39;a-nope&#39;"),
        ("page=999", "Page 999 is past the last page"),
    ],
)
def test_unknown_filter_values_are_a_clear_400(client, editor, query, message):
    response = client.get(f"/editor/questions/?{query}")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_filtered_list_is_for_editors_only(client, questions):
    response = client.get(f"/editor/questions/?q=a&article={questions[0].article_id}")

    assert response.status_code == 302
    assert "/editor/login" in response.headers["Location"]


def test_a_long_list_says_more_than_its_capped_count(client, editor, monkeypatch):
    monkeypatch.setattr("quizapp.questions.browse.COUNT_CAP", 60)

    page = client.get("/editor/questions/").get_data(as_text=True)

    assert "<h1>More than 60 questions</h1>" in page
    assert "Page 1 of 2+" in page


def test_the_search_box_keeps_what_was_typed_escaped(client, editor):
    page = client.get("/editor/questions/", query_string={"q": '"><b>x'}).get_data(as_text=True)

    assert 'value="&#34;&gt;&lt;b&gt;x"' in page and "<b>x" not in page
