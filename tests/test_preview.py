"""The live template preview: the generator's own questions, and problems an editor can fix."""

import dataclasses

import pytest

from quizapp.bank.files import read_bank
from quizapp.core.problems import Problem
from quizapp.questions import preview as preview_module
from quizapp.questions.generation import (
    ArticleInfo,
    BankSnapshot,
    EntityInfo,
    FactInfo,
    GenerationReport,
    RoleInfo,
    TemplateInfo,
    generate,
    snapshot_of_bank,
)
from quizapp.questions.preview import (
    MAX_PROMPT_LENGTH,
    NEW_TEMPLATE_ID,
    Preview,
    TemplateDraft,
    can_publish,
    preview_template,
)
from tests.conftest import BUNDLED_BANK

SEED = 2026


@pytest.fixture(scope="module")
def bundled() -> BankSnapshot:
    """The bundled bank as plain data, read once for the module (previews never change it)."""
    return snapshot_of_bank(read_bank(BUNDLED_BANK))


def make_snapshot(**overrides) -> BankSnapshot:
    """A small bank: two shows (one named "The ..."), four award facts, two catches.

    Keyword arguments replace whole parts (kinds, entities, articles, facts, templates).
    """
    people = ["Ada Stone", "Ben Ray", "Cy Vale", "Di Moss", "Eve Lark", "Fay Lin"]
    entities = [EntityInfo(f"p{i}", name, "person") for i, name in enumerate(people, 1)]
    entities += [
        EntityInfo("talk-talk", "Talk Talk", "group"),
        EntityInfo("blur", "Blur", "group"),
        EntityInfo("pulp", "Pulp", "group"),
        EntityInfo("suede", "Suede", "group"),
        EntityInfo("a1", "Video of the Year", "award"),
        EntityInfo("a2", "Best New Artist", "award"),
        EntityInfo("show-2011", "2011 Show", "event"),
        EntityInfo("gala-2012", "The 2012 Gala", "event"),
    ]
    parts = {
        "kinds": {
            "award_win": {
                "winner": RoleInfo(("person", "group")),
                "award": RoleInfo(("award",)),
                "event": RoleInfo(("event",)),
                "work": RoleInfo(("song",), optional=True),
            },
            "caught": {
                "catchers": RoleInfo(("person",), many=True),
                "caught": RoleInfo(("person",)),
                "event": RoleInfo(("event",)),
            },
            "sang": {"singer": RoleInfo(("person",)), "song": RoleInfo(("song",))},
        },
        "entities": {e.id: e for e in entities},
        "articles": {
            "night": ArticleInfo("night", "A night at the show", "show-2011"),
            "gala": ArticleInfo("gala", "Gala glitter", "gala-2012"),
        },
        "facts": [
            award_fact("f-1", winner="p1", award="a1", event="show-2011"),
            award_fact("f-2", winner="p2", award="a2", event="show-2011"),
            award_fact("f-3", winner="p3", award="a1", event="gala-2012", article="gala"),
            award_fact("f-4", winner="talk-talk", award="a2", event="show-2011"),
            FactInfo(
                "f-c1",
                "caught",
                "night",
                {"catchers": ["p3", "p4"], "caught": "p5", "event": "show-2011"},
                "Cy and Di caught Eve.",
            ),
            FactInfo(
                "f-c2",
                "caught",
                "night",
                {"catchers": ["p1", "p6"], "caught": "p5", "event": "show-2011"},
                "Ada and Fay caught Eve too.",
            ),
        ],
        "templates": [
            TemplateInfo("saved-one", "award_win", "typed", "Who won {award}?", "winner"),
        ],
    }
    parts.update(overrides)
    return BankSnapshot(**parts)


def award_fact(fact_id: str, *, article: str = "night", **roles) -> FactInfo:
    """An award_win fact with an evidence sentence of its own."""
    return FactInfo(fact_id, "award_win", article, roles, f"Evidence for {fact_id}.")


def make_draft(**overrides) -> TemplateDraft:
    """A good multiple-choice draft for the small bank unless told otherwise."""
    fields = {
        "kind": "award_win",
        "style": "multiple_choice",
        "prompt": "Who won {award} at {event}?",
        "answer_role": "winner",
        "explanation": "{winner} took home {award}.",
    }
    fields.update(overrides)
    return TemplateDraft(**fields)


def codes(preview: Preview) -> list[str]:
    return [p.code for p in preview.problems]


def the_problem(preview: Preview, code: str) -> Problem:
    found = [p for p in preview.problems if p.code == code]
    assert found, f"no {code} in {preview.problems}"
    return found[0]


# --- The questions are the generator's ----------------------------------------------------------


def test_every_bundled_template_previews_exactly_what_generate_makes(bundled):
    report = GenerationReport()
    made = list(generate(bundled, SEED, report))

    for template in bundled.templates:
        if template.status != "published":
            continue
        draft = TemplateDraft(
            id=template.id,
            kind=template.kind,
            style=template.style,
            prompt=template.prompt,
            answer_role=template.answer_role,
            explanation=template.explanation,
            requires=template.requires,
        )
        preview = preview_template(bundled, draft, seed=SEED)

        expected = [q for q in made if q.template_id == template.id]
        assert [q.id for q in preview.questions] == [q.id for q in expected], template.id
        for shown, question in zip(preview.questions, expected, strict=True):
            assert shown.fact_id == question.fact_id
            assert shown.prompt == question.prompt
            assert list(shown.choices) == question.choices
            assert list(shown.answer) == question.answer
            assert [list(forms) for forms in shown.accepted] == question.accepted
            assert shown.solution == question.solution
            assert shown.explanation == question.explanation
            assert shown.difficulty == question.difficulty
            assert shown.evidence == question.evidence
            assert shown.article_title == bundled.articles[question.article_id].title
        assert not preview.errors, (template.id, preview.errors)
        assert can_publish(preview)


def test_a_good_template_shows_its_questions_with_choices_answer_and_source():
    preview = preview_template(make_snapshot(), make_draft())

    assert preview.problems == ()
    assert can_publish(preview)
    by_fact = {q.fact_id: q for q in preview.questions}
    assert set(by_fact) == {"f-1", "f-2", "f-3", "f-4"}
    q = by_fact["f-1"]
    assert q.prompt == "Who won Video of the Year at 2011 Show?"
    assert q.answer == ("Ada Stone",) and "Ada Stone" in q.choices and len(q.choices) == 4
    assert q.solution == "Ada Stone"
    assert q.explanation == "Ada Stone took home Video of the Year."
    assert q.evidence == "Evidence for f-1." and q.article_title == "A night at the show"
    assert 0 < q.difficulty < 1


def test_the_draft_stands_in_for_the_saved_template_with_its_id_and_no_other():
    bank = make_snapshot()
    saved = list(bank.templates)

    replaced = preview_template(bank, make_draft(id="saved-one", prompt="Who took {award}?"))
    new = preview_template(bank, make_draft())

    assert {q.prompt for q in replaced.questions} >= {"Who took Video of the Year?"}
    assert all("Who won" not in q.prompt for q in replaced.questions)
    assert bank.templates == saved, "the caller's bank changed"
    assert NEW_TEMPLATE_ID == make_draft().id
    assert len(new.questions) == 4, "a saved template of the same kind was previewed too"


def test_the_seed_decides_the_choices_as_in_generation():
    bank = make_snapshot()

    first = preview_template(bank, make_draft(), seed=1)
    again = preview_template(bank, make_draft(), seed=1)

    assert first == again
    assert any(
        preview_template(bank, make_draft(), seed=seed).questions != first.questions
        for seed in range(2, 8)
    )


# --- Problems ------------------------------------------------------------------------------------

BAD_CASES = [
    # (id, draft fields, code, severity, field, column, text)
    (
        "unclosed slot",
        {"prompt": "Who won {award at {event}?"},
        "slot_syntax",
        "error",
        "prompt",
        9,
        "{award at ",
    ),
    (
        "unknown role",
        {"prompt": "Who won {awrd} at {event}?"},
        "unknown_role",
        "error",
        "prompt",
        9,
        "{awrd}",
    ),
    (
        "unknown role in the explanation",
        {"explanation": "{winer} took it."},
        "unknown_role",
        "error",
        "explanation",
        1,
        "{winer}",
    ),
    (
        "slot syntax in the explanation",
        {"explanation": "It went to {Winner}."},
        "slot_syntax",
        "error",
        "explanation",
        12,
        "{Winner}",
    ),
    ("unknown kind", {"kind": "award_wins"}, "unknown_kind", "error", "kind", None, "award_wins"),
    ("unknown style", {"style": "essay"}, "unknown_style", "error", "style", None, "essay"),
    (
        "unknown answer role",
        {"answer_role": "winer"},
        "unknown_answer_role",
        "error",
        "answer_role",
        None,
        "winer",
    ),
    (
        "multiple choice names its answer",
        {"prompt": "Did {winner} win {award} at {event}?"},
        "answer_in_prompt",
        "error",
        "prompt",
        5,
        "{winner}",
    ),
    (
        "typed names its answer",
        {"style": "typed", "prompt": "Who won {award}, {winner|possessive} prize?"},
        "answer_in_prompt",
        "error",
        "prompt",
        18,
        "{winner|possessive}",
    ),
    (
        "true/false without its answer",
        {"style": "true_false", "prompt": "Someone won {award} at {event}."},
        "answer_not_in_statement",
        "error",
        "prompt",
        None,
        None,
    ),
    ("empty prompt", {"prompt": ""}, "empty_prompt", "error", "prompt", 1, None),
    ("blank prompt", {"prompt": "   "}, "empty_prompt", "error", "prompt", 1, None),
    (
        "template too long",
        {"prompt": "Who won {award} at {event}?" + " Really?" * 40},
        "too_long",
        "error",
        "prompt",
        MAX_PROMPT_LENGTH + 1,
        None,
    ),
    (
        "doubled word in the text",
        {"prompt": "Who won the the {award} at {event}?"},
        "doubled_word",
        "warning",
        "prompt",
        9,
        "the the",
    ),
    (
        "doubled word where a slot starts",
        {"prompt": "Who won {award} at the {event}?"},
        "doubled_word",
        "warning",
        "prompt",
        24,
        "{event}",
    ),
    (
        "doubled word where a slot ends",
        {"prompt": "Who won the {award} Year prize at {event}?"},
        "doubled_word",
        "warning",
        "prompt",
        13,
        "{award}",
    ),
    (
        "doubled word in the filled explanation",
        {"explanation": "{winner} won at the {event}."},
        "doubled_word",
        "warning",
        "explanation",
        21,
        "{event}",
    ),
    (
        "question without a question mark",
        {"prompt": "Name the winner of {award} at {event}"},
        "missing_question_mark",
        "warning",
        "prompt",
        38,
        None,
    ),
    (
        "statement with a question mark",
        {"style": "true_false", "prompt": "{winner} won {award} at {event}?"},
        "statement_ends_with_question_mark",
        "warning",
        "prompt",
        32,
        "?",
    ),
    (
        "leading whitespace",
        {"prompt": "  Who won {award} at {event}?"},
        "whitespace",
        "warning",
        "prompt",
        1,
        "  ",
    ),
    (
        "trailing whitespace",
        {"prompt": "Who won {award} at {event}? "},
        "whitespace",
        "warning",
        "prompt",
        28,
        " ",
    ),
    (
        "line break",
        {"prompt": "Who won {award}\nat {event}?"},
        "whitespace",
        "warning",
        "prompt",
        16,
        "\\n",
    ),
    (
        "double space",
        {"prompt": "Who won {award}  at {event}?"},
        "double_space",
        "warning",
        "prompt",
        16,
        "  ",
    ),
    (
        "too few wrong answers",
        {"prompt": "Which award did {winner} win at {event}?", "answer_role": "award"},
        "too_few_wrong_answers",
        "warning",
        None,
        None,
        None,
    ),
    (
        "answer not unique",
        {
            "kind": "caught",
            "style": "typed",
            "prompt": "Who caught {caught} at {event}?",
            "answer_role": "catchers",
            "explanation": None,
        },
        "answer_not_unique",
        "warning",
        None,
        None,
        None,
    ),
    (
        "no fact states every role",
        {"prompt": "Who won {award} at {event} for {work}?"},
        "no_questions",
        "warning",
        None,
        None,
        None,
    ),
    (
        "no facts of the kind",
        {
            "kind": "sang",
            "prompt": "Who sang {song}?",
            "answer_role": "singer",
            "explanation": None,
        },
        "no_questions",
        "warning",
        None,
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("fields", "code", "severity", "field", "column", "text"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_CASES],
)
def test_each_problem_is_found_where_it_is(fields, code, severity, field, column, text):
    preview = preview_template(make_snapshot(), make_draft(**fields))

    problem = the_problem(preview, code)
    assert (problem.severity, problem.field, problem.location.column) == (severity, field, column)
    if text is not None:
        assert problem.location.text == text
    assert problem.message
    assert can_publish(preview) == (not preview.errors)
    if severity == "error":
        assert not can_publish(preview)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"prompt": "Who won {awrd} at {event}?"}, "(did you mean {award}?)"),
        ({"prompt": "Who won {awrd} at {event}?"}, "its roles are: award, event, winner, work"),
        ({"kind": "award_wins"}, 'did you mean "award_win"?'),
        ({"answer_role": "winer"}, 'did you mean "winner"?'),
        ({"answer_role": ""}, "choose the role that is the answer"),
        ({"prompt": "Did {winner} win {award}?"}, "remove the slot {winner}"),
        ({"prompt": "Who won {award} at the {event}?"}, '"The 2012 Gala" (fact f-3)'),
    ],
)
def test_messages_say_what_to_fix(fields, expected):
    preview = preview_template(make_snapshot(), make_draft(**fields))

    assert any(expected in p.message for p in preview.problems), preview.problems


def test_skipped_facts_carry_the_generators_reason_per_fact():
    draft = make_draft(
        kind="caught",
        style="typed",
        prompt="Who caught {caught} at {event}?",
        answer_role="catchers",
        explanation=None,
    )
    report = GenerationReport()
    alone = dataclasses.replace(
        make_snapshot(),
        templates=[
            TemplateInfo(draft.id, draft.kind, draft.style, draft.prompt, draft.answer_role)
        ],
    )
    list(generate(alone, SEED, report))

    preview = preview_template(make_snapshot(), draft, seed=SEED)

    skipped = [p for p in preview.problems if p.code == "answer_not_unique"]
    assert [p.location.record for p in skipped] == ["fact f-c1", "fact f-c2"]
    for problem, skip in zip(skipped, report.skipped, strict=True):
        assert skip.reason in problem.message
    assert the_problem(preview, "no_questions").message.startswith(
        "makes no questions from today's facts"
    )
    assert can_publish(preview), "warnings do not block publishing"


def test_a_filled_prompt_too_long_to_read_is_an_error():
    text = "Who won {award} at {event}?"
    prompt = "On that night, " * ((MAX_PROMPT_LENGTH - len(text)) // 15) + text
    assert len(prompt) <= MAX_PROMPT_LENGTH

    preview = preview_template(make_snapshot(), make_draft(prompt=prompt))

    problem = the_problem(preview, "output_too_long")
    assert (problem.severity, problem.field) == ("error", "prompt")
    assert not can_publish(preview)


def test_a_word_doubled_inside_one_value_is_not_a_problem():
    # "Talk Talk" is the band's name; "at the 2011 Show" would be the template's doing.
    draft = make_draft(
        style="typed", prompt="Which award did {winner} win at {event}?", answer_role="award"
    )

    preview = preview_template(make_snapshot(), draft)

    assert any("Talk Talk" in q.prompt for q in preview.questions)
    assert "doubled_word" not in codes(preview)


def test_doubled_words_are_reported_once_per_slot_not_per_question():
    bank = make_snapshot()
    bank.facts.append(award_fact("f-5", winner="p4", award="a2", event="gala-2012", article="gala"))

    preview = preview_template(bank, make_draft(prompt="Who won {award} at the {event}?"))

    assert codes(preview).count("doubled_word") == 1


def test_a_true_false_statement_previews_true_and_false_questions(bundled):
    template = next(t for t in bundled.templates if t.id == "award-win-winner-tf")
    draft = TemplateDraft(
        template.kind, template.style, template.prompt, template.answer_role, id=template.id
    )

    preview = preview_template(bundled, draft)

    assert preview.questions and all(q.choices == ("true", "false") for q in preview.questions)
    assert {q.answer for q in preview.questions} <= {("true",), ("false",)}
    assert can_publish(preview)


def test_errors_come_first_and_only_errors_block_publishing():
    warned = preview_template(make_snapshot(), make_draft(prompt="Who won {award} at {event}"))
    broken = preview_template(make_snapshot(), make_draft(prompt="who won  {award} at {evnt}"))

    assert warned.warnings and not warned.errors and can_publish(warned)
    assert broken.errors and not can_publish(broken)
    severities = [p.severity for p in broken.problems]
    assert severities == sorted(severities, key=lambda s: s != "error")


# --- Editor text is never code ------------------------------------------------------------------

INJECTIONS = [
    ("Who won {award.__class__} at {event}?", 9, "{award.__class__}"),
    ("Who won {0} at {event}?", 9, "{0}"),
    ("Who won {award!r} at {event}?", 9, "{award!r}"),
    ("Who won {{award}} at {event}?", 9, "{{award}}"),
    ("Who won {{ at {event}?", 9, None),
    ("Who won {award|upper} at {event}?", 9, "{award|upper}"),
    ("Who won {award.__init__.__globals__} at {event}?", 9, None),
    ("Who won {award[0]} at {event}?", 9, "{award[0]}"),
]


@pytest.mark.parametrize(("prompt", "column", "text"), INJECTIONS)
@pytest.mark.parametrize("field", ["prompt", "explanation"])
def test_injection_forms_are_errors_and_nothing_is_evaluated(
    monkeypatch, prompt, column, text, field
):
    def no_generation(*args, **kwargs):
        raise AssertionError("a template with slot errors reached the generator")

    monkeypatch.setattr(preview_module, "generate", no_generation)
    fields = {field: prompt}

    preview = preview_template(make_snapshot(), make_draft(**fields))

    problem = the_problem(preview, "slot_syntax")
    assert (problem.severity, problem.field, problem.location.column) == ("error", field, column)
    if text is not None:
        assert problem.location.text == text
    assert preview.questions == ()
    assert not can_publish(preview)
    assert not any("<class" in p.message or "<function" in p.message for p in preview.problems)
