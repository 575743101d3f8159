"""The request edges (quizapp.web.inputs): ids beyond the database's integer range, control
characters anywhere in a request, too deep JSON, and a ``next`` that would break the Location
header. Each runs on SQLite and PostgreSQL: the failures they guard against were the
databases' (a 500 from an id PostgreSQL cannot bind, a NUL it cannot store).
"""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select
from werkzeug.routing import IntegerConverter

from quizapp.models import Player
from quizapp.web.inputs import MAX_ID, MAX_JSON_DEPTH
from quizapp.web.play import safe_next

TOO_LARGE_IDS = [str(MAX_ID + 1), "99999999999999999999", "0"]
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def id_routes(app) -> list[tuple[str, str]]:
    """Every route with an id in its path, as (method, path template with {} for each id)."""
    routes = []
    for rule in app.url_map.iter_rules():
        ids = [c for c in rule._converters.values() if isinstance(c, IntegerConverter)]
        if not ids:
            continue
        # The id converter, or (in the API, for its OpenAPI document) int with its range.
        assert all((c.min, c.max) == (1, MAX_ID) for c in ids), rule.rule
        path = re.sub(r"<(id|int\([^)]*\)):[^>]+>", "{}", rule.rule)
        assert "<" not in path, f"{rule.rule} has an id without the id converter"
        method = "GET" if "GET" in rule.methods else "POST"
        routes.append((method, path))
    return routes


def test_every_route_with_a_numeric_id_uses_the_id_range(app):
    unbounded = [r.rule for r in app.url_map.iter_rules() if re.search(r"<(int|float):", r.rule)]
    assert unbounded == []
    paths = {path for _, path in id_routes(app)}
    # The pages, the editors' forms and the API each have some.
    assert "/attempts/{}/results" in paths
    assert "/api/v1/attempts/{}" in paths
    assert "/editor/editors/{}/role" in paths
    assert len(paths) >= 10


@pytest.mark.parametrize("bad_id", TOO_LARGE_IDS)
def test_ids_beyond_the_integer_range_are_404_on_every_route(app, client, bad_id):
    routes = id_routes(app)
    for method, path in routes:
        url = path.format(*[bad_id] * path.count("{}"))
        response = client.open(url, method=method)
        assert response.status_code == 404, (method, url, response.status_code)
        if url.startswith("/api/"):
            assert response.json["error"]["code"] == "not_found"


def test_the_largest_id_is_an_ordinary_unknown_attempt(client):
    client.post("/api/v1/players", json={"nickname": "Edge"})
    page = client.get(f"/attempts/{MAX_ID}")
    # No player in this browser: sent to pick a nickname, not a 500.
    assert page.status_code == 302
    token = client.post("/api/v1/players", json={"nickname": "Edge2"}).json["token"]
    response = client.get(
        f"/api/v1/attempts/{MAX_ID}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404


def text_of(response) -> str:
    """The page's text as a person reads it: entities unescaped, in lower case."""
    return html.unescape(response.get_data(as_text=True)).lower()


# --- Control characters ---------------------------------------------------------------------------


def test_a_nul_in_a_path_is_a_400_page_naming_the_path(client):
    response = client.get("/quizzes/show%00x")
    assert response.status_code == 400
    assert "path must not hold control characters (it holds '\\x00')" in text_of(response)


def test_a_control_character_in_a_query_string_is_refused(client):
    response = client.get("/leaderboards/?period=week%01")
    assert response.status_code == 400
    assert "query parameter 'period' must not hold control characters" in text_of(response)


def test_a_nul_in_an_editor_form_is_refused_before_login_or_csrf(client):
    # Refused first: no CSRF token, no login, and nothing reached the database.
    response = client.post("/editor/login", data={"name": "ann\x00", "password": "x"})
    assert response.status_code == 400
    assert "field 'name' must not hold control characters" in text_of(response)


def test_line_breaks_pass_only_in_multi_line_fields(client):
    single = client.post("/editor/api/templates/preview", json={"kind": "a\nb"})
    assert single.status_code == 400
    assert single.json["error"]["fields"] == [
        {
            "field": "kind",
            "message": "kind must not hold control characters (it holds '\\n'): remove it and "
            "send again",
        }
    ]
    # A prompt may have lines: past the edge, the form's own checks answer (its CSRF token).
    multi = client.post("/editor/api/templates/preview", json={"prompt": "a\r\n\tb"})
    assert multi.json["error"]["message"] == "The CSRF token is missing."
    nul = client.post("/editor/api/templates/preview", json={"prompt": "a\x00b"})
    assert nul.status_code == 400
    assert nul.json["error"]["fields"][0]["field"] == "prompt"


def test_an_escaped_control_character_in_json_is_refused_at_any_depth(client):
    body = '{"nickname": "ok", "extra": [{"deep": ["\\u0007"]}]}'
    response = client.post(
        "/api/v1/players", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["error"]["fields"][0]["field"] == "deep"


def test_a_control_character_in_a_json_key_is_refused(client):
    response = client.post("/api/v1/players", json={"nick\x1bname": "ok"})
    assert response.status_code == 400
    assert response.json["error"]["fields"][0]["field"] == "body key"


def test_a_c1_control_or_del_is_refused_too(client):
    for char in ("\x7f", "\x85", "\x9b"):
        response = client.post("/api/v1/players", json={"nickname": f"a{char}b"})
        assert response.status_code == 400, repr(char)


def test_a_nul_in_the_authorization_header_is_refused(client):
    response = client.get("/api/v1/attempts/1", headers={"Authorization": "Bearer a\x00b"})
    assert response.status_code == 400
    assert response.json["error"]["fields"][0]["field"] == "header Authorization"


def test_no_player_is_stored_from_a_refused_request(client, session):
    response = client.post("/player", data={"nickname": "Nul\x00Player"})
    assert response.status_code == 400
    assert session.exec(select(Player)).all() == []


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH_PLUS := 33, 50_000])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(client, depth):
    # 50,000 levels are never closed (the body limit): the decoder recursed before noticing.
    body = "[" * depth + ("]" * depth if depth < 1000 else "")
    for url in ("/editor/api/templates/preview", "/api/v1/players"):
        response = client.post(url, data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, url
        assert "nested" in response.json["error"]["message"]
    assert depth >= MAX_JSON_DEPTH_PLUS


def test_json_of_ordinary_depth_still_reaches_the_view(client):
    deepest_allowed = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    response = client.post(
        "/api/v1/players", data=deepest_allowed, headers={"Content-Type": "application/json"}
    )
    assert response.json["error"]["message"] == "the request body must be a JSON object, not a list"
    response = client.post("/editor/api/templates/preview", json={"requires": [[["x"]]]})
    assert response.json["error"]["message"] == "The CSRF token is missing."


# --- next ----------------------------------------------------------------------------------------


def _token(client) -> str:
    page = client.get("/player").get_data(as_text=True)
    return CSRF_FIELD.search(page).group(1)


def test_a_next_with_a_line_break_creates_no_player_and_the_nickname_stays_free(client, session):
    token = _token(client)
    refused = client.post(
        "/player?next=/%0d%0aSet-Cookie:%20stolen=1",
        data={"csrf_token": token, "nickname": "Top Player"},
    )
    assert refused.status_code == 400
    assert "Set-Cookie" not in refused.headers
    assert session.exec(select(Player)).all() == []
    taken = client.post(
        "/player?next=/leaderboards/", data={"csrf_token": token, "nickname": "Top Player"}
    )
    assert taken.status_code == 302
    assert taken.headers["Location"] == "/leaderboards/"
    assert [p.nickname for p in session.exec(select(Player)).all()] == ["Top Player"]


@pytest.mark.parametrize(
    "target", ["/\r\nSet-Cookie: a=1", "/\tx", "//evil.example", "/\\evil.example", "https://x"]
)
def test_safe_next_falls_back_to_home_for_anything_but_a_plain_local_path(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"
        assert safe_next("/quizzes/x?y=1") == "/quizzes/x?y=1"


# --- Lookalike nicknames ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookalike",
    [
        "Tоp Player",  # a Cyrillic о
        "Ｔｏｐ Ｐｌａｙｅｒ",  # fullwidth letters
        "T0p P1ayer",  # digits for letters
        "TOP PLAYER",
    ],
)
def test_a_lookalike_of_a_taken_nickname_is_refused_with_a_free_suggestion(client, lookalike):
    assert client.post("/api/v1/players", json={"nickname": "Top Player"}).status_code == 201

    response = client.post("/api/v1/players", json={"nickname": lookalike})

    assert response.status_code == 409
    error = response.json["error"]
    if lookalike == "TOP PLAYER":
        assert error["message"] == "the nickname 'TOP PLAYER' is taken"
    else:
        assert (
            f"the nickname {lookalike!r} looks like 'Top Player', which is taken"
            in (error["message"])
        )
    free = client.post("/api/v1/players", json={"nickname": error["suggestion"]})
    assert free.status_code == 201


def test_the_nickname_form_says_which_name_it_looks_like(client, session):
    client.post("/api/v1/players", json={"nickname": "Top Player"})
    token = _token(client)

    page = client.post("/player", data={"csrf_token": token, "nickname": "Tоp Player"})

    assert page.status_code == 409
    assert "looks like 'top player', which is taken" in text_of(page)
    assert [p.nickname for p in session.exec(select(Player)).all()] == ["Top Player"]


def test_names_that_only_share_letters_are_still_different(client):
    for nickname in ("Top Player", "Tip Player", "Top Players", "Top-Player"):
        assert client.post("/api/v1/players", json={"nickname": nickname}).status_code == 201
