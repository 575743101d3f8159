"""The fairness audit (quizapp/workspace/audit.py) on small banks made here, each with one
deliberate fault; no database, no app. The command and the page are in test_audit_web.py."""

import dataclasses

import pytest

from quizapp.workspace.audit import (
    AuditInput,
    EntityRecord,
    FactRecord,
    KindRecord,
    QuestionRecord,
    QuizItemRecord,
    TemplateRecord,
    audit,
)

EVENT = "2011 Music Awards"


def _people() -> list[EntityRecord]:
    names = ("Ann Archer", "Ben Brook", "Cat Crane", "Dan Drake", "Eve Ellis", "Fay Fox")
    return [EntityRecord(name.split()[0].lower(), name, "person") for name in names]


def clean_bank() -> AuditInput:
    """A bank an editor would sign: an award, a quote, four questions, a quiz of two."""
    kinds = {
        "award_win": KindRecord(
            "award_win",
            {
                "winner": {"types": ["person", "group"]},
                "award": {"types": ["award"]},
                "event": {"types": ["event"]},
            },
            {"winner": ["award", "event"]},
        ),
        "said": KindRecord(
            "said",
            {
                "speaker": {"types": ["person"], "optional": True},
                "quote": {"types": ["text"]},
                "to": {"types": ["person"], "optional": True},
                "event": {"types": ["event"]},
            },
        ),
        "caught": KindRecord(
            "caught",
            {
                "catchers": {"types": ["person"], "many": True},
                "caught": {"types": ["person"]},
                "event": {"types": ["event"]},
            },
        ),
    }
    entities = {e.id: e for e in _people()}
    entities["voty"] = EntityRecord("voty", "Video of the Year", "award")
    entities["show"] = EntityRecord("show", EVENT, "event")
    facts = {
        "f-win": FactRecord(
            "f-win", "award_win", {"winner": "ann", "award": "voty", "event": "show"}
        ),
        "f-said": FactRecord(
            "f-said",
            "said",
            {"speaker": "ben", "quote": "We made it happen tonight", "to": "cat", "event": "show"},
        ),
    }
    templates = {
        "win-mc": TemplateRecord(
            "win-mc", "award_win", "multiple_choice", "Who won {award} at the {event}?", "winner"
        ),
        "win-tf": TemplateRecord(
            "win-tf", "award_win", "true_false", "{winner} won {award} at the {event}.", "winner"
        ),
        "win-typed": TemplateRecord(
            "win-typed", "award_win", "typed", "Who took home {award} at the {event}?", "winner"
        ),
        "said-mc": TemplateRecord(
            "said-mc", "said", "multiple_choice", "Who said “{quote}” at the {event}?", "speaker"
        ),
    }
    questions = [
        mc(
            "q-win-mc",
            "win-mc",
            "f-win",
            f"Who won Video of the Year at the {EVENT}?",
            ["Ben Brook", "Ann Archer", "Cat Crane", "Dan Drake"],
            "Ann Archer",
        ),
        tf(
            "q-win-tf", "win-tf", "f-win", f"Ben Brook won Video of the Year at the {EVENT}.", False
        ),
        QuestionRecord(
            "q-win-typed",
            "win-typed",
            "f-win",
            "typed",
            f"Who took home Video of the Year at the {EVENT}?",
            [],
            ["Ann Archer"],
            [["Ann Archer"]],
        ),
        mc(
            "q-said-mc",
            "said-mc",
            "f-said",
            f"Who said “We made it happen tonight” at the {EVENT}?",
            ["Dan Drake", "Eve Ellis", "Ben Brook", "Fay Fox"],
            "Ben Brook",
        ),
    ]
    items = [item("quiz", 0, questions[0]), item("quiz", 1, questions[3])]
    return AuditInput(kinds, entities, facts, templates, questions, items)


def mc(
    qid: str, template: str, fact: str, prompt: str, choices: list[str], right: str
) -> QuestionRecord:
    return QuestionRecord(
        qid, template, fact, "multiple_choice", prompt, choices, [right], [[right]]
    )


def tf(qid: str, template: str, fact: str, prompt: str, truth: bool) -> QuestionRecord:
    value = "true" if truth else "false"
    return QuestionRecord(
        qid, template, fact, "true_false", prompt, ["true", "false"], [value], [[value]]
    )


def item(quiz: str, position: int, question: QuestionRecord) -> QuizItemRecord:
    return QuizItemRecord(
        quiz,
        position,
        question.id,
        question.template_id,
        question.fact_id,
        question.style,
        list(question.answer),
    )


def codes(bank: AuditInput) -> list[tuple[str, str, str | None]]:
    return [(f.severity, f.code, f.question_id) for f in audit(bank).findings]


def replace_question(bank: AuditInput, qid: str, **changes) -> None:
    bank.questions = [
        dataclasses.replace(q, **changes) if q.id == qid else q for q in bank.questions
    ]


def test_a_clean_bank_has_no_finding():
    report = audit(clean_bank())
    assert report.findings == []
    assert (report.errors, report.warnings) == (0, 0)
    assert report.summary() == "Audit: 0 errors, 0 warnings (4 questions and 1 quiz checked)"


# --- give-away ---


def test_a_prompt_that_names_the_answer_by_an_alias_gives_it_away():
    bank = clean_bank()
    bank.entities["ann"] = dataclasses.replace(bank.entities["ann"], aliases=["Annie A"])
    replace_question(bank, "q-win-typed", prompt=f"Who, Annie A to fans, won at the {EVENT}?")
    [finding] = audit(bank).findings
    assert (finding.severity, finding.code, finding.question_id) == (
        "error",
        "give-away",
        "q-win-typed",
    )
    assert (finding.template_id, finding.fact_id) == ("win-typed", "f-win")
    assert "'Annie A'" in finding.message


def test_a_distinctive_word_of_the_answer_in_the_prompt_gives_it_away():
    # "Hi, I'm Dave" attributed to Dave Grohl: the quote says who said it.
    bank = clean_bank()
    bank.facts["f-said"].roles["quote"] = "Hi, I'm Ben, nice to meet you"
    replace_question(bank, "q-said-mc", prompt="Who said “Hi, I'm Ben, nice to meet you”?")
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("give-away", "q-said-mc")
    assert "'ben'" in finding.message


def test_a_word_shared_with_a_wrong_choice_points_at_no_answer():
    bank = clean_bank()
    bank.entities["gus"] = EntityRecord("gus", "Gus Brook", "person")
    replace_question(
        bank,
        "q-said-mc",
        prompt="Who said “Brook is here” at the show?",
        choices=["Gus Brook", "Eve Ellis", "Ben Brook", "Fay Fox"],
    )
    bank.facts["f-said"].roles["quote"] = "Brook is here"
    assert codes(bank) == []


def test_a_wrong_choice_named_in_the_prompt_is_ruled_out_at_once():
    bank = clean_bank()
    replace_question(
        bank, "q-win-mc", prompt=f"Who beat Cat Crane to Video of the Year at the {EVENT}?"
    )
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("give-away", "q-win-mc")
    assert "'Cat Crane'" in finding.message


def test_a_short_alias_inside_a_longer_stated_name_is_no_mention():
    bank = clean_bank()
    bank.entities["cat"] = dataclasses.replace(bank.entities["cat"], aliases=["Video"])
    assert codes(bank) == []  # "Video" stands inside "Video of the Year", the stated award


# --- near-duplicate and repeated-fact ---


def _twin(bank: AuditInput) -> QuestionRecord:
    bank.templates["win-mc-2"] = TemplateRecord(
        "win-mc-2", "award_win", "multiple_choice", "{award} at the {event} went to whom?", "winner"
    )
    twin = mc(
        "q-win-mc-2",
        "win-mc-2",
        "f-win",
        f"Video of the Year at the {EVENT} went to whom?",
        ["Ann Archer", "Cat Crane", "Eve Ellis", "Fay Fox"],
        "Ann Archer",
    )
    bank.questions.append(twin)
    return twin


def test_two_templates_asking_one_fact_alike_are_near_duplicates():
    bank = clean_bank()
    _twin(bank)
    [finding] = audit(bank).findings
    assert (finding.severity, finding.code, finding.question_id) == (
        "warning",
        "near-duplicate",
        "q-win-mc-2",
    )
    assert "q-win-mc" in finding.message


def test_a_quiz_holding_both_near_duplicates_is_an_error():
    bank = clean_bank()
    twin = _twin(bank)
    bank.quiz_items.append(item("quiz", 2, twin))
    found = codes(bank)
    assert ("error", "near-duplicate", "q-win-mc-2") in found
    assert not [c for c in found if c[1] == "repeated-fact"]
    [error] = [f for f in audit(bank).findings if f.severity == "error"]
    assert error.quiz_id == "quiz"
    assert error.line().startswith("error near-duplicate quiz=quiz q-win-mc-2 template=win-mc-2")


def test_a_quiz_asking_one_fact_twice_repeats_it():
    bank = clean_bank()
    bank.quiz_items.append(item("quiz", 2, bank.questions[1]))  # the award's true/false
    [finding] = audit(bank).findings
    assert (finding.severity, finding.code, finding.question_id, finding.quiz_id) == (
        "error",
        "repeated-fact",
        "q-win-tf",
        "quiz",
    )
    assert "item 3" in finding.message and "item 1" in finding.message


def read_item(position: int, question: QuestionRecord, evidence: str) -> QuizItemRecord:
    """A quiz item with what a player reads of it: its prompt, answer and evidence."""
    return dataclasses.replace(
        item("quiz", position, question),
        prompt=question.prompt,
        accepted=question.accepted,
        solution=question.answer[0],
        evidence=evidence,
    )


SPEECH = f"Ann Archer won Video of the Year at the {EVENT}, and Ben Brook told her: We made it."


def test_an_item_whose_evidence_tells_a_later_answer_gives_it_away():
    bank = clean_bank()
    said, win = bank.questions[3], bank.questions[0]
    bank.quiz_items = [read_item(0, said, SPEECH), read_item(1, win, SPEECH)]

    [finding] = audit(bank).findings

    assert (finding.severity, finding.code, finding.question_id, finding.quiz_id) == (
        "warning",
        "quiz-give-away",
        "q-win-mc",
        "quiz",
    )
    assert finding.message == (
        "item 1 (q-said-mc) shows 'Ann Archer', the answer to item 2: players get it free; "
        "move item 2 before item 1, or swap one of them"
    )
    # Asked first, the award question gives nothing away: its texts never name Ben Brook
    # with the quote.
    bank.quiz_items = [
        read_item(0, win, f"Ann Archer won at the {EVENT}."),
        read_item(1, said, SPEECH),
    ]
    assert audit(bank).findings == []


def test_a_possessive_in_an_earlier_text_still_names_the_answer():
    bank = clean_bank()
    said, win = bank.questions[3], bank.questions[0]
    # "Ann Archer's" names Ann Archer: folded whole it would read "ann archers".
    told = f"Video of the Year at the {EVENT} was Ann Archer’s, and Ben Brook told her: We made it."
    bank.quiz_items = [read_item(0, said, told), read_item(1, win, SPEECH)]

    [finding] = audit(bank).findings

    assert (finding.code, finding.question_id) == ("quiz-give-away", "q-win-mc")
    assert "shows 'Ann Archer', the answer to item 2" in finding.message


def test_a_name_with_an_s_of_its_own_is_quoted_as_written():
    bank = clean_bank()
    said, win = bank.questions[3], bank.questions[0]
    bank.entities["ann"] = dataclasses.replace(bank.entities["ann"], aliases=("Ann's Band",))
    # Told in the possessive, and without the apostrophe: both name the alias.
    for told in (f"Ann Band won Video of the Year at the {EVENT}.", "Ann's Band's night."):
        shown = f"{told} Video of the Year at the {EVENT}."
        bank.quiz_items = [read_item(0, said, shown), read_item(1, win, SPEECH)]
        [finding] = audit(bank).findings
        assert 'shows "Ann\'s Band", the answer to item 2' in finding.message, told


def test_naming_the_answer_without_what_the_later_prompt_asks_about_gives_nothing_away():
    bank = clean_bank()
    said, win = bank.questions[3], bank.questions[0]
    # Ann Archer is named, but not with the award the later question asks about.
    elsewhere = "Ben Brook thanked Ann Archer backstage: We made it."
    bank.quiz_items = [read_item(0, said, elsewhere), read_item(1, win, SPEECH)]

    assert audit(bank).findings == []


def test_an_item_stating_a_later_statements_sentence_gives_it_away():
    bank = clean_bank()
    said, statement = bank.questions[3], bank.questions[1]
    bank.quiz_items = [read_item(0, said, SPEECH), read_item(1, statement, SPEECH)]

    [finding] = audit(bank).findings

    assert (finding.code, finding.question_id) == ("quiz-give-away", "q-win-tf")
    assert "states the sentence that decides item 2" in finding.message


# --- unprovable-false ---


def test_a_false_statement_swapping_a_role_not_unique_is_unprovable():
    bank = clean_bank()
    bank.templates["said-to-tf"] = TemplateRecord(
        "said-to-tf", "said", "true_false", "{speaker} said “{quote}” to {to}.", "to"
    )
    bank.questions.append(
        tf(
            "q-to",
            "said-to-tf",
            "f-said",
            "Ben Brook said “We made it happen tonight” to Fay Fox.",
            False,
        )
    )
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("unprovable-false", "q-to")
    assert "unique_given" in finding.message


def test_a_true_statement_needs_no_proof():
    bank = clean_bank()
    replace_question(
        bank,
        "q-win-tf",
        prompt=f"Ann Archer won Video of the Year at the {EVENT}.",
        answer=["true"],
    )
    assert codes(bank) == []


def test_a_false_statement_must_state_the_roles_that_make_it_unique():
    bank = clean_bank()
    bank.templates["win-tf"] = dataclasses.replace(
        bank.templates["win-tf"], prompt="{winner} won {award}."
    )
    replace_question(bank, "q-win-tf", prompt="Ben Brook won Video of the Year.")
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("unprovable-false", "q-win-tf")
    assert "{event}" in finding.message


# --- open-list-closed ---


def test_a_list_the_article_leaves_open_is_never_the_answer():
    bank = clean_bank()
    bank.facts["f-caught"] = FactRecord(
        "f-caught",
        "caught",
        {"catchers": ["cat", "dan"], "caught": "eve", "event": "show"},
        open_roles=("catchers",),
    )
    bank.templates["caught-typed"] = TemplateRecord(
        "caught-typed", "caught", "typed", "Who caught {caught}?", "catchers"
    )
    bank.questions.append(
        QuestionRecord(
            "q-caught",
            "caught-typed",
            "f-caught",
            "typed",
            "Who caught Eve Ellis?",
            [],
            ["Cat Crane", "Dan Drake"],
            [["Cat Crane"], ["Dan Drake"]],
        )
    )
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("open-list-closed", "q-caught")


# --- odd-one-out ---


def test_a_choice_of_another_type_is_the_odd_one_out():
    bank = clean_bank()
    bank.entities["bpv"] = EntityRecord("bpv", "Best Pop Video", "award")
    replace_question(
        bank, "q-win-mc", choices=["Ben Brook", "Ann Archer", "Best Pop Video", "Dan Drake"]
    )
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("odd-one-out", "q-win-mc")
    assert "'Best Pop Video' is an award" in finding.message


def test_a_choice_sharing_none_of_the_answers_tags_is_the_odd_one_out():
    bank = clean_bank()
    for person, tags in (
        ("ann", ["rapper"]),
        ("ben", ["rapper"]),
        ("cat", ["band"]),
        ("dan", ["rapper", "singer"]),
        ("eve", ["rapper"]),
        ("fay", ["rapper"]),
    ):
        bank.entities[person] = dataclasses.replace(bank.entities[person], tags=tags)
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("odd-one-out", "q-win-mc")
    assert "'Cat Crane'" in finding.message and "rapper" in finding.message


def test_a_choice_breaking_the_templates_requires_is_the_odd_one_out():
    bank = clean_bank()
    bank.templates["win-mc"] = dataclasses.replace(
        bank.templates["win-mc"], requires={"winner": ["rapper"]}
    )
    for person in ("ben", "cat", "dan", "eve", "fay"):
        bank.entities[person] = dataclasses.replace(bank.entities[person], tags=["rapper"])
    assert codes(bank) == []  # ann, the answer, was required: she made the question
    bank.entities["dan"] = dataclasses.replace(bank.entities["dan"], tags=[])
    # (Dan is a wrong choice of the quote's question too, where he now shares no tag.)
    [finding] = [f for f in audit(bank).findings if f.question_id == "q-win-mc"]
    assert (finding.code, finding.question_id) == ("odd-one-out", "q-win-mc")
    assert "'Dan Drake' has none of rapper" in finding.message


def test_a_right_name_in_every_wrong_choice_is_the_odd_one_out():
    bank = clean_bank()
    bank.facts["f-caught"] = FactRecord(
        "f-caught", "caught", {"catchers": ["cat", "dan"], "caught": "eve", "event": "show"}
    )
    bank.templates["caught-mc"] = TemplateRecord(
        "caught-mc", "caught", "multiple_choice", "Who caught {caught}?", "catchers"
    )
    choices = ["Cat Crane and Dan Drake", "Ann Archer and Cat Crane", "Ben Brook and Cat Crane"]
    bank.questions.append(
        mc(
            "q-caught",
            "caught-mc",
            "f-caught",
            "Who caught Eve Ellis?",
            [*choices, "Ann Archer and Fay Fox"],
            choices[0],
        )
    )
    assert codes(bank) == []
    replace_question(bank, "q-caught", choices=[*choices, "Cat Crane and Fay Fox"])
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("odd-one-out", "q-caught")
    assert "'Cat Crane', a right name, is in every wrong choice" in finding.message


def test_a_name_holding_a_comma_is_still_one_part():
    bank = clean_bank()
    bank.entities["tyler"] = EntityRecord("tyler", "Tyler, the Creator", "person")
    replace_question(
        bank, "q-win-mc", choices=["Ben Brook", "Ann Archer", "Tyler, the Creator", "Dan Drake"]
    )
    assert codes(bank) == []


def test_a_choice_that_names_nobody_in_the_bank_is_an_error():
    bank = clean_bank()
    replace_question(bank, "q-win-mc", choices=["Ben Brook", "Ann Archer", "Zed Zero", "Dan Drake"])
    [finding] = audit(bank).findings
    assert finding.code == "odd-one-out" and "'Zed Zero' names no entity" in finding.message


def test_a_right_answer_missing_from_the_choices_is_an_error():
    bank = clean_bank()
    replace_question(bank, "q-win-mc", choices=["Ben Brook", "Eve Ellis", "Cat Crane", "Dan Drake"])
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("answer-not-offered", "q-win-mc")


# --- spreads over the bank and the quizzes ---


def _many_mc(bank: AuditInput, positions: list[int]) -> None:
    others = ["Ben Brook", "Cat Crane", "Dan Drake"]
    for n, position in enumerate(positions):
        choices = others[:position] + ["Ann Archer"] + others[position:]
        fact = f"f-win-{n}"
        bank.facts[fact] = dataclasses.replace(bank.facts["f-win"], id=fact)
        bank.questions.append(
            mc(
                f"q-{n}",
                "win-mc",
                fact,
                f"Who won Video of the Year at the {EVENT}?",
                choices,
                "Ann Archer",
            )
        )


def test_right_answers_bunched_at_one_position_are_flagged():
    bank = clean_bank()
    _many_mc(bank, [0] * 18)  # with the two clean ones (at B and C): 20 questions
    found = audit(bank).findings
    assert {(f.severity, f.code) for f in found} == {("warning", "answer-positions")}
    assert len(found) == 4  # A holds too many; B, C and D too few
    assert any(f.message.startswith("90% of the 20 multiple-choice") for f in found)
    assert found[0].subject == "bank"


def test_right_answers_spread_over_a_to_d_pass():
    bank = clean_bank()
    _many_mc(bank, [0, 1, 2, 3] * 5)
    assert codes(bank) == []


def test_few_multiple_choice_questions_are_too_few_to_judge_their_spread():
    bank = clean_bank()
    _many_mc(bank, [1] * 17)  # 19 with the clean ones
    assert codes(bank) == []


def _statements(bank: AuditInput, truths: list[bool]) -> list[QuestionRecord]:
    made = []
    for n, truth in enumerate(truths):
        fact = f"f-tf-{n}"
        bank.facts[fact] = dataclasses.replace(bank.facts["f-win"], id=fact)
        winner = "Ann Archer" if truth else "Ben Brook"
        made.append(
            tf(
                f"q-tf-{n}",
                "win-tf",
                fact,
                f"{winner} won Video of the Year at the {EVENT}.",
                truth,
            )
        )
    bank.questions.extend(made)
    return made


def test_a_bank_whose_statements_are_mostly_true_is_flagged():
    bank = clean_bank()
    _statements(bank, [True] * 15 + [False] * 5)  # with the clean one: 15 true of 21
    [finding] = audit(bank).findings
    assert (finding.severity, finding.code) == ("warning", "true-false-balance")
    assert "15 of the bank's 21 true/false statements (71%) are true" in finding.message


def test_a_bank_split_within_65_35_passes():
    bank = clean_bank()
    _statements(bank, [True] * 13 + [False] * 7)  # 13 of 21 true: 62%
    assert codes(bank) == []


def test_a_quiz_whose_statements_all_say_the_same_is_flagged():
    bank = clean_bank()
    made = _statements(bank, [False, False, False, True])
    bank.quiz_items.extend(item("quiz", 2 + n, q) for n, q in enumerate(made[:3]))
    [finding] = audit(bank).findings
    assert (finding.severity, finding.code, finding.quiz_id) == (
        "warning",
        "true-false-balance",
        "quiz",
    )
    assert "all 3 of its true/false statements are false" in finding.message
    bank.quiz_items[-1] = item("quiz", 4, made[3])
    assert codes(bank) == []


# --- quotes ---


def test_a_quote_whose_fact_names_no_speaker_is_no_quiz_material():
    bank = clean_bank()
    del bank.facts["f-said"].roles["speaker"]
    bank.templates["said-to-mc"] = TemplateRecord(
        "said-to-mc", "said", "multiple_choice", "Who was told “{quote}”?", "to"
    )
    bank.questions = [q for q in bank.questions if q.id != "q-said-mc"]
    bank.quiz_items.pop()
    bank.questions.append(
        mc(
            "q-told",
            "said-to-mc",
            "f-said",
            "Who was told “We made it happen tonight”?",
            ["Cat Crane", "Dan Drake", "Eve Ellis", "Fay Fox"],
            "Cat Crane",
        )
    )
    [finding] = audit(bank).findings
    assert (finding.code, finding.question_id) == ("quote-without-speaker", "q-told")
    assert "no speaker" in finding.message


@pytest.mark.parametrize(("quote", "flagged"), [("Aah?", True), ("Big night out", False)])
def test_a_quote_of_under_three_words_is_no_quiz_material(quote, flagged):
    bank = clean_bank()
    bank.facts["f-said"].roles["quote"] = quote
    replace_question(bank, "q-said-mc", prompt=f"Who said “{quote}” at the {EVENT}?")
    found = audit(bank).findings
    assert [(f.code, f.question_id) for f in found] == (
        [("quote-without-speaker", "q-said-mc")] if flagged else []
    )


def test_findings_come_errors_first_and_read_as_one_line_each():
    bank = clean_bank()
    _twin(bank)  # a warning
    replace_question(bank, "q-win-mc", choices=["Ben Brook", "Eve Ellis", "Cat Crane", "Dan Drake"])
    report = audit(bank)
    assert [f.severity for f in report.findings] == ["error", "warning"]
    assert report.findings[0].line() == (
        "error answer-not-offered q-win-mc template=win-mc fact=f-win: 0 of its 4 choices are "
        "accepted as right; exactly one must be: run `quizapp generate` again and report it if "
        "it stays"
    )
    assert report.summary() == "Audit: 1 error, 1 warning (5 questions and 1 quiz checked)"


def test_a_name_of_common_words_only_is_not_named_by_every_the():
    bank = clean_bank()
    bank.entities["the"] = EntityRecord("the", "The", "person")
    replace_question(bank, "q-win-mc", choices=["Ben Brook", "Ann Archer", "The", "Dan Drake"])
    assert codes(bank) == []


def test_a_spread_a_fair_draw_gives_is_not_flagged_in_a_small_bank():
    # 41 questions at A 8, B 14, C 13, D 6: D under 15%, but chance makes such a spread.
    bank = clean_bank()  # its two questions hold the right answer at B and C
    _many_mc(bank, [0] * 8 + [1] * 13 + [2] * 12 + [3] * 6)
    assert audit(bank).findings == []

    _many_mc(bank, [0] * 60)  # now A holds 68 of 101: no fair draw does that
    assert {f.code for f in audit(bank).findings} == {"answer-positions"}
