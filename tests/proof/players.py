"""Simulated players of the JSON API: each plays one whole quiz and keeps what it was told.

A player knows the right answers (the test reads them from the database, never from the
API) and gives one with a set probability, so that scores, streaks and ties look like a real
crowd's. A patient player also rides out a database outage: on a 503 it asks the server what
happened before it tries again, and writes down what it concluded, for the test to compare
with the database.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session, select

from quizapp.models import QuizItem
from tests.proof.live import Client, Exchange

API = "/api/v1"
MAX_TRIES = 100  # of one request through an outage; each waits RETRY_PAUSE_S
RETRY_PAUSE_S = 0.05


class AnswerKey:
    """The right and a wrong answer to each question of a quiz, read from the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.items: dict[str, dict[int, QuizItem]] = {}
        self.lock = threading.Lock()

    def item(self, quiz_id: str, position: int) -> QuizItem:
        """The stored question (loaded once per quiz)."""
        with self.lock:
            if quiz_id not in self.items:
                with Session(self.engine) as session:
                    rows = session.exec(select(QuizItem).where(QuizItem.quiz_id == quiz_id))
                    self.items[quiz_id] = {item.position: item for item in rows}
            return self.items[quiz_id][position]

    def answer(self, quiz_id: str, position: int, *, right: bool) -> str:
        """What a player who knows (``right``) or does not know would send."""
        item = self.item(quiz_id, position)
        if item.style == "true_false":
            truth = item.answer[0]
            return truth if right else ("false" if truth == "true" else "true")
        if item.style == "multiple_choice":
            solution = item.accepted[0][0]
            return solution if right else next(c for c in item.choices if c != solution)
        return " and ".join(forms[0] for forms in item.accepted) if right else "Nobody at all"


@dataclass
class SentAnswer:
    """One POST of an answer and what the player made of it."""

    attempt_id: int
    position: int
    question_id: str
    given: str
    status: int | None
    points: int | None = None  # from a 200
    # After a failure: did the attempt move on (the answer was stored after all)?
    stored_as_told: bool | None = None


class PlayFailed(Exception):
    """The server answered something a player of the game should never see."""

    def __init__(self, what: str, exchange: Exchange) -> None:
        super().__init__(
            f"{what}: {exchange.method} {exchange.path} -> {exchange.status} "
            f"{str(exchange.body)[:300]}"
        )
        self.exchange = exchange


@dataclass
class ApiPlayer:
    """One player: creates itself, starts an attempt, answers every question, reads its total.

    ``patient`` players retry through 503s (see the module docstring); impatient ones treat
    anything but success as a failure.
    """

    client: Client
    key: AnswerKey
    nickname: str
    seed: int
    right_share: float = 0.6
    patient: bool = False
    quiz_id: str = ""
    question_count: int = 0  # as the quiz list says
    attempt_id: int | None = None
    sent: list[SentAnswer] = field(default_factory=list)
    summary: dict | None = None
    unavailable: int = 0  # 503s seen
    lost_tokens: int = 0  # players created whose token the 503 swallowed
    error: Exception | None = None

    def run(self, pick_quiz=None) -> None:
        """Play, keeping any failure in ``error`` (this runs in a thread of its own)."""
        try:
            self.play(pick_quiz)
        except Exception as exc:  # reported by the test, which sees every player's outcome
            self.error = exc
        finally:
            self.client.close()

    def play(self, pick_quiz=None) -> None:
        """The whole game, start to total."""
        self.create()
        quizzes = self.request("GET", f"{API}/quizzes").body["quizzes"]
        self.quiz_id = (pick_quiz or steady_quiz)(quizzes)
        self.question_count = next(q for q in quizzes if q["id"] == self.quiz_id)["question_count"]
        # 201, or 200 when a start repeated after a 503 resumes the attempt the first one made.
        started = self.request("POST", f"{API}/quizzes/{self.quiz_id}/attempts", expect=(201, 200))
        self.attempt_id = started.body["attempt_id"]
        rng = random.Random(self.seed)
        chosen: dict[int, str] = {}  # the answer to each position, the same when sent again
        while True:
            question = self.request("GET", f"{API}/attempts/{self.attempt_id}/question").body
            if question["finished"]:
                break
            position = question["question"]["position"]
            if position not in chosen:
                right = rng.random() < self.right_share
                chosen[position] = self.key.answer(self.quiz_id, position, right=right)
            self.answer(question["question"], chosen[position])
        self.summary = self.request("GET", f"{API}/attempts/{self.attempt_id}").body

    def create(self) -> None:
        """Create the player; through an outage, a 409 for our own name means the first try
        was stored and its token lost: take the suggested name."""
        nickname = self.nickname
        for _ in range(MAX_TRIES):
            exchange = self.client.call("POST", f"{API}/players", {"nickname": nickname})
            if exchange.status == 201:
                self.nickname = nickname
                self.client.token = exchange.body["token"]
                return
            if self.patient and exchange.status == 503:
                self.unavailable += 1
                time.sleep(RETRY_PAUSE_S)
                continue
            if self.patient and exchange.status == 409 and self.unavailable:
                self.lost_tokens += 1
                nickname = exchange.body["error"]["suggestion"]
                continue
            raise PlayFailed("creating the player", exchange)
        raise PlayFailed("still unavailable", exchange)

    def request(self, method: str, path: str, *, expect: int | tuple[int, ...] = 200) -> Exchange:
        """A request whose repeat is harmless; patient players repeat it through 503s."""
        expected = expect if isinstance(expect, tuple) else (expect,)
        for _ in range(MAX_TRIES):
            exchange = self.client.call(method, path)
            if exchange.status in expected:
                return exchange
            if not (self.patient and exchange.status == 503):
                raise PlayFailed("unexpected answer", exchange)
            self.unavailable += 1
            time.sleep(RETRY_PAUSE_S)
        raise PlayFailed("still unavailable", exchange)

    def answer(self, question: dict, given: str) -> None:
        """Send one answer; after a 503, look whether the attempt moved on before resending."""
        path = f"{API}/attempts/{self.attempt_id}/answers"
        body = {"question_id": question["id"], "answer": given}
        exchange = self.client.call("POST", path, body)
        sent = SentAnswer(
            self.attempt_id, question["position"], question["id"], given, exchange.status
        )
        self.sent.append(sent)
        if exchange.status == 200:
            sent.points = exchange.body["points"]
            return
        if not (self.patient and exchange.status == 503):
            raise PlayFailed("answering", exchange)
        self.unavailable += 1
        # Told the database failed: the answer may or may not have been stored. The question
        # now served says which; the caller sends the same answer again if it was not.
        now = self.request("GET", f"{API}/attempts/{self.attempt_id}/question").body
        sent.stored_as_told = now["finished"] or now["question"]["position"] != sent.position


def steady_quiz(quizzes: list[dict]) -> str:
    """The first quiz listed that is not a daily mix: the same whatever the day, and all run
    long (a crowd playing "the first quiz" across midnight would split over two mixes)."""
    return next(q["id"] for q in quizzes if q["scope"] != "daily")


def run_crowd(players: list[ApiPlayer], budget: float, pick_quiz=None) -> float:
    """Run every player in a thread of its own, all at once; the seconds until the last ends
    (or the budget runs out, leaving the laggards unfinished for the test to report)."""
    threads = [
        threading.Thread(target=player.run, args=(pick_quiz,), daemon=True) for player in players
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, started + budget - time.perf_counter()))
    return time.perf_counter() - started
