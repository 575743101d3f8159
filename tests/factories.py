"""Small make_* builders for question banks written to disk and editors.

Each test builds the data it needs with them (docs/architecture.md, "Tests"). Random values
come from the seeded ``faker`` fixture passed in, never from import time.
"""

import copy
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session

from quizapp.models import Editor

# Every made editor's password unless told otherwise: tests log in with it.
EDITOR_PASSWORD = "correct horse battery"


def make_entity(faker, **overrides: Any) -> dict[str, Any]:
    """An entity record; a person with a Faker name unless told otherwise."""
    name = overrides.pop("name", None) or faker.unique.name()
    entity = {"id": slug(name), "name": name, "type": "person", "aliases": []}
    entity.update(overrides)
    return entity


def make_article(faker, sentences: list[str], **overrides: Any) -> dict[str, Any]:
    """An article whose text holds ``sentences`` among some filler."""
    title = overrides.pop("title", None) or faker.sentence(nb_words=5).rstrip(".")
    filler = faker.paragraph(nb_sentences=3)
    article = {
        "id": slug(title)[:40].strip("-"),
        "title": title,
        "date": "2011-08-29",
        "source": "MTV News",
        "event": "show-2011",
        "text": f"{title}\n\n{filler}\n\n" + " ".join(sentences) + "\n",
    }
    article.update(overrides)
    return article


def make_fact(**overrides: Any) -> dict[str, Any]:
    """A fact record; callers give at least id, article, roles and evidence."""
    fact = {"kind": "award_win"}
    fact.update(overrides)
    return fact


def make_template(**overrides: Any) -> dict[str, Any]:
    """A published multiple-choice award template unless told otherwise."""
    template = {
        "id": "award-win-winner-mc",
        "kind": "award_win",
        "style": "multiple_choice",
        "prompt": "Who won {award} at the {event}?",
        "answer": "winner",
    }
    template.update(overrides)
    return template


KINDS: dict[str, Any] = {
    "award_win": {
        "description": "Someone won an award at an event.",
        "roles": {
            "winner": {"type": ["person", "group"]},
            "award": {"type": "award"},
            "event": {"type": "event"},
            "presenter": {"type": "person", "optional": True},
        },
    },
    "caught": {
        "description": "People caught someone who fell.",
        "roles": {
            "catchers": {"type": "person", "many": True},
            "caught": {"type": "person"},
            "event": {"type": "event"},
        },
    },
    "edition": {
        "description": "Which edition of a show an event was.",
        "roles": {"event": {"type": "event"}, "number": {"type": "number"}},
    },
}


def make_small_bank(faker) -> dict[str, Any]:
    """A complete, valid bank: six people, four awards, one show, one article, four facts."""
    people = [make_entity(faker) for _ in range(6)]
    awards = [
        make_entity(faker, name=name, type="award")
        for name in ("Video of the Year", "Best New Artist", "Best Pop Video", "Best Rock Video")
    ]
    show = make_entity(faker, name="2011 Music Awards", type="event", id="show-2011")
    a, b, c, d, e, f = (p["name"] for p in people)
    sentences = [
        f"{a} won Video of the Year, handed over by {f}.",
        f"{b} took Best New Artist.",
        f"{c} and {d} caught {e} when he fell off the stage.",
        "The 28th annual show was a blast.",
    ]
    article = make_article(faker, sentences)
    facts = [
        make_fact(
            id="f-video",
            article=article["id"],
            roles={
                "winner": people[0]["id"],
                "award": awards[0]["id"],
                "event": "show-2011",
                "presenter": people[5]["id"],
            },
            evidence=sentences[0],
        ),
        make_fact(
            id="f-new-artist",
            article=article["id"],
            roles={"winner": people[1]["id"], "award": awards[1]["id"], "event": "show-2011"},
            evidence=sentences[1],
        ),
        make_fact(
            id="f-caught",
            kind="caught",
            article=article["id"],
            roles={
                "catchers": [people[2]["id"], people[3]["id"]],
                "caught": people[4]["id"],
                "event": "show-2011",
            },
            evidence=sentences[2],
        ),
        make_fact(
            id="f-edition",
            kind="edition",
            article=article["id"],
            roles={"event": "show-2011", "number": 28},
            evidence=sentences[3],
        ),
    ]
    templates = [
        make_template(),
        make_template(
            id="award-win-winner-tf",
            style="true_false",
            prompt="{winner} won {award} at the {event}.",
        ),
        make_template(id="award-win-winner-typed", style="typed"),
        make_template(
            id="caught-mc",
            kind="caught",
            prompt="Who caught {caught} at the {event}?",
            answer="catchers",
        ),
        make_template(
            id="caught-typed",
            kind="caught",
            style="typed",
            prompt="Which two stars caught {caught} at the {event}?",
            answer="catchers",
        ),
        make_template(
            id="edition-mc",
            kind="edition",
            prompt="Which edition of the show was the {event}?",
            answer="number",
        ),
    ]
    return {
        "kinds": copy.deepcopy(KINDS),
        "entities": people + awards + [show],
        "articles": [article],
        "facts": facts,
        "templates": templates,
    }


def write_bank(root: Path, bank: dict[str, Any]) -> Path:
    """Write ``bank`` (as make_small_bank returns it) as bank files under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("entities", "articles", "facts", "templates"):
        (root / folder).mkdir(exist_ok=True)
    _dump(root / "kinds.yaml", bank["kinds"])
    _dump(root / "entities" / "all.yaml", bank["entities"])
    _dump(root / "facts" / "all.yaml", bank["facts"])
    _dump(root / "templates" / "all.yaml", bank["templates"])
    for article in bank["articles"]:
        header = {k: v for k, v in article.items() if k != "text"}
        body = "---\n" + yaml.safe_dump(header, sort_keys=False, allow_unicode=True) + "---\n"
        (root / "articles" / f"{article['id']}.txt").write_text(
            body + article["text"], encoding="utf-8"
        )
    return root


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def slug(text: str) -> str:
    """A bank id for ``text``."""
    cleaned = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in cleaned.split("-") if part)


def make_editor(session: Session, faker, **overrides: Any) -> Editor:
    """An editor, committed: a Faker user name, EDITOR_PASSWORD, role "editor", active.

    ``name``, ``password``, ``role`` and ``active`` can be given.
    """
    from quizapp.workspace.accounts import create_editor

    editor = create_editor(
        session,
        name=overrides.pop("name", None) or faker.unique.user_name(),
        password=overrides.pop("password", EDITOR_PASSWORD),
        role=overrides.pop("role", "editor"),
    )
    editor.active = overrides.pop("active", True)
    if overrides:
        raise TypeError(f"make_editor() got unexpected fields: {sorted(overrides)}")
    session.commit()
    session.refresh(editor)
    return editor


MIXED_STYLES = ("multiple_choice", "true_false", "typed")


def make_mixed_quiz(
    session: Session,
    *,
    title: str = "Every style",
    styles: tuple[str, ...] = MIXED_STYLES,
    count: int = 10,
) -> str:
    """Publish a quiz of ``count`` of the database's questions whose styles follow ``styles``
    in turn, one per fact; its id.

    For tests that need a quiz of a known shape: the daily mix is a different one each day, and
    which styles it holds is up to the day.
    """
    from sqlmodel import select

    from quizapp.game.quizzes import create_quiz
    from quizapp.models import Question

    by_style: dict[str, list[Question]] = {style: [] for style in styles}
    for question in session.exec(select(Question).order_by(Question.id)):
        if question.style in by_style:
            by_style[question.style].append(question)
    picked: list[str] = []
    facts: set[str] = set()
    for position in range(count):
        style = styles[position % len(styles)]
        question = next(q for q in by_style[style] if q.fact_id not in facts)
        facts.add(question.fact_id)
        picked.append(question.id)
    quiz = create_quiz(
        session,
        editor_id=None,
        title=title,
        scope="list",
        question_ids=picked,
        publish=True,
    )
    return quiz.id


AWARD_TEMPLATES: dict[str, dict[str, Any]] = {
    "typed": make_template(id="award-win-winner-typed", style="typed"),
    "multiple_choice": make_template(),
    "true_false": make_template(
        id="award-win-winner-tf", style="true_false", prompt="{winner} won {award} at the {event}."
    ),
}


def make_award_bank(
    faker, awards: int = 6, *, styles: tuple[str, ...] = ("typed",), people: int = 12
) -> dict[str, Any]:
    """A valid bank of ``awards`` award wins at one show, one article, one fact per award
    (``f-award-0``, ``f-award-1``, ...; winner ``people[i]``, award ``awards[i]``, evidence
    "<winner> won <award>."), and the award templates of ``styles``, for building quizzes.

    Every winner is a different person, so no question names another's answer unless a test
    says so: `add_award_fact` adds facts whose sentences do.
    """
    persons = [make_entity(faker) for _ in range(max(people, awards))]
    prizes = [
        make_entity(faker, name=f"Best {faker.unique.word().title()} Prize", type="award")
        for _ in range(awards)
    ]
    show = make_entity(faker, name="2011 Music Awards", type="event", id="show-2011")
    article = make_article(faker, [], id="award-night", title="Award night")
    kinds = copy.deepcopy(KINDS)
    # One winner per prize and show: what makes a swapped winner a provably false statement.
    kinds["award_win"]["unique_given"] = {"winner": ["award", "event"]}
    bank = {
        "kinds": kinds,
        "entities": persons + prizes + [show],
        "articles": [article],
        "facts": [],
        "templates": [copy.deepcopy(AWARD_TEMPLATES[style]) for style in styles],
    }
    for n, (person, prize) in enumerate(zip(persons, prizes, strict=False)):
        sentence = f"{person['name']} won {prize['name']}."
        add_award_fact(bank, f"f-award-{n}", person["id"], prize["id"], sentence)
    return bank


def add_award_fact(
    bank: dict[str, Any],
    fact_id: str,
    winner: str,
    award: str,
    sentence: str,
    *,
    presenter: str | None = None,
) -> dict[str, Any]:
    """Add an award win at show-2011 to the bank's first article, with ``sentence`` (put in
    the article's text) as its evidence; the fact."""
    bank["articles"][0]["text"] += sentence + "\n"
    roles = {"winner": winner, "award": award, "event": "show-2011"}
    if presenter:
        roles["presenter"] = presenter
    fact = make_fact(id=fact_id, article=bank["articles"][0]["id"], roles=roles, evidence=sentence)
    bank["facts"].append(fact)
    return fact


def entity_named(bank: dict[str, Any], entity_id: str) -> str:
    """The name of the bank's entity ``entity_id``."""
    return next(e["name"] for e in bank["entities"] if e["id"] == entity_id)


def make_playable_bank(faker, extra_awards: int = 5) -> dict[str, Any]:
    """The small bank (`make_small_bank`) and ``extra_awards`` more award wins in its
    article, each a new winner and a new prize, with a few more people to pick wrong answers
    from: enough facts (MIN_FACTS) for its article, its event (``event-show-2011``) and the
    daily mix to be quizzes of every style."""
    bank = make_small_bank(faker)
    bank["entities"] += [make_entity(faker) for _ in range(6)]
    for n in range(extra_awards):
        winner = make_entity(faker)
        prize = make_entity(faker, name=f"Best {faker.unique.word().title()} Award", type="award")
        bank["entities"] += [winner, prize]
        sentence = f"{winner['name']} collected {prize['name']}."
        add_award_fact(bank, f"f-prize-{n}", winner["id"], prize["id"], sentence)
    return bank
