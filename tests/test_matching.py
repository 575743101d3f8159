"""Tests for quizapp.game.grading: grading typed answers, and answers of every style."""

import dataclasses
import time

import pytest

from quizapp.core.text import fold
from quizapp.game.grading import (
    MAX_ANSWER_LENGTH,
    Grade,
    MatchResult,
    NotOnOffer,
    grade_answer,
    match_answer,
)

GAGA = [["Lady Gaga", "Gaga"]]
BEYONCE = [["Beyoncé", "Queen Bey"]]
JAY_Z = [["Jay-Z", "Jay Z", "Jay", "Hova"]]
JAY_Z_NO_JAY = [["Jay-Z", "Hova"]]
JAY_SEAN = [["Jay Sean"]]
POWER_COUPLE = [["Jay-Z", "Jay Z", "Jay"], ["Beyoncé", "Beyonce Knowles"]]
CATCHERS = [["Kanye West", "Kanye", "Ye"], ["Kid Cudi", "Cudi"]]
# "Name one of the catchers": both entities' forms in a single part.
ONE_CATCHER = [["Kanye West", "Kanye", "Ye", "Kid Cudi", "Cudi"]]
TYLER = [["Tyler, the Creator", "Tyler"]]
SIMON = [["Simon & Garfunkel"]]
DUOS = [["Simon & Garfunkel"], ["Hall & Oates"]]
KIM = [["Kim Kardashian"]]
KARDASHIANS = ["Kourtney Kardashian", "Khloé Kardashian"]
JT = [["Justin Timberlake"]]

CASES = [
    # Case, accents, punctuation and spacing.
    (GAGA, "Lady Gaga", (), True),
    (GAGA, "lady gaga", (), True),
    (GAGA, "  LADY   GAGA!! ", (), True),
    (GAGA, "Ladygaga", (), True),
    (BEYONCE, "beyonce", (), True),
    (BEYONCE, "BEYONCÉ", (), True),
    (BEYONCE, "Beyonce\u0301", (), True),  # accent typed as a separate combining mark
    (JAY_Z_NO_JAY, "JAY Z", (), True),
    (JAY_Z_NO_JAY, "jay-z", (), True),
    (JAY_Z_NO_JAY, "JayZ", (), True),
    (TYLER, "tyler the creator", (), True),
    (TYLER, "Tyler, the Creator", (), True),
    ([["Guns N' Roses"]], "guns n roses", (), True),
    ([["Guns N' Roses"]], "Guns N’ Roses", (), True),
    ([["Røyksopp"]], "Royksopp", (), True),
    ([["Earth, Wind & Fire"]], "earth wind and fire", (), True),
    # Aliases.
    (GAGA, "Gaga", (), True),
    (BEYONCE, "queen bey", (), True),
    (JAY_Z, "Jay", (), True),
    (JAY_Z, "Hova", (), True),
    (JAY_Z_NO_JAY, "Jay", (), False),
    # Typos: one on names of 5 to 12 letters, two from 13, none below 5 (aliases judged on
    # their own length); a short name's typo never when a name of the bank is as close.
    (GAGA, "Lady Gag", (), True),
    (GAGA, "Lady Gagaa", (), True),
    (GAGA, "Gagaa", (), False),
    (BEYONCE, "Beyonse", (), True),
    ([["Rihanna"]], "Rihana", (), True),
    ([["Eminem"]], "Eminen", (), True),
    ([["Eminem"]], "Eminen", ["Eminen"], False),
    ([["Snooki"]], "Snooky", (), True),
    ([["Snooki"]], "Snooky", ["Snooky"], False),
    ([["Cher"]], "cher", (), True),
    ([["Cher"]], "Chet", (), False),
    ([["Adele"]], "Adela", (), True),
    ([["Adele"]], "Adela", ["Adela"], False),
    ([["Adele"]], "Adel", ["Adela"], False),
    ([["Adele"]], "ADELE", (), True),
    (TYLER, "Tyler the Creater", (), True),
    (JT, "Jutsin Timberlaek", (), True),
    (JT, "Jutsin Timbrelaek", (), False),
    (JAY_Z_NO_JAY, "Jay-Zee", (), False),
    # Never a different person.
    ([["Kid Cudi"]], "Kid Rock", ["Kid Rock"], False),
    ([["Kid Cudi"]], "Kid Cudy", ["Kid Rock"], True),
    (KIM, "Kim Kardashain", KARDASHIANS, True),
    (KIM, "Khloe Kardashian", KARDASHIANS, False),
    # Invented near-namesake: a typo exactly as close to another name is refused.
    (JT, "Justin Timberlane", ["Justin Timberland"], False),
    (JT, "Justin Timberlak", ["Justin Timberland"], True),
    (JAY_Z, "Jay Sean", ["Jay Sean"], False),
    (JAY_Z, "Jay Leno", (), False),
    (JAY_SEAN, "Jay Sean", ["Jay-Z", "Jay Z", "Jay", "Hova"], True),
    (JAY_SEAN, "Jay Shean", ["Jay-Z", "Jay Z", "Jay", "Hova"], True),
    (JAY_SEAN, "Jay", ["Jay-Z", "Jay Z", "Jay", "Hova"], False),
    (JAY_SEAN, "Jay-Z", ["Jay-Z", "Jay Z", "Jay", "Hova"], False),
    # An accepted form wins even when the caller also lists it among other names.
    (JAY_Z, "Jay", ["Jay", "Jay Sean"], True),
    # Several parts: any order, any separator.
    (CATCHERS, "Kanye West and Kid Cudi", (), True),
    (CATCHERS, "Kid Cudi & Kanye West", (), True),
    (CATCHERS, "kanye, kid cudi", (), True),
    (CATCHERS, "Ye + Cudi", (), True),
    (CATCHERS, "Kanye West / Kid Cudi", (), True),
    (CATCHERS, "Kanye West with Kid Cudi", (), True),
    (CATCHERS, "Kanye West; Kid Cudi", (), True),
    (CATCHERS, "Kanye West Kid Cudi", (), True),
    (CATCHERS, "Kanye Wset and Kid Cudy", ["Kid Rock"], True),
    (CATCHERS, "Kanye West", (), False),
    (CATCHERS, "Kanye and Kanye West", (), False),
    (CATCHERS, "Kanye West and Jay Z", (), False),
    (CATCHERS, "Kanye West, Kid Cudi and Jay Z", (), False),
    (CATCHERS, "Kanye West and Kid Rock", ["Kid Rock"], False),
    (POWER_COUPLE, "Jay Z and Beyonce", (), True),
    (POWER_COUPLE, "Jay & Beyoncé", (), True),
    (POWER_COUPLE, "JayZ, Beyonce", (), True),
    (POWER_COUPLE, "Beyonce Knowles and Jay", (), True),
    # Names that contain a separator stay whole.
    (SIMON, "Simon and Garfunkel", (), True),
    (SIMON, "simon & garfunkle", (), True),
    (SIMON, "Simon", (), False),
    (DUOS, "Hall and Oates, Simon & Garfunkel", (), True),
    (DUOS, "Simon & Garfunkle and Hall & Oates", (), True),
    ([["Tyler, the Creator"], ["Kanye West", "Kanye"]], "Kanye and Tyler, the Creator", (), True),
    ([["Tyler, the Creator"], ["Kanye West", "Kanye"]], "Tyler, the Creater and Kanye", (), True),
    ([["AC/DC"], ["Queen"]], "Queen and AC/DC", (), True),
    ([["AC/DC"], ["Queen"]], "ACDC + queen", (), True),
    # Several entities acceptable for one part.
    (ONE_CATCHER, "Kid Cudi", (), True),
    (ONE_CATCHER, "Kid Cudi and Kanye", (), True),
    # Nothing, or far too much.
    (GAGA, "", (), False),
    (GAGA, "   ", (), False),
    (GAGA, "?!", (), False),
    (GAGA, "Lady Gaga " * 30, (), False),
]


@pytest.mark.parametrize(("expected", "given", "other_names", "correct"), CASES)
def test_match_answer_table(
    expected: list[list[str]], given: str, other_names: list[str], correct: bool
) -> None:
    assert match_answer(expected, given, other_names=other_names).correct is correct


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 35


def test_right_answer_lists_parts_in_expected_order() -> None:
    result = match_answer(CATCHERS, "Kid Cudi and Kanye West")
    assert result == MatchResult(
        correct=True,
        accepted_as=("Kanye West", "Kid Cudi"),
        missing=(),
        extra=(),
        message="Right: Kanye West and Kid Cudi.",
    )


def test_alias_and_typo_are_reported_under_display_name() -> None:
    result = match_answer(GAGA, "lady gagaa")
    assert result.accepted_as == ("Lady Gaga",)
    assert result.message == "Right: Lady Gaga."


def test_missing_part_is_named() -> None:
    result = match_answer(CATCHERS, "Kanye")
    assert not result.correct
    assert result.accepted_as == ("Kanye West",)
    assert result.missing == ("Kid Cudi",)
    assert result.extra == ()
    assert result.message == "Almost: you named Kanye West but not Kid Cudi."


def test_extra_chunk_is_reported_as_typed() -> None:
    result = match_answer(CATCHERS, "Kanye West and  Jay-Z ")
    assert not result.correct
    assert result.accepted_as == ("Kanye West",)
    assert result.missing == ("Kid Cudi",)
    assert result.extra == ("Jay-Z",)
    assert result.message == (
        "Almost: you named Kanye West but not Kid Cudi, and Jay-Z is not part of the answer."
    )


def test_extra_with_every_part_named_is_still_wrong() -> None:
    result = match_answer(CATCHERS, "Kanye, Kid Cudi & Jay-Z")
    assert not result.correct
    assert result.accepted_as == ("Kanye West", "Kid Cudi")
    assert result.missing == ()
    assert result.extra == ("Jay-Z",)
    assert result.message == (
        "Almost: Kanye West and Kid Cudi are right, but Jay-Z is not part of the answer."
    )


def test_one_part_with_extra() -> None:
    result = match_answer(GAGA, "Lady Gaga & Beyoncé")
    assert not result.correct
    assert result.accepted_as == ("Lady Gaga",)
    assert result.missing == ()
    assert result.extra == ("Beyoncé",)
    assert result.message == "Almost: Lady Gaga is right, but Beyoncé is not part of the answer."


def test_wrong_one_part_answer() -> None:
    result = match_answer(GAGA, "Madonna")
    assert result == MatchResult(False, (), (), ("Madonna",), "Not quite.")


def test_other_name_is_extra_as_typed() -> None:
    result = match_answer([["Kid Cudi"]], "kid ROCK", other_names=["Kid Rock"])
    assert not result.correct
    assert result.extra == ("kid ROCK",)
    assert result.message == "Not quite."


def test_alias_inside_another_name_is_not_picked_out() -> None:
    result = match_answer(JAY_Z, "Jay Leno")
    assert result.accepted_as == ()
    assert result.extra == ("Jay Leno",)


def test_duplicate_is_neither_a_second_part_nor_extra() -> None:
    result = match_answer(CATCHERS, "Kanye and Kanye West")
    assert result.accepted_as == ("Kanye West",)
    assert result.missing == ("Kid Cudi",)
    assert result.extra == ()
    result = match_answer(CATCHERS, "Kanye West, Kanye Wset and Kid Cudi")
    assert result.correct
    assert result.extra == ()


def test_nothing_right_in_several_parts() -> None:
    result = match_answer(CATCHERS, "Drake and Rihanna")
    assert not result.correct
    assert result.accepted_as == ()
    assert result.missing == ("Kanye West", "Kid Cudi")
    assert result.extra == ("Drake", "Rihanna")
    assert result.message == "Not quite."


def test_three_parts_message_lists_names() -> None:
    trio = [["Lady Gaga"], ["Beyoncé"], ["Rihanna"], ["Adele"]]
    result = match_answer(trio, "Adele")
    assert result.missing == ("Lady Gaga", "Beyoncé", "Rihanna")
    assert result.message == "Almost: you named Adele but not Lady Gaga, Beyoncé and Rihanna."


@pytest.mark.parametrize("given", ["", "   ", "\n\t", "...", "&"])
def test_empty_answer_asks_for_one(given: str) -> None:
    result = match_answer(GAGA, given)
    # "&" alone reads as "and": something was typed, but no name.
    if given == "&":
        assert result == MatchResult(False, (), (), (), "Not quite.")
    else:
        assert result == MatchResult(False, (), (), (), "Please type an answer.")


def test_answer_at_the_length_limit_is_graded() -> None:
    given = "Lady Gaga".rjust(MAX_ANSWER_LENGTH, ".")
    assert match_answer(GAGA, given).correct


@pytest.mark.parametrize(
    "given",
    [
        "x" * (MAX_ANSWER_LENGTH + 1),
        "Lady Gaga, " * 1000,
        "é" * 1_000_000,
    ],
)
def test_too_long_answer_is_wrong_and_fast(given: str) -> None:
    start = time.perf_counter()
    result = match_answer(GAGA, given)
    assert time.perf_counter() - start < 1.0
    assert not result.correct
    assert result.accepted_as == ()
    assert "too long" in result.message


@pytest.mark.parametrize(
    "given",
    [
        "a, " * 66,
        "a " * 99,
        "kanye, " * 28,
        ", ".join(["kid cudy"] * 20),
        "Kanye Wset " * 18,
    ],
)
def test_worst_cases_under_the_limit_stay_fast(given: str) -> None:
    many_others = [f"Person {n} Surname{n}" for n in range(2000)]
    start = time.perf_counter()
    match_answer(CATCHERS + GAGA, given, other_names=many_others)
    assert time.perf_counter() - start < 2.0


def test_malformed_expected_is_refused() -> None:
    with pytest.raises(TypeError):
        match_answer(["Lady Gaga"], "Lady Gaga")  # type: ignore[list-item]
    with pytest.raises(TypeError):
        match_answer("Lady Gaga", "Lady Gaga")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        match_answer([], "Lady Gaga")
    with pytest.raises(ValueError):
        match_answer([[]], "Lady Gaga")
    with pytest.raises(ValueError):
        match_answer([["?!"]], "Lady Gaga")


def test_other_names_as_a_string_is_refused() -> None:
    with pytest.raises(TypeError):
        match_answer(GAGA, "Lady Gaga", other_names="Madonna")


def test_result_is_frozen() -> None:
    result = match_answer(GAGA, "Gaga")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.correct = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("Beyoncé", "beyonce"),
        ("BEYONCÉ", "beyonce"),
        ("Jay-Z", "jay z"),
        ("JAY Z", "jay z"),
        ("  jay   z ", "jay z"),
        ("Tyler, the Creator", "tyler the creator"),
        ("Guns N' Roses", "guns n roses"),
        ("Guns N’ Roses", "guns n roses"),
        ("Destiny’s Child", "destinys child"),
        ("Simon & Garfunkel", "simon and garfunkel"),
        ("“Bad Romance”", "bad romance"),
        ("AC/DC", "ac dc"),
        ("M.I.A.", "m i a"),
        ("Panic! at the Disco", "panic at the disco"),
        ("Røyksopp", "royksopp"),
        ("Straße", "strasse"),
        ("", ""),
        ("?!", ""),
    ],
)
def test_normalize(text: str, normalized: str) -> None:
    assert fold(text) == normalized


def test_normalize_is_idempotent() -> None:
    for text in ["Tyler, the Creator", "Beyoncé & JAY-Z", "Guns N’ Roses", "AC/DC"]:
        assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize(
    ("given", "form", "typo"),
    [
        ("Lady Gaga", "Lady Gaga", True),
        ("lady gag", "Lady Gaga", True),
        ("Kanye Wset", "Kanye West", True),
        ("Beyonse", "Beyoncé", True),
        ("Chet", "Cher", False),
        ("Adela", "Adele", True),  # 5 letters: one edit
        ("Adla", "Adele", False),  # 5 letters: not two
        ("Eminen", "Eminem", True),  # 6 letters: one edit
        ("Gagaa", "Gaga", False),  # 4 letters: exact
        ("Rihana", "Rihanna", True),  # 7 letters: one edit
        ("Rhiana", "Rihanna", False),  # 7 letters: not two
        ("Justn Biebr", "Justin Bieber", False),  # 12 letters: one edit only
        ("Justn Bieber", "Justin Bieber", True),
        ("Tylr the Creater", "Tyler, the Creator", True),  # 15 letters: two edits
        ("Tylr the Creatr", "Tyler, the Creator", True),
        ("Tylr th Creatr", "Tyler, the Creator", False),
        ("jayz", "Jay-Z", True),
        ("", "Jay-Z", False),
    ],
)
def test_typos_tolerated_by_length(given: str, form: str, typo: bool) -> None:
    assert match_answer([[form]], given).correct is typo


# --- grade_answer: every style ---------------------------------------------------------------

CHOICES = ["Lady Gaga", "Beyoncé", "Adele", "Rihanna"]


@pytest.mark.parametrize(
    ("style", "accepted", "given", "grade"),
    [
        ("multiple_choice", [["Lady Gaga"]], "Lady Gaga", Grade(True, "Right!")),
        ("multiple_choice", [["Lady Gaga"]], "Adele", Grade(False, "Not quite.")),
        ("true_false", [["true"]], "true", Grade(True, "Right!")),
        ("true_false", [["true"]], " TRUE ", Grade(True, "Right!")),
        ("true_false", [["false"]], "true", Grade(False, "Not quite.")),
        ("typed", GAGA, "lady gag", Grade(True, "Right: Lady Gaga.")),
        (
            "typed",
            CATCHERS,
            "Kanye",
            Grade(False, "Almost: you named Kanye West but not Kid Cudi."),
        ),
        # An empty answer is a skip in every style: what the page sends when time runs out.
        ("multiple_choice", [["Lady Gaga"]], "", Grade(False, "No answer.")),
        ("true_false", [["true"]], "  ", Grade(False, "No answer.")),
        ("typed", GAGA, "", Grade(False, "No answer.")),
    ],
)
def test_grade_answer_in_every_style(style, accepted, given, grade) -> None:
    assert grade_answer(style, accepted, given, choices=CHOICES) == grade


@pytest.mark.parametrize(
    ("style", "given", "message"),
    [
        # Only the choices exactly as offered: no forgiving match among them.
        ("multiple_choice", "lady gaga", "the answer must be one of the choices offered"),
        ("multiple_choice", "Madonna", "the answer must be one of the choices offered"),
        ("true_false", "yes", 'the answer must be "true" or "false"'),
    ],
)
def test_an_answer_not_on_offer_is_refused(style, given, message) -> None:
    with pytest.raises(NotOnOffer, match=message):
        grade_answer(style, [["Lady Gaga"]], given, choices=CHOICES)


# --- What a fair quiz host accepts, and what still is wrong (issue 12) -------------------------

MEAT = [["meat dress", "dress made of meat"]]
EDITION = [["28"]]
LA = [["Los Angeles", "LA"]]
HELD = [["Moonman", "Moonman trophy"], ["clutch", "purse"]]
CITIES = ["Los Angeles", "LA", "Las Vegas", "New York City", "Miami"]
PEOPLE = ["Snooki", "Brian May", "Kid Cudi", "Kid Rock", "Adele", "Cher"]


@pytest.mark.parametrize(
    ("expected", "given", "others"),
    [
        # A leading article or possessive.
        (MEAT, "the meat dress", ()),
        (MEAT, "a meat dress", ()),
        (MEAT, "her meat dress", ()),
        ([["Foo Fighters"]], "The Foo Fighters", ()),
        ([["The Kill"]], "Kill", ()),
        ([["Lady Gaga's entourage", "entourage"]], "her entourage", ()),
        (HELD, "the Moonman and a clutch", ()),
        (HELD, "a Moonman trophy and her purse", ()),
        # Numbers in digits, words and ordinals.
        (EDITION, "28", ()),
        (EDITION, "28th", ()),
        (EDITION, "the 28th", ()),
        (EDITION, "twenty-eighth", ()),
        (EDITION, "Twenty Eighth", ()),
        (EDITION, "twenty eight", ()),
        ([["101"]], "one hundred and first".replace(" and", ""), ()),
        ([["1000"]], "one thousand", ()),
        ([["30 Seconds to Mars"]], "Thirty Seconds to Mars", ()),
        # One typo in a short name, when no name of the bank is as close.
        ([["Snooki"]], "Snooky", PEOPLE),
        ([["Snooki"]], "Snookie", PEOPLE),
        ([["Adele"]], "Adel", PEOPLE),
        ([["Queen"]], "Quen", ()),
        # A harmless qualifier after a comma or in parentheses.
        (LA, "Los Angeles, California", CITIES),
        (LA, "Los Angeles (CA)", CITIES),
        (LA, "LA, USA", CITIES),
        ([["Nokia Theatre"]], "Nokia Theatre, Los Angeles", ["Nokia Theatre", "Radio City"]),
        ([["Brian May", "May"]], "Brian May (Queen)", PEOPLE),
        (HELD, "Moonman (the trophy) and clutch", ()),
        # One or two describing words before the name.
        ([["cigarette"]], "a lit cigarette", ()),
        (MEAT, "the raw meat dress", ()),
        (HELD, "the Moonman and a tiny black clutch", ()),
    ],
)
def test_a_fair_host_accepts(expected, given, others) -> None:
    result = match_answer(expected, given, other_names=others)

    assert result.correct, result.why
    assert result.message.startswith("Right: ")


@pytest.mark.parametrize(
    ("expected", "given", "others"),
    [
        # Another number, however it is written; a different digit is never a typo.
        (EDITION, "27th", ()),
        (EDITION, "twenty-ninth", ()),
        (EDITION, "eighty two", ()),
        ([["2010 MTV Video Music Awards", "2010 VMAs"]], "2011 VMAs", ()),
        ([["2010 MTV Video Music Awards"]], "2011 MTV Video Music Awards", ()),
        # Another person whose name is as close or closer.
        ([["Kid Cudi"]], "Kid Rock", PEOPLE),
        ([["Cher"]], "Chet", ()),  # four letters: exact
        ([["Snooki"]], "Snooky", ["Snooky"]),
        ([["Adele"]], "Adela", ["Adela", "Adele"]),
        # A hedge or a second name is no qualifier.
        (LA, "Los Angeles, Las Vegas", CITIES),
        (LA, "Los Angeles, Las Vegos", CITIES),
        (LA, "Los Angeles or Las Vegas", CITIES),
        (LA, "Los Angeles (or Vegas)", CITIES),
        (LA, "Los Angeles, or maybe Miami", CITIES),
        (LA, "Los Angeles, near Las Vegas", CITIES),
        (LA, "Los Angeles and Miami", CITIES),
        ([["Cher"]], "Cher, Brian May", PEOPLE),
        # Describing words are no cover for another name, a hedge or a surname alone.
        ([["Adam Lambert", "Lambert"]], "Miranda Lambert", ()),
        ([["cigarette"]], "maybe cigarette", ()),
        ([["clutch"]], "Kanye clutch", ["Kanye"]),
        ([["cigarette"]], "a very long lit cigarette", ()),
        # A missing part, or a wrong one.
        (HELD, "the Moonman", ()),
        (HELD, "Moonman and a microphone", ()),
        (HELD, "Moonman, clutch (a purse) and a cigarette", ()),
        ([["Brian May", "May"]], "Theresa May", ()),
        # A leading article alone, or a title's own "A".
        (MEAT, "the", ()),
        ([["A-ha"]], "ha", ()),
        ([["The Who"]], "The", ()),
        (MEAT, "the swan dress", ()),
    ],
)
def test_still_wrong(expected, given, others) -> None:
    assert not match_answer(expected, given, other_names=others).correct


def test_a_lenient_answer_is_graded_again_against_the_banks_names() -> None:
    asked: list[int] = []

    def names() -> list[str]:
        asked.append(1)
        return ["Snooky", "Snooki"]

    assert grade_answer("typed", [["Snooki"]], "Snooki", names=names).correct
    assert asked == [], "an exact answer needs no names"
    assert not grade_answer("typed", [["Snooki"]], "Snooky", names=names).correct
    assert asked == [1]


def test_why_says_how_each_piece_was_read() -> None:
    result = match_answer(HELD, "the Moonman and a clutsh, (shiny)")

    assert result.correct
    assert result.why == (
        '"the Moonman" is Moonman (as "moonman")',
        '"a clutsh" is clutch (as "clutch", with one typo)',
        '"shiny" set aside as a qualifier',
    )
    assert result.lenient


def test_why_names_the_rival_of_a_refused_typo() -> None:
    result = match_answer(JT, "Justin Timberlane", other_names=["Justin Timberland"])

    assert not result.correct
    assert "'justin timberland', another name" in " ".join(result.why)


# --- Feedback never contradicts itself ------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("Moonman", "Almost: you named Moonman but not clutch."),
        (
            "Moonman and a clutchhh bag",
            "Almost: you named Moonman but not clutch "
            "(“a clutchhh bag” is not close enough to clutch to count).",
        ),
        (
            "Moonman and a microphone",
            "Almost: you named Moonman but not clutch, and a microphone is not part of the answer.",
        ),
        (
            "Moonman, a clutchy thing and a microphone",
            "Almost: you named Moonman but not clutch "
            "(“a clutchy thing” is not close enough to clutch to count), "
            "and a microphone is not part of the answer.",
        ),
        ("Moonman and a clutch", "Right: Moonman and clutch."),
        ("a cigarette", "Not quite."),
    ],
)
def test_partial_answers_are_worded_without_contradiction(given, message) -> None:
    assert match_answer(HELD, given).message == message


@pytest.mark.parametrize(
    "given",
    [
        "Moonman and a clutch",
        "the Moonman and the clutch bag",
        "Moonman and clutches",
        "Moonman and clutch purse thing",
        "Moonman trophy, a purse",
        "VMA trophy and clutch",
        "Moonman and the purse of Cher",
        "Kanye West and Kid Cudy",
        "Kanye and the Kid Cudi",
        "Kanye West and Kid",
    ],
)
def test_no_piece_is_both_missing_and_not_part_of_the_answer(given) -> None:
    """A piece said not to be part of the answer never shares a word with a part said to be
    missing: that would be "you named Moonman but not clutch, and a clutch is not part"."""
    for expected in (HELD, CATCHERS):
        result = match_answer(expected, given)
        missing_words = {w for name in result.missing for w in fold(name).split()}
        said_not_part = result.message.partition(", and ")[2] or (
            result.message.partition(", but ")[2] if "right, but" in result.message else ""
        )
        assert not set(fold(said_not_part).split()) & missing_words, result.message
