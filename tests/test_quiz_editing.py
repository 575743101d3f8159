"""Editing a draft quiz: moving, removing, swapping questions, deleting the draft; published
quizzes refused; one quiz's audit. On the bundled bank, without the app."""

# ruff: noqa: F811 - the fixtures are imported from the module that defines them

import threading

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from quizapp.game.quiz_editing import (
    NotInQuiz,
    QuizLocked,
    delete_quiz,
    editable_quiz,
    move_question,
    remove_question,
    swap_candidates,
    swap_question,
)
from quizapp.game.quizzes import QuizError, QuizNotFound, publish_quiz, quiz_items
from quizapp.models import Change, Question, Quiz, QuizItem
from quizapp.workspace.audit import audit_database, audit_quiz
from tests.test_quizzes import (  # noqa: F401 (fixtures)
    bundled_engine,
    editor,
    items_of,
    make_quiz,
    session,
)

ARTICLE = "vma-2010-gaga-triumph"
# Its question "At which event did Lady Gaga announce ... Born This Way?" quotes, as evidence,
# the sentence saying Lady Gaga won Video of the Year and walked off with Cher: asked first, it
# gives away who won and who handed her the award ("Who handed Lady Gaga Video of the Year at
# the 2010 MTV Video Music Awards?"), whose own texts do not name that event as an answer.
ANNOUNCED = ("announced-album-event-mc", "vma-2010-gaga-announced-born-this-way")
PRESENTER = ("presented-presenter-mc", "vma-2010-cher-presented-video-of-the-year")
WINNER = ("award-win-winner-mc", "vma-2010-video-of-the-year")
WINNER_TYPED = ("award-win-winner-typed", "vma-2010-video-of-the-year")


def question_id(session, template_fact: tuple[str, str]) -> str:
    template_id, fact_id = template_fact
    return session.exec(
        select(Question.id).where(Question.template_id == template_id, Question.fact_id == fact_id)
    ).one()


def article_questions(session, count: int, besides: tuple[str, ...] = ()) -> list[str]:
    """``count`` questions of ARTICLE on different facts, none on the facts of ``besides``."""
    taken = {session.get(Question, qid).fact_id for qid in besides}
    by_fact: dict[str, str] = {}
    for qid, fact_id in session.exec(
        select(Question.id, Question.fact_id)
        .where(Question.article_id == ARTICLE)
        .order_by(Question.id)
    ):
        if fact_id not in taken:
            by_fact.setdefault(fact_id, qid)
    return sorted(by_fact.values())[:count]


def picked_quiz(session, editor, question_ids, **overrides):
    return make_quiz(
        session, editor, scope="list", scope_id=None, question_ids=question_ids, **overrides
    )


def order(session, quiz_id: str) -> list[str]:
    return [item.question_id for item in items_of(session, quiz_id)]


def changes(session, quiz_id: str) -> list[Change]:
    return list(
        session.exec(select(Change).where(Change.subject_id == quiz_id).order_by(Change.id))
    )


def assert_consistent(session, quiz_id: str) -> None:
    """Positions run 0..n-1 and the quiz's count is its items'."""
    session.expire_all()
    items = items_of(session, quiz_id)
    assert [item.position for item in items] == list(range(len(items)))
    assert session.get(Quiz, quiz_id).question_count == len(items)


# --- Moving ----------------------------------------------------------------------------------


def test_moving_a_question_swaps_it_with_its_neighbour_and_logs_it(session, editor):
    a, b, c = article_questions(session, 3)
    quiz = picked_quiz(session, editor, [a, b, c])

    move_question(session, quiz_id=quiz.id, question_id=c, direction="up", editor_id=editor.id)
    assert order(session, quiz.id) == [a, c, b]
    move_question(session, quiz_id=quiz.id, question_id=a, direction="down", editor_id=editor.id)

    assert order(session, quiz.id) == [c, a, b]
    assert_consistent(session, quiz.id)
    logged = changes(session, quiz.id)
    assert [change.action for change in logged] == ["create", "move", "move"]
    assert logged[-1].editor_id == editor.id
    assert logged[-1].detail == {
        "question": a,
        "direction": "down",
        "questions": [[a, c, b], [c, a, b]],
    }


def test_moving_the_first_up_or_the_last_down_changes_nothing(session, editor):
    a, b = article_questions(session, 2)
    quiz = picked_quiz(session, editor, [a, b])

    move_question(session, quiz_id=quiz.id, question_id=a, direction="up", editor_id=editor.id)
    move_question(session, quiz_id=quiz.id, question_id=b, direction="down", editor_id=editor.id)

    assert order(session, quiz.id) == [a, b]
    assert [change.action for change in changes(session, quiz.id)] == ["create"]


def test_a_move_keeps_the_items_frozen_copies(session, editor):
    a, b = article_questions(session, 2)
    quiz = picked_quiz(session, editor, [a, b])
    question = session.get(Question, a)
    asked = question.prompt
    question.prompt = "Rewritten in the bank since"
    session.add(question)
    session.commit()

    move_question(session, quiz_id=quiz.id, question_id=a, direction="down", editor_id=editor.id)

    assert [item.prompt for item in items_of(session, quiz.id)][1] == asked


@pytest.mark.parametrize(
    ("direction", "question", "error", "says"),
    [
        ("sideways", "first", QuizError, "direction must be one of up, down"),
        ("up", "q-nothing", NotInQuiz, "has no question 'q-nothing'"),
    ],
)
def test_a_bad_move_says_what_is_wrong_and_changes_nothing(
    session, editor, direction, question, error, says
):
    a, b = article_questions(session, 2)
    quiz = picked_quiz(session, editor, [a, b])

    with pytest.raises(error) as raised:
        move_question(
            session,
            quiz_id=quiz.id,
            question_id=a if question == "first" else question,
            direction=direction,
            editor_id=editor.id,
        )

    assert says in str(raised.value)
    assert order(session, quiz.id) == [a, b]


# --- Removing --------------------------------------------------------------------------------


def test_removing_a_question_closes_the_gap(session, editor):
    a, b, c = article_questions(session, 3)
    quiz = picked_quiz(session, editor, [a, b, c])

    quiz = remove_question(session, quiz_id=quiz.id, question_id=b, editor_id=editor.id)

    assert quiz.question_count == 2 and order(session, quiz.id) == [a, c]
    assert_consistent(session, quiz.id)
    assert changes(session, quiz.id)[-1].detail == {"question": b, "questions": [[a, b, c], [a, c]]}


def test_a_hand_picked_quiz_keeps_one_question(session, editor):
    (a,) = article_questions(session, 1)
    quiz = picked_quiz(session, editor, [a])

    with pytest.raises(QuizError, match="must keep at least 1 question:"):
        remove_question(session, quiz_id=quiz.id, question_id=a, editor_id=editor.id)

    assert order(session, quiz.id) == [a]


def test_a_scope_quiz_keeps_as_many_as_create_quiz_demands(session, editor):
    quiz = make_quiz(session, editor)  # Lady Gaga, 6 questions
    first, second = order(session, quiz.id)[:2]

    remove_question(session, quiz_id=quiz.id, question_id=first, editor_id=editor.id)
    with pytest.raises(QuizError, match="must keep at least 5 questions"):
        remove_question(session, quiz_id=quiz.id, question_id=second, editor_id=editor.id)

    assert len(order(session, quiz.id)) == 5


# --- Swapping --------------------------------------------------------------------------------


def test_the_candidates_are_the_same_fact_first_then_the_scope_on_facts_not_asked(session, editor):
    winner = question_id(session, WINNER)
    quiz = picked_quiz(session, editor, [winner, *article_questions(session, 2, (winner,))])
    held_facts = {item.fact_id for item in items_of(session, quiz.id)}

    candidates = swap_candidates(session, quiz, winner)

    same = [c for c in candidates if c.same_fact]
    assert same == candidates[: len(same)] and len(same) == 6  # the fact's other questions
    assert question_id(session, WINNER_TYPED) in {c.id for c in same}
    others = candidates[len(same) :]
    assert others, "the article has facts the quiz does not ask"
    facts = dict(session.exec(select(Question.id, Question.fact_id)).all())
    articles = dict(session.exec(select(Question.id, Question.article_id)).all())
    assert all(facts[c.id] not in held_facts for c in others)
    assert all(articles[c.id] == ARTICLE for c in others)  # a picked quiz's scope: the article
    typed = next(c for c in same if c.id == question_id(session, WINNER_TYPED))
    assert (typed.style, typed.answer) == ("typed", "Lady Gaga")  # what tells it apart


def test_a_scope_quiz_swaps_within_its_scope(session, editor):
    quiz = make_quiz(session, editor)  # Lady Gaga
    replaced = order(session, quiz.id)[2]
    gaga_facts = set(session.exec(select(QuizItem.fact_id).where(QuizItem.quiz_id == quiz.id)))
    candidate = next(c for c in swap_candidates(session, quiz, replaced) if not c.same_fact)

    swap_question(
        session,
        quiz_id=quiz.id,
        question_id=replaced,
        new_question_id=candidate.id,
        editor_id=editor.id,
    )

    items = items_of(session, quiz.id)
    assert items[2].question_id == candidate.id and len(items) == 6
    assert items[2].fact_id not in gaga_facts and len({i.fact_id for i in items}) == 6
    assert items[2].prompt == session.get(Question, candidate.id).prompt
    assert_consistent(session, quiz.id)
    assert changes(session, quiz.id)[-1].action == "swap"


def test_swapping_for_a_question_of_the_same_fact_keeps_the_place(session, editor):
    winner, typed = question_id(session, WINNER), question_id(session, WINNER_TYPED)
    a, b = article_questions(session, 2, (winner,))
    quiz = picked_quiz(session, editor, [a, winner, b])

    swap_question(
        session, quiz_id=quiz.id, question_id=winner, new_question_id=typed, editor_id=editor.id
    )

    assert order(session, quiz.id) == [a, typed, b]
    assert changes(session, quiz.id)[-1].detail == {
        "question": winner,
        "by": typed,
        "questions": [[a, winner, b], [a, typed, b]],
    }


def test_a_swap_refuses_what_is_no_candidate(session, editor):
    a, b = article_questions(session, 2)
    quiz = picked_quiz(session, editor, [a, b])
    same_fact_as_b = session.exec(
        select(Question.id).where(
            Question.fact_id == session.get(Question, b).fact_id, Question.id != b
        )
    ).first()
    elsewhere = session.exec(select(Question.id).where(Question.article_id != ARTICLE)).first()

    for new, says in [
        ("q-nothing", "there is no question 'q-nothing'"),
        (b, f"the question {b!r} is in the quiz already"),
        (same_fact_as_b, "pick one of the same fact, or of the quiz's scope"),  # b's fact
        (elsewhere, "pick one of the same fact, or of the quiz's scope"),
    ]:
        with pytest.raises(QuizError, match=says.replace("(", r"\(")):
            swap_question(
                session, quiz_id=quiz.id, question_id=a, new_question_id=new, editor_id=editor.id
            )
    with pytest.raises(NotInQuiz):
        swap_question(
            session, quiz_id=quiz.id, question_id="q-nothing", new_question_id=b, editor_id=None
        )

    assert order(session, quiz.id) == [a, b]
    assert [change.action for change in changes(session, quiz.id)] == ["create"]


# --- Deleting, and what is never edited --------------------------------------------------------


def test_deleting_a_draft_removes_it_and_its_items_and_logs_it(session, editor):
    a, b = article_questions(session, 2)
    quiz = picked_quiz(session, editor, [a, b])

    assert delete_quiz(session, quiz_id=quiz.id, editor_id=editor.id) == "Gaga night"

    assert session.get(Quiz, quiz.id) is None and items_of(session, quiz.id) == []
    assert session.get(Question, a) is not None  # the bank keeps its questions
    deleted = changes(session, quiz.id)[-1]
    assert (deleted.action, deleted.detail) == (
        "delete",
        {"title": "Gaga night", "questions": [a, b]},
    )


@pytest.mark.parametrize("edit", ["move", "remove", "swap", "delete"])
def test_a_published_quiz_is_never_edited(session, editor, edit):
    winner, typed = question_id(session, WINNER), question_id(session, WINNER_TYPED)
    a, b = article_questions(session, 2, (winner,))
    quiz = picked_quiz(session, editor, [a, winner, b], publish=True)
    calls = {
        "move": lambda: move_question(
            session, quiz_id=quiz.id, question_id=b, direction="up", editor_id=editor.id
        ),
        "remove": lambda: remove_question(
            session, quiz_id=quiz.id, question_id=b, editor_id=editor.id
        ),
        "swap": lambda: swap_question(
            session, quiz_id=quiz.id, question_id=winner, new_question_id=typed, editor_id=None
        ),
        "delete": lambda: delete_quiz(session, quiz_id=quiz.id, editor_id=editor.id),
    }

    with pytest.raises(QuizLocked, match="is published: players have played it"):
        calls[edit]()

    assert order(session, quiz.id) == [a, winner, b]
    assert [change.action for change in changes(session, quiz.id)] == ["create"]


def test_a_draft_becomes_uneditable_once_published(session, editor):
    a, b = article_questions(session, 2)
    quiz = picked_quiz(session, editor, [a, b])
    publish_quiz(session, quiz_id=quiz.id, editor_id=editor.id)

    with pytest.raises(QuizLocked):
        move_question(session, quiz_id=quiz.id, question_id=b, direction="up", editor_id=None)


def test_an_unknown_quiz_is_not_found(session, editor):
    with pytest.raises(QuizNotFound, match="there is no quiz 'ed-nothing'"):
        remove_question(session, quiz_id="ed-nothing", question_id="q-x", editor_id=editor.id)
    with pytest.raises(QuizNotFound):
        delete_quiz(session, quiz_id="ed-nothing", editor_id=editor.id)


# --- One quiz's audit --------------------------------------------------------------------------


def test_an_item_that_gives_a_later_ones_answer_away_is_flagged_until_moved(session, editor):
    announced, presenter = question_id(session, ANNOUNCED), question_id(session, PRESENTER)
    quiz = picked_quiz(session, editor, [announced, presenter])

    (finding,) = audit_quiz(session, quiz.id)

    assert (finding.severity, finding.code, finding.question_id, finding.quiz_id) == (
        "warning",
        "quiz-give-away",
        presenter,
        quiz.id,
    )
    assert finding.message == (
        f"item 1 ({announced}) shows 'Cher', the answer to item 2: players get it free; "
        "move item 2 before item 1, or swap one of them"
    )
    move_question(
        session, quiz_id=quiz.id, question_id=presenter, direction="up", editor_id=editor.id
    )
    assert audit_quiz(session, quiz.id) == []


def test_one_quizs_audit_is_the_whole_audit_of_that_quiz_reading_only_that_quiz(session, editor):
    announced, winner = question_id(session, ANNOUNCED), question_id(session, WINNER)
    quiz = picked_quiz(session, editor, [announced, winner])
    other = picked_quiz(session, editor, [announced, winner], title="Other")
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement.lower())

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        alone = audit_quiz(session, quiz.id)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    whole = [f for f in audit_database(session).findings if f.quiz_id == quiz.id]
    assert alone == whole and alone
    assert all(f.quiz_id == quiz.id for f in alone) and other.id != quiz.id
    assert not any("from question" in s for s in statements)  # not the bank's questions
    assert all("where" in s for s in statements)  # nothing read whole


# --- Two editors at once -----------------------------------------------------------------------


def test_edits_from_two_sessions_each_apply_to_what_the_other_left(session, editor, bundled_engine):
    a, b, c = article_questions(session, 3)
    quiz = picked_quiz(session, editor, [a, b, c])
    with Session(bundled_engine) as other:
        assert [i.question_id for i in quiz_items(other, quiz.id)] == [a, b, c]  # read before

        move_question(session, quiz_id=quiz.id, question_id=c, direction="up", editor_id=None)
        remove_question(other, quiz_id=quiz.id, question_id=a, editor_id=None)

    assert order(session, quiz.id) == [c, b]
    assert_consistent(session, quiz.id)


def test_an_edit_waits_for_another_on_the_same_draft(session, editor, bundled_engine):
    a, b, c = article_questions(session, 3)
    quiz = picked_quiz(session, editor, [a, b, c])
    done = threading.Event()

    def remove_in_another_session() -> None:
        with Session(bundled_engine) as other:
            remove_question(other, quiz_id=quiz.id, question_id=a, editor_id=None)
        done.set()

    editable_quiz(session, quiz.id, lock=True)  # an edit under way (PostgreSQL: row locked)
    worker = threading.Thread(target=remove_in_another_session)
    worker.start()
    move_question(session, quiz_id=quiz.id, question_id=c, direction="up", editor_id=None)
    worker.join(timeout=30)

    assert done.is_set()
    assert sorted(order(session, quiz.id)) == sorted([b, c])
    assert_consistent(session, quiz.id)
