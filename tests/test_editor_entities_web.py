"""Entities at /editor/entities (find, edit, merge), articles edited and events made from the
article form (issue 14), through the pages and forms.

The database starts as the bundled bank with its questions and quizzes; what a request wrote
is checked through a fresh session (the `session` fixture).
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from quizapp.models import Article, Change, Entity, Fact, Question, QuizItem
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.test_editor_articles_web import ARTICLES, GALA_TEXT, add_gala, count, send

ENTITIES = "/editor/entities"
MEAT_DRESS = "vma-2010-gaga-wore-meat-dress"


@pytest.fixture
def app(bundled_app):
    """The app on a copy of the bundled bank, its questions generated and quizzes built."""
    return bundled_app


@pytest.fixture
def editor(session, faker):
    return make_editor(session, faker, name="Ed")


@pytest.fixture
def as_editor(editor_auth, editor):
    """The test's client, logged in as the editor Ed."""
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


# --- The list -------------------------------------------------------------------------------------


def test_the_entity_list_finds_names_and_aliases(as_editor):
    page = as_editor.client.get(f"{ENTITIES}/?q=queen+bey").text

    assert (
        '<a href="/editor/entities/beyonce">Beyoncé</a> <span class="meta">as “Queen Bey”' in page
    )
    everyone = as_editor.client.get(f"{ENTITIES}/").text
    assert 'href="/editor/entities/lady-gaga">Lady Gaga</a>' in everyone
    events = as_editor.client.get(f"{ENTITIES}/?q=&type=event").text
    assert "2010 MTV Video Music Awards" in events and "Lady Gaga" not in events
    assert "No entity goes by “zzzz”" in as_editor.client.get(f"{ENTITIES}/?q=zzzz").text


def test_the_entity_pages_are_for_editors_only(client):
    response = client.get(f"{ENTITIES}/lady-gaga")

    assert response.status_code in (302, 401)
    assert "Lady Gaga" not in response.text


def test_the_nav_the_article_page_and_the_fact_lines_lead_to_entities(as_editor):
    page = as_editor.client.get(f"{ARTICLES}/vma-2010-gaga-triumph").text

    assert 'href="/editor/entities/"' in page
    facts = page.split('class="ea-facts"')[1]
    assert '<a href="/editor/entities/cher">Cher</a>' in facts


# --- Editing an entity ----------------------------------------------------------------------------


def test_the_entity_page_shows_its_form_facts_and_offers_the_surname(as_editor):
    page = as_editor.client.get(f"{ENTITIES}/brian-may").text

    assert 'name="name" value="Brian May"' in page
    assert '<option value="person" selected>' in page
    assert '<input type="checkbox" name="offered" value="May"> May' in page
    assert "Facts naming Brian May (" in page
    gaga = as_editor.client.get(f"{ENTITIES}/lady-gaga").text
    assert 'name="aliases" value="Gaga, Stefani Germanotta"' in gaga
    # "Gaga" is an alias already; the surname of her alias "Stefani Germanotta" is not.
    assert 'value="Gaga">' not in gaga and 'name="offered" value="Germanotta"' in gaga
    assert f'href="/editor/articles/vma-2010-gaga-triumph/facts/{MEAT_DRESS}"' in gaga


def test_an_editor_edits_an_entity_and_its_questions_follow(as_editor, session, editor):
    response = as_editor.post(
        f"{ENTITIES}/brian-may",
        name="Brian Harold May",
        type="person",
        aliases="Dr. May",
        tags="musician, guitarist, astrophysicist",
        offered="May",
    )

    assert response.status_code == 302 and response.location == f"{ENTITIES}/brian-may"
    session.expire_all()
    may = session.get(Entity, "brian-may")
    assert may.name == "Brian Harold May" and may.aliases == ["Dr. May", "May"]
    assert may.tags == ["musician", "guitarist", "astrophysicist"]
    assert any("Brian Harold May" in q for q in session.exec(select(Question.solution)))
    page = as_editor.client.get(response.location).text
    assert "Saved Brian Harold May: its questions are made again." in page
    assert re.search(r"<strong>update</strong> by Ed", page)
    assert "name: “Brian May” → “Brian Harold May”" in page
    change = session.exec(select(Change).where(Change.subject_id == "brian-may")).one()
    assert change.editor_id == editor.id


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": "Adele"}, "Name: &#39;Adele&#39; is the name of adele (person)"),
        ({"name": ""}, "Name: give the entity&#39;s name"),
        ({"type": "award"}, "brian-may is a award, but this role takes"),
        ({"tags": "Rock Star"}, "Tags: a tag must be lower-case words joined by"),
    ],
)
def test_a_refused_entity_edit_says_why_and_keeps_the_input(as_editor, session, fields, says):
    data = {"name": "Brian May", "type": "person", "aliases": "Bri", "tags": ""} | fields

    response = as_editor.post(f"{ENTITIES}/brian-may", **data)

    assert response.status_code == 400 and says in response.text
    assert 'name="aliases" value="Bri"' in response.text
    session.expire_all()
    assert session.get(Entity, "brian-may").name == "Brian May"


def test_an_entity_edit_without_the_csrf_token_is_refused(as_editor, session):
    response = as_editor.client.post(f"{ENTITIES}/brian-may", data={"name": "X", "type": "person"})

    assert response.status_code == 400
    assert session.get(Entity, "brian-may").name == "Brian May"


def test_an_unknown_entity_is_404(as_editor):
    assert as_editor.client.get(f"{ENTITIES}/no-such-entity").status_code == 404


# --- Merging --------------------------------------------------------------------------------------


@pytest.fixture
def mother_monster(as_editor, session) -> str:
    """A duplicate of Lady Gaga, with a fact of its own (she wore the meat dress)."""
    response = as_editor.post(
        f"{ARTICLES}/entities", name="Mother Monster", type="person", aliases="Queen Bey"
    )
    assert response.status_code == 302
    fact = session.get(Fact, MEAT_DRESS)
    roles = {f"role-{role}": str(value) for role, value in fact.roles.items()}
    response = as_editor.post(
        f"{ARTICLES}/{fact.article_id}/facts/{MEAT_DRESS}",
        kind=fact.kind,
        evidence=fact.evidence,
        action="save",
        **(roles | {"role-wearer": "Mother Monster"}),
    )
    assert response.status_code == 302, response.text
    session.expire_all()
    assert session.get(Fact, MEAT_DRESS).roles["wearer"] == "mother-monster"
    return "mother-monster"


def test_merging_asks_first_then_moves_the_facts(as_editor, session, mother_monster):
    frozen = count(session, QuizItem)

    asked = as_editor.post(f"{ENTITIES}/lady-gaga/merge", other="Mother Monster", keep="this")

    assert asked.status_code == 200
    assert "Merge Mother Monster into Lady Gaga?" in asked.text
    assert "1 fact follows" in asked.text and session.get(Entity, mother_monster)

    response = as_editor.post(
        f"{ENTITIES}/lady-gaga/merge", other=mother_monster, keep="this", confirmed="yes"
    )

    assert response.status_code == 302 and response.location == f"{ENTITIES}/lady-gaga"
    session.expire_all()
    assert session.get(Entity, mother_monster) is None
    assert session.get(Fact, MEAT_DRESS).roles["wearer"] == "lady-gaga"
    assert "Mother Monster" in session.get(Entity, "lady-gaga").aliases
    assert count(session, QuizItem) == frozen
    page = as_editor.client.get(response.location).text
    assert "Merged Mother Monster into Lady Gaga: 1 fact moved." in page
    assert "Not made aliases, since other entities go by them: “Queen Bey” (beyonce)." in page
    assert re.search(r"<strong>merge</strong> by Ed", page)
    gone = as_editor.client.get(f"{ENTITIES}/{mother_monster}")
    assert gone.status_code == 200
    assert 'merged into <a href="/editor/entities/lady-gaga">Lady Gaga</a>' in gone.text
    assert re.search(r"<strong>merged</strong> by Ed", gone.text)


def test_merging_can_keep_the_other_entity(as_editor, session, mother_monster):
    response = as_editor.post(
        f"{ENTITIES}/{mother_monster}/merge", other="Lady Gaga", keep="other", confirmed="yes"
    )

    assert response.location == f"{ENTITIES}/lady-gaga"
    session.expire_all()
    assert session.get(Entity, mother_monster) is None


@pytest.mark.parametrize(
    ("entity", "other", "says"),
    [
        ("kanye-west", "Kid Cudi", "Fact vma-2011-tyler-caught names both in its role"),
        ("kanye-west", "Nobody Known", "no entity is called &#39;Nobody Known&#39;"),
        ("kanye-west", "kanye-west", "pick another entity to merge"),
        ("kanye-west", "Born This Way", "could be Born This Way (born-this-way, album), Born"),
        ("kanye-west", "", "name the entity to merge with this one"),
        ("kanye-west", "Video of the Year", "Video of the Year is an award and Kanye West a"),
    ],
)
def test_a_refused_merge_says_why(as_editor, session, entity, other, says):
    response = as_editor.post(
        f"{ENTITIES}/{entity}/merge", other=other, keep="this", confirmed="yes"
    )

    assert response.status_code == 400 and says in response.text
    session.expire_all()
    assert session.get(Entity, "kid-cudi") is not None


def test_a_merge_of_two_types_is_refused_before_it_is_confirmed(as_editor, session):
    # A venue and the city it is in are not one thing told twice: say so at once, not after
    # the editor has said yes to "1 fact follows".
    response = as_editor.post(
        f"{ENTITIES}/kanye-west/merge", other="Video of the Year", keep="this"
    )

    assert response.status_code == 400
    assert "only entities of one type are merged" in response.text
    assert "Yes, merge them" not in response.text


# --- Editing an article ---------------------------------------------------------------------------


def article_form(session, article_id: str, **changes: str) -> dict[str, str]:
    article = session.get(Article, article_id)
    return {
        "title": article.title,
        "date": article.date.isoformat(),
        "source": article.source,
        "event": article.event_id or "",
        "url": article.url or "",
        "text": article.text,
    } | changes


def test_the_article_page_links_to_its_form_prefilled(as_editor):
    page = as_editor.client.get(f"{ARTICLES}/vma-2010-gaga-triumph").text
    assert 'href="/editor/articles/vma-2010-gaga-triumph/edit">Edit article</a>' in page

    form = as_editor.client.get(f"{ARTICLES}/vma-2010-gaga-triumph/edit").text

    assert 'value="Lady Gaga&#39;s VMA Triumph, Behind The Scenes"' in form
    assert '<option value="vma-2010" selected>' in form
    assert 'action="/editor/articles/vma-2010-gaga-triumph/edit"' in form
    assert "Save the article" in form


def test_an_editor_corrects_an_article(as_editor, session, editor):
    data = article_form(session, "vma-2010-gaga-triumph", title="Gaga's night", date="2010-09-14")
    data["text"] = data["text"].replace("\n", "\r\n") + "\r\nA line added later."

    response = send(as_editor, f"{ARTICLES}/vma-2010-gaga-triumph/edit", data)

    assert response.status_code == 302
    session.expire_all()
    article = session.get(Article, "vma-2010-gaga-triumph")
    assert article.title == "Gaga's night" and article.text.endswith("\nA line added later.")
    change = session.exec(
        select(Change).where(Change.subject_id == article.id, Change.action == "update")
    ).one()
    assert change.editor_id == editor.id
    assert "Saved the article." in as_editor.client.get(response.location).text


def test_an_article_edit_that_orphans_evidence_names_the_fact(as_editor, session):
    evidence = session.get(Fact, MEAT_DRESS).evidence
    data = article_form(session, "vma-2010-gaga-triumph")
    data["text"] = data["text"].replace(evidence, "Something else happened.")

    response = send(as_editor, f"{ARTICLES}/vma-2010-gaga-triumph/edit", data)

    assert response.status_code == 400
    assert f"Text: the new text drops the evidence of fact {MEAT_DRESS}: “" in response.text
    assert "Something else happened." in response.text  # kept for correcting
    session.expire_all()
    assert evidence in session.get(Article, "vma-2010-gaga-triumph").text


# --- A new event, from the article form -----------------------------------------------------------


def test_a_new_event_is_made_with_the_article(as_editor, session):
    text = GALA_TEXT + "The 5th Starlight Gala was held at the Seaside Arena.\n"

    article_id = add_gala(
        as_editor,
        text=text,
        new_event_name="Starlight Gala",
        new_event_year="2026",
        new_event_edition="5",
        new_event_venue="Seaside Arena",
    )

    session.expire_all()
    article = session.get(Article, article_id)
    assert article.event_id == "2026-starlight-gala"
    kinds = set(session.exec(select(Fact.kind).where(Fact.article_id == article_id)))
    assert kinds == {"edition", "held_at"}
    page = as_editor.client.get(f"{ARTICLES}/{article_id}").text
    assert "New event: event: 2026 Starlight Gala (2026-starlight-gala); edition: fact " in page
    form = as_editor.client.get(f"{ARTICLES}/new").text
    assert '<option value="2026-starlight-gala">2026 Starlight Gala</option>' in form
    assert '<option value="vma-2010">2010 MTV Video Music Awards</option>' in form


def test_a_new_event_on_an_edited_article(as_editor, session):
    data = article_form(session, "vma-2011-backstage", event="", new_event_name="Backstage Bash")

    response = send(as_editor, f"{ARTICLES}/vma-2011-backstage/edit", data)

    assert response.status_code == 302
    session.expire_all()
    assert session.get(Article, "vma-2011-backstage").event_id == "backstage-bash"
    assert session.get(Entity, "backstage-bash").type == "event"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"new_event_name": "Gala", "new_event_year": "26"}, "give a year such as 2026"),
        ({"new_event_name": "Gala", "new_event_year": "²⁰²⁶"}, "give a year such as 2026"),
        ({"new_event_name": "Gala", "new_event_edition": "fifth"}, "give a whole number"),
        ({"new_event_venue": "Seaside Arena"}, "give the new event&#39;s name, or leave"),
        ({"new_event_name": "Gala", "event": "vma-2010"}, "or name a new one, not both"),
        ({"new_event_name": "2010 VMAs"}, "already the entity vma-2010: pick it from the list"),
    ],
)
def test_a_refused_new_event_says_why(as_editor, session, fields, says):
    articles = count(session, Article)
    data = {
        "title": "A title",
        "date": "2026-11-21",
        "source": "Test News",
        "event": "",
        "url": "",
        "text": "Someone said something.",
    } | fields

    response = send(as_editor, f"{ARTICLES}/new", data)

    assert response.status_code == 400 and says in response.text
    assert count(session, Article) == articles


def test_the_fact_forms_new_name_comes_with_its_surname_as_an_alias(as_editor):
    article_id = add_gala(as_editor)

    page = as_editor.client.get(f"{ARTICLES}/{article_id}/facts/new?sentence=4").text

    assert 'data-name="Marisol Vantablack" data-type="person" data-aliases="Vantablack"' in page
    link = re.search(r'href="(/editor/articles/entities/new\?name=Marisol[^"]*)"', page).group(1)
    form = as_editor.client.get(link.replace("&amp;", "&")).text
    assert 'name="aliases" value="Vantablack"' in form


# --- The fact form --------------------------------------------------------------------------------


def test_the_closest_passage_is_whole_words(as_editor, session):
    article_id = add_gala(as_editor)
    evidence = "Gaga performed with Queen B in a surp"

    response = as_editor.post(
        f"{ARTICLES}/{article_id}/facts/new?sentence=3",
        kind="performed_with",
        evidence=evidence,
        action="save",
        **{"role-performer": "Lady Gaga", "role-partner": "Beyoncé", "role-event": "vma-2010"},
    )

    assert response.status_code == 400
    assert "the closest passage is &#39;Gaga performed with Queen Bey in a surprise&#39;" in (
        response.text
    )


@pytest.mark.parametrize(
    "url",
    [f"{ENTITIES}/", f"{ENTITIES}/lady-gaga", f"{ARTICLES}/vma-2010-gaga-triumph/edit"],
)
def test_the_new_pages_have_no_inline_script(as_editor, url):
    page = as_editor.client.get(url).text

    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)
