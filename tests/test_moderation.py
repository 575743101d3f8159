"""Editors voiding attempts and hiding players, and the too-fast list
(quizapp.game.moderation, quizapp.web.editor_moderation): the boards follow exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from quizapp.game import moderation, play, ranking
from quizapp.models import Attempt, BoardBand, BoardEntry, Quiz
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.test_ranked_play import QUIZ, at, right_answer


def play_quiz(session: Session, name: str, quiz_id: str, *, start: float, seconds: float):
    """A new player plays ``quiz_id`` through, every answer right after ``seconds``."""
    player = play.create_player(session, name)[0]
    attempt = play.open_attempt(session, player, quiz_id, now=at(start)).attempt
    moment = start
    while (served := play.current_question(session, attempt, now=at(moment))) is not None:
        item_quiz = attempt.quiz_id
        answer = _right(session, item_quiz, served)
        play.answer_question(
            session, attempt, question_id=served.id, answer=answer, now=at(moment + seconds)
        )
        moment += seconds + 1
    return player, attempt


def _right(session: Session, quiz_id: str, served: play.ServedQuestion) -> str:
    if quiz_id == QUIZ:
        return right_answer(session, served)
    from quizapp.models import QuizItem

    item = session.exec(
        select(QuizItem).where(QuizItem.quiz_id == quiz_id, QuizItem.position == served.position)
    ).one()
    if item.style == "true_false":
        return item.answer[0]
    return " and ".join(part[0] for part in item.accepted)


def snapshot(session: Session) -> tuple[dict, dict]:
    """The kept board rows and the non-empty bands, comparable across engines."""
    session.expire_all()
    entries = {
        (e.board, e.period, e.player_id): (
            e.score,
            e.finished_at.replace(tzinfo=None) if e.finished_at.tzinfo is None else e.finished_at,
            e.attempt_id,
        )
        for e in session.exec(select(BoardEntry))
    }
    bands = {
        (b.board, b.period, b.band): b.entries for b in session.exec(select(BoardBand)) if b.entries
    }
    return entries, bands


def recomputed(session: Session) -> tuple[dict, dict]:
    """What a full recompute from the attempts gives, without keeping it."""
    ranking.rebuild_boards(session)
    session.flush()
    found = snapshot_uncommitted(session)
    session.rollback()
    return found


def snapshot_uncommitted(session: Session) -> tuple[dict, dict]:
    entries = {
        (e.board, e.period, e.player_id): (e.score, e.finished_at, e.attempt_id)
        for e in session.exec(select(BoardEntry))
    }
    bands = {
        (b.board, b.period, b.band): b.entries for b in session.exec(select(BoardBand)) if b.entries
    }
    return entries, bands


@pytest.fixture
def editor_id(game_session, faker) -> int:
    editor = make_editor(game_session, faker, name="Ed")
    assert editor.id is not None
    return editor.id


@pytest.fixture
def three_players(game_session):
    """Ann (fast), Bob and Cy on QUIZ; Ann answers one question of another quiz too."""
    ann, ann_first = play_quiz(game_session, "Ann", QUIZ, start=0, seconds=0.1)
    bob, _ = play_quiz(game_session, "Bob", QUIZ, start=100, seconds=4)
    cy, _ = play_quiz(game_session, "Cy", QUIZ, start=200, seconds=9)
    other_quiz = game_session.exec(
        select(Quiz.id).where(Quiz.id != QUIZ, Quiz.status == "published").order_by(Quiz.id)
    ).first()
    attempt = play.open_attempt(game_session, ann, other_quiz, now=at(300)).attempt
    served = play.current_question(game_session, attempt, now=at(300))
    play.answer_question(
        game_session,
        attempt,
        question_id=served.id,
        answer=_right(game_session, other_quiz, served),
        now=at(301),
    )
    # Closed as it stands once its window is over: Ann's second quiz is on the overall board.
    play.close_stale_attempts(game_session, now=at(300 + 86400))
    return ann, bob, cy, ann_first


def quiz_board(session: Session) -> list[str]:
    standings = ranking.get_quiz_standings(session, quiz_id=QUIZ, limit=10)
    return [s.nickname for s in standings.entries]


def test_void_and_hide_keep_the_boards_equal_to_a_full_recompute(
    game_session, editor_id, three_players
):
    ann, bob, cy, ann_first = three_players
    assert quiz_board(game_session) == ["Ann", "Bob", "Cy"]
    assert snapshot(game_session) == recomputed(game_session)

    moderation.void_attempt(
        game_session, ann_first.id, editor_id=editor_id, reason="answers in 100 ms", now=at(900)
    )
    assert quiz_board(game_session) == ["Bob", "Cy"]
    assert ranking.get_quiz_standings(game_session, quiz_id=QUIZ, player_id=bob.id).me.rank == 1
    assert snapshot(game_session) == recomputed(game_session)

    moderation.hide_player(game_session, bob.id, editor_id=editor_id, reason="shared account")
    assert quiz_board(game_session) == ["Cy"]
    overall = ranking.get_overall_standings(game_session, limit=10)
    assert [s.nickname for s in overall.entries] == ["Cy", "Ann"]  # Ann keeps her other quiz
    assert snapshot(game_session) == recomputed(game_session)

    moderation.unvoid_attempt(game_session, ann_first.id)
    moderation.unhide_player(game_session, bob.id)
    assert quiz_board(game_session) == ["Ann", "Bob", "Cy"]
    assert snapshot(game_session) == recomputed(game_session)


def test_a_void_keeps_who_when_and_why(game_session, editor_id, three_players):
    _, _, _, ann_first = three_players

    moderation.void_attempt(
        game_session, ann_first.id, editor_id=editor_id, reason="  too   fast ", now=at(900)
    )

    game_session.expire_all()
    voided = game_session.get(Attempt, ann_first.id)
    assert (voided.voided_by, voided.void_reason) == (editor_id, "too fast")
    assert voided.voided_at.replace(tzinfo=dt.UTC) == at(900).replace(tzinfo=dt.UTC)
    assert play.summarize_attempt(game_session, voided).board == "voided"
    with pytest.raises(moderation.ModerationError, match="already voided"):
        moderation.void_attempt(game_session, ann_first.id, editor_id=editor_id, reason="again")


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "give a reason"), ("   ", "give a reason"), ("x" * 501, "at most 500"), (None, "reason")],
)
def test_a_void_needs_a_reason(game_session, editor_id, three_players, reason, message):
    _, _, _, ann_first = three_players

    with pytest.raises(moderation.ModerationError, match=message):
        moderation.void_attempt(game_session, ann_first.id, editor_id=editor_id, reason=reason)
    game_session.expire_all()
    assert game_session.get(Attempt, ann_first.id).voided_at is None
    assert quiz_board(game_session)[0] == "Ann"


def test_too_fast_lists_right_answers_faster_than_reading_not_slow_ones(
    game_session, three_players
):
    ann, _, _, ann_first = three_players

    rows = moderation.too_fast_attempts(game_session)

    assert [(r.attempt_id, r.nickname) for r in rows] == [(ann_first.id, "Ann")]
    assert rows[0].too_fast == rows[0].answered >= moderation.TOO_FAST_MIN_ITEMS
    assert rows[0].fastest_ms == 100
    assert moderation.reading_ms("Who won the award in 2010?") == 300 + 6 * 120
    assert game_session.get(Attempt, ann_first.id).voided_at is None  # listed, not voided


# --- The pages ----------------------------------------------------------------------------------


@pytest.fixture
def app(bundled_app):
    return bundled_app


@pytest.fixture
def fast_attempt(app, session) -> int:
    """Ann's attempt at QUIZ, every answer right in 100 ms."""
    _, attempt = play_quiz(session, "Ann", QUIZ, start=0, seconds=0.1)
    play_quiz(session, "Bob", QUIZ, start=100, seconds=4)
    assert attempt.id is not None
    return attempt.id


@pytest.fixture
def as_editor(editor_auth, session, faker):
    make_editor(session, faker, name="Ed")
    assert editor_auth.login("Ed", EDITOR_PASSWORD).status_code == 302
    return editor_auth


def test_editor_sees_the_rule_and_voids_from_the_too_fast_page(
    app, session, as_editor, fast_attempt, client
):
    page = client.get("/editor/moderation/too-fast").get_data(as_text=True)
    assert "300 ms + 120 ms for each word" in page and "3 or more" in page
    assert f"#{fast_attempt}" in page and "Ann" in page

    response = as_editor.post(
        f"/editor/moderation/attempts/{fast_attempt}/void",
        reason="100 ms each",
        **{"from": "too-fast"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/editor/moderation/too-fast")
    session.expire_all()
    assert session.get(Attempt, fast_attempt).void_reason == "100 ms each"
    board = client.get(f"/leaderboards/{QUIZ}").get_data(as_text=True)
    assert "Ann" not in board and "Bob" in board
    listing = client.get("/editor/moderation/").get_data(as_text=True)
    assert "100 ms each" in listing and "Restore" in listing and "by Ed" in listing


def test_editor_hides_a_player_by_nickname_and_shows_them_again(
    app, session, as_editor, fast_attempt, client
):
    refused = as_editor.post("/editor/moderation/players/hide", nickname="Ann", reason="")
    assert refused.status_code == 302
    assert "Not hidden: give a reason" in client.get("/editor/moderation/").get_data(as_text=True)

    as_editor.post("/editor/moderation/players/hide", nickname="ann", reason="cheating")
    hidden_board = client.get(f"/leaderboards/{QUIZ}").get_data(as_text=True)
    ann = moderation.find_player(session, "Ann")
    as_editor.post(f"/editor/moderation/players/{ann.id}/unhide")
    shown_board = client.get(f"/leaderboards/{QUIZ}").get_data(as_text=True)

    assert "Ann" not in hidden_board and "Ann" in shown_board


def test_moderation_needs_a_logged_in_editor_and_the_csrf_token(app, session, fast_attempt):
    client = app.test_client()

    pages = [client.get(url) for url in ("/editor/moderation/", "/editor/moderation/too-fast")]
    voided = client.post(f"/editor/moderation/attempts/{fast_attempt}/void", data={"reason": "x"})

    assert all(p.status_code == 302 and "/editor/login" in p.headers["Location"] for p in pages)
    assert voided.status_code in (302, 400)
    session.expire_all()
    assert session.get(Attempt, fast_attempt).voided_at is None
