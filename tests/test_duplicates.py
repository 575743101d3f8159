"""Duplicate facts are refused, by the loader and the workspace alike, naming the fact they
repeat; a band member in two positions is one fact (kinds.yaml's ``same_fact``)."""

import pytest
from sqlmodel import Session, select

from quizapp.bank.files import BankError, read_bank
from quizapp.models import Fact, Question
from quizapp.workspace import edits
from quizapp.workspace.edits import EditError
from tests.factories import EDITOR_PASSWORD, make_editor, write_bank

SEED = 2026
BACKSTAGE = "vma-2011-backstage"
MAY = "brian-may-queen-guitarist"  # band_member: brian-may, queen, "guitarist"


@pytest.fixture
def app(bundled_app):
    return bundled_app


@pytest.fixture
def db(game_session: Session) -> Session:
    return game_session


def save_copy(db: Session, fact_id: str, **changes):
    fact = db.get(Fact, fact_id)
    roles = dict(fact.roles) | changes.pop("roles", {})
    return edits.save_fact(
        db,
        editor_id=None,
        kind=fact.kind,
        article_id=fact.article_id,
        roles=roles,
        evidence=changes.pop("evidence", fact.evidence),
        seed=SEED,
    )


def test_an_exact_copy_of_a_fact_is_refused_and_names_it(db):
    facts = len(db.exec(select(Fact)).all())
    questions = len(db.exec(select(Question)).all())

    with pytest.raises(EditError) as raised:
        save_copy(db, "vma-2010-video-of-the-year")

    [problem] = raised.value.problems
    assert problem.code == "duplicate_fact" and problem.hint == "vma-2010-video-of-the-year"
    assert "repeats fact vma-2010-video-of-the-year" in str(problem)
    db.expire_all()
    assert len(db.exec(select(Fact)).all()) == facts
    assert len(db.exec(select(Question)).all()) == questions


def test_a_text_role_is_compared_folded(db):
    with pytest.raises(EditError, match=f"repeats fact {MAY}"):
        save_copy(db, MAY, roles={"position": "  GUITARIST "})


def test_a_band_member_in_a_second_position_is_pointed_to_the_first_fact(db):
    with pytest.raises(EditError) as raised:
        save_copy(db, MAY, roles={"position": "backing singer"})

    [problem] = raised.value.problems
    assert problem.hint == MAY
    assert "with the same member and band are one fact" in problem.message
    assert f"put this one's position in {MAY} instead" in problem.message


def test_one_fact_holds_both_positions_and_its_questions_say_so(db):
    fact = db.get(Fact, MAY)
    edits.save_fact(
        db,
        editor_id=None,
        kind=fact.kind,
        article_id=BACKSTAGE,
        roles=dict(fact.roles, position="guitarist and songwriter"),
        evidence=fact.evidence,
        fact_id=MAY,
        seed=SEED,
    )

    prompts = {q.prompt for q in db.exec(select(Question).where(Question.fact_id == MAY))}
    assert "Who is the guitarist and songwriter of Queen?" in prompts


def test_a_retired_fact_does_not_count(db):
    edits.retire_fact(db, editor_id=None, fact_id=MAY, seed=SEED)

    saved = save_copy(db, MAY)

    assert saved.id != MAY and saved.questions > 0


def test_the_loader_refuses_a_duplicate_in_the_files(tmp_path, small_bank):
    copy = dict(next(f for f in small_bank["facts"] if f["id"] == "f-caught"), id="f-caught-2")
    copy["roles"] = dict(copy["roles"], catchers=copy["roles"]["catchers"][::-1])
    small_bank["facts"].append(copy)

    with pytest.raises(BankError) as raised:
        read_bank(write_bank(tmp_path / "bank", small_bank))

    [problem] = raised.value.problems
    assert problem.code == "duplicate_fact" and problem.hint == "f-caught"
    assert str(problem).startswith("facts/all.yaml:")
    assert "repeats fact f-caught (facts/all.yaml:" in str(problem)


def test_the_loader_refuses_same_fact_naming_no_role(tmp_path, small_bank):
    small_bank["kinds"]["caught"]["same_fact"] = ["caught", "catcherz"]

    with pytest.raises(BankError, match="lists 'catcherz', which is no role of this kind"):
        read_bank(write_bank(tmp_path / "bank", small_bank))


def test_the_fact_form_links_the_fact_it_repeats(game_session, editor_auth, faker):
    make_editor(game_session, faker, name="Ed")
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    fact = game_session.get(Fact, MAY)
    response = editor_auth.post(
        f"/editor/articles/{BACKSTAGE}/facts/new",
        kind="band_member",
        **{"role-member": "brian-may", "role-band": "queen", "role-position": "singer"},
        evidence=fact.evidence,
        action="save",
    )

    assert response.status_code == 400
    assert f'href="/editor/articles/{BACKSTAGE}/facts/{MAY}"' in response.text
