"""Ranked play as players see it: resume on the quiz page and over the API, practice on the
results, "First attempts only" on the boards, and the start limit."""

from tests.test_security import (
    API,
    Visitor,
    api_answer,
    api_player,
    assert_json_429,
    bearer,
    first_quiz,
    play_quiz,
)


def test_api_start_resumes_the_open_attempt_with_200(bundled_app):
    client = bundled_app.test_client()
    quiz_id = first_quiz(client)
    player = api_player(client, "Two Tabs")

    first = client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=bearer(player))
    assert api_answer(client, player, first.get_json()["attempt_id"]).status_code == 200
    again = client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=bearer(player))

    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["ranked"] is True and first.get_json()["resumed"] is False
    assert again.get_json()["attempt_id"] == first.get_json()["attempt_id"]
    assert again.get_json()["resumed"] is True and again.get_json()["position"] == 1


def test_api_replay_is_practice_and_says_so(bundled_app):
    client = bundled_app.test_client()
    quiz_id = first_quiz(client)
    player = api_player(client, "Replayer")
    ids = []
    for _ in range(2):
        started = client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=bearer(player))
        assert started.status_code == 201
        ids.append(started.get_json()["attempt_id"])
        while api_answer(client, player, ids[-1]).get_json()["finished"] is False:
            pass

    ranked, practice = (
        client.get(f"{API}/attempts/{attempt_id}", headers=bearer(player)).get_json()
        for attempt_id in ids
    )
    board = client.get(f"{API}/leaderboard", query_string={"quiz": quiz_id}).get_json()

    assert (ranked["ranked"], ranked["board"], ranked["rank"]) == (True, "ranked", 1)
    assert (practice["ranked"], practice["board"], practice["rank"]) == (False, "practice", None)
    assert board["total"] == 1 and board["entries"][0]["score"] == ranked["score"]


def test_api_starts_are_limited_per_player(bundled_app):
    bundled_app.config["START_RATE_LIMIT"] = "2 per minute"
    client = bundled_app.test_client()
    quizzes = [q["id"] for q in client.get(f"{API}/quizzes").get_json()["quizzes"]][:3]
    ann, bob = api_player(client, "Ann Starts"), api_player(client, "Bob Starts")

    codes = [
        client.post(f"{API}/quizzes/{quiz_id}/attempts", headers=bearer(ann)).status_code
        for quiz_id in quizzes
    ]
    refused = client.post(f"{API}/quizzes/{quizzes[0]}/attempts", headers=bearer(ann))
    # Bob starts from the same address: his starts are his own count.
    bobs = client.post(f"{API}/quizzes/{quizzes[0]}/attempts", headers=bearer(bob))

    assert codes == [201, 201, 429] and bobs.status_code == 201
    assert_json_429(refused)
    assert "too many quizzes started" in refused.get_json()["error"]["message"]


def test_web_starts_are_limited_with_a_friendly_page(bundled_app):
    bundled_app.config["START_RATE_LIMIT"] = "1 per minute"
    visitor = Visitor(bundled_app.test_client())
    visitor.post("/player", nickname="Eager Starter")
    quiz_id = first_quiz(visitor.client)

    responses = [visitor.post(f"/quizzes/{quiz_id}/start") for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 429]
    assert "Too many quizzes started in a short time" in responses[1].get_data(as_text=True)
    assert int(responses[1].headers["Retry-After"]) > 0


def test_quiz_page_offers_resume_then_practice(bundled_app):
    visitor = Visitor(bundled_app.test_client())
    visitor.post("/player", nickname="Resumer")
    quiz_id = first_quiz(visitor.client)

    fresh = visitor.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    started = visitor.post(f"/quizzes/{quiz_id}/start")
    visitor.get(started.headers["Location"])  # the first question, served
    resume = visitor.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    again = visitor.post(f"/quizzes/{quiz_id}/start")

    assert "Start the quiz" in fresh and "first attempt is the ranked one" in fresh
    assert "Resume: question 1 of " in resume
    assert again.headers["Location"] == started.headers["Location"]


def test_home_page_offers_resume_where_an_attempt_is_open(bundled_app):
    visitor = Visitor(bundled_app.test_client())
    visitor.post("/player", nickname="Home Resumer")
    quiz_id = first_quiz(visitor.client)
    started = visitor.post(f"/quizzes/{quiz_id}/start")
    visitor.get(started.headers["Location"])  # the first question, served

    home = visitor.get("/").get_data(as_text=True)
    card = home[home.index(f'action="/quizzes/{quiz_id}/start"') :].split("</form>")[0]

    assert "Resume: question 1 of " in card
    assert home.count("Resume: question") == 1  # the other quizzes still say Play


def test_results_of_a_replay_say_practice_and_boards_say_first_attempts_only(bundled_app):
    visitor = Visitor(bundled_app.test_client())
    visitor.post("/player", nickname="Practiser")
    quiz_id = first_quiz(visitor.client)
    first = play_quiz(visitor, quiz_id)
    replay = play_quiz(visitor, quiz_id)

    ranked = visitor.get(f"/attempts/{first}/results").get_data(as_text=True)
    practice = visitor.get(f"/attempts/{replay}/results").get_data(as_text=True)
    quiz_page = visitor.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    board = visitor.get(f"/leaderboards/{quiz_id}").get_data(as_text=True)
    overall = visitor.get("/leaderboards").get_data(as_text=True)

    assert "Practice - not on the board" not in ranked and "#1" in ranked
    assert "Practice - not on the board" in practice
    assert "Play again for practice" in quiz_page
    assert "First attempts only" in board and "First attempts only" in overall
