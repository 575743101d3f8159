"""The OpenAPI document: generated from the very models that validate the API's requests."""

import pytest

from quizapp.api import schemas
from quizapp.api.openapi import BEARER_SCHEME
from quizapp.game import ranking
from quizapp.game.play import ReviewItem

API = "/api/v1"
ANSWERS = "/api/v1/attempts/{attempt_id}/answers"
OPERATIONS = {  # (path, method): (request body model, success status, success model)
    ("/api/v1/players", "post"): (schemas.PlayerCreate, "201", schemas.PlayerCreated),
    ("/api/v1/quizzes", "get"): (None, "200", schemas.QuizList),
    ("/api/v1/quizzes/{quiz_id}/attempts", "post"): (None, "201", schemas.AttemptCreated),
    ("/api/v1/attempts/{attempt_id}/question", "get"): (None, "200", schemas.QuestionServed),
    (ANSWERS, "post"): (schemas.AnswerCreate, "200", schemas.AnswerResult),
    ("/api/v1/attempts/{attempt_id}", "get"): (None, "200", schemas.AttemptPublic),
    ("/api/v1/leaderboard", "get"): (None, "200", schemas.Leaderboard),
}
NEEDS_TOKEN = {path for path, _method in OPERATIONS if "/attempts" in path}


@pytest.fixture
def doc(client) -> dict:
    """The document as a client downloads it."""
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


def ref(model: type) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def json_schema(content: dict) -> dict:
    return content["content"]["application/json"]["schema"]


def test_it_is_an_openapi_3_document(doc):
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert "403" in doc["info"]["description"]


def test_every_endpoint_is_there_with_its_method(doc):
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}

    assert set(OPERATIONS) | {("/api/v1/openapi.json", "get")} == documented


def test_operation_ids_are_unique_names(doc):
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]

    assert len(ids) == len(set(ids))
    assert all(op_id.isidentifier() for op_id in ids)


@pytest.mark.parametrize(("path", "method"), list(OPERATIONS))
def test_bodies_and_responses_are_the_validating_models(doc, path, method):
    body_model, ok_status, ok_model = OPERATIONS[(path, method)]
    operation = doc["paths"][path][method]

    if body_model is None:
        assert "requestBody" not in operation
    else:
        assert json_schema(operation["requestBody"]) == ref(body_model)
    assert json_schema(operation["responses"][ok_status]) == ref(ok_model)
    for status, response in operation["responses"].items():
        if status.startswith("4"):
            assert json_schema(response) == ref(schemas.ErrorResponse)


@pytest.mark.parametrize(
    "model",
    [schemas.PlayerCreate, schemas.AnswerCreate, schemas.AttemptCreated, schemas.QuizPublic],
)
def test_component_schemas_are_generated_from_the_models(doc, model):
    expected = model.model_json_schema(ref_template="#/components/schemas/{model}")
    expected.pop("$defs", None)

    assert doc["components"]["schemas"][model.__name__] == expected


RESPONSE_MODELS = [
    schemas.AnswerResult,
    schemas.AttemptPublic,
    schemas.AnsweredQuestion,
    schemas.Source,
    schemas.QuestionPublic,
    schemas.StandingPublic,
]


@pytest.mark.parametrize("model", RESPONSE_MODELS, ids=lambda model: model.__name__)
def test_response_schemas_are_what_the_models_write(doc, model):
    # Read off the game's results by other names (validation aliases); the JSON, and so the
    # document, has the API's names.
    expected = model.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )
    expected.pop("$defs", None)

    assert doc["components"]["schemas"][model.__name__] == expected


def test_an_answered_question_has_the_api_names_in_order(doc):
    # AnsweredQuestion is built from the game's ReviewItem: a field added there shows here,
    # and this test says so. The model's order is the JSON's; the document sorts its keys.
    schema = doc["components"]["schemas"]["AnsweredQuestion"]

    assert list(schemas.AnsweredQuestion.model_fields) == [
        "position",
        "prompt",
        "style",
        "given",
        "correct",
        "late",
        "timed_out",
        "points",
        "correct_answer",
        "source",
    ]
    assert (
        set(schema["required"])
        == set(schema["properties"])
        == set(schemas.AnsweredQuestion.model_fields)
    )
    assert schema["properties"]["source"] == ref(schemas.Source)
    assert schema["description"].startswith("One answered question")
    assert set(doc["components"]["schemas"]["Source"]["properties"]) == {"article", "sentence"}
    attempt = doc["components"]["schemas"]["AttemptPublic"]["properties"]
    assert "id" in attempt and "attempt_id" not in attempt
    assert attempt["answers"]["items"] == ref(schemas.AnsweredQuestion)
    # The public result page's address, null until the attempt is finished.
    share_url = attempt["share_url"]
    assert {"type": "string"} in share_url["anyOf"] and {"type": "null"} in share_url["anyOf"]
    assert "spoiler-free" in share_url["description"]


def test_domain_fields_refuse_a_name_the_dataclass_lacks():
    with pytest.raises(ValueError, match="ReviewItem has no field article"):
        schemas.domain_fields(ReviewItem, leave_out=("article", "evidence"))


def test_request_bodies_refuse_unknown_fields(doc):
    for model in (schemas.PlayerCreate, schemas.AnswerCreate):
        schema = doc["components"]["schemas"][model.__name__]
        assert schema["additionalProperties"] is False
    answer = doc["components"]["schemas"]["AnswerCreate"]
    assert answer["required"] == ["question_id", "answer"]
    assert answer["properties"]["answer"]["type"] == "string"


def test_the_leaderboard_query_is_documented_from_its_model(doc):
    parameters = {p["name"]: p for p in doc["paths"]["/api/v1/leaderboard"]["get"]["parameters"]}

    assert set(parameters) == {"quiz", "period", "limit"}
    assert all(p["in"] == "query" and not p["required"] for p in parameters.values())
    assert parameters["period"]["schema"]["enum"] == list(ranking.PERIODS)
    assert (parameters["limit"]["schema"]["minimum"], parameters["limit"]["schema"]["maximum"]) == (
        1,
        100,
    )


def test_the_bearer_scheme_guards_the_attempts(doc):
    assert doc["components"]["securitySchemes"][BEARER_SCHEME] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The token POST /players returned.",
    }
    for (path, method), _models in OPERATIONS.items():
        security = doc["paths"][path][method].get("security", [])
        if path in NEEDS_TOKEN:
            assert security == [{BEARER_SCHEME: []}], path
            assert "401" in doc["paths"][path][method]["responses"]
    leaderboard = doc["paths"]["/api/v1/leaderboard"]["get"]["security"]
    assert leaderboard == [{}, {BEARER_SCHEME: []}]  # optional
    assert doc["paths"]["/api/v1/players"]["post"].get("security", []) == []


def test_every_reference_resolves(doc):
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = set(refs(doc))
    assert found
    for target in found:
        prefix, _, name = target.rpartition("/")
        assert prefix == "#/components/schemas"
        assert name in doc["components"]["schemas"], target


def test_path_parameters_are_declared(doc):
    for path, item in doc["paths"].items():
        for operation in item.values():
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == {part[1:-1] for part in path.split("/") if part.startswith("{")}


def test_the_browser_pages_are_not_in_it(doc):
    assert all(path.startswith("/api/v1/") for path in doc["paths"])


def test_attempts_say_whether_they_are_ranked_and_a_resume_is_200(doc):
    start = doc["paths"]["/api/v1/quizzes/{quiz_id}/attempts"]["post"]
    schemas_ = doc["components"]["schemas"]

    assert json_schema(start["responses"]["200"]) == ref(schemas.AttemptCreated)
    assert json_schema(start["responses"]["201"]) == ref(schemas.AttemptCreated)
    assert "429" in start["responses"] and "starting again answers 200" in start["description"]
    for name in ("AttemptCreated", "AttemptPublic"):
        ranked = schemas_[name]["properties"]["ranked"]
        assert ranked["type"] == "boolean" and "practice" in ranked["description"]
        assert "ranked" in schemas_[name]["required"]
    assert "First attempts only" in schemas_["Leaderboard"]["description"]
    assert "First attempts only" in doc["paths"]["/api/v1/leaderboard"]["get"]["description"]
