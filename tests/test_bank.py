"""Loading and validating the question bank: every rule refuses the whole bank, clearly."""

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from quizapp.bank.files import BankError, read_bank
from quizapp.bank.sync import load_bank
from quizapp.models import Entity, Fact, Question, Template
from quizapp.questions.generation import snapshot, snapshot_of_bank
from tests.factories import write_bank


def _fact(bank, fact_id):
    return next(f for f in bank["facts"] if f["id"] == fact_id)


def _template(bank, template_id):
    return next(t for t in bank["templates"] if t["id"] == template_id)


def unknown_entity(bank):
    _fact(bank, "f-video")["roles"]["winner"] = "nobody-at-all"


def unknown_article(bank):
    _fact(bank, "f-video")["article"] = "no-such-article"


def unknown_kind(bank):
    _fact(bank, "f-video")["kind"] = "award_wins"


def role_kind_lacks(bank):
    _fact(bank, "f-video")["roles"]["venue"] = "show-2011"


def missing_required_role(bank):
    del _fact(bank, "f-video")["roles"]["award"]


def evidence_not_in_article(bank):
    _fact(bank, "f-video")["evidence"] = "Somebody won something, said nobody."


def evidence_paraphrased(bank):
    fact = _fact(bank, "f-new-artist")
    fact["evidence"] = fact["evidence"].replace("took", "won")


def duplicate_fact_id(bank):
    _fact(bank, "f-new-artist")["id"] = "f-video"


def duplicate_entity_id(bank):
    bank["entities"][1]["id"] = bank["entities"][0]["id"]


def entity_of_wrong_type(bank):
    _fact(bank, "f-video")["roles"]["winner"] = bank["entities"][6]["id"]  # an award


def list_in_single_role(bank):
    people = [e["id"] for e in bank["entities"][:2]]
    _fact(bank, "f-video")["roles"]["winner"] = people


def number_as_text(bank):
    _fact(bank, "f-edition")["roles"]["number"] = "28"


def misspelt_field(bank):
    fact = _fact(bank, "f-video")
    fact["evidnce"] = fact.pop("evidence")


def id_not_a_slug(bank):
    _fact(bank, "f-video")["id"] = "Video Of The Year"


def slot_names_no_role(bank):
    _template(bank, "award-win-winner-mc")["prompt"] = "Who won {award} at the {venue}?"


def template_of_unknown_kind(bank):
    _template(bank, "award-win-winner-mc")["kind"] = "award_wins"


def answer_role_missing(bank):
    _template(bank, "award-win-winner-mc")["answer"] = "champion"


def answer_field_missing(bank):
    del _template(bank, "award-win-winner-mc")["answer"]


def malformed_slot(bank):
    _template(bank, "award-win-winner-mc")["prompt"] = "Who won {award at the {event}?"


def unknown_filter(bank):
    _template(bank, "award-win-winner-mc")["prompt"] = "Who won {award|upper} at the {event}?"


def answer_printed_in_question(bank):
    _template(bank, "award-win-winner-mc")["prompt"] = "Did {winner} win {award}?"


def true_false_without_answer_slot(bank):
    _template(bank, "award-win-winner-tf")["prompt"] = "Someone won {award} at the {event}."


def unknown_style(bank):
    _template(bank, "award-win-winner-mc")["style"] = "essay"


def article_unknown_event(bank):
    bank["articles"][0]["event"] = "show-1999"


def article_bad_date(bank):
    bank["articles"][0]["date"] = "29 August 2011"


def kind_with_mixed_literal(bank):
    bank["kinds"]["edition"]["roles"]["number"]["type"] = ["number", "person"]


def unique_given_unknown_role(bank):
    bank["kinds"]["award_win"]["unique_given"] = {"winner": ["award", "venue"]}


def unique_given_lists_itself(bank):
    bank["kinds"]["award_win"]["unique_given"] = {"winner": ["winner", "event"]}


def unique_given_of_unknown_role(bank):
    bank["kinds"]["award_win"]["unique_given"] = {"champion": ["award", "event"]}


def contradicting_facts(bank):
    # Two winners of one award at one show, where the kind says there is only one.
    bank["kinds"]["award_win"]["unique_given"] = {"winner": ["award", "event"]}
    _fact(bank, "f-new-artist")["roles"]["award"] = _fact(bank, "f-video")["roles"]["award"]


def open_unknown_role(bank):
    _fact(bank, "f-caught")["open"] = ["catcherz"]


def open_role_not_many(bank):
    _fact(bank, "f-caught")["open"] = ["caught"]


def open_role_not_stated(bank):
    bank["kinds"]["caught"]["roles"]["helpers"] = {"type": "person", "many": True, "optional": True}
    _fact(bank, "f-caught")["open"] = ["helpers"]


def tag_misspelt(bank):
    bank["entities"][0]["tags"] = ["Music Video"]


def requires_tag_misspelt(bank):
    _template(bank, "award-win-winner-mc")["requires"] = {"winner": ["Rapper"]}


def requires_unknown_role(bank):
    _template(bank, "award-win-winner-mc")["requires"] = {"work": ["music-video"]}


def requires_literal_role(bank):
    _template(bank, "edition-mc")["requires"] = {"number": ["person"]}


CASES = [
    (unknown_entity, "facts/all.yaml", "unknown entity", "nobody-at-all"),
    (unknown_article, "facts/all.yaml", "unknown article", "no-such-article"),
    (unknown_kind, "facts/all.yaml", "unknown kind (did you mean 'award_win'?)", "award_wins"),
    (role_kind_lacks, "facts/all.yaml", "kind award_win has no role 'venue'", None),
    (missing_required_role, "facts/all.yaml", "the required role 'award' is missing", None),
    (evidence_not_in_article, "facts/all.yaml", "not found verbatim in article", None),
    (evidence_paraphrased, "facts/all.yaml", "the closest passage is", "took Best New Artist"),
    (duplicate_fact_id, "facts/all.yaml", "duplicate id: already defined at facts/all.yaml:", None),
    (duplicate_entity_id, "entities/all.yaml", "duplicate id", None),
    (
        entity_of_wrong_type,
        "facts/all.yaml",
        "is a award, but this role takes person or group",
        None,
    ),
    (list_in_single_role, "facts/all.yaml", "holds one entity, not a list", None),
    (number_as_text, "facts/all.yaml", "must be a whole number", "'28'"),
    (misspelt_field, "facts/all.yaml", "evidnce: is not a field of this record", None),
    (id_not_a_slug, "facts/all.yaml", "must be a lower-case slug", "Video Of The Year"),
    (slot_names_no_role, "templates/all.yaml", "the slot {venue} names no role", None),
    (
        template_of_unknown_kind,
        "templates/all.yaml",
        "unknown kind (did you mean 'award_win'?)",
        "award_wins",
    ),
    (answer_role_missing, "templates/all.yaml", "kind award_win has no role 'champion'", None),
    (answer_field_missing, "templates/all.yaml", "answer: Field required", None),
    (malformed_slot, "templates/all.yaml", "prompt: column 9", "{award"),
    (unknown_filter, "templates/all.yaml", "upper", None),
    (answer_printed_in_question, "templates/all.yaml", "would print its own answer", None),
    (true_false_without_answer_slot, "templates/all.yaml", "must contain the answer slot", None),
    (unknown_style, "templates/all.yaml", "style:", "essay"),
    (article_unknown_event, "articles/", "unknown entity", "show-1999"),
    (article_bad_date, "articles/", "date:", "29 August 2011"),
    (kind_with_mixed_literal, "kinds.yaml", "cannot be mixed", None),
    (unique_given_unknown_role, "kinds.yaml", "unique_given.winner: lists 'venue', which", None),
    (unique_given_lists_itself, "kinds.yaml", "lists 'winner' itself", None),
    (unique_given_of_unknown_role, "kinds.yaml", "names no role 'champion'", None),
    (
        contradicting_facts,
        "facts/all.yaml",
        "fact f-new-artist: roles.winner: contradicts fact f-video (facts/all.yaml:",
        None,
    ),
    (open_unknown_role, "facts/all.yaml", "open: kind caught has no role 'catcherz'", None),
    (open_role_not_many, "facts/all.yaml", "'caught' is not a many role", None),
    (open_role_not_stated, "facts/all.yaml", "this fact does not state it", "helpers"),
    (tag_misspelt, "entities/all.yaml", "a tag must be lower-case", "Music Video"),
    (requires_tag_misspelt, "templates/all.yaml", "must be an entity type or a tag", "Rapper"),
    (requires_unknown_role, "templates/all.yaml", "requires.work: kind award_win has no", None),
    (requires_literal_role, "templates/all.yaml", "'number' holds a number", None),
]


@pytest.mark.parametrize(
    ("mutate", "file", "message", "value"), CASES, ids=[c[0].__name__ for c in CASES]
)
def test_bad_bank_is_refused_with_a_located_message(
    tmp_path, small_bank, mutate, file, message, value
):
    mutate(small_bank)
    root = write_bank(tmp_path / "bank", small_bank)

    with pytest.raises(BankError) as caught:
        read_bank(root)

    problems = [str(p) for p in caught.value.problems]
    matching = [p for p in problems if message in p]
    assert matching, problems
    assert any(p.startswith(file) for p in matching), matching
    if file.endswith(".yaml"):
        # file:line: a line number a person can jump to.
        assert all(p.split(":")[1].isdigit() for p in matching), matching
    if value is not None:
        assert any(value in p for p in matching), matching


# Each case's code and the field it points at (pydantic's own error type where the loader
# keeps pydantic's message), and the record it names when that is not the fact f-video.
CODES = {
    unknown_entity: ("unknown_entity", "roles.winner", None),
    unknown_article: ("unknown_article", "article", None),
    unknown_kind: ("unknown_kind", "kind", None),
    role_kind_lacks: ("unknown_role", "roles.venue", None),
    missing_required_role: ("missing_role", "roles", None),
    evidence_not_in_article: ("evidence_not_in_article", "evidence", None),
    evidence_paraphrased: ("evidence_not_in_article", "evidence", "fact f-new-artist"),
    duplicate_fact_id: ("duplicate_id", "id", None),
    duplicate_entity_id: ("duplicate_id", "id", ""),
    entity_of_wrong_type: ("wrong_entity_type", "roles.winner", None),
    list_in_single_role: ("not_many", "roles.winner", None),
    number_as_text: ("not_a_number", "roles.number", "fact f-edition"),
    misspelt_field: ("unknown_field", "evidnce", None),
    id_not_a_slug: ("not_a_slug", "id", "fact Video Of The Year"),
    slot_names_no_role: ("unknown_role", "prompt", "template award-win-winner-mc"),
    template_of_unknown_kind: ("unknown_kind", "kind", "template award-win-winner-mc"),
    answer_role_missing: ("unknown_answer_role", "answer", "template award-win-winner-mc"),
    answer_field_missing: ("missing", "answer", "template award-win-winner-mc"),
    malformed_slot: ("slot_syntax", "prompt", "template award-win-winner-mc"),
    unknown_filter: ("slot_syntax", "prompt", "template award-win-winner-mc"),
    answer_printed_in_question: ("answer_in_prompt", "prompt", "template award-win-winner-mc"),
    true_false_without_answer_slot: (
        "answer_not_in_statement",
        "prompt",
        "template award-win-winner-tf",
    ),
    unknown_style: ("literal_error", "style", "template award-win-winner-mc"),
    article_unknown_event: ("unknown_entity", "event", ""),
    article_bad_date: ("date_from_datetime_parsing", "date", ""),
    kind_with_mixed_literal: ("literal_mixed", "roles.number", "kind edition"),
    unique_given_unknown_role: ("unknown_role", "unique_given.winner", "kind award_win"),
    unique_given_lists_itself: ("unique_given_itself", "unique_given.winner", "kind award_win"),
    unique_given_of_unknown_role: ("unknown_role", "unique_given.champion", "kind award_win"),
    contradicting_facts: ("contradiction", "roles.winner", "fact f-new-artist"),
    open_unknown_role: ("unknown_role", "open", "fact f-caught"),
    open_role_not_many: ("open_not_many", "open", "fact f-caught"),
    open_role_not_stated: ("open_not_stated", "open", "fact f-caught"),
    tag_misspelt: ("bad_tag", "tags.0", ""),
    requires_tag_misspelt: ("bad_tag", "requires.winner.0", "template award-win-winner-mc"),
    requires_unknown_role: ("unknown_role", "requires.work", "template award-win-winner-mc"),
    requires_literal_role: ("requires_literal", "requires.number", "template edition-mc"),
}


@pytest.mark.parametrize("mutate", list(CODES), ids=[m.__name__ for m in CODES])
def test_each_problem_has_a_stable_code_and_its_field(tmp_path, small_bank, mutate):
    code, field, record = CODES[mutate]
    mutate(small_bank)
    root = write_bank(tmp_path / "bank", small_bank)

    with pytest.raises(BankError) as caught:
        read_bank(root)

    found = [p for p in caught.value.problems if p.code == code and p.field == field]
    assert found, [(p.code, p.field, str(p)) for p in caught.value.problems]
    if record != "":  # "": a record whose id the factory makes up
        assert found[0].location.record == (record or "fact f-video")
    assert found[0].location.file and found[0].location.line


def test_a_guess_is_a_hint_a_program_can_use(tmp_path, small_bank):
    caught_id = _fact(small_bank, "f-caught")["roles"]["caught"]
    _fact(small_bank, "f-caught")["roles"]["caught"] = caught_id + "x"
    unknown_kind(small_bank)
    evidence_paraphrased(small_bank)
    root = write_bank(tmp_path / "bank", small_bank)

    with pytest.raises(BankError) as caught:
        read_bank(root)

    hints = {p.code: p.hint for p in caught.value.problems}
    assert hints["unknown_entity"] == caught_id
    assert hints["unknown_kind"] == "award_win"
    assert hints["evidence_not_in_article"] in small_bank["articles"][0]["text"]
    assert "took Best New Artist" in hints["evidence_not_in_article"]


def test_the_issue_12_fields_are_read(tmp_path, small_bank):
    small_bank["kinds"]["award_win"]["unique_given"] = {"winner": ["award", "event"]}
    small_bank["entities"][0]["tags"] = ["rapper", "tv-show"]
    _fact(small_bank, "f-caught")["open"] = ["catchers"]
    _template(small_bank, "award-win-winner-mc")["requires"] = {"winner": ["person", "rapper"]}

    bank = read_bank(write_bank(tmp_path / "bank", small_bank))

    assert bank.kinds["award_win"].unique_given == {"winner": ["award", "event"]}
    assert bank.kinds["caught"].unique_given == {}
    assert bank.entities[small_bank["entities"][0]["id"]].tags == ["rapper", "tv-show"]
    assert bank.facts["f-caught"].open == ["catchers"]
    assert bank.facts["f-video"].open == []
    assert bank.templates["award-win-winner-mc"].requires == {"winner": ["person", "rapper"]}


def test_the_generators_snapshot_carries_the_issue_12_fields(session, tmp_path, small_bank):
    small_bank["kinds"]["award_win"]["unique_given"] = {"winner": ["award", "event"]}
    small_bank["entities"][0]["tags"] = ["rapper"]
    _fact(small_bank, "f-caught")["open"] = ["catchers"]
    _template(small_bank, "award-win-winner-mc")["requires"] = {"winner": ["person", "rapper"]}
    root = write_bank(tmp_path / "bank", small_bank)
    load_bank(session, root)

    # From the database and from the files alike.
    for bank in (snapshot(session), snapshot_of_bank(read_bank(root))):
        assert bank.unique_given["award_win"] == {"winner": ("award", "event")}
        assert bank.unique_given["caught"] == {}
        assert bank.entities[small_bank["entities"][0]["id"]].tags == ("rapper",)
        facts = {f.id: f for f in bank.facts}
        assert facts["f-caught"].open_roles == ("catchers",)
        assert facts["f-video"].open_roles == ()
        templates = {t.id: t for t in bank.templates}
        assert templates["award-win-winner-mc"].requires == {"winner": ("person", "rapper")}
        assert templates["caught-mc"].requires == {}


def test_a_retired_fact_or_a_list_in_another_order_contradicts_nothing(tmp_path, small_bank):
    small_bank["kinds"]["award_win"]["unique_given"] = {"winner": ["award", "event"]}
    small_bank["kinds"]["caught"]["unique_given"] = {"catchers": ["caught", "event"]}
    contradicting_facts(small_bank)
    _fact(small_bank, "f-video")["retired"] = True
    again = dict(_fact(small_bank, "f-caught"), id="f-caught-again")
    again["roles"] = dict(again["roles"], catchers=again["roles"]["catchers"][::-1])
    small_bank["facts"].append(again)

    with pytest.raises(BankError) as raised:
        read_bank(write_bank(tmp_path / "bank", small_bank))

    # The same catchers in another order are the same fact said twice, not a contradiction.
    assert [(p.code, p.location.record) for p in raised.value.problems] == [
        ("duplicate_fact", "fact f-caught-again")
    ]


@pytest.mark.parametrize(
    "prompt",
    [
        "Who won {{7*7}} at the {event}?",
        "Who won {0.__class__} at the {event}?",
        "Who won {award.__init__.__globals__} at the {event}?",
        "Who won ${award} at the {event}?",
        "Who won {award:>99999999} at the {event}?",
        "Who won {award!r} at the {event}?",
        "Who won {award[0]} at the {event}?",
        "Who won {award {event}}?",
        "Who won " + "x" * 300 + " {award}?",
    ],
)
def test_slot_injection_is_refused_at_load(tmp_path, small_bank, prompt):
    _template(small_bank, "award-win-winner-mc")["prompt"] = prompt
    root = write_bank(tmp_path / "bank", small_bank)

    with pytest.raises(BankError) as caught:
        read_bank(root)

    assert any(
        "award-win-winner-mc" in str(p) and "prompt" in str(p) for p in caught.value.problems
    )


def test_every_problem_is_reported_at_once(tmp_path, small_bank):
    unknown_entity(small_bank)
    slot_names_no_role(small_bank)
    article_unknown_event(small_bank)
    root = write_bank(tmp_path / "bank", small_bank)

    with pytest.raises(BankError) as caught:
        read_bank(root)

    text = str(caught.value)
    assert "nobody-at-all" in text and "{venue}" in text and "show-1999" in text


def test_yaml_syntax_error_names_file_and_line(small_bank_path):
    path = small_bank_path / "templates" / "all.yaml"
    lines = path.read_text().splitlines()
    lines.insert(3, "  prompt: [unclosed")
    path.write_text("\n".join(lines))

    with pytest.raises(BankError) as caught:
        read_bank(small_bank_path)

    problem = caught.value.problems[0]
    assert problem.location.file == "templates/all.yaml" and problem.location.line is not None
    assert "not valid YAML" in problem.message, caught.value.problems


def test_duplicate_yaml_key_is_reported(small_bank_path):
    path = small_bank_path / "entities" / "all.yaml"
    path.write_text(
        path.read_text().replace("  type: person\n", "  type: person\n  type: group\n", 1)
    )

    with pytest.raises(BankError) as caught:
        read_bank(small_bank_path)

    assert any("'type' appears twice" in str(p) for p in caught.value.problems)


def test_article_text_is_kept_byte_for_byte(small_bank_path, small_bank):
    bank = read_bank(small_bank_path)

    (article,) = bank.articles.values()
    assert article.text == small_bank["articles"][0]["text"]


def _snapshot(session: Session) -> dict:
    return {
        model.__name__: sorted(
            tuple(sorted(row.model_dump().items(), key=lambda kv: kv[0]))
            for row in session.scalars(select(model))
        )
        for model in (Entity, Fact, Template, Question)
    }


def test_failed_load_leaves_the_database_as_it_was(runner, session, small_bank_path):
    assert runner.invoke(args=["load-bank", str(small_bank_path)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0
    before = _snapshot(session)
    facts = small_bank_path / "facts" / "all.yaml"
    facts.write_text(facts.read_text().replace("f-new-artist", "f-video"))

    result = runner.invoke(args=["load-bank", str(small_bank_path)])

    assert result.exit_code == 1
    assert "duplicate id" in result.output and "nothing was loaded" in result.output
    session.expire_all()
    assert _snapshot(session) == before


def test_loading_twice_changes_nothing(app, small_bank_path):
    from quizapp.db import get_engine

    with Session(get_engine(app)) as session:
        load_bank(session, small_bank_path)
    with Session(get_engine(app)) as session:
        before = _snapshot(session)
        report = load_bank(session, small_bank_path)
        assert not report.changed
        assert all(c.unchanged > 0 for c in report.tables.values())
        assert _snapshot(session) == before


def test_loading_an_edited_bank_updates_what_changed(app, runner, session, tmp_path, small_bank):
    root = write_bank(tmp_path / "bank", small_bank)
    assert runner.invoke(args=["load-bank", str(root)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0
    small_bank["entities"][0]["aliases"] = ["The Winner"]
    small_bank["facts"] = [f for f in small_bank["facts"] if f["id"] != "f-new-artist"]
    write_bank(root, small_bank)

    result = runner.invoke(args=["load-bank", str(root)])

    assert result.exit_code == 0, result.output
    assert "entity     0 added, 1 updated, 0 removed" in result.output
    assert "fact       0 added, 0 updated, 1 removed" in result.output
    assert session.get(Entity, small_bank["entities"][0]["id"]).aliases == ["The Winner"]
    assert session.get(Fact, "f-new-artist") is None
    assert not session.scalars(select(Question).where(Question.fact_id == "f-new-artist")).all()


def test_missing_bank_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(BankError, match="is not a folder"):
        read_bank(tmp_path / "nowhere")
