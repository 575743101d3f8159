"""The question browser: an editors' tool, at /editor/questions."""

import pytest

from tests.factories import EDITOR_PASSWORD, make_editor, write_bank


@pytest.fixture
def editor(session, faker, editor_auth):
    """The client, logged in as an editor."""
    editor = make_editor(session, faker)
    assert editor_auth.login(editor.name, EDITOR_PASSWORD).status_code == 302
    return editor


@pytest.fixture
def loaded(runner, small_bank_path, editor):
    """The small bank loaded and generated, and the client logged in as an editor."""
    assert runner.invoke(args=["load-bank", str(small_bank_path)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0


def test_home_lists_questions_with_their_sources(client, loaded, small_bank):
    response = client.get("/editor/questions/")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "9 questions" in page
    assert "Who won Video of the Year at the 2011 Music Awards?" in page
    assert small_bank["facts"][0]["evidence"] in page
    assert small_bank["articles"][0]["title"] in page


def test_filter_by_style(client, loaded):
    page = client.get("/editor/questions/?style=typed").get_data(as_text=True)

    assert "3 questions" in page and "true false</span>" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("style=essay", "No style &#39;essay&#39;; styles are: multiple_choice, true_false, typed"),
        ("page=0", "Page must be 1 or more"),
        ("page=two", "Page must be a whole number"),
    ],
)
def test_bad_filters_are_a_clear_400(client, loaded, query, message):
    response = client.get(f"/editor/questions/?{query}")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_empty_database_says_how_to_fill_it(client, editor):
    page = client.get("/editor/questions/").get_data(as_text=True)

    assert "0 questions" in page and "quizapp load-bank" in page


def test_names_and_text_from_the_bank_are_escaped(client, runner, tmp_path, small_bank, editor):
    small_bank["entities"][0]["name"] = "<script>alert(1)</script>"
    root = write_bank(tmp_path / "bank", small_bank)
    assert runner.invoke(args=["load-bank", str(root)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0

    page = client.get("/editor/questions/").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_split_a_long_list(app, client, loaded):
    app.config["QUESTIONS_PER_PAGE"] = 4

    first = client.get("/editor/questions/").get_data(as_text=True)
    last = client.get("/editor/questions/?page=3").get_data(as_text=True)

    assert "Page 1 of 3" in first and 'rel="next"' in first
    assert "Page 3 of 3" in last and 'rel="next"' not in last


def test_question_browser_is_for_editors_only(client, runner, small_bank_path):
    assert runner.invoke(args=["load-bank", str(small_bank_path)]).exit_code == 0

    response = client.get("/editor/questions/")

    assert response.status_code == 302
    assert "/editor/login" in response.headers["Location"]
