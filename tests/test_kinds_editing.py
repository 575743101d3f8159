"""Fact kinds edited in the workspace (quizapp.workspace.kinds), without the app: new kinds
with cue phrases the proposer reads, changes checked against the bank's facts and templates,
and kinds.yaml written and read back with them."""

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.bank.dump import dump_bank
from quizapp.bank.files import BankError, KindIn, check_bank, cue_phrase_parts, read_bank
from quizapp.bank.sync import bank_from_db, load_bank
from quizapp.models import Change, FactKind, Question
from quizapp.workspace import edits
from quizapp.workspace.edits import EditError
from quizapp.workspace.kinds import (
    KindForm,
    RoleForm,
    kind_form,
    list_kinds,
    save_kind,
    unique_given_from_text,
)
from quizapp.workspace.propose import propose_for_article

SEED = 2026
DEDICATION = (
    "Gaga's night\n\n"
    "Back on stage, Lady Gaga dedicated Born This Way to Beyonce, who blew her a kiss.\n"
)


def dedicated(cues: tuple[str, ...] = ()) -> KindForm:
    """A kind the bundled bank lacks, which no hand-written cue knows."""
    return KindForm(
        name="dedicated",
        description="Someone dedicated a song to someone.",
        roles=[
            RoleForm("singer", ["person", "group"]),
            RoleForm("song", ["song"]),
            RoleForm("dedicatee", ["person", "group"]),
            RoleForm("event", ["event"], optional=True),
        ],
        cues=cues,
    )


def save(db: Session, form: KindForm, *, new: bool = False):
    return save_kind(db, editor_id=None, form=form, new=new, seed=SEED)


def changed_form(db: Session, name: str, **changes) -> KindForm:
    """The saved kind's form with ``changes``."""
    form = kind_form(name, list_kinds(db)[name])
    return KindForm(**{**form.__dict__, **changes})


def count(db: Session, model, *where) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_a_new_kind_with_a_cue_phrase_yields_proposals_on_an_article_that_says_it(game_session):
    db = game_session
    assert not [p for p in propose_for_article(db, DEDICATION) if p.kind == "dedicated"]

    saved = save(db, dedicated(("{singer} dedicated {song} to {dedicatee}",)), new=True)

    assert (saved.id, saved.action) == ("dedicated", "create")
    found = [p for p in propose_for_article(db, DEDICATION) if p.kind == "dedicated"]
    assert len(found) == 1
    roles = {role: [f.entity_id for f in fillers] for role, fillers in found[0].roles.items()}
    assert roles == {
        "singer": ["lady-gaga"],
        "song": ["born-this-way-song"],
        "dedicatee": ["beyonce"],
    }
    assert "dedicated Born This Way to Beyonce" in found[0].evidence


def test_without_its_phrase_the_kind_proposes_nothing_and_adding_one_later_does(game_session):
    db = game_session
    save(db, dedicated(), new=True)
    assert not [p for p in propose_for_article(db, DEDICATION) if p.kind == "dedicated"]

    save(db, changed_form(db, "dedicated", cues=["{singer} dedicated {song} to {dedicatee}"]))

    assert [p.kind for p in propose_for_article(db, DEDICATION)].count("dedicated") == 1
    assert db.exec(select(Change.action).where(Change.subject == "kind")).all() == [
        "create",
        "update",
    ]


def test_a_phrase_with_a_text_role_fills_it_with_the_words_there(game_session):
    db = game_session
    form = KindForm(
        name="dedicated_with",
        roles=[RoleForm("singer", ["person"]), RoleForm("words", ["text"])],
        cues=("{singer} dedicated the night to {words}",),
    )
    save(db, form, new=True)

    text = "Title\n\nLady Gaga dedicated the night to her little monsters.\n"
    (found,) = [p for p in propose_for_article(db, text) if p.kind == "dedicated_with"]
    assert found.roles["words"][0].text == "her little monsters"


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        # A role the kind's facts use, taken away.
        (
            lambda f: {"roles": [r for r in f.roles if r.name != "event"]},
            "unknown_role",
            "has no role 'event'",
        ),
        # A role some facts leave out, made required.
        (
            lambda f: {
                "roles": [RoleForm(r.name, r.types, r.many, False) for r in f.roles],
            },
            "missing_role",
            "the required role 'work' is missing",
        ),
        # Types that the people who won no longer fit.
        (
            lambda f: {
                "roles": [
                    RoleForm(
                        r.name, ["group"] if r.name == "winner" else r.types, r.many, r.optional
                    )
                    for r in f.roles
                ]
            },
            "wrong_entity_type",
            "but this role takes group",
        ),
    ],
)
def test_a_change_that_breaks_facts_is_refused_with_the_loaders_words(
    game_session, change, code, words
):
    db = game_session
    before = list_kinds(db)["award_win"]
    changes_before = count(db, Change)
    form = changed_form(db, "award_win")

    with pytest.raises(EditError) as refused:
        save(db, changed_form(db, "award_win", **change(form)))

    # Each problem names the fact the change would break.
    problems = [
        p
        for p in refused.value.problems
        if p.code == code and p.location.record.startswith("fact ")
    ]
    assert problems and words in str(problems[0])
    assert list_kinds(db)["award_win"] == before
    assert count(db, Change) == changes_before


def test_removing_a_role_a_template_asks_for_is_refused(game_session):
    db = game_session
    form = changed_form(db, "sang")
    # Without the song, the facts naming one and the templates asking for it would break.
    with pytest.raises(EditError) as refused:
        save(db, changed_form(db, "sang", roles=[r for r in form.roles if r.name != "song"]))

    said = " ".join(str(p) for p in refused.value.problems)
    assert "template " in said and "song" in said


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        (KindForm(name="Dedicated", roles=[RoleForm("a", ["person"])]), "name", "lower-case"),
        (KindForm(name="dedicated", roles=[]), "roles", "at least one role"),
        (KindForm(name="dedicated", roles=[RoleForm("a", ["persons"])]), "roles.a", "'person'"),
        (KindForm(name="dedicated", roles=[RoleForm("a", [])]), "roles.a", "give the types"),
        (
            KindForm(name="dedicated", roles=[RoleForm("a", ["person"]), RoleForm("a", ["song"])]),
            "roles.a",
            "twice",
        ),
        (
            KindForm(name="dedicated", roles=[RoleForm("a", ["person"])], cues=("{b} sang",)),
            "cues",
            "{b}, which is no role of this kind",
        ),
        (
            KindForm(name="dedicated", roles=[RoleForm("a", ["person"])], cues=("a sang",)),
            "cues",
            "names no role",
        ),
        (
            KindForm(
                name="dedicated",
                roles=[RoleForm("a", ["person"]), RoleForm("b", ["song"])],
                cues=("{a} {b}",),
            ),
            "cues",
            "needs words between",
        ),
        (
            KindForm(name="dedicated", roles=[RoleForm("a", ["text"], many=True)]),
            "roles.a",
            "cannot be many",
        ),
        (
            KindForm(name="award_win", roles=[RoleForm("a", ["person"])]),
            "name",
            "already a kind",
        ),
    ],
)
def test_bad_kinds_are_refused_at_their_field_and_nothing_is_written(
    game_session, form, field, words
):
    db = game_session
    kinds_before, changes_before = count(db, FactKind), count(db, Change)

    with pytest.raises(EditError) as refused:
        save(db, form, new=True)

    at_field = [p for p in refused.value.problems if p.field == field]
    assert at_field and words in at_field[0].message
    assert (count(db, FactKind), count(db, Change)) == (kinds_before, changes_before)


def test_changing_a_kind_regenerates_its_questions(game_session, monkeypatch):
    db = game_session
    rebuilt = []
    real = edits.rebuild_questions
    monkeypatch.setattr(
        edits,
        "rebuild_questions",
        lambda session, seed, **which: rebuilt.append(which) or real(session, seed, **which),
    )
    questions = count(db, Question)

    saved = save(db, changed_form(db, "sang", description="Someone sang a song."))

    assert saved.action == "update"
    assert rebuilt == [{"kinds": {"sang"}, "commit": False}]
    assert count(db, Question) == questions
    assert list_kinds(db)["sang"].description == "Someone sang a song."
    change = db.exec(select(Change).where(Change.subject == "kind")).one()
    assert change.detail["description"][1] == "Someone sang a song."


def test_a_new_kind_and_its_cues_are_dumped_to_kinds_yaml_and_read_back(game_session, tmp_path):
    db = game_session
    phrase = "{singer} dedicated {song} to {dedicatee}"
    save(db, dedicated((phrase, "{dedicatee} got {song} from {singer}")), new=True)

    dump_bank(db, tmp_path / "out")

    text = (tmp_path / "out" / "kinds.yaml").read_text()
    assert "dedicated:\n" in text and f"  - '{phrase}'" in text
    bank = read_bank(tmp_path / "out")
    assert bank.kinds["dedicated"].cues == [phrase, "{dedicatee} got {song} from {singer}"]
    assert bank.kinds == bank_from_db(db).kinds


def test_loading_kinds_yaml_checks_its_cue_phrases(game_session, tmp_path):
    db = game_session
    dump_bank(db, tmp_path / "out")
    kinds = tmp_path / "out" / "kinds.yaml"
    kinds.write_text(
        kinds.read_text()
        + "\nbroken:\n  roles:\n    a: {type: person}\n  cues:\n    - '{b} said so'\n"
    )

    with pytest.raises(BankError) as refused:
        read_bank(tmp_path / "out")

    (problem,) = refused.value.problems
    assert problem.code == "unknown_role" and problem.location.record == "kind broken"
    assert problem.location.line is not None


def test_loading_the_dump_puts_the_cues_back_in_the_database(game_session, tmp_path):
    db = game_session
    save(db, dedicated(("{singer} dedicated {song} to {dedicatee}",)), new=True)
    dump_bank(db, tmp_path / "out")
    kind = db.get(FactKind, "dedicated")
    kind.cues = []
    db.commit()

    load_bank(db, tmp_path / "out")

    db.expire_all()
    assert db.get(FactKind, "dedicated").cues == ["{singer} dedicated {song} to {dedicatee}"]


def test_cue_phrase_parts_reads_words_and_roles():
    assert cue_phrase_parts("{winner} won {award} at {event}") == [
        ("role", "winner"),
        ("text", " won "),
        ("role", "award"),
        ("text", " at "),
        ("role", "event"),
    ]
    for bad in ("{winner won", "won {}", "{a} and {a}", "{Winner} won"):
        with pytest.raises(ValueError):
            cue_phrase_parts(bad)


def test_check_bank_applies_the_kind_rules_to_a_bank_in_memory(game_session):
    bank = bank_from_db(game_session)
    bank.kinds["odd"] = KindIn(roles={}, same_fact=["nobody"], cues=["{x} did it"])

    codes = sorted(p.code for p in check_bank(bank) if p.location.record == "kind odd")

    assert codes == ["unknown_role", "unknown_role"]


def test_unique_given_lines_are_read_and_bad_lines_named():
    assert unique_given_from_text("award: event\n\nwinner: award, event") == (
        {"award": ["event"], "winner": ["award", "event"]},
        [],
    )
    found, problems = unique_given_from_text("winner")
    assert found == {} and problems[0].field == "unique_given"
