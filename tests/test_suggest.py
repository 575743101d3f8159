"""Tests for quizapp.workspace.suggest: sentences and suggested fact material in a pasted article.

Plain data in, plain data out: no app, no database.
"""

import dataclasses

import pytest

from quizapp.bank.files import read_bank
from quizapp.core.paths import resource_dir
from quizapp.models import Entity
from quizapp.questions.generation import EntityInfo
from quizapp.workspace.suggest import (
    Category,
    EntityRef,
    Gazetteer,
    Mention,
    Sentence,
    SentenceSuggestions,
    split_sentences,
    suggest_facts,
)


@dataclasses.dataclass(frozen=True)
class PlainEntity:
    """The least the gazetteer reads from an entity."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]


def make_entity(name: str, *, id: str | None = None, type: str = "person", aliases=()):
    """An entity as the gazetteer reads it; the id defaults to the name in kebab case."""
    slug = id or "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
    return PlainEntity(slug, name, type, tuple(aliases))


ENTITIES = [
    make_entity("Lady Gaga", aliases=["Gaga"]),
    make_entity("Cher"),
    make_entity("Beyoncé", id="beyonce", aliases=["Queen Bey"]),
    make_entity("Jay-Z", id="jay-z", aliases=["Jay Z", "Jay", "Hova"]),
    make_entity("Tyler, the Creator", aliases=["Tyler"]),
    make_entity("Dave Grohl", aliases=["Grohl"]),
    make_entity("Destiny's Child", id="destinys-child", type="group"),
    make_entity("Røyksopp", id="royksopp", type="group"),
    make_entity("Simon & Garfunkel", id="simon-and-garfunkel", type="group"),
    make_entity("Glee", type="show"),
    make_entity("meat dress", type="outfit", aliases=["dress made of meat"]),
    make_entity("Born This Way", id="born-this-way", type="album"),
    make_entity("Born This Way", id="born-this-way-song", type="song"),
    make_entity("2010 MTV Video Music Awards", id="vma-2010", type="event", aliases=["2010 VMAs"]),
]

# A short article of our own: a fictional awards show with new names, a quoted title, years,
# and entities of the bundled bank named by their aliases (NEW YORK, Radio City, Beyonce ...).
AWARDS_ARTICLE = """Glitter Awards 2031: The Night In Pictures

NEW YORK — The 2031 Glitter Awards belonged to Marisol Quintero. The singer, 24, won Best \
Debut for "Paper Lanterns" at Radio City on Sunday.

Mr. Okafor presented the award with Beyonce, who called the song "a small miracle." \
Quintero's label boss, Dev J. Patel, said the album sold 1.5 million copies.

Thanks to Jay Z, the after-party ran late. In 1999, Cher had thrown a similar one."""


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    """A gazetteer of the small entity list above."""
    return Gazetteer.from_entities(ENTITIES)


@pytest.fixture(scope="module")
def bank():
    """The bundled question bank, read and validated."""
    return read_bank(resource_dir("question_bank"))


@pytest.fixture(scope="module")
def bank_gazetteer(bank) -> Gazetteer:
    """The bundled bank's entities as the gazetteer, as the workspace uses them."""
    return Gazetteer.from_entities(bank.entities.values())


def names(text: str, gazetteer: Gazetteer | None = None) -> list[tuple[str, str | None]]:
    """(text, guessed type) of the new names and titles in ``text``."""
    gazetteer = gazetteer or Gazetteer.from_entities([])
    return [
        (m.text, m.guess)
        for s in suggest_facts(text, gazetteer)
        for m in s.mentions
        if m.category in ("new_name", "title")
    ]


def texts(sentences: list[Sentence]) -> list[str]:
    return [s.text for s in sentences]


def found(text: str, gazetteer: Gazetteer) -> list[tuple[str, str, str | None]]:
    """(category, text, entity id) of every mention in ``text``, in order."""
    return [
        (m.category.value, m.text, m.entity.id if m.entity else None)
        for s in suggest_facts(text, gazetteer)
        for m in s.mentions
    ]


def assert_consistent(text: str, results: list[SentenceSuggestions]) -> None:
    """Sentences and mentions are verbatim slices, in order, without overlaps."""
    previous_end = 0
    for result in results:
        sentence = result.sentence
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end
        position = sentence.start
        for mention in result.mentions:
            assert text[mention.start : mention.end] == mention.text
            assert sentence.start <= mention.start and mention.end <= sentence.end
            assert mention.start >= position, "mentions are ordered and do not overlap"
            position = mention.end
            assert (mention.entity is not None) == (mention.category == Category.KNOWN)


# --- Sentences --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith went to Washington. He left.", ["Mr. Smith went to Washington.", "He left."]),
        (
            "She lives on St. Mark's Place. It is busy.",
            ["She lives on St. Mark's Place.", "It is busy."],
        ),
        ("Sammy Davis Jr. sang. Then he left.", ["Sammy Davis Jr. sang.", "Then he left."]),
        (
            "J. Cole and A.S.A.P. Rocky performed. The crowd cheered.",
            ["J. Cole and A.S.A.P. Rocky performed.", "The crowd cheered."],
        ),
        ("It grew 1.5 times. Fans noticed.", ["It grew 1.5 times.", "Fans noticed."]),
        (
            "It aired on Aug. 28 in L.A. and Mon. Then No. 1 came.",
            ["It aired on Aug. 28 in L.A. and Mon.", "Then No. 1 came."],
        ),
        ('He said, "I am done." Then he left.', ['He said, "I am done."', "Then he left."]),
        # A quotation of several sentences stays with its speaker.
        (
            '"Wow. I love it!" she said. Then she left.',
            ['"Wow. I love it!" she said.', "Then she left."],
        ),
        (
            "“It was great. Really,” she said. Then...",
            ["“It was great. Really,” she said.", "Then..."],
        ),
        ("It was 'great!' She left.", ["It was 'great!'", "She left."]),
        (
            "Fans agreed. (They were right.) All left.",
            ["Fans agreed.", "(They were right.)", "All left."],
        ),
        ("Wait... What happened?! Nothing.", ["Wait...", "What happened?!", "Nothing."]),
        ("Yes. 2011 was quieter.", ["Yes.", "2011 was quieter."]),
        ("Wait... what? no.", ["Wait... what? no."]),
        # Paragraphs and headlines.
        (
            "Headline Without A Stop\n\nBody text. More text.",
            ["Headline Without A Stop", "Body text.", "More text."],
        ),
        (
            "Headline On Its Own Line\nThe body starts here.",
            ["Headline On Its Own Line", "The body starts here."],
        ),
        (
            "A line that is hard\nwrapped in the middle. Next.",
            ["A line that is hard\nwrapped in the middle.", "Next."],
        ),
        ("First paragraph\n\nsecond one", ["First paragraph", "second one"]),
        ("Windows lines.\r\n\r\nStill split.", ["Windows lines.", "Still split."]),
        ("Text.\n\n***\n\nMore.", ["Text.", "More."]),
        ("  Leading space.  No final stop  ", ["Leading space.", "No final stop"]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    sentences = split_sentences(text)

    assert texts(sentences) == expected
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize("article_id", ["vma-2010-gaga-triumph", "vma-2011-backstage"])
def test_bundled_articles_split_into_verbatim_sentences(bank, article_id):
    text = bank.articles[article_id].text
    sentences = split_sentences(text)

    assert sentences[0].text == bank.articles[article_id].header.title  # the headline
    assert len(sentences) > 20
    for before, after in zip(sentences, sentences[1:], strict=False):
        assert before.end <= after.start
        assert text[before.end : after.start].isspace()  # nothing is lost between them
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


def test_every_bundled_evidence_is_one_sentence_or_consecutive_ones(bank):
    for fact in bank.facts.values():
        text = bank.articles[fact.article].text
        start = text.index(fact.evidence)
        end = start + len(fact.evidence)
        touched = [s for s in split_sentences(text) if s.start < end and start < s.end]

        assert touched, fact.id
        assert touched[0].start <= start and end <= touched[-1].end, fact.id


@pytest.mark.parametrize(
    "evidence",
    [
        "JWoww to Jared Leto: \"Wow. I'm a huge fan! 'The Kill' is my favorite!\"",
        'To which Jenni replied, "That was Jared Leto. Don\'t you know who Jared Leto is?!"',
        "\"I was like, 'Brian May, what's up!' and she was right next to him and I said, 'Hi, "
        "I'm Dave,' and she goes 'I know who the f--- you are!' Yeah, it was rad.\"",
        "Jay Z And Beyoncé Celebrate Baby News",
        "Later on we spotted them crossing paths with Jared Leto, which produced the following "
        "exchange:",
    ],
)
def test_bundled_quotations_and_headlines_are_single_sentences(bank, evidence):
    (article,) = [a for a in bank.articles.values() if evidence in a.text]
    start = article.text.index(evidence)
    holding = [
        s
        for s in split_sentences(article.text)
        if s.start <= start and start + len(evidence) <= s.end
    ]

    assert len(holding) == 1


# --- The gazetteer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Beyonce sang.", [("Beyonce", "beyonce")]),
        ("BEYONCÉ sang.", [("BEYONCÉ", "beyonce")]),
        ("Beyonce\u0301 sang.", [("Beyonce\u0301", "beyonce")]),  # a separate combining accent
        ("Queen Bey arrived.", [("Queen Bey", "beyonce")]),
        ("JAY Z met Jay-Z and Jay.", [("JAY Z", "jay-z"), ("Jay-Z", "jay-z"), ("Jay", "jay-z")]),
        ("Cherry pie for Cher.", [("Cher", "cher")]),
        ("Cher's dress and Cher’s bag.", [("Cher", "cher"), ("Cher", "cher")]),
        ("Lady Gaga's hit.", [("Lady Gaga", "lady-gaga")]),
        ("Gaga won, Gagaville lost.", [("Gaga", "lady-gaga")]),
        ("A Gaga-centric night.", [("Gaga", "lady-gaga")]),
        ("Tyler, The Creator's fall.", [("Tyler, The Creator", "tyler-the-creator")]),
        ("Tyler the Creator fell.", [("Tyler the Creator", "tyler-the-creator")]),
        ("Tyler fell.", [("Tyler", "tyler-the-creator")]),
        ("Destiny's Child's reunion.", [("Destiny's Child", "destinys-child")]),
        ("Royksopp played.", [("Royksopp", "royksopp")]),
        ("Simon and Garfunkel sang.", [("Simon and Garfunkel", "simon-and-garfunkel")]),
        ("Dave Grohl, then Grohl.", [("Dave Grohl", "dave-grohl"), ("Grohl", "dave-grohl")]),
        ("The 2010 VMAs.", [("2010 VMAs", "vma-2010")]),
        (
            "The MEAT DRESS, a dress made of meat.",
            [("MEAT DRESS", "meat-dress"), ("dress made of meat", "meat-dress")],
        ),
        ("Fans of Glee squealed with glee.", [("Glee", "glee")]),
        # A capitalised form is not found in text written all in lower case.
        ("lady gaga and a blue jay", []),
        ("", []),
    ],
)
def test_gazetteer_find(gazetteer, text, expected):
    mentions = gazetteer.find(text)

    assert [(m.text, m.entity.id) for m in mentions] == expected
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
        assert mention.category == Category.KNOWN


def test_a_form_shared_by_several_entities_names_them_all(gazetteer):
    (mention,) = gazetteer.find("She announced Born This Way.")

    assert mention.entity == EntityRef("born-this-way", "Born This Way", "album")
    assert mention.alternatives == (EntityRef("born-this-way-song", "Born This Way", "song"),)


def test_a_name_comes_before_an_alias_of_another_entity():
    gazetteer = Gazetteer.from_entities(
        [
            make_entity("Queen", type="group"),
            make_entity("Beyoncé", id="beyonce", aliases=["Queen"]),
        ]
    )

    (mention,) = gazetteer.find("Queen played.")

    assert mention.entity.id == "queen"
    assert [e.id for e in mention.alternatives] == ["beyonce"]


def test_gazetteer_reads_database_rows_generator_entities_and_bank_entities(bank):
    row = Entity(id="jay-z", name="Jay-Z", type="person", aliases=["Jay Z"])
    info = EntityInfo(id="cher", name="Cher", type="person", aliases=())

    assert [m.entity.id for m in Gazetteer.from_entities([row]).find("JAY Z")] == ["jay-z"]
    assert [m.entity.id for m in Gazetteer.from_entities([info]).find("Cher's")] == ["cher"]
    from_bank = Gazetteer.from_entities(bank.entities.values())
    assert [m.entity.id for m in from_bank.find("Beyonce and Jay Z")] == ["beyonce", "jay-z"]


# --- Suggestions ------------------------------------------------------------------------------

EMPTY = Gazetteer.from_entities([])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # New names.
        ("Kid Cudi caught him.", [("new_name", "Kid Cudi", None)]),
        ("She met Jo Calderone backstage.", [("new_name", "Jo Calderone", None)]),
        ("Fans cheered for Tyler, the Creator.", [("new_name", "Tyler, the Creator", None)]),
        (
            "Kermit the Frog met St. Vincent and Mr. Brainwash.",
            [
                ("new_name", "Kermit the Frog", None),
                ("new_name", "St. Vincent", None),
                ("new_name", "Mr. Brainwash", None),
            ],
        ),
        ("I said hello to Dev J. Patel.", [("new_name", "Dev J. Patel", None)]),
        (
            "The crowd loved Kanye's Yeezy shoes.",
            [("new_name", "Kanye", None), ("new_name", "Yeezy", None)],
        ),
        ("They came with The Weeknd.", [("new_name", "The Weeknd", None)]),
        ("They played Watch The Throne.", [("new_name", "Watch The Throne", None)]),
        # Words capitalised only because they open a sentence, a quotation or a clause.
        ("The show was long.", []),
        ("In London, fans waited.", [("new_name", "London", None)]),
        ("Thanks to Kreayshawn.", [("new_name", "Kreayshawn", None)]),
        ("Particularly Foo Fighter fans cheered.", [("new_name", "Foo Fighter", None)]),
        ("Later, I'm told, Sunday was quiet.", []),
        ("Fans left. Critics stayed.", []),
        ("Ozzy left. Fans saw Ozzy go.", [("new_name", "Ozzy", None), ("new_name", "Ozzy", None)]),
        ('He said: "Great show."', []),
        ("Visit Example.com for more.", []),
        # Headlines capitalise every word: no new names there.
        ("Kid Cudi Wins Big At The Glitter Awards", []),
        # Titles.
        ('She sang "Bad Romance" live.', [("title", "Bad Romance", None)]),
        (
            'She sang "Telephone," "Alejandro" and "Judas" live.',
            [("title", "Telephone", None), ("title", "Alejandro", None), ("title", "Judas", None)],
        ),
        ("“Paper Lanterns” topped the chart.", [("title", "Paper Lanterns", None)]),
        (
            "'Jersey Shore' stars met ‘Paper Lanterns’ fans.",
            [("title", "Jersey Shore", None), ("title", "Paper Lanterns", None)],
        ),
        ("The cast of 'Watch the Throne' left.", [("title", "Watch the Throne", None)]),
        ('She said, "we won it all."', []),
        ('He shouted, "Wow!" and left.', []),
        ('"Hi, I\'m Dave," he said.', [("new_name", "Dave", None)]),
        ("The ladies' man arrived.", []),
        # Years.
        ("Born in 1999, not 1850 or 2100, the 1990s or 20100.", [("year", "1999", None)]),
        ("It sold 1.5 million copies in 2010.", [("year", "2010", None)]),
        ("It ran 2010-2011.", [("year", "2010", None), ("year", "2011", None)]),
    ],
)
def test_suggest_facts_with_no_known_entities(text, expected):
    results = suggest_facts(text, EMPTY)

    assert found(text, EMPTY) == expected
    assert_consistent(text, results)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A known entity beats a new name; what is left of the run is still a new name.
        (
            "Particularly Foo Fighter Dave Grohl's intro.",
            [("new_name", "Foo Fighter", None), ("known", "Dave Grohl", "dave-grohl")],
        ),
        (
            "Lady Gaga and Cher hugged.",
            [("known", "Lady Gaga", "lady-gaga"), ("known", "Cher", "cher")],
        ),
        # A title that is exactly a known entity is that entity.
        ('She sang "Born This Way" live.', [("known", "Born This Way", "born-this-way")]),
        # A title takes the names and years inside it.
        (
            'She filmed "Lady Gaga Presents the Monster Ball Tour" in 2011.',
            [("title", "Lady Gaga Presents the Monster Ball Tour", None), ("year", "2011", None)],
        ),
        # A known entity takes the year inside its name.
        ("The 2010 VMAs were her moment.", [("known", "2010 VMAs", "vma-2010")]),
        (
            "Jay Z And Beyoncé Celebrate Baby News",
            [("known", "Jay Z", "jay-z"), ("known", "Beyoncé", "beyonce")],
        ),
    ],
)
def test_suggest_facts_precedence(gazetteer, text, expected):
    assert found(text, gazetteer) == expected


def test_suggest_facts_on_a_new_article(bank_gazetteer):
    results = suggest_facts(AWARDS_ARTICLE, bank_gazetteer)

    assert_consistent(AWARDS_ARTICLE, results)
    by_sentence = [
        [(m.category.value, m.text, m.entity.id if m.entity else None) for m in r.mentions]
        for r in results
    ]
    assert by_sentence == [
        [("year", "2031", None)],
        [
            ("known", "NEW YORK", "new-york-city"),
            # An event named with its year is one name (issue 14).
            ("new_name", "2031 Glitter Awards", None),
            ("new_name", "Marisol Quintero", None),
        ],
        [
            ("new_name", "Best Debut", None),
            ("title", "Paper Lanterns", None),
            ("known", "Radio City", "radio-city-music-hall"),
        ],
        [("new_name", "Mr. Okafor", None), ("known", "Beyonce", "beyonce")],
        [("new_name", "Quintero", None), ("new_name", "Dev J. Patel", None)],
        [("known", "Jay Z", "jay-z")],
        [("year", "1999", None), ("known", "Cher", "cher")],
    ]


def test_every_sentence_is_kept_even_without_mentions(bank_gazetteer):
    text = "Nothing happened here. Cher arrived."

    results = suggest_facts(text, bank_gazetteer)

    assert [r.sentence for r in results] == split_sentences(text)
    assert results[0].mentions == ()


@pytest.mark.parametrize(
    ("article_id", "surface", "entity_id"),
    [
        ("vma-2010-gaga-triumph", "LOS ANGELES", "los-angeles"),
        ("vma-2010-gaga-triumph", "Gaga's team", "lady-gagas-entourage"),
        ("vma-2010-gaga-triumph", "dress made of meat", "meat-dress"),
        ("vma-2010-gaga-triumph", "2010 MTV Video Music Awards", "vma-2010"),
        ("vma-2011-backstage", "Tyler, the Creator", "tyler-the-creator"),
        ("vma-2011-backstage", "Kanye", "kanye-west"),
        ("vma-2011-backstage", "Jenni", "jwoww"),
        ("vma-2011-backstage", "Jay Z", "jay-z"),
        ("vma-2011-backstage", "Jay-Z", "jay-z"),
        ("vma-2011-backstage", "30 Seconds to Mars", "30-seconds-to-mars"),
        ("vma-2011-backstage", "The Kill", "the-kill"),
    ],
)
def test_bundled_articles_mention_their_entities(
    bank, bank_gazetteer, article_id, surface, entity_id
):
    text = bank.articles[article_id].text

    results = suggest_facts(text, bank_gazetteer)

    assert_consistent(text, results)
    known = {(m.text, m.entity.id) for r in results for m in r.mentions if m.entity}
    assert (surface, entity_id) in known


def test_bundled_articles_suggest_new_names(bank, bank_gazetteer):
    text = bank.articles["vma-2011-backstage"].text

    names = {m.text for r in suggest_facts(text, bank_gazetteer) for m in r.mentions}

    assert {"Foo Fighter", "Gago", "Twitter"} <= names
    assert not {"Thanks", "Therefore", "Particularly", "Sunday", "Find", "Stick"} & names


def test_results_are_frozen_and_deterministic(bank_gazetteer):
    first = suggest_facts(AWARDS_ARTICLE, bank_gazetteer)

    assert first == suggest_facts(AWARDS_ARTICLE, bank_gazetteer)
    mention = first[1].mentions[0]
    assert isinstance(mention, Mention)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mention.text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first[0].sentence.start = 3  # type: ignore[misc]


def test_entity_order_does_not_change_the_result(gazetteer):
    text = "Beyoncé sang Born This Way; Jay Z and Tyler watched."

    shuffled = Gazetteer.from_entities(list(reversed(ENTITIES)))

    assert shuffled.find(text) == gazetteer.find(text)
    assert suggest_facts(text, shuffled) == suggest_facts(text, gazetteer)


# --- Name spotting for fact proposals (issue 14) ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Multi-word award names stay whole.
        (
            "She won Record of the Year and Best Song of the Summer.",
            [("Record of the Year", "award"), ("Best Song of the Summer", "award")],
        ),
        (
            "Taylor Swift won Best Female Video.",
            [("Taylor Swift", "person"), ("Best Female Video", "award")],
        ),
        ("He took Best Actor in a Drama.", [("Best Actor in a Drama", "award")]),
        # Other openers of award categories, with their "in a ..." part.
        (
            "She took home Outstanding Lead Actress in a Drama Series.",
            [("Outstanding Lead Actress in a Drama Series", "award")],
        ),
        ("He won Favorite Pop Artist.", [("Favorite Pop Artist", "award")]),
        ("The Audience Award went to her.", [("Audience Award", "award")]),
        # A band's leading "The", also where it opens a sentence.
        (
            "The Killers played. Fans loved The Killers.",
            [("The Killers", "group"), ("The Killers", "group")],
        ),
        ("She toured with the band Velvet Revolver.", [("Velvet Revolver", "group")]),
        # An event named with its year, also in a headline.
        ("Fans filled the 2024 Golden Reel Awards.", [("2024 Golden Reel Awards", "event")]),
        ("Stars Shine At The 2025 Starlight Gala", [("2025 Starlight Gala", "event")]),
        # Places.
        (
            "It was held at the Cobalt Arena in Toronto.",
            [("Cobalt Arena", "venue"), ("Toronto", "city")],
        ),
        # Titles: an album is not a song, a series is a show.
        ('Her debut album, "Low Tide," is out.', [("Low Tide", "album")]),
        ('He sang "Paper Moon," the band\'s first single.', [("Paper Moon", "song")]),
        ('She stars in the series "Northern Post."', [("Northern Post", "show")]),
        # A job title opening the sentence is not part of the name.
        ("Director Tomas Varga won.", [("Tomas Varga", "person")]),
        # A duo, and an act whose name opens with a number word.
        ("It went to Macklemore & Ryan Lewis.", [("Macklemore & Ryan Lewis", "group")]),
        ("The Velvet Foxes won.", [("The Velvet Foxes", "group")]),
        ("One Direction won it.", [("One Direction", "person")]),
        # A place's surname is not a person's: "Brooklyn" is the city.
        (
            "It was held at the Barclays Center in Brooklyn, near the Brooklyn Bridge.",
            [("Barclays Center", "venue"), ("Brooklyn", "city"), ("Brooklyn Bridge", "venue")],
        ),
        # Journalism's descriptions are not names: a lone adjective, a demonym before a job.
        ("The Tennessee-born singer won.", []),
        ("The Irish actress Saoirse Vance won.", [("Saoirse Vance", "person")]),
        ("It was the Atlanta rapper's night.", []),
        ("The Puerto Rican rapper won.", []),
        # A name with two particles; a plain "and" before a job is not a description.
        ("Javi de la Cruz won.", [("Javi de la Cruz", "person")]),
        (
            "She hugged Marcus Oyelaran and newcomer Rosie Kwan.",
            [("Marcus Oyelaran", "person"), ("Rosie Kwan", "person")],
        ),
        # After a job, a name is a person's, whatever its last word.
        ("She hugged guitarist Theo Park.", [("Theo Park", "person")]),
        # A company, and a name in apposition ("X, the Beacon TV presenter").
        (
            "Reggie Amadi, the Beacon TV presenter, smiled.",
            [("Reggie Amadi", "person"), ("Beacon TV", "company")],
        ),
        # A trophy named before its award; a show's round named with its year.
        (
            "She was handed the Golden Lantern for Best Director.",
            [("Golden Lantern", "trophy"), ("Best Director", "award")],
        ),
        (
            "Fans filled the Sing Nation 2025 semi-final.",
            [("Sing Nation 2025 semi-final", "event")],
        ),
        # An event with its year after its name; a month and its year are a date.
        ("She won at the Premios Sol 2024.", [("Premios Sol 2024", "event")]),
    ],
)
def test_name_spotting_finds_whole_names_with_a_fitting_type(text, expected):
    assert names(text) == expected


def test_a_month_and_its_year_are_a_date_not_an_event():
    assert all(kind != "event" for _, kind in names("It aired in March 2024 on Channel 4."))


def test_a_headline_names_what_the_body_names():
    text = "Mara Vance Takes Record Of The Year\n\nMara Vance won big on Sunday."

    assert names(text)[0] == ("Mara Vance", "person")


def test_a_name_has_one_type_in_the_whole_article():
    text = 'The band released "Paper Moon" as a single. Later they played "Paper Moon" again.'

    assert {guess for name, guess in names(text)} == {"song"}
