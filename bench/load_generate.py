"""Benchmark: load a synthetic question bank and generate its questions, against a baseline.

For each size (number of facts) the script writes a realistic synthetic bank with Faker, then
runs, each in a fresh child process on a fresh SQLite file database:

- the product path: ``read_bank`` (parse and validate), ``write_bank`` (load, in a SQLModel
  session on ``make_engine`` + ``create_schema``) and ``rebuild_questions`` (generate and store);
- a baseline that does the least work producing the same rows: YAML parsed with CSafeLoader and
  no validation, question prompts filled with ``str.replace``, and every row bulk-inserted with
  SQLAlchemy Core ``conn.execute(insert(table), rows)`` in one transaction (with the cyclic
  garbage collector paused, as the product pauses it).

It prints wall time per phase, questions per second and peak resident memory (VmHWM of each
child), the product/baseline ratio, the scaling ratio between sizes 10x apart, and a PASS/MISS
verdict for each target of docs/benchmarks.md. It always exits 0: it is a benchmark, not a test.

    .venv/bin/python bench/load_generate.py [--sizes 1000,10000,100000] [--keep DIR] [--seed N]
                                            [--repeat N] [--profile DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from machine_info import (  # bench/ is on sys.path when a script runs
    hardware,
    runtime,
    source_digest,
    verdict,
)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # Run as a plain script from a checkout: make `quizapp` importable without installing it.
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (1_000, 10_000, 100_000)
FACTS_PER_ARTICLE = 10
FACTS_PER_FILE = 1_000
TARGET_SIZE = 100_000
TARGET_TIME_RATIO = 1.5
TARGET_PEAK_MB = 1_000.0  # "1 GB", read strictly as 10^9 bytes
TARGET_SCALING = 12.0
MB = 1_000_000


# --- The synthetic bank ---------------------------------------------------------------------

# kinds.yaml, written as an editor would (docs/question-bank.md).
KINDS_YAML = """\
award_win:
  description: Someone won an award at an event, optionally for a work.
  roles:
    winner:    {type: [person, group]}
    award:     {type: award}
    event:     {type: event}
    work:      {type: song, optional: true}
    presenter: {type: person, optional: true}
  unique_given: {winner: [award, event]}
performed_with:
  description: Someone shared the stage with someone else at an event.
  roles:
    performer: {type: [person, group]}
    partner:   {type: [person, group]}
    song:      {type: song, optional: true}
    event:     {type: event}
caught:
  description: People caught someone who fell.
  roles:
    catchers: {type: person, many: true}
    caught:   {type: person}
    event:    {type: event}
said:
  description: Someone said something, quoted word for word.
  roles:
    speaker: {type: person}
    quote:   {type: text}
    event:   {type: event, optional: true}
edition:
  description: Which annual edition of its show an event was.
  roles:
    event:   {type: event}
    edition: {type: number}
  unique_given: {edition: [event]}
held_at:
  description: Where an event took place.
  roles:
    event: {type: event}
    venue: {type: venue}
    city:  {type: city}
  unique_given: {venue: [event]}
"""

# 20 templates over the six kinds and the three styles, with filters, so that slot parsing and
# rendering do the work they do on the real bank, and one `requires`. Written to
# templates/<kind>.yaml.
TEMPLATES_YAML = """\
- {id: award-win-winner-mc, kind: award_win, style: multiple_choice,
   prompt: "Who won {award} at the {event}?", answer: winner,
   explanation: "{winner} took home {award} at the {event}."}
- {id: award-win-winner-typed, kind: award_win, style: typed,
   prompt: "Which act took home the {award} award at the {event}?", answer: winner,
   explanation: "{award} went to {winner}."}
- {id: award-win-winner-tf, kind: award_win, style: true_false,
   prompt: "{winner} won {award} at the {event}.", answer: winner}
- {id: award-win-award-mc, kind: award_win, style: multiple_choice,
   prompt: "Which award did {winner} win at the {event}?", answer: award,
   explanation: "{winner} won {award}."}
- {id: award-win-work-mc, kind: award_win, style: multiple_choice,
   prompt: "Which song earned {winner} the {award} award at the {event}?", answer: work,
   requires: {work: [song]},
   explanation: "“{work}” won {award} for {winner}."}
- {id: award-win-presenter-tf, kind: award_win, style: true_false,
   prompt: "At the {event}, {presenter} handed {winner} the {award} award.", answer: presenter}
- {id: performed-with-performer-mc, kind: performed_with, style: multiple_choice,
   prompt: "At the {event}, who performed with {partner}?", answer: performer,
   explanation: "{performer} performed with {partner}."}
- {id: performed-with-performer-typed, kind: performed_with, style: typed,
   prompt: "Who shared the stage with {partner} at the {event}?", answer: performer,
   explanation: "{performer} performed with {partner}."}
- {id: performed-with-partner-mc, kind: performed_with, style: multiple_choice,
   prompt: "At the {event}, who did {performer} perform with?", answer: partner,
   explanation: "{performer} performed with {partner}."}
- {id: performed-with-performer-tf, kind: performed_with, style: true_false,
   prompt: "{performer} performed with {partner} during the {event}.", answer: performer}
- {id: caught-catchers-mc, kind: caught, style: multiple_choice,
   prompt: "At the {event}, which stars caught {caught} after a fall off the stage?",
   answer: catchers, explanation: "{catchers} broke {caught|possessive} fall."}
- {id: caught-catchers-typed, kind: caught, style: typed,
   prompt: "Which two stars caught {caught} after a fall off the stage at the {event}?",
   answer: catchers, explanation: "{catchers} broke {caught|possessive} fall."}
- {id: caught-caught-tf, kind: caught, style: true_false,
   prompt: "At the {event}, {catchers} caught {caught} after a fall off the stage.",
   answer: caught}
- {id: said-speaker-mc, kind: said, style: multiple_choice,
   prompt: "Who said “{quote}” at the {event}?", answer: speaker,
   explanation: "It was {speaker}."}
- {id: said-speaker-typed, kind: said, style: typed,
   prompt: "At the {event}, who was heard saying “{quote}”?", answer: speaker,
   explanation: "It was {speaker}."}
- {id: said-speaker-tf, kind: said, style: true_false,
   prompt: "At the {event}, {speaker} said “{quote}”.", answer: speaker}
- {id: edition-number-mc, kind: edition, style: multiple_choice,
   prompt: "Counting every annual show, which edition was the {event}?", answer: edition,
   explanation: "The {event} marked the {edition|ordinal} annual show."}
- {id: edition-number-tf, kind: edition, style: true_false,
   prompt: "The {event} marked the {edition|ordinal} annual edition of the show.",
   answer: edition}
- {id: held-at-venue-mc, kind: held_at, style: multiple_choice,
   prompt: "Which venue hosted the {event}?", answer: venue,
   explanation: "The {event} was held at {venue} in {city}."}
- {id: held-at-city-typed, kind: held_at, style: typed,
   prompt: "In which city was the {event} held?", answer: city,
   explanation: "The {event} was held at {venue} in {city}."}
"""

# Every article covers one event and says this much of each kind (10 facts in all).
ARTICLE_MIX = (
    ("award_win", 3),
    ("performed_with", 2),
    ("said", 2),
    ("caught", 1),
    ("edition", 1),
    ("held_at", 1),
)
AWARD_GENRES = (
    "Pop",
    "Rock",
    "Hip-Hop",
    "R&B",
    "Dance",
    "Latin",
    "Country",
    "Alternative",
    "K-Pop",
    "Electronic",
)
AWARD_CATEGORIES = ("Video", "Performance", "Collaboration", "Song", "New Artist")
SHOW_SUFFIXES = ("Music Awards", "Video Music Awards", "Music Honors", "Pop Awards")
VENUE_SUFFIXES = ("Arena", "Center", "Theatre", "Hall", "Amphitheater", "Garden")
FALLS_PER_EVENT = 3
PERSON_TAGS = ("singer", "rapper", "actor", "dj")


def slug(text: str, limit: int = 60) -> str:
    """A bank id for ``text``: lower case, letters and digits joined by single dashes."""
    cleaned = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in text)
    joined = "-".join(part for part in cleaned.split("-") if part)
    return joined[:limit].strip("-") or "x"


def ordinal(number: int) -> str:
    """28 -> "28th", as the bank's own ``ordinal`` filter writes it."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


@dataclass
class _Event:
    id: str
    name: str
    edition: int
    venue: str
    city: str
    # Who won what, who fell and who caught them: fixed per event so that several articles
    # about one show agree, as real coverage does (and answers stay unique).
    winners: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)
    falls: list[tuple[str, tuple[str, str]]] = field(default_factory=list)


class _Names:
    """Unique names and ids per entity type, drawn from a seeded Faker."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.ids: set[str] = set()

    def add(self, name: str) -> str | None:
        """The id for a new entity called ``name``, or None if the name is taken."""
        if name in self.names:
            return None
        base = slug(name)
        entity_id, n = base, 2
        while entity_id in self.ids:
            entity_id, n = f"{base}-{n}", n + 1
        self.names.add(name)
        self.ids.add(entity_id)
        return entity_id


def build_bank(root: Path, facts: int, seed: int) -> dict[str, int]:
    """Write a valid synthetic bank with ``facts`` facts under ``root``; return record counts.

    Entity counts scale with the bank the way a real entertainment-news bank would: about
    facts/2 people, facts/20 groups, facts/10 songs, 50 awards, facts/100 events (each with
    its venue and city), and one article per 10 facts, all about one event.
    """
    from faker import Faker

    if facts % FACTS_PER_ARTICLE:
        raise ValueError(f"the number of facts must be a multiple of {FACTS_PER_ARTICLE}")
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    for folder in ("entities", "articles", "facts", "templates"):
        (root / folder).mkdir(parents=True)

    registry = _Names()
    entities: dict[str, list[dict[str, Any]]] = {}

    def make(
        kind: str,
        count: int,
        namer: Callable[[], str],
        aliaser: Callable[[str], list[str]] | None = None,
        tagger: Callable[[str], list[str]] | None = None,
    ) -> list[str]:
        made: list[dict[str, Any]] = []
        while len(made) < count:
            name = namer()
            entity_id = registry.add(name)
            if entity_id is None:
                continue
            aliases = aliaser(name) if aliaser else []
            entity = {"id": entity_id, "name": name, "type": kind, "aliases": aliases}
            if tagger:
                entity["tags"] = tagger(name)
            made.append(entity)
        entities.setdefault(kind, []).extend(made)
        return [e["id"] for e in made]

    def person_aliases(name: str) -> list[str]:
        # One person in five goes by a short name too, as stars do.
        return [name.split()[-1]] if rng.random() < 0.2 else []

    def group_name() -> str:
        return f"The {fake.word().title()} {fake.word().title()}s"

    def song_name() -> str:
        return fake.sentence(nb_words=rng.randint(2, 4)).rstrip(".").title()

    def person_name() -> str:
        return f"{fake.first_name()} {fake.last_name()}"

    def group_aliases(name: str) -> list[str]:
        return [name.removeprefix("The ")] if rng.random() < 0.3 else []

    def venue_name() -> str:
        return f"{fake.last_name()} {rng.choice(VENUE_SUFFIXES)}"

    # Tags, as an editor would add them: what a person is known as, what an award is for.
    people = make(
        "person",
        max(facts // 2, 20),
        person_name,
        person_aliases,
        lambda _name: [rng.choice(PERSON_TAGS)],
    )
    groups = make("group", max(facts // 20, 10), group_name, group_aliases, lambda _: ["band"])
    songs = make("song", max(facts // 10, 10), song_name, None, lambda _: ["song"])
    awards = make(
        "award",
        len(AWARD_GENRES) * len(AWARD_CATEGORIES),
        iter(f"Best {g} {c}" for g in AWARD_GENRES for c in AWARD_CATEGORIES).__next__,
        None,
        lambda name: [slug(name.rsplit(" ", 1)[-1]) + "-award"],
    )
    cities = make("city", max(facts // 500, 10), fake.city)
    venues = make("venue", max(facts // 200, 10), venue_name)
    names = {e["id"]: e["name"] for group in entities.values() for e in group}
    venue_city = {v: rng.choice(cities) for v in venues}

    # Events: a few annual shows, each with consecutive yearly editions.
    event_count = max(facts // 100, 1)
    years_per_show = 40
    shows: list[tuple[str, int]] = []
    while len(shows) * years_per_show < event_count:
        show = f"{fake.city()} {rng.choice(SHOW_SUFFIXES)}"
        if show not in {s for s, _ in shows}:
            shows.append((show, rng.randint(1960, 1985)))
    events: list[_Event] = []
    for index in range(event_count):
        show, first_year = shows[index % len(shows)]
        edition = index // len(shows) + 1
        name = f"{first_year + edition - 1} {show}"
        venue = rng.choice(venues)
        entity_id = registry.add(name)
        if entity_id is None:
            raise RuntimeError(f"two events are called {name!r}")
        entities.setdefault("event", []).append(
            {"id": entity_id, "name": name, "type": "event", "aliases": []}
        )
        events.append(_Event(entity_id, name, edition, venue, venue_city[venue]))
        names[entity_id] = name
    acts = people + groups

    for event in events:
        fallen = rng.sample(people, FALLS_PER_EVENT)
        for who in fallen:
            catchers: list[str] = []
            while len(catchers) < 2:
                candidate = rng.choice(people)
                if candidate not in fallen and candidate not in catchers:
                    catchers.append(candidate)
            event.falls.append((who, (catchers[0], catchers[1])))

    def award_win(event: _Event) -> tuple[dict[str, Any], str]:
        award = rng.choice(awards)
        if award not in event.winners:
            work = rng.choice(songs) if rng.random() < 0.5 else None
            presenter = rng.choice(people) if rng.random() < 0.3 else None
            event.winners[award] = (rng.choice(acts), work, presenter)
        winner, work, presenter = event.winners[award]
        roles = {"winner": winner, "award": award, "event": event.id}
        sentence = f"{names[winner]} won {names[award]} at the {event.name}"
        if work:
            roles["work"] = work
            sentence += f" for “{names[work]}”"
        if presenter and presenter != winner:
            roles["presenter"] = presenter
            sentence += f", handed the trophy by {names[presenter]}"
        return roles, sentence + "."

    def performed_with(event: _Event) -> tuple[dict[str, Any], str]:
        performer, partner = rng.sample(acts, 2)
        roles = {"performer": performer, "partner": partner, "event": event.id}
        sentence = f"{names[performer]} joined {names[partner]} on stage"
        if rng.random() < 0.4:
            song = rng.choice(songs)
            roles["song"] = song
            sentence += f" for a duet of “{names[song]}”"
        return roles, sentence + "."

    def said(event: _Event) -> tuple[dict[str, Any], str]:
        speaker = rng.choice(people)
        quote = fake.sentence(nb_words=rng.randint(5, 9)).rstrip(".")
        roles = {"speaker": speaker, "quote": quote, "event": event.id}
        return roles, f"“{quote},” {names[speaker]} told reporters backstage."

    def caught(event: _Event) -> tuple[dict[str, Any], str]:
        who, (first, second) = rng.choice(event.falls)
        roles = {"catchers": [first, second], "caught": who, "event": event.id}
        return roles, (
            f"When {names[who]} tumbled off the stage, {names[first]} and {names[second]} "
            f"were there to catch the fall."
        )

    def edition(event: _Event) -> tuple[dict[str, Any], str]:
        roles = {"event": event.id, "edition": event.edition}
        return roles, f"It was the {ordinal(event.edition)} edition of the show."

    def held_at(event: _Event) -> tuple[dict[str, Any], str]:
        roles = {"event": event.id, "venue": event.venue, "city": event.city}
        return roles, f"The ceremony took place at {names[event.venue]} in {names[event.city]}."

    makers = {
        "award_win": award_win,
        "performed_with": performed_with,
        "said": said,
        "caught": caught,
        "edition": edition,
        "held_at": held_at,
    }
    # The bank refuses a fact said twice (same kind, same roles): a second article about one
    # show reports something new instead, as a newsroom's editors would record it.
    told: set[str] = set()

    def new_fact(kind: str, event: _Event) -> tuple[str, dict[str, Any], str]:
        for attempt in range(8):
            # A show's edition, venue and falls are soon all told: then a quote, which is new.
            maker = kind if attempt < 4 else "said"
            roles, sentence = makers[maker](event)
            key = json.dumps([maker, roles], sort_keys=True)
            if key not in told:
                told.add(key)
                return maker, roles, sentence
        raise RuntimeError(f"no new {kind} fact for {event.name}")

    article_ids: set[str] = set()
    fact_batch: list[dict[str, Any]] = []
    file_number = 0

    def flush_facts() -> None:
        nonlocal fact_batch, file_number
        if fact_batch:
            file_number += 1
            _dump(root / "facts" / f"facts-{file_number:04d}.yaml", fact_batch)
            fact_batch = []

    for article_number in range(facts // FACTS_PER_ARTICLE):
        event = events[article_number % len(events)]
        title = fake.sentence(nb_words=rng.randint(4, 8)).rstrip(".")
        base = slug(title, 50)
        article_id, n = base, 2
        while article_id in article_ids:
            article_id, n = f"{base}-{n}", n + 1
        article_ids.add(article_id)
        kinds = [kind for kind, count in ARTICLE_MIX for _ in range(count)]
        rng.shuffle(kinds)
        paragraphs = [title, fake.paragraph(nb_sentences=rng.randint(3, 6))]
        for number, wanted in enumerate(kinds, 1):
            kind, roles, sentence = new_fact(wanted, event)
            fact_batch.append(
                {
                    "id": f"{article_id}-f{number}",
                    "kind": kind,
                    "article": article_id,
                    "roles": roles,
                    "evidence": sentence,
                }
            )
            # The evidence sentence sits among filler, as in a real article.
            filler = fake.sentence(nb_words=rng.randint(6, 14)) if rng.random() < 0.5 else ""
            paragraphs.append(f"{sentence} {filler}".rstrip())
        paragraphs.append(fake.paragraph(nb_sentences=rng.randint(2, 4)))
        header = {
            "id": article_id,
            "title": title,
            "date": dt.date(int(event.name[:4]), rng.randint(1, 12), rng.randint(1, 28)),
            "event": event.id,
            "source": rng.choice(("MTV News", "Billboard", "Rolling Stone", "Variety")),
        }
        body = "---\n" + yaml.safe_dump(header, sort_keys=False, allow_unicode=True) + "---\n"
        (root / "articles" / f"{article_id}.txt").write_text(
            body + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
        )
        if len(fact_batch) >= FACTS_PER_FILE:
            flush_facts()
    flush_facts()

    (root / "kinds.yaml").write_text(KINDS_YAML, encoding="utf-8")
    files = {
        "people": ("person",),
        "groups": ("group",),
        "works": ("song",),
        "awards": ("award",),
        "events": ("event", "venue", "city"),
    }
    for file, kinds_in_file in files.items():
        _dump(root / "entities" / f"{file}.yaml", [e for k in kinds_in_file for e in entities[k]])
    templates = yaml.safe_load(TEMPLATES_YAML)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for record in templates:
        by_kind.setdefault(record["kind"], []).append(record)
    for kind, records in by_kind.items():
        _dump(root / "templates" / f"{kind}.yaml", records)
    return {
        "entities": sum(len(v) for v in entities.values()),
        "articles": len(article_ids),
        "facts": facts,
        "templates": len(templates),
    }


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def check_bank(root: Path) -> None:
    """Fail loudly, with the first problems, if the loader refuses the synthetic bank."""
    from quizapp.bank.files import BankError, read_bank

    try:
        read_bank(root)
    except BankError as exc:
        first = "\n".join(f"  {p}" for p in exc.problems[:20])
        raise SystemExit(
            f"the synthetic bank at {root} is invalid ({len(exc.problems)} problems):\n{first}"
        ) from None


# --- The measured paths (each runs in its own child process) --------------------------------


def _peak_mb() -> float:
    """This process's peak resident memory so far, in MB (10^6 bytes)."""
    # Linux carries ru_maxrss across fork and execve, so a child spawned by a big parent
    # reports the parent's peak; VmHWM belongs to the child's own address space.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / MB
    except OSError:
        pass
    return _maxrss_mb()


def _maxrss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024) / MB


def run_product(bank: Path, db: Path, seed: int) -> dict[str, Any]:
    """Load and generate with quizapp's own code; return phase times, counts and peak memory."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from quizapp.bank.files import read_bank
    from quizapp.bank.sync import write_bank
    from quizapp.core.database import create_schema, make_engine
    from quizapp.models import Question
    from quizapp.questions.generation import rebuild_questions

    start_mb = _peak_mb()
    engine = make_engine(f"sqlite:///{db}")
    create_schema(engine)
    with Session(engine) as session:
        t0 = time.perf_counter()
        loaded = read_bank(bank)
        t1 = time.perf_counter()
        write_bank(session, loaded)
        t2 = time.perf_counter()
        report = rebuild_questions(session, seed)
        t3 = time.perf_counter()
        stored = session.exec(select(func.count()).select_from(Question.__table__)).one()[0]
    times = {"read": t1 - t0, "write": t2 - t1, "generate": t3 - t2, "total": t3 - t0}
    skipped: dict[str, int] = {}
    for item in report.skipped:
        reason = item.reason.split(":")[0]
        skipped[reason] = skipped.get(reason, 0) + 1
    engine.dispose()
    return {
        "times": times,
        "questions": report.total,
        "stored": stored,
        "skipped": skipped,
        "rows": _row_counts(db),
        "start_mb": start_mb,
        "peak_mb": _peak_mb(),
    }


def run_baseline(bank: Path, db: Path, seed: int) -> dict[str, Any]:
    """The same rows, the cheapest way: no validation, str.replace, Core bulk inserts."""
    from sqlalchemy import insert

    from quizapp.core.database import create_schema, make_engine
    from quizapp.models import Article, Entity, Fact, FactEntity, FactKind, Question, Template

    del seed  # the baseline draws nothing at random
    start_mb = _peak_mb()
    # The same engine (foreign keys on) and schema as the product, so indexes and constraint
    # checks cost both sides the same.
    engine = make_engine(f"sqlite:///{db}")
    create_schema(engine)
    # A floor should not pay for the cyclic collector walking millions of live objects; the
    # product pauses it too (bank.collector_paused). Reference counting still frees memory.
    gc.disable()
    t0 = time.perf_counter()
    loader = yaml.CSafeLoader

    def load(path: Path) -> Any:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506

    kinds = load(bank / "kinds.yaml")
    entity_list = [e for p in sorted((bank / "entities").glob("*.yaml")) for e in load(p)]
    fact_list = [f for p in sorted((bank / "facts").glob("*.yaml")) for f in load(p)]
    template_list = [t for p in sorted((bank / "templates").glob("*.yaml")) for t in load(p)]
    article_rows = []
    for path in sorted((bank / "articles").glob("*.txt")):
        content = path.read_text(encoding="utf-8")
        end = content.find("\n---\n", 3)
        header = yaml.load(content[4 : end + 1], Loader=loader)  # noqa: S506
        article_rows.append(
            {
                "id": header["id"],
                "title": header["title"],
                "date": header["date"],
                "event_id": header.get("event"),
                "source": header["source"],
                "url": header.get("url"),
                "text": content[end + 5 :],
            }
        )
    t1 = time.perf_counter()

    kind_rows = []
    literal_roles: dict[str, set[str]] = {}
    for name, kind in kinds.items():
        literal_roles[name] = set()
        roles = {}
        for role, spec in kind["roles"].items():
            types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
            roles[role] = {
                "types": types,
                "many": spec.get("many", False),
                "optional": spec.get("optional", False),
            }
            if types[0] in ("text", "number"):
                literal_roles[name].add(role)
        kind_rows.append(
            {
                "name": name,
                "description": kind.get("description", ""),
                "roles": roles,
                "unique_given": kind.get("unique_given", {}),
            }
        )
    entity_rows = [
        {
            "id": e["id"],
            "name": e["name"],
            "type": e["type"],
            "aliases": e.get("aliases", []),
            "tags": e.get("tags", []),
        }
        for e in entity_list
    ]
    fact_rows = []
    fact_entity_rows = []
    for f in fact_list:
        fact_rows.append(
            {
                "id": f["id"],
                "kind": f["kind"],
                "article_id": f["article"],
                "roles": f["roles"],
                "evidence": f["evidence"],
                "open_roles": f.get("open", []),
            }
        )
        literal = literal_roles.get(f["kind"], set())
        for role, value in f["roles"].items():
            if role in literal:
                continue
            for entity_id in value if isinstance(value, list) else [value]:
                fact_entity_rows.append({"fact_id": f["id"], "role": role, "entity_id": entity_id})
    template_rows = [
        {
            "id": t["id"],
            "kind": t["kind"],
            "style": t["style"],
            "prompt": t["prompt"],
            "answer_role": t["answer"],
            "explanation": t.get("explanation"),
            "status": t.get("status", "published"),
            "requires": t.get("requires", {}),
        }
        for t in template_list
    ]
    question_rows = list(
        _baseline_questions(entity_rows, fact_rows, template_rows, kind_rows, literal_roles)
    )
    t2 = time.perf_counter()

    with engine.begin() as conn:
        for model, rows in (
            (FactKind, kind_rows),
            (Entity, entity_rows),
            (Article, article_rows),
            (Fact, fact_rows),
            (FactEntity, fact_entity_rows),
            (Template, template_rows),
            (Question, question_rows),
        ):
            if rows:
                conn.execute(insert(model.__table__), rows)
    t3 = time.perf_counter()
    gc.enable()
    engine.dispose()
    return {
        "times": {"read": t1 - t0, "rows": t2 - t1, "insert": t3 - t2, "total": t3 - t0},
        "questions": len(question_rows),
        "rows": _row_counts(db),
        "start_mb": start_mb,
        "peak_mb": _peak_mb(),
    }


def _baseline_questions(
    entities: list[dict[str, Any]],
    facts: list[dict[str, Any]],
    templates: list[dict[str, Any]],
    kinds: list[dict[str, Any]],
    literal_roles: dict[str, set[str]],
) -> Iterator[dict[str, Any]]:
    """One question row per published template and fitting fact, by plain substitution."""
    names = {e["id"]: e["name"] for e in entities}
    kind_roles = {k["name"]: list(k["roles"]) for k in kinds}
    # Wrong answers taken naively: the same three names for every multiple-choice question.
    fixed_wrong = [e["name"] for e in entities[:3]]
    facts_by_kind: dict[str, list[dict[str, Any]]] = {}
    for fact in facts:
        facts_by_kind.setdefault(fact["kind"], []).append(fact)
    for template in templates:
        if template["status"] != "published":
            continue
        kind = template["kind"]
        literal = literal_roles[kind]
        texts = template["prompt"] + (template["explanation"] or "")
        # The roles a template uses, found by looking for their slots in its text.
        roles = {template["answer_role"]} | {
            role
            for role in kind_roles[kind]
            if "{" + role + "}" in texts or "{" + role + "|" in texts
        }
        for fact in facts_by_kind.get(kind, ()):
            values = fact["roles"]
            if not all(role in values for role in roles):
                continue
            parts: dict[str, list[str]] = {}
            for role in roles:
                raw = values[role]
                if role in literal:
                    parts[role] = [str(raw)]
                else:
                    parts[role] = [names[i] for i in (raw if isinstance(raw, list) else [raw])]
            prompt = template["prompt"]
            explanation = template["explanation"]
            for role, shown in parts.items():
                text = " and ".join(shown)
                for old, new in (
                    ("{" + role + "}", text),
                    ("{" + role + "|possessive}", text + "'s"),
                    ("{" + role + "|ordinal}", text + "th"),
                ):
                    prompt = prompt.replace(old, new)
                    if explanation:
                        explanation = explanation.replace(old, new)
            answer = parts[template["answer_role"]]
            style = template["style"]
            if style == "multiple_choice":
                choices = [" and ".join(answer), *fixed_wrong]
            elif style == "true_false":
                choices = ["true", "false"]
            else:
                choices = []
            digest = hashlib.sha1(f"{template['id']}\x1f{fact['id']}".encode()).hexdigest()
            yield {
                "id": "q-" + digest[:12],
                "template_id": template["id"],
                "fact_id": fact["id"],
                "article_id": fact["article_id"],
                "style": style,
                "prompt": prompt,
                "choices": choices,
                "answer": ["true"] if style == "true_false" else answer,
                "accepted": [["true"]] if style == "true_false" else [[p] for p in answer],
                "solution": " and ".join(answer),
                "explanation": explanation,
                "difficulty": 0.5,
                "evidence": fact["evidence"],
            }


def _row_counts(db: Path) -> dict[str, int]:
    tables = ("fact_kind", "entity", "article", "fact", "fact_entity", "template", "question")
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


CHILDREN = {"product": run_product, "baseline": run_baseline}


class _GcClock:
    """Adds up the time the cyclic garbage collector runs, via gc.callbacks."""

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._started


def run_child(which: str, bank: Path, db: Path, seed: int, profile: Path | None) -> dict[str, Any]:
    """Run one measured path in a fresh interpreter, so each has its own peak memory."""
    if db.exists():
        db.unlink()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", which]
    command += ["--bank", str(bank), "--db", str(db), "--seed", str(seed)]
    if profile:
        command += ["--profile", str(profile)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the {which} run failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Report ---------------------------------------------------------------------------------


def machine() -> list[str]:
    """A few lines describing this machine and the software under test."""
    import sqlalchemy

    return [
        hardware(),
        f"{runtime()}, SQLAlchemy {sqlalchemy.__version__}, PyYAML {yaml.__version__} "
        f"(libyaml {'yes' if yaml.__with_libyaml__ else 'no'})",
        f"quizapp sources sha256 {source_digest()} (quizapp/*.py)",
    ]


def _fmt_facts(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def report(results: list[dict[str, Any]]) -> None:
    """Print the table of figures and a verdict for each target."""
    print()
    print(
        "| facts | questions (product / baseline) | product read / write / generate / total s "
        "| questions/s | product peak MB | baseline total s | baseline peak MB "
        "| product / baseline | time vs 10x fewer facts |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    totals = {r["facts"]: r["product"]["times"]["total"] for r in results}
    for r in results:
        p, b = r["product"], r["baseline"]
        t = p["times"]
        smaller = totals.get(r["facts"] // 10) if r["facts"] % 10 == 0 else None
        scale = f"{t['total'] / smaller:.1f}x" if smaller else "-"
        print(
            f"| {_fmt_facts(r['facts'])} | {p['questions']:,} / {b['questions']:,} "
            f"| {t['read']:.2f} / {t['write']:.2f} / {t['generate']:.2f} / {t['total']:.2f} "
            f"| {p['questions'] / t['total']:,.0f} | {p['peak_mb']:,.0f} "
            f"| {b['times']['total']:.2f} | {b['peak_mb']:,.0f} "
            f"| {t['total'] / b['times']['total']:.1f}x | {scale} |"
        )
    print()
    for r in results:
        p, b = r["product"], r["baseline"]
        bt = b["times"]
        print(
            f"{_fmt_facts(r['facts'])} facts: baseline read {bt['read']:.2f}s, build rows "
            f"{bt['rows']:.2f}s, insert {bt['insert']:.2f}s; garbage collector in the child "
            f"{p['gc_s']:.2f}s (product) / {b['gc_s']:.2f}s (baseline); memory after imports "
            f"{p['start_mb']:.0f} MB (product) / {b['start_mb']:.0f} MB (baseline)"
        )
        if p["rows"] != b["rows"]:
            print(f"  ROW COUNTS DIFFER: product {p['rows']}, baseline {b['rows']}")
        else:
            print(f"  same rows in both databases: {p['rows']}")
        if p["stored"] != p["questions"]:
            print(f"  the product reported {p['questions']:,} questions but stored {p['stored']:,}")
        if p["skipped"]:
            print(f"  product skipped pairs: {p['skipped']}")

    print()
    print("Targets:")
    target = next((r for r in results if r["facts"] == TARGET_SIZE), None)
    if target is None:
        print(f"  at {_fmt_facts(TARGET_SIZE)} facts: not measured (add {TARGET_SIZE} to --sizes)")
    else:
        ratio = target["product"]["times"]["total"] / target["baseline"]["times"]["total"]
        peak = target["product"]["peak_mb"]
        print(
            f"  {verdict(ratio <= TARGET_TIME_RATIO)}  load+generate at "
            f"{_fmt_facts(TARGET_SIZE)} facts takes {ratio:.2f}x the baseline "
            f"(target <= {TARGET_TIME_RATIO:g}x)"
        )
        print(
            f"  {verdict(peak < TARGET_PEAK_MB)}  peak memory at {_fmt_facts(TARGET_SIZE)} "
            f"facts is {peak:,.0f} MB (target < {TARGET_PEAK_MB:,.0f} MB = 1 GB)"
        )
    pairs = [(n // 10, n) for n in sorted(totals) if n % 10 == 0 and n // 10 in totals]
    if not pairs:
        print("  scaling: not measured (needs two sizes 10x apart)")
    for small, big in pairs:
        scale = totals[big] / totals[small]
        print(
            f"  {verdict(scale <= TARGET_SCALING)}  {_fmt_facts(small)} -> {_fmt_facts(big)} "
            f"facts costs {scale:.1f}x the time (target <= {TARGET_SCALING:.0f}x)"
        )


# --- Command line ---------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not sizes or any(n <= 0 or n % FACTS_PER_ARTICLE for n in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be positive multiples of {FACTS_PER_ARTICLE}")
    return sorted(set(sizes))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; --child, --bank, --db and --profile are internal."""
    parser = argparse.ArgumentParser(
        prog="bench/load_generate.py",
        description=(
            "Benchmark loading and generating a question bank. For each size, write a "
            "synthetic bank with Faker (6 kinds, 20 templates, 10 facts per article), then "
            "in fresh child processes on fresh SQLite databases run the product path "
            "(read_bank, write_bank, rebuild_questions) and a baseline that inserts the same "
            "rows with SQLAlchemy Core after plain string substitution. Prints wall time per "
            "phase, questions per second, peak RSS, ratios and a PASS/MISS verdict per target "
            "(see docs/benchmarks.md). Always exits 0."
        ),
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=list(DEFAULT_SIZES),
        metavar="N,N,...",
        help="comma-separated numbers of facts, multiples of 10 (default: 1000,10000,100000)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="write the banks and databases into DIR and keep them (default: a temporary "
        "folder, removed at the end)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=2026,
        help="seed for Faker, the bank and generation (default: 2026)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run each measured path N times and keep the fastest (default: 1)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="also write a cProfile of each product run to DIR/product-<facts>.prof "
        "(slower; the timings printed then include profiling overhead)",
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--bank", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _best_of(
    repeat: int, which: str, bank: Path, db: Path, seed: int, profile: Path | None
) -> dict[str, Any]:
    """The fastest of ``repeat`` runs, with the highest peak memory seen in any of them."""
    runs = [run_child(which, bank, db, seed, profile) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["times"]["total"])
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    return best


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --child, one measured path) and print the figures."""
    args = parse_args(argv)
    if args.child:
        run = CHILDREN[args.child]
        # Big banks make millions of objects; how long the collector spends on them explains
        # much of the growth with size, on both sides.
        gc_clock = _GcClock()
        gc.callbacks.append(gc_clock)
        # quizapp is imported right after this, so the digest names the code that ran.
        code = source_digest()
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            result = profiler.runcall(run, args.bank, args.db, args.seed)
            profiler.dump_stats(args.profile)
        else:
            result = run(args.bank, args.db, args.seed)
        result["gc_s"] = gc_clock.total
        result["code"] = code
        print(json.dumps(result))
        return 0

    print("quizapp load+generate benchmark")
    for line in machine():
        print("  " + line)
    digest = source_digest()
    work = args.keep or Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for facts in args.sizes:
            bank = work / f"bank-{facts}"
            t0 = time.perf_counter()
            counts = build_bank(bank, facts, args.seed)
            built = time.perf_counter() - t0
            check_bank(bank)
            print(
                f"\n{_fmt_facts(facts)} facts: bank of {counts['entities']:,} entities, "
                f"{counts['articles']:,} articles, {counts['templates']} templates written in "
                f"{built:.1f}s and validated; measuring...",
                flush=True,
            )
            profile = args.profile / f"product-{facts}.prof" if args.profile else None
            product_db = work / f"product-{facts}.sqlite"
            baseline_db = work / f"baseline-{facts}.sqlite"
            product = _best_of(args.repeat, "product", bank, product_db, args.seed, profile)
            baseline = _best_of(args.repeat, "baseline", bank, baseline_db, args.seed, None)
            print(
                f"  product {product['times']['total']:.2f}s, {product['peak_mb']:.0f} MB; "
                f"baseline {baseline['times']['total']:.2f}s, {baseline['peak_mb']:.0f} MB",
                flush=True,
            )
            results.append({"facts": facts, "product": product, "baseline": baseline})
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report(results)
    codes = {r[side]["code"] for r in results for side in ("product", "baseline")}
    if codes == {digest}:
        print(f"\nevery run used quizapp sources {digest}")
    else:
        print("\nWARNING: quizapp's sources changed during the run; the figures mix versions:")
        for r in results:
            print(
                f"  {_fmt_facts(r['facts'])}: product {r['product']['code']}, "
                f"baseline {r['baseline']['code']}"
            )
    if args.keep:
        print(f"\nbanks and databases kept in {args.keep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
