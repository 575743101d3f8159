"""The one Problem type every validation path answers with (quizapp.core.problems), no app."""

import dataclasses
import pickle

import pytest

from quizapp.bank.files import BankError
from quizapp.core.problems import ERROR, WARNING, Location, Problem, ProblemsError, by_field
from quizapp.game.quizzes import QuizError, QuizNotFound
from quizapp.workspace.edits import EditError

UNKNOWN_PARTNER = Problem(
    "unknown_entity",
    "unknown entity (did you mean 'beyonce'?)",
    "roles.partner",
    Location("facts/all.yaml", 12, "fact f-duet", "roles.partner"),
    hint="beyonce",
    value="beyonse",
)


# --- One line each -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "line"),
    [
        (
            Location("facts/all.yaml", 12, "fact f-duet", "roles.partner"),
            "facts/all.yaml:12: fact f-duet: roles.partner: unknown entity",
        ),
        (
            Location("facts/all.yaml", None, "fact f-duet"),
            "facts/all.yaml: fact f-duet: unknown entity",
        ),
        (Location("kinds.yaml", 1), "kinds.yaml:1: unknown entity"),
        (Location("templates/all.yaml", 4, column=9), "templates/all.yaml:4:9: unknown entity"),
        (Location("templates/all.yaml", column=9), "templates/all.yaml: unknown entity"),
        (Location(record="template t", key="prompt"), "template t: prompt: unknown entity"),
        (Location(key="title"), "title: unknown entity"),
        (Location(column=9, text="{evnt}"), "unknown entity"),  # a page shows the column
        (Location(), "unknown entity"),
    ],
)
def test_a_problem_reads_as_one_line_from_where_to_what(location, line):
    assert str(Problem("unknown_entity", "unknown entity", location=location)) == line


def test_the_loaders_line_ends_with_the_offending_value():
    assert str(UNKNOWN_PARTNER) == (
        "facts/all.yaml:12: fact f-duet: roles.partner: unknown entity "
        "(did you mean 'beyonce'?) (got 'beyonse')"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, " (got 0)"),
        (False, " (got False)"),
        ("", " (got '')"),
        (["a", "b"], " (got ['a', 'b'])"),
    ],
)
def test_any_value_but_none_is_quoted(value, shown):
    assert str(Problem("x", "wrong", value=value)) == "wrong" + shown


def test_a_long_value_is_shortened_to_a_readable_line():
    line = str(Problem("x", "wrong", value="y" * 500))

    assert line.startswith("wrong (got 'yyy") and line.endswith("...)")
    assert len(line) == len("wrong (got ") + 80 + 1


def test_a_field_is_named_in_front_only_where_the_text_says_it_there():
    at_field = Problem.at("title", "required", "give the article's title")
    in_words = Problem("title_length", "title must be 1 to 300 characters (it is 0)", "title")

    assert (at_field.field, str(at_field)) == ("title", "title: give the article's title")
    assert (in_words.field, str(in_words)) == (
        "title",
        "title must be 1 to 300 characters (it is 0)",
    )


def test_a_problem_is_an_error_unless_it_says_warning():
    assert Problem("x", "m").severity == ERROR
    assert Problem("x", "m", severity=WARNING).severity == "warning"


def test_a_problem_is_a_value():
    same = dataclasses.replace(UNKNOWN_PARTNER)

    assert same == UNKNOWN_PARTNER and hash(same) == hash(UNKNOWN_PARTNER)
    with pytest.raises(dataclasses.FrozenInstanceError):
        UNKNOWN_PARTNER.message = "something else"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        UNKNOWN_PARTNER.location.line = 3  # type: ignore[misc]


# --- On a form -----------------------------------------------------------------------------------


def test_on_its_form_a_problem_names_no_record_and_takes_the_forms_field_name():
    shown = UNKNOWN_PARTNER.on_form("partner")

    assert shown.field == "partner"
    assert str(shown) == "partner: unknown entity (did you mean 'beyonce'?) (got 'beyonse')"
    assert (shown.code, shown.hint, shown.value) == ("unknown_entity", "beyonce", "beyonse")
    assert UNKNOWN_PARTNER.location.record == "fact f-duet"  # the original is unchanged


def test_on_a_form_a_problem_keeps_its_field_without_a_new_name():
    problem = Problem.at("evidence", "evidence_not_in_article", "not found verbatim")
    in_record = dataclasses.replace(
        problem, location=Location("facts/a.yaml", 3, "fact f", "evidence")
    )

    assert str(in_record.on_form()) == "evidence: not found verbatim"
    assert in_record.on_form().field == "evidence"


def test_on_a_form_a_message_that_names_its_field_in_words_stays_as_it_is():
    unknown_kind = Problem(
        "unknown_kind", "unknown kind", "kind", Location("facts/a.yaml", 3, "fact f"), value="k"
    )

    shown = unknown_kind.on_form("kind")

    assert str(shown) == "unknown kind (got 'k')" and shown.field == "kind"


def test_on_a_form_the_column_and_text_stay():
    problem = Problem(
        "unknown_role", "names no role", "prompt", Location(record="fact f", column=9, text="{x}")
    )

    where = problem.on_form().location

    assert (where.record, where.column, where.text) == (None, 9, "{x}")


def test_problems_by_field_keep_their_order_and_leave_out_those_without_one():
    first = Problem.at("partner", "required", "this role is required")
    second = Problem("unknown_entity", "unknown entity", "partner")
    other = Problem.at("evidence", "evidence_not_in_article", "not found")
    loose = Problem("unknown_role", "no such role(s) for this kind: venue")

    assert by_field([first, loose, other, second]) == {
        "partner": [first, second],
        "evidence": [other],
    }


# --- As JSON -------------------------------------------------------------------------------------


def test_as_json_a_problem_says_what_where_and_the_hint():
    assert UNKNOWN_PARTNER.as_json() == {
        "code": "unknown_entity",
        "severity": "error",
        "message": "unknown entity (did you mean 'beyonce'?)",
        "field": "roles.partner",
        "hint": "beyonce",
        "file": "facts/all.yaml",
        "line": 12,
        "record": "fact f-duet",
        "column": None,
        "text": None,
    }


# --- Raised together -----------------------------------------------------------------------------


@pytest.mark.parametrize("error_type", [BankError, EditError, QuizError])
def test_every_path_raises_its_problems_in_one_shape(error_type):
    problems = [UNKNOWN_PARTNER, Problem.at("title", "required", "give the title")]

    error = error_type(iter(problems))

    assert isinstance(error, ProblemsError)
    assert error.problems == problems
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is error_type and copy.problems == problems


def test_an_edit_or_quiz_error_reads_as_one_sentence_and_a_bank_error_as_lines():
    problems = [Problem.at("title", "required", "give the title"), Problem("x", "and this")]

    assert str(EditError(problems)) == "title: give the title; and this"
    assert str(QuizError(problems)) == "title: give the title; and this"
    assert str(BankError(problems)) == "title: give the title\nand this"


def test_a_missing_quiz_is_a_quiz_error_with_its_code():
    error = QuizNotFound("ed-nothing")

    assert isinstance(error, QuizError)
    assert [(p.code, p.field, p.message) for p in error.problems] == [
        ("not_found", "quiz", "there is no quiz 'ed-nothing'")
    ]
