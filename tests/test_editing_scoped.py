"""Saves that cost what they touch (quizapp.workspace.edits, quizapp.questions.live) make what
the whole bank's rebuild makes, after every edit of a long random sequence."""

import random
from collections import Counter

import pytest
from sqlmodel import Session, select

from quizapp.bank.sync import load_bank
from quizapp.core.database import make_engine
from quizapp.core.paths import resource_dir
from quizapp.models import Entity, Fact, FactKind, Template
from quizapp.questions.generation import generate, rebuild_questions, snapshot
from quizapp.workspace import edits
from quizapp.workspace.edits import EditError
from tests.conftest import create_tables
from tests.test_editing import question_rows

SEED = 2026
STEPS = 40


@pytest.fixture
def db(database_url: str):
    create_tables(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        load_bank(session, resource_dir("question_bank"))
        rebuild_questions(session, SEED)
        yield session
    engine.dispose()


def full_rebuild(db: Session) -> dict[str, dict]:
    """What a rebuild of the whole bank would store, made aside."""
    db.expire_all()
    return {d.id: d.as_row() for d in generate(snapshot(db), SEED)}


def entity_roles(db: Session, kind: str) -> dict[str, list[str]]:
    specs = db.get(FactKind, kind).roles
    return {r: s["types"] for r, s in specs.items() if s["types"][0] not in ("text", "number")}


def an_edit(db: Session, rng: random.Random) -> str:
    """Make one random edit as an editor could (some are refused: that is part of it)."""
    facts = db.exec(select(Fact).order_by(Fact.id)).all()
    live = [f for f in facts if not f.retired]
    retired = [f for f in facts if f.retired]
    entities = db.exec(select(Entity).order_by(Entity.id)).all()
    templates = db.exec(select(Template).order_by(Template.id)).all()
    action = rng.choice(["correct", "correct", "copy", "retire", "restore", "template"])
    if action == "restore" and retired:
        fact = rng.choice(retired)
        edits.restore_fact(db, editor_id=None, fact_id=fact.id, seed=SEED)
        return f"restore {fact.id}"
    if action == "retire" and len(live) > 10:
        fact = rng.choice(live)
        edits.retire_fact(db, editor_id=None, fact_id=fact.id, seed=SEED)
        return f"retire {fact.id}"
    if action == "template":
        template = rng.choice(templates)
        status = rng.choice(["draft", "published"])
        edits.save_template(
            db,
            editor_id=None,
            template_id=template.id,
            kind=template.kind,
            style=template.style,
            prompt=template.prompt,
            answer_role=template.answer_role,
            explanation=template.explanation,
            status=status,
            seed=SEED,
        )
        return f"template {template.id} {status}"
    # Correct a fact, or add a copy of it, with one entity role filled by another entity
    # of a fitting type: new wrong answers, new pools, new right answers for others.
    fact = rng.choice(live)
    roles = dict(fact.roles)
    choices = [
        (role, e.id)
        for role, types in entity_roles(db, fact.kind).items()
        if role in roles and not isinstance(roles[role], list)
        for e in entities
        if e.type in types and e.id != roles[role]
    ]
    if choices:
        role, entity_id = rng.choice(choices)
        roles[role] = entity_id
    edits.save_fact(
        db,
        editor_id=None,
        fact_id=fact.id if action == "correct" else None,
        kind=fact.kind,
        article_id=fact.article_id,
        roles=roles,
        evidence=fact.evidence,
        seed=SEED,
    )
    return f"{action} {fact.id}: {roles}"


@pytest.mark.parametrize("sequence", [1, 2])
def test_every_edit_of_a_random_sequence_leaves_what_a_full_rebuild_makes(db, sequence):
    rng = random.Random(sequence)
    done: list[str] = []
    refused = 0
    for _ in range(STEPS):
        try:
            done.append(an_edit(db, rng))
        except EditError:
            refused += 1  # a duplicate or a contradiction: nothing written
        assert question_rows(db) == full_rebuild(db), done[-3:]
    assert len(done) >= STEPS // 2 and any(d.startswith("correct") for d in done)


def test_a_retirement_or_a_same_correction_reaches_only_its_own_and_its_keys_questions(db):
    from quizapp.questions.generation import BankContext, FactInfo

    context = BankContext(snapshot(db))
    row = db.exec(select(Fact).where(Fact.kind == "award_win").order_by(Fact.id)).first()
    fact = FactInfo(row.id, row.kind, row.article_id, row.roles, row.evidence, ())
    own = {(t.id, fact.id) for t in context.templates_of([fact.kind])}

    retired = context.apply_fact(fact, fact, was_live=True, is_live=False)
    restored = context.apply_fact(fact, fact, was_live=False, is_live=True)
    same = context.apply_fact(fact, fact, was_live=True, is_live=True)

    # Only the fact's own questions and those of facts answering the same question: its
    # entities stay in every pool of wrong answers (a retired fact's too), and no count moves.
    for pairs in (retired, restored, same):
        assert own <= pairs
        sharers = {f for _, f in pairs - own}
        assert all(context.fact_kind[f] == fact.kind for f in sharers)
        assert len(pairs) < len(own) * 4


def test_the_live_preview_tries_a_big_kind_on_a_spread_sample_and_says_so(db, monkeypatch):
    from quizapp.questions import live
    from quizapp.questions.preview import TemplateDraft

    # The bundled bank's biggest kind, and a template of it as the draft.
    kinds = Counter(f.kind for f in db.exec(select(Fact).where(~Fact.retired)))
    kind, facts = kinds.most_common(1)[0]
    saved = db.exec(select(Template).where(Template.kind == kind)).first()
    draft = TemplateDraft(kind, saved.style, saved.prompt, saved.answer_role, saved.explanation)
    whole = live.preview(db, draft, seed=SEED)
    assert whole.sampled is None and facts > 2

    monkeypatch.setattr(live, "PREVIEW_FACTS", 2)
    sampled = live.preview(db, draft, seed=SEED)

    assert sampled.sampled == (2, facts)
    assert len(sampled.questions) <= 2
    # The same questions as on every fact, for the facts tried.
    assert {q.fact_id for q in sampled.questions} <= {q.fact_id for q in whole.questions}
    tried = {q.fact_id: q.prompt for q in sampled.questions}
    assert all(q.prompt == tried[q.fact_id] for q in whole.questions if q.fact_id in tried)


def test_a_context_kept_by_another_process_catches_up_with_its_saves(db, monkeypatch):
    # Two processes, each with its context of the same database, take turns serving edits:
    # each catches up with the other's saves from the change log instead of reading the
    # whole bank again, and every save still leaves what a full rebuild makes.
    from quizapp.questions import live

    url = live._database(db)
    kept = {}
    for process in ("a", "b"):
        live.forget(db)
        with live.context(db):
            pass
        kept[process] = live._KEPT[url]
    builds, caught_up = [], []
    build, catch_up = live.BankContext, live.catch_up
    monkeypatch.setattr(live, "BankContext", lambda bank: builds.append(1) or build(bank))
    monkeypatch.setattr(live, "catch_up", lambda *a: caught_up.append(1) or catch_up(*a))
    rng = random.Random(7)
    dropped = 0
    for _ in range(STEPS):
        process = rng.choice("ab")
        live._KEPT[url] = kept[process]
        try:
            an_edit(db, rng)
        except EditError:
            pass
        if url not in live._KEPT:  # a refused save that had changed it: read again
            dropped += 1
            with live.context(db):
                pass
        kept[process] = live._KEPT[url]
        assert question_rows(db) == full_rebuild(db)
    assert len(builds) == dropped
    assert len(caught_up) >= STEPS // 4
