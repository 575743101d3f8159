"""Editors: template text is data, never code, and the workspace is closed to everyone else.

Template injection payloads (Jinja, str.format, attribute and item access, other template
languages) sent to the workspace's JSON preview and to the save form, as a logged-in editor:
the preview names the problem and renders nothing, the save is refused, nothing is stored.
Then a quick re-assertion that the workspace refuses visitors, players and forged editor
cookies; tests/test_auth_web.py::test_every_editor_route_is_closed_to_non_editors walks every
editor route in the URL map for anonymous visitors and players.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, select

from quizapp import create_app
from quizapp.db import get_engine
from quizapp.models import Change, Question, Template
from tests.conftest import CSRF_FIELD
from tests.factories import EDITOR_PASSWORD, make_editor
from tests.proof.conftest import SECRET_KEY, engine_name, proof_app

pytestmark = pytest.mark.proof

PREVIEW = "/editor/api/templates/preview"
NEW = "/editor/templates/new"
GOOD = {
    "kind": "award_win",
    "style": "multiple_choice",
    "prompt": "Which star won {award} at the {event}?",
    "answer_role": "winner",
    "explanation": "{winner} won {award}.",
}
PAYLOADS = [
    "{{ 7*7 }}",
    "{{ config }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in range(9) %}{{ x }}{% endfor %}",
    "{award.__class__}",
    "{award.__init__.__globals__}",
    "{award[0]}",
    "{award!r}",
    "{award:>500}",
    "{0}",
    "{}",
    "{award|attr('__class__')}",
    "{award|upper|upper|upper|upper}",
    "{__import__('os').system('id')}",
    "${7*7}",
    "#{7*7}",
    "{award",
]
# No braces: to the slot grammar these are plain text, which is fine to keep as text.
TEXT_PAYLOADS = ["<%= 7*7 %>", "@(7*7)", "[[7*7]]", "<script>alert(49)</script>"]
# What a payload that had run would have shown: 7*7 worked out (not "column 49" of a problem's
# place), a class's repr, the app's secret key from its config, the output of `id`.
RAN = re.compile(rf"(?<!column )\b49\b|<class '|{re.escape(SECRET_KEY)}|\buid=\d")


@pytest.fixture
def workspace(bundled_database_url: str) -> Iterator[Flask]:
    """The app as served, on this test's copy of the bundled bank (SQLite, then PostgreSQL)."""
    app = proof_app(bundled_database_url)
    yield app
    get_engine(app).dispose()


def logged_in(app: Flask, faker):
    """A test client logged in as a new editor, and its CSRF token."""
    with Session(get_engine(app)) as session:
        make_editor(session, faker, name="eve.editor")
    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/editor/login").text).group(1)
    response = client.post(
        "/editor/login",
        data={"csrf_token": token, "name": "eve.editor", "password": EDITOR_PASSWORD},
    )
    assert response.status_code == 302, response.text
    return client, CSRF_FIELD.search(client.get("/editor/").text).group(1)


def stored(app: Flask) -> tuple[int, int, int]:
    """Templates, changes and questions in the database."""
    with Session(get_engine(app)) as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Template, Change, Question)
        )


def test_template_injection_is_refused_and_runs_nothing(workspace, faker, figures):
    client, token = logged_in(workspace, faker)
    before = stored(workspace)
    previewed, refused = 0, 0
    for payload in PAYLOADS:
        for field in ("prompt", "explanation"):
            draft = {**GOOD, field: f"{GOOD[field]} {payload}"}
            preview = client.post(PREVIEW, json=draft, headers={"X-CSRFToken": token})
            assert preview.status_code == 200, preview.text
            body = preview.json
            assert not body["can_publish"] and body["errors"] >= 1, (payload, field, body)
            rendered = " ".join(
                str(value) for question in body["questions"] for value in question.values()
            )
            assert not RAN.search(rendered), (payload, rendered[:300])
            previewed += 1
            for action in ("publish", "draft"):
                saved = client.post(NEW, data={"csrf_token": token, **draft, "action": action})
                assert saved.status_code == 400 and "Not saved." in saved.text, payload
                assert not RAN.search(html.unescape(saved.text).replace(payload, "")), payload
                refused += 1
    texts = 0
    for payload in TEXT_PAYLOADS:
        draft = {**GOOD, "prompt": f"Which star won {{award}} at the {{event}}, {payload}?"}
        body = client.post(PREVIEW, json=draft, headers={"X-CSRFToken": token}).json
        prompts = [question["prompt"] for question in body["questions"]]
        assert prompts and all(payload in prompt for prompt in prompts), (payload, prompts[:1])
        texts += len(prompts)
    assert stored(workspace) == before
    figures.add(
        f"{engine_name(workspace.config['DATABASE_URL'])}: {len(TEXT_PAYLOADS)} payloads of "
        f"other template languages (no braces) stay the very text in all {texts} previewed "
        "questions"
    )
    figures.add(
        f"{engine_name(workspace.config['DATABASE_URL'])}: {len(PAYLOADS)} injection payloads "
        f"in the prompt and in the explanation: {previewed} JSON previews each name an error "
        f"and cannot publish, nothing evaluated; {refused} saves (publish and draft) refused "
        "with 400; templates, changes and questions stored: 0"
    )


def test_the_workspace_is_closed_to_everyone_else(workspace, faker, figures):
    """A few routes, for each kind of outsider; the full walk is in tests/test_auth_web.py."""
    with Session(get_engine(workspace)) as session:
        make_editor(session, faker, name="real.editor")  # editor 1, whom the forger claims
    before = stored(workspace)
    anonymous = workspace.test_client()
    anonymous_token = CSRF_FIELD.search(anonymous.get("/editor/login").text).group(1)
    player = workspace.test_client()
    player_token = CSRF_FIELD.search(player.get("/player").text).group(1)
    player.post("/player", data={"csrf_token": player_token, "nickname": "Just Playing"})
    forger = workspace.test_client()
    other = create_app({"SECRET_KEY": "someone-elses-key", "TESTING": True})
    forged = other.session_interface.get_signing_serializer(other).dumps(
        {"_user_id": "1", "_fresh": True, "editor_login_at": 2_000_000_000}
    )
    forger.set_cookie(workspace.config["SESSION_COOKIE_NAME"], forged)

    routes = [
        ("GET", "/editor/", None),
        ("GET", "/editor/templates/", None),
        ("GET", "/editor/editors", None),
        ("POST", NEW, {**GOOD, "action": "publish"}),
        ("POST", PREVIEW, GOOD),
    ]
    outcomes: dict[str, list] = {}
    # Visitors and players send a valid CSRF token, so that the gate is what answers; the
    # forged cookie is refused whole (another key), so it can carry no token: 400 on a POST.
    for name, client, token in (
        ("anonymous", anonymous, anonymous_token),
        ("player", player, player_token),
        ("forged", forger, ""),
    ):
        seen = []
        for method, path, data in routes:
            if path == PREVIEW:
                response = client.post(path, json=data, headers={"X-CSRFToken": token})
            elif method == "POST":
                response = client.post(path, data={"csrf_token": token, **data})
            else:
                response = client.get(path)
            seen.append(response.status_code)
            if response.status_code == 302:
                assert response.location.startswith("/editor/login"), (name, path)
            elif token:
                assert response.status_code == 401, (name, path, response.status_code)
                assert response.json["error"]["code"] == "unauthorized"
            else:
                assert response.status_code == 400 and method == "POST", (name, path)
        outcomes[name] = seen
    assert stored(workspace) == before
    figures.add(
        f"{engine_name(workspace.config['DATABASE_URL'])}: {len(routes)} workspace routes for "
        "an anonymous visitor, a player and a cookie forged with another key: statuses "
        + "; ".join(f"{name} {codes}" for name, codes in outcomes.items())
        + " (302 to the login form, 401 JSON, 400 for a POST whose session was refused whole)"
    )
