"""The review gate (quizapp.workspace.review) and retirements reaching quizzes at once, without
the app: on each test's own copy of the bundled bank with its questions and quizzes."""

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from quizapp.bank.sync import load_bank
from quizapp.game.play import answer_question, create_player, current_question, start_attempt
from quizapp.game.quizzes import build_quizzes, create_quiz, plan_quizzes
from quizapp.models import Change, Entity, Fact, Question, Quiz, QuizItem, Template
from quizapp.workspace import edits, review
from quizapp.workspace.edits import EditError
from tests.conftest import BUNDLED_BANK, TODAY
from tests.factories import make_editor
from tests.unseen import add_unseen_article

SEED = 2026
ARTICLE = "vma-2010-gaga-triumph"


@pytest.fixture
def db(game_session: Session) -> Session:
    return game_session


def items(db: Session, quiz_id: str) -> list[QuizItem]:
    db.expire_all()
    return list(
        db.exec(
            select(QuizItem).where(QuizItem.quiz_id == quiz_id).order_by(col(QuizItem.position))
        )
    )


def quizzes_holding(db: Session, fact_id: str) -> set[str]:
    db.expire_all()
    return set(db.exec(select(QuizItem.quiz_id).where(QuizItem.fact_id == fact_id)))


def played_through(db: Session, quiz_id: str, nickname: str) -> list[str]:
    """Play the quiz to its end as a new player; the ids of the questions served."""
    player, _ = create_player(db, nickname)
    attempt = start_attempt(db, player, quiz_id)
    served = []
    now = attempt.started_at  # the attempt's own clock: answered two seconds after each serve
    while (question := current_question(db, attempt, now=now)) is not None:
        served.append(question.id)
        now += dt.timedelta(seconds=2)
        answer = question.choices[0] if question.choices else "x"
        answer_question(db, attempt, question_id=question.id, answer=answer, now=now)
    return served


def tokens(db: Session) -> list[str]:
    return [change.token for group in review.pending_review(db) for change in group.changes]


def publish_all(db: Session) -> review.PublishReport:
    return review.publish(db, editor_id=None, tokens=tokens(db), today=TODAY)


def a_fact_of(db: Session, quiz_id: str) -> Fact:
    """A fact with a question in the quiz, and a kind with no other fact in it (so that
    regenerating its kind changes no other item of the quiz)."""
    held = [item.fact_id for item in items(db, quiz_id)]
    facts = [db.get(Fact, fact_id) for fact_id in held]
    kinds = [fact.kind for fact in facts]
    return next(fact for fact in facts if kinds.count(fact.kind) == 1)


# --- The gate ------------------------------------------------------------------------------------


def test_a_new_articles_facts_reach_no_quiz_until_they_are_published(db, tmp_path):
    article_id, fact_ids = add_unseen_article(db, tmp_path, seed=SEED)
    build_quizzes(db, today=TODAY)

    # Its facts make questions (the editor can read them) but no quiz asks them.
    assert db.exec(select(Question).where(col(Question.fact_id).in_(fact_ids))).first()
    assert db.get(Quiz, f"article-{article_id}") is None
    held = db.exec(select(QuizItem).where(col(QuizItem.fact_id).in_(fact_ids))).all()
    assert held == []
    assert review.pending_count(db) == len(fact_ids)

    groups = review.pending_review(db)
    assert [g.article_id for g in groups] == [article_id]
    changes = groups[0].changes
    assert sorted(c.id for c in changes) == sorted(fact_ids)
    voty = next(c for c in changes if "Mirrors" in c.summary and "Video of the Year" in c.summary)
    asked = {q.prompt: q for q in voty.questions}
    winner = asked["Who won Video of the Year at the 2013 MTV Video Music Awards?"]
    assert winner.answer == ("Justin Timberlake",)
    assert "Justin Timberlake" in winner.choices and len(winner.choices) == 4
    assert "Video of the Year" in winner.evidence

    report = publish_all(db)

    assert len(report.published) == len(fact_ids) and report.stale == []
    assert f"article-{article_id}" in report.quizzes.created
    assert {item.fact_id for item in items(db, f"article-{article_id}")} <= set(fact_ids)
    assert review.pending_count(db) == 0
    logged = db.exec(select(Change).where(Change.action == review.REVIEW_ACTION)).all()
    assert {c.subject_id for c in logged} == set(fact_ids)


def test_an_editors_own_quiz_may_ask_pending_facts(db, tmp_path, faker):
    # Building one is looking at its questions: its draft page lists them before publishing.
    editor = make_editor(db, faker, name="Quinn")
    article_id, fact_ids = add_unseen_article(db, tmp_path, seed=SEED)

    quiz = create_quiz(
        db,
        editor_id=editor.id,
        title="Brooklyn night",
        scope="article",
        scope_id=article_id,
        count=6,
        seconds=30,
        mode="plain",
        publish=False,
    )

    assert quiz.question_count == 6
    assert {item.fact_id for item in items(db, quiz.id)} <= set(fact_ids)
    assert review.pending_count(db) == len(fact_ids)


def test_an_edited_fact_leaves_unplayed_quizzes_with_reviewed_questions_only(db):
    quiz_id = f"article-{ARTICLE}"
    fact = a_fact_of(db, quiz_id)
    before = {i.question_id: i.prompt for i in items(db, quiz_id) if i.fact_id == fact.id}
    shorter = fact.evidence[: fact.evidence.rindex(" ")]  # still a verbatim passage
    edits.save_fact(
        db,
        editor_id=None,
        kind=fact.kind,
        article_id=ARTICLE,
        roles=fact.roles,
        evidence=shorter,
        fact_id=fact.id,
        seed=SEED,
    )

    # Until someone rebuilds, the quiz keeps the reviewed copy; a rebuild leaves the fact out.
    assert {i.question_id for i in items(db, quiz_id) if i.fact_id == fact.id} == set(before)
    build_quizzes(db, today=TODAY)
    assert fact.id not in {i.fact_id for i in items(db, quiz_id)}
    for plan in plan_quizzes(db, today=TODAY):
        facts = set(
            db.exec(select(Question.fact_id).where(col(Question.id).in_(plan.question_ids)))
        )
        assert fact.id not in facts

    publish_all(db)

    back = [i for i in items(db, quiz_id) if i.fact_id == fact.id]
    assert back and all(i.evidence == shorter for i in back)


def test_a_published_template_waits_for_review_and_a_draft_does_not_count(db):
    template = db.exec(select(Template).where(Template.status == "published")).first()
    edits.save_template(
        db,
        editor_id=None,
        kind=template.kind,
        style=template.style,
        prompt=template.prompt,
        answer_role=template.answer_role,
        explanation="Checked again.",
        status="published",
        template_id=template.id,
        seed=SEED,
    )
    build_quizzes(db, today=TODAY)

    assert not db.exec(select(QuizItem).where(QuizItem.template_id == template.id)).all()
    [group] = review.pending_review(db)
    assert group.template_id == template.id
    [change] = group.changes
    assert change.total_questions == len(
        db.exec(select(Question).where(Question.template_id == template.id)).all()
    )

    publish_all(db)

    assert db.exec(select(QuizItem).where(QuizItem.template_id == template.id)).first()


def test_publishing_leaves_a_change_saved_again_since_it_was_shown(db, tmp_path):
    quiz_id = f"article-{ARTICLE}"
    fact = a_fact_of(db, quiz_id)
    save = {
        "editor_id": None,
        "kind": fact.kind,
        "article_id": ARTICLE,
        "roles": fact.roles,
        "fact_id": fact.id,
        "seed": SEED,
    }
    evidence = fact.evidence
    edits.save_fact(db, evidence=evidence[: evidence.rindex(" ")], **save)
    shown = tokens(db)
    edits.save_fact(db, evidence=evidence, **save)  # someone saves it again meanwhile

    report = review.publish(db, editor_id=None, tokens=shown, today=TODAY)

    assert report.published == [] and report.stale == [f"fact {fact.id}"]
    assert "another look" in report.messages()[0]
    assert review.pending_count(db) == 1


def test_publishing_refuses_what_is_not_a_token(db):
    with pytest.raises(EditError, match="not a change from the review screen"):
        review.publish(db, editor_id=None, tokens=["fact-without-digest"], today=TODAY)


def test_renaming_an_entity_sends_the_facts_naming_it_to_review(db):
    entity = db.get(Entity, "lady-gaga")
    naming = {
        f.id for f in db.exec(select(Fact).where(~col(Fact.retired))) if "lady-gaga" in str(f.roles)
    }
    edits.save_entity(
        db,
        editor_id=None,
        name="Lady Gaga",
        type_=entity.type,
        aliases=[*entity.aliases, "Mother Monster"],
        entity_id="lady-gaga",
        seed=SEED,
    )

    pending = {c.id for g in review.pending_review(db) for c in g.changes}
    assert naming and pending == naming


def test_loading_the_files_counts_everything_as_reviewed(db, tmp_path):
    add_unseen_article(db, tmp_path, seed=SEED)
    assert review.pending_count(db) > 0

    load_bank(db, BUNDLED_BANK)

    assert review.pending_count(db) == 0


def test_the_changes_of_a_review_are_not_unsaved_changes_to_dump(db):
    fact = db.exec(select(Fact).where(Fact.article_id == ARTICLE)).first()
    edits.restore_fact(db, editor_id=None, fact_id=fact.id, seed=SEED)  # a save: pending
    assert review.pending_count(db) == 1
    saved = edits.unsaved_changes(db)

    publish_all(db)

    assert edits.unsaved_changes(db) == saved


# --- Retiring ------------------------------------------------------------------------------------


def test_retiring_a_fact_takes_it_out_of_unplayed_quizzes_at_once(db):
    quiz_id = f"article-{ARTICLE}"
    fact = a_fact_of(db, quiz_id)
    others = sorted(quizzes_holding(db, fact.id) - {quiz_id})
    assert others, "the fact is in a topic or event quiz too"
    played = others[0]
    unplayed = [quiz_id, *others[1:]]
    kept = [i.question_id for i in items(db, played)]
    played_through(db, played, "EarlyBird")

    edits.retire_fact(db, editor_id=None, fact_id=fact.id, seed=SEED)

    # No rebuild was asked for: the retirement did it. Each unplayed quiz was planned again
    # without the fact, or removed if its scope no longer makes a quiz.
    assert quizzes_holding(db, fact.id) == {played}
    assert [i.question_id for i in items(db, played)] == kept
    rebuilt = [q for q in unplayed if db.get(Quiz, q) is not None]
    assert rebuilt, "some quiz that held the fact is still played"
    for rebuilt_id in rebuilt:
        assert db.get(Quiz, rebuilt_id).question_count == len(items(db, rebuilt_id))
    gone = set(db.exec(select(QuizItem.question_id).where(QuizItem.fact_id == fact.id)))
    served = played_through(db, rebuilt[0], "LatePlayer")
    assert served and not gone & set(served)
    assert fact.id not in {db.get(Question, q).fact_id for q in served if db.get(Question, q)}


def test_retiring_a_template_takes_its_questions_out_of_unplayed_quizzes(db):
    quiz_id = f"article-{ARTICLE}"
    template_id = items(db, quiz_id)[0].template_id

    edits.retire_template(db, editor_id=None, template_id=template_id, seed=SEED)

    db.expire_all()
    assert not db.exec(select(QuizItem).where(QuizItem.template_id == template_id)).all()
    assert db.get(Quiz, quiz_id) is not None


def test_a_quiz_too_small_without_the_retired_fact_goes(db):
    quiz_id = f"article-{ARTICLE}"
    facts = [i.fact_id for i in items(db, quiz_id)]
    for fact_id in facts:
        edits.retire_fact(db, editor_id=None, fact_id=fact_id, seed=SEED)
        if db.get(Quiz, quiz_id) is None:
            break
    db.expire_all()
    assert db.get(Quiz, quiz_id) is None
    assert items(db, quiz_id) == []


def test_taking_a_template_back_to_draft_takes_its_questions_out_at_once(db):
    quiz_id = f"article-{ARTICLE}"
    template = db.get(Template, items(db, quiz_id)[0].template_id)

    edits.save_template(
        db,
        editor_id=None,
        kind=template.kind,
        style=template.style,
        prompt=template.prompt,
        answer_role=template.answer_role,
        explanation=template.explanation,
        status="draft",
        template_id=template.id,
        seed=SEED,
    )

    db.expire_all()
    assert not db.exec(select(QuizItem).where(QuizItem.template_id == template.id)).all()
    assert review.pending_count(db) == 0  # a draft shows players nothing: nothing to review
