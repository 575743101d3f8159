"""Serving safely: security headers, a CSP that every page keeps, the secret key, cookie flags,
rate limits on new players and answers, proxies, limits shared through Redis, and gunicorn.

Most tests build their app on a SQLite file of their own: what they check does not depend on
the database. The play-through, the workspace crawl and the limits run on every engine.
"""

from __future__ import annotations

import os
import random
import re
import socket
import stat
import subprocess
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from flask import Flask, render_template, request, session
from sqlmodel import Session
from werkzeug.exceptions import HTTPException

from quizapp import create_app
from quizapp.core.database import create_schema
from quizapp.core.paths import resource_dir
from quizapp.db import get_engine
from quizapp.game.charts import score_histogram
from quizapp.game.quizzes import create_quiz, quiz_items
from quizapp.limits import STORAGE_TIMEOUT_S, answering_key
from quizapp.models import BankJob
from quizapp.web import security
from tests.conftest import CSRF_FIELD, make_test_app
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.services import require_redis

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
EXPECTED_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
QUESTION_ID = re.compile(r'name="question_id" value="([^"]+)"')
CHOICE = re.compile(r'name="answer" value="([^"]*)"')
# Bounds for the tests that run gunicorn: a boot takes about a second here.
GUNICORN_BOOT_S = 30
GUNICORN_STOP_S = 15


# --- Helpers ------------------------------------------------------------------------------------


def sqlite_app(tmp_path: Path, **config) -> Flask:
    """A test app on a SQLite file of its own, its tables made."""
    app = make_test_app(f"sqlite:///{tmp_path / 'security.sqlite'}", **config)
    with app.app_context():
        create_schema(get_engine())
    return app


def production_app(tmp_path: Path, **config) -> Flask:
    """An app configured as gunicorn's would be: not TESTING, not DEBUG, a real key."""
    return sqlite_app(tmp_path, TESTING=False, SECRET_KEY="a-real-secret-key-0123456789", **config)


@pytest.fixture
def clean_environment(monkeypatch, tmp_path: Path) -> None:
    """No QUIZAPP_* setting from the caller's shell; DATABASE_URL a file of this test."""
    for name in list(os.environ):
        if name.startswith("QUIZAPP_") and name != "QUIZAPP_INSTANCE_PATH":
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")


class InlineCode(HTMLParser):
    """Collects what the Content-Security-Policy would refuse in a page: inline <script> and
    <style>, on*= handlers, style= attributes, javascript: URLs, and scripts from elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style":
            self.problems.append("<style> block")
        if tag == "script":
            src = names.get("src")
            if not src:
                self.problems.append("inline <script>")
            elif not src.startswith("/static/"):
                self.problems.append(f"script from {src}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def csp_problems(html: str) -> list[str]:
    """What in ``html`` the CSP would block."""
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


def assert_security_headers(response) -> None:
    """The response carries every security header, with our values."""
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name


class Visitor:
    """A browser on the test client: forms carry the CSRF token; every HTML page is kept."""

    def __init__(self, client) -> None:
        self.client = client
        self.pages: dict[str, str] = {}
        self.token: str | None = None

    def keep(self, label: str, response):
        """Remember ``response`` as a page, if it is one; return it."""
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            html = response.get_data(as_text=True)
            self.pages[label] = html
            found = CSRF_FIELD.search(html)
            if found:
                self.token = found.group(1)
        return response

    def get(self, url: str, **kwargs):
        return self.keep(f"GET {url}", self.client.get(url, **kwargs))

    def post(self, url: str, **data: str):
        if self.token is None:
            self.get("/player")
        return self.keep(
            f"POST {url}", self.client.post(url, data={"csrf_token": self.token, **data})
        )

    def crawl(self, *starts: str, inside: str, per_view: int = 3) -> None:
        """GET ``starts`` and the pages linked from them whose path begins with ``inside``:
        up to ``per_view`` pages of each view (every kind of page, not every fact's)."""
        routes = self.client.application.url_map.bind("localhost")
        queue, seen, per_endpoint = list(starts), set(), Counter()
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            try:
                endpoint, _ = routes.match(urlsplit(url).path, method="GET")
            except HTTPException:  # an unknown path, a redirect: fetch it like any other
                endpoint = url
            per_endpoint[endpoint] += 1
            if per_endpoint[endpoint] > per_view:
                continue
            response = self.get(url)
            if response.mimetype != "text/html":
                continue
            for href in re.findall(r'href="([^"]+)"', response.get_data(as_text=True)):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc or not parts.path.startswith(inside):
                    continue
                if parts.path.startswith(("/static/", "/api/")):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def scanned_views(app: Flask, pages: dict[str, str]) -> set[str]:
    """The endpoints whose pages are among ``pages`` (labelled "METHOD url")."""
    routes = app.url_map.bind("localhost")
    views = set()
    for label in pages:
        method, url = label.split(" ", 1)
        try:
            views.add(routes.match(urlsplit(url).path, method=method)[0])
        except HTTPException:
            pass  # an error page of an unknown path
    return views


def page_views(app: Flask, *prefixes: str) -> set[str]:
    """Every view that answers GET with a page at a path under one of ``prefixes``."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.rule.startswith(prefixes)
        and not rule.rule.startswith(
            ("/editor/api/", "/api/", "/static/", "/favicon.ico", "/healthz", "/readyz", "/metrics")
        )
    }


def play_quiz(visitor: Visitor, quiz_id: str) -> int:
    """Start ``quiz_id`` and answer every question with its first choice (or a guess)."""
    response = visitor.post(f"/quizzes/{quiz_id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_url = response.headers["Location"]
    while True:
        response = visitor.get(attempt_url)
        if response.status_code == 302:
            visitor.get(response.headers["Location"])  # the results
            return int(attempt_url.rsplit("/", 1)[1])
        page = response.get_data(as_text=True)
        choices = CHOICE.findall(page)
        answered = visitor.post(
            f"{attempt_url}/answer",
            question_id=QUESTION_ID.search(page).group(1),
            answer=choices[0] if choices else "Nobody Atall",
        )
        assert answered.status_code == 303, answered.get_data(as_text=True)
        visitor.get(answered.headers["Location"])  # the feedback page


def first_quiz(client) -> str:
    """The id of the first quiz on offer, from the API."""
    return client.get(f"{API}/quizzes").get_json()["quizzes"][0]["id"]


def api_player(client, nickname: str, **kwargs) -> dict:
    """Create a player over the API; its JSON (id, nickname, token)."""
    response = client.post(f"{API}/players", json={"nickname": nickname}, **kwargs)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def bearer(player: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {player['token']}"}


def api_answer(client, player: dict, attempt_id: int):
    """Fetch the attempt's current question and answer it; the answer's response."""
    question = client.get(f"{API}/attempts/{attempt_id}/question", headers=bearer(player))
    served = question.get_json()["question"]
    answer = served["choices"][0] if served["choices"] else "Nobody Atall"
    return client.post(
        f"{API}/attempts/{attempt_id}/answers",
        headers=bearer(player),
        json={"question_id": served["id"], "answer": answer},
    )


def assert_json_429(response) -> None:
    """The API's 429: the JSON error shape, and Retry-After in whole seconds."""
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "too_many_requests" and error["message"]
    assert 0 < int(response.headers["Retry-After"]) <= 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Security headers ---------------------------------------------------------------------------


def test_pages_json_static_files_and_errors_carry_the_security_headers(client):
    pages = ("/", "/player", "/leaderboards", f"{API}/quizzes", f"{API}/openapi.json", "/healthz")
    for url in pages:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert_security_headers(response)
    for url in ("/static/style.css", "/static/game.js", "/no-such-page", f"{API}/nothing"):
        # Closed: a static file's response holds the file open.
        with client.get(url) as response:
            assert_security_headers(response)


def test_the_api_and_its_openapi_document_still_work(client):
    document = client.get(f"{API}/openapi.json")

    assert document.status_code == 200 and document.is_json
    assert "/api/v1/players" in document.get_json()["paths"]
    created = client.post(f"{API}/players", json={"nickname": "Headers Fan"})
    assert created.status_code == 201 and created.get_json()["token"]
    assert_security_headers(created)


def test_a_view_can_set_its_own_policy():
    from flask import Response

    response = security.add_security_headers(Response(headers={"Referrer-Policy": "no-referrer"}))

    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == CSP


# --- Nothing inline: the CSP holds ---------------------------------------------------------------


def test_no_template_has_inline_script_style_or_handlers():
    static_url = re.compile(r"\{\{\s*url_for\('static'.*?\}\}")
    expression = re.compile(r"\{\{.*?\}\}")
    statement = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
    templates = sorted(resource_dir("templates").rglob("*.html"))
    assert len(templates) > 30
    for path in templates:
        # Jinja's own syntax holds no markup, but url_for(..., style=...) would look like some.
        markup = static_url.sub("/static/file", path.read_text(encoding="utf-8"))
        markup = statement.sub(" ", expression.sub("x", markup))
        assert csp_problems(markup) == [], path.name


def test_the_chart_svg_draws_with_attributes_not_styles(tmp_path):
    app = sqlite_app(tmp_path)
    with app.test_request_context():
        svg = render_template(
            "play/_chart.html", histogram=score_histogram([0, 2, 5, 1], top=1000, score=600)
        )

    assert svg.count("<rect ") == 4
    assert csp_problems(svg) == []


def test_no_page_of_a_play_through_has_inline_code(bundled_app):
    bundled_app.config["REPORT_RATE_LIMIT"] = "1 per hour"
    visitor = Visitor(bundled_app.test_client())
    visitor.get("/")
    visitor.post("/player", nickname="Csp Checker")
    quiz_id = first_quiz(visitor.client)
    visitor.get(f"/quizzes/{quiz_id}")
    attempt_id = play_quiz(visitor, quiz_id)
    report = f"/attempts/{attempt_id}/questions/1/report"
    visitor.get(report)
    assert visitor.post(report, reason="typo", comment="a test").status_code == 303
    visitor.get(report)
    assert visitor.post(report, reason="typo").status_code == 429  # the 429 page
    visitor.get("/no-such-page")  # the 404 page
    results = visitor.pages[f"GET /attempts/{attempt_id}/results"]
    visitor.get(urlsplit(re.search(r'href="(http://[^"]+/shared/[^"]+)"', results).group(1)).path)
    # The answer view's own page: an answer to a finished attempt (its feedback pages are GETs).
    late = visitor.post(f"/attempts/{attempt_id}/answer", question_id="q-none", answer="x")
    assert late.status_code == 409
    expired = visitor.client.post("/player", data={"nickname": "No Token"})
    assert visitor.keep("POST /player without a token", expired).status_code == 400
    visitor.crawl("/", inside="/")

    assert {"GET /", f"GET /attempts/{attempt_id}/results", f"POST {report}"} <= set(visitor.pages)
    views = scanned_views(bundled_app, visitor.pages)
    assert page_views(bundled_app, "/") - page_views(bundled_app, "/editor/") <= views
    assert "play.answer" in views
    for label, html in visitor.pages.items():
        assert csp_problems(html) == [], label
    assert "/static/game.js" in visitor.pages["GET /"]


def first_item(app: Flask, quiz_id: str) -> str:
    with Session(get_engine(app)) as db:
        return quiz_items(db, quiz_id)[0].question_id


def test_no_page_of_the_editor_workspace_has_inline_code(bundled_app, faker):
    with Session(get_engine(bundled_app)) as db:
        make_editor(db, faker, name="Cspadmin", role="admin")
    visitor = Visitor(bundled_app.test_client())
    visitor.get("/editor/login")
    login = visitor.post("/editor/login", name="Cspadmin", password=EDITOR_PASSWORD)
    assert login.status_code == 302
    # A preview rendered without JavaScript, and a form refused: pages a crawl cannot reach.
    visitor.post(
        "/editor/templates/new",
        kind="award_win",
        style="multiple_choice",
        prompt="Which star won {award} at the {evnt}?",
        answer_role="winner",
        action="preview",
    )
    # A draft quiz: only a draft has an edit page (with its swap list) and a delete page.
    with Session(get_engine(bundled_app)) as db:
        create_quiz(db, editor_id=None, title="Csp draft", scope="entity", scope_id="lady-gaga")
    visitor.get("/editor/quizzes/ed-csp-draft/edit?swap=" + first_item(bundled_app, "ed-csp-draft"))
    # Background work waiting: the editors' bar links to its page.
    with Session(get_engine(bundled_app)) as db:
        db.add(BankJob(action="quizzes", subject_id="*", payload={}))
        db.commit()
    # Nothing in the workspace links to the questions' list yet.
    visitor.crawl("/editor/", "/editor/questions/", inside="/editor/")

    assert page_views(bundled_app, "/editor/") <= scanned_views(bundled_app, visitor.pages)
    for label, html in visitor.pages.items():
        assert csp_problems(html) == [], label


# --- The secret key -----------------------------------------------------------------------------


@pytest.mark.parametrize("config", [{}, {"SECRET_KEY": "dev"}, {"SECRET_KEY": ""}])
def test_a_served_app_refuses_to_start_without_a_key_of_its_own(instance_folder, tmp_path, config):
    with pytest.raises(RuntimeError) as refused:
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", **config})

    message = str(refused.value)
    assert "QUIZAPP_SECRET_KEY" in message
    assert str(instance_folder / "secret_key") in message
    assert "quizapp start" in message


@pytest.mark.parametrize("mode", ["DEBUG", "TESTING"])
def test_the_development_key_is_fine_for_debug_and_tests(instance_folder, tmp_path, mode):
    app = create_app({mode: True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})

    assert app.secret_key == "dev"
    assert not (instance_folder / "secret_key").exists()


def test_the_key_comes_from_the_environment(instance_folder, clean_environment, monkeypatch):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "from-the-environment")

    assert create_app().secret_key == "from-the-environment"


def test_the_key_file_in_the_instance_folder_is_used(instance_folder, clean_environment):
    instance_folder.mkdir()
    (instance_folder / "secret_key").write_text("from-the-file\n")

    assert create_app().secret_key == "from-the-file"


def test_a_configured_key_wins_over_the_file(instance_folder, clean_environment, monkeypatch):
    instance_folder.mkdir()
    (instance_folder / "secret_key").write_text("from-the-file\n")
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "from-the-environment")

    assert create_app().secret_key == "from-the-environment"


def test_the_command_line_app_needs_no_key_but_will_not_serve_without_one(
    instance_folder, clean_environment
):
    app = create_app(require_secret_key=False)

    assert app.secret_key is None
    assert app.test_client().get("/healthz").status_code == 500


def test_start_creates_a_private_key_file_and_serves_plain_http(
    instance_folder, clean_environment, monkeypatch
):
    served = {}
    monkeypatch.setattr(
        "werkzeug.serving.run_simple",
        lambda host, port, app, **options: served.update(host=host, port=port, app=app),
    )
    app = create_app(require_secret_key=False)

    result = app.test_cli_runner().invoke(args=["start"])

    assert result.exit_code == 0, result.output
    key_file = instance_folder / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert served["app"] is app and served["host"] == "127.0.0.1"
    assert app.secret_key == key and app.config["LOCAL_HTTP"]
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert "Warning" not in result.output
    # gunicorn on the same machine finds the same key, so a switch keeps everyone signed in.
    assert create_app().secret_key == key


def test_start_with_a_configured_key_writes_no_file(instance_folder, tmp_path, monkeypatch):
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *args, **kwargs: None)
    app = sqlite_app(tmp_path, TESTING=False, SECRET_KEY="configured-key")

    result = app.test_cli_runner().invoke(args=["start", "--host", "0.0.0.0"])

    assert result.exit_code == 0, result.output
    assert not (instance_folder / "secret_key").exists()
    assert app.secret_key == "configured-key"
    assert "Warning: 0.0.0.0 is reachable from other machines" in result.output


def test_a_key_file_written_meanwhile_is_used_not_replaced(instance_folder, clean_environment):
    app = create_app(require_secret_key=False)
    instance_folder.mkdir(exist_ok=True)
    (instance_folder / "secret_key").write_text("the-other-start\n")

    security.ensure_secret_key_file(app)

    assert app.secret_key == "the-other-start"
    assert (instance_folder / "secret_key").read_text() == "the-other-start\n"


# --- Cookies ------------------------------------------------------------------------------------


def cookie_flags(response) -> set[str]:
    """The attributes of the session cookie the response sets, lower-cased, values dropped."""
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}


def test_outside_debug_and_tests_the_session_cookie_is_secure(tmp_path):
    app = production_app(tmp_path)

    flags = cookie_flags(app.test_client().get("/player"))

    assert {"secure", "httponly", "samesite"} <= flags
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_HTTPONLY"]


def test_in_tests_the_cookie_is_not_secure_but_still_httponly_and_lax(tmp_path):
    app = sqlite_app(tmp_path)

    flags = cookie_flags(app.test_client().get("/player"))

    assert "secure" not in flags and {"httponly", "samesite"} <= flags


def test_local_plain_http_drops_secure(tmp_path):
    app = production_app(tmp_path)
    security.serve_local_http(app)

    flags = cookie_flags(app.test_client().get("/player"))

    assert "secure" not in flags and "httponly" in flags
    assert app.config["REMEMBER_COOKIE_SECURE"] is False


@pytest.mark.parametrize(("setting", "secure"), [({"LOCAL_HTTP": True}, False), ({}, True)])
def test_local_http_can_be_configured(tmp_path, setting, secure):
    assert production_app(tmp_path, **setting).config["SESSION_COOKIE_SECURE"] is secure


def test_an_explicit_cookie_setting_wins(tmp_path):
    assert (
        production_app(tmp_path, SESSION_COOKIE_SECURE=False).config["SESSION_COOKIE_SECURE"]
        is False
    )
    assert sqlite_app(tmp_path, SESSION_COOKIE_SECURE=True).config["SESSION_COOKIE_SECURE"]


# --- Rate limits --------------------------------------------------------------------------------


def test_the_nickname_form_is_limited_per_address_with_a_friendly_page(app, client):
    app.config["PLAYER_RATE_LIMIT"] = "2 per minute"
    visitor = Visitor(client)

    codes = [visitor.post("/player", nickname=f"Limit {n}").status_code for n in range(3)]

    assert codes == [302, 302, 429]
    refused = visitor.post("/player", nickname="Limit 9")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert "Slow down" in page and "Too many new players from your address" in page
    assert "You can try again in" in page
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert visitor.get("/player").status_code == 200  # showing the form is not limited


def test_the_api_counts_new_players_with_the_form_and_answers_json(app, client):
    app.config["PLAYER_RATE_LIMIT"] = "2 per minute"
    visitor = Visitor(client)
    assert visitor.post("/player", nickname="Form Player").status_code == 302
    api_player(client, "Api Player")

    refused = client.post(f"{API}/players", json={"nickname": "One Too Many"})

    assert_json_429(refused)
    assert "too many new players" in refused.get_json()["error"]["message"]
    assert visitor.post("/player", nickname="Form Again").status_code == 429


def test_new_players_are_counted_per_address(app, client):
    app.config["PLAYER_RATE_LIMIT"] = "1 per minute"
    api_player(client, "First Here", environ_base={"REMOTE_ADDR": "198.51.100.1"})

    elsewhere = client.post(
        f"{API}/players", json={"nickname": "Elsewhere"}, environ_base={"REMOTE_ADDR": "::1"}
    )
    again = client.post(
        f"{API}/players", json={"nickname": "Again"}, environ_base={"REMOTE_ADDR": "198.51.100.1"}
    )

    assert elsewhere.status_code == 201 and again.status_code == 429


def test_api_answers_are_limited_per_player(bundled_app):
    bundled_app.config["ANSWER_RATE_LIMIT"] = "1 per minute"
    client = bundled_app.test_client()
    quiz_id = first_quiz(client)
    ann, bob = api_player(client, "Ann Swers"), api_player(client, "Bob Swers")
    attempts = {}
    for player in (ann, bob):
        started = client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=bearer(player))
        attempts[player["id"]] = started.get_json()["attempt_id"]

    assert api_answer(client, ann, attempts[ann["id"]]).status_code == 200
    refused = api_answer(client, ann, attempts[ann["id"]])
    # Bob plays from the same address: his answers are his own count.
    assert api_answer(client, bob, attempts[bob["id"]]).status_code == 200

    assert_json_429(refused)
    assert "too many answers" in refused.get_json()["error"]["message"]
    question = client.get(f"{API}/attempts/{attempts[ann['id']]}/question", headers=bearer(ann))
    assert question.get_json()["question"]["position"] == 1  # the refused answer did not count


def test_web_answers_are_limited_per_player_with_a_friendly_page(bundled_app):
    bundled_app.config["ANSWER_RATE_LIMIT"] = "1 per minute"
    visitor = Visitor(bundled_app.test_client())
    visitor.post("/player", nickname="Quick Fingers")
    started = visitor.post(f"/quizzes/{first_quiz(visitor.client)}/start")
    attempt_url = started.headers["Location"]
    codes = []
    for _ in range(2):
        page = visitor.get(attempt_url).get_data(as_text=True)
        choices = CHOICE.findall(page)
        answered = visitor.post(
            f"{attempt_url}/answer",
            question_id=QUESTION_ID.search(page).group(1),
            answer=choices[0] if choices else "Nobody Atall",
        )
        codes.append(answered.status_code)

    assert codes == [303, 429]
    page = answered.get_data(as_text=True)
    assert "Slow down" in page and "Too many answers in a short time" in page
    assert int(answered.headers["Retry-After"]) > 0


def test_the_answer_limit_counts_the_player_however_they_play(app, client):
    player = api_player(client, "Both Ways")
    token = {"Authorization": f"Bearer {player['token']}"}

    with app.test_request_context(f"{API}/attempts/1/answers", method="POST", headers=token):
        from_api = answering_key()
    with app.test_request_context("/attempts/1/answer", method="POST"):
        session["player_id"] = player["id"]
        from_page = answering_key()
    with app.test_request_context(
        f"{API}/attempts/1/answers",
        method="POST",
        headers={"Authorization": "Bearer not-a-token"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    ):
        unknown = answering_key()

    assert from_api == from_page == f"player:{player['id']}"
    assert unknown == "address:203.0.113.9"


def test_the_limits_have_defaults_and_come_from_the_environment(clean_environment, monkeypatch):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "limits-key")
    monkeypatch.setenv("QUIZAPP_ANSWER_RATE_LIMIT", "5 per minute")
    monkeypatch.setenv("QUIZAPP_RATELIMIT_STORAGE_URI", "memory://")

    config = create_app().config

    assert config["ANSWER_RATE_LIMIT"] == "5 per minute"
    assert config["PLAYER_RATE_LIMIT"] == "20 per minute"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


REMOTE_APP = """
import sys
from quizapp import create_app
from quizapp.core.database import create_schema
from quizapp.db import get_engine

database, address, count, *storages = sys.argv[1:]
for storage in storages:
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database,
        "RATELIMIT_STORAGE_URI": storage, "PLAYER_RATE_LIMIT": "2 per minute",
    })
    with app.app_context():
        create_schema(get_engine())
    client = app.test_client()
    statuses = [
        client.post(
            "/api/v1/players", json={"nickname": f"Other {storage[:5]} {n}"},
            environ_base={"REMOTE_ADDR": address},
        ).status_code
        for n in range(int(count))
    ]
    print(*statuses)
"""


def new_players_in_another_process(
    database: str, address: str, count: int, *storages: str
) -> list[list[int]]:
    """For each of ``storages`` in turn, the statuses of ``count`` new players made from
    ``address`` by an app in a process of its own (another worker, another host) that
    counts there (the limit: 2 per minute)."""
    result = subprocess.run(
        [sys.executable, "-c", REMOTE_APP, database, address, str(count), *storages],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [[int(status) for status in line.split()] for line in result.stdout.splitlines()]


def test_two_app_processes_share_one_limit_through_redis(tmp_path):
    storage = require_redis()
    # An address of this run only: the count lives in Redis for a minute, across test runs.
    address = "10." + ".".join(str(random.randint(0, 255)) for _ in range(3))
    app = sqlite_app(tmp_path, RATELIMIT_STORAGE_URI=storage, PLAYER_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for n in range(2):
        api_player(client, f"Redis Player {n}", environ_base={"REMOTE_ADDR": address})

    other_db = f"sqlite:///{tmp_path / 'other.sqlite'}"
    # Refused through the shared store; with a store of its own, the other process would
    # have let the player in.
    assert new_players_in_another_process(other_db, address, 1, storage, "memory://") == [
        [429],
        [201],
    ]


def test_a_redis_store_gives_up_fast_rather_than_retry(tmp_path):
    # redis-py's own default retries a timeout 3 times with 1-10 s of back-off: a hung Redis
    # held every limited request 5-20 s (tests/proof/test_hung_redis.py shows the whole story).
    app = sqlite_app(tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    options = app.config["RATELIMIT_STORAGE_OPTIONS"]

    assert options["socket_timeout"] == options["socket_connect_timeout"] == STORAGE_TIMEOUT_S
    assert options["retry"].get_retries() == 0
    assert app.config["RATELIMIT_SWALLOW_ERRORS"] is True


def test_an_operator_can_set_the_redis_store_options(tmp_path):
    app = sqlite_app(
        tmp_path,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
        RATELIMIT_STORAGE_OPTIONS={"socket_timeout": 2},
    )

    assert app.config["RATELIMIT_STORAGE_OPTIONS"]["socket_timeout"] == 2
    assert app.config["RATELIMIT_STORAGE_OPTIONS"]["socket_connect_timeout"] == STORAGE_TIMEOUT_S


def test_without_redis_the_limits_hold_per_process(tmp_path):
    # In a process of its own: the limiter is one object per process, and would stay on its
    # fallback for the tests after this one.
    database = f"sqlite:///{tmp_path / 'fallback.sqlite'}"
    nobody_listens = "redis://127.0.0.1:1/0"

    assert new_players_in_another_process(database, "10.0.0.1", 3, nobody_listens) == [
        [201, 201, 429]
    ]


# --- Proxies ------------------------------------------------------------------------------------


def whoami_app(tmp_path: Path, **config) -> Flask:
    """A test app with a view that says which client and scheme it believes it serves."""
    app = sqlite_app(tmp_path, **config)
    app.add_url_rule(
        "/_whoami", "whoami", lambda: {"address": request.remote_addr, "scheme": request.scheme}
    )
    return app


FORWARDED = {"X-Forwarded-For": "192.0.2.66, 203.0.113.7", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_are_ignored_by_default(tmp_path):
    client = whoami_app(tmp_path).test_client()

    assert client.get("/_whoami", headers=FORWARDED).get_json() == {
        "address": "127.0.0.1",
        "scheme": "http",
    }


def test_one_trusted_proxy_gives_the_address_it_saw(tmp_path):
    client = whoami_app(tmp_path, TRUSTED_PROXIES=1).test_client()

    # The first address is whatever the client claimed; the proxy appended the real one.
    assert client.get("/_whoami", headers=FORWARDED).get_json() == {
        "address": "203.0.113.7",
        "scheme": "https",
    }


def test_behind_a_proxy_limits_count_per_forwarded_address(tmp_path):
    app = sqlite_app(tmp_path, TRUSTED_PROXIES=1, PLAYER_RATE_LIMIT="1 per minute")
    client = app.test_client()

    def create(nickname: str, address: str) -> int:
        forwarded = {"X-Forwarded-For": address}
        return client.post(
            f"{API}/players", json={"nickname": nickname}, headers=forwarded
        ).status_code

    assert [create("Aa", "192.0.2.1"), create("Bb", "192.0.2.2"), create("Cc", "192.0.2.1")] == [
        201,
        201,
        429,
    ]


def test_trusted_proxies_from_the_environment(clean_environment, monkeypatch):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "proxy-key")
    monkeypatch.setenv("QUIZAPP_TRUSTED_PROXIES", "1")

    app = create_app()

    assert app.config["TRUSTED_PROXIES"] == 1
    # Inside the answer's arrival stamp (quizapp.limits), which wraps everything.
    assert type(app.wsgi_app.wsgi_app).__name__ == "ProxyFix"


# --- gunicorn -----------------------------------------------------------------------------------


def gunicorn_settings(monkeypatch, **env: str) -> dict:
    """The settings gunicorn.conf.py makes under ``env``."""
    import runpy

    for name in ("BIND", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_the_gunicorn_config_reads_the_environment(monkeypatch):
    defaults = gunicorn_settings(monkeypatch)
    assert defaults["bind"] == ["127.0.0.1:8000"]
    assert defaults["workers"] == min(2 * (os.cpu_count() or 1) + 1, 12)
    assert defaults["preload_app"] is False and defaults["wsgi_app"] == "quizapp:create_app()"
    assert "%(M)s" in defaults["access_log_format"]

    told = gunicorn_settings(monkeypatch, BIND="0.0.0.0:9000", WEB_CONCURRENCY="3")
    assert told["bind"] == ["0.0.0.0:9000"] and told["workers"] == 3


def run_gunicorn(tmp_path: Path, port: int, **env: str) -> subprocess.Popen:
    """gunicorn with the repository's config file on 127.0.0.1:``port``: one worker unless
    ``env`` sets WEB_CONCURRENCY, and ``env`` added to the environment."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QUIZAPP_") or k == "QUIZAPP_INSTANCE_PATH"
    }
    environment.update(
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'gunicorn.sqlite'}",
    )
    environment.update(env)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "quizapp:create_app()"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen) -> str:
    """Stop gunicorn (SIGTERM, then SIGKILL if it lingers) and return what it printed."""
    if process.poll() is None:
        process.terminate()
    try:
        output, _ = process.communicate(timeout=GUNICORN_STOP_S)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_gunicorn_serves_the_app_with_the_config_file(tmp_path):
    port = free_port()
    process = run_gunicorn(tmp_path, port, QUIZAPP_SECRET_KEY="gunicorn-test-key")
    try:
        deadline = time.monotonic() + GUNICORN_BOOT_S
        while True:
            assert process.poll() is None, stop(process)
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "gunicorn did not answer in time"
                time.sleep(0.2)
    finally:
        output = stop(process)

    assert response.status_code == 200 and response.json() == {"ok": True}
    assert_security_headers(response)
    assert re.search(r'"GET /healthz HTTP/1.1" 200 .* \d+ms', output), output


def test_gunicorn_refuses_to_start_without_a_secret_key(tmp_path):
    process = run_gunicorn(tmp_path, free_port())
    try:
        process.wait(timeout=GUNICORN_BOOT_S)
    finally:
        output = stop(process)

    assert process.returncode != 0
    assert "QUIZAPP_SECRET_KEY" in output and "Worker failed to boot" in output
