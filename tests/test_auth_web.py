"""Editor login, logout, the gate of /editor, and managing editors, through the forms.

CSRF protection stays on: `editor_auth` (tests/conftest.py) reads the token from a page.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import urlsplit

import pytest
from flask import Blueprint, g
from sqlmodel import select

from quizapp.models import Editor
from quizapp.web.auth import LOGIN_AT, WRONG_LOGIN, admin_required, editor_required
from tests.conftest import CSRF_FIELD, EditorAuth
from tests.factories import EDITOR_PASSWORD, make_editor

LOGIN = "/editor/login"
NEW_PASSWORD = "a fresh start at last"
ALERT = re.compile(r'<p class="alert" role="alert"[^>]*>(.*?)</p>', re.S)


@pytest.fixture
def editor(session, faker) -> Editor:
    return make_editor(session, faker, name="Ed")


@pytest.fixture
def admin(session, faker) -> Editor:
    return make_editor(session, faker, name="Ada", role="admin")


def fresh(session, model, key):
    """A row as the database has it now, not as this session remembered it."""
    session.expire_all()
    return session.get(model, key)


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == LOGIN


def refused(response) -> bool:
    """The gate's answer to someone who is not an editor: the login form, or 401 JSON."""
    if response.status_code == 401:
        return response.get_json()["error"]["code"] == "unauthorized"
    return is_login_redirect(response)


def player_client(app) -> EditorAuth:
    """A browser that plays as a player (nickname picked through the play form), no editor."""
    browser = EditorAuth(app.test_client())
    g.pop("csrf_token", None)
    page = browser.client.get("/player").get_data(as_text=True)
    browser._token = CSRF_FIELD.search(page).group(1)
    assert browser.post("/player", nickname="Tess").status_code == 302
    with browser.client.session_transaction() as cookie:
        assert isinstance(cookie["player_id"], int)
    return browser


# --- Logging in -----------------------------------------------------------------------------------


def test_the_login_form_is_labelled_for_password_managers(client):
    page = client.get(LOGIN).get_data(as_text=True)

    assert '<label for="name">Name</label>' in page
    assert '<label for="password">Password</label>' in page
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    assert "<script>" not in page.split("</head>")[1]


def test_an_editor_logs_in_and_sees_the_workspace(editor_auth, editor):
    response = editor_auth.login("ed", EDITOR_PASSWORD)

    assert response.status_code == 302 and response.location == "/editor/"
    page = editor_auth.client.get("/editor/").get_data(as_text=True)
    assert "Editor workspace" in page and "Logged in as <strong>Ed</strong>" in page
    assert "/editor/editors" not in page  # the editors page is for admins


def test_an_admin_sees_the_link_to_the_editors_page(editor_auth, admin):
    editor_auth.login("Ada", EDITOR_PASSWORD)

    assert 'href="/editor/editors"' in editor_auth.client.get("/editor/").text


@pytest.mark.parametrize(
    ("name", "password"),
    [("Ed", "not the password"), ("Nobody", EDITOR_PASSWORD), ("Ed", EDITOR_PASSWORD + " ")],
    ids=["wrong password", "unknown name", "password with a space"],
)
def test_a_failed_login_never_says_which_half_was_wrong(editor_auth, editor, name, password):
    response = editor_auth.login(name, password)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ALERT.findall(page) == [WRONG_LOGIN]
    assert password not in page
    assert is_login_redirect(editor_auth.client.get("/editor/"))


def test_a_deactivated_editor_cannot_log_in(editor_auth, session, faker):
    make_editor(session, faker, name="Gone", active=False)

    response = editor_auth.login("Gone", EDITOR_PASSWORD)

    assert ALERT.findall(response.text) == [WRONG_LOGIN]


def test_an_empty_form_says_what_is_missing(editor_auth):
    response = editor_auth.login("", "")

    assert response.status_code == 400 and "This field is required." in response.text


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/editor/editors", "/editor/editors"),
        ("/editor/?tab=facts", "/editor/?tab=facts"),
        ("https://evil.example/", "/editor/"),
        ("//evil.example/", "/editor/"),
        ("/\\evil.example/", "/editor/"),
        ("javascript:alert(1)", "/editor/"),
        ("", "/editor/"),
    ],
)
def test_next_only_leads_to_a_page_of_this_site(editor_auth, admin, next_url, lands_on):
    response = editor_auth.login("Ada", EDITOR_PASSWORD, next=next_url)

    assert response.status_code == 302 and response.location == lands_on


def test_a_next_with_a_control_character_is_refused_and_logs_nobody_in(editor_auth, admin):
    # A tab would make "/\t/evil.example/" another site in a browser: refused before the login.
    response = editor_auth.login("Ada", EDITOR_PASSWORD, next="/\t/evil.example/")

    assert response.status_code == 400
    assert "must not hold control characters" in response.text
    assert editor_auth.client.get("/editor/").status_code == 302


def test_a_page_asks_for_the_login_and_comes_back_after(client, editor_auth, admin):
    asked = client.get("/editor/editors?page=2")

    assert asked.location == "/editor/login?next=/editor/editors?page%3D2"
    form = client.get(asked.location).text
    assert 'name="next" type="hidden" value="/editor/editors?page=2"' in form
    response = editor_auth.login("Ada", EDITOR_PASSWORD, next="/editor/editors?page=2")
    assert response.location == "/editor/editors?page=2"


def test_the_login_page_sends_a_logged_in_editor_on(editor_auth, editor):
    editor_auth.login("Ed", EDITOR_PASSWORD)

    assert editor_auth.client.get(LOGIN).location == "/editor/"


def test_a_login_post_without_the_csrf_token_is_refused(client, editor):
    response = client.post(LOGIN, data={"name": "Ed", "password": EDITOR_PASSWORD})

    assert response.status_code == 400 and "This form has expired" in response.text
    assert is_login_redirect(client.get("/editor/"))


def test_the_eleventh_login_in_a_minute_gets_a_friendly_429(editor_auth, editor):
    for _ in range(10):
        assert editor_auth.login("Ed", "not the password").status_code == 200

    response = editor_auth.login("Ed", EDITOR_PASSWORD)  # even the right password now

    assert response.status_code == 429
    assert "Too many tries" in response.text and "wait a minute" in response.text
    assert int(response.headers["Retry-After"]) > 0
    assert is_login_redirect(editor_auth.client.get("/editor/"))
    assert editor_auth.client.get(LOGIN).status_code == 200  # the form itself stays open


def test_the_login_limit_comes_from_the_config(app, editor_auth, editor):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"

    codes = [editor_auth.login("Ed", "not the password").status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_a_json_client_over_the_limit_gets_429_json(app, editor_auth, editor):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    editor_auth.login("Ed", "not the password")

    response = editor_auth.client.post(
        LOGIN,
        data={"csrf_token": editor_auth.token(), "name": "Ed", "password": "x"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 429 and "Retry-After" in response.headers
    assert response.json["error"]["code"] == "too_many_requests"


# --- Logging out and losing the login -------------------------------------------------------------


def test_logout_ends_the_editor_login_but_keeps_the_player(app, session, editor):
    browser = player_client(app)
    browser.login("Ed", EDITOR_PASSWORD)
    assert browser.client.get("/editor/").status_code == 200

    response = browser.logout()

    assert is_login_redirect(response)
    assert "You are logged out." in browser.client.get(LOGIN).text
    assert is_login_redirect(browser.client.get("/editor/"))
    with browser.client.session_transaction() as cookie:
        assert isinstance(cookie["player_id"], int)


def test_a_copy_of_the_login_cookie_dies_with_the_logout(app, editor_auth, session, admin):
    editor_auth.login("Ada", EDITOR_PASSWORD)
    token = editor_auth.token()
    with editor_auth.client.session_transaction() as cookie:
        copied = dict(cookie)
    thief = app.test_client()
    with thief.session_transaction() as cookie:
        cookie.update(copied)
    assert thief.get("/editor/").status_code == 200  # the copy works while the login lasts

    editor_auth.logout()

    assert is_login_redirect(thief.get("/editor/"))
    write = thief.post(
        "/editor/editors",
        data={
            "csrf_token": token,
            "name": "Mallory",
            "password": "a long password",
            "role": "admin",
        },
    )
    assert is_login_redirect(write)
    assert session.exec(select(Editor).where(Editor.name == "Mallory")).first() is None
    assert (
        thief.get("/editor/api/entities", headers={"Accept": "application/json"}).status_code == 401
    )
    # Logging in again makes a new login that works.
    editor_auth.login("Ada", EDITOR_PASSWORD)
    assert editor_auth.client.get("/editor/").status_code == 200


def test_a_new_password_ends_other_logins(editor_auth, session, editor):
    from quizapp.workspace.accounts import set_password

    editor_auth.login("Ed", EDITOR_PASSWORD)
    set_password(session, editor_id=editor.id, password="a brand new one")
    session.commit()

    assert is_login_redirect(editor_auth.client.get("/editor/"))


def test_an_editor_login_expires(app, editor_auth, editor):
    editor_auth.login("Ed", EDITOR_PASSWORD)
    hours = app.config["EDITOR_LOGIN_HOURS"]
    with editor_auth.client.session_transaction() as cookie:
        cookie[LOGIN_AT] = int(time.time()) - hours * 3600 - 1

    assert is_login_redirect(editor_auth.client.get("/editor/"))


# --- The gate -------------------------------------------------------------------------------------


def editor_routes(app) -> list[tuple[str, str]]:
    """(method, url) for every route under /editor but the login form, found in the url map.

    Routes added later are covered without touching this test. Every argument is filled with
    1, which an int and a string converter both take.
    """
    adapter = app.url_map.bind("localhost")
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/editor") or rule.endpoint in ("auth.login", "static"):
            continue
        values = dict.fromkeys(rule.arguments, 1)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, adapter.build(rule.endpoint, values, method=method)))
    return routes


def test_the_walk_finds_the_editor_routes(app):
    routes = editor_routes(app)

    assert ("GET", "/editor/") in routes and ("GET", "/editor/editors") in routes
    assert ("POST", "/editor/editors/1/active") in routes
    assert ("POST", "/editor/editors/1/password") in routes
    assert not any(url == LOGIN for _, url in routes)


@pytest.mark.parametrize("visitor", ["anonymous", "player"])
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_every_editor_route_is_closed_to_non_editors(app, session, admin, visitor, accept):
    browser = player_client(app) if visitor == "player" else EditorAuth(app.test_client())
    headers = {"Accept": accept}

    for method, url in editor_routes(app):
        # A valid CSRF token, so that the gate and not the CSRF check is what answers.
        data = {"csrf_token": browser.token()} if method != "GET" else None
        response = browser.client.open(url, method=method, data=data, headers=headers)

        assert response.status_code != 200, (method, url)
        assert refused(response), (method, url, response.status_code)
    assert [e.role for e in session.exec(select(Editor))] == ["admin"]  # nothing changed


def test_json_requests_get_401_json(client):
    response = client.get("/editor/", headers={"Accept": "application/json"})

    assert response.status_code == 401
    assert response.get_json() == {
        "error": {"code": "unauthorized", "message": "log in as an editor first"}
    }


@pytest.fixture
def json_endpoints(app):
    """Two JSON endpoints under /editor/api/, as the workspace will add them."""
    bp = Blueprint("probe", __name__)

    @bp.get("/whoami")
    @editor_required
    def whoami():
        from flask_login import current_user

        return {"name": current_user.name}

    @bp.get("/admins-only")
    @admin_required
    def admins_only():
        return {"ok": True}

    app.register_blueprint(bp, url_prefix="/editor/api")


def test_json_endpoints_answer_401_and_403_json(editor_auth, editor, json_endpoints):
    client = editor_auth.client

    anonymous = client.get("/editor/api/whoami")
    assert anonymous.status_code == 401 and anonymous.json["error"]["code"] == "unauthorized"

    editor_auth.login("Ed", EDITOR_PASSWORD)
    assert client.get("/editor/api/whoami").json == {"name": "Ed"}
    denied = client.get("/editor/api/admins-only")
    assert denied.status_code == 403 and denied.json["error"]["code"] == "forbidden"


# --- Managing editors -----------------------------------------------------------------------------


def test_the_editors_page_is_closed_to_plain_editors(editor_auth, session, editor, admin):
    admin_hash = admin.password_hash
    editor_auth.login("Ed", EDITOR_PASSWORD)

    page = editor_auth.client.get("/editor/editors")
    create = editor_auth.post("/editor/editors", name="eve", password=EDITOR_PASSWORD)
    promote = editor_auth.post(f"/editor/editors/{editor.id}/role", role="admin")
    reset = editor_auth.post(
        f"/editor/editors/{admin.id}/password", password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )
    as_json = editor_auth.client.get("/editor/editors", headers={"Accept": "application/json"})

    assert page.status_code == 403 and "Not allowed" in page.text
    assert create.status_code == 403 and promote.status_code == 403
    assert reset.status_code == 403 and NEW_PASSWORD not in reset.text
    assert password_hash(session, admin) == admin_hash
    assert as_json.status_code == 403 and as_json.json["error"]["code"] == "forbidden"


@pytest.fixture
def as_admin(editor_auth, admin) -> EditorAuth:
    assert editor_auth.login("Ada", EDITOR_PASSWORD).status_code == 302
    return editor_auth


def test_the_editors_page_lists_every_editor(as_admin, session, faker):
    make_editor(session, faker, name="Gone", active=False)

    page = as_admin.client.get("/editor/editors").text

    assert re.search(r"<th scope=\"row\">Ada <span[^>]*>\(you\)</span></th>\s*<td>admin</td>", page)
    assert re.search(r"Gone</th>\s*<td>editor</td>\s*<td>deactivated</td>", page)
    assert '<label for="name">Name</label>' in page and 'autocomplete="new-password"' in page


def test_an_admin_adds_an_editor_who_can_log_in(app, as_admin, session):
    response = as_admin.post(
        "/editor/editors", name="Eve", password="her own secret", role="editor"
    )

    assert response.status_code == 302 and response.location == "/editor/editors"
    assert "Added Eve as editor." in as_admin.client.get("/editor/editors").text
    session.expire_all()
    assert [e.name for e in session.exec(select(Editor).order_by(Editor.id))] == ["Ada", "Eve"]
    assert EditorAuth(app.test_client()).login("eve", "her own secret").status_code == 302


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": "ada", "password": "another secret"}, "is taken"),
        ({"name": "e", "password": "another secret"}, "2 to 40 characters"),
        ({"name": "eve", "password": "short"}, "at least 10 characters"),
        ({"name": "eve", "password": "another secret", "role": "root"}, "Not a valid choice"),
    ],
)
def test_adding_an_editor_says_what_to_fix(as_admin, fields, says):
    response = as_admin.post("/editor/editors", **{"role": "editor", **fields})

    assert response.status_code == 400 and says in response.text
    assert fields["password"] not in response.text


def test_an_admin_deactivates_an_editor_whose_login_ends(app, as_admin, session, editor):
    ed = EditorAuth(app.test_client())
    ed.login("Ed", EDITOR_PASSWORD)

    response = as_admin.post(f"/editor/editors/{editor.id}/active", active="0")

    assert response.status_code == 302
    assert "Ed can no longer log in." in as_admin.client.get("/editor/editors").text
    assert not fresh(session, Editor, editor.id).active
    assert is_login_redirect(ed.client.get("/editor/"))
    assert as_admin.post(f"/editor/editors/{editor.id}/active", active="1").status_code == 302
    assert fresh(session, Editor, editor.id).active


def test_an_admin_changes_a_role(as_admin, session, editor):
    response = as_admin.post(f"/editor/editors/{editor.id}/role", role="admin")

    assert response.status_code == 302
    assert fresh(session, Editor, editor.id).role == "admin"


@pytest.mark.parametrize(
    ("path", "field", "value"), [("active", "active", "0"), ("role", "role", "editor")]
)
def test_an_admin_cannot_lock_themselves_out(as_admin, session, admin, path, field, value):
    response = as_admin.post(f"/editor/editors/{admin.id}/{path}", **{field: value})

    assert response.status_code == 400
    assert "so that at least one admin remains" in response.text
    fresh_admin = fresh(session, Editor, admin.id)
    assert fresh_admin.active and fresh_admin.role == "admin"


def test_bad_changes_are_refused(as_admin, editor):
    assert as_admin.post(f"/editor/editors/{editor.id}/active", active="yes").status_code == 400
    assert as_admin.post(f"/editor/editors/{editor.id}/role", role="root").status_code == 400
    missing = as_admin.post("/editor/editors/999/active", active="0")
    assert missing.status_code == 404 and "no editor with id 999" in missing.text


# --- An admin sets another editor's password ------------------------------------------------------


def password_hash(session, editor: Editor) -> str:
    return fresh(session, Editor, editor.id).password_hash


def test_the_editors_page_offers_a_new_password_for_every_other_editor(as_admin, admin, editor):
    page = as_admin.client.get("/editor/editors").text

    forms = re.findall(r'<form method="post" action="/editor/editors/(\d+)/password">', page)
    assert forms == [str(editor.id)]  # not the admin's own
    assert f'<label for="password-{editor.id}">New password for Ed</label>' in page
    assert 'name="confirm" required minlength="10" maxlength="200" autocomplete="off"' in page
    assert '<details class="password-reset">' in page  # folded until asked for


def test_an_admin_sets_a_new_password_and_the_editors_logins_end(
    app, as_admin, session, editor, caplog
):
    ed = EditorAuth(app.test_client())
    ed.login("Ed", EDITOR_PASSWORD)
    assert ed.client.get("/editor/").status_code == 200

    with caplog.at_level(logging.INFO, logger=app.logger.name):
        response = as_admin.post(
            f"/editor/editors/{editor.id}/password", password=NEW_PASSWORD, confirm=NEW_PASSWORD
        )

    assert response.status_code == 302 and response.location == "/editor/editors"
    page = as_admin.client.get("/editor/editors").text
    assert "Ed has a new password: their logins have ended" in page
    assert NEW_PASSWORD not in page
    assert is_login_redirect(ed.client.get("/editor/"))  # the login Ed had is over
    assert EditorAuth(app.test_client()).login("Ed", EDITOR_PASSWORD).status_code == 200
    assert EditorAuth(app.test_client()).login("Ed", NEW_PASSWORD).status_code == 302
    assert as_admin.client.get("/editor/").status_code == 200  # the admin's own goes on
    logged = [record.getMessage() for record in caplog.records]
    assert any("Ed has a new password" in line and "(by Ada)" in line for line in logged)
    assert not any(NEW_PASSWORD in line for line in logged)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        # Values with a space: nothing else on the page, a CSRF token included, holds one.
        ({"password": "tiny pw", "confirm": "tiny pw"}, "at least 10 characters"),
        ({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"}, "The two passwords differ"),
        ({"password": NEW_PASSWORD}, "This field is required"),
        ({}, "This field is required"),
        ({"password": "x " * 101, "confirm": "x " * 101}, "at most 200 characters"),
    ],
    ids=["short", "differ", "no repeat", "empty", "too long"],
)
def test_a_bad_new_password_is_refused_saying_what_to_fix(as_admin, session, editor, fields, says):
    before = password_hash(session, editor)

    response = as_admin.post(f"/editor/editors/{editor.id}/password", **fields)

    assert response.status_code == 400
    assert ALERT.search(response.text).group(1).startswith("New password for Ed: ")
    assert says in response.text
    for value in fields.values():
        assert value not in response.text
    assert '<details class="password-reset" open>' in response.text  # Ed's form, open again
    assert password_hash(session, editor) == before


def test_the_name_as_password_is_refused(as_admin, session, faker):
    long_name = make_editor(session, faker, name="Edwina-Smith")
    before = password_hash(session, long_name)

    response = as_admin.post(
        f"/editor/editors/{long_name.id}/password", password="EDWINA-SMITH", confirm="EDWINA-SMITH"
    )

    assert response.status_code == 400 and "must not be the name" in response.text
    assert password_hash(session, long_name) == before


def test_an_admin_cannot_set_their_own_password_here(as_admin, session, admin):
    before = password_hash(session, admin)

    response = as_admin.post(
        f"/editor/editors/{admin.id}/password", password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )

    assert response.status_code == 400
    assert "run quizapp set-password on the server" in response.text
    assert password_hash(session, admin) == before
    assert as_admin.client.get("/editor/").status_code == 200


def test_a_new_password_without_the_csrf_token_is_refused(as_admin, session, editor):
    before = password_hash(session, editor)

    response = as_admin.client.post(
        f"/editor/editors/{editor.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 400 and "This form has expired" in response.text
    assert password_hash(session, editor) == before


def test_a_visitor_setting_a_password_is_sent_to_the_login(app, session, editor):
    visitor = EditorAuth(app.test_client())
    before = password_hash(session, editor)

    response = visitor.post(
        f"/editor/editors/{editor.id}/password", password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )

    assert is_login_redirect(response)
    assert password_hash(session, editor) == before


def test_a_new_password_for_an_unknown_editor_is_not_found(as_admin):
    response = as_admin.post(
        "/editor/editors/999/password", password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )

    assert response.status_code == 404 and "no editor with id 999" in response.text
