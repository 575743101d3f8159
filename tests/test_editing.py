"""Tests for quizapp.workspace.edits, the workspace's changes to the bank, without the app."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.bank.files import read_bank
from quizapp.bank.sync import bank_from_db, bank_rows, load_bank
from quizapp.core.database import make_engine
from quizapp.core.paths import resource_dir
from quizapp.models import Article, Change, Entity, Fact, Question, Template
from quizapp.questions.generation import rebuild_questions
from quizapp.workspace import edits
from quizapp.workspace.edits import EditError
from tests.conftest import create_tables

SEED = 2026
BANK_DIR = resource_dir("question_bank")
GALA_TEXT = (
    "Gala Night Recap\n\n"
    "At the 2026 Pop Gala, Beyonce presented Lady Gaga with the Best Hat award.\r\n"
    "Fans cheered for minutes.\n"
)


@pytest.fixture
def engine(database_url: str):
    """A fresh database holding the bundled bank and its questions."""
    create_tables(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        load_bank(session, BANK_DIR)
        rebuild_questions(session, SEED)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine):
    """A session on that database."""
    with Session(engine) as session:
        yield session


def count(db: Session, model, *where) -> int:
    """Rows of ``model`` matching ``where``, read afresh."""
    db.expire_all()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def add_gala(db: Session) -> str:
    """A short new article; returns its id."""
    return edits.add_article(
        db,
        editor_id=None,
        title="Pop Gala: Gaga's big hat",
        date=dt.date(2026, 11, 20),
        source="Test News",
        text_=GALA_TEXT,
    ).id


def test_bank_from_db_reads_back_what_was_loaded(db):
    assert bank_rows(bank_from_db(db)) == bank_rows(read_bank(BANK_DIR))


def test_an_article_is_kept_as_pasted_with_plain_line_ends(db):
    article_id = add_gala(db)

    article = db.get(Article, article_id)
    assert article_id == "pop-gala-gagas-big-hat"
    assert article.text == GALA_TEXT.replace("\r\n", "\n")
    assert [c.action for c in db.exec(select(Change))] == ["create"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "title: give the article's title"),
        ({"text_": ""}, "text: paste the article's text"),
        ({"source": ""}, "source: say where"),
    ],
)
def test_an_article_without_what_it_needs_is_refused(db, fields, message):
    values = {"title": "T", "date": dt.date(2026, 1, 1), "source": "S", "text_": "Some text."}
    with pytest.raises(EditError) as refused:
        edits.add_article(db, editor_id=None, **(values | fields))

    assert any(message in str(problem) for problem in refused.value.problems)
    assert count(db, Article) == 2


def test_a_fact_from_a_new_article_makes_questions(db):
    article_id = add_gala(db)
    evidence = "At the 2026 Pop Gala, Beyonce presented Lady Gaga with the Best Hat award."
    award = edits.save_entity(db, editor_id=None, name="Best Hat", type_="award", seed=SEED).id
    gala = edits.save_entity(db, editor_id=None, name="2026 Pop Gala", type_="event", seed=SEED).id

    saved = edits.save_fact(
        db,
        editor_id=None,
        kind="award_win",
        article_id=article_id,
        roles={"winner": "lady-gaga", "award": award, "event": gala},
        evidence=evidence,
        seed=SEED,
    )

    assert saved.questions > 0
    assert count(db, Question, Question.fact_id == saved.id) == saved.questions
    assert db.get(Fact, saved.id).evidence == evidence


def test_a_fact_whose_evidence_is_not_in_the_article_is_refused_and_nothing_is_written(db):
    article_id = add_gala(db)
    changes = count(db, Change)

    with pytest.raises(EditError) as refused:
        edits.save_fact(
            db,
            editor_id=None,
            kind="award_win",
            article_id=article_id,
            roles={"winner": "lady-gaga", "award": "video-of-the-year", "event": "vma-2010"},
            evidence="Lady Gaga won everything.",
            seed=SEED,
        )

    assert any("not found verbatim" in str(p) for p in refused.value.problems)
    assert count(db, Fact, Fact.article_id == article_id) == 0
    assert count(db, Change) == changes


def test_correcting_a_fact_regenerates_its_questions(db):
    fact = db.exec(select(Fact).where(Fact.kind == "award_win")).first()
    before = {q.id: q.prompt for q in db.exec(select(Question).where(Question.fact_id == fact.id))}
    roles = dict(fact.roles) | {"award": "best-new-artist"}

    edits.save_fact(
        db,
        editor_id=None,
        fact_id=fact.id,
        kind=fact.kind,
        article_id=fact.article_id,
        roles=roles,
        evidence=fact.evidence,
        seed=SEED,
    )

    db.expire_all()
    after = {q.id: q.prompt for q in db.exec(select(Question).where(Question.fact_id == fact.id))}
    assert after.keys() == before.keys()
    assert after != before
    assert any("Best New Artist" in prompt for prompt in after.values())


def test_a_retired_fact_makes_no_questions(db):
    fact = db.exec(select(Fact).where(Fact.kind == "award_win")).first()
    assert count(db, Question, Question.fact_id == fact.id) > 0

    edits.retire_fact(db, editor_id=None, fact_id=fact.id, seed=SEED)

    assert count(db, Question, Question.fact_id == fact.id) == 0
    assert db.get(Fact, fact.id).retired


def test_a_draft_makes_no_questions_and_publishing_makes_them(db):
    draft = edits.save_template(
        db,
        editor_id=None,
        kind="award_win",
        style="multiple_choice",
        prompt="Which act collected {award} at the {event}?",
        answer_role="winner",
        seed=SEED,
    )
    assert draft.questions == 0
    assert db.get(Template, draft.id).status == "draft"

    published = edits.save_template(
        db,
        editor_id=None,
        template_id=draft.id,
        kind="award_win",
        style="multiple_choice",
        prompt="Which act collected {award} at the {event}?",
        answer_role="winner",
        status="published",
        seed=SEED,
    )

    assert published.action == "publish"
    assert published.questions == count(db, Question, Question.template_id == draft.id) > 0
    history = edits.history(db, subject="template", subject_id=draft.id)
    assert [c.action for c in history] == ["publish", "create"]
    assert history[0].detail == {"status": ["draft", "published"]}


@pytest.mark.parametrize(
    ("prompt", "status", "expected"),
    [
        ("Who won {awrd} at the {event}?", "draft", "names no role"),
        ("Who won {award.__class__}?", "draft", "prompt"),
        ("Who won {award} at the {event}?", "retired", "status must be one of"),
        ("Did {winner} win {award}?", "published", "print its own answer"),
    ],
)
def test_a_bad_template_is_refused_with_what_to_fix(db, prompt, status, expected):
    templates, changes = count(db, Template), count(db, Change)

    with pytest.raises(EditError) as refused:
        edits.save_template(
            db,
            editor_id=None,
            kind="award_win",
            style="multiple_choice",
            prompt=prompt,
            answer_role="winner",
            status=status,
            seed=SEED,
        )

    assert any(expected in str(problem) for problem in refused.value.problems), refused.value
    assert (count(db, Template), count(db, Change)) == (templates, changes)


def test_retiring_a_template_removes_its_questions(db):
    template = db.exec(select(Template).where(Template.status == "published")).first()
    assert count(db, Question, Question.template_id == template.id) > 0

    saved = edits.retire_template(db, editor_id=None, template_id=template.id, seed=SEED)

    assert saved.questions == 0
    assert db.get(Template, template.id).status == "retired"


def test_a_duplicate_entity_name_is_refused(db):
    with pytest.raises(EditError, match="already the entity lady-gaga"):
        edits.save_entity(db, editor_id=None, name="lady gaga", type_="person", seed=SEED)


@pytest.mark.parametrize(
    ("values", "roles", "problems"),
    [
        ({"winner": "cher", "award": "x", "event": "e"}, {"winner": "cher"}, []),
        ({"award": "x", "event": "e"}, {}, ["winner: this role is required"]),
        ({"winner": "a, b", "award": "x", "event": "e"}, {}, ["winner: takes one entity"]),
        ({"winner": "a", "award": "x", "event": "e", "host": "h"}, {}, ["no such role"]),
    ],
)
def test_roles_from_form(db, values, roles, problems):
    kind = bank_from_db(db).kinds["award_win"]

    got, found = edits.roles_from_form(kind, values)

    assert roles.items() <= got.items()
    assert [p for p in found if not any(str(p).startswith(x) for x in problems)] == []
    assert len(found) == len(problems)


def refused(change) -> list[tuple]:
    """What a refused change says, as (code, field, record, hint) per problem."""
    with pytest.raises(EditError) as error:
        change()
    return [(p.code, p.field, p.location.record, p.hint) for p in error.value.problems]


def test_each_refusal_has_a_code_and_the_field_it_is_about(db):
    kind = bank_from_db(db).kinds["award_win"]
    article_id = add_gala(db)
    gala_fact = {"kind": "award_win", "article_id": article_id, "seed": SEED, "editor_id": None}
    # Best New Artist 2010 is in no bundled fact, so no winner here contradicts the bank.
    roles = {"winner": "lady-gaga", "award": "best-new-artist", "event": "vma-2010"}
    evidence = "At the 2026 Pop Gala, Beyonce presented Lady Gaga with the Best Hat award."
    template = {"kind": "award_win", "style": "typed", "answer_role": "winner", "seed": SEED}

    _, found = edits.roles_from_form(kind, {"winner": "a, b", "award": "", "venue": "x"})
    assert [(p.code, p.field) for p in found] == [
        ("not_many", "winner"),
        ("required", "award"),
        ("required", "event"),
        ("unknown_role", None),
    ]
    no_article = {"title": "", "date": dt.date(2026, 1, 1), "source": "", "text_": ""}
    assert refused(lambda: edits.add_article(db, editor_id=None, **no_article)) == [
        ("required", "title", None, None),
        ("required", "text", None, None),
        ("required", "source", None, None),
    ]
    assert refused(
        lambda: edits.save_entity(db, editor_id=None, name="Lady Gaga", type_="person", seed=SEED)
    ) == [("duplicate_name", "name", None, "lady-gaga")]
    assert refused(
        lambda: edits.save_entity(db, editor_id=None, name="Nova", type_="A Type", seed=SEED)
    ) == [("not_a_slug", "type", None, None)]
    assert refused(
        lambda: edits.save_fact(
            db, **gala_fact, roles=roles | {"winner": "lady-gagaa"}, evidence=evidence
        )
    ) == [
        (
            "unknown_entity",
            "roles.winner",
            "fact pop-gala-gagas-big-hat-award-win-lady-gagaa",
            "lady-gaga",
        )
    ]
    ((code, field, _, closest),) = refused(
        lambda: edits.save_fact(db, **gala_fact, roles=roles, evidence="Beyonce gave Gaga a hat.")
    )
    assert (code, field) == ("evidence_not_in_article", "evidence") and closest in GALA_TEXT
    assert refused(
        lambda: edits.save_template(
            db, editor_id=None, prompt="Who won {awrd}?", status="published", **template
        )
    ) == [("unknown_role", "prompt", None, "award")]
    assert refused(
        lambda: edits.save_template(db, editor_id=None, prompt="Who?", status="retired", **template)
    ) == [("unknown_status", "status", None, None)]
    assert refused(
        lambda: edits.retire_fact(db, editor_id=None, fact_id="no-such-fact", seed=SEED)
    ) == [("not_found", None, None, None)]


def test_two_editors_saving_at_once_lose_nothing(engine):
    # Each save reads the whole bank and writes it back: without the lock taken first, the
    # second would write back a bank without the first one's entity.
    errors: list[BaseException] = []

    def add(name: str) -> None:
        try:
            with Session(engine) as session:
                edits.save_entity(session, editor_id=None, name=name, type_="person", seed=SEED)
        except BaseException as error:  # noqa: BLE001 - checked below
            errors.append(error)

    threads = [threading.Thread(target=add, args=(f"Singer {n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with Session(engine) as session:
        names = {e.name for e in bank_from_db(session).entities.values()}
    assert {f"Singer {n}" for n in range(6)} <= names


def question_rows(db: Session) -> dict[str, dict]:
    """Every stored question, as its column values."""
    db.expire_all()
    table = Question.__table__
    return {row.id: dict(row._mapping) for row in db.exec(select(*table.c))}


def test_each_edit_regenerates_exactly_what_a_full_rebuild_would(db):
    # Edits rebuild only the kinds or templates they touch; they must miss nothing.
    article_id = add_gala(db)
    award = edits.save_entity(db, editor_id=None, name="Best Hat", type_="award", seed=SEED).id
    gala = edits.save_entity(db, editor_id=None, name="2026 Pop Gala", type_="event", seed=SEED)
    fact = edits.save_fact(
        db,
        editor_id=None,
        kind="award_win",
        article_id=article_id,
        roles={"winner": "lady-gaga", "award": award, "event": gala.id},
        evidence="At the 2026 Pop Gala, Beyonce presented Lady Gaga with the Best Hat award.",
        seed=SEED,
    )
    template = edits.save_template(
        db,
        editor_id=None,
        kind="award_win",
        style="typed",
        prompt="Which act collected {award} at the {event}?",
        answer_role="winner",
        status="published",
        seed=SEED,
    )
    # New aliases change what typed answers accept, in every kind.
    edits.save_entity(
        db,
        editor_id=None,
        entity_id="lady-gaga",
        name="Lady Gaga",
        type_="person",
        aliases=["Gaga", "Stefani Germanotta", "Mother Monster"],
        seed=SEED,
    )
    first = db.exec(select(Template).where(Template.kind == "award_win")).first()
    edits.retire_template(db, editor_id=None, template_id=first.id, seed=SEED)
    edited = question_rows(db)

    rebuild_questions(db, SEED)

    assert question_rows(db) == edited
    assert any(q["template_id"] == template.id for q in edited.values())
    assert any(q["fact_id"] == fact.id for q in edited.values())
    assert not any(q["template_id"] == first.id for q in edited.values())
    assert any("Mother Monster" in str(q["accepted"]) for q in edited.values())


def test_restoring_a_retired_fact_brings_back_the_very_same_questions(db):
    fact = db.exec(select(Fact).where(Fact.kind == "award_win")).first()
    before = question_rows(db)
    edits.retire_fact(db, editor_id=None, fact_id=fact.id, seed=SEED)

    restored = edits.restore_fact(db, editor_id=None, fact_id=fact.id, seed=SEED)

    assert question_rows(db) == before
    assert restored.questions == count(db, Question, Question.fact_id == fact.id) > 0
    history = edits.history(db, subject="fact", subject_id=fact.id)
    assert [c.action for c in history] == ["restore", "retire"]
    assert history[0].detail == {"retired": [True, False]}


# --- The issue 12 fields survive edits that do not mention them -------------------------------


def test_an_entitys_tags_are_set_kept_through_other_edits_and_checked(db):
    def save(**fields):
        return edits.save_entity(
            db, editor_id=None, entity_id="lady-gaga", name="Lady Gaga", type_="person", **fields
        )

    save(tags=["singer", " rapper ", ""], seed=SEED)
    save(aliases=["Gaga", "Mother Monster"], seed=SEED)

    db.expire_all()
    entity = db.get(Entity, "lady-gaga")
    assert entity.tags == ["singer", "rapper"]
    assert entity.aliases == ["Gaga", "Mother Monster"]
    with pytest.raises(EditError) as refused:
        save(tags=["Pop Star"], seed=SEED)
    assert [(p.code, p.field) for p in refused.value.problems] == [("bad_tag", "tags")]


def test_a_templates_requirements_are_kept_through_other_edits_and_checked(db):
    fields = {
        "kind": "award_win",
        "style": "multiple_choice",
        "prompt": "Which act collected {award} at the {event}?",
        "answer_role": "winner",
    }
    saved = edits.save_template(
        db, editor_id=None, requires={"winner": ["person"]}, seed=SEED, **fields
    )
    edits.save_template(
        db,
        editor_id=None,
        template_id=saved.id,
        seed=SEED,
        **(fields | {"prompt": "Which act took home {award} at the {event}?"}),
    )

    db.expire_all()
    template = db.get(Template, saved.id)
    assert template.requires == {"winner": ["person"]}
    assert template.prompt.startswith("Which act took home")
    with pytest.raises(EditError) as refused:
        edits.save_template(
            db,
            editor_id=None,
            template_id=saved.id,
            requires={"champion": ["music-video"]},
            seed=SEED,
            **fields,
        )
    assert [p.code for p in refused.value.problems] == ["unknown_role"]


def test_a_facts_open_roles_are_kept_through_corrections_and_checked(db):
    fact = db.get(Fact, "vma-2011-well-wishers-beyonce-jay-z")

    def correct(**fields):
        return edits.save_fact(
            db,
            editor_id=None,
            fact_id=fact.id,
            kind=fact.kind,
            article_id=fact.article_id,
            roles=dict(fact.roles),
            evidence=fact.evidence,
            seed=SEED,
            **fields,
        )

    correct(open_roles=["congratulated"])
    correct()

    db.expire_all()
    assert db.get(Fact, fact.id).open_roles == ["congratulated"]
    with pytest.raises(EditError) as refused:
        correct(open_roles=["event"])
    assert [p.code for p in refused.value.problems] == ["open_not_many"]
