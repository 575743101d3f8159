"""The fairness audit from the outside: `quizapp audit`, the page /editor/audit and the
workspace front page's counts, on a small bank loaded and generated, with one fault put in
the database by hand (the checks themselves are in test_audit.py)."""

import json

import pytest
from sqlmodel import Session, select

from quizapp.models import Question, Quiz, QuizItem
from tests.factories import EDITOR_PASSWORD, make_editor, write_bank


@pytest.fixture
def clean(runner, tmp_path, small_bank):
    """The small bank with its multiple-choice templates only (one question per fact, no
    false statement to prove), loaded and generated: nothing for the audit to find."""
    small_bank["templates"] = [
        t for t in small_bank["templates"] if t["style"] == "multiple_choice"
    ]
    path = write_bank(tmp_path / "bank", small_bank)
    assert runner.invoke(args=["load-bank", str(path)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0


def repeat_a_fact(session: Session) -> Question:
    """Publish a hand-made quiz that asks one question twice; the question."""
    question = session.exec(select(Question).order_by(Question.id)).first()
    assert question is not None
    session.add(Quiz(id="twice", title="Twice", scope="list", scope_id="twice", question_count=2))
    content = question.model_dump(exclude={"id", "template_id", "fact_id", "article_id"})
    for position in (0, 1):
        session.add(
            QuizItem(
                quiz_id="twice",
                position=position,
                question_id=question.id,
                template_id=question.template_id,
                fact_id=question.fact_id,
                article_id=question.article_id,
                article_title="The article",
                **content,
            )
        )
    session.commit()
    return question


def test_a_clean_bank_passes_the_audit(runner, clean):
    result = runner.invoke(args=["audit"])

    assert result.exit_code == 0, result.output
    assert result.output == "Audit: 0 errors, 0 warnings (4 questions and 0 quizzes checked)\n"


def test_the_audit_prints_each_finding_and_fails_on_an_error(runner, clean, session):
    question = repeat_a_fact(session)

    result = runner.invoke(args=["audit"])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error repeated-fact quiz=twice {question.id} template={question.template_id} "
        f"fact={question.fact_id}: item 2 is on the same fact as item 1 ({question.id}): one "
        "fact, one question per quiz; take one out",
        "Audit: 1 error, 0 warnings (4 questions and 1 quiz checked)",
    ]


def test_the_audit_as_json(runner, clean, session):
    question = repeat_a_fact(session)

    result = runner.invoke(args=["audit", "--json"])

    assert result.exit_code == 1
    document = json.loads(result.output)
    assert (document["errors"], document["warnings"]) == (1, 0)
    assert (document["questions"], document["quizzes"]) == (4, 1)
    [finding] = document["findings"]
    assert finding == {
        "severity": "error",
        "code": "repeated-fact",
        "message": finding["message"],
        "question_id": question.id,
        "template_id": question.template_id,
        "fact_id": question.fact_id,
        "quiz_id": "twice",
        "article_id": question.article_id,
    }


@pytest.fixture
def editor(session, faker, editor_auth):
    editor = make_editor(session, faker)
    assert editor_auth.login(editor.name, EDITOR_PASSWORD).status_code == 302
    return editor


def test_the_front_page_counts_the_findings_and_links_them(client, clean, session, editor):
    page = client.get("/editor/").get_data(as_text=True)
    assert "Audit: <strong>0</strong> errors, <strong>0</strong> warnings" in page

    repeat_a_fact(session)
    page = client.get("/editor/").get_data(as_text=True)

    assert (
        'href="/editor/audit">Audit: <strong>1</strong> error, <strong>0</strong> warnings' in page
    )


def test_the_audit_page_lists_the_findings_with_links(client, clean, session, editor):
    question = repeat_a_fact(session)

    response = client.get("/editor/audit")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Audit: 1 error, 0 warnings" in page
    assert "<code>repeated-fact</code> item 2 is on the same fact as item 1" in page
    assert f"question <code>{question.id}</code>" in page
    assert f'href="/editor/templates/{question.template_id}"' in page
    assert f'href="/editor/articles/{question.article_id}/facts/{question.fact_id}"' in page
    assert 'href="/editor/quizzes/twice"' in page


def test_a_clean_audit_page_says_so(client, clean, editor):
    page = client.get("/editor/audit").get_data(as_text=True)

    assert "Audit: 0 errors, 0 warnings" in page and "Nothing to fix." in page


def test_the_audit_page_is_for_editors_only(client, clean):
    response = client.get("/editor/audit")

    assert response.status_code == 302
    assert "/editor/login" in response.headers["Location"]


def test_a_large_bank_leaves_the_audit_to_its_page(client, clean, session, editor, monkeypatch):
    monkeypatch.setattr("quizapp.workspace.overview.AUDIT_QUESTION_LIMIT", 3)  # 4 questions

    page = client.get("/editor/").get_data(as_text=True)

    assert "Audit: <strong>" not in page
    assert '<a href="/editor/audit">Audit</a>: open it to check the 4 questions' in page
