"""A new article's people must not leak into old questions as wrong answers (issue 14): the
unseen article's presenter (Jimmy Fallon hands over an award) is never offered as a winner of
the 2010 Video of the Year, whatever the seed; wrong answers stay winner-like."""

from sqlmodel import Session, select

from quizapp.models import Entity, Fact, Question
from quizapp.questions.generation import rebuild_questions
from tests.unseen import add_unseen_article

VOTY_2010 = "vma-2010-video-of-the-year"


def test_a_new_presenter_is_no_wrong_answer_for_an_old_winner_question(game_session, tmp_path):
    db: Session = game_session
    add_unseen_article(db, tmp_path, seed=2026)
    names = {e.name: e.id for e in db.exec(select(Entity))}
    winners = {f.roles["winner"] for f in db.exec(select(Fact).where(Fact.kind == "award_win"))}
    presenter = names["Jimmy Fallon"]
    assert presenter not in winners  # he only hands an award over in the new article

    for seed in range(8):
        rebuild_questions(db, seed)
        question = db.exec(
            select(Question).where(
                Question.fact_id == VOTY_2010, Question.template_id == "award-win-winner-mc"
            )
        ).one()
        wrong = [choice for choice in question.choices if choice not in question.answer]
        assert len(wrong) == 3
        assert "Jimmy Fallon" not in question.choices
        # Each wrong answer won an award too: a fair rival, not just any name in the bank.
        assert {names[choice] for choice in wrong} <= winners, (seed, question.choices)
