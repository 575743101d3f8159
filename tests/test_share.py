"""Sharing a result: a public, spoiler-free page behind an unguessable address, its text to
copy, and the API's share_url; the private review stays private."""

# ruff: noqa: F811 - the fixtures are imported from the modules that define them

from __future__ import annotations

import re
from html import escape, unescape

import pytest
from flask import g

from quizapp.game import share
from quizapp.models import Attempt
from tests.test_api import API, bank, banked_database, make_player, play_through  # noqa: F401 (fixtures)
from tests.test_play_web import (  # noqa: F401 (fixtures)
    QUIZ,
    another_browser,
    browser,
    loaded,
    right_answer,
    wrong_answer,
)

SHARE_LINK = re.compile(r'<a href="(http://localhost/shared/[^"]+)">public result page</a>')
SHARE_TEXT = re.compile(r'<textarea id="share-text"[^>]*>([^<]*)</textarea>', re.S)


def finish(browser, choose) -> tuple[int, str, str]:
    """Play QUIZ through with ``choose``; the attempt id, its share URL and its text to copy."""
    attempt_id = browser.start(QUIZ)
    browser.play_through(attempt_id, choose=choose)
    g.pop("csrf_token", None)
    results = browser.client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)
    return (
        attempt_id,
        SHARE_LINK.search(results).group(1),
        unescape(SHARE_TEXT.search(results).group(1)),
    )


def every_other(item) -> str:
    return right_answer(item) if item.position % 2 == 0 else wrong_answer(item)


def test_anyone_sees_the_shared_result_without_a_single_question(browser, app, session):
    attempt_id, url, text = finish(browser, every_other)
    attempt = session.get(Attempt, attempt_id)
    path = url.removeprefix("http://localhost")
    anonymous = app.test_client()
    stranger = another_browser(app, session, "Stranger Danger")

    for client in (anonymous, stranger.client, browser.client):
        page = client.get(path)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "<h1>" in html and "Tess" in html
        assert f"{attempt.score:,}" in html and f"{attempt.correct} of " in html
        assert "#1</strong>" in html  # the attempt on the board, alone there
        assert 'href="/quizzes/event-show-2011">Play this quiz</a>' in html
        assert "Question 1: right" in html and "Question 2: wrong" in html
        assert '<meta property="og:title"' in html
        for item in browser.items.values():
            choices = item.choices if item.style == "multiple_choice" else []
            for spoiler in (item.prompt, item.solution, item.evidence, *choices):
                assert escape(spoiler) not in html, spoiler
    count = len(browser.items)
    pattern = "".join("🟩" if n % 2 == 0 else "🟥" for n in range(count))
    assert text == (
        f"quizapp - {QUIZ_TITLE(browser)}: {attempt.correct}/{count}, "
        f"{attempt.score:,} points, rank 1 {pattern} {url}"
    )


def QUIZ_TITLE(browser) -> str:  # noqa: N802 - reads like the constant it stands for
    page = browser.client.get(f"/quizzes/{QUIZ}").get_data(as_text=True)
    return unescape(re.search(r"<h1>([^<]+)</h1>", page).group(1))


def test_the_private_review_stays_private(browser, app, session):
    attempt_id, url, _text = finish(browser, right_answer)
    review = f"/attempts/{attempt_id}/results"
    stranger = another_browser(app, session, "Nosy Neighbour")

    assert app.test_client().get(review).status_code == 302  # asks for a nickname
    assert stranger.client.get(review).status_code == 403
    assert browser.client.get(review).status_code == 200


def tampered_signature(token: str) -> str:
    """``token`` with its signature's first character changed: each of its bits is signature
    (the last character's low bits are padding a decoder ignores)."""
    payload, _, signature = token.rpartition(".")
    return f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def test_the_address_cannot_be_guessed_or_forged(browser, app, session):
    attempt_id, url, _text = finish(browser, right_answer)
    token = url.rsplit("/", 1)[1]
    client = app.test_client()
    forged = share.share_token("not the app's secret", attempt_id)
    other_salt = share.URLSafeSerializer(app.config["SECRET_KEY"]).dumps(attempt_id)
    next_one = share.share_token(app.config["SECRET_KEY"], attempt_id + 1)

    assert token != str(attempt_id) and str(attempt_id) not in url.split("/shared/")[0]
    assert client.get(f"/shared/{token}").status_code == 200
    for bad in (
        forged,
        other_salt,
        tampered_signature(token),
        "1",
        "x" * 500,
    ):
        response = client.get(f"/shared/{bad}")
        assert response.status_code == 404, bad
        assert "no shared result" in response.get_data(as_text=True)
    # A validly signed id of an attempt that does not exist (or is not finished) is no page.
    assert client.get(f"/shared/{next_one}").status_code == 404


def test_an_unfinished_attempt_has_no_shared_page(browser, app):
    attempt_id = browser.start(QUIZ)
    token = share.share_token(app.config["SECRET_KEY"], attempt_id)

    assert app.test_client().get(f"/shared/{token}").status_code == 404


def test_an_attempt_that_is_not_on_the_board_says_it_is_not_ranked(browser, app):
    _first, _url, _text = finish(browser, right_answer)
    _second, url, text = finish(browser, wrong_answer)

    html = app.test_client().get(url.removeprefix("http://localhost")).get_data(as_text=True)

    assert "not ranked" in html and "practice or not ranked" in html
    assert "#1</strong>" not in html
    assert ", not ranked " in text


def test_the_api_summary_carries_the_share_url_once_finished(client, app, faker, bank):  # noqa: F811
    player = make_player(client, faker)
    quiz_id = client.get(f"{API}/quizzes").json["quizzes"][0]["id"]
    other = make_player(client, faker)
    unfinished = client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=other.headers)
    before = client.get(f"{API}/attempts/{unfinished.json['attempt_id']}", headers=other.headers)
    attempt_id = play_through(client, app, player, quiz_id, right=1)

    summary = client.get(f"{API}/attempts/{attempt_id}", headers=player.headers).json

    assert before.json["share_url"] is None
    assert summary["share_url"].startswith("http://localhost/shared/")
    shared = app.test_client().get(summary["share_url"].removeprefix("http://localhost"))
    assert shared.status_code == 200 and player.nickname in shared.get_data(as_text=True)


def test_the_favicon_answers_at_both_addresses(client, loaded):  # noqa: F811
    home = client.get("/").get_data(as_text=True)
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', home).group(1)

    for path in (link, "/favicon.ico"):
        with client.get(path) as response:
            assert response.status_code == 200, path
            assert response.mimetype == "image/svg+xml" and b"<svg" in response.data


@pytest.mark.parametrize("path", ["/", "/attempts/{attempt_id}/questions/1"])
def test_the_home_and_feedback_pages_have_a_level_one_heading(browser, path):
    attempt_id = browser.start(QUIZ)
    page, item = browser.question(attempt_id)
    browser.answer(attempt_id, item, right_answer(item))

    html = browser.client.get(path.format(attempt_id=attempt_id)).get_data(as_text=True)

    assert len(re.findall(r"<h1[ >]", html)) == 1


def test_the_answer_keys_hint_is_hidden_until_the_script_shows_it(browser):
    attempt_id = browser.start(QUIZ)
    while True:
        page, item = browser.question(attempt_id)
        if item.style != "typed":
            break
        browser.answer(attempt_id, item, "")

    assert re.search(r'<p class="hint keys" data-js-only hidden>Keys ', page)
