"""Tests for quizapp.workspace.articles, the articles workspace's lookups, without the app.

`game_session` is a session on a copy of the bundled bank with its questions (conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import select

from quizapp.bank.files import RoleSpec
from quizapp.models import Article, Fact, Question
from quizapp.workspace import articles, edits
from quizapp.workspace.articles import fold, search_entities
from quizapp.workspace.suggest import Category, EntityRef, Mention, Sentence, SentenceSuggestions

SEED = 2026
GALA = (
    "Gala Night\n\n"
    'Gaga performed with Queen Bey in a duet of "Paper Crowns" in 2019. '
    "Marisol Vantablack closed the show.\n"
)
DUET = 'Gaga performed with Queen Bey in a duet of "Paper Crowns" in 2019.'


def add_gala(session) -> str:
    """A short new article with one fact from its duet sentence; returns the article id."""
    article_id = edits.add_article(
        session,
        editor_id=None,
        title="Gala Night",
        date=dt.date(2026, 11, 20),
        source="Test News",
        text_=GALA,
        event_id="vma-2012",
    ).id
    edits.save_fact(
        session,
        editor_id=None,
        kind="performed_with",
        article_id=article_id,
        roles={"performer": "lady-gaga", "partner": "beyonce", "event": "vma-2012"},
        evidence=DUET,
        seed=SEED,
    )
    return article_id


# --- Folding and searching ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Beyoncé", "beyonce"),
        ("Jay-Z", "jay z"),
        ("Destiny's Child", "destinys child"),
        ("  Lady   GAGA ", "lady gaga"),
        ("Tyler, the Creator", "tyler the creator"),
    ],
)
def test_fold_ignores_case_accents_and_punctuation(a, b):
    assert fold(a) == fold(b) == b


def test_a_name_that_starts_with_the_query_comes_first(game_session):
    hits = search_entities(game_session, "k", ["person"])

    starts = [h.name for h in hits if h.name.lower().startswith("k")]
    assert [h.name for h in hits[: len(starts)]] == starts == sorted(starts)
    assert len(hits) > len(starts)  # then names with a word or alias starting with "k" ...


def test_a_match_by_alias_says_which_alias(game_session):
    [hit] = search_entities(game_session, "queen b", ["person"])

    assert (hit.id, hit.alias) == ("beyonce", "Queen Bey")
    assert hit.as_json() == {
        "id": "beyonce",
        "name": "Beyoncé",
        "type": "person",
        "alias": "Queen Bey",
        "value": "Beyoncé",  # what the fact form's field shows: the name picks her alone
    }


def test_search_finds_inside_names_and_keeps_to_the_types(game_session):
    inside = [h.id for h in search_entities(game_session, "gaga")]
    people = [h.id for h in search_entities(game_session, "gaga", ["person"])]

    assert inside[0] == "lady-gaga" and "lady-gagas-entourage" in inside
    assert people == ["lady-gaga"]


def test_search_returns_at_most_the_limit(game_session):
    assert len(search_entities(game_session, "", limit=5)) == 5
    assert len(search_entities(game_session, "a")) == articles.SEARCH_LIMIT


def test_the_entity_types_include_those_the_kinds_take(game_session):
    types = articles.entity_types(game_session)

    assert {"person", "group", "event", "song", "character", "outfit"} <= set(types)
    assert "text" not in types and "number" not in types


@pytest.mark.parametrize(
    ("role", "typed", "becomes"),
    [
        ("partner", "Queen Bey", "beyonce"),
        ("partner", "beyonce", "beyonce"),
        ("partner", "BEYONCE", "beyonce"),
        ("event", "2010 VMAs", "vma-2010"),
    ],
)
def test_names_become_ids(game_session, role, typed, becomes):
    kind = articles.fact_kinds(game_session)["performed_with"]

    values, problems = articles.resolve_entities(game_session, kind, {role: [typed]})

    assert values == {role: [becomes]} and problems == []


def test_a_name_nobody_has_is_kept_and_said_unknown(game_session):
    kind = articles.fact_kinds(game_session)["performed_with"]

    values, problems = articles.resolve_entities(game_session, kind, {"partner": ["nobody at all"]})

    assert values == {"partner": ["nobody at all"]}
    assert [(p.code, p.field) for p in problems] == [("unknown_entity", "partner")]


def test_a_name_of_several_entities_asks_which(game_session):
    kind = articles.fact_kinds(game_session)["award_win"]  # work: song or album

    values, problems = articles.resolve_entities(game_session, kind, {"work": ["Born This Way"]})

    assert values == {"work": ["Born This Way"]}
    assert [str(p) for p in problems] == [
        "work: 'Born This Way' could be born-this-way (album), born-this-way-song (song); pick one"
    ]
    assert [(p.code, p.field) for p in problems] == [("ambiguous_name", "work")]


# --- Kinds ----------------------------------------------------------------------------------------


def test_the_kinds_are_read_as_the_loader_reads_them(game_session):
    kinds = articles.fact_kinds(game_session)

    caught = kinds["caught"].roles
    assert caught["catchers"] == RoleSpec(type="person", many=True)
    assert kinds["award_win"].roles["work"].optional
    assert kinds["edition"].roles["edition"].literal == "number"


@pytest.mark.parametrize(
    ("spec", "hint"),
    [
        (RoleSpec(type=["person", "group"]), "a person or group"),
        (RoleSpec(type="event", optional=True), "an event (optional)"),
        (RoleSpec(type="person", many=True), "one or more: person"),
        (RoleSpec(type="number"), "a whole number"),
        (RoleSpec(type="text", optional=True), "a short text (optional)"),
    ],
)
def test_role_hints_say_what_a_role_takes(spec, hint):
    assert articles.role_hint(spec) == hint


# --- The article list -----------------------------------------------------------------------------


def test_the_list_counts_facts_in_use_and_questions(game_session):
    article_id = add_gala(game_session)
    facts_2010 = game_session.exec(
        select(func.count()).select_from(Fact).where(Fact.article_id == "vma-2010-gaga-triumph")
    ).one()

    listing = {a.id: a for a in articles.list_articles(game_session)}

    assert list(listing)[0] == article_id  # newest first
    gala = listing[article_id]
    assert (gala.title, gala.event, gala.source, gala.facts) == (
        "Gala Night",
        "2012 MTV Video Music Awards",
        "Test News",
        1,
    )
    assert (
        gala.questions
        == game_session.exec(
            select(func.count()).select_from(Question).where(Question.article_id == article_id)
        ).one()
        > 0
    )
    assert listing["vma-2010-gaga-triumph"].facts == facts_2010


def test_a_retired_fact_is_not_counted(game_session):
    article_id = add_gala(game_session)
    fact_id = game_session.exec(select(Fact.id).where(Fact.article_id == article_id)).one()
    edits.retire_fact(game_session, editor_id=None, fact_id=fact_id, seed=SEED)

    gala = next(a for a in articles.list_articles(game_session) if a.id == article_id)

    assert (gala.facts, gala.questions) == (0, 0)


# --- The article page -----------------------------------------------------------------------------


def test_the_layout_puts_each_fact_under_its_sentence(game_session):
    article_id = add_gala(game_session)

    layout = articles.article_layout(game_session, game_session.get(Article, article_id))

    assert [s.text for s in layout.sentences] == [
        "Gala Night",
        DUET,
        "Marisol Vantablack closed the show.",
    ]
    headline, duet, closing = layout.sentences
    assert [f.kind for f in duet.facts] == ["performed_with"] and not closing.facts
    assert duet.evidence and not headline.evidence
    assert duet.facts[0].roles[0].names == ("Lady Gaga",)
    assert (layout.event, layout.facts) == ("2012 MTV Video Music Awards", 1)
    assert layout.questions == duet.facts[0].questions > 0
    for sentence in layout.sentences:
        assert "".join(p.text for p in sentence.pieces) == sentence.text
    assert all(p.evidence for p in duet.pieces)
    marked = {(p.text, p.mention.category) for p in duet.pieces if p.mention}
    assert marked == {
        ("Gaga", Category.KNOWN),
        ("Queen Bey", Category.KNOWN),
        ("Paper Crowns", Category.TITLE),
        ("2019", Category.YEAR),
    }
    assert [p.text for p in closing.pieces if p.mention] == ["Marisol Vantablack"]


def test_the_layout_lists_facts_in_the_bundled_articles(game_session):
    article = game_session.get(Article, "vma-2010-gaga-triumph")
    facts = game_session.exec(select(Fact).where(Fact.article_id == article.id)).all()

    layout = articles.article_layout(game_session, article)

    placed = [f.id for s in layout.sentences for f in s.facts]
    assert sorted(placed) == sorted(f.id for f in facts) and not layout.unplaced
    for sentence in layout.sentences:
        for fact in sentence.facts:
            assert fact.evidence.startswith(sentence.text[:20]) or sentence.text in fact.evidence


def test_evidence_splitting_a_mention_labels_it_once():
    text = "Lady Gaga won."
    mention = Mention(
        Category.KNOWN, "Lady Gaga", 0, 9, EntityRef("lady-gaga", "Lady Gaga", "person")
    )
    item = SentenceSuggestions(Sentence(text, 0, len(text)), (mention,))

    pieces = articles.sentence_pieces(text, item, [(5, 14)])

    assert [(p.text, p.evidence, p.label) for p in pieces] == [
        ("Lady ", False, False),
        ("Gaga", True, True),
        (" won.", True, False),
    ]
    assert pieces[0].category_label == "known entity" and pieces[2].category_label == ""


def test_suggested_entities_come_once_with_their_alternatives():
    album = EntityRef("born-this-way", "Born This Way", "album")
    song = EntityRef("born-this-way-song", "Born This Way", "song")
    gaga = EntityRef("lady-gaga", "Lady Gaga", "person")
    mentions = [
        Mention(Category.KNOWN, "Gaga", 0, 4, gaga),
        Mention(Category.KNOWN, "Born This Way", 10, 23, album, (song,)),
        Mention(Category.KNOWN, "Lady Gaga", 30, 39, gaga),
        Mention(Category.NEW_NAME, "Marisol", 40, 47),
        Mention(Category.TITLE, "Paper Crowns", 50, 62),
        Mention(Category.TITLE, "Paper Crowns", 70, 82),
    ]

    assert articles.suggested_entities(mentions) == [gaga, album, song]
    assert [m.text for m in articles.new_names(mentions)] == ["Marisol", "Paper Crowns"]


# --- History --------------------------------------------------------------------------------------


def test_a_correction_is_described_role_by_role(game_session):
    article_id = add_gala(game_session)
    fact_id = game_session.exec(select(Fact.id).where(Fact.article_id == article_id)).one()
    edits.save_fact(
        game_session,
        editor_id=None,
        kind="performed_with",
        article_id=article_id,
        roles={"performer": "lady-gaga", "partner": "adele", "event": "vma-2012"},
        evidence=DUET,
        fact_id=fact_id,
        seed=SEED,
    )

    update, create = articles.record_history(game_session, subject="fact", subject_id=fact_id)

    # Entities by name: an editor reads names, not ids.
    assert (update.action, update.changes) == ("update", ("roles.partner: Beyoncé → Adele",))
    assert create.action == "create" and "roles.partner: Beyoncé" in create.changes
    assert not any(line.startswith(("id:", "retired:")) for line in create.changes)
    assert update.editor == "no editor (a script)"


@pytest.mark.parametrize(
    ("detail", "lines"),
    [
        ({"retired": [False, True]}, ["retired: False → True"]),
        ({"roles": [{"a": "x"}, {"b": ["y", "z"]}]}, ["roles.a: x removed", "roles.b: y, z"]),
        ({"title": "Gala"}, ["title: Gala"]),
    ],
)
def test_describe_change(detail, lines):
    assert articles.describe_change(detail) == lines


def test_a_long_value_is_cut_short():
    [line] = articles.describe_change({"evidence": [None, "word " * 40]})

    assert line.startswith("evidence: “word word") and line.endswith("…")
    assert len(line) == len("evidence: ") + 90
