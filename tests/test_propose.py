"""The fact proposer (quizapp/workspace/propose.py): proposals, the corpus, article files.

Plain data in, plain data out, against the bundled bank read from files (and once against
the bundled database); the corpus test runs the proposer on tests/data/unseen_articles,
articles the bank has never seen.
"""

import pytest
from sqlmodel import select

from bench.proposals import (
    BLIND,
    BLIND_LATEST,
    FINAL_BLIND,
    HELD_OUT,
    close,
    score_corpus,
    totals,
)
from quizapp.bank.files import read_bank
from quizapp.core.paths import resource_dir
from quizapp.models import Article
from quizapp.workspace.propose import (
    ArticleFileError,
    Proposer,
    base_form,
    many_roles,
    parse_article,
    proposals_for_stored_article,
    propose_facts,
    propose_for_article,
)


@pytest.fixture(scope="module")
def bank():
    return read_bank(resource_dir("question_bank"))


@pytest.fixture(scope="module")
def proposer(bank) -> Proposer:
    return Proposer.from_bank(bank)


def proposed(proposer: Proposer, text: str, event_id: str | None = None) -> list[dict]:
    return [
        p.as_json(many_roles(proposer.kinds[p.kind]))
        for p in proposer.propose(text, event_id=event_id)
    ]


RECALL_FLOOR = 0.79
LATEST_RECALL_FLOOR = 0.88

# --- The corpus -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    return score_corpus()


def test_recall_and_precision_on_unseen_articles_reach_the_goal(corpus):
    scores = corpus

    assert len(scores) >= 5 and len([s for s in scores if s.name in HELD_OUT]) == len(HELD_OUT)
    recall, precision, expected, proposals = totals(scores)
    assert expected >= 60 and proposals > 0
    assert recall >= 0.70, f"recall {recall:.1%}"
    assert precision >= 0.80, f"precision {precision:.1%}"


def test_articles_written_blind_by_others_keep_their_measured_figures(corpus):
    # Journalism nobody here wrote, on its own: the floor is the figure measured
    # (docs/editing.md), so that a change cannot quietly lose ground on it.
    scores = [s for s in corpus if s.name in BLIND and s.name not in BLIND_LATEST]

    assert len(scores) == len(BLIND) - len(BLIND_LATEST)
    recall, precision, expected, proposals = totals(scores)
    assert expected >= 200
    assert recall >= RECALL_FLOOR, f"recall {recall:.1%}"
    assert precision >= 0.80, f"precision {precision:.1%}"


def test_the_latest_blind_set_keeps_its_measured_figures(corpus):
    # The fourth blind set, tuned on from the third round: its own floor, as measured
    # (docs/editing.md), beside the earlier sets' floor above.
    scores = [s for s in corpus if s.name in BLIND_LATEST]

    assert len(scores) == len(BLIND_LATEST)
    recall, precision, expected, proposals = totals(scores)
    assert expected >= 60
    assert recall >= LATEST_RECALL_FLOOR, f"recall {recall:.1%}"
    assert precision >= 0.85, f"precision {precision:.1%}"


def test_the_final_blind_sets_keep_their_measured_figures(corpus):
    # Eight articles nobody tuned on, measured once at the end of issue 14: the honest figure
    # for unseen text, below the goal (docs/editing.md). The floor keeps it from
    # quietly falling.
    scores = [s for s in corpus if s.name in FINAL_BLIND]

    assert len(scores) == len(FINAL_BLIND)
    recall, precision, expected, proposals = totals(scores)
    assert expected >= 120
    assert recall >= 0.50, f"recall {recall:.1%}"
    assert precision >= 0.85, f"precision {precision:.1%}"


def test_a_proposal_one_role_off_is_close_but_two_are_not():
    fact = {"kind": "sang", "roles": {"singer": "A", "song": "B", "event": "E"}}

    assert close(fact, fact)
    assert close({"kind": "sang", "roles": {"singer": "A", "song": "X", "event": "E"}}, fact)
    assert close({"kind": "sang", "roles": {"singer": "A", "song": "B"}}, fact)
    assert not close({"kind": "sang", "roles": {"singer": "X", "song": "Y", "event": "E"}}, fact)
    assert not close({"kind": "performed_with", "roles": fact["roles"]}, fact)


# --- Proposals --------------------------------------------------------------------------------


def test_a_proposal_is_complete_typed_and_verbatim(proposer):
    text = (
        "The 2030 Comet Awards were held at the Lumen Arena.\n\n"
        'Kai Rowe won Best Male Video for "Night Drive," and Katy Perry handed Rowe the '
        "Comet Award for Best Male Video."
    )

    found = proposer.propose(text)

    by_kind = {p.kind: p for p in found}
    held = by_kind["held_at"]
    assert held.evidence == text[held.start : held.start + len(held.evidence)]
    assert {r: [f.text for f in fs] for r, fs in held.roles.items()} == {
        "event": ["2030 Comet Awards"],
        "venue": ["Lumen Arena"],
    }
    assert {(e.name, e.type) for e in held.new_entities} == {
        ("2030 Comet Awards", "event"),
        ("Lumen Arena", "venue"),
    }
    win = by_kind["award_win"].as_json()
    assert win["roles"] == {
        "winner": "Kai Rowe",
        "award": "Best Male Video",
        "work": "Night Drive",
        "event": "2030 Comet Awards",
    }
    assert ("Night Drive", "song") in {(e.name, e.type) for e in by_kind["award_win"].new_entities}
    for proposal in found:
        assert 0 < proposal.confidence <= 1
        kind = proposer.kinds[proposal.kind]
        assert all(r in proposal.roles for r, spec in kind.roles.items() if not spec.optional)


def facts_of(found: list[dict]) -> list[dict]:
    """Proposals as kind and roles only, as the corpus's expected facts are written."""
    return [{"kind": p["kind"], "roles": p["roles"]} for p in found]


def test_journalism_descriptions_ages_and_trophies_around_names(proposer):
    text = (
        "NASHVILLE — The 2030 Comet Awards wrapped on Sunday at the Lumen Arena.\n\n"
        "Singer Mara Quinn, 24, was handed the Golden Lantern for Best Breakthrough by "
        "veteran actor Paul Reyes.\n\n"
        "Maya Okafor, nominated for Best Actress, lost out to Ines Marlowe, who accepted the "
        "statuette from festival director Annika Shaw."
    )

    found = facts_of(proposed(proposer, text))

    event = "2030 Comet Awards"
    for fact in [
        {"kind": "held_in", "roles": {"event": event, "city": "Nashville"}},
        {"kind": "held_at", "roles": {"event": event, "venue": "Lumen Arena"}},
        {"kind": "trophy", "roles": {"event": event, "trophy": "Golden Lantern"}},
        {
            "kind": "presented",
            "roles": {
                "presenter": "Paul Reyes",
                "recipient": "Mara Quinn",
                "award": "Best Breakthrough",
                "event": event,
            },
        },
        {
            "kind": "award_win",
            "roles": {"winner": "Mara Quinn", "award": "Best Breakthrough", "event": event},
        },
        {
            "kind": "award_win",
            "roles": {"winner": "Ines Marlowe", "award": "Best Actress", "event": event},
        },
    ]:
        assert fact in found
    assert not any(
        p["kind"] == "award_win" and p["roles"]["winner"] == "Maya Okafor" for p in found
    )


def test_the_actress_and_a_title_or_a_surname_are_the_person_named_before(proposer):
    text = (
        "Dr. Amelia Stone opened the 2030 Comet Awards. The 52-year-old Irish actress was "
        "handed Best Documentary by Paul Reyes. Amelia Stone thanked her crew, and Stone later "
        'joined host Kim Lee for a stripped-back duet of "Blue Skies".'
    )

    found = proposer.propose(text)

    people = {e.name for p in found for e in p.new_entities if e.type == "person"}
    assert people == {"Dr. Amelia Stone", "Paul Reyes", "Kim Lee"}
    facts = facts_of([p.as_json(many_roles(proposer.kinds[p.kind])) for p in found])
    assert {
        "kind": "performed_with",
        "roles": {
            "performer": "Dr. Amelia Stone",
            "partner": "Kim Lee",
            "event": "2030 Comet Awards",
        },
    } in facts
    singers = {f["roles"]["singer"] for f in facts if f["kind"] == "sang"}
    assert singers == {"Dr. Amelia Stone", "Kim Lee"}
    assert any(
        f["kind"] == "presented" and f["roles"]["recipient"] == "Dr. Amelia Stone" for f in facts
    )


def test_a_position_before_a_name_joins_the_band_in_context(proposer):
    text = (
        "The Hollow Pines won Best Group at the 2030 Comet Awards. Later, drummer Eli Sato "
        "thanked the crowd."
    )

    found = facts_of(proposed(proposer, text))

    assert {
        "kind": "band_member",
        "roles": {"member": "Eli Sato", "band": "The Hollow Pines", "position": "drummer"},
    } in found
    # Without a band anywhere before, a drummer is nobody's member.
    assert not any(p["kind"] == "band_member" for p in proposed(proposer, "Drummer Eli Sato won."))


def test_a_win_in_a_participle_and_the_top_prize_from_a_presenter(proposer):
    text = (
        "Pop star Nova Reyes was the big winner at the 2030 Comet Awards, taking home three "
        'trophies, including Album of the Year for "Neon Hearts". Reyes, 27, accepted the top '
        'prize from rock legend Mick Darrow, who called her "the future of pop." She later '
        'performed "Glass Ceiling" with rapper K-Dawg.'
    )

    found = facts_of(proposed(proposer, text))

    event = "2030 Comet Awards"
    assert {
        "kind": "award_win",
        "roles": {
            "winner": "Nova Reyes",
            "award": "Album of the Year",
            "work": "Neon Hearts",
            "event": event,
        },
    } in found
    assert {
        "kind": "presented",
        "roles": {
            "presenter": "Mick Darrow",
            "recipient": "Nova Reyes",
            "award": "Album of the Year",
            "event": event,
        },
    } in found
    # Both sang the song they performed together; praise in quotes is not a nickname.
    singers = {p["roles"]["singer"] for p in found if p["kind"] == "sang"}
    assert singers == {"Nova Reyes", "K-Dawg"}
    assert not any(p["kind"] == "nicknamed" for p in found)


def test_a_subject_set_off_by_a_nickname_or_a_clause_keeps_its_verb(proposer):
    text = (
        'At the 2030 Comet Awards, Rosa Blue, known to fans as "The Siren," performed her hit '
        '"Deep Water". Comedian Benny Marks, who hosted the evening, handed Rosa Blue a bouquet '
        "of roses as she left. Winners get a bronze statuette known as the Gull."
    )

    found = facts_of(proposed(proposer, text))

    event = "2030 Comet Awards"
    for fact in [
        {"kind": "sang", "roles": {"singer": "Rosa Blue", "song": "Deep Water", "event": event}},
        {
            "kind": "nicknamed",
            "roles": {"subject": "Rosa Blue", "nickname": "The Siren", "given_by": "fans"},
        },
        {
            "kind": "gave",
            "roles": {
                "giver": "Benny Marks",
                "receiver": "Rosa Blue",
                "thing": "bouquet of roses",
                "event": event,
            },
        },
        {"kind": "trophy", "roles": {"trophy": "Gull", "event": event}},
    ]:
        assert fact in found


def test_a_band_on_stage(proposer):
    text = (
        "The Iron Tides played the 2030 Comet Awards. Lead singer Carla Moss, 45, opened with "
        '"Salt and Rust" before bassist Dev Patel joined her on vocals. Singer-songwriter Leo '
        'Grant surprised the crowd by covering "Salt and Rust" with Moss. Fans have long '
        'called Moss "the Queen of Lake Street." TV host Gemma Price, star of the reality '
        'series "Cabin Fever," introduced them.'
    )

    found = facts_of(proposed(proposer, text))

    event = "2030 Comet Awards"
    for fact in [
        {
            "kind": "sang",
            "roles": {"singer": "Carla Moss", "song": "Salt and Rust", "event": event},
        },
        {"kind": "sang", "roles": {"singer": "Leo Grant", "song": "Salt and Rust", "event": event}},
        {
            "kind": "performed_with",
            "roles": {"performer": "Dev Patel", "partner": "Carla Moss", "event": event},
        },
        {
            "kind": "performed_with",
            "roles": {"performer": "Leo Grant", "partner": "Carla Moss", "event": event},
        },
        {
            "kind": "band_member",
            "roles": {"member": "Dev Patel", "band": "The Iron Tides", "position": "bassist"},
        },
        {
            "kind": "nicknamed",
            "roles": {
                "subject": "Carla Moss",
                "nickname": "the Queen of Lake Street",
                "given_by": "Fans",
            },
        },
        {"kind": "star_of", "roles": {"stars": ["Gemma Price"], "show": "Cabin Fever"}},
    ]:
        assert fact in found


@pytest.mark.parametrize(
    ("dateline", "city"),
    [
        ("NASHVILLE —", "Nashville"),
        ("LOS ANGELES, Feb. 2 (AP) —", "Los Angeles"),
        ("MEXICO CITY (Reuters) —", "Mexico City"),
    ],
)
def test_a_dateline_is_the_event_city_title_cased(proposer, dateline, city):
    found = facts_of(proposed(proposer, f"{dateline} The 2030 Comet Awards were a hit."))

    assert {"kind": "held_in", "roles": {"event": "2030 Comet Awards", "city": city}} in found


def test_an_event_named_by_its_opening_word_and_surnames_with_particles(proposer):
    text = (
        "MIAMI — Puerto Rican rapper Javi de la Cruz was named Best Urban Artist at the 2030 "
        'Premios Luna. De la Cruz later performed "Noche Loca". The top honor, Artist of the '
        "Year, went to the duo Sol y Sombra."
    )

    found = facts_of(proposed(proposer, text))

    event = "2030 Premios Luna"
    for fact in [
        {"kind": "held_in", "roles": {"event": event, "city": "Miami"}},
        {
            "kind": "award_win",
            "roles": {"winner": "Javi de la Cruz", "award": "Best Urban Artist", "event": event},
        },
        {
            "kind": "sang",
            "roles": {"singer": "Javi de la Cruz", "song": "Noche Loca", "event": event},
        },
        {
            "kind": "award_win",
            "roles": {"winner": "Sol y Sombra", "award": "Artist of the Year", "event": event},
        },
    ]:
        assert fact in found


def test_a_fan_says_so_to_the_idol(proposer):
    text = (
        "Ava Lin sang at the 2030 Comet Awards. Ava Lin told Harriet Vale that her 2009 hit "
        '"Carry Me Home" had been her favorite song. Theo Marsh had confessed to Lady Gaga that '
        "he was a lifelong fan."
    )

    found = facts_of(proposed(proposer, text))

    event = "2030 Comet Awards"
    assert {
        "kind": "fan_of",
        "roles": {
            "fan": "Ava Lin",
            "idol": "Harriet Vale",
            "favorite": "Carry Me Home",
            "event": event,
        },
    } in found
    assert {
        "kind": "fan_of",
        "roles": {"fan": "Theo Marsh", "idol": "Lady Gaga", "event": event},
    } in found


def test_the_one_venue_of_a_report_is_where_its_event_was_held(proposer):
    one = (
        "The Hollow Pines headlined the 2030 Comet Awards. Their new drummer was introduced to "
        "the crowd at Lakeview Park."
    )
    two = one + " The band first met at the Cobalt Arena in 2019."

    held = [p for p in facts_of(proposed(proposer, one)) if p["kind"] == "held_at"]

    assert held == [
        {"kind": "held_at", "roles": {"event": "2030 Comet Awards", "venue": "Lakeview Park"}}
    ]
    # Two venues and no sentence saying which: nothing.
    assert not any(p["kind"] == "held_at" for p in proposed(proposer, two))


def test_a_nickname_inside_a_name(proposer):
    text = (
        'At the 2030 Comet Awards, guitarist Fenella "Fen" Munro was back. "It feels like '
        'home," said Munro.'
    )

    found = facts_of(proposed(proposer, text))

    assert {"kind": "nicknamed", "roles": {"subject": "Fenella Munro", "nickname": "Fen"}} in found
    speakers = {p["roles"]["speaker"] for p in found if p["kind"] == "said"}
    assert speakers == {"Fenella Munro"}


def test_first_met_at_a_place_and_a_band_in_apposition(proposer):
    text = (
        "At the 2030 Comet Awards, Rosie Kwan first met Marcus Oyelaran at a table read in 2023. "
        "Best Group went to Static Youth, the Chicago collective led by frontman Jaylen Brooks."
    )

    found = facts_of(proposed(proposer, text))

    event = "2030 Comet Awards"
    for fact in [
        {
            "kind": "met",
            "roles": {
                "people": ["Rosie Kwan"],
                "met": "Marcus Oyelaran",
                "detail": "for the first time at a table read in 2023",
                "event": event,
            },
        },
        {
            "kind": "band_member",
            "roles": {"member": "Jaylen Brooks", "band": "Static Youth", "position": "frontman"},
        },
        {
            "kind": "award_win",
            "roles": {"winner": "Static Youth", "award": "Best Group", "event": event},
        },
    ]:
        assert fact in found
    assert len([p for p in found if p["kind"] == "met"]) == 1


def test_an_outing_is_proposed_in_its_base_form(proposer):
    text = "At the 2030 Comet Awards, Rosie Kwan walked the carpet arm-in-arm with Delphine Archer."

    found = proposed(proposer, text)

    outing = next(p for p in found if p["kind"] == "hung_out")
    assert outing["roles"]["activity"] == "walk the carpet arm-in-arm with"
    assert outing["roles"]["people"] == ["Rosie Kwan"]
    assert outing["roles"]["companion"] == "Delphine Archer"


@pytest.mark.parametrize(
    ("phrase", "base"),
    [
        ("walked onstage with", "walk onstage with"),
        ("rehearsing with", "rehearse with"),
        ("danced with", "dance with"),
        ("chatted with", "chat with"),
        ("partied with", "party with"),
        ("hung out with", "hang out with"),
        ("strolled with", "stroll with"),
        ("hug", "hug"),
    ],
)
def test_base_form(phrase, base):
    assert base_form(phrase) == base


def test_known_entities_are_named_by_id_and_not_listed_as_new(proposer):
    text = 'Katy Perry performed "Roar" with Kanye West at the 2011 VMAs.'

    found = proposer.propose(text, event_id="vma-2011")

    performed = next(p for p in found if p.kind == "performed_with")
    assert performed.roles["performer"][0].entity_id == "katy-perry"
    assert performed.roles["partner"][0].entity_id == "kanye-west"
    assert performed.roles["event"][0].entity_id == "vma-2011"
    assert performed.new_entities == ()


def test_roles_whose_types_do_not_fit_propose_nothing(proposer):
    # An event cannot be a winner, an award cannot be a venue.
    text = (
        "The 2030 Comet Awards gave Best Male Video a new look. "
        "The 2030 Comet Awards took place at Best Male Video."
    )

    assert proposer.propose(text) == []


def test_nothing_is_proposed_without_a_cue(proposer):
    text = "Kai Rowe and Lena Ortiz were in Toronto. Fans waited for hours outside the Lumen Arena."

    assert proposer.propose(text) == []


def test_a_required_event_missing_means_no_proposal(proposer):
    # "sang" needs an event; this article names none.
    assert proposed(proposer, 'Kai Rowe sang "Night Drive" on a rooftop.') == []


def test_a_quote_with_a_pronoun_is_said_by_the_last_person_named_as_subject(proposer):
    text = (
        "Mara Vance met Felix Ortega for the first time.\n\n"
        '"He is even funnier in person," she said.'
    )

    said = [p for p in proposed(proposer, text) if p["kind"] == "said"]

    assert said == [
        {
            "kind": "said",
            "roles": {"quote": "He is even funnier in person", "speaker": "Mara Vance"},
            "evidence": '"He is even funnier in person," she said.',
            "new_entities": [{"name": "Mara Vance", "type": "person"}],
            "confidence": said[0]["confidence"],
        }
    ]


def test_a_surname_stands_for_the_full_name(proposer):
    text = 'Director Tomas Varga arrived early. "I wrote this film in a kitchen," Varga said.'

    said = [p for p in proposed(proposer, text) if p["kind"] == "said"]

    assert said[0]["roles"]["speaker"] == "Tomas Varga"


def test_he_and_she_are_not_the_same_person(proposer):
    text = (
        "Dave Grohl went backstage when he met Lady Gaga, "
        "and Brian May performed with her at the 2011 VMAs."
    )

    found = [p for p in proposed(proposer, text, "vma-2011") if p["kind"] == "performed_with"]

    assert [p["roles"]["partner"] for p in found] == ["Lady Gaga"]


def test_an_object_pronoun_is_not_the_subject_of_its_own_clause(proposer):
    text = (
        "Justin Timberlake was the night's big winner at the 2013 Comet Awards. "
        "Jimmy Fallon handed him the Video Vanguard Award."
    )

    presented = [p["roles"] for p in proposed(proposer, text) if p["kind"] == "presented"]

    assert presented == [
        {
            "presenter": "Jimmy Fallon",
            "recipient": "Justin Timberlake",
            "award": "Video Vanguard Award",
            "event": "2013 Comet Awards",
        }
    ]


def test_the_award_is_the_award_named_last(proposer):
    text = (
        "Mara Vance won Record of the Year at the 2025 Comet Awards. "
        "Later, Katy Perry handed her the award."
    )

    presented = [p["roles"] for p in proposed(proposer, text) if p["kind"] == "presented"]

    assert presented[0]["award"] == "Record of the Year"
    assert presented[0]["recipient"] == "Mara Vance"


def test_the_award_presented_in_the_next_sentence_went_to_its_winner(proposer):
    text = (
        "The 2025 Comet Awards saw Mara Vance, 34, take home Outstanding Lead Actress in a "
        "Drama Series. The award was presented by Oren Vasquez, who joked about it."
    )

    found = proposed(proposer, text)

    assert {
        "winner": "Mara Vance",
        "award": "Outstanding Lead Actress in a Drama Series",
        "event": "2025 Comet Awards",
    } in [p["roles"] for p in found if p["kind"] == "award_win"]
    assert [p["roles"] for p in found if p["kind"] == "presented"] == [
        {
            "award": "Outstanding Lead Actress in a Drama Series",
            "presenter": "Oren Vasquez",
            "recipient": "Mara Vance",
            "event": "2025 Comet Awards",
        }
    ]


def test_an_award_presented_without_a_winner_named_before_is_not_proposed(proposer):
    text = "At the 2025 Comet Awards, the award was presented by Oren Vasquez."

    assert [p for p in proposed(proposer, text) if p["kind"] == "presented"] == []


def test_a_tour_titled_with_a_place_and_year_and_a_k_pop_line_up(proposer):
    text = (
        "SEOUL — K-pop quartet LUMINA played Hanbit Arena for Afterglow in Seoul 2025, the "
        "opening night. Leader Kang Ji-won and main rapper Ryu Dae-ho waved. Midway through "
        "the set, pop singer Ava Sterling strode out to join LUMINA on their collaboration "
        '"Paper Moon."'
    )

    found = [(p["kind"], p["roles"]) for p in proposed(proposer, text)]

    event = "Afterglow in Seoul 2025"
    assert ("held_in", {"event": event, "city": "Seoul"}) in found
    assert (
        "band_member",
        {"member": "Ryu Dae-ho", "band": "LUMINA", "position": "main rapper"},
    ) in found
    assert (
        "performed_with",
        {"performer": "Ava Sterling", "partner": "LUMINA", "event": event},
    ) in found
    assert ("sang", {"singer": "Ava Sterling", "song": "Paper Moon", "event": event}) in found
    assert ("sang", {"singer": "LUMINA", "song": "Paper Moon", "event": event}) in found


def test_a_guest_joining_a_band_for_its_single_did_not_sing_it(proposer):
    text = (
        'At the 2025 Comet Awards, Dave Grohl joined The Marigold Engines for their single "Copper '
        'Hearts."'
    )

    assert [p for p in proposed(proposer, text) if p["kind"] == "sang"] == []


def test_a_gala_at_a_museum_an_outing_after_an_age_and_a_job_of_a_fashion_house(proposer):
    text = (
        "NEW YORK — Stars descended on the Ashford Museum of Art for the 2025 Meridian Gala. "
        "Actress Nora Castellane, 31, arrived arm-in-arm with her boyfriend Jesse Vale, "
        "frontman of The Midnight Sparrows, in a gown by Valentin Roux, the creative director "
        "of Maison Aurele. Inside, Castellane met veteran rocker Dex Harlan for the first time."
    )

    found = [(p["kind"], p["roles"]) for p in proposed(proposer, text)]

    event = "2025 Meridian Gala"
    assert ("held_at", {"event": event, "venue": "Ashford Museum of Art"}) in found
    assert (
        "hung_out",
        {
            "people": ["Nora Castellane"],
            "companion": "Jesse Vale",
            "activity": "arrive arm-in-arm with",
            "event": event,
        },
    ) in found
    assert (
        "band_member",
        {"member": "Jesse Vale", "band": "The Midnight Sparrows", "position": "frontman"},
    ) in found
    assert (
        "works_as",
        {"person": "Valentin Roux", "position": "creative director", "employer": "Maison Aurele"},
    ) in found
    assert (
        "met",
        {
            "people": ["Nora Castellane"],
            "met": "Dex Harlan",
            "detail": "for the first time",
            "event": event,
        },
    ) in found


def test_a_duet_of_a_partners_hit_a_song_after_adjectives_and_a_presenters_words(proposer):
    text = (
        "NASHVILLE — It was Shelby Ray's night at the 2025 Heartland Music Awards. The singer, "
        'nicknamed "Little Dynamite" by her fans, took home Album of the Year for "Gravel Road '
        'Hymns." Ray teamed up with rock veteran Jack Delaney for a fiery duet of his 1998 hit '
        '"Whiskey and Rain." The Hollow Pines scooped Group of the Year. The award was '
        'presented by Darlene Pruitt, who told the crowd, "I have been rooting for these boys." '
        'Later, frontman Cody Barrow sang a hushed, acoustic "Long Way to Amarillo."'
    )

    found = [(p["kind"], p["roles"]) for p in proposed(proposer, text)]

    event = "2025 Heartland Music Awards"
    assert (
        "award_win",
        {
            "winner": "Shelby Ray",
            "award": "Album of the Year",
            "work": "Gravel Road Hymns",
            "event": event,
        },
    ) in found
    for singer in ("Shelby Ray", "Jack Delaney"):
        assert ("sang", {"singer": singer, "song": "Whiskey and Rain", "event": event}) in found
    assert (
        "said",
        {
            "speaker": "Darlene Pruitt",
            "quote": "I have been rooting for these boys.",
            "event": event,
        },
    ) in found
    assert (
        "sang",
        {"singer": "Cody Barrow", "song": "Long Way to Amarillo", "event": event},
    ) in found


def test_the_teenager_is_the_person_described_by_age_not_the_last_one_named(proposer):
    text = (
        "The Sing Nation 2025 semi-final saw 17-year-old Ava Lin advance. The guest mentor was "
        "soul legend Harriet Vale, who spent most of the week rehearsing with Lin. The "
        "teenager, who first met Vale at Monday's rehearsal, told Vale that her 1978 hit "
        '"Carry Me Home" had been her favorite song.'
    )

    found = [(p["kind"], p["roles"]) for p in proposed(proposer, text)]

    event = "Sing Nation 2025 semi-final"
    assert (
        "hung_out",
        {
            "people": ["Harriet Vale"],
            "companion": "Ava Lin",
            "activity": "rehearse with",
            "event": event,
        },
    ) in found
    assert (
        "met",
        {
            "people": ["Ava Lin"],
            "met": "Harriet Vale",
            "detail": "for the first time at Monday's rehearsal",
            "event": event,
        },
    ) in found
    assert (
        "fan_of",
        {"fan": "Ava Lin", "idol": "Harriet Vale", "favorite": "Carry Me Home", "event": event},
    ) in found


def test_an_outfit_opening_the_sentence_and_a_catch_in_the_passive(proposer):
    text = (
        "The 2025 Golden Lantern Television Awards were a night of upsets. Wearing an emerald "
        "velvet gown, Celeste Marin caught her heel on the top step and pitched forward, only "
        'to be caught by her "Harbor Lights" co-stars Jonah Pike and Priya Desai.'
    )

    found = [(p["kind"], p["roles"]) for p in proposed(proposer, text)]

    event = "2025 Golden Lantern Television Awards"
    assert (
        "wore",
        {"wearer": "Celeste Marin", "outfit": "emerald velvet gown", "event": event},
    ) in found
    assert (
        "caught",
        {"catchers": ["Jonah Pike", "Priya Desai"], "caught": "Celeste Marin", "event": event},
    ) in found


def test_telling_someone_i_am_a_huge_fan_is_being_their_fan(proposer):
    text = (
        "Inside the 2025 Meridian Gala, Mara Quinn met Dex Harlan. \"I'm a huge fan. 'Broken "
        "Compass' got me through high school,\" Quinn told Harlan. \"I'm a huge fan of the "
        'catering," Zoe Hartley told Harlan.'
    )

    fans = [p["roles"] for p in proposed(proposer, text) if p["kind"] == "fan_of"]

    assert fans == [{"fan": "Mara Quinn", "idol": "Dex Harlan", "event": "2025 Meridian Gala"}]


@pytest.mark.parametrize(
    "sentence",
    [
        "Mara Vance won Best Pop Video and Best Choreography.",
        "Mara Vance scooped two awards: Best Pop Video and Best Choreography.",
    ],
)
def test_a_win_of_two_awards_is_two_wins(proposer, sentence):
    found = proposed(proposer, "At the 2025 Comet Awards, " + sentence)

    assert sorted(p["roles"]["award"] for p in found if p["kind"] == "award_win") == [
        "Best Choreography",
        "Best Pop Video",
    ]


def test_two_songs_performed_are_two_facts(proposer):
    text = 'At the 2025 Comet Awards, Mara Vance performed "Night Drive" and "Glass Heart."'

    found = proposed(proposer, text)

    assert sorted(p["roles"]["song"] for p in found if p["kind"] == "sang") == [
        "Glass Heart",
        "Night Drive",
    ]


def test_a_duet_of_two_an_outfit_shown_off_and_an_event_in_its_twelfth_year(proposer):
    text = (
        "The 2025 Comet Awards, now in their 12th year, were held in Chicago. Mara Vance and "
        'Theo Ward performed a duet of "Night Drive." Later, Vance showed off a red gown by '
        'Versace and took the stage again to perform "Glass Heart." Then Theo Ward took the '
        'stage to perform "Paper Moon."'
    )

    found = [(p["kind"], p["roles"]) for p in proposed(proposer, text)]

    event = "2025 Comet Awards"
    assert ("edition", {"event": event, "edition": "12"}) in found
    assert ("held_in", {"event": event, "city": "Chicago"}) in found
    assert (
        "performed_with",
        {"performer": "Mara Vance", "partner": "Theo Ward", "event": event},
    ) in found
    for singer in ("Mara Vance", "Theo Ward"):
        assert ("sang", {"singer": singer, "song": "Night Drive", "event": event}) in found
    assert ("wore", {"wearer": "Mara Vance", "outfit": "red gown", "event": event}) in found
    # (Not the designer, whose name comes last before the song.)
    assert ("sang", {"singer": "Versace", "song": "Glass Heart", "event": event}) not in found
    assert ("sang", {"singer": "Theo Ward", "song": "Paper Moon", "event": event}) in found


def test_an_album_announced_after_that_and_a_run_of_verbs(proposer):
    text = (
        "During the encore of the 2025 Comet Awards, Kang Ji-won paused, grinned and announced "
        'that LUMINA\'s second full-length album, "Midnight Bloom," would arrive this fall.'
    )

    announced = [p["roles"] for p in proposed(proposer, text) if p["kind"] == "announced"]

    assert announced == [
        {"announcer": "Kang Ji-won", "album": "Midnight Bloom", "event": "2025 Comet Awards"}
    ]


def test_the_article_event_is_the_first_one_it_names(proposer):
    # The bank knows the 2010 VMAs, but the article is about the Comet Awards.
    text = (
        "The 2030 Comet Awards took place at the Lumen Arena. "
        'Kai Rowe sang "Night Drive" there. He last sang it at the 2010 VMAs.'
    )

    sang = [p for p in proposer.propose(text) if p.kind == "sang"]

    assert [f.text for f in sang[0].roles["event"]] == ["2030 Comet Awards"]


def test_a_dateline_names_the_events_city(proposer):
    text = "LOS ANGELES — The stars came out for the 2010 VMAs on Sunday."

    held = [p for p in proposer.propose(text) if p.kind == "held_in"]

    assert held[0].roles["city"][0].entity_id == "los-angeles"
    assert held[0].roles["event"][0].entity_id == "vma-2010"


def test_a_list_the_article_leaves_open_is_marked_open(proposer):
    text = (
        "At the 2030 Comet Awards, guests including Kai Rowe and Lena Ortiz congratulated "
        "Mara Vance on her win. Kai Rowe and Lena Ortiz congratulated Dex Harlan."
    )

    found = [p for p in proposer.propose(text) if p.kind == "congratulated"]

    assert [(len(p.roles["well_wishers"]), p.open_roles) for p in found] == [
        (2, ("well_wishers",)),
        (2, ()),
    ]


def test_a_quote_with_editorial_brackets_is_not_proposed(proposer):
    text = '"I met her [as Jo Calderone] tonight," Dave Grohl said.'

    assert [p for p in proposed(proposer, text) if p["kind"] == "said"] == []


def test_the_bank_teaches_itself_patterns_from_its_facts(bank, proposer):
    # "Queen guitarist Brian May" in the bundled bank's evidence.
    text = "The crowd cheered for Muse guitarist Matt Bellamy."

    found = proposed(proposer, text)

    assert {"member": "Matt Bellamy", "band": "Muse", "position": "guitarist"} in [
        p["roles"] for p in found if p["kind"] == "band_member"
    ]
    assert propose_facts(bank, text)[0].kind == "band_member"


def test_a_band_named_with_the_and_its_members(proposer):
    text = (
        "The Velvet Foxes played on Friday.\n\n"
        "Fans sang along with The Velvet Foxes. The band's frontman, Callum Reid, waved."
    )

    found = [p["roles"] for p in proposed(proposer, text) if p["kind"] == "band_member"]

    assert found == [{"band": "The Velvet Foxes", "position": "frontman", "member": "Callum Reid"}]


# --- Article files ----------------------------------------------------------------------------


def test_parse_article_reads_plain_text_and_the_banks_format():
    plain = parse_article("My Title\n\nSome text.")
    assert (plain.title, plain.event_id) == ("My Title", None)
    assert plain.text == "My Title\n\nSome text."

    bank = parse_article("---\nid: a\ntitle: The Title\nevent: vma-2011\n---\nBody text.\n")
    assert (bank.text, bank.title, bank.event_id) == ("Body text.\n", "The Title", "vma-2011")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "is empty"),
        ("---\ntitle: x\n", "no closing '---' line"),
        ("---\n- a list\n---\ntext", "YAML keys and values"),
        ("---\ntitle: [x\n---\ntext", "not valid YAML"),
        ("---\ntitle: x\n---\n   \n", "no text after it"),
    ],
)
def test_parse_article_says_what_to_fix(content, says):
    with pytest.raises(ArticleFileError, match=says.replace("'", ".")):
        parse_article(content)


# --- Against the database ---------------------------------------------------------------------


def test_the_database_bank_proposes_as_the_files_do(game_session, bank, proposer):
    text = 'Katy Perry performed "Roar" with Kanye West. Muse guitarist Matt Bellamy waved.'
    from_db = propose_for_article(game_session, text, event_id="vma-2011")

    assert from_db == proposer.propose(text, event_id="vma-2011")
    assert {p.kind for p in from_db} == {"sang", "performed_with", "band_member"}
    stored = game_session.exec(select(Article).where(Article.id == "vma-2011-backstage")).one()
    proposals = proposals_for_stored_article(game_session, stored)
    assert proposals and all(
        f.entity_id == "vma-2011" for p in proposals for f in p.roles.get("event", ())
    )
