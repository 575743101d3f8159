"""Tests for quizapp.workspace.accept: proposals accepted, dismissed and left out, without the app.

The proposals are built by hand in the shape quizapp.workspace.proposals gives, so these tests
do not depend on how the proposer reads an article.
"""

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.bank.sync import kinds_from_db
from quizapp.models import Article, Change, Entity, Fact, ProposalDismissal, Question
from quizapp.workspace import accept, edits
from quizapp.workspace.accept import AcceptError
from quizapp.workspace.proposals import Filler, NewEntity, Proposal

SEED = 2026
TEXT = (
    "Nova Awards 2026\n\n"
    "At the 2010 MTV VMAs, Lady Gaga won Best Glitter Cape for Bad Romance.\n"
    "Later, Mira Solenne won Best Glitter Cape at the 2011 VMAs.\n"
)


@pytest.fixture
def db(game_session: Session) -> Session:
    return game_session


@pytest.fixture
def article_id(db: Session) -> str:
    return edits.add_article(
        db,
        editor_id=None,
        title="Nova Awards recap",
        date=dt.date(2026, 11, 20),
        source="Test News",
        text_=TEXT,
    ).id


def count(db: Session, model, *where) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def cape_win(winner: Filler | None = None, evidence: str | None = None, **roles) -> Proposal:
    """Lady Gaga (or ``winner``) won the new award "Best Glitter Cape" at the 2010 VMAs."""
    evidence = evidence or "At the 2010 MTV VMAs, Lady Gaga won Best Glitter Cape for Bad Romance."
    filled = {
        "winner": (winner or Filler("Lady Gaga", entity_id="lady-gaga"),),
        "award": (Filler("Best Glitter Cape", new_type="award"),),
        "event": (Filler("2010 MTV VMAs", entity_id="vma-2010"),),
        "work": (Filler("Bad Romance", entity_id="bad-romance"),),
    }
    filled.update(roles)
    return Proposal(
        kind="award_win",
        roles={k: v for k, v in filled.items() if v},
        evidence=evidence,
        start=TEXT.index(evidence),
        confidence=0.9,
        new_entities=(NewEntity("Best Glitter Cape", "award"),),
    )


def mira_win(event: str = "vma-2011") -> Proposal:
    evidence = "Later, Mira Solenne won Best Glitter Cape at the 2011 VMAs."
    return Proposal(
        kind="award_win",
        roles={
            "winner": (Filler("Mira Solenne", new_type="person"),),
            "award": (Filler("Best Glitter Cape", new_type="award"),),
            "event": (Filler("2011 VMAs", entity_id=event),),
        },
        evidence=evidence,
        start=TEXT.index(evidence),
        confidence=0.8,
        new_entities=(NewEntity("Mira Solenne", "person"), NewEntity("Best Glitter Cape", "award")),
    )


def test_accepting_creates_the_new_entity_and_the_fact_in_one_change(db, article_id):
    changes_before = count(db, Change)

    accepted = accept.accept_proposal(
        db, editor_id=None, article_id=article_id, proposal=cape_win(), seed=SEED
    )

    award = db.get(Entity, "best-glitter-cape")
    assert (award.name, award.type) == ("Best Glitter Cape", "award")
    fact = db.get(Fact, accepted.facts[0])
    assert fact.kind == "award_win" and fact.article_id == article_id
    assert fact.roles == {
        "winner": "lady-gaga",
        "award": "best-glitter-cape",
        "event": "vma-2010",
        "work": "bad-romance",
    }
    assert accepted.entities == ("best-glitter-cape",)
    assert accepted.questions == count(db, Question, Question.fact_id == fact.id) > 0
    # One row per record created, so each one's history begins with its creation.
    rows = db.exec(select(Change).order_by(Change.id)).all()[changes_before:]
    assert sorted((c.subject, c.subject_id, c.action) for c in rows) == [
        ("entity", "best-glitter-cape", "create"),
        ("fact", fact.id, "create"),
    ]


def test_a_new_person_answers_to_the_surname_nobody_else_has(db, article_id):
    accept.accept_proposal(
        db, editor_id=None, article_id=article_id, proposal=mira_win(), seed=SEED
    )

    # As the new entity form offers it: the article's later "Solenne" is then known.
    assert db.get(Entity, "mira-solenne").aliases == ["Solenne"]
    assert db.get(Entity, "best-glitter-cape").aliases == []


def test_the_editor_may_change_a_new_entitys_type(db, article_id):
    proposal = mira_win()

    accept.accept_proposal(
        db,
        editor_id=None,
        article_id=article_id,
        proposal=proposal,
        seed=SEED,
        overrides={"Mira Solenne": "group"},
    )

    assert db.get(Entity, "mira-solenne").type == "group"


def test_a_type_the_role_cannot_take_is_refused_and_nothing_is_written(db, article_id):
    before = (count(db, Entity), count(db, Fact), count(db, Change))

    with pytest.raises(AcceptError) as caught:
        accept.accept_proposal(
            db,
            editor_id=None,
            article_id=article_id,
            proposal=mira_win(),
            seed=SEED,
            overrides={"Mira Solenne": "song"},
        )

    [problem] = caught.value.problems
    assert problem.code == "wrong_type" and problem.field == "winner"
    assert "'Mira Solenne' cannot be a song: a winner is a person or group" in str(problem)
    assert "proposal 1 (award_win)" in str(problem)
    assert (count(db, Entity), count(db, Fact), count(db, Change)) == before


def test_a_name_the_bank_has_by_now_is_used_not_made_twice(db, article_id):
    edits.save_entity(db, editor_id=None, name="Best Glitter Cape", type_="award", seed=SEED)
    entities = count(db, Entity)

    accepted = accept.accept_proposal(
        db, editor_id=None, article_id=article_id, proposal=cape_win(), seed=SEED
    )

    assert accepted.entities == ()
    assert count(db, Entity) == entities
    assert db.get(Fact, accepted.facts[0]).roles["award"] == "best-glitter-cape"


def test_a_name_the_bank_has_with_another_type_is_refused(db, article_id):
    edits.save_entity(db, editor_id=None, name="Best Glitter Cape", type_="person", seed=SEED)

    with pytest.raises(AcceptError) as caught:
        accept.accept_proposal(
            db, editor_id=None, article_id=article_id, proposal=cape_win(), seed=SEED
        )

    [problem] = caught.value.problems
    assert problem.code == "wrong_type"
    assert "already the entity best-glitter-cape, a person" in problem.message


def test_evidence_that_is_not_in_the_article_is_refused(db, article_id):
    proposal = cape_win()
    proposal = Proposal(
        proposal.kind, proposal.roles, "Lady Gaga won a cape.", 0, 0.9, proposal.new_entities
    )
    entities = count(db, Entity)

    with pytest.raises(AcceptError) as caught:
        accept.accept_proposal(
            db, editor_id=None, article_id=article_id, proposal=proposal, seed=SEED
        )

    assert [p.code for p in caught.value.problems] == ["evidence_not_in_article"]
    assert count(db, Entity) == entities


@pytest.mark.parametrize(
    ("proposal", "code", "field"),
    [
        (Proposal("won_prize", {}, "Later", 0, 0.5), "unknown_kind", "kind"),
        (
            cape_win(prize=(Filler("Best Glitter Cape", new_type="award"),)),
            "unknown_role",
            "prize",
        ),
        (cape_win(winner=Filler("Ghost", entity_id="no-such-person")), "unknown_entity", "winner"),
        (cape_win(event=()), "required", "event"),
        (
            cape_win(winner=Filler("Mira Solenne")),  # neither known nor given a type
            "unknown_entity",
            "winner",
        ),
    ],
)
def test_invalid_kinds_and_roles_are_refused(db, article_id, proposal, code, field):
    facts = count(db, Fact)

    with pytest.raises(AcceptError) as caught:
        accept.accept_proposal(
            db, editor_id=None, article_id=article_id, proposal=proposal, seed=SEED
        )

    assert [(p.code, p.field) for p in caught.value.problems] == [(code, field)]
    assert count(db, Fact) == facts


def test_accepting_a_fact_twice_is_refused_with_the_existing_one(db, article_id):
    first = accept.accept_proposal(
        db, editor_id=None, article_id=article_id, proposal=cape_win(), seed=SEED
    )

    with pytest.raises(AcceptError) as caught:
        accept.accept_proposal(
            db, editor_id=None, article_id=article_id, proposal=cape_win(), seed=SEED
        )

    [problem] = caught.value.problems
    assert problem.code == "duplicate_fact" and first.facts[0] in problem.message


def test_several_proposals_share_their_new_entities(db, article_id):
    accepted = accept.accept_proposals(
        db,
        editor_id=None,
        article_id=article_id,
        proposals=[cape_win(), mira_win()],
        seed=SEED,
    )

    assert len(accepted.facts) == 2
    assert sorted(accepted.entities) == ["best-glitter-cape", "mira-solenne"]
    winners = {db.get(Fact, f).roles["winner"] for f in accepted.facts}
    assert winners == {"lady-gaga", "mira-solenne"}
    assert {db.get(Fact, f).roles["award"] for f in accepted.facts} == {"best-glitter-cape"}


def test_several_proposals_are_all_or_nothing_and_problems_name_their_proposal(db, article_id):
    bad = mira_win()
    before = (count(db, Entity), count(db, Fact), count(db, Change))

    with pytest.raises(AcceptError) as caught:
        accept.accept_proposals(
            db,
            editor_id=None,
            article_id=article_id,
            proposals=[cape_win(), bad],
            seed=SEED,
            overrides={bad.key: {"Mira Solenne": "award"}},
        )

    assert list(caught.value.by_key) == [bad.key]
    assert "proposal 2 (award_win)" in str(caught.value.problems[0])
    assert (count(db, Entity), count(db, Fact), count(db, Change)) == before


def test_the_banks_own_check_is_blamed_on_the_proposal_it_is_about(db, article_id):
    # Two winners of one award at one show: the kind says the winner is unique given both.
    contradicting = mira_win(event="vma-2010")

    with pytest.raises(AcceptError) as caught:
        accept.accept_proposals(
            db,
            editor_id=None,
            article_id=article_id,
            proposals=[cape_win(), contradicting],
            seed=SEED,
        )

    assert list(caught.value.by_key) == [contradicting.key]
    [problem] = caught.value.problems
    assert str(problem).startswith("proposal 2 (award_win): roles.winner: contradicts fact")
    assert count(db, Entity, Entity.id == "mira-solenne") == 0


def test_nothing_selected_is_refused(db, article_id):
    with pytest.raises(AcceptError) as caught:
        accept.accept_proposals(db, editor_id=None, article_id=article_id, proposals=[], seed=1)

    assert caught.value.problems[0].code == "nothing_selected"


def test_dismissed_and_accepted_proposals_are_not_shown_again(db, article_id):
    kinds = kinds_from_db(db)
    cape, mira = cape_win(), mira_win()
    assert accept.pending(db, article_id, [cape, mira], kinds) == [cape, mira]

    assert accept.dismiss_proposal(db, editor_id=None, article_id=article_id, proposal=mira)
    assert not accept.dismiss_proposal(db, editor_id=None, article_id=article_id, proposal=mira)
    accept.accept_proposal(db, editor_id=None, article_id=article_id, proposal=cape, seed=SEED)

    assert accept.pending(db, article_id, [cape, mira], kinds) == []
    assert count(db, ProposalDismissal) == 1


def test_a_dismissal_belongs_to_its_article(db, article_id):
    other = edits.add_article(
        db,
        editor_id=None,
        title="Another recap",
        date=dt.date(2026, 11, 21),
        source="Test News",
        text_=TEXT,
    ).id
    mira = mira_win()

    accept.dismiss_proposal(db, editor_id=None, article_id=article_id, proposal=mira)

    assert accept.pending(db, other, [mira], kinds_from_db(db)) == [mira]


def test_a_proposal_a_recorded_fact_already_says_is_not_shown(db, article_id):
    # The bank has the win with its work; a proposal of the win without the work adds nothing.
    accept.accept_proposal(
        db, editor_id=None, article_id=article_id, proposal=cape_win(), seed=SEED
    )
    shorter = cape_win(work=())

    assert accept.pending(db, article_id, [shorter], kinds_from_db(db)) == []


def test_a_long_article_id_still_gives_every_fact_an_id_that_fits(db):
    long_id = edits.add_article(
        db,
        editor_id=None,
        title="A very long headline about the Nova Awards that goes on and on and on",
        date=dt.date(2026, 11, 22),
        source="Test News",
        text_=TEXT,
    ).id
    # Two facts of one kind whose ids share their first 80 characters.
    accepted = accept.accept_proposals(
        db,
        editor_id=None,
        article_id=long_id,
        proposals=[cape_win(), cape_win(work=())],
        seed=SEED,
    )

    assert len(accepted.facts) == 2 and all(len(f) <= 80 for f in accepted.facts)


def test_a_proposal_another_says_better_is_not_ticked(db, article_id):
    whole, shorter = cape_win(), cape_win(work=())
    shorter = Proposal(
        shorter.kind, shorter.roles, shorter.evidence, shorter.start, 0.95, shorter.new_entities
    )
    article = db.get(Article, article_id)

    views = accept.proposal_views(db, article, [shorter, whole])

    assert [(v.covered_by, v.high) for v in views] == [(2, False), (None, True)]
    assert views[1].statement == (
        "Lady Gaga won Best Glitter Cape at the 2010 MTV VMAs for the video “Bad Romance”."
    )
    assert views[1].sentence == 2 and views[1].new_values[0].types == ("award",)


def test_a_record_the_banks_shapes_refuse_is_a_problem_of_its_proposal(db, article_id):
    # A new name longer than any name may be (200 characters), as a runaway name spotter
    # might give: refused at the role, under its proposal, not as a bare validation error.
    long_name = "Best Glitter Cape " * 12
    proposal = cape_win(award=(Filler(long_name, new_type="award"),))
    entities = count(db, Entity)

    with pytest.raises(AcceptError) as caught:
        accept.accept_proposal(
            db, editor_id=None, article_id=article_id, proposal=proposal, seed=SEED
        )

    assert list(caught.value.by_key) == [proposal.key]
    [problem] = caught.value.problems
    assert problem.field == "award" and "200 characters" in problem.message
    assert str(problem).startswith("proposal 1 (award_win): award:")
    assert count(db, Entity) == entities
