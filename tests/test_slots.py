"""Tests for quizapp.bank.slots: the slot grammar of question templates (no app needed)."""

from __future__ import annotations

import ast
import copy
import pickle
import sys
from pathlib import Path

import pytest

from quizapp.bank import slots
from quizapp.bank.slots import (
    FILTERS,
    MAX_OUTPUT_LENGTH,
    MAX_TEMPLATE_LENGTH,
    MissingRoleError,
    ParsedTemplate,
    RenderError,
    Slot,
    SlotError,
    TemplateSyntaxError,
    check_template,
    join_names,
    parse_template,
    render,
)

# --------------------------------------------------------------------------- refused slots

# (template, column of the offending slot, the error's text, words its message must contain)
REFUSED = [
    pytest.param("Who won {{7*7}}?", 9, "{{7*7}}", ["{{...}}", "not a slot"], id="double-braces"),
    pytest.param("{{7*7}}", 1, "{{7*7}}", ["{{...}}"], id="double-braces-alone"),
    pytest.param("Who won {{x}?", 9, "{{x}", ["{{...}}"], id="double-brace-unbalanced"),
    pytest.param(
        "Who won {0.__class__}?",
        9,
        "{0.__class__}",
        ["attribute", '"0.__class__"'],
        id="dunder-class",
    ),
    pytest.param(
        "Hi {role.__init__.__globals__}!",
        4,
        "{role.__init__.__globals__}",
        ["attribute", "{role}"],
        id="globals",
    ),
    pytest.param("Hi {winner.name}", 4, "{winner.name}", ["attribute"], id="attribute"),
    pytest.param("Hi {role[0]}", 4, "{role[0]}", ["indexing"], id="index"),
    pytest.param("Hi {role:>99999999}", 4, "{role:>99999999}", ["format spec"], id="format-width"),
    pytest.param("Hi {role:}", 4, "{role:}", ["format spec"], id="format-empty-spec"),
    pytest.param(
        "Hi {award|a:>9}",
        4,
        "{award|a:>9}",
        ["format spec", "not a filter"],
        id="format-after-filter",
    ),
    pytest.param("Hi {role!r}", 4, "{role!r}", ["conversion"], id="conversion"),
    pytest.param("Hi {role()}", 4, "{role()}", ["call"], id="call"),
    pytest.param("Hi ${x} there", 4, "${x}", ['"$"', "write {x}"], id="dollar"),
    pytest.param("Costs ${0.__class__}", 7, "${0.__class__}", ['"$"'], id="dollar-dunder"),
    pytest.param("Hi {} there", 4, "{}", ["empty slot"], id="empty"),
    pytest.param("Hi {winner there", 4, "{winner there", ["never closed"], id="unclosed-at-end"),
    pytest.param(
        "Hi {winner at {event}", 4, "{winner at ", ["not closed"], id="unclosed-before-next"
    ),
    pytest.param("Hi winner} there", 10, "}", ['no "{"'], id="stray-close"),
    pytest.param("Hi {a {b} c}", 4, "{a {b} c}", ["nested"], id="nested"),
    pytest.param(
        "Hi {winner|upper}",
        4,
        "{winner|upper}",
        ['unknown filter "upper"', "a, ordinal, possessive"],
        id="unknown-filter",
    ),
    pytest.param(
        "Hi {winner|a|a|a|a}", 4, "{winner|a|a|a|a}", ["at most 3 filters"], id="four-filters"
    ),
    pytest.param("Hi {winner|}", 4, "{winner|}", ["empty filter"], id="empty-filter"),
    pytest.param("Hi {|a}", 4, "{|a}", ["no role name"], id="no-role"),
    pytest.param(
        "Hi {Winner}",
        4,
        "{Winner}",
        ["role names are lower case", "{winner}"],
        id="upper-case-role",
    ),
    pytest.param(
        "Hi {winner|Possessive}",
        4,
        "{winner|Possessive}",
        ["filter names are lower case"],
        id="upper-case-filter",
    ),
    pytest.param("Hi { winner }", 4, "{ winner }", ["remove the spaces", "{winner}"], id="spaces"),
    pytest.param(
        "Hi {winner |a}",
        4,
        "{winner |a}",
        ["remove the spaces", "{winner|a}"],
        id="space-before-filter",
    ),
    pytest.param("Hi {who won}", 4, "{who won}", ["no spaces"], id="words"),
    pytest.param(
        "Hi {Winner | A}",
        4,
        "{Winner | A}",
        ["remove the spaces", "{winner|a}"],
        id="spaces-and-upper-case",
    ),
    pytest.param("Hi {0}", 4, "{0}", ["positional"], id="positional"),
    pytest.param(
        "Hi {__class__}", 4, "{__class__}", ["start with a lower-case letter"], id="dunder-role"
    ),
    pytest.param(
        "Hi {2nd_place}",
        4,
        "{2nd_place}",
        ["start with a lower-case letter"],
        id="digit-first-role",
    ),
    pytest.param("Hi {award-name}", 4, "{award-name}", ["{award_name}"], id="hyphen"),
    pytest.param("Hi {%print%}", 4, "{%print%}", ['"%" is not allowed'], id="jinja-block"),
    pytest.param(
        "Hi {" + "a" * 41 + "}", 4, "{" + "a" * 30, ["at most 40 characters"], id="role-too-long"
    ),
]


@pytest.mark.parametrize(("template", "column", "text", "words"), REFUSED)
def test_refused_slot_is_reported_at_its_column(
    template: str, column: int, text: str, words: list[str]
) -> None:
    [error] = check_template(template)
    assert error.column == column
    assert error.text.startswith(text)
    for word in words:
        assert word in error.message


@pytest.mark.parametrize(("template", "column", "text", "words"), REFUSED)
def test_parse_template_raises_with_the_same_error(
    template: str, column: int, text: str, words: list[str]
) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        parse_template(template)
    assert caught.value.errors == check_template(template)
    assert isinstance(caught.value, ValueError)


def test_error_str_names_column_text_and_message() -> None:
    [error] = check_template("Who won {0.__class__}?")
    assert str(error).startswith('column 9: "{0.__class__}": ')
    assert str(error).endswith(error.message)


def test_error_str_keeps_one_line() -> None:
    [error] = check_template("Who won {\nwinner}?")
    assert "\n" not in str(error)


def test_error_text_is_truncated() -> None:
    [error] = check_template("{" + "a" * 100 + ".b}")
    assert len(error.text) <= 40
    assert error.text.startswith("{aaa")


# --------------------------------------------------------------------------- every error at once


def test_every_error_is_reported_at_once() -> None:
    template = "{0.__class__} won {Winner} at the {event|upper}."
    errors = check_template(template)
    assert [e.column for e in errors] == [1, 19, 35]
    assert [e.text for e in errors] == ["{0.__class__}", "{Winner}", "{event|upper}"]
    with pytest.raises(TemplateSyntaxError) as caught:
        parse_template(template)
    assert caught.value.errors == errors
    assert str(caught.value).startswith("3 errors in template: column 1: ")


def test_scan_resumes_after_each_error() -> None:
    errors = check_template("{{7*7}} and } then {a {b} c} then {x!r} and {ok} and {")
    assert [e.text for e in errors] == ["{{7*7}}", "}", "{a {b} c}", "{x!r}", "{"]


def test_good_slot_after_unclosed_brace_is_still_checked() -> None:
    errors = check_template("Who won {award at the {event.x}?")
    assert [e.column for e in errors] == [9, 23]


def test_template_syntax_error_survives_pickle_and_copy() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        parse_template("{a.b} {c[0]}")
    for clone in (pickle.loads(pickle.dumps(caught.value)), copy.copy(caught.value)):
        assert clone.errors == caught.value.errors


# --------------------------------------------------------------------------- length limit


def test_template_at_the_limit_is_fine() -> None:
    assert check_template("x" * MAX_TEMPLATE_LENGTH) == []


def test_template_over_the_limit_is_refused() -> None:
    [error] = check_template("{winner} " + "x" * MAX_TEMPLATE_LENGTH)
    assert error.column == MAX_TEMPLATE_LENGTH + 1
    assert str(MAX_TEMPLATE_LENGTH) in error.message
    assert str(MAX_TEMPLATE_LENGTH + 9) in error.message


def test_long_template_reports_its_slot_errors_too() -> None:
    errors = check_template("{a.b} " + "x" * MAX_TEMPLATE_LENGTH + " {c!r}")
    assert [e.column for e in errors] == [1, MAX_TEMPLATE_LENGTH + 1, MAX_TEMPLATE_LENGTH + 8]


def test_huge_broken_template_is_checked_in_linear_time() -> None:
    # Every "{" here is unclosed before the next one: a naive rescan would be quadratic.
    errors = check_template("{a" * 50_000)
    assert len(errors) == 50_001  # one per "{", plus the length


# --------------------------------------------------------------------------- valid templates


@pytest.mark.parametrize(
    ("template", "roles"),
    [
        ("Who won {award} at the {event}?", {"award", "event"}),
        ("{winner} took {award} for “{work}”.", {"winner", "award", "work"}),
        ("{winner|possessive} big night", {"winner"}),
        ("The {edition|ordinal|a} edition", {"edition"}),
        ("{x|possessive|a|a}", {"x"}),
        ("{a}{b}", {"a", "b"}),
        ("{" + "r" * 40 + "}", {"r" * 40}),
        ("{role_2|a}", {"role_2"}),
        ("No slots: 50% of $5, a:b!c[0].d (x)", set()),
        ("It costs $ {amount}", {"amount"}),
        ("", set()),
    ],
)
def test_valid_template_parses(template: str, roles: set[str]) -> None:
    assert check_template(template) == []
    parsed = parse_template(template)
    assert parsed.text == template
    assert parsed.roles == roles
    # The parts put back together give the template again, slot by slot.
    rebuilt = "".join(p if isinstance(p, str) else template[p.start : p.end] for p in parsed.parts)
    assert rebuilt == template


def test_parts_are_literals_and_slots_in_order() -> None:
    parsed = parse_template("Who won {award|a} at the {edition|ordinal} {event}?")
    assert parsed.parts == (
        "Who won ",
        Slot(role="award", filters=("a",), start=8, end=17),
        " at the ",
        Slot(role="edition", filters=("ordinal",), start=25, end=42),
        " ",
        Slot(role="event", filters=(), start=43, end=50),
        "?",
    )
    assert parsed.roles == frozenset({"award", "edition", "event"})


def test_parsed_template_is_frozen() -> None:
    parsed = parse_template("{a}")
    with pytest.raises(AttributeError):
        parsed.text = "{b}"  # type: ignore[misc]


def test_non_string_template_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        check_template(42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rendering


def test_render_fills_slots() -> None:
    parsed = parse_template("Who won {award} at the {event}?")
    values = {"award": "Video of the Year", "event": "2010 VMAs", "unused": "x"}
    assert render(parsed, values) == "Who won Video of the Year at the 2010 VMAs?"


def test_render_applies_filters_in_order() -> None:
    parsed = parse_template("{winner|possessive} {edition|ordinal|a} {award|a} win")
    values = {"winner": "James", "edition": 18, "award": "MTV award"}
    assert render(parsed, values) == "James' an 18th an MTV award win"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["Kanye West"], "Kanye West caught him"),
        (["Kanye West", "Kid Cudi"], "Kanye West and Kid Cudi caught him"),
        (("A", "B", "C"), "A, B and C caught him"),
        (28, "28 caught him"),
        ("Cher", "Cher caught him"),
    ],
)
def test_render_value_kinds(value: object, expected: str) -> None:
    assert render(parse_template("{catchers} caught him"), {"catchers": value}) == expected


def test_render_list_then_possessive() -> None:
    parsed = parse_template("{catchers|possessive} catch")
    assert (
        render(parsed, {"catchers": ["Kanye West", "Kid Cudi"]})
        == "Kanye West and Kid Cudi's catch"
    )


@pytest.mark.parametrize("values", [{}, {"winner": None}, {"winner": []}], ids=str)
def test_render_missing_role(values: dict[str, object]) -> None:
    with pytest.raises(MissingRoleError) as caught:
        render(parse_template("{winner} won"), values)
    assert isinstance(caught.value, KeyError)
    assert caught.value.role == "winner"
    assert caught.value.args == ("winner",)
    assert "winner" in str(caught.value)


@pytest.mark.parametrize("value", [True, 1.5, b"bytes", {"a": 1}, ["a", 2]], ids=repr)
def test_render_refuses_other_value_types(value: object) -> None:
    with pytest.raises(TypeError):
        render(parse_template("{x}"), {"x": value})


PAYLOADS = [
    "{0.__class__}",
    "{{7*7}}",
    "{x}",
    "${x}",
    "{role.__init__.__globals__}",
    "{role:>99999999}",
    "{role!r}",
    "{{ config }}",
    "{% for x in y %}{% endfor %}",
    "<script>alert(1)</script>",
    "%s %(x)s",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_never_evaluates_values(payload: str) -> None:
    parsed = parse_template("Q: {x} / {x|possessive} / {many}")
    out = render(parsed, {"x": payload, "many": [payload, payload]})
    expected_possessive = payload + ("'" if payload.endswith("s") else "'s")
    assert out == f"Q: {payload} / {expected_possessive} / {payload} and {payload}"


def test_render_never_evaluates_values_even_when_they_name_other_roles() -> None:
    parsed = parse_template("{a} {b}")
    assert render(parsed, {"a": "{b}", "b": "{a}"}) == "{b} {a}"


def test_render_output_at_the_limit_is_fine() -> None:
    parsed = parse_template("Q {x}")
    assert len(render(parsed, {"x": "y" * (MAX_OUTPUT_LENGTH - 2)})) == MAX_OUTPUT_LENGTH


def test_render_output_over_the_limit_is_refused() -> None:
    parsed = parse_template("Q {x}")
    with pytest.raises(RenderError, match=str(MAX_OUTPUT_LENGTH)):
        render(parsed, {"x": "y" * (MAX_OUTPUT_LENGTH - 1)})


def test_render_ordinal_of_a_non_number() -> None:
    with pytest.raises(RenderError, match="whole number"):
        render(parse_template("the {edition|ordinal} show"), {"edition": "twenty"})


def test_render_refuses_a_hand_built_unknown_filter() -> None:
    parsed = ParsedTemplate(text="{x|upper}", parts=(Slot("x", ("upper",), 0, 9),))
    with pytest.raises(RenderError, match="unknown filter"):
        render(parsed, {"x": "y"})


# --------------------------------------------------------------------------- join_names


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], ""),
        (["A"], "A"),
        (["A", "B"], "A and B"),
        (["A", "B", "C"], "A, B and C"),
        (("A", "B", "C", "D"), "A, B, C and D"),
    ],
)
def test_join_names(names: list[str], expected: str) -> None:
    assert join_names(names) == expected


# --------------------------------------------------------------------------- filters


def test_filter_registry() -> None:
    assert set(FILTERS) == {"possessive", "a", "ordinal"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Lady Gaga", "Lady Gaga's"),
        ("James", "James'"),
        ("Odd Future", "Odd Future's"),
        ("Beyoncé", "Beyoncé's"),
        ("Jay-Z", "Jay-Z's"),
        ("Guns N' Roses", "Guns N' Roses'"),
        ("BTS", "BTS'"),
        ("Tyler, the Creator", "Tyler, the Creator's"),
        ("", ""),
    ],
)
def test_possessive(value: str, expected: str) -> None:
    assert FILTERS["possessive"](value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("award", "an award"),
        ("Emmy", "an Emmy"),
        ("Oscar", "an Oscar"),
        ("MTV award", "an MTV award"),
        ("FBI agent", "an FBI agent"),
        ("HBO show", "an HBO show"),
        ("R&B singer", "an R&B singer"),
        ("SXSW showcase", "an SXSW showcase"),
        ("LAPD officer", "an LAPD officer"),
        ("x-ray", "an x-ray"),
        ("UK tour", "a UK tour"),
        ("BBC show", "a BBC show"),
        ("NASA probe", "a NASA probe"),
        ("SAG Award", "a SAG Award"),
        ("LOVE. remix", "a LOVE. remix"),
        ("Moonman", "a Moonman"),
        ("Grammy", "a Grammy"),
        ("hour", "an hour"),
        ("honorary degree", "an honorary degree"),
        ("university", "a university"),
        ("unicorn", "a unicorn"),
        ("uninvited guest", "an uninvited guest"),
        ("unusual night", "an unusual night"),
        ("European tour", "a European tour"),
        ("one-off", "a one-off"),
        ("Usher song", "an Usher song"),
        ("Élan award", "an Élan award"),
        ("“Bad Romance” remix", "a “Bad Romance” remix"),
        ("18th", "an 18th"),
        ("8", "an 8"),
        ("80s hit", "an 80s hit"),
        ("11-year-old", "an 11-year-old"),
        ("11,000-seat arena", "an 11,000-seat arena"),
        ("1800s ballad", "an 1800s ballad"),
        ("28th", "a 28th"),
        ("1st", "a 1st"),
        ("100th", "a 100th"),
        ("110th", "a 110th"),
        ("1984 hit", "a 1984 hit"),
        ("2010 show", "a 2010 show"),
    ],
)
def test_a(value: str, expected: str) -> None:
    assert FILTERS["a"](value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "0th"),
        ("1", "1st"),
        ("2", "2nd"),
        ("3", "3rd"),
        ("4", "4th"),
        ("11", "11th"),
        ("12", "12th"),
        ("13", "13th"),
        ("21", "21st"),
        ("22", "22nd"),
        ("23", "23rd"),
        ("28", "28th"),
        ("101", "101st"),
        ("111", "111th"),
        ("112", "112th"),
        ("1,001", "1,001st"),
        ("9" * 5000 + "1", "9" * 5000 + "1st"),
    ],
    ids=lambda v: v[:12],
)
def test_ordinal(value: str, expected: str) -> None:
    assert FILTERS["ordinal"](value) == expected


@pytest.mark.parametrize("value", ["", "twenty", "1.5", "-3", "12a", " 28", "²", "٣", "1,00"])
def test_ordinal_refuses_non_numbers(value: str) -> None:
    with pytest.raises(RenderError, match="whole number"):
        FILTERS["ordinal"](value)


def test_ordinal_error_truncates_a_long_value() -> None:
    with pytest.raises(RenderError) as caught:
        FILTERS["ordinal"]("x" * 1000)
    assert len(str(caught.value)) < 120


# --------------------------------------------------------------------------- the module itself


def _module_tree() -> ast.Module:
    return ast.parse(Path(slots.__file__).read_text(encoding="utf-8"))


def test_module_imports_only_the_standard_library() -> None:
    # A domain module: the loader and generator must be able to use it without Flask.
    imported = set()
    for node in ast.walk(_module_tree()):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


def test_module_has_no_evaluating_calls() -> None:
    # Guards against a later "simplification" of render() with str.format or friends.
    banned_functions = {"eval", "exec", "compile", "getattr", "__import__", "format"}
    banned_methods = {"format", "format_map"}  # re.compile is fine: the patterns are ours
    functions, methods = set(), set()
    for node in ast.walk(_module_tree()):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                functions.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                methods.add(node.func.attr)
    assert not functions & banned_functions
    assert not methods & banned_methods


def test_slot_error_is_a_frozen_value() -> None:
    error = SlotError(column=3, text="{x.y}", message="m")
    assert error == SlotError(3, "{x.y}", "m")
    with pytest.raises(AttributeError):
        error.column = 4  # type: ignore[misc]
