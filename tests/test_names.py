"""Short forms from the whole bank (quizapp/bank/names.py) and the generator that adds them."""

from dataclasses import dataclass

import pytest

from quizapp.bank.names import candidate_forms, names_like, short_forms
from quizapp.game.grading import grade_answer, match_answer
from quizapp.questions.generation import (
    ArticleInfo,
    BankSnapshot,
    EntityInfo,
    FactInfo,
    RoleInfo,
    TemplateInfo,
    generate,
)


@dataclass(frozen=True)
class E:
    id: str
    name: str
    type: str = "person"
    aliases: tuple[str, ...] = ()


@pytest.mark.parametrize(
    ("name", "entity_type", "forms"),
    [
        ("Brian May", "person", ["May"]),
        ("Beyoncé Knowles", "person", ["Knowles"]),
        ("Jo Calderone", "character", ["Calderone"]),
        ("Foo Fighters", "group", []),  # a title: "Fighters" names nothing
        ("Jay Z", "person", []),  # too short
        ("Tyler the Creator", "person", []),  # not a first name and a surname
        ("Tyler, the Creator", "person", ["Tyler"]),
        ("Lady Gaga's entourage", "group", ["entourage"]),
        ("The Kill (Bury Me)", "song", ["The Kill"]),
        ("Cher", "person", []),
    ],
)
def test_candidate_forms(name, entity_type, forms) -> None:
    assert candidate_forms(name, entity_type) == forms


def test_a_surname_no_one_else_has_is_a_short_form() -> None:
    bank = [E("brian-may", "Brian May"), E("cher", "Cher"), E("queen", "Queen", "group")]

    assert short_forms(bank) == {"brian-may": ("May",)}


def test_a_shared_surname_is_nobodys() -> None:
    bank = [E("brian-may", "Brian May"), E("theresa-may", "Theresa May")]

    assert short_forms(bank) == {}


def test_a_short_form_inside_another_entitys_name_is_nobodys() -> None:
    # "Nicole" is Deena Nicole's surname and Nicole Polizzi's first name.
    bank = [
        E("deena", "Deena Cortese", aliases=("Deena Nicole",)),
        E("snooki", "Snooki", aliases=("Nicole Polizzi",)),
        E("show", "May Day", "show"),
        E("brian-may", "Brian May"),
    ]

    assert short_forms(bank) == {"deena": ("Cortese",), "snooki": ("Polizzi",)}


def test_a_short_form_that_is_already_an_alias_is_not_repeated() -> None:
    assert short_forms([E("grohl", "Dave Grohl", aliases=("Grohl",))]) == {}


def test_names_like_keeps_the_answers_own_types() -> None:
    bank = [
        E("la", "Los Angeles", "city", ("LA",)),
        E("vegas", "Las Vegas", "city"),
        E("nokia", "Nokia Theatre", "venue"),
    ]

    assert names_like(bank, [["Los Angeles"]]) == ["Los Angeles", "LA", "Las Vegas"]
    assert names_like(bank, [["Nokia Theatre"]]) == ["Nokia Theatre"]
    assert len(names_like(bank, [["28"]])) == 4  # no entity: every name counts


def _bank(*people: tuple[str, str]) -> BankSnapshot:
    entities = {i: EntityInfo(i, name, "person") for i, name in people}
    entities["queen"] = EntityInfo("queen", "Queen", "group")
    return BankSnapshot(
        kinds={"band_member": {"member": RoleInfo(("person",)), "band": RoleInfo(("group",))}},
        entities=entities,
        articles={"a": ArticleInfo("a", "An article")},
        facts=[FactInfo("f", "band_member", "a", {"member": people[0][0], "band": "queen"}, "…")],
        templates=[
            TemplateInfo("t", "band_member", "typed", "Who plays guitar in {band}?", "member")
        ],
    )


def test_the_generator_accepts_a_unique_surname() -> None:
    (question,) = generate(_bank(("brian-may", "Brian May"), ("cher", "Cher")), 1)

    assert question.accepted == [["Brian May", "May"]]
    assert grade_answer("typed", question.accepted, "may").correct


def test_the_generator_leaves_out_a_surname_another_entity_shares() -> None:
    (question,) = generate(_bank(("brian-may", "Brian May"), ("theresa-may", "Theresa May")), 1)

    assert question.accepted == [["Brian May"]]
    assert not match_answer(question.accepted, "May").correct


@pytest.mark.parametrize(
    "text",
    [
        "Brian May",
        "Guns N' Roses",
        "Tyler, the Creator",
        "AC/DC",
        "Simon & Garfunkel",
        "  JAY-Z!! ",
        "M.I.A.",
        "The Kill (Bury Me)",
        "Lady Gaga's entourage",
        "Beyoncé",
        "Røyksopp",
        "`quoted`",
        "",
    ],
)
def test_fast_fold_is_fold(text) -> None:
    from quizapp.bank.names import fast_fold
    from quizapp.core.text import fold

    assert fast_fold(text) == fold(text)


def test_near_answer_keeps_only_the_names_that_can_matter() -> None:
    from quizapp.bank.names import near_answer

    bank = ["Snooki", "Snooky", "Las Vegas", "Kid Rock", "Madonna", "Britney Spears"]

    assert near_answer(bank, "Snookie") == ["Snooki", "Snooky"]
    assert near_answer(bank, "Los Angeles, Las Vegos") == ["Las Vegas"]
    assert near_answer(bank, "Kid Cudy") == ["Kid Rock"]
    assert near_answer(bank, "28th") == []
