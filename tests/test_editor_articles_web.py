"""The articles-and-facts workspace at /editor/articles, through its pages and forms.

The database starts as the bundled bank with its questions; the article under test is a new
one written here. What a request wrote is checked through a fresh session (the `session`
fixture), not the request's own.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.models import Article, Change, Entity, Fact, Question
from tests.factories import EDITOR_PASSWORD, make_editor

HEADLINE = "Queen Bey and Gaga Steal the Starlight Gala"
SENTENCES = [
    HEADLINE,
    "The Starlight Gala in Seaside Heights went wild on Saturday.",
    'Gaga performed with Queen Bey in a surprise duet of "Paper Crowns", '
    "a song the pair wrote in 2019.",
    'The night closed with Marisol Vantablack singing "Midnight Tide" on a floating stage.',
]
GALA_TEXT = f"{SENTENCES[0]}\n\n{SENTENCES[1]} {SENTENCES[2]}\n{SENTENCES[3]}\n"
DUET = 3  # the sentence of the duet, numbered from 1 as on the page
ARTICLES = "/editor/articles"


@pytest.fixture
def app(bundled_app):
    """The app on a copy of the bundled bank, its questions generated (built once per run)."""
    return bundled_app


@pytest.fixture
def editor(session, faker):
    return make_editor(session, faker, name="Ed")


@pytest.fixture
def as_editor(editor_auth, editor):
    """The test's client, logged in as the editor Ed."""
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


def send(auth, path: str, data: dict[str, str]):
    """Submit a form with the CSRF token; for forms with a field named ``url``."""
    return auth.client.post(path, data={"csrf_token": auth.token(), **data})


def count(session: Session, model, *where) -> int:
    """Rows of ``model`` as the database has them now."""
    session.expire_all()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def add_gala(as_editor, **fields: str) -> str:
    """Add the gala article through the form; returns its id."""
    data = {
        "title": "Gaga and Queen Bey at the Starlight Gala",
        "date": "2026-11-21",
        "source": "Test News",
        "event": "",
        "url": "",
        "text": GALA_TEXT,
        **fields,
    }
    response = send(as_editor, f"{ARTICLES}/new", data)
    assert response.status_code == 302, response.text
    # /editor/articles/<id>, or its /proposals when the workspace proposes facts from it
    return urlsplit(response.location).path.split("/")[3]


def add_event(as_editor, name: str = "Starlight Gala") -> str:
    """Add an event entity through the entity form; returns its id."""
    response = as_editor.post(f"{ARTICLES}/entities", name=name, type="event", aliases="")
    assert response.status_code == 302, response.text
    return re.search(r"as ([a-z0-9-]+)\.", as_editor.client.get(response.location).text).group(1)


def record_duet(as_editor, article_id: str, **fields: str):
    """Post the fact form for the duet: Gaga performed with Beyoncé at the gala."""
    data = {
        "kind": "performed_with",
        "role-performer": "lady-gaga",
        "role-partner": "beyonce",
        "role-event": "starlight-gala",
        "evidence": SENTENCES[DUET - 1],
        "action": "save",
        **fields,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return as_editor.post(f"{ARTICLES}/{article_id}/facts/new?sentence={DUET}", **data)


@pytest.fixture
def gala(as_editor) -> str:
    """The gala article, added, and its event in the bank; returns the article id."""
    article_id = add_gala(as_editor)
    assert add_event(as_editor) == "starlight-gala"
    return article_id


@pytest.fixture
def duet(as_editor, gala, session) -> str:
    """The duet fact, recorded; returns its id."""
    assert record_duet(as_editor, gala).status_code == 302
    session.expire_all()
    return session.exec(select(Fact.id).where(Fact.article_id == gala)).one()


# --- The article list and a new article -----------------------------------------------------------


def test_the_list_shows_each_article_with_its_counts(as_editor, session):
    facts = count(session, Fact, Fact.article_id == "vma-2010-gaga-triumph")
    questions = count(session, Question, Question.article_id == "vma-2010-gaga-triumph")

    page = as_editor.client.get(f"{ARTICLES}/").text

    assert 'href="/editor/articles/new">Add an article</a>' in page
    assert "Lady Gaga&#39;s VMA Triumph, Behind The Scenes" in page
    entry = page.split("Lady Gaga&#39;s VMA Triumph")[1].split("</li>")[0]
    assert "2010 MTV Video Music Awards" in entry and "MTV News" in entry
    assert f"<strong>{facts}</strong> facts" in entry
    assert f"<strong>{questions}</strong> questions" in entry


def test_the_new_article_form_offers_the_events(as_editor):
    page = as_editor.client.get(f"{ARTICLES}/new").text

    assert '<option value="">No event</option>' in page
    assert '<option value="vma-2010">2010 MTV Video Music Awards</option>' in page
    assert 'name="csrf_token"' in page and "<textarea" in page


def test_an_editor_adds_an_article_and_sees_suggestions(as_editor, session, editor):
    article_id = add_gala(as_editor, event="vma-2012")

    article = session.get(Article, article_id)
    assert article.text == GALA_TEXT and article.event_id == "vma-2012"
    page = as_editor.client.get(f"{ARTICLES}/{article_id}").text
    duet = page.split(f'id="s-{DUET}"')[1].split("</li>\n  \n")[0]
    assert 'data-entity-id="lady-gaga"' in duet and 'data-entity-id="beyonce"' in duet
    assert '<mark class="m m-title">Paper Crowns' in duet
    assert '<mark class="m m-year">2019' in duet
    assert 'Beyoncé</a> <span class="chip-as">as “Queen Bey”</span>' in duet
    assert 'href="/editor/entities/beyonce">Beyoncé</a>' in duet  # the entity's own page
    closing = page.split(f'id="s-{DUET + 1}"')[1]
    assert '<mark class="m m-new_name">Marisol Vantablack' in closing
    assert re.search(
        r'chip-new_name">\s*<span class="chip-kind">new name</span>\s*Marisol', closing
    )
    assert f'href="/editor/articles/{article_id}/facts/new?sentence={DUET}"' in page
    assert "Record a fact from this sentence" in page
    assert count(session, Change, Change.subject_id == article_id, Change.editor_id == editor.id)


ARTICLE_FIELDS = {
    "title": "A title",
    "date": "2026-11-21",
    "source": "Test News",
    "event": "",
    "url": "",
    "text": "Someone said something. Then it ended.",
}


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("title", "  ", "Title: give the article&#39;s title"),
        ("date", "21/11/2026", "Date: give the date the article was published"),
        ("source", "", "Source: say where the article was published"),
        ("text", "", "Text: paste the article&#39;s text"),
        ("event", "no-such-event", "unknown entity"),
    ],
)
def test_a_refused_article_says_why_and_keeps_the_input(as_editor, session, field, value, says):
    articles = count(session, Article)

    response = send(as_editor, f"{ARTICLES}/new", {**ARTICLE_FIELDS, field: value})

    assert response.status_code == 400
    assert says in response.text
    kept = "Someone said something. Then it ended." if field != "text" else "A title"
    assert kept in response.text
    assert count(session, Article) == articles


def test_html_in_an_article_is_shown_as_text(as_editor):
    article_id = add_gala(
        as_editor,
        title='<script>alert("t")</script> Night',
        text="<b>Bold</b> claims were made. <img src=x onerror=alert(1)> Then Gaga left.",
    )

    page = as_editor.client.get(f"{ARTICLES}/{article_id}").text
    listing = as_editor.client.get(f"{ARTICLES}/").text

    for html in (page, listing):
        assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Night" in html
        assert "<script>alert" not in html
    assert "&lt;b&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>" not in page and "<img" not in page


@pytest.mark.parametrize(
    "url", ["/editor/articles/", "/editor/articles/new", "/editor/articles/vma-2010-gaga-triumph"]
)
def test_pages_have_no_inline_script(as_editor, url):
    page = as_editor.client.get(url).text

    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)
    assert "editor-articles.css" in page and "editor-articles.js" in page


def test_a_form_without_the_csrf_token_is_refused(as_editor, session):
    articles = count(session, Article)

    response = as_editor.client.post(f"{ARTICLES}/new", data=ARTICLE_FIELDS)

    assert response.status_code == 400 and "This form has expired" in response.text
    assert count(session, Article) == articles


def test_an_unknown_article_is_404(as_editor):
    page = as_editor.client.get(f"{ARTICLES}/no-such-article")

    assert page.status_code == 404 and "There is no article &#39;no-such-article&#39;." in page.text
    assert as_editor.client.get(f"{ARTICLES}/no-such-article/facts/new").status_code == 404


# --- Recording a fact -----------------------------------------------------------------------------


def test_the_fact_form_starts_from_the_sentence(as_editor, gala):
    page = as_editor.client.get(f"{ARTICLES}/{gala}/facts/new?sentence={DUET}").text

    evidence = re.search(r'<textarea id="evidence"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert evidence == SENTENCES[DUET - 1].replace('"', "&#34;")
    people = page.split('<datalist id="entities-person-group">')[1].split("</datalist>")[0]
    options = re.findall(r'<option value="([^"]+)"', people)
    # The sentence's own, before the bank's, by the names the fields show, never by id.
    assert options[:2] == ["Lady Gaga", "Beyoncé"]
    assert "Adele" in options and "adele" not in options
    assert 'data-pick="Beyoncé"' in page
    assert "<code>beyonce</code>" not in page
    assert "Add “Paper Crowns”" in page and 'data-type="song"' in page
    assert 'href="/editor/articles/entities/new?name=Paper+Crowns&amp;type=song&amp;next=' in page


def test_new_names_are_offered_with_a_guessed_type(as_editor):
    # Issue 14: an award, a group, a city and an album were all offered as a person or song.
    text = (
        "Awards Night\n\nThe Velvet Foxes won Record of the Year at the 2025 Comet Awards, "
        'held at the Cobalt Arena in Toronto. Her debut album, "Low Tide," won too.'
    )
    article_id = add_gala(as_editor, text=text)

    pages = {
        n: as_editor.client.get(f"{ARTICLES}/{article_id}/facts/new?sentence={n}").text
        for n in (2, 3)
    }

    for sentence, name, type_ in [
        (2, "The+Velvet+Foxes", "group"),
        (2, "Record+of+the+Year", "award"),
        (2, "2025+Comet+Awards", "event"),
        (2, "Cobalt+Arena", "venue"),
        (2, "Toronto", "city"),
        (3, "Low+Tide", "album"),
    ]:
        assert f"entities/new?name={name}&amp;type={type_}&amp;" in pages[sentence], name


def test_the_fact_form_refuses_a_sentence_that_is_not_there(as_editor, gala):
    assert as_editor.client.get(f"{ARTICLES}/{gala}/facts/new?sentence=99").status_code == 404


def test_choosing_a_kind_without_javascript_shows_its_roles(as_editor, gala):
    response = as_editor.post(
        f"{ARTICLES}/{gala}/facts/new?sentence={DUET}",
        kind="sang",
        action="kind",
        **{"role-event": "starlight-gala"},
        evidence=SENTENCES[DUET - 1],
    )

    page = response.text
    assert response.status_code == 200
    assert '<fieldset class="ea-roles-set" data-kind="sang"' in page
    sang = page.split('data-kind="sang"')[1].split("</fieldset>")[0]
    assert " hidden disabled" not in sang.split(">")[0]
    assert 'id="role-sang-singer-0"' in sang
    assert 'name="role-event" type="text" value="Starlight Gala"' in sang
    performed = page.split('data-kind="performed_with"')[1].split(">")[0]
    assert "hidden disabled" in performed


def test_an_editor_records_a_fact_from_a_suggestion(as_editor, gala, session, editor):
    response = record_duet(as_editor, gala, **{"role-partner": "Queen Bey"})  # by alias

    assert response.status_code == 302
    assert response.location == f"/editor/articles/{gala}#s-{DUET}"
    fact = session.exec(select(Fact).where(Fact.article_id == gala)).one()
    assert fact.kind == "performed_with" and fact.evidence == SENTENCES[DUET - 1]
    assert fact.roles == {
        "performer": "lady-gaga",
        "partner": "beyonce",
        "event": "starlight-gala",
    }
    questions = count(session, Question, Question.fact_id == fact.id)
    assert questions > 0
    page = as_editor.client.get(response.location).text
    assert f"Saved: the fact makes {questions} questions, shown to players once reviewed." in page
    duet = page.split(f'id="s-{DUET}"')[1].split('id="s-')[0]
    assert re.search(rf'<li id="s-{DUET}" class="ea-sentence has-evidence">', page)
    assert '<span class="ev">' in duet and "performed with" in duet
    assert f'href="/editor/articles/{gala}/facts/{fact.id}"' in duet
    change = session.exec(select(Change).where(Change.subject_id == fact.id)).one()
    assert change.editor_id == editor.id and change.action == "create"


@pytest.mark.parametrize(
    "evidence",
    [
        "Gaga performed with Queen Bey in a surprise duet.",
        SENTENCES[DUET - 1].replace("surprise", "surprising"),
    ],
    ids=["shortened", "one word changed"],
)
def test_evidence_that_is_not_verbatim_is_refused(as_editor, gala, session, evidence):
    changes = count(session, Change)

    response = record_duet(as_editor, gala, evidence=evidence)

    assert response.status_code == 400
    assert "Evidence: not found verbatim in article" in response.text
    assert "the closest passage is" in response.text
    assert evidence.replace('"', "&#34;") in response.text  # kept for correcting
    assert count(session, Fact, Fact.article_id == gala) == 0
    assert count(session, Change) == changes


def test_evidence_across_a_line_break_is_taken_as_the_article_has_it(as_editor, gala, session):
    evidence = f"{SENTENCES[DUET - 1]}\r\n{SENTENCES[DUET]}"  # browsers send CRLF

    assert record_duet(as_editor, gala, evidence=evidence).status_code == 302
    fact = session.exec(select(Fact).where(Fact.article_id == gala)).one()
    assert fact.evidence == f"{SENTENCES[DUET - 1]}\n{SENTENCES[DUET]}"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"role-partner": None}, "Partner: this role is required"),
        ({"role-partner": ""}, "Partner: this role is required"),
        ({"kind": ""}, "Kind: choose what kind of fact this is"),
        ({"role-partner": "nobody-at-all"}, "Partner: unknown entity"),
        ({"role-event": "lady-gaga"}, "but this role takes event"),
        ({"role-partner": "Born This Way"}, "Partner: Born This Way is an album, but this role"),
        ({"kind": "edition", "role-edition": "twelfth"}, "Edition: must be a whole number"),
    ],
)
def test_a_fact_with_a_wrong_role_says_what_to_fix(as_editor, gala, session, fields, says):
    response = record_duet(as_editor, gala, **fields)

    assert response.status_code == 400
    assert says in response.text
    assert count(session, Fact, Fact.article_id == gala) == 0


def test_a_problem_is_shown_under_its_field(as_editor, gala):
    page = record_duet(as_editor, gala, **{"role-partner": ""}).text

    partner = page.split('data-role="partner"')[1].split('<div class="ea-role')[0]
    assert 'aria-invalid="true"' in partner
    assert '<p class="hint field-error">Partner: this role is required.</p>' in partner
    assert 'value="Lady Gaga"' in page  # the rest is kept, by name


@pytest.mark.parametrize(
    ("fields", "where", "says"),
    [
        (  # found by the form, guessed by name among the role's entities
            {"role-partner": "beyonse"},
            "partner",
            "Partner: unknown entity (did you mean &#39;Beyoncé&#39;?) (got &#39;beyonse&#39;).",
        ),
        (  # named by its name, not its id
            {"role-event": "lady-gaga"},
            "event",
            "Event: Lady Gaga is a person, but this role takes event.",
        ),
        ({"evidence": "Gaga sang with Beyonce."}, "evidence", "Evidence: not found verbatim"),
        ({"kind": ""}, "kind", "Kind: choose what kind of fact this is."),
    ],
)
def test_a_problem_the_bank_finds_is_shown_under_its_field_too(
    as_editor, gala, fields, where, says
):
    page = record_duet(as_editor, gala, **fields).text

    form = page.split("data-fact-form")[1]
    if where in ("evidence", "kind"):
        field = form.split(f'id="{where}"')[1].split("<label")[0]
    else:
        roles = form.split('data-kind="performed_with"')[1]
        field = roles.split(f'data-role="{where}"')[1].split('<div class="ea-role')[0]
    assert 'aria-invalid="true"' in field
    assert f'<p class="hint field-error">{says}' in field
    assert f"<li>{says}" in page.split('id="problems"')[1].split("</ul>")[0]  # and at the top


def test_a_fact_can_start_from_no_sentence(as_editor, gala):
    page = as_editor.client.get(f"{ARTICLES}/{gala}/facts/new").text

    assert f'action="/editor/articles/{gala}/facts/new"' in page
    assert re.search(r'<textarea id="evidence"[^>]*></textarea>', page)


# --- Correcting and retiring ----------------------------------------------------------------------


def prompts(session: Session, fact_id: str) -> set[str]:
    session.expire_all()
    return set(session.exec(select(Question.prompt).where(Question.fact_id == fact_id)))


def test_the_fact_page_shows_its_questions_and_history(as_editor, gala, duet, session):
    page = as_editor.client.get(f"{ARTICLES}/{gala}/facts/{duet}").text

    assert "At the Starlight Gala, who performed with Beyoncé?" in page
    assert re.search(r"<strong>create</strong> by Ed", page)
    assert "roles.partner: Beyoncé" in page  # names, not ids
    assert '<option value="performed_with" selected>' in page
    assert f'action="/editor/articles/{gala}/facts/{duet}/retire"' in page


def test_correcting_a_fact_makes_its_questions_again(as_editor, gala, duet, session):
    before = prompts(session, duet)

    response = as_editor.post(
        f"{ARTICLES}/{gala}/facts/{duet}",
        kind="performed_with",
        evidence=SENTENCES[DUET - 1],
        action="save",
        **{"role-performer": "lady-gaga", "role-partner": "adele", "role-event": "starlight-gala"},
    )

    assert response.status_code == 302
    after = prompts(session, duet)
    assert "At the Starlight Gala, who performed with Beyoncé?" in before
    assert "At the Starlight Gala, who performed with Adele?" in after
    assert not any("Beyoncé" in p for p in after)
    assert session.get(Fact, duet).roles["partner"] == "adele"
    page = as_editor.client.get(f"{ARTICLES}/{gala}/facts/{duet}").text
    assert "roles.partner: Beyoncé → Adele" in page
    assert re.search(r"<strong>update</strong> by Ed", page)


def test_retiring_asks_first_then_removes_the_questions(as_editor, gala, duet, session):
    url = f"{ARTICLES}/{gala}/facts/{duet}/retire"

    asked = as_editor.post(url)
    assert asked.status_code == 200 and "Retire this fact?" in asked.text
    assert not session.get(Fact, duet).retired and prompts(session, duet)

    response = as_editor.post(url, confirmed="yes")

    assert response.status_code == 302
    session.expire_all()
    assert session.get(Fact, duet).retired
    assert count(session, Question, Question.fact_id == duet) == 0
    page = as_editor.client.get(response.location).text
    assert f"Retired the fact {duet}" in page and "retired</span>" in page
    assert "Retire this fact" not in as_editor.client.get(f"{ARTICLES}/{gala}/facts/{duet}").text


def test_a_retired_fact_can_be_restored_with_its_questions(as_editor, gala, duet, session):
    before = sorted(prompts(session, duet))
    as_editor.post(f"{ARTICLES}/{gala}/facts/{duet}/retire", confirmed="yes")
    page = as_editor.client.get(f"{ARTICLES}/{gala}/facts/{duet}").text
    assert f'action="{ARTICLES}/{gala}/facts/{duet}/restore"' in page

    response = as_editor.post(f"{ARTICLES}/{gala}/facts/{duet}/restore")

    assert response.status_code == 302
    session.expire_all()
    assert not session.get(Fact, duet).retired
    assert sorted(prompts(session, duet)) == before
    page = as_editor.client.get(response.location).text
    made = f"{len(before)} question{'' if len(before) == 1 else 's'}"
    assert f"Restored the fact {duet}: it makes {made} again." in page
    assert "Retire this fact" in page and "/restore" not in page
    assert re.search(r"<strong>restore</strong> by Ed", page)


def test_a_fact_of_another_article_is_404(as_editor, gala, duet):
    assert as_editor.client.get(f"{ARTICLES}/vma-2011-backstage/facts/{duet}").status_code == 404


# --- Entities -------------------------------------------------------------------------------------


def test_the_entity_form_is_prefilled_from_the_suggestion(as_editor):
    page = as_editor.client.get(
        f"{ARTICLES}/entities/new?name=Marisol+Vantablack&type=person&next=/editor/articles/x"
    ).text

    assert 'name="name" value="Marisol Vantablack"' in page
    assert '<option value="person" selected>' in page
    assert 'href="/editor/articles/x">Back without adding' in page


def test_creating_an_entity_goes_back_to_the_form(as_editor, session, editor):
    back = f"{ARTICLES}/some-article/facts/new?sentence=4"

    response = as_editor.post(
        f"{ARTICLES}/entities",
        name="Marisol Vantablack",
        type="person",
        aliases="Marisol, MV ,",
        tags="rapper, tv-host,",
        next=back,
    )

    assert response.status_code == 302 and response.location == back
    entity = session.get(Entity, "marisol-vantablack")
    assert (entity.name, entity.type, entity.aliases, entity.tags) == (
        "Marisol Vantablack",
        "person",
        ["Marisol", "MV"],
        ["rapper", "tv-host"],
    )
    assert session.exec(select(Change).where(Change.subject_id == entity.id)).one().editor_id


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": "beyoncé"}, "is already the entity beyonce; use it"),
        ({"name": "  "}, "Name: give the entity&#39;s name"),
        ({"type": ""}, "Type: choose what the entity is"),
        ({"type": "Not A Type"}, "Type: must be lower-case letters and digits"),
        ({"tags": "rapper, Pop Star"}, "Tags: a tag must be lower-case words joined by"),
    ],
)
def test_a_refused_entity_says_why(as_editor, session, fields, says):
    entities = count(session, Entity)

    response = as_editor.post(
        f"{ARTICLES}/entities", **{"name": "New Person", "type": "person", **fields}
    )

    assert response.status_code == 400 and says in response.text
    assert count(session, Entity) == entities


def test_an_entity_goes_nowhere_but_this_site_afterwards(as_editor):
    response = as_editor.post(
        f"{ARTICLES}/entities", name="Nova", type="person", next="https://evil.example/"
    )

    assert response.location == "/editor/articles/"


def test_an_entity_added_from_script_answers_json(as_editor):
    def post(name: str):
        return as_editor.client.post(
            f"{ARTICLES}/entities",
            data={"csrf_token": as_editor.token(), "name": name, "type": "song"},
            headers={"Accept": "application/json"},
        )

    created = post("Paper Crowns")
    duplicate = post("Paper Crowns")

    assert created.status_code == 201
    assert created.json == {"id": "paper-crowns", "name": "Paper Crowns", "type": "song"}
    assert duplicate.status_code == 400 and duplicate.json["error"]["code"] == "invalid"
    assert "already the entity paper-crowns" in duplicate.json["error"]["fields"][0]["message"]
    assert duplicate.json["error"]["fields"][0]["field"] == "name"


# --- Entity search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "types", "first"),
    [
        ("beyo", "", {"id": "beyonce", "name": "Beyoncé", "type": "person"}),
        ("BEYONCE", "person", {"id": "beyonce", "name": "Beyoncé", "type": "person"}),
        (
            "queen bey",
            "person,group",
            {"id": "beyonce", "name": "Beyoncé", "type": "person", "alias": "Queen Bey"},
        ),
        ("gaga", "person", {"id": "lady-gaga", "name": "Lady Gaga", "type": "person"}),
        ("jay z", "", {"id": "jay-z", "name": "Jay-Z", "type": "person"}),
    ],
)
def test_the_entity_search_finds_names_and_aliases(as_editor, query, types, first):
    response = as_editor.client.get(
        "/editor/api/entities", query_string={"q": query, "type": types}
    )

    assert response.status_code == 200
    # "value": what the fact form's field shows, the name where it picks the entity alone.
    assert response.json["entities"][0] == first | {"value": first["name"]}


def test_the_entity_search_keeps_to_the_types_and_twenty(as_editor):
    groups = as_editor.client.get("/editor/api/entities?q=gaga&type=group").json["entities"]
    anything = as_editor.client.get("/editor/api/entities?q=e").json["entities"]

    assert [e["id"] for e in groups] == ["lady-gagas-entourage"]
    assert len(anything) == 20


def test_the_entity_search_is_closed_to_anonymous_visitors(client):
    response = client.get("/editor/api/entities?q=gaga")

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
