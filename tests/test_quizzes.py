"""Building quizzes from scopes: fixed lists, played quizzes never change; editors' own quizzes."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from quizapp.core.database import make_engine
from quizapp.core.settings import QuizSettings
from quizapp.game import quizzes
from quizapp.game.quizzes import (
    QuizError,
    QuizNotFound,
    build_quizzes,
    create_quiz,
    daily_order,
    ensure_daily_quiz,
    list_quizzes,
    plan_daily,
    plan_quizzes,
    publish_quiz,
)
from quizapp.models import (
    Article,
    Attempt,
    AttemptAnswer,
    Change,
    Editor,
    Entity,
    Fact,
    FactEntity,
    Player,
    Question,
    Quiz,
    QuizItem,
    Template,
    draw_key,
)
from tests.conftest import BUNDLED_BANK, create_tables, empty_database

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def bundled_engine(database_kind: str, tmp_path_factory):
    """A database holding the bundled bank and its questions, built once per engine."""
    from quizapp.bank.sync import load_bank
    from quizapp.questions.generation import rebuild_questions

    with empty_database(database_kind, tmp_path_factory.mktemp("quiz")) as url:
        create_tables(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_bank(session, BUNDLED_BANK)
            rebuild_questions(session, 2026)
        yield engine
        engine.dispose()


@pytest.fixture
def session(bundled_engine):
    """A session whose quiz tables start empty."""
    with Session(bundled_engine) as session:
        for model in (AttemptAnswer, QuizItem, Attempt, Quiz, Player, Change):
            for row in session.exec(select(model)):
                session.delete(row)
        session.commit()
        yield session


def test_every_scope_gets_a_quiz(session):
    build_quizzes(session, today=TODAY)

    ids = {q.id for q in session.exec(select(Quiz))}
    assert {"article-vma-2010-gaga-triumph", "article-vma-2011-backstage"} <= ids
    assert {"event-vma-2010", "event-vma-2011"} <= ids
    assert "entity-lady-gaga" in ids, "a Lady Gaga quiz"
    assert "daily-2026-11-22" in ids
    gaga = session.get(Quiz, "entity-lady-gaga")
    # As many as the bundled bank's facts about her allow, one question per fact, up to 10.
    assert gaga.title == "All about Lady Gaga" and 5 <= gaga.question_count <= 10


def test_every_quiz_of_the_bundled_bank_asks_each_fact_once_and_mixes_styles(session):
    build_quizzes(session, today=TODAY)

    for quiz in session.exec(select(Quiz)):
        items = session.exec(
            select(QuizItem).where(QuizItem.quiz_id == quiz.id).order_by(QuizItem.position)
        ).all()
        assert len(items) == quiz.question_count >= 5
        assert len({i.fact_id for i in items}) == len(items), quiz.id
        assert len({i.style for i in items}) > 1, quiz.id


def test_building_twice_changes_nothing(session):
    build_quizzes(session, today=TODAY)
    before = [(i.quiz_id, i.position, i.question_id) for i in session.exec(select(QuizItem))]

    report = build_quizzes(session, today=TODAY)

    assert not report.created and not report.updated and not report.removed
    after = [(i.quiz_id, i.position, i.question_id) for i in session.exec(select(QuizItem))]
    assert sorted(after) == sorted(before)


def test_a_played_quiz_never_changes(session):
    build_quizzes(session, today=TODAY)
    player = Player(nickname="Fan", nickname_key="fan", token_hash="x" * 64)
    session.add(player)
    session.commit()
    session.add(Attempt(quiz_id="event-vma-2010", player_id=player.id, seed=1))
    session.commit()
    before = session.exec(select(QuizItem).where(QuizItem.quiz_id == "event-vma-2010")).all()
    frozen = [(i.question_id, i.prompt, i.choices) for i in before]

    report = build_quizzes(session, today=TODAY, settings=QuizSettings(count=6))

    assert report.kept_played == 1
    after = session.exec(select(QuizItem).where(QuizItem.quiz_id == "event-vma-2010")).all()
    assert [(i.question_id, i.prompt, i.choices) for i in after] == frozen
    assert session.get(Quiz, "article-vma-2011-backstage").question_count == 6


def test_the_daily_mix_is_the_same_all_day_and_differs_by_day(session):
    first = ensure_daily_quiz(session, TODAY)
    again = ensure_daily_quiz(session, TODAY)
    tomorrow = ensure_daily_quiz(session, TODAY + dt.timedelta(days=1))

    def ids(quiz):
        return [
            i.question_id
            for i in session.exec(
                select(QuizItem).where(QuizItem.quiz_id == quiz.id).order_by(QuizItem.position)
            )
        ]

    assert first.id == again.id == "daily-2026-11-22" and ids(first) == ids(again)
    assert ids(tomorrow) != ids(first)


def test_listing_puts_todays_mix_first_and_hides_older_mixes(session):
    build_quizzes(session, today=TODAY - dt.timedelta(days=1))
    build_quizzes(session, today=TODAY)

    quizzes = list_quizzes(session, today=TODAY)

    assert quizzes[0].id == "daily-2026-11-22"
    assert all(q.id != "daily-2026-11-21" for q in quizzes)


# --- Quizzes made by editors -------------------------------------------------------------------


@pytest.fixture(scope="module")
def editor(bundled_engine) -> Editor:
    """An editor who made nothing yet (the quizzes are emptied before each test)."""
    with Session(bundled_engine) as session:
        editor = Editor(name="Quinn", name_key="quinn", password_hash="not used here")
        session.add(editor)
        session.commit()
        session.refresh(editor)
        return editor


def items_of(session, quiz_id: str) -> list[QuizItem]:
    return list(
        session.exec(
            select(QuizItem).where(QuizItem.quiz_id == quiz_id).order_by(QuizItem.position)
        )
    )


def make_quiz(session, editor, **overrides):
    """A quiz made through create_quiz: about Lady Gaga, 6 questions, unless told otherwise."""
    args = {
        "title": "Gaga night",
        "scope": "entity",
        "scope_id": "lady-gaga",
        "count": 6,
        "seconds": 30,
        "mode": "plain",
        "publish": False,
    }
    return create_quiz(session, editor_id=editor.id, **(args | overrides))


def test_an_editor_makes_a_draft_quiz_of_an_entity(session, editor):
    quiz = make_quiz(session, editor, title="  Gaga   night ")

    assert quiz.id == "ed-gaga-night" and quiz.title == "Gaga night"
    assert (quiz.scope, quiz.scope_id, quiz.status, quiz.created_by) == (
        "entity",
        "lady-gaga",
        "draft",
        editor.id,
    )
    assert (quiz.question_count, quiz.seconds_per_question, quiz.scoring_mode) == (6, 30, "plain")
    items = items_of(session, quiz.id)
    gaga_facts = set(
        session.exec(select(FactEntity.fact_id).where(FactEntity.entity_id == "lady-gaga"))
    )
    assert len(items) == 6 and {i.fact_id for i in items} <= gaga_facts
    assert len({i.fact_id for i in items}) == 6  # one question per fact
    change = session.exec(select(Change).where(Change.subject_id == quiz.id)).one()
    assert (change.subject, change.action, change.editor_id) == ("quiz", "create", editor.id)
    assert change.detail["questions"] == [i.question_id for i in items]


def test_a_hand_picked_quiz_keeps_the_order_given(session, editor):
    hardest_first = session.exec(select(Question).order_by(Question.difficulty.desc(), Question.id))
    picked = list({q.fact_id: q.id for q in reversed(hardest_first.all())}.values())[-3:]

    quiz = make_quiz(
        session, editor, scope="list", scope_id=None, question_ids=[*picked, picked[0]], count=""
    )

    assert (quiz.scope, quiz.scope_id, quiz.question_count) == ("list", "", 3)
    assert [i.question_id for i in items_of(session, quiz.id)] == picked


def test_a_scope_with_fewer_facts_than_asked_gives_one_question_per_fact(session, editor):
    quiz = make_quiz(session, editor, count=50)

    items = items_of(session, quiz.id)
    gaga_facts = set(
        session.exec(select(FactEntity.fact_id).where(FactEntity.entity_id == "lady-gaga"))
    )
    assert 5 <= quiz.question_count == len(items) == len({i.fact_id for i in items})
    assert quiz.question_count <= len(gaga_facts) < 50


def test_the_same_title_twice_gets_its_own_id(session, editor):
    first, second = make_quiz(session, editor), make_quiz(session, editor)

    assert (first.id, second.id) == ("ed-gaga-night", "ed-gaga-night-2")


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"title": "   "}, "title", "title must be 1 to 300 characters (it is 0)"),
        ({"title": "x" * 301}, "title", "title must be 1 to 300 characters (it is 301)"),
        ({"scope": "daily"}, "scope", "scope must be one of article, event, entity, list"),
        ({"scope_id": None}, "scope_id", "choose the entity the quiz is about"),
        ({"scope_id": "nobody"}, "scope_id", "there is no entity 'nobody'"),
        ({"scope": "event", "scope_id": "lady-gaga"}, "scope_id", "there is no event 'lady-gaga'"),
        ({"scope": "article", "scope_id": "nope"}, "scope_id", "there is no article 'nope'"),
        (
            {"scope_id": "jay-z"},
            "scope_id",
            "the entity 'Jay-Z' has questions on 1 fact; a quiz asks about each fact "
            "once and needs at least 5",
        ),
        ({"count": 0}, "count", "count must be a whole number from 1 to 50"),
        ({"count": "51"}, "count", "count must be a whole number from 1 to 50"),
        ({"count": "ten"}, "count", "count must be a whole number from 1 to 50"),
        ({"count": True}, "count", "count must be a whole number from 1 to 50"),
        ({"seconds": 4}, "seconds", "seconds must be a whole number from 5 to 120"),
        ({"seconds": "121"}, "seconds", "seconds must be a whole number from 5 to 120"),
        ({"seconds": "7.5"}, "seconds", "seconds must be a whole number from 5 to 120"),
        ({"mode": "sudden-death"}, "mode", "mode must be one of timed, plain"),
        ({"scope": "list", "question_ids": []}, "question_ids", "pick 1 to 50 questions"),
        (
            {"scope": "list", "question_ids": [f"q{n}" for n in range(51)]},
            "question_ids",
            "pick 1 to 50 questions (you picked 51)",
        ),
        (
            {"scope": "list", "question_ids": ["nope", "nada"]},
            "question_ids",
            "there is no question 'nope', 'nada'",
        ),
    ],
)
def test_making_a_quiz_says_what_to_fix(session, editor, overrides, field, says):
    with pytest.raises(QuizError) as refused:
        make_quiz(session, editor, **overrides)

    assert says in {p.field: p.message for p in refused.value.problems}[field]
    assert session.exec(select(Quiz).where(Quiz.created_by.is_not(None))).all() == []


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"title": ""}, "title_length", "title"),
        ({"scope": "daily"}, "unknown_scope", "scope"),
        ({"scope_id": None}, "required", "scope_id"),
        ({"scope_id": "nobody"}, "unknown_scope_id", "scope_id"),
        ({"scope_id": "jay-z"}, "too_few_questions", "scope_id"),
        ({"count": "ten"}, "out_of_range", "count"),
        ({"seconds": 4}, "out_of_range", "seconds"),
        ({"mode": "sudden-death"}, "unknown_mode", "mode"),
        ({"scope": "list", "question_ids": []}, "pick_count", "question_ids"),
        ({"scope": "list", "question_ids": ["nope"]}, "unknown_question", "question_ids"),
    ],
)
def test_each_refusal_has_a_code_and_its_form_field(session, editor, overrides, code, field):
    with pytest.raises(QuizError) as refused:
        make_quiz(session, editor, **overrides)

    assert [(p.code, p.field) for p in refused.value.problems] == [(code, field)]


def test_every_problem_is_named_at_once(session, editor):
    with pytest.raises(QuizError) as refused:
        make_quiz(session, editor, title="", count=0, seconds=0, mode="x", scope_id="nobody")

    assert {p.field for p in refused.value.problems} == {
        "title",
        "count",
        "seconds",
        "mode",
        "scope_id",
    }


def test_publishing_makes_a_draft_visible(session, editor):
    build_quizzes(session, today=TODAY)
    quiz = make_quiz(session, editor)
    assert quiz.id not in {q.id for q in list_quizzes(session, today=TODAY)}

    publish_quiz(session, quiz_id=quiz.id, editor_id=editor.id)

    listed = list_quizzes(session, today=TODAY)
    assert quiz.id in {q.id for q in listed}
    assert listed[0].id == "daily-2026-11-22"
    actions = session.exec(select(Change.action).where(Change.subject_id == quiz.id)).all()
    assert actions == ["create", "publish"]
    with pytest.raises(QuizError, match="published already") as twice:
        publish_quiz(session, quiz_id=quiz.id, editor_id=editor.id)
    assert [(p.code, p.field) for p in twice.value.problems] == [("already_published", "status")]
    with pytest.raises(QuizNotFound):
        publish_quiz(session, quiz_id="ed-nothing", editor_id=editor.id)


def test_building_never_touches_editors_quizzes(session, editor):
    one_per_fact = {q.fact_id: q.id for q in session.exec(select(Question).order_by(Question.id))}
    picked = list(one_per_fact.values())[:5]
    hand_picked = make_quiz(session, editor, title="Mine", scope="list", question_ids=picked)
    about_gaga = make_quiz(session, editor, publish=True)
    before = {q: items_of(session, q) for q in (hand_picked.id, about_gaga.id)}

    report = build_quizzes(session, today=TODAY, settings=QuizSettings(count=4))

    assert not set(before) & set(report.removed + report.updated)
    for quiz_id, items in before.items():
        session.expire_all()
        after = items_of(session, quiz_id)
        assert [(i.question_id, i.prompt) for i in after] == [
            (i.question_id, i.prompt) for i in items
        ]
    assert session.get(Quiz, hand_picked.id).status == "draft"


def test_planning_some_quizzes_reads_their_questions_and_plans_them_as_planning_all(session):
    # A retirement replans only the quizzes holding its questions, from their scopes' own
    # questions (quizapp.game.quizzes.rebuild_quizzes_holding): the same plans as a full run.
    day = dt.date(2026, 3, 4)
    everything = {plan.id: plan for plan in plan_quizzes(session, today=day)}
    scoped = sorted(quiz_id for quiz_id in everything if not quiz_id.startswith("daily-"))
    assert {q.split("-")[0] for q in scoped} == {"article", "event", "entity"}
    by_scope = {s: [q for q in scoped if q.startswith(f"{s}-")] for s in ("article", "event")}
    by_scope["entity"] = [q for q in scoped if q.startswith("entity-")]
    # Each scope alone (so that no other scope's questions come along), then mixed.
    for some in (*(ids[:2] for ids in by_scope.values()), by_scope["entity"][-3:], scoped[::3]):
        planned = plan_quizzes(session, today=day, only=set(some))
        assert {plan.id: plan for plan in planned} == {q: everything[q] for q in some}


def test_a_rebuild_tells_its_progress_scope_by_scope(session):
    # The editors' job page shows a rebuild's progress (quizapp.workspace.jobs): one step per
    # scope considered, each article, event and entity and the day's mix, made a quiz or not.
    told: list[tuple[int, int]] = []

    build_quizzes(session, today=TODAY, on_progress=lambda done, total: told.append((done, total)))

    articles = session.exec(select(Article)).all()
    events = {a.event_id for a in articles if a.event_id}
    named = session.exec(select(FactEntity.entity_id).distinct()).all()
    entities = {e.id for e in session.exec(select(Entity)) if e.id in named and e.type != "event"}
    scopes = len(articles) + len(events) + len(entities) + 1
    assert told == [(n, scopes) for n in range(1, scopes + 1)]
    assert len(session.exec(select(Quiz)).all()) <= scopes


def test_a_days_order_of_facts_moves_no_fact_when_another_comes_or_goes():
    facts = [(f"fact-{n}", draw_key(f"fact-{n}")) for n in range(500)]
    day = dt.date(2026, 3, 4)

    order = daily_order(facts, day)

    assert sorted(order) == sorted(f for f, _ in facts)
    assert order[:20] != daily_order(facts, day + dt.timedelta(days=1))[:20], "a new day"
    assert daily_order(reversed(facts), day) == order, "the input's order does not count"
    assert daily_order(facts, day, first=20) == order[:20]
    gone = order[7]
    assert daily_order([f for f in facts if f[0] != gone], day) == [f for f in order if f != gone]
    new = ("fact-new", draw_key("fact-new"))
    assert daily_order([*facts, new], day).index(order[0]) <= 1


def test_the_database_draws_a_days_facts_in_that_order(session):
    # Every fact written gets its key from its id, and the database orders facts by it as
    # daily_order does (SQLite has no exclusive or: quizapp.game.quizzes says how it does it).
    facts = quizzes._daily_facts(session)
    assert facts and all(draw == draw_key(fact) for fact, draw in facts)
    for day in (dt.date(2026, 3, 4), dt.date(2027, 2, 10), dt.date(2031, 12, 31)):
        drawn = quizzes._drawn_from_database(session, day)
        assert drawn(7) == daily_order(facts, day, first=7)
        assert drawn(len(facts) + 5) == daily_order(facts, day)


def test_the_daily_mix_reads_only_the_facts_the_day_draws(session, monkeypatch):
    # A retirement of a daily mix's fact, or the day's first player, replans it from the
    # questions of DAILY_DRAW facts per question (quizapp.game.quizzes.plan_daily), and gets
    # what planning every quiz from the whole bank gets.
    day, count = dt.date(2026, 3, 4), 2
    monkeypatch.setattr(quizzes, "DAILY_DRAW", 5)  # the bundled bank is small
    first = daily_order(quizzes._daily_facts(session), day, first=3)
    # The review gate among the first facts drawn: a fact waiting for review, and a template.
    waiting = session.get(Fact, first[0])
    waiting.reviewed = False
    held = session.exec(select(Question).where(Question.fact_id == first[1])).first()
    template = session.get(Template, held.template_id)
    template.reviewed = False
    session.add_all([waiting, template])
    session.flush()  # rolled back at the end: the module's bank stays as loaded
    try:
        facts = quizzes._daily_facts(session)
        assert first[0] not in dict(facts) and first[1] in dict(facts)
        asked: list[list[str]] = []
        read = quizzes._daily_rows(session)

        def rows_of(ids):
            asked.append(list(ids))
            return read(ids)

        drawn = quizzes._drawn_from_database(session, day)
        plan = plan_daily(rows_of, drawn, day, count, quizzes._QuestionClues(session))

        assert len(facts) > quizzes.DAILY_DRAW * count
        assert asked == [daily_order(facts, day, first=quizzes.DAILY_DRAW * count)]
        assert plan is not None and len(plan.question_ids) == count
        asks = session.exec(select(Question).where(Question.id.in_(plan.question_ids))).all()
        assert all(q.fact_id != first[0] and q.template_id != template.id for q in asks)
        everything = {p.id: p for p in plan_quizzes(session, today=day, count=count)}
        assert everything[plan.id] == plan
        # Ten facts cannot fill ten places here (no two questions that give each other away):
        # it draws more, and still plans what the whole bank plans.
        monkeypatch.setattr(quizzes, "DAILY_DRAW", 1)
        asked.clear()
        plan = plan_daily(rows_of, drawn, day, 10, quizzes._QuestionClues(session))
        assert [len(ids) for ids in asked] == [10, len(facts)]
        assert plan is not None and len(plan.question_ids) == 10
        assert {p.id: p for p in plan_quizzes(session, today=day)}[plan.id] == plan
    finally:
        session.rollback()
