"""The quiz writer's rules of the generator (issue 12), each on a small bank made here.

The banks are snapshots built by hand (no files, no database): a few people, awards and
works, with just the tags, requires, unique_given and open lists a rule needs.
"""

from collections import Counter

import pytest

from quizapp.core.text import fold
from quizapp.questions.generation import (
    ArticleInfo,
    BankSnapshot,
    EntityInfo,
    FactInfo,
    GenerationReport,
    QuestionDraft,
    RoleInfo,
    TemplateInfo,
    _fold,
    generate,
)
from quizapp.questions.preview import TemplateDraft, can_publish, preview_template
from quizapp.workspace.audit import POSITION_SHARE, TRUE_FALSE_SHARE

ARTICLE = "a-show"
EVENT = "show-2011"

KINDS = {
    "award_win": {
        "winner": RoleInfo(("person", "group")),
        "award": RoleInfo(("award",)),
        "event": RoleInfo(("event",)),
        "work": RoleInfo(("work",), optional=True),
    },
    "presented": {
        "presenter": RoleInfo(("person",)),
        "award": RoleInfo(("award",)),
        "event": RoleInfo(("event",)),
    },
    "caught": {
        "catchers": RoleInfo(("person",), many=True),
        "caught": RoleInfo(("person",)),
        "event": RoleInfo(("event",)),
    },
    "congratulated": {
        "well_wishers": RoleInfo(("person",), many=True),
        "congratulated": RoleInfo(("person",)),
        "event": RoleInfo(("event",)),
    },
    "said": {
        "speaker": RoleInfo(("person",), optional=True),
        "quote": RoleInfo(("text",)),
        "event": RoleInfo(("event",), optional=True),
    },
    "wore": {"wearer": RoleInfo(("person",)), "outfit": RoleInfo(("outfit",))},
}


def person(entity_id: str, name: str, *tags: str) -> EntityInfo:
    return EntityInfo(entity_id, name, "person", (), tuple(tags))


def thing(entity_id: str, name: str, entity_type: str, *tags: str) -> EntityInfo:
    return EntityInfo(entity_id, name, entity_type, (), tuple(tags))


def fact(fact_id: str, kind: str, article: str = ARTICLE, open_roles=(), **roles) -> FactInfo:
    return FactInfo(fact_id, kind, article, roles, f"Evidence of {fact_id}.", tuple(open_roles))


def template(
    template_id: str, kind: str, prompt: str, answer: str, style="multiple_choice", **requires
) -> TemplateInfo:
    wanted = {role: tuple(types) for role, types in requires.items()}
    return TemplateInfo(template_id, kind, style, prompt, answer, requires=wanted)


def snapshot(entities, facts, templates, unique_given=None) -> BankSnapshot:
    every = [*entities, thing(EVENT, "2011 Music Awards", "event")]
    articles = {
        ARTICLE: ArticleInfo(ARTICLE, "A show", EVENT),
        "other": ArticleInfo("other", "Another story", None),
    }
    return BankSnapshot(
        KINDS, {e.id: e for e in every}, articles, facts, templates, unique_given or {}
    )


def run(bank: BankSnapshot, seed: int = 1) -> tuple[dict[tuple[str, str], QuestionDraft], list]:
    report = GenerationReport()
    drafts = {(d.template_id, d.fact_id): d for d in generate(bank, seed, report)}
    return drafts, report.skipped


def reasons(skipped, template_id: str, fact_id: str) -> list[str]:
    return [s.reason for s in skipped if s.template_id == template_id and s.fact_id == fact_id]


PEOPLE = [
    person(f"p{i}", name)
    for i, name in enumerate(
        [
            "Ada Lovelace",
            "Bea Arthur",
            "Cyd Charisse",
            "Dita Von",
            "Eartha Kitt",
            "Fay Wray",
            "Gil Scott",
            "Hal Roach",
            "Ida Lupino",
            "Jan Sterling",
            "Kay Kendall",
            "Lon Chaney",
        ]
    )
]
AWARDS = [thing(f"a{i}", f"Award Number {i}", "award") for i in range(8)]


# --- 1. Wrong answers by role -------------------------------------------------------------------


def test_wrong_answers_are_first_others_who_filled_the_same_role():
    winners, presenters = PEOPLE[:4], PEOPLE[4:]
    facts = [
        fact(f"win{i}", "award_win", winner=w.id, award=AWARDS[i].id, event=EVENT)
        for i, w in enumerate(winners)
    ] + [
        fact(f"gave{i}", "presented", presenter=p.id, award=AWARDS[i].id, event=EVENT)
        for i, p in enumerate(presenters)
    ]
    bank = snapshot(
        PEOPLE + AWARDS,
        facts,
        [template("who-won", "award_win", "Who won {award} at the {event}?", "winner")],
    )

    for seed in range(8):
        drafts, _ = run(bank, seed)
        choices = set(drafts[("who-won", "win0")].choices)
        # Eight presenters from the same article could be drawn; the other winners fit best.
        assert choices == {w.name for w in winners}


def test_no_choice_shares_none_of_the_answers_tags():
    works = [thing(f"s{i}", f"Song Title {i}", "work", "song") for i in range(4)] + [
        thing(f"al{i}", f"Album Title {i}", "work", "album") for i in range(6)
    ]
    facts = [
        fact(
            f"win{i}",
            "award_win",
            winner=PEOPLE[i].id,
            award=AWARDS[i].id,
            event=EVENT,
            work=works[i].id,
        )
        for i in range(8)
    ]
    bank = snapshot(
        PEOPLE + AWARDS + works,
        facts,
        [template("which-work", "award_win", "What won {award} at the {event}?", "work")],
    )

    for seed in range(8):
        drafts, _ = run(bank, seed)
        songs = {w.name for w in works if "song" in w.tags}
        assert set(drafts[("which-work", "win0")].choices) == songs  # no album among songs


def test_too_few_choices_sharing_a_tag_skip_the_question_and_say_why():
    works = [thing(f"s{i}", f"Song Title {i}", "work", "song") for i in range(3)] + [
        thing(f"al{i}", f"Album Title {i}", "work", "album") for i in range(6)
    ]
    facts = [
        fact(
            f"win{i}",
            "award_win",
            winner=PEOPLE[i].id,
            award=AWARDS[i].id,
            event=EVENT,
            work=works[i].id,
        )
        for i in range(8)
    ]
    bank = snapshot(
        PEOPLE + AWARDS + works,
        facts,
        [template("which-work", "award_win", "What won {award} at the {event}?", "work")],
    )

    drafts, skipped = run(bank)

    assert ("which-work", "win0") not in drafts  # two songs and an album would be the choice
    assert reasons(skipped, "which-work", "win0") == [
        "only 2 wrong answer(s) of type work exist; multiple choice needs 3"
    ]
    assert ("which-work", "win3") in drafts  # an album among albums is fine


# --- 3. requires ------------------------------------------------------------------------------


def test_requires_fills_a_template_only_from_facts_of_that_type_or_tag():
    works = [thing(f"v{i}", f"Clip Title {i}", "work", "music-video") for i in range(5)] + [
        thing(f"al{i}", f"Album Title {i}", "work", "album") for i in range(3)
    ]
    facts = [
        fact(
            f"win{i}",
            "award_win",
            winner=PEOPLE[i].id,
            award=AWARDS[i].id,
            event=EVENT,
            work=works[i].id,
        )
        for i in range(8)
    ]
    video_question = template(
        "which-video",
        "award_win",
        "Which video earned {winner} the {award}?",
        "work",
        work=["music-video"],
    )
    bank = snapshot(PEOPLE + AWARDS + works, facts, [video_question])

    drafts, skipped = run(bank)

    assert {f for _, f in drafts} == {f"win{i}" for i in range(5)}
    assert reasons(skipped, "which-video", "win6") == [
        "the template requires work to be music-video: Album Title 1 is a work tagged album"
    ]
    videos = {w.name for w in works[:5]}
    assert all(set(d.choices) <= videos for d in drafts.values())


# --- 2. Several-part answers --------------------------------------------------------------------


def test_several_part_choices_give_nothing_away_by_elimination():
    facts = [
        fact("fall0", "caught", catchers=["p0", "p1"], caught="p8", event=EVENT),
        fact("fall1", "caught", catchers=["p2", "p3"], caught="p9", event=EVENT),
        fact("fall2", "caught", catchers=["p4", "p5"], caught="p10", event=EVENT),
        fact("fall3", "caught", catchers=["p6", "p7"], caught="p11", event=EVENT),
    ]
    bank = snapshot(
        PEOPLE,
        facts,
        [template("who-caught", "caught", "Who caught {caught} at the {event}?", "catchers")],
    )

    for seed in range(10):
        drafts, _ = run(bank, seed)
        for draft in drafts.values():
            right = set(draft.answer)
            wrong = [set(c.split(" and ")) for c in draft.choices if set(c.split(" and ")) != right]
            counts = Counter(name for c in draft.choices for name in c.split(" and "))
            wrong_names = set(counts) - right
            assert len(wrong) == 3
            assert not set.intersection(*wrong), "a name in every wrong choice"
            assert max(counts[n] for n in right) <= min(counts[n] for n in wrong_names)


# --- 4. Provably false true/false ------------------------------------------------------------


def test_false_statements_swap_only_a_role_unique_given_what_the_prompt_states():
    facts = [
        fact(f"win{i}", "award_win", winner=PEOPLE[i].id, award=AWARDS[i].id, event=EVENT)
        for i in range(8)
    ] + [fact(f"wore{i}", "wore", wearer=PEOPLE[i].id, outfit=f"o{i}") for i in range(4)]
    outfits = [thing(f"o{i}", f"Outfit {i}", "outfit") for i in range(4)]
    templates = [
        template(
            "won-tf",
            "award_win",
            "{winner} won {award} at the {event}.",
            "winner",
            style="true_false",
        ),
        # Without the event the winner is not unique: the statement cannot be proved false.
        template(
            "won-no-event-tf", "award_win", "{winner} won {award}.", "winner", style="true_false"
        ),
        template("wore-tf", "wore", "{wearer} wore {outfit}.", "outfit", style="true_false"),
    ]
    bank = snapshot(
        PEOPLE + AWARDS + outfits,
        facts,
        templates,
        unique_given={"award_win": {"winner": ("award", "event")}},
    )

    per_seed = []
    for seed in (1, 2, 3):
        drafts, _ = run(bank, seed)
        truth = {
            t: [drafts[(t, f.id)].answer[0] for f in facts if (t, f.id) in drafts]
            for t in ("won-tf", "won-no-event-tf", "wore-tf")
        }
        assert set(truth["won-tf"]) == {"true", "false"}
        assert set(truth["won-no-event-tf"]) == {"true"}
        assert set(truth["wore-tf"]) == {"true"}
        per_seed.append(truth["won-tf"])
        for f in facts[:8]:
            q = drafts[("won-tf", f.id)]
            winner = next(p.name for p in PEOPLE if p.id == f.roles["winner"])
            assert q.prompt.startswith(winner) == (q.answer == ["true"])
    assert per_seed[0] == per_seed[1] == per_seed[2], "true and false by coin flips"


# --- 5. Open lists --------------------------------------------------------------------------------


def test_a_list_the_article_leaves_open_is_never_asked_as_a_closed_set():
    facts = [
        fact(
            "wish0",
            "congratulated",
            open_roles=["well_wishers"],
            well_wishers=["p0", "p1"],
            congratulated="p8",
            event=EVENT,
        ),
        fact("wish1", "congratulated", well_wishers=["p2", "p3"], congratulated="p9", event=EVENT),
        fact("wish2", "congratulated", well_wishers=["p4", "p5"], congratulated="p10", event=EVENT),
    ]
    templates = [
        template(
            "who-wished", "congratulated", "Who congratulated {congratulated}?", "well_wishers"
        ),
        template(
            "wished-tf",
            "congratulated",
            "{well_wishers} congratulated {congratulated}.",
            "well_wishers",
            style="true_false",
        ),
        template("whom", "congratulated", "Whom did {well_wishers} congratulate?", "congratulated"),
    ]
    bank = snapshot(
        PEOPLE,
        facts,
        templates,
        unique_given={"congratulated": {"well_wishers": ("congratulated",)}},
    )

    drafts, skipped = run(bank)

    assert ("who-wished", "wish0") not in drafts and ("wished-tf", "wish0") not in drafts
    assert reasons(skipped, "who-wished", "wish0") == [
        "the article leaves the list open: well_wishers names only some of them, so it cannot "
        "be asked as a closed set"
    ]
    assert ("who-wished", "wish1") in drafts and ("whom", "wish0") in drafts


# --- 6. Give-aways ----------------------------------------------------------------------------


def test_a_prompt_that_holds_the_answer_or_a_word_of_it_makes_no_question():
    grohl = person("dave-grohl", "Dave Grohl")
    facts = [
        fact(
            "hi", "said", speaker="dave-grohl", quote="Hi, I'm Dave, good to see you", event=EVENT
        ),
        fact("fine", "said", speaker="p0", quote="What a night this has been", event=EVENT),
    ]
    bank = snapshot(
        [*PEOPLE, grohl],
        facts,
        [template("who-said", "said", "Who said “{quote}”?", "speaker")],
    )

    drafts, skipped = run(bank)

    assert ("who-said", "hi") not in drafts
    assert reasons(skipped, "who-said", "hi") == [
        "the prompt gives the answer away: 'dave' in it points at Dave Grohl"
    ]
    assert ("who-said", "fine") in drafts


def test_a_wrong_choice_is_never_someone_the_prompt_names():
    facts = [
        fact("praise", "said", speaker="p0", quote="Fay Wray is the best of them all", event=EVENT),
        *[
            fact(f"q{i}", "said", speaker=f"p{i}", quote=f"Line number {i} said well", event=EVENT)
            for i in range(1, 8)
        ],
    ]
    bank = snapshot(PEOPLE, facts, [template("who-said", "said", "Who said “{quote}”?", "speaker")])

    for seed in range(10):
        drafts, _ = run(bank, seed)
        assert "Fay Wray" not in drafts[("who-said", "praise")].choices


# --- 7. Quotes --------------------------------------------------------------------------------


def test_a_quote_that_says_too_little_or_has_no_speaker_stated_makes_no_question():
    facts = [
        fact("aah", "said", speaker="p0", quote="Aah?"),
        fact("long", "said", speaker="p1", quote="This is the night of my life"),
    ]
    templates = [
        template("who-said", "said", "Who said “{quote}”?", "speaker", style="typed"),
        template("what-said", "said", "What was said backstage?", "quote", style="typed"),
        template("what-did-say", "said", "What did {speaker} say?", "quote", style="typed"),
    ]
    drafts, skipped = run(snapshot(PEOPLE, facts, templates))

    assert set(drafts) == {("who-said", "long"), ("what-did-say", "long")}
    assert reasons(skipped, "who-said", "aah") == [
        "the quote 'Aah?' says too little to ask about (fewer than 3 words)"
    ]
    assert reasons(skipped, "what-said", "long") == [
        "a quote needs its speaker named: the prompt does not state {speaker}"
    ]


# --- 8. Display -------------------------------------------------------------------------------


def test_editorial_brackets_are_not_shown_to_players():
    facts = [
        fact("hi", "said", speaker="p0", quote="I am [as Jo Calderone] here to stay tonight"),
        *[
            fact(f"q{i}", "said", speaker="p1", quote=f"Other words number {i} [aside] go here")
            for i in range(4)
        ],
    ]
    templates = [
        template("who-said", "said", "Who said “{quote}”?", "speaker"),
        template("what-did-say", "said", "What did {speaker} say?", "quote"),
    ]
    drafts, _ = run(snapshot(PEOPLE, facts, templates))

    q = drafts[("who-said", "hi")]
    assert q.prompt == "Who said “I am here to stay tonight”?"
    assert "[as Jo Calderone]" in facts[0].roles["quote"] and q.evidence == facts[0].evidence
    choices = drafts[("what-did-say", "hi")].choices
    assert "I am here to stay tonight" in choices and not any("[" in c for c in choices)


# --- 9. Answer positions --------------------------------------------------------------------


def _winners(count: int) -> BankSnapshot:
    people = [person(f"w{i}", f"Star {i:03d}") for i in range(count)]
    awards = [thing(f"aw{i}", f"Prize {1000 + i}", "award") for i in range(count)]
    facts = [
        fact(f"f{i:03d}", "award_win", winner=f"w{i}", award=f"aw{i}", event=EVENT)
        for i in range(count)
    ]
    templates = [
        template("who-won", "award_win", "Who won {award} at the {event}?", "winner"),
        template("which-award", "award_win", "Which award did {winner} win?", "award"),
        template(
            "won-tf", "award_win", "{winner} won {award} at the {event}.", "winner", "true_false"
        ),
    ]
    return snapshot(
        people + awards,
        facts,
        templates,
        unique_given={"award_win": {"winner": ("award", "event")}},
    )


@pytest.mark.parametrize("seed", [1, 2026])
def test_the_right_choice_is_spread_evenly_over_a_to_d(seed):
    # Each question's own id places its right choice (so no other question's change moves
    # it): over a template's 400 questions A-D each hold a quarter, within the audit's bounds.
    drafts, _ = run(_winners(400), seed)

    low, high = POSITION_SHARE
    for template_id in ("who-won", "which-award"):
        made = [d for d in drafts.values() if d.template_id == template_id]
        positions = Counter(d.choices.index(d.answer[0]) for d in made)
        assert len(made) == 400
        assert all(low <= positions[p] / 400 <= high for p in range(4)), positions


def test_about_half_the_statements_are_false_whatever_the_seed():
    truths = [
        [d.answer[0] for d in run(_winners(400), seed)[0].values() if d.template_id == "won-tf"]
        for seed in (1, 2026)
    ]

    assert truths[0] == truths[1], "a statement's truth is its own, not a coin flip per run"
    share = Counter(truths[0])["false"] / len(truths[0])
    assert 1 - TRUE_FALSE_SHARE <= share <= TRUE_FALSE_SHARE, share


def test_a_rebuild_of_one_template_makes_what_a_full_rebuild_makes():
    bank = _winners(40)
    full, _ = run(bank)
    one = BankSnapshot(
        bank.kinds,
        bank.entities,
        bank.articles,
        bank.facts,
        [t for t in bank.templates if t.id == "which-award"],
        bank.unique_given,
    )
    partial, _ = run(one)

    assert partial == {k: v for k, v in full.items() if k[0] == "which-award"}


# --- The editor sees each rule's reason -----------------------------------------------------


def test_the_template_preview_names_each_rules_reason_per_fact():
    grohl = person("dave-grohl", "Dave Grohl")
    facts = [
        fact("hi", "said", speaker="dave-grohl", quote="Hi, I'm Dave, good to see you"),
        fact("aah", "said", speaker="p0", quote="Aah?"),
        *[
            fact(f"q{i}", "said", speaker=f"p{i}", quote=f"Line number {i} said well")
            for i in range(1, 5)
        ],
    ]
    draft = TemplateDraft(
        kind="said", style="multiple_choice", prompt="Who said “{quote}”?", answer_role="speaker"
    )

    preview = preview_template(snapshot([*PEOPLE, grohl], facts, []), draft)

    codes = {(p.location.record, p.code) for p in preview.warnings}
    assert {("fact hi", "give_away"), ("fact aah", "quote_too_short")} <= codes
    assert can_publish(preview) and len(preview.questions) == 4


@pytest.mark.parametrize(
    "text",
    ["Guns N' Roses", "JAY-Z", "Tyler, the Creator", "AC/DC", "R&B", "don`t", "a_b  c", "Beyoncé"],
)
def test_the_generators_quick_fold_reads_names_as_the_grader_does(text):
    assert _fold(text) == fold(text)


# --- Storing ----------------------------------------------------------------------------------


def test_stored_questions_read_back_as_generated_and_a_rebuild_replaces_them(database_url):
    from sqlmodel import Session, select

    from quizapp.bank.files import read_bank
    from quizapp.bank.sync import load_bank
    from quizapp.core.database import make_engine
    from quizapp.core.paths import resource_dir
    from quizapp.models import Question
    from quizapp.questions.generation import rebuild_questions, snapshot_of_bank
    from tests.conftest import create_tables

    bank_dir = resource_dir("question_bank")
    create_tables(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        load_bank(session, bank_dir)
        rebuild_questions(session, 1)
        rebuild_questions(session, 2026)  # over the first: same ids, new choices
        stored = {q.id: q for q in session.exec(select(Question))}
    engine.dispose()

    drafts = list(generate(snapshot_of_bank(read_bank(bank_dir)), 2026))
    assert len(stored) == len(drafts)
    for draft in drafts:
        row = stored[draft.id]
        assert {k: getattr(row, k) for k in draft.as_row()} == draft.as_row()
