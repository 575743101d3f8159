"""Cheating: every way a player could take points they did not earn is refused.

On both engines, through the Flask test client (the app as served: TESTING off): answers after
the deadline, answers to other questions, replayed requests, forged and borrowed tokens,
tampered cookies and choices not offered. Then a full play-through in the browser's pages and
one over the API, every response scanned: none before an answer holds what would give it away.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import secrets

import pytest
from flask import Flask
from sqlmodel import Session, select

from quizapp import create_app
from quizapp.db import get_engine
from quizapp.game import play, ranking
from quizapp.models import Attempt, AttemptAnswer, QuizItem, utcnow
from tests.conftest import CSRF_FIELD
from tests.proof import audit
from tests.proof.conftest import engine_name

pytestmark = pytest.mark.proof

API = "/api/v1"
QUESTION_FIELDS = {"id", "prompt", "style", "choices", "seconds", "position", "count", "remaining"}
# Keys that carry an answer: a JSON body before the answer must have none of them.
ANSWER_KEYS = {"correct_answer", "accepted", "answer", "solution", "evidence", "explanation"}


class Clock:
    """The server's clock, moved by hand so that "after the deadline" is exact."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now


class Player:
    """A player of the API in the test client: its token, its attempt on a quiz."""

    def __init__(self, app: Flask, nickname: str, quiz_id: str) -> None:
        self.app = app
        self.client = app.test_client()
        created = self.client.post(f"{API}/players", json={"nickname": nickname})
        assert created.status_code == 201, created.json
        self.id, self.token = created.json["id"], created.json["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.quiz_id = quiz_id
        started = self.client.post(f"{API}/quizzes/{self.quiz_id}/attempts", headers=self.headers)
        self.attempt_id = started.json["attempt_id"]

    def question(self) -> dict:
        """Fetch (and so serve) the current question."""
        return self.client.get(
            f"{API}/attempts/{self.attempt_id}/question", headers=self.headers
        ).json["question"]

    def answer(self, question_id: str, answer: str, headers: dict | None = None):
        """Post an answer; the raw response."""
        return self.client.post(
            f"{API}/attempts/{self.attempt_id}/answers",
            json={"question_id": question_id, "answer": answer},
            headers=self.headers if headers is None else headers,
        )

    def item(self, position: int) -> QuizItem:
        """The stored question, with its answer: for the test's eyes only."""
        with Session(get_engine(self.app)) as session:
            return session.get(QuizItem, (self.quiz_id, position))

    def stored(self) -> tuple[int, int, list[tuple[int, str | None, int]]]:
        """The attempt's position and score, and its answers, as the database has them."""
        with Session(get_engine(self.app)) as session:
            attempt = session.get(Attempt, self.attempt_id)
            answers = session.exec(
                select(AttemptAnswer.position, AttemptAnswer.given, AttemptAnswer.points).where(
                    AttemptAnswer.attempt_id == self.attempt_id,
                    AttemptAnswer.answered_at.is_not(None),
                )
            ).all()
            return attempt.position, attempt.score, sorted(answers)


def right_answer(item: QuizItem) -> str:
    """What a player who knows would send."""
    if item.style == "true_false":
        return item.answer[0]
    if item.style == "multiple_choice":
        return item.accepted[0][0]
    return " and ".join(forms[0] for forms in item.accepted)


def refusal(response) -> str:
    """The status and error code of a refused API request, for the figures."""
    return f"{response.status_code} {response.json['error']['code']}"


# --- Refusals -----------------------------------------------------------------------------------


def test_answers_after_the_deadline_score_nothing(game, proof_quiz, monkeypatch, figures):
    clock = Clock()
    monkeypatch.setattr(play, "utcnow", clock)
    monkeypatch.setattr(ranking, "utcnow", clock)
    player = Player(game, "Late Larry", proof_quiz)
    question = player.question()
    item = player.item(question["position"])
    clock.now += dt.timedelta(seconds=question["seconds"] + 1.5)  # past the 1 s grace

    late = player.answer(question["id"], right_answer(item))

    assert late.status_code == 200
    assert (late.json["late"], late.json["correct"], late.json["points"]) == (True, False, 0)
    position, score, answers = player.stored()
    assert (position, score) == (1, 0) and answers == [(0, right_answer(item), 0)]
    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: the right answer "
        f"{question['seconds'] + 1.5:g} s into a {question['seconds']} s question: recorded "
        "as late, 0 points, the streak reset"
    )


def test_answers_to_other_questions_are_refused(game, proof_quiz, figures):
    player = Player(game, "Jumpy Jo", proof_quiz)
    unserved = player.answer(player.item(0).question_id, right_answer(player.item(0)))
    question = player.question()
    later = player.item(question["position"] + 1)
    with Session(get_engine(game)) as session:
        elsewhere = session.exec(select(QuizItem).where(QuizItem.quiz_id != player.quiz_id)).first()
    tries = {
        "before fetching it": unserved,
        "a later question of the quiz": player.answer(later.question_id, right_answer(later)),
        "a question of another quiz": player.answer(elsewhere.question_id, "x"),
        "an unknown question id": player.answer("no-such-question", "x"),
    }

    assert {name: r.status_code for name, r in tries.items()} == dict.fromkeys(tries, 409)
    assert player.stored() == (0, 0, [])
    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: answers to a question "
        + ", ".join(f"{name}: {refusal(r)}" for name, r in tries.items())
        + "; nothing stored"
    )


def test_replayed_requests_change_nothing(game, proof_quiz, figures):
    player = Player(game, "Echo Ed", proof_quiz)
    question = player.question()
    item = player.item(question["position"])
    first = player.answer(question["id"], right_answer(item))
    replays = [player.answer(question["id"], right_answer(item)) for _ in range(5)]
    player.question()  # the attempt moves on; the old request is replayed again
    replays.append(player.answer(question["id"], right_answer(item)))

    assert first.status_code == 200 and first.json["points"] > 0
    assert [r.status_code for r in replays] == [409] * len(replays)
    position, score, answers = player.stored()
    assert (position, score, len(answers)) == (1, first.json["points"], 1)
    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: one answer replayed 6 times (5 at once "
        f"after it, 1 after the next fetch): all {refusal(replays[0])}; the score stays "
        f"{first.json['points']}"
    )


def test_forged_and_borrowed_tokens_are_refused(game, proof_quiz, figures):
    victim = Player(game, "Victim Vi", proof_quiz)
    thief = Player(game, "Thief Theo", proof_quiz)
    question = victim.question()
    answer = right_answer(victim.item(question["position"]))
    forged = secrets.token_urlsafe(32)
    attempts = {
        "no token": {},
        "a forged token": {"Authorization": f"Bearer {forged}"},
        "another scheme": {"Authorization": f"Basic {victim.token}"},
        "a token with one character changed": {
            "Authorization": f"Bearer {victim.token[:-1]}{'A' if victim.token[-1] != 'A' else 'B'}"
        },
        "another player's valid token": thief.headers,
    }
    outcomes = {}
    for name, headers in attempts.items():
        responses = [
            victim.answer(question["id"], answer, headers=headers),
            victim.client.get(f"{API}/attempts/{victim.attempt_id}/question", headers=headers),
            victim.client.get(f"{API}/attempts/{victim.attempt_id}", headers=headers),
        ]
        outcomes[name] = sorted({refusal(r) for r in responses})

    expected = {name: ["401 unauthorized"] for name in attempts}
    expected["another player's valid token"] = ["403 forbidden"]
    assert outcomes == expected
    assert victim.stored() == (0, 0, [])
    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: answering, fetching and reading "
        "another's attempt with "
        + "; ".join(f"{name}: {', '.join(codes)}" for name, codes in outcomes.items())
        + "; nothing stored"
    )


def browser(app: Flask, nickname: str):
    """A test client that picked a nickname through the form: a player in the cookie."""
    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/player").text).group(1)
    assert client.post("/player", data={"csrf_token": token, "nickname": nickname}).status_code
    return client


def test_tampered_cookies_are_ignored(game, proof_quiz, figures):
    victim = browser(game, "Cookie Cathy")
    quiz_id = proof_quiz
    token = CSRF_FIELD.search(victim.get(f"/quizzes/{quiz_id}").text).group(1)
    started = victim.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token})
    attempt_path = started.location
    page = victim.get(attempt_path).text
    question_id = re.search(r'name="question_id" value="([^"]+)"', page).group(1)
    victim_id = victim.get_cookie(game.config["SESSION_COOKIE_NAME"])
    real = victim_id.value
    with game.app_context():
        with Session(get_engine(game)) as session:
            cathy = session.exec(select(Attempt)).all()[-1].player_id

    other_key = create_app({"SECRET_KEY": "someone-elses-key", "TESTING": True})
    forged = other_key.session_interface.get_signing_serializer(other_key).dumps(
        {"player_id": cathy}
    )
    payload, _, signature = real.rpartition(".")
    # Its first character: each of its 6 bits is signature. (The last one's low bits are
    # padding a decoder ignores, so changing the tail could leave the same signature.)
    changed = "A" if signature[0] != "A" else "B"
    tampered = {
        "the signature changed": f"{payload}.{changed}{signature[1:]}",
        "signed with another key": forged,
        "no signature": payload.split(".")[0],
    }
    outcomes = {}
    for name, value in tampered.items():
        attacker = game.test_client()
        attacker.set_cookie(game.config["SESSION_COOKIE_NAME"], value)
        shown = attacker.get(attempt_path)
        posted = attacker.post(
            attempt_path + "/answer", data={"question_id": question_id, "answer": "true"}
        )
        outcomes[name] = (shown.status_code, shown.location, posted.status_code)

    with Session(get_engine(game)) as session:
        answered = session.exec(
            select(AttemptAnswer).where(AttemptAnswer.answered_at.is_not(None))
        ).all()
    for name, (status, location, posted) in outcomes.items():
        assert status == 302 and location.startswith("/player"), (name, status, location)
        # The nickname form, or 400 because a tampered session holds no valid CSRF token.
        assert posted in (302, 400), (name, posted)
    assert answered == []
    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: the victim's attempt page with a "
        "session cookie "
        + ", ".join(tampered)
        + ": each 302 to the nickname form (no player); answer posts "
        + ", ".join(str(posted) for _, _, posted in outcomes.values())
        + "; answers stored: 0"
    )


def test_choices_not_offered_are_refused(game, proof_quiz, figures):
    player = Player(game, "Chooser Chu", proof_quiz)
    tried = []
    position = 0
    for style, offers in (
        ("multiple_choice", ["Nobody you know", "", "' OR 1=1 --"]),
        ("true_false", ["maybe", "yes", "1", "truee"]),
    ):
        while True:
            question = player.question()
            item = player.item(question["position"])
            if item.style == style:
                break
            assert player.answer(question["id"], right_answer(item)).status_code == 200
            position += 1
        for offer in offers:
            if offer == "":
                continue  # an empty answer is a skip, which is allowed in every style
            response = player.answer(question["id"], offer)
            assert response.status_code == 400 and response.json["error"]["message"]
            tried.append((style, offer, response.json["error"]["message"]))
        wrong_case = question["choices"][0].swapcase()
        if style == "multiple_choice" and wrong_case not in question["choices"]:
            response = player.answer(question["id"], wrong_case)
            assert response.status_code == 400
            tried.append((style, wrong_case, response.json["error"]["message"]))
        assert player.stored()[0] == position  # still at this question
        assert player.answer(question["id"], right_answer(item)).status_code == 200
        position += 1

    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: {len(tried)} answers not on offer, all "
        f"400 and none stored: "
        + "; ".join(f"{style} {offer!r}: {message}" for style, offer, message in tried[:2])
        + "; ..."
    )


# --- Nothing tells the answer before it is given ------------------------------------------------


class LeakScan:
    """Every response a player sees, checked for what would give an unanswered question away.

    What gives an answer away: the evidence sentence and the explanation of any question not
    answered yet, in any page or JSON body (once a question is answered, its own are fair to
    show, and so is the same text shown for another question; a true statement's explanation
    that only repeats the statement is no secret); the typed answer's accepted
    forms anywhere in its question's page or JSON outside the prompt; a multiple-choice button
    that differs from the others in anything but its text; an answer field in a JSON body.
    """

    def __init__(self, items: dict[int, QuizItem]) -> None:
        self.items = items
        self.answered: set[int] = set()
        self.revealed: list[str] = []
        self.responses = 0
        self.characters = 0
        self.leaks: list[str] = []

    def answer_given(self, position: int) -> None:
        """From now on the question at ``position`` and what proves it are fair to show."""
        self.answered.add(position)
        item = self.items[position]
        self.revealed += [t for t in (item.evidence, item.explanation, item.solution) if t]
        self.revealed.sort(key=len, reverse=True)

    def page(self, label: str, text: str) -> None:
        """Check an HTML page."""
        self._check(label, html.unescape(text))

    def json(self, label: str, body: object) -> None:
        """Check a JSON body: its string values, and its keys for answer fields."""
        strings = []

        def walk(value: object) -> None:
            if isinstance(value, dict):
                # Answer fields only on an answered question's review (it names its position).
                found = set(value) & ANSWER_KEYS
                if found and value.get("position") not in self.answered:
                    self.leaks.append(f"{label}: answer fields {sorted(found)}")
                for inner in value.values():
                    walk(inner)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner)
            elif isinstance(value, str):
                strings.append(value)

        walk(body)
        self._check(label, "\n".join(strings))

    def _check(self, label: str, text: str) -> None:
        self.responses += 1
        self.characters += len(text)
        for shown in self.revealed:
            text = text.replace(shown, "")
        for position, item in self.items.items():
            if position in self.answered:
                continue
            for secret in (item.evidence, item.explanation):
                # A true statement's explanation may be the statement itself: its own prompt,
                # shown by design, is no secret.
                if secret and secret not in item.prompt and secret in text:
                    self.leaks.append(f"{label}: question {position + 1}'s {secret[:50]!r}")

    def question(self, label: str, position: int, text: str, *, page: bool) -> None:
        """Check what serves question ``position``: no typed answer outside the prompt, and
        multiple-choice buttons alike but for their text."""
        item = self.items[position]
        if item.style == "typed":
            shown = html.unescape(text) if page else text
            outside = shown.replace(item.prompt, "")
            for forms in item.accepted:
                for form in forms:
                    if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", outside):
                        self.leaks.append(f"{label}: typed answer {form!r} outside the prompt")
        if page and item.style == "multiple_choice":
            buttons = re.findall(r'<button class="choice".*?</button>', text, re.S)
            alike = set()
            for button in buttons:
                for choice in item.choices:
                    button = button.replace(str(html.escape(choice)), "CHOICE")
                alike.add(re.sub(r'data-key="\d+"|<kbd>\d+</kbd>', "", button))
            if len(buttons) != len(item.choices) or len(alike) != 1:
                self.leaks.append(f"{label}: the choices' buttons differ: {sorted(alike)}")


def test_no_response_before_an_answer_gives_it_away(game, proof_quiz, figures):
    """A whole quiz in the browser's pages and a whole quiz over the API, every body scanned."""
    web = browser(game, "Peeking Pat")
    quiz_id = proof_quiz
    with Session(get_engine(game)) as session:
        items = {
            i.position: i for i in session.exec(select(QuizItem).where(QuizItem.quiz_id == quiz_id))
        }

    pages = LeakScan(items)
    for path in ("/", f"/quizzes/{quiz_id}", "/leaderboards", f"/leaderboards/{quiz_id}"):
        pages.page(f"GET {path}", web.get(path).text)
    quiz_page = web.get(f"/quizzes/{quiz_id}").text
    token = CSRF_FIELD.search(quiz_page).group(1)
    attempt_path = web.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token}).location
    for position in range(len(items)):
        for _ in range(2):  # a reload serves the same question again
            page = web.get(attempt_path).text
            pages.page(f"question {position + 1} page", page)
            pages.question(f"question {position + 1} page", position, page, page=True)
        question_id = re.search(r'name="question_id" value="([^"]+)"', page).group(1)
        assert question_id == items[position].question_id
        pages.page(f"GET /leaderboards before answer {position + 1}", web.get("/leaderboards").text)
        feedback = web.post(
            f"{attempt_path}/answer",
            data={
                "csrf_token": token,
                "question_id": question_id,
                "answer": right_answer(items[position]),
            },
            follow_redirects=True,  # to the feedback page (Post/Redirect/Get)
        )
        assert feedback.status_code == 200
        pages.answer_given(position)
        pages.page(f"feedback {position + 1}", feedback.text)

    api = LeakScan(items)
    player = Player(game, "Peeking Pam", proof_quiz)
    assert player.quiz_id == quiz_id
    client, headers = player.client, player.headers
    api.json("GET /quizzes", client.get(f"{API}/quizzes").json)
    for position in range(len(items)):
        for _ in range(2):
            body = client.get(f"{API}/attempts/{player.attempt_id}/question", headers=headers)
            api.json(f"question {position + 1}", body.json)
            question = body.json["question"]
            if set(question) != QUESTION_FIELDS:
                api.leaks.append(f"question {position + 1} has fields {sorted(question)}")
            api.question(f"question {position + 1}", position, json.dumps(question), page=False)
        mid = client.get(f"{API}/attempts/{player.attempt_id}", headers=headers)
        api.json(f"GET attempt before answer {position + 1}", mid.json)
        board = client.get(f"{API}/leaderboard?quiz={quiz_id}", headers=headers)
        api.json(f"GET leaderboard before answer {position + 1}", board.json)
        result = player.answer(question["id"], right_answer(items[position]))
        assert result.status_code == 200
        api.answer_given(position)

    engine = engine_name(game.config["DATABASE_URL"])
    figures.add(
        f"{engine}: {len(items)} questions ({', '.join(sorted({i.style for i in items.values()}))}"
        f"): {pages.responses} pages ({pages.characters:,} characters) and {api.responses} "
        f"JSON bodies ({api.characters:,} characters) before each answer scanned; leaks "
        f"{len(pages.leaks) + len(api.leaks)}"
    )
    assert not pages.leaks, pages.leaks[:5]
    assert not api.leaks, api.leaks[:5]


def test_the_scan_finds_planted_leaks():
    """The scan itself: each kind of leak it looks for, planted in a body, is found."""
    typed = QuizItem(
        quiz_id="q",
        position=0,
        question_id="a",
        template_id="t",
        fact_id="f",
        article_id="x",
        article_title="X",
        style="typed",
        prompt="Who caught Lady Gaga?",
        accepted=[["Cher"]],
        answer=["Cher"],
        solution="Cher",
        difficulty=0.5,
        evidence="Cher caught her.",
        explanation="It was Cher.",
    )
    choice = QuizItem(
        quiz_id="q",
        position=1,
        question_id="b",
        template_id="t",
        fact_id="f",
        article_id="x",
        article_title="X",
        style="multiple_choice",
        prompt="Who won?",
        choices=["A", "B"],
        accepted=[["B"]],
        answer=["B"],
        solution="B",
        difficulty=0.5,
        evidence="B won it all.",
    )
    scan = LeakScan({0: typed, 1: choice})
    scan.page("evidence", "<p>B won it all.</p>")
    scan.json("field", {"question": {"position": 0, "correct_answer": "Cher"}})
    scan.question("typed", 0, "<h1>Who caught Lady Gaga?</h1><p>Hint: Cher</p>", page=True)
    buttons = '<button class="choice" value="A">A</button><button class="choice" data-x>B</button>'
    scan.question("buttons", 1, buttons, page=True)
    scan.answer_given(1)
    scan.page("revealed", "<p>B won it all.</p>")  # fair once question 2 is answered

    assert [leak.split(":")[0] for leak in scan.leaks] == ["evidence", "field", "typed", "buttons"]


# --- The answer oracle and replays (issue 13) ----------------------------------------------------


def test_a_second_attempt_is_no_answer_oracle_and_replays_never_rank(game, proof_quiz, figures):
    # The attack: start A and B, skip every question in A to read its answer in the feedback,
    # answer it in B within milliseconds. Now the second start is A itself, and once A is
    # over every further attempt is practice: the board keeps A's score.
    cheat = Player(game, "Oracle Olga", proof_quiz)
    second = cheat.client.post(f"{API}/quizzes/{proof_quiz}/attempts", headers=cheat.headers)
    assert second.status_code == 200 and second.json["attempt_id"] == cheat.attempt_id
    assert second.json["resumed"] is True and second.json["ranked"] is True

    learned = {}
    while (question := cheat.question()) is not None:
        skipped = cheat.answer(question["id"], "")
        assert skipped.status_code == 200
        learned[question["position"]] = right_answer(cheat.item(question["position"]))
    ranked_id = cheat.attempt_id
    replay = cheat.client.post(f"{API}/quizzes/{proof_quiz}/attempts", headers=cheat.headers)
    assert replay.status_code == 201 and replay.json["ranked"] is False
    cheat.attempt_id = replay.json["attempt_id"]
    while (question := cheat.question()) is not None:
        assert cheat.answer(question["id"], learned[question["position"]]).status_code == 200

    honest = Player(game, "Honest Hal", proof_quiz)
    while (question := honest.question()) is not None:
        position = question["position"]
        honest.answer(question["id"], right_answer(honest.item(position)) if position % 2 else "")

    def summary(attempt_id: int) -> dict:
        return cheat.client.get(f"{API}/attempts/{attempt_id}", headers=cheat.headers).json

    ranked, practice = summary(ranked_id), summary(cheat.attempt_id)
    board = cheat.client.get(
        f"{API}/leaderboard", query_string={"quiz": proof_quiz, "limit": 100}
    ).json
    on_board = {e["nickname"]: e["score"] for e in board["entries"]}
    books = audit.Books.load(get_engine(game))
    problems = audit.check_boards(books) + audit.check_one_ranked_one_open(books)
    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: a second start answered "
        f"{second.status_code} with the same attempt; the replay after reading every answer "
        f"scored {practice['score']:,} ({practice['correct']}/{practice['count']}, "
        f"{practice['board']}, rank {practice['rank']}); the board shows Olga's first attempt "
        f"{on_board['Oracle Olga']:,} (rank {ranked['rank']} of {board['total']}), behind "
        f"Hal's {on_board['Honest Hal']:,}; audit problems {len(problems)}"
    )
    assert practice["correct"] == practice["count"] and practice["board"] == "practice"
    assert practice["rank"] is None and ranked["board"] == "ranked"
    assert on_board["Oracle Olga"] == ranked["score"] == 0 < practice["score"]
    assert on_board["Honest Hal"] > on_board["Oracle Olga"]
    assert not problems, problems[:5]


def test_an_abandoned_first_attempt_closes_as_it_stands(game, proof_quiz, monkeypatch, figures):
    # Never finishing A used to keep it off the board while it served as the oracle. Past its
    # whole time window it closes as it stands, onto the board, and the next start is practice.
    clock = Clock()
    monkeypatch.setattr(play, "utcnow", clock)
    player = Player(game, "Lingering Lou", proof_quiz)
    question = player.question()
    assert player.answer(question["id"], right_answer(player.item(0))).status_code == 200
    player.question()
    with Session(get_engine(game)) as session:
        attempt = session.get(Attempt, player.attempt_id)
        deadline = play.attempt_deadline(attempt, play.get_quiz(session, proof_quiz))
    clock.now = deadline + dt.timedelta(seconds=1)

    again = player.client.post(f"{API}/quizzes/{proof_quiz}/attempts", headers=player.headers)
    closed = player.client.get(f"{API}/attempts/{player.attempt_id}", headers=player.headers).json

    board = player.client.get(f"{API}/leaderboard", query_string={"quiz": proof_quiz}).json
    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: an attempt left open "
        f"{(clock.now - audit.aware(attempt.started_at)).total_seconds():.0f} s closed as it "
        f"stood: {closed['score']:,} points, expired {closed['expired']}, rank {closed['rank']}; "
        f"the next start {again.status_code}, ranked {again.json['ranked']}"
    )
    assert again.status_code == 201 and again.json["ranked"] is False
    assert closed["finished"] and closed["expired"] and closed["rank"] == 1 and closed["score"] > 0
    assert [(e["nickname"], e["score"]) for e in board["entries"]] == [
        ("Lingering Lou", closed["score"])
    ]
