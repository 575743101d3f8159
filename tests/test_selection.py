"""Choosing and ordering a quiz's questions (quizapp/game/selection.py), on plain candidates."""

from quizapp.game.selection import Candidate, Clues, clues_from, make_clues, select_questions


def clue(shown: str = "", *hidden: str) -> Clues:
    return Clues(shown, hidden)


def test_a_question_whose_answer_an_easier_one_shows_is_asked_first():
    easy = Candidate("q-easy", "f1", "typed", 0.1)
    hard = Candidate("q-hard", "f2", "typed", 0.9)
    other = Candidate("q-other", "f3", "typed", 0.5)
    clues = {
        "q-easy": clue("who beat kid cudi | eminem", "eminem"),
        "q-hard": clue("who won best rap video | kid cudi", "kid cudi"),
        "q-other": clue("who hosted | chelsea handler", "chelsea handler"),
    }

    chosen = select_questions([easy, hard, other], count=3, seed="s", clues=clues_from(clues))

    assert chosen == ("q-other", "q-hard", "q-easy")


def test_two_questions_that_give_each_other_away_are_never_in_one_quiz():
    a = Candidate("q-a", "f1", "typed", 0.1)
    b = Candidate("q-b", "f2", "typed", 0.2)
    fillers = [Candidate(f"q-{n}", f"f-{n}", "typed", 0.5) for n in range(3)]
    clues = {
        "q-a": clue("ann beat bob", "ann"),
        "q-b": clue("bob beat ann", "bob"),
    } | {f"q-{n}": clue(f"filler {n}", f"name {n}") for n in range(3)}

    for seed in ("s1", "s2", "s3", "s4"):
        chosen = select_questions([a, b, *fillers], count=5, seed=seed, clues=clues_from(clues))
        assert len(chosen) == 4 and not {"q-a", "q-b"} <= set(chosen)


def test_a_name_is_matched_folded_and_as_whole_words_only():
    earlier = make_clues(
        style="typed",
        prompt="Who beat BEYONCÉ?",
        choices=[],
        solution="Lady Gaga",
        explanation=None,
        evidence="Lady Gaga beat Beyoncé.",
        answer_forms=["Lady Gaga"],
    )
    later = make_clues(
        style="multiple_choice",
        prompt="Who won?",
        choices=["Beyonce", "Cher", "Adele", "Rihanna"],
        solution="Beyoncé",
        explanation=None,
        evidence="Beyoncé won.",
        answer_forms=["Beyonce", "Queen B"],
    )
    partial = Clues("beyonceish fans", ("beyonce",))

    assert earlier.gives_away(later)
    assert not partial.gives_away(later) and not Clues("queen bee", ()).gives_away(later)


def test_a_name_in_the_possessive_is_still_named():
    # "Dave Grohl's" in a feedback sentence names Dave Grohl, whom the later prompt asks about.
    earlier = make_clues(
        style="multiple_choice",
        prompt="At which event did Lady Gaga appear as Jo Calderone?",
        choices=[],
        solution="2011 MTV Video Music Awards",
        explanation=None,
        evidence="Foo Fighter Dave Grohl's first introduction to Gaga as Jo Calderone.",
        answer_forms=["2011 MTV Video Music Awards"],
    )
    later = make_clues(
        style="typed",
        prompt="When Dave Grohl met Lady Gaga, which alter ego was Lady Gaga appearing as?",
        choices=[],
        solution="Jo Calderone",
        explanation=None,
        evidence="Dave Grohl met Gaga as her alter ego Jo Calderone.",
        answer_forms=["Jo Calderone", "Calderone"],
        context_entities=[["Dave Grohl", "Grohl"], ["Lady Gaga", "Gaga"], ["Destiny's Child"]],
    )

    assert later.context == (("dave grohl", "grohl"), ("gaga", "lady gaga"))
    assert earlier.gives_away(later)


def named(shown: str, answer: str) -> bool:
    """Whether a text a player was shown names the answer of a question on it."""
    seen = make_clues(
        style="typed",
        prompt="Who?",
        choices=[],
        solution="-",
        explanation=None,
        evidence=shown,
        answer_forms=["-"],
    )
    later = make_clues(
        style="typed",
        prompt="Who hosted?",
        choices=[],
        solution=answer,
        explanation=None,
        evidence="",
        answer_forms=[answer],
    )
    return seen.gives_away(later)


def test_a_name_with_an_s_of_its_own_is_named_with_or_without_its_apostrophe():
    assert named("Destiny's Child's first single", "Destiny's Child")
    assert named("Destinys Child reunited", "Destiny's Child")
    assert named("Macy's hosted it", "Macys")
    assert named("the hits of the 1990's", "1990s")
    assert named("Beyonce\u0301's VMAs", "Beyonc\u00e9")  # an accent typed after its letter
    # Dropping an 's never leaves a lone short word: "A's" is no "a".
    assert not named("She won a prize", "A's")


def test_a_true_false_statement_hides_its_evidence_not_the_word_true():
    statement = make_clues(
        style="true_false",
        prompt="Cher won Best Hat.",
        choices=["true", "false"],
        solution="Adele",
        explanation=None,
        evidence="Adele won Best Hat.",
        answer_forms=["true"],
    )

    assert statement.hidden == ("adele won best hat",)
    assert Clues("proof: adele won best hat | more", ()).gives_away(statement)
    assert not Clues("is it true", ()).gives_away(statement)


def statements(truths: str) -> list[Candidate]:
    return [
        Candidate(f"q{n}", f"f{n}", "true_false", 0.25 + n / 100, truth=t == "T")
        for n, t in enumerate(truths)
    ]


def no_clues(ids):
    return {qid: Clues(qid, ()) for qid in ids}


def test_true_false_items_are_half_true_half_false_when_the_pool_allows():
    pool = statements("TTTTTTFFF")

    for seed in map(str, range(10)):
        chosen = select_questions(pool, count=6, seed=seed, clues=no_clues)
        truths = [c.truth for c in pool if c.id in chosen]
        assert truths.count(True) == truths.count(False) == 3


def test_a_pool_of_one_truth_still_fills_the_quiz():
    chosen = select_questions(statements("TTTTTF"), count=5, seed="s", clues=no_clues)

    assert len(chosen) == 5 and "q5" in chosen


def test_the_first_true_false_item_is_true_in_some_quizzes_and_false_in_others():
    # The true statements are the easier ones, as generation estimates them.
    pool = [
        Candidate(f"q{n}", f"f{n}", "true_false", 0.25 if n % 2 else 0.45, truth=bool(n % 2))
        for n in range(8)
    ]
    truth = {c.id: c.truth for c in pool}

    firsts = set()
    for seed in map(str, range(20)):
        chosen = select_questions(pool, count=4, seed=seed, clues=no_clues)
        firsts.add(truth[chosen[0]])
        assert [truth[q] for q in chosen] in ([True, False] * 2, [False, True] * 2)
    assert firsts == {True, False}


def test_a_topic_quiz_prefers_questions_not_answered_by_its_topic():
    about = [Candidate(f"q{n}", f"f{n}", "typed", 0.5) for n in range(5)]
    answered_by_topic = [
        Candidate(f"t{n}", f"g{n}", "typed", 0.1, answers_topic=True) for n in range(3)
    ]

    full = select_questions(about + answered_by_topic, count=5, seed="s", clues=no_clues)
    short = select_questions(about + answered_by_topic, count=8, seed="s", clues=no_clues)

    assert set(full) == {c.id for c in about}
    assert len(short) == 6 and sum(q.startswith("t") for q in short) == 1


def test_selection_is_the_same_for_a_seed_and_differs_by_seed():
    pool = [
        Candidate(f"q{n}-{s}", f"f{n}", s, n / 40, truth=n % 3 == 0 if s == "true_false" else None)
        for n in range(20)
        for s in ("multiple_choice", "true_false", "typed")
    ]

    first = select_questions(pool, count=10, seed="a", clues=no_clues)

    assert select_questions(list(reversed(pool)), count=10, seed="a", clues=no_clues) == first
    assert select_questions(pool, count=10, seed="b", clues=no_clues) != first
    assert len({q.split("-")[0] for q in first}) == 10, "one question per fact"
    assert {q.split("-")[1] for q in first} == {"multiple_choice", "true_false", "typed"}
