"""Benchmark: the question browser's list (/editor/questions) at a million questions.

Seeds a fresh database directly with SQLAlchemy Core bulk inserts (``make_engine`` +
``create_schema``, no generator: what is timed is reading, not making, questions): kinds,
entities, articles, facts with two entity roles each and their ``fact_entity`` rows,
templates, ``--questions-per-fact`` questions per fact with prompts of random words, 1% of
facts waiting for review, and quizzes with answered attempts so that the statistics query has
work. Then, for each case (no filter, a deep page, each filter, a common and a rare search, a
combination), it times ``get_question_page`` plus ``answer_summaries`` for that page, as one
request of the browser does, and prints the median of ``--repeat`` runs in ms.

    .venv/bin/python bench/question_browser.py [--facts 100000] [--questions-per-fact 10]
        [--database URL] [--repeat 5] [--keep FILE]

``--keep FILE`` keeps the SQLite database. A database that has the tables already (a kept
file, or the PostgreSQL database of an earlier run) is measured again without seeding:
seeding a million questions takes a few minutes. PostgreSQL is ANALYZEd first, as
autovacuum would after a bulk load.

``--database`` takes a PostgreSQL database (postgresql+psycopg://...); the default is
a fresh SQLite file. It always exits 0: it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine_info import hardware, load_average, runtime  # bench/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, insert, inspect  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from quizapp.core.database import create_schema, make_engine  # noqa: E402
from quizapp.game.feedback import answer_summaries  # noqa: E402
from quizapp.models import (  # noqa: E402
    STYLES,
    Article,
    Attempt,
    AttemptAnswer,
    Entity,
    Fact,
    FactEntity,
    FactKind,
    Player,
    Question,
    Quiz,
    QuizItem,
    Template,
    table_of,
)
from quizapp.questions.browse import COUNT_CAP, QuestionFilters, get_question_page  # noqa: E402

KINDS = ("award_win", "performed_with", "met", "wore", "said", "presented")
WORDS = (
    "award video year song stage night album tour star band show music fan dress "
    "performer winner singer host record crowd festival chart ballad encore"
).split()
RARE = "zephyrine"  # one word in about one prompt in ten thousand
CHUNK = 20_000
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _bulk(engine: Engine, model: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(table_of(model)), rows[start : start + CHUNK])


def seed(engine: Engine, facts: int, per_fact: int, rng: random.Random) -> dict[str, Any]:
    """Fill the database; return what the cases filter on."""
    create_schema(engine)
    entities = max(1000, facts // 5)
    articles = max(100, facts // 10)
    _bulk(engine, FactKind, [{"name": k, "roles": {}} for k in KINDS])
    names = [
        f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {n}" for n in range(entities)
    ]
    _bulk(
        engine,
        Entity,
        [
            {"id": f"e{n}", "name": names[n], "type": "person", "aliases": []}
            for n in range(entities)
        ],
    )
    _bulk(
        engine,
        Article,
        [
            {
                "id": f"a{n}",
                "title": f"Article {n}",
                "date": dt.date(2020, 1, 1) + dt.timedelta(days=n % 2000),
                "source": "bench",
                "text": "",
            }
            for n in range(articles)
        ],
    )
    templates = [
        {
            "id": f"t{n}",
            "kind": KINDS[n % len(KINDS)],
            "style": STYLES[n % len(STYLES)],
            "prompt": "?",
            "answer_role": "subject" if (n // len(KINDS)) % 2 else "object",
            "requires": {},
        }
        for n in range(per_fact * len(KINDS))
    ]
    _bulk(engine, Template, templates)
    first: list[dict[str, Any]] = []  # the first questions, which the quizzes ask
    made = 0
    for block in range(0, facts, 2000):
        # A block at a time, facts before their questions: memory stays flat at any size.
        fact_rows, link_rows, question_rows = [], [], []
        for n in range(block, min(facts, block + 2000)):
            kind = KINDS[n % len(KINDS)]
            # A skewed choice: a few entities are in many facts, as stars are.
            subject, obj = (f"e{int(entities * rng.random() ** 3)}" for _ in range(2))
            if subject == obj:
                obj = f"e{(int(obj[1:]) + 1) % entities}"
            fact_id = f"f{n}"
            fact_rows.append(
                {
                    "id": fact_id,
                    "kind": kind,
                    "article_id": f"a{n % articles}",
                    "roles": {"subject": subject, "object": obj},
                    "evidence": " ".join(rng.choices(WORDS, k=20)),
                    "reviewed": rng.random() > 0.01,
                }
            )
            link_rows += [
                {"fact_id": fact_id, "role": "subject", "entity_id": subject},
                {"fact_id": fact_id, "role": "object", "entity_id": obj},
            ]
            fitting = [t for t in templates if t["kind"] == kind][:per_fact]
            for template in fitting:
                answer = subject if template["answer_role"] == "subject" else obj
                words = rng.choices(WORDS, k=12)
                if rng.random() < 0.0001:
                    words[3] = RARE
                question_rows.append(
                    {
                        "id": f"q-{n:07d}-{template['id']}",
                        "template_id": template["id"],
                        "fact_id": fact_id,
                        "article_id": f"a{n % articles}",
                        "style": template["style"],
                        "prompt": " ".join(words).capitalize() + "?",
                        "choices": [names[int(answer[1:])], "Other One", "Other Two"],
                        "answer": [names[int(answer[1:])]],
                        "accepted": [[names[int(answer[1:])]]],
                        "solution": names[int(answer[1:])],
                        "difficulty": round(rng.random(), 2),
                        "evidence": fact_rows[-1]["evidence"],
                    }
                )
        _bulk(engine, Fact, fact_rows)
        _bulk(engine, FactEntity, link_rows)
        _bulk(engine, Question, question_rows)
        made += len(question_rows)
        first += question_rows[: max(0, 2000 - len(first))]
    _seed_answers(engine, first, rng)
    return {
        "questions": made,
        "article": "a7",
        "entity": "e0",  # the most named
        "template": "t1",
        "kind": KINDS[2],
    }


def _seed_answers(engine: Engine, questions: list[dict[str, Any]], rng: random.Random) -> None:
    """200 quizzes of 10 questions from the first pages, each with 30 answered attempts."""
    _bulk(
        engine,
        Player,
        [
            {"id": p, "nickname": f"p{p}", "nickname_key": f"p{p}", "token_hash": f"h{p}"}
            for p in range(1, 31)
        ],
    )
    quizzes, items, attempts, answers = [], [], [], []
    for q in range(200):
        quiz_id = f"quiz{q}"
        quizzes.append(
            {
                "id": quiz_id,
                "title": quiz_id,
                "scope": "list",
                "scope_id": quiz_id,
                "question_count": 10,
            }
        )
        chosen = rng.sample(questions[:2000], 10)
        for pos, question in enumerate(chosen):
            items.append(
                {
                    key: question[key]
                    for key in (
                        "style",
                        "prompt",
                        "choices",
                        "answer",
                        "accepted",
                        "solution",
                        "difficulty",
                        "evidence",
                        "template_id",
                        "fact_id",
                        "article_id",
                    )
                }
                | {
                    "quiz_id": quiz_id,
                    "position": pos,
                    "question_id": question["id"],
                    "article_title": "x",
                }
            )
        for p in range(1, 31):
            attempt_id = q * 30 + p
            attempts.append(
                {
                    "id": attempt_id,
                    "quiz_id": quiz_id,
                    "player_id": p,
                    "seed": 1,
                    "position": 10,
                    "finished_at": T0,
                }
            )
            for pos, question in enumerate(chosen):
                ms = rng.randint(800, 20_000)
                answers.append(
                    {
                        "attempt_id": attempt_id,
                        "position": pos,
                        "question_id": question["id"],
                        "served_at": T0,
                        "answered_at": T0 + dt.timedelta(milliseconds=ms),
                        "given": "x",
                        "correct": rng.random() < 0.6,
                        "elapsed_ms": ms,
                    }
                )
    _bulk(engine, Quiz, quizzes)
    _bulk(engine, QuizItem, items)
    _bulk(engine, Attempt, attempts)
    _bulk(engine, AttemptAnswer, answers)


def cases(data: dict[str, Any]) -> dict[str, tuple[int, QuestionFilters]]:
    return {
        "no filter, page 1": (1, QuestionFilters()),
        "no filter, the last page the count cap allows": (-1, QuestionFilters()),
        "style": (1, QuestionFilters(style="typed")),
        "kind": (1, QuestionFilters(kind=data["kind"])),
        "template": (1, QuestionFilters(template=data["template"])),
        "article": (1, QuestionFilters(article=data["article"])),
        "entity, any role (the most named)": (1, QuestionFilters(entity=data["entity"])),
        "entity, as the answer": (1, QuestionFilters(answer_entity=data["entity"])),
        "status pending (1% of facts)": (1, QuestionFilters(status="pending")),
        "status live": (1, QuestionFilters(status="live")),
        "search, a common word": (1, QuestionFilters(search="Encore")),
        "search, a rare word": (1, QuestionFilters(search=RARE.upper())),
        "search, no match": (1, QuestionFilters(search="qqqzzzxx")),
        "kind + style + search": (
            1,
            QuestionFilters(kind=data["kind"], style="typed", search="stage"),
        ),
    }


def measure(engine: Engine, data: dict[str, Any], repeat: int) -> None:
    for name, (page, filters) in cases(data).items():
        times, total = [], ""
        for _ in range(repeat):
            with Session(engine) as session:
                start = time.perf_counter()
                last = -(-min(data["questions"], COUNT_CAP) // 50)
                listing = get_question_page(
                    session, page=last if page < 0 else page, per_page=50, filters=filters
                )
                answer_summaries(session, (q.id for q, _ in listing.items))
                times.append((time.perf_counter() - start) * 1000)
            total = f"{'>' if listing.capped else ''}{listing.total}"
        print(f"  {name:<48} {statistics.median(times):8.1f} ms   ({total} matches)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--questions-per-fact", type=int, default=10)
    parser.add_argument(
        "--database", help="a PostgreSQL database's URL (empty, or seeded by an earlier run)"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep", type=Path, help="the SQLite file to write and keep, or to reuse if it exists"
    )
    args = parser.parse_args()
    url = args.database or f"sqlite:///{args.keep or Path(tempfile.mkdtemp()) / 'browser.db'}"
    print("quizapp question browser benchmark")
    print(f"  {hardware()}\n  {runtime()}\n  load average {load_average()}")
    engine = make_engine(url)
    reuse = inspect(engine).has_table("question")
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            print(f"  {conn.exec_driver_sql('SELECT version()').scalar_one().split(' on ')[0]}")
    start = time.perf_counter()
    if reuse:
        with Session(engine) as session:
            made = session.exec(select(func.count()).select_from(Question)).one()
        data = {"questions": made, "article": "a7", "entity": "e0", "template": "t1"}
        data["kind"] = KINDS[2]
    else:
        data = seed(engine, args.facts, args.questions_per_fact, random.Random(2026))
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load: without statistics the planner guesses.
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(
        f"  {engine.dialect.name}: {args.facts:,} facts, {data['questions']:,} questions "
        f"({'reused' if reuse else f'seeded in {time.perf_counter() - start:.0f} s'}); "
        f"median of {args.repeat}, 50 a page"
    )
    measure(engine, data, args.repeat)


if __name__ == "__main__":
    main()
