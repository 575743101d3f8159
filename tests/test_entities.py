"""Entities edited and merged, articles edited, events made with their facts (issue 14):
quizapp.workspace.edits and quizapp.workspace.articles, without the app.

Each test works on its own copy of the bundled bank with its questions and quizzes
(`game_session`).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.bank.files import check_bank
from quizapp.bank.sync import bank_from_db, kinds_from_db
from quizapp.models import Article, Change, Entity, Fact, Question, QuizItem
from quizapp.workspace import articles, edits, review
from quizapp.workspace.edits import EditError, NewEvent

SEED = 2026
GALA = (
    "Pop Gala: Gaga's big hat\n\n"
    "At the 2026 Pop Gala, Beyonce presented Mother Monster with the Best Hat award. "
    "The 3rd Pop Gala was held at the Seaside Arena in front of 4,000 fans.\n"
)
HAT = "At the 2026 Pop Gala, Beyonce presented Mother Monster with the Best Hat award."


def count(db: Session, model, *where) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def entity(db: Session, name: str, type_: str = "person", **fields) -> str:
    return edits.save_entity(db, editor_id=None, name=name, type_=type_, seed=SEED, **fields).id


def add_gala(db: Session, **fields) -> str:
    values = {
        "title": "Pop Gala: Gaga's big hat",
        "date": dt.date(2026, 11, 20),
        "source": "Test News",
        "text_": GALA,
        "seed": SEED,
    }
    return edits.add_article(db, editor_id=None, **(values | fields)).id


def problems(refused: pytest.ExceptionInfo[EditError]) -> str:
    return " | ".join(str(p) for p in refused.value.problems)


# --- Editing an entity ----------------------------------------------------------------------------


def test_an_edited_entity_keeps_its_id_and_its_questions_use_the_new_name(game_session):
    db = game_session
    before = db.exec(select(Question.prompt).where(Question.fact_id.like("%"))).all()
    assert any("Cher" in p for p in before)

    saved = edits.edit_entity(
        db,
        editor_id=None,
        entity_id="cher",
        name="Cherilyn Sarkisian",
        type_="person",
        aliases=["Cher", " ", "cher", "Cherilyn Sarkisian"],
        tags=["singer", ""],
        seed=SEED,
    )

    db.expire_all()
    cher = db.get(Entity, "cher")
    assert saved.id == "cher" and cher.name == "Cherilyn Sarkisian"
    assert cher.aliases == ["Cher"] and cher.tags == ["singer"]  # blanks, repeats, the name go
    assert db.get(Fact, "vma-2010-gaga-arm-in-arm-with-cher").roles["companion"] == "cher"
    prompts = db.exec(select(Question.prompt)).all()
    assert any("Cherilyn Sarkisian" in p for p in prompts)
    change = db.exec(select(Change).where(Change.subject_id == "cher")).one()
    assert change.action == "update" and change.detail["name"] == ["Cher", "Cherilyn Sarkisian"]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": "Beyoncé"}, "name: 'Beyoncé' is the name of beyonce (person); if they are"),
        ({"aliases": ["Adele"]}, "aliases: 'Adele' is the name of adele (person)"),
        ({"type_": "song"}, "fact vma-2010-gaga-arm-in-arm-with-cher: roles.companion: cher is a"),
        ({"name": " "}, "name: give the entity's name"),
    ],
)
def test_an_entity_edit_that_would_break_the_bank_is_refused(game_session, fields, says):
    db = game_session
    changes = count(db, Change)
    values = {"name": "Cher", "type_": "person", "aliases": [], "tags": []} | fields

    with pytest.raises(EditError) as refused:
        edits.edit_entity(db, editor_id=None, entity_id="cher", seed=SEED, **values)

    assert says in problems(refused)
    assert count(db, Change) == changes and db.get(Entity, "cher").name == "Cher"


def test_the_surname_is_offered_as_an_alias_only_when_nobody_else_has_it(game_session):
    db = game_session
    marisol = db.get(Entity, entity(db, "Marisol Vantablack"))

    assert articles.offered_aliases(db, marisol) == ["Vantablack"]

    dora = db.get(Entity, entity(db, "Dora Vantablack"))
    db.expire_all()
    assert articles.offered_aliases(db, marisol) == []
    assert articles.offered_aliases(db, dora) == []
    gaga = db.get(Entity, "lady-gaga")
    assert "Gaga" not in articles.offered_aliases(db, gaga)  # an alias already


def test_a_new_name_is_offered_its_surname_when_nobody_else_has_it(game_session):
    offered = articles.new_name_aliases(
        game_session,
        [
            ("Marisol Vantablack", "person"),
            ("Dora Quill", "person"),
            ("Rex Quill", "person"),  # shares "Quill" with Dora: neither gets it
            ("Anna May", "person"),  # "May" is Brian May's surname
            ("Paper Crowns", "song"),  # a title has no surname
        ],
    )

    assert offered == {"Marisol Vantablack": ["Vantablack"]}


# --- Merging two entities -------------------------------------------------------------------------


def test_a_merge_moves_facts_names_and_events_to_the_kept_entity(game_session):
    db = game_session
    article_id = add_gala(db)
    dup = entity(db, "Mother Monster", aliases=["Queen Bey", "Mama Monster"])
    award = entity(db, "Best Hat", "award")
    gala = entity(db, "2026 Pop Gala", "event")
    fact = edits.save_fact(
        db,
        editor_id=None,
        kind="award_win",
        article_id=article_id,
        roles={"winner": dup, "award": award, "event": gala},
        evidence=HAT,
        seed=SEED,
    ).id
    frozen = [i.model_dump() for i in db.exec(select(QuizItem).order_by(QuizItem.quiz_id))]
    assert frozen

    merged = edits.merge_entities(db, editor_id=None, keep_id="lady-gaga", merged_id=dup, seed=SEED)

    db.expire_all()
    assert db.get(Entity, dup) is None
    assert db.get(Fact, fact).roles["winner"] == "lady-gaga"
    gaga = db.get(Entity, "lady-gaga")
    assert gaga.aliases == ["Gaga", "Stefani Germanotta", "Mother Monster", "Mama Monster"]
    assert merged.left_out == {"Queen Bey": "beyonce"}  # Beyoncé's alias: not taken
    assert merged.facts == (fact,)
    assert any(
        "Lady Gaga" in q.solution for q in db.exec(select(Question).where(Question.fact_id == fact))
    )
    # Played (and unplayed) quizzes' frozen copies are untouched.
    assert [i.model_dump() for i in db.exec(select(QuizItem).order_by(QuizItem.quiz_id))] == frozen
    kept = articles.record_history(db, subject="entity", subject_id="lady-gaga")
    gone = articles.record_history(db, subject="entity", subject_id=dup)
    assert (
        kept[0].action == "merge" and "merged: “Mother Monster (mother-monster)”" in kept[0].changes
    )
    assert "left out: “Queen Bey (also beyonce)”" in kept[0].changes
    assert gone[0].action == "merged" and "into: “Lady Gaga (lady-gaga)”" in gone[0].changes
    assert articles.merged_into(db, dup) == "lady-gaga"
    moved = articles.record_history(db, subject="fact", subject_id=fact)
    assert moved[0].action == "merge"
    # The merged entity is gone: its id stands for it.
    assert "roles.winner: mother-monster → “Lady Gaga”" in moved[0].changes
    assert check_bank(bank_from_db(db)) == []


def test_a_merge_moves_an_articles_event(game_session):
    db = game_session
    dup = entity(db, "VMA 2010 show", "event")
    edits.edit_article(
        db,
        editor_id=None,
        article_id="vma-2011-backstage",
        event_id=dup,
        seed=SEED,
        **_article_fields(db, "vma-2011-backstage"),
    )

    edits.merge_entities(db, editor_id=None, keep_id="vma-2011", merged_id=dup, seed=SEED)

    db.expire_all()
    assert db.get(Article, "vma-2011-backstage").event_id == "vma-2011"
    assert "VMA 2010 show" in db.get(Entity, "vma-2011").aliases


def test_a_merge_that_would_name_one_entity_twice_in_a_role_is_refused(game_session):
    db = game_session
    changes = count(db, Change)

    with pytest.raises(EditError) as refused:
        edits.merge_entities(
            db, editor_id=None, keep_id="kanye-west", merged_id="kid-cudi", seed=SEED
        )

    said = problems(refused)
    assert "fact vma-2011-tyler-caught names both in its role 'catchers'" in said
    assert "it would name Kanye West twice" in said
    assert db.get(Entity, "kid-cudi") is not None and count(db, Change) == changes


def test_a_merge_that_would_make_two_facts_the_same_is_refused(game_session):
    db = game_session
    dup = entity(db, "Mother Monster")
    original = db.get(Fact, "vma-2010-gaga-arm-in-arm-with-cher")
    copy = edits.save_fact(
        db,
        editor_id=None,
        kind=original.kind,
        article_id=original.article_id,
        roles=dict(original.roles) | {"people": [dup]},
        evidence=original.evidence,
        seed=SEED,
    ).id

    with pytest.raises(EditError) as refused:
        edits.merge_entities(db, editor_id=None, keep_id="lady-gaga", merged_id=dup, seed=SEED)

    assert (
        f"fact {copy} would become the same as fact vma-2010-gaga-arm-in-arm-with-cher"
        in problems(refused)
    )
    assert db.get(Entity, dup) is not None


def test_an_entity_cannot_be_merged_into_itself(game_session):
    with pytest.raises(EditError, match="pick another entity"):
        edits.merge_entities(
            game_session, editor_id=None, keep_id="cher", merged_id="cher", seed=SEED
        )


# --- Editing an article ---------------------------------------------------------------------------


def _article_fields(db: Session, article_id: str) -> dict:
    article = db.get(Article, article_id)
    return {
        "title": article.title,
        "date": article.date,
        "source": article.source,
        "text_": article.text,
        "url": article.url,
    }


def test_an_article_is_edited_and_its_facts_still_quote_it(game_session):
    db = game_session
    fields = _article_fields(db, "vma-2010-gaga-triumph")
    text = fields["text_"] + "\r\nA line added later.\r\n"

    saved = edits.edit_article(
        db,
        editor_id=None,
        article_id="vma-2010-gaga-triumph",
        **(fields | {"title": "Gaga's night", "text_": text, "date": dt.date(2010, 9, 14)}),
        event_id="vma-2010",
        seed=SEED,
    )

    db.expire_all()
    article = db.get(Article, saved.id)
    assert (article.title, article.date) == ("Gaga's night", dt.date(2010, 9, 14))
    assert article.text.endswith("\nA line added later.\n") and "\r" not in article.text
    lines = articles.record_history(db, subject="article", subject_id=saved.id)[0].changes
    assert "title: “Lady Gaga's VMA Triumph, Behind The Scenes” → “Gaga's night”" in lines
    assert any(line.startswith("text: “edited (") for line in lines)


def test_an_article_edit_that_would_orphan_evidence_names_each_fact(game_session):
    db = game_session
    fields = _article_fields(db, "vma-2010-gaga-triumph")
    cut = db.get(Fact, "vma-2010-gaga-wore-meat-dress").evidence
    text = fields["text_"].replace(cut, "She wore a dress.")
    changes = count(db, Change)

    with pytest.raises(EditError) as refused:
        edits.edit_article(
            db,
            editor_id=None,
            article_id="vma-2010-gaga-triumph",
            **(fields | {"text_": text}),
            event_id="vma-2010",
            seed=SEED,
        )

    said = problems(refused)
    assert (
        f"text: the new text drops the evidence of fact vma-2010-gaga-wore-meat-dress: “{cut}”"
        in said
    )
    assert all(p.field == "text" for p in refused.value.problems)
    assert count(db, Change) == changes
    assert db.get(Article, "vma-2010-gaga-triumph").text == fields["text_"]


# --- Events ---------------------------------------------------------------------------------------


def test_a_new_event_comes_with_its_edition_and_venue_facts(game_session):
    db = game_session
    new = NewEvent("Pop Gala", year=2026, edition=3, venue="Seaside Arena")

    article_id = add_gala(db, new_event=new)

    db.expire_all()
    article = db.get(Article, article_id)
    event = db.get(Entity, article.event_id)
    assert (event.id, event.name, event.type) == ("2026-pop-gala", "2026 Pop Gala", "event")
    assert event.aliases == ["Pop Gala 2026"]
    venue = db.get(Entity, "seaside-arena")
    assert venue.type == "venue"
    facts = {f.kind: f for f in db.exec(select(Fact).where(Fact.article_id == article_id))}
    evidence = "The 3rd Pop Gala was held at the Seaside Arena in front of 4,000 fans."
    assert facts["edition"].roles == {"event": "2026-pop-gala", "edition": 3}
    assert facts["held_at"].roles == {"event": "2026-pop-gala", "venue": "seaside-arena"}
    assert facts["edition"].evidence == facts["held_at"].evidence == evidence
    # One line in the article's history, however many things the event brought.
    (created,) = articles.record_history(db, subject="article", subject_id=article_id)
    made = [line for line in created.changes if line.startswith("new event:")]
    assert len(made) == 1
    assert made[0].startswith("new event: “event: 2026 Pop Gala (2026-pop-gala); edition: fact ")
    assert count(db, Question, Question.fact_id == facts["held_at"].id) > 0
    # Like every fact saved in the workspace, they wait for an editor's review.
    assert not facts["edition"].reviewed and not facts["held_at"].reviewed
    listed = {change.id for group in review.pending_review(db) for change in group.changes}
    assert {facts["edition"].id, facts["held_at"].id} <= listed


def test_a_new_event_makes_no_fact_the_article_does_not_state(game_session):
    db = game_session
    new = NewEvent("Pop Gala 2026", year=2026, edition=12, venue="Los Angeles")

    article_id = add_gala(db, new_event=new)

    db.expire_all()
    assert db.get(Article, article_id).event_id == "pop-gala-2026"  # the year already in it
    assert count(db, Fact, Fact.article_id == article_id) == 0
    detail = db.exec(select(Change).where(Change.subject_id == article_id)).one().detail
    assert detail["new event"] == (
        "event: Pop Gala 2026 (pop-gala-2026); edition: no fact: no sentence says 12th; "
        "held_in: no fact: no sentence names Los Angeles"
    )


def test_a_new_event_must_be_new_and_alone(game_session):
    db = game_session
    with pytest.raises(EditError, match="already the entity vma-2010: pick it from the list"):
        add_gala(db, new_event=NewEvent("2010 VMAs"))
    with pytest.raises(EditError, match="not both"):
        add_gala(db, new_event=NewEvent("Pop Gala"), event_id="vma-2010")
    assert count(db, Article, Article.title == "Pop Gala: Gaga's big hat") == 0


# --- The fact form's helpers ----------------------------------------------------------------------


def test_an_unknown_name_in_a_role_gets_a_did_you_mean(game_session):
    kind = kinds_from_db(game_session)["performed_with"]

    values, found = articles.resolve_entities(
        game_session,
        kind,
        {"performer": ["Lady Gagga"], "partner": ["Nobody At All", ""], "event": ["Cher"]},
    )

    said = [str(p) for p in found]
    assert said[0] == "performer: unknown entity (did you mean 'Lady Gaga'?) (got 'Lady Gagga')"
    assert found[0].hint == "lady-gaga"
    assert said[1].startswith("partner: unknown entity: no person or group goes by that name")
    assert said[2] == "event: Cher is a person, but this role takes event"  # by name, not id
    assert len(found) == 3  # an empty field (an optional role, "+ another") is no problem


def test_the_closest_passage_is_cut_on_word_boundaries(game_session):
    bank = bank_from_db(game_session)
    fact = bank.facts["vma-2010-gaga-wore-meat-dress"]
    bank.facts[fact.id] = fact.model_copy(update={"evidence": fact.evidence[5:-7] + " xyz"})

    (problem,) = check_bank(bank)

    passage = problem.hint
    assert passage and passage in bank.articles[fact.article].text
    text = bank.articles[fact.article].text
    start = text.index(passage)
    end = start + len(passage)
    assert start == 0 or not text[start - 1].isalnum()
    assert end == len(text) or not text[end].isalnum()


def test_the_form_shows_names_that_pick_one_entity_and_ids_for_the_rest(game_session):
    song = entity(game_session, "Strong Enough", "song", aliases=["Cher"])  # "Cher" is two
    people = articles.entities_of_types(game_session, ["person", "song"])

    shown = articles.shown_forms(people)

    assert shown["lady-gaga"] == "Lady Gaga" and shown[song] == "Strong Enough"
    assert shown["cher"] == "cher"
    # The fact form reads the same from counts made in one pass, for any role's types.
    counts = articles.FormCounts.of(game_session)
    assert counts.shown_form("cher", "Cher", ["person", "song"]) == "cher"
    assert counts.shown_form("cher", "Cher", ["person"]) == "Cher"  # the song is not a person
