"""The question browser's list (quizapp.questions.browse) and its player statistics
(quizapp.game.feedback.answer_summaries), on the bundled bank, without the app.

Each filter's expected questions are worked out here from the facts' own roles and the
questions' own fields, not from the browser's queries, so the two can disagree.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from quizapp.game import feedback
from quizapp.models import Fact, FactKind, Question, QuizItem, Template
from quizapp.questions import browse
from quizapp.questions.browse import BrowseError, QuestionFilters, get_question_page
from tests.test_feedback import QUIZ, answer, make_attempt, make_player

EVERYTHING = 100_000  # a page size that holds the whole bundled bank


def found(session, **filters) -> set[str]:
    """The ids of every question the browser finds for ``filters``."""
    page = get_question_page(session, per_page=EVERYTHING, filters=QuestionFilters(**filters))
    assert page.total == len(page.items) and not page.capped
    return {question.id for question, _ in page.items}


def questions(session) -> list[Question]:
    return list(session.exec(select(Question)))


def test_no_filter_lists_every_question_by_id_a_page_at_a_time(game_session):
    everything = sorted(q.id for q in questions(game_session))

    first = get_question_page(game_session, per_page=10)
    second = get_question_page(game_session, page=2, per_page=10)

    assert first.total == len(everything) and first.pages == -(-len(everything) // 10)
    assert [q.id for q, _ in first.items] == everything[:10]
    assert [q.id for q, _ in second.items] == everything[10:20]
    assert all(article.id == q.article_id for q, article in first.items)


def test_the_pages_of_a_filter_hold_each_match_once(game_session):
    expected = found(game_session, style="typed")
    per_page = 7
    pages = get_question_page(
        game_session, per_page=per_page, filters=QuestionFilters(style="typed")
    ).pages

    seen = [
        q.id
        for n in range(1, pages + 1)
        for q, _ in get_question_page(
            game_session, page=n, per_page=per_page, filters=QuestionFilters(style="typed")
        ).items
    ]

    assert len(seen) == len(set(seen)) and set(seen) == expected


def test_article_filter(game_session):
    article_id = questions(game_session)[0].article_id

    assert found(game_session, article=article_id) == {
        q.id for q in questions(game_session) if q.article_id == article_id
    }


def test_style_and_template_filters(game_session):
    template = questions(game_session)[0].template_id

    assert found(game_session, style="true_false") == {
        q.id for q in questions(game_session) if q.style == "true_false"
    }
    assert found(game_session, template=template) == {
        q.id for q in questions(game_session) if q.template_id == template
    }


def test_kind_filter_follows_the_questions_fact(game_session):
    kinds = {f.id: f.kind for f in game_session.exec(select(Fact))}
    kind = kinds[questions(game_session)[0].fact_id]

    result = found(game_session, kind=kind)

    assert result == {q.id for q in questions(game_session) if kinds[q.fact_id] == kind}
    assert 0 < len(result) < len(questions(game_session))


def _named(roles: dict, role: str | None = None) -> set[str]:
    """The values of a fact's roles (or of one), lists flattened."""
    values = [roles.get(role)] if role else list(roles.values())
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return {v for v in flat if isinstance(v, str)}


def test_entity_filters_in_any_role_and_as_the_answer(game_session):
    facts = {f.id: f for f in game_session.exec(select(Fact))}
    answer_roles = {t.id: t.answer_role for t in game_session.exec(select(Template))}
    everything = questions(game_session)
    # An entity that some questions ask for and others only mention.
    entity = next(
        e
        for q in everything
        for e in _named(facts[q.fact_id].roles, answer_roles[q.template_id])
        if any(
            e in _named(facts[o.fact_id].roles)
            and e not in _named(facts[o.fact_id].roles, answer_roles[o.template_id])
            for o in everything
        )
    )

    anywhere = found(game_session, entity=entity)
    as_answer = found(game_session, answer_entity=entity)

    assert anywhere == {q.id for q in everything if entity in _named(facts[q.fact_id].roles)}
    assert as_answer == {
        q.id
        for q in everything
        if entity in _named(facts[q.fact_id].roles, answer_roles[q.template_id])
    }
    assert as_answer and as_answer < anywhere


def test_status_splits_live_from_waiting_for_review(game_session):
    question = questions(game_session)[0]
    fact = game_session.get(Fact, question.fact_id)
    fact.reviewed = False
    game_session.commit()
    waiting = {q.id for q in questions(game_session) if q.fact_id == fact.id}

    assert found(game_session, status="pending") == waiting
    assert found(game_session, status="live") == {q.id for q in questions(game_session)} - waiting

    template = game_session.get(Template, question.template_id)
    template.reviewed = False
    game_session.commit()
    waiting |= {q.id for q in questions(game_session) if q.template_id == template.id}
    assert found(game_session, status="pending") == waiting


def test_search_matches_prompt_words_in_any_case(game_session):
    question = next(q for q in questions(game_session) if "Video of the Year" in q.prompt)

    result = found(game_session, search="  VIDEO OF THE yEAR ")

    assert question.id in result
    assert result == {
        q.id
        for q in questions(game_session)
        if "video of the year" in (q.prompt + "\n" + q.solution).lower()
    }


def test_search_matches_the_answer_not_only_the_prompt(game_session):
    question = next(
        q
        for q in questions(game_session)
        if q.style == "typed" and q.solution.lower() not in q.prompt.lower()
    )

    assert question.id in found(game_session, search=question.solution.upper())


def test_search_takes_like_wildcards_literally(game_session):
    assert found(game_session, search="%") == {
        q.id for q in questions(game_session) if "%" in q.prompt + q.solution
    }
    assert found(game_session, search="_") == {
        q.id for q in questions(game_session) if "_" in q.prompt + q.solution
    }


def test_filters_combine(game_session):
    question = next(q for q in questions(game_session) if q.style == "typed")

    result = found(
        game_session, article=question.article_id, style="typed", template=question.template_id
    )

    assert result == {
        q.id
        for q in questions(game_session)
        if q.article_id == question.article_id
        and q.style == "typed"
        and q.template_id == question.template_id
    }


def test_an_unknown_kind_names_the_kinds_there_are(game_session):
    kinds = sorted(k.name for k in game_session.exec(select(FactKind)))

    with pytest.raises(BrowseError) as error:
        get_question_page(game_session, filters=QuestionFilters(kind="foo"))

    assert str(error.value) == f"no kind 'foo'; kinds are: {', '.join(kinds)}"


def test_every_unknown_value_is_named_at_once(game_session):
    filters = QuestionFilters(
        article="a-nope",
        entity="e-nope",
        answer_entity="x-nope",
        template="t-nope",
        style="essay",
        status="retired",
        search="x" * 201,
    )

    with pytest.raises(BrowseError) as error:
        get_question_page(game_session, filters=filters)

    message = str(error.value)
    for part in (
        "no article 'a-nope'",
        "no entity 'e-nope'",
        "no answer entity 'x-nope'",
        "no template 't-nope'",
        "no style 'essay'; styles are: multiple_choice, true_false, typed",
        "no status 'retired'; statuses are: live, pending",
        "the search must be at most 200 characters",
    ):
        assert part in message


@pytest.mark.parametrize(
    ("page", "message"), [(0, "page must be 1 or more"), (99, "page 99 is past the last page")]
)
def test_pages_outside_the_list_are_refused(game_session, page, message):
    with pytest.raises(BrowseError, match=message):
        get_question_page(game_session, page=page, per_page=50)


def test_a_count_past_the_cap_stops_there(game_session, monkeypatch):
    monkeypatch.setattr(browse, "COUNT_CAP", 12)

    listing = get_question_page(game_session, per_page=5)

    assert listing.capped and listing.total == 12 and listing.pages == 3
    with pytest.raises(BrowseError, match="page 4 is past the last page; there are 3"):
        get_question_page(game_session, page=4, per_page=5)


# --- Player statistics for a page ------------------------------------------------------------


def test_a_pages_statistics_are_what_the_answers_say_in_one_query(game_session):
    session = game_session
    a, b, c = (make_attempt(session, make_player(session)) for _ in range(3))
    answer(session, a, 0, correct=True, ms=1000)
    answer(session, b, 0, correct=False, ms=3000)
    answer(session, c, 0, given="", ms=20000)  # a skip: counted, but has no time
    answer(session, a, 1, correct=True, ms=4000)
    answer(session, b, 1, ms=9000)
    answer(session, c, 1, ms=5000)
    answer(session, a, 2, answered=False)  # served, never answered: not counted
    first, second, third = (session.get(QuizItem, (QUIZ, n)).question_id for n in range(3))
    statements = []

    def count(conn, cursor, statement, *rest):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        summaries = feedback.answer_summaries(session, [first, second, third])
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert len(statements) == 1
    assert summaries[first] == feedback.AnswerSummary(answers=3, right=1, median_ms=2000)
    assert summaries[first].right_rate == pytest.approx(1 / 3)
    assert summaries[second] == feedback.AnswerSummary(answers=3, right=1, median_ms=5000)
    assert third not in summaries
    assert feedback.answer_summaries(session, []) == {}
