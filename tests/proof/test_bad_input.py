"""Bad input: refused with a 4xx that says what is wrong, nothing stored, never a 5xx.

On both engines, through the Flask test client (the app as served: TESTING off): malformed and
oversized JSON, wrong types, control characters, very long and unicode-heavy nicknames, SQL and
HTML in every text field of the API and of the forms. Text that is free by nature (a typed
answer, a report's comment) may hold SQL or HTML: it is stored as the very text sent and shown
escaped. Then Schemathesis generates requests from /api/v1/openapi.json, with a player's token,
and finds no server error and no response that breaks the document.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp.db import get_engine
from quizapp.models import Attempt, AttemptAnswer, Player, QuizItem, Report
from tests.conftest import CSRF_FIELD
from tests.proof.conftest import engine_name

pytestmark = pytest.mark.proof

API = "/api/v1"
SQL = ["Robert'); DROP TABLE player;--", "' OR '1'='1", "1; SELECT pg_sleep(5)"]
HTML = ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "</p><h1>big"]
# Nicknames the rules refuse, by what is wrong with them.
BAD_NICKNAMES = {
    "a line break and a tab": " two\n\tlines ",
    "empty": "",
    "one character": "x",
    "25 characters": "x" * 25,
    "10,000 characters": "x" * 10_000,
    "NUL": "ab\x00cd",
    "bell": "ab\x07cd",
    "terminal escape": "\x1b[31mred",
    "right-to-left override": "abc\u202edcba",
    "zero-width space": "ab\u200bcd",
    "emoji": "🎤🎤🎤",
    "combining marks (zalgo)": "Z̴̡a̵l̶g̷o̸",
    "24 ß: 48 letters ignoring case": "ß" * 24,
    "ligatures: 30 letters ignoring case": "ﬃ" * 10,
    **{f"SQL {n}": text for n, text in enumerate(SQL, 1)},
    **{f"HTML {n}": text for n, text in enumerate(HTML, 1)},
}
# Unusual but fair, and what is stored: Unicode NFC, spaces tidied (a line break or a tab is a
# control character, refused before the game sees it: BAD_NICKNAMES).
GOOD_NICKNAMES = {
    "Björk Fan": "Björk Fan",
    "Мария Иванова": "Мария Иванова",
    "李小龍": "李小龍",
    "Zoë-Ann_99": "Zoë-Ann_99",
    "ǅemal": "ǅemal",
    "e\u0301te": "\u00e9te",
    "  two   spaces ": "two spaces",
}


def count(app: Flask, model, *where) -> int:
    """Rows of ``model`` (matching ``where``), through a fresh session."""
    with Session(get_engine(app)) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


class Refusals:
    """Each refused request's status and message, to assert on and to summarise."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, str]] = []

    def add(self, case: str, response) -> None:
        """Keep the response's status and its error message (JSON or the page's alert)."""
        if response.is_json:
            message = (response.json or {}).get("error", {}).get("message", "")
        else:
            found = re.search(r'class="(?:alert|error)[^"]*"[^>]*>(.*?)<', response.text, re.S)
            found = found or re.search(r"<main.*?<p>(.*?)</p>", response.text, re.S)
            message = found.group(1).strip() if found else ""
        self.seen.append((case, response.status_code, message))

    def problems(self) -> list[str]:
        """Cases that were not a 4xx with a message."""
        return [
            f"{case}: {status} {message!r}"
            for case, status, message in self.seen
            if not (400 <= status < 500 and message)
        ]

    def summary(self) -> str:
        """Statuses by count."""
        return ", ".join(
            f"{status}: {n}" for status, n in sorted(Counter(s for _, s, _ in self.seen).items())
        )


def player_headers(client, nickname: str) -> dict[str, str]:
    """A new player's bearer header."""
    created = client.post(f"{API}/players", json={"nickname": nickname})
    assert created.status_code == 201, created.json
    return {"Authorization": f"Bearer {created.json['token']}"}


# --- The API ------------------------------------------------------------------------------------


def test_bad_nicknames_and_bodies_are_refused_clearly(game, figures):
    client, refusals = game.test_client(), Refusals()
    before = count(game, Player)
    raw = {
        "unclosed JSON": b'{"nickname": "Okay Name"',
        "single quotes": b"{'nickname': 'Okay Name'}",
        "trailing comma": b'{"nickname": "Okay Name",}',
        "JSON null": b"null",
        "a list": b'["Okay Name"]',
        "a string": b'"Okay Name"',
        "invalid UTF-8": b'{"nickname": "Okay \xff\xfe"}',
        "a lone surrogate": b'{"nickname": "Okay \\ud800"}',
        "nested 20,000 deep": b"[" * 20_000 + b"]" * 20_000,
        "a 70 KB body": json.dumps({"nickname": "x" * 70_000}).encode(),
    }
    for case, body in raw.items():
        refusals.add(
            case, client.post(f"{API}/players", data=body, content_type="application/json")
        )
    refusals.add(
        "a form, not JSON",
        client.post(f"{API}/players", data={"nickname": "Okay Name"}),
    )
    for case, body in {
        "no nickname": {},
        "an unknown field too": {"nickname": "Okay Name", "admin": True},
        "nickname 123": {"nickname": 123},
        "nickname true": {"nickname": True},
        "nickname null": {"nickname": None},
        "nickname a list": {"nickname": ["Okay Name"]},
        "nickname an object": {"nickname": {"first": "Okay"}},
        **{f"nickname: {case}": {"nickname": text} for case, text in BAD_NICKNAMES.items()},
    }.items():
        refusals.add(case, client.post(f"{API}/players", json=body))

    stored_by_refusals = count(game, Player) - before
    accepted = {}
    for nickname in GOOD_NICKNAMES:
        response = client.post(f"{API}/players", json={"nickname": nickname})
        accepted[nickname] = response.json.get("nickname", response.status_code)

    engine = engine_name(game.config["DATABASE_URL"])
    figures.add(
        f"{engine}: POST /players, {len(refusals.seen)} bad bodies and nicknames: "
        f"{refusals.summary()}; players stored by them: {stored_by_refusals}"
    )
    for case, status, message in refusals.seen:
        if case in ("nested 20,000 deep", "nickname: 24 ß: 48 letters ignoring case"):
            figures.add(f"{engine}: e.g. {case}: {status} {message!r}")
    assert not refusals.problems(), refusals.problems()
    assert stored_by_refusals == 0
    assert accepted == GOOD_NICKNAMES
    figures.add(
        f"{engine}: {len(GOOD_NICKNAMES)} unusual but fair nicknames stored as "
        f"{', '.join(accepted.values())}"
    )


def test_bad_answers_are_refused_clearly_and_store_nothing(game, proof_quiz, figures):
    client, refusals = game.test_client(), Refusals()
    headers = player_headers(client, "Answer Tester")
    quiz_id = proof_quiz
    attempt_id = client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=headers).json[
        "attempt_id"
    ]
    path = f"{API}/attempts/{attempt_id}/answers"
    with Session(get_engine(game)) as session:
        styles = {
            i.position: i.style
            for i in session.exec(select(QuizItem).where(QuizItem.quiz_id == quiz_id))
        }
    cases = 0
    for position in sorted(styles):
        question = client.get(f"{API}/attempts/{attempt_id}/question", headers=headers).json
        qid = question["question"]["id"]
        bodies = {
            "answer 5": {"question_id": qid, "answer": 5},
            "answer null": {"question_id": qid, "answer": None},
            "answer a list": {"question_id": qid, "answer": ["true"]},
            "question_id 7": {"question_id": 7, "answer": "true"},
            "no answer": {"question_id": qid},
            "an unknown field too": {"question_id": qid, "answer": "", "points": 1000},
            "answer with NUL": {"question_id": qid, "answer": "Cher\x00"},
            "answer with an escape": {"question_id": qid, "answer": "\x1b[2J"},
            "answer of 201 characters": {"question_id": qid, "answer": "x" * 201},
            "question_id of 10,000 characters": {"question_id": "q" * 10_000, "answer": ""},
        }
        if styles[position] != "typed":
            bodies.update(
                {f"SQL {n}": {"question_id": qid, "answer": s} for n, s in enumerate(SQL)}
            )
            bodies.update(
                {f"HTML {n}": {"question_id": qid, "answer": h} for n, h in enumerate(HTML)}
            )
        for case, body in bodies.items():
            refusals.add(
                f"{styles[position]}: {case}", client.post(path, json=body, headers=headers)
            )
        for case, raw in {
            "unclosed JSON": b'{"question_id": "' + qid.encode() + b'", "answer": "tru',
            "a 70 KB body": json.dumps({"question_id": qid, "answer": "x" * 70_000}).encode(),
        }.items():
            refusals.add(
                f"{styles[position]}: {case}",
                client.post(path, data=raw, content_type="application/json", headers=headers),
            )
        cases += len(bodies) + 2
        assert (
            count(
                game,
                AttemptAnswer,
                AttemptAnswer.attempt_id == attempt_id,
                AttemptAnswer.answered_at.is_not(None),
            )
            == position
        )
        # Then a fair answer (a skip) to go on to the next style.
        assert (
            client.post(path, json={"question_id": qid, "answer": ""}, headers=headers).status_code
            == 200
        )

    engine = engine_name(game.config["DATABASE_URL"])
    figures.add(
        f"{engine}: POST answers, {cases} bad bodies over {len(styles)} questions "
        f"({', '.join(sorted(set(styles.values())))}): {refusals.summary()}; answers stored "
        "by them: 0"
    )
    assert not refusals.problems(), refusals.problems()


def test_bad_paths_and_queries_are_refused_clearly(game, figures):
    client, refusals = game.test_client(), Refusals()
    headers = player_headers(client, "Path Tester")
    for text in [*SQL, *HTML, "x" * 5_000, "nul\x00byte", "%00", "..%2F..%2Fetc%2Fpasswd"]:
        refusals.add(
            f"quiz id {text[:20]!r}", client.post(f"{API}/quizzes/{text}/attempts", headers=headers)
        )
        refusals.add(
            f"board of {text[:20]!r}", client.get(f"{API}/leaderboard", query_string={"quiz": text})
        )
        refusals.add(f"page of {text[:20]!r}", client.get(f"/quizzes/{text}"))
        refusals.add(f"board page of {text[:20]!r}", client.get(f"/leaderboards/{text}"))
    for query in (
        {"period": "<script>"},
        {"period": "' OR 1=1"},
        {"limit": "abc"},
        {"limit": str(10**30)},
        {"limit": "-1"},
        {"limit": "1e3"},
    ):
        refusals.add(f"board {query}", client.get(f"{API}/leaderboard", query_string=query))
    for attempt in ("abc", "-1", "99999999999999999999", "1.5", "1%00"):
        refusals.add(f"attempt {attempt}", client.get(f"{API}/attempts/{attempt}", headers=headers))

    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: {len(refusals.seen)} bad quiz ids, "
        f"attempt ids and board queries in paths and query strings, API and pages: "
        f"{refusals.summary()}"
    )
    assert not refusals.problems(), refusals.problems()


# --- The forms ----------------------------------------------------------------------------------


def test_the_forms_refuse_bad_input_too(game, proof_quiz, figures):
    client, refusals = game.test_client(), Refusals()
    token = CSRF_FIELD.search(client.get("/player").text).group(1)
    before = count(game, Player)
    for case, nickname in BAD_NICKNAMES.items():
        response = client.post("/player", data={"csrf_token": token, "nickname": nickname})
        refusals.add(f"nickname form: {case}", response)
        assert not any(html in response.text for html in HTML)  # shown escaped, if at all
    assert count(game, Player) == before
    assert (
        client.post("/player", data={"csrf_token": token, "nickname": "Form Tester"}).status_code
        == 302
    )

    quiz_id = proof_quiz
    attempt = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token}).location
    page = client.get(attempt).text
    question_id = re.search(r'name="question_id" value="([^"]+)"', page).group(1)
    for case, answer in {
        "NUL": "Cher\x00",
        "escape": "\x1b[2J",
        "201 characters": "y" * 201,
        **{f"SQL {n}": s for n, s in enumerate(SQL)},
        **{f"HTML {n}": h for n, h in enumerate(HTML)},
    }.items():
        response = client.post(
            f"{attempt}/answer",
            data={"csrf_token": token, "question_id": question_id, "answer": answer},
        )
        if response.status_code == 200:
            continue  # a typed question takes SQL and HTML as a (wrong) answer: see below
        refusals.add(f"answer form: {case}", response)
        assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert count(game, AttemptAnswer, AttemptAnswer.answered_at.is_not(None)) <= 1

    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: the nickname and answer forms, "
        f"{len(refusals.seen)} bad inputs: {refusals.summary()}, each a page saying what to "
        "fix with the input shown escaped; players stored by them: 0"
    )
    assert not refusals.problems(), refusals.problems()


def test_sql_and_html_in_free_text_are_kept_as_text(game, proof_quiz, figures):
    """A typed answer and a report's comment may say anything: stored verbatim, shown escaped."""
    client = game.test_client()
    token = CSRF_FIELD.search(client.get("/player").text).group(1)
    client.post("/player", data={"csrf_token": token, "nickname": "Free Texter"})
    quiz_id = proof_quiz
    attempt = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token}).location
    attempt_id = int(attempt.rsplit("/", 1)[1])
    with Session(get_engine(game)) as session:
        styles = [
            i.style
            for i in session.exec(
                select(QuizItem).where(QuizItem.quiz_id == quiz_id).order_by(QuizItem.position)
            )
        ]
    texts = iter(SQL + HTML)
    sent: dict[int, str] = {}
    for position, style in enumerate(styles):
        page = client.get(attempt).text
        question_id = re.search(r'name="question_id" value="([^"]+)"', page).group(1)
        answer = next(texts, "") if style == "typed" else ""
        response = client.post(
            f"{attempt}/answer",
            data={"csrf_token": token, "question_id": question_id, "answer": answer},
            follow_redirects=True,  # the feedback is a page of its own (Post/Redirect/Get)
        )
        assert response.status_code == 200
        if answer:
            sent[position] = answer
            assert answer not in response.text or answer in SQL  # HTML only escaped
    comment = " ".join(SQL + HTML)
    reported = client.post(
        f"/attempts/{attempt_id}/questions/1/report",
        data={"csrf_token": token, "reason": "wrong_answer", "comment": comment},
    )
    results = client.get(f"/attempts/{attempt_id}/results").text

    with Session(get_engine(game)) as session:
        stored = dict(
            session.exec(
                select(AttemptAnswer.position, AttemptAnswer.given).where(
                    AttemptAnswer.attempt_id == attempt_id
                )
            ).all()
        )
        reports = session.exec(select(Report.comment)).all()
        tables_intact = session.exec(select(func.count()).select_from(Player)).one() > 0
        attempts = session.exec(select(func.count()).select_from(Attempt)).one()
    assert reported.status_code in (302, 303), reported.status_code
    assert {p: stored[p] for p in sent} == sent
    assert comment in reports and tables_intact and attempts >= 1
    for text in sent.values():
        assert str(escape(text)) in results
    assert "<script>alert" not in results and "<img src=x" not in results
    figures.add(
        f"{engine_name(game.config['DATABASE_URL'])}: {len(sent)} typed answers and a report "
        "comment holding SQL and HTML: stored as the very text sent, shown escaped on the "
        "results page; every table still there"
    )


# --- Schemathesis -------------------------------------------------------------------------------

MAX_EXAMPLES = 25  # per operation, mode and kind of ids: bounded, and the same every run


def test_schemathesis_finds_no_server_error_and_no_response_off_the_document(
    game, proof_quiz, figures
):
    """Requests generated from the OpenAPI document, valid (positive) and not (negative), with a
    player's token, with made-up ids and with the ids of a real quiz and attempt."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    client = game.test_client()
    headers = player_headers(client, "Fuzzy Fan")
    quiz_id = proof_quiz
    attempt_id = client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=headers).json[
        "attempt_id"
    ]
    client.get(f"{API}/attempts/{attempt_id}/question", headers=headers)  # served: answerable
    real_ids = {"quiz_id": quiz_id, "attempt_id": attempt_id}
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", game)
    statuses: Counter = Counter()
    runs, impossible = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = [parameter.name for parameter in operation.path_parameters]
        variants = {"made-up ids": None}
        if names:
            variants["real ids"] = {name: real_ids[name] for name in names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for variant, path_parameters in variants.items():
                strategy = operation.as_strategy(
                    generation_mode=mode, headers=headers, path_parameters=path_parameters
                )

                @settings(
                    max_examples=MAX_EXAMPLES,
                    derandomize=True,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate],
                )
                @given(case=strategy)
                def call(case) -> None:
                    response = case.call()
                    statuses[response.status_code] += 1
                    case.validate_response(
                        response, checks=[not_a_server_error, response_schema_conformance]
                    )

                try:
                    call()
                except Unsatisfiable:
                    # Nothing in it can be made invalid (no parameters, or a free-text path).
                    impossible.append(f"{mode.value} {operation.label} ({variant})")
                    continue
                runs += 1

    engine = engine_name(game.config["DATABASE_URL"])
    figures.add(
        f"{engine}: Schemathesis {schemathesis.__version__}, {runs} runs of up to "
        f"{MAX_EXAMPLES} derandomized examples over the document's operations (positive and "
        f"negative, made-up and real ids, a valid token): {sum(statuses.values())} requests, "
        f"statuses {dict(sorted(statuses.items()))}; server errors 0, responses off the "
        "document 0"
    )
    figures.add(f"{engine}: no negative data possible for: {'; '.join(impossible)}")
    assert not any(status >= 500 for status in statuses)
