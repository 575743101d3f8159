"""Leaderboards in the browser: overall, per quiz and per topic, all time or this week."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from quizapp.game import ranking
from quizapp.models import OVERALL_BOARD, BoardEntry, Player, utcnow

QUIZ = "event-show-2011"


# "This week" is the week of the clock: a test must not see it turn between writing an entry
# and reading the board.
pytestmark = pytest.mark.usefixtures("fixed_clock")


def make_player(session, nickname: str) -> Player:
    """A player written straight to the database (no nickname rules: for hostile names too)."""
    player = Player(nickname=nickname, nickname_key=nickname.casefold(), token_hash=nickname)
    session.add(player)
    session.commit()
    session.refresh(player)
    return player


def make_entry(session, player: Player, score: int, *, board: str = QUIZ, week: bool = True):
    """Put ``player`` on ``board`` with ``score``, all time and (by default) this week."""
    now = utcnow()
    periods = ["all", ranking.period_key("week", now)] if week else ["all"]
    for period in periods:
        session.add(
            BoardEntry(
                board=board,
                period=period,
                player_id=player.id,
                score=score,
                finished_at=now - dt.timedelta(minutes=score % 97),
            )
        )
    session.flush()
    ranking.rebuild_board_bands(session)  # entries written by hand, not by record_finish
    session.commit()


def play_as(client, player: Player) -> None:
    with client.session_transaction() as cookie:
        cookie["player_id"] = player.id


def rows(page: str) -> list[tuple[str, str, str, bool]]:
    """The board's rows: (rank, nickname, score, is it mine)."""
    found = re.findall(
        r'<tr( class="me" aria-current="true")?>\s*<td class="rank">(\d+)</td>'
        r'<td class="who">(.*?)</td><td class="num">([\d,]+)</td>',
        page,
    )
    return [(rank, who, score, bool(me)) for me, rank, who, score in found]


@pytest.fixture
def loaded(runner, playable_bank_path):
    """The playable bank loaded and generated, which builds its quizzes."""
    assert runner.invoke(args=["load-bank", str(playable_bank_path)]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0


@pytest.fixture
def crowd(loaded, session) -> list[Player]:
    """Twelve players on the quiz and overall boards, best first: 12,000 down to 1,000."""
    players = [make_player(session, f"Player {n:02d}") for n in range(1, 13)]
    for n, player in enumerate(players):
        make_entry(session, player, 12_000 - 1000 * n)
        make_entry(session, player, 12_000 - 1000 * n, board=OVERALL_BOARD)
    return players


@pytest.mark.parametrize("path", [f"/leaderboards/{QUIZ}", "/leaderboards"])
def test_top_ten_and_my_own_row_below_them(client, crowd, path):
    play_as(client, crowd[11])

    page = client.get(path).get_data(as_text=True)

    found = rows(page)
    assert [r[0] for r in found] == [str(n) for n in range(1, 11)] + ["12"]
    assert found[0] == ("1", "Player 01", "12,000", False)
    assert found[-1] == ("12", "Player 12", "1,000", True)
    assert '<tr class="gap"' in page  # rank 11 is left out, and the table says so
    assert "12 players; you are #12." in page


def test_my_row_in_the_top_ten_is_highlighted_in_place(client, crowd):
    play_as(client, crowd[2])

    found = rows(client.get(f"/leaderboards/{QUIZ}").get_data(as_text=True))

    assert len(found) == 10
    assert [r for r in found if r[3]] == [("3", "Player 03", "10,000", True)]


def test_without_a_player_there_is_no_own_row(client, crowd):
    page = client.get("/leaderboards").get_data(as_text=True)

    assert len(rows(page)) == 10 and 'class="me"' not in page


def test_the_week_board_leaves_out_older_bests(client, loaded, session):
    old, new = make_player(session, "Old Timer"), make_player(session, "Newcomer")
    make_entry(session, old, 9000, week=False)
    make_entry(session, new, 500)

    all_time = rows(client.get(f"/leaderboards/{QUIZ}?period=all").get_data(as_text=True))
    week_page = client.get(f"/leaderboards/{QUIZ}?period=week").get_data(as_text=True)

    assert [r[1] for r in all_time] == ["Old Timer", "Newcomer"]
    assert [r[1] for r in rows(week_page)] == ["Newcomer"]
    assert '<a href="?period=week" aria-current="true">This week</a>' in week_page


def test_an_empty_board_invites_a_first_player(client, loaded):
    page = client.get("/leaderboards?period=week").get_data(as_text=True)

    assert "Nobody is on this board this week" in page


def test_a_bad_period_is_a_400_and_an_unknown_quiz_a_404(client, loaded):
    bad = client.get("/leaderboards?period=month")
    unknown = client.get("/leaderboards/no-such-quiz")

    assert bad.status_code == 400 and "Period must be all or week." in bad.text
    assert unknown.status_code == 404 and "There is no quiz" in unknown.text


def test_every_quiz_has_a_board_linked_from_the_overview(client, loaded):
    page = client.get("/leaderboards").get_data(as_text=True)

    assert f'href="/leaderboards/{QUIZ}"' in page
    assert "Quiz boards" in page


def test_entity_quizzes_are_topic_boards(client, runner):
    assert runner.invoke(args=["load-bank"]).exit_code == 0
    assert runner.invoke(args=["generate"]).exit_code == 0

    page = client.get("/leaderboards").get_data(as_text=True)
    topics = page.split("Topic boards", 1)[1].split("Quiz boards", 1)[0]

    assert 'href="/leaderboards/entity-lady-gaga">All about Lady Gaga</a>' in topics
    board = client.get("/leaderboards/entity-lady-gaga").get_data(as_text=True)
    assert "Topic board" in board and "All about Lady Gaga" in board


def test_a_hostile_nickname_is_escaped_on_the_boards(client, loaded, session):
    # 24 characters, the column's limit: PostgreSQL enforces it (SQLite would not).
    hostile = make_player(session, "<script>alert()</script>")
    make_entry(session, hostile, 4000)
    make_entry(session, hostile, 4000, board=OVERALL_BOARD)
    play_as(client, hostile)

    for path in ("/leaderboards", f"/leaderboards/{QUIZ}", f"/quizzes/{QUIZ}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert()</script>" not in page, path
        assert "&lt;script&gt;alert()&lt;/script&gt;" in page, path
