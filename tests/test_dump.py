"""Writing the bank back to files: what the loader reads back is exactly what the database holds."""

import datetime as dt
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, SQLModel, select

from quizapp.bank import dump
from quizapp.bank.dump import DumpError, DumpReport, database_rows, dump_bank
from quizapp.bank.files import BankError, read_bank
from quizapp.bank.sync import bank_rows, load_bank
from quizapp.core.database import make_engine
from quizapp.core.text import control_characters
from quizapp.models import Article, Entity, Fact, FactEntity, FactKind, Template
from tests.conftest import BUNDLED_BANK, create_tables, empty_database
from tests.factories import write_bank

BANK_TABLES = (FactKind, Entity, Article, Fact, FactEntity, Template)


@pytest.fixture
def new_session(database_kind: str, tmp_path: Path):
    """Open sessions on fresh databases, with no app: new_session("a")."""
    with ExitStack() as databases:
        engines = []

        def open_session(name: str) -> Session:
            url = databases.enter_context(empty_database(database_kind, tmp_path, name))
            create_tables(url)
            engine = make_engine(url)
            engines.append(engine)
            return Session(engine)

        yield open_session
        # Before the databases go: a PostgreSQL schema is dropped once nobody is connected.
        for engine in engines:
            engine.dispose()


@pytest.fixture
def bundled(new_session) -> Session:
    """A session on a database holding the bundled bank."""
    session = new_session("bundled")
    load_bank(session, BUNDLED_BANK)
    return session


@pytest.fixture
def small(new_session, small_bank_path: Path) -> Session:
    """A session on a database holding the small test bank."""
    session = new_session("small")
    load_bank(session, small_bank_path)
    return session


def table_rows(session: Session, model: type[SQLModel]) -> list[dict]:
    return sorted(
        (row.model_dump() for row in session.exec(select(model))),
        key=lambda row: repr(sorted(row.items())),
    )


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- Round trips -----------------------------------------------------------------------------


def test_bundled_bank_reads_back_as_the_same_bank(bundled, tmp_path):
    dump_bank(bundled, tmp_path / "out")

    assert bank_rows(read_bank(tmp_path / "out")) == bank_rows(read_bank(BUNDLED_BANK))


def test_loading_the_dump_gives_the_same_rows(bundled, new_session, tmp_path):
    dump_bank(bundled, tmp_path / "out")
    reloaded = new_session("reloaded")
    load_bank(reloaded, tmp_path / "out")

    for model in BANK_TABLES:
        assert table_rows(reloaded, model) == table_rows(bundled, model), model.__tablename__


def test_bundled_articles_are_written_byte_for_byte(bundled, tmp_path):
    dump_bank(bundled, tmp_path / "out")

    for source in sorted((BUNDLED_BANK / "articles").glob("*.txt")):
        original = source.read_bytes()
        dumped = (tmp_path / "out" / "articles" / source.name).read_bytes()
        # The header may be quoted differently; the text after it must be the same bytes.
        assert dumped.split(b"\n---\n", 1)[1] == original.split(b"\n---\n", 1)[1]


def test_dumping_twice_gives_identical_bytes(bundled, tmp_path):
    report = dump_bank(bundled, tmp_path / "first")
    dump_bank(bundled, tmp_path / "second")

    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")
    assert sorted(files_of(tmp_path / "first")) == report.written  # no partial files left
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_dumping_again_changes_no_file(bundled, tmp_path):
    first = dump_bank(bundled, tmp_path / "out")
    before = {p: (tmp_path / "out" / p).stat().st_mtime_ns for p in first.written}
    again = dump_bank(bundled, tmp_path / "out")

    assert first.changed and not again.changed
    assert again.unchanged == first.written
    assert {p: (tmp_path / "out" / p).stat().st_mtime_ns for p in first.written} == before


def test_dumping_over_the_bundled_bank_keeps_it_loadable_and_its_file_comments(bundled, tmp_path):
    copy = tmp_path / "question_bank"
    shutil.copytree(BUNDLED_BANK, copy)
    dump_bank(bundled, copy)

    assert bank_rows(read_bank(copy)) == bank_rows(read_bank(BUNDLED_BANK))
    kinds = (copy / "kinds.yaml").read_text(encoding="utf-8")
    assert kinds.startswith("# Fact kinds and the roles each one has.")
    assert (copy / "entities" / "people.yaml").read_text(encoding="utf-8").startswith("# People.")


def test_dumping_the_loaded_bundled_bank_over_it_changes_no_byte(bundled, tmp_path):
    # Fields a file leaves out (tags, open, requires, unique_given) stay out of the dump.
    copy = tmp_path / "question_bank"
    shutil.copytree(BUNDLED_BANK, copy)

    report = dump_bank(bundled, copy)

    assert report.written == [] and report.removed == []
    assert files_of(copy) == files_of(BUNDLED_BANK)


def test_entities_stay_in_the_files_the_bundled_bank_puts_them_in(bundled, tmp_path):
    dump_bank(bundled, tmp_path / "out")

    def ids_by_file(root: Path) -> dict[str, set[str]]:
        return {
            path.name: {record["id"] for record in yaml.safe_load(path.read_text("utf-8"))}
            for path in sorted((root / "entities").glob("*.yaml"))
        }

    assert ids_by_file(tmp_path / "out") == ids_by_file(BUNDLED_BANK)


# --- An edited database ----------------------------------------------------------------------


def edit_database(session: Session) -> None:
    """Edits a workspace might make, with values that YAML could misread."""
    session.add(
        Entity(id="sir-yes", name="Yes", type="person", aliases=["Mr: Yes", "yes", "2010", "1.5"])
    )
    session.add(Entity(id="gold-disc", name="{gold} disc", type="thing", aliases=["null"]))
    session.add(Entity(id="wand", name="wand", type="prop"))  # a type no file is named after
    session.add(Entity(id="show-2012", name="2012 Music Awards", type="event"))
    session.flush()  # no ORM relationships order the inserts, so the parents go first
    session.add(
        Article(
            id="beyonce-halo",
            title="Beyoncé: “Halo” — live",
            date=dt.date(2012, 9, 6),
            event_id="show-2012",
            source="MTV News",
            url="https://example.com/beyonce?x=1&y=2",
            text="Beyoncé sang “Halo” ✨ 😀\r\nThe 29th show: yes.\n\nSir Yes caught Yes.\tEnd",
        )
    )
    session.flush()
    session.add(
        Fact(
            id="show-2012-edition",
            kind="edition",
            article_id="beyonce-halo",
            roles={"event": "show-2012", "number": 29},
            evidence="The 29th show: yes.",
        )
    )
    people = session.exec(select(Entity).where(Entity.type == "person")).all()
    catchers = [p.id for p in people if p.id != "sir-yes"][:2]
    session.add(
        Fact(
            id="show-2012-caught",
            kind="caught",
            article_id="beyonce-halo",
            roles={"catchers": catchers, "caught": "sir-yes", "event": "show-2012"},
            evidence="yes.\n\nSir Yes caught Yes.\t",
        )
    )
    session.add(
        Fact(
            id="show-2012-edition-old",
            kind="edition",
            article_id="beyonce-halo",
            roles={"event": "show-2012", "number": 28},
            evidence="The 29th show",
            retired=True,
        )
    )
    session.add(
        Template(
            id="caught-quoted-draft",
            kind="caught",
            style="multiple_choice",
            prompt='Who caught {caught} at the "{event}"? It\'s: a trick',
            answer_role="catchers",
            explanation="{catchers} did.",
            status="draft",
        )
    )
    session.add(
        Template(
            id="caught-retired",
            kind="caught",
            style="true_false",
            prompt="{catchers} caught {caught}.",
            answer_role="catchers",
            status="retired",
        )
    )
    session.commit()


def test_an_edited_database_round_trips(small, new_session, tmp_path):
    edit_database(small)
    dump_bank(small, tmp_path / "out")

    read, wanted = bank_rows(read_bank(tmp_path / "out")), database_rows(small)
    for model in dump.DUMPED_TABLES:
        assert read[model] == wanted[model], model.__tablename__
    reloaded = new_session("reloaded")
    load_bank(reloaded, tmp_path / "out")
    for model in dump.DUMPED_TABLES:
        assert table_rows(reloaded, model) == table_rows(small, model), model.__tablename__


def test_an_edited_database_is_written_readably(small, tmp_path):
    edit_database(small)
    dump_bank(small, tmp_path / "out")
    out = tmp_path / "out"

    article = (out / "articles" / "beyonce-halo.txt").read_bytes().decode("utf-8")
    assert article.endswith("\n---\n" + small.get(Article, "beyonce-halo").text)
    assert "Beyoncé" in article  # not \xe9 escapes
    people = (out / "entities" / "people.yaml").read_text(encoding="utf-8")
    assert "aliases: ['Mr: Yes', 'yes', '2010', '1.5']" in people
    assert (out / "entities" / "other.yaml").read_text(encoding="utf-8") == (
        "- id: wand\n  name: wand\n  type: prop\n"
    )
    facts = (out / "facts" / "beyonce-halo.yaml").read_text(encoding="utf-8")
    assert "number: 29\n" in facts
    assert "retired: true\n" in facts
    templates = (out / "templates" / "caught.yaml").read_text(encoding="utf-8")
    assert "status: draft\n" in templates
    assert "status: retired\n" in templates


def test_the_issue_12_fields_are_dumped_and_read_back(new_session, tmp_path, small_bank):
    small_bank["kinds"]["award_win"]["unique_given"] = {"winner": ["award", "event"]}
    small_bank["entities"][0]["tags"] = ["rapper", "tv-show"]
    next(f for f in small_bank["facts"] if f["id"] == "f-caught")["open"] = ["catchers"]
    small_bank["templates"][0]["requires"] = {"winner": ["person", "rapper"]}
    session = new_session("fields")
    load_bank(session, write_bank(tmp_path / "bank", small_bank))

    dump_bank(session, tmp_path / "out")
    reloaded = new_session("reloaded")
    load_bank(reloaded, tmp_path / "out")
    again = dump_bank(reloaded, tmp_path / "out")

    assert not again.changed
    text = files_of(tmp_path / "out")
    assert b"  unique_given: {winner: [award, event]}\n" in text["kinds.yaml"]
    assert b"  tags: [rapper, tv-show]\n" in text["entities/people.yaml"]
    assert b"  open: [catchers]\n" in b"".join(v for k, v in text.items() if "facts/" in k)
    assert b"  requires: {winner: [person, rapper]}\n" in text["templates/award_win.yaml"]
    for model in BANK_TABLES:
        assert table_rows(reloaded, model) == table_rows(session, model), model.__tablename__
    entity = reloaded.get(Entity, small_bank["entities"][0]["id"])
    assert entity is not None and entity.tags == ["rapper", "tv-show"]


def test_defaults_the_loader_fills_in_are_left_out(small, tmp_path):
    dump_bank(small, tmp_path / "out")
    text = "".join(
        path.read_text(encoding="utf-8") for path in sorted((tmp_path / "out").rglob("*.yaml"))
    )

    for default in (
        "aliases: []",
        "status: published",
        "retired: false",
        "optional: false",
        "tags: []",
        "open: []",
        "requires: {}",
        "unique_given: {}",
    ):
        assert default not in text
    assert "many: false" not in text and "explanation: null" not in text


def test_a_changed_record_changes_only_its_file(small, tmp_path):
    dump_bank(small, tmp_path / "out")
    before = files_of(tmp_path / "out")
    template = small.get(Template, "caught-mc")
    template.prompt = "Who caught {caught} when he fell at the {event}?"
    small.add(template)
    small.commit()
    report = dump_bank(small, tmp_path / "out")
    after = files_of(tmp_path / "out")

    assert report.written == ["templates/caught.yaml"] and report.removed == []
    assert {p for p in after if after[p] != before.get(p)} == {"templates/caught.yaml"}
    old, new = before["templates/caught.yaml"], after["templates/caught.yaml"]
    assert len(set(old.splitlines()) ^ set(new.splitlines())) == 2  # one line out, one in


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        "No",
        "on",
        "null",
        "~",
        "1.5",
        "2010",
        "0o17",
        "1e3",
        ".inf",
        "2010-09-13",
        "12:30",
        "a: b",
        "a #b",
        "{award}",
        "{winner} won",
        "[x]",
        "- x",
        "@handle",
        "&anchor",
        "*star",
        "!tag",
        "%pct",
        " leading",
        "trailing ",
        "Didn't: stop",
        "\"quoted\" and 'single'",
        "back\\slash: x",
        "x\u2028y",
        "---",
        "emoji 😀",
    ],
)
def test_strings_keep_their_type_and_value(small, tmp_path, value):
    entity = small.get(Entity, sorted(database_rows(small)[Entity])[0])
    entity.name = value
    entity.aliases = [value, "plain"]
    article = small.get(Article, next(iter(database_rows(small)[Article])))
    article.title = value
    article.source = value
    small.add_all([entity, article])
    small.commit()
    dump_bank(small, tmp_path / "out")

    bank = read_bank(tmp_path / "out")
    assert bank.entities[entity.id].name == value
    assert bank.entities[entity.id].aliases == [value, "plain"]
    assert bank.articles[article.id].header.title == value
    assert bank.articles[article.id].header.source == value
    assert bank.articles[article.id].text == article.text


# Characters that YAML treats specially somewhere: indicators, quotes, escapes, line breaks,
# characters it must escape, and text that resolves to another type.
NASTY = [*"abcXYZ019 :#-?,[]{}'\"\\|>&*!%@`~.\t\n\r", "\x85", "\u2028", "\ufeff", "\x7f"]
NASTY += ["é", "😀", "\xa0", "—", "\n\n", " \n", "yes", "null", "1.5", "---", "a: b", "<<"]
# A name holds no control character (the loader refuses one: test_a_control_character_...).
NASTY_IN_NAMES = [text for text in NASTY if not control_characters(text)]


def test_random_awkward_strings_read_back_unchanged(small, tmp_path, faker):
    def awkward() -> str:
        return "".join(
            faker.random.choice(NASTY_IN_NAMES) for _ in range(faker.random.randint(1, 10))
        )

    values = {f"awkward-{i}": (awkward(), [awkward(), awkward()]) for i in range(300)}
    for entity_id, (name, aliases) in values.items():
        small.add(Entity(id=entity_id, name=name, type="person", aliases=aliases))
    small.commit()
    dump_bank(small, tmp_path / "out")  # it refuses a dump that would not read back equal

    bank = read_bank(tmp_path / "out")
    for entity_id, (name, aliases) in values.items():
        assert (bank.entities[entity_id].name, bank.entities[entity_id].aliases) == (name, aliases)


def test_templates_are_ordered_by_id_and_facts_as_their_article_tells_them(small, tmp_path):
    dump_bank(small, tmp_path / "out")
    bank = read_bank(tmp_path / "out")

    assert list(bank.templates) == sorted(bank.templates)
    assert list(bank.kinds) == sorted(bank.kinds)
    order = [
        (f.article, bank.articles[f.article].text.find(f.evidence), f.id)
        for f in bank.facts.values()
    ]
    assert order == sorted(order)


# --- Writing safely --------------------------------------------------------------------------


def test_unrelated_files_survive_and_stale_bank_files_go(small, small_bank_path):
    root = small_bank_path
    (root / "README.md").write_text("Read me\n", encoding="utf-8")
    (root / "notes").mkdir()
    (root / "notes" / "ideas.yaml").write_text("- idea\n", encoding="utf-8")
    (root / "templates" / "NOTES.md").write_text("templates notes\n", encoding="utf-8")
    (root / "templates" / "gone_kind.yml").write_text("[]\n", encoding="utf-8")

    report = dump_bank(small, root)

    assert (root / "README.md").read_text(encoding="utf-8") == "Read me\n"
    assert (root / "notes" / "ideas.yaml").read_text(encoding="utf-8") == "- idea\n"
    assert (root / "templates" / "NOTES.md").exists()
    # The factories write one all.yaml per folder; the dump splits them, so those go too.
    assert report.removed == [
        "entities/all.yaml",
        "facts/all.yaml",
        "templates/all.yaml",
        "templates/gone_kind.yml",
    ]
    assert not (root / "templates" / "gone_kind.yml").exists()
    assert dump.bank_files(root) == set(report.written) | set(report.unchanged)


def test_templates_of_a_removed_kind_are_removed(small, tmp_path):
    dump_bank(small, tmp_path / "out")
    for template in small.exec(select(Template).where(Template.kind == "edition")).all():
        small.delete(template)
    small.commit()
    report = dump_bank(small, tmp_path / "out")

    assert report.removed == ["templates/edition.yaml"]
    assert not (tmp_path / "out" / "templates" / "edition.yaml").exists()


def test_a_bank_the_loader_would_refuse_replaces_nothing(small, small_bank_path, tmp_path):
    before = files_of(small_bank_path)
    fact = small.get(Fact, "f-video")
    fact.evidence = "Words the article never says."
    small.add(fact)
    small.commit()

    with pytest.raises(BankError) as error:
        dump_bank(small, small_bank_path)

    assert "not found verbatim" in str(error.value)
    assert files_of(small_bank_path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_files_that_would_read_back_differently_replace_nothing(
    small, small_bank_path, monkeypatch
):
    before = files_of(small_bank_path)
    real = dump._entity_record
    monkeypatch.setattr(dump, "_entity_record", lambda row: {**real(row), "name": "Someone"})

    with pytest.raises(DumpError, match="entity"):
        dump_bank(small, small_bank_path)

    assert files_of(small_bank_path) == before


def test_an_id_that_is_not_a_file_name_is_refused(small, tmp_path):
    article = small.get(Article, next(iter(database_rows(small)[Article])))
    small.add(Article(**{**article.model_dump(), "id": "../escape"}))
    small.commit()

    with pytest.raises(DumpError, match="cannot be a file name"):
        dump_bank(small, tmp_path / "out")

    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "out").exists()


def test_report_lines():
    report = DumpReport(Path("bank"), written=["kinds.yaml"], removed=["facts/x.yaml"])

    assert report.changed
    assert list(report.lines()) == [
        "wrote    kinds.yaml",
        "removed  facts/x.yaml",
        "1 written, 1 removed, 0 unchanged in bank",
    ]
    assert not DumpReport(Path("bank"), unchanged=["kinds.yaml"]).changed


# (A NUL PostgreSQL would not even store: tests/test_bank_edges.py has it on SQLite.)
@pytest.mark.parametrize("value", ["two\nlines", "crlf\r\nline", "a\x85b", "tab\there", "del\x7f"])
def test_a_control_character_in_a_name_is_not_dumped(small, tmp_path, value):
    # Only the multi-line fields (evidence, explanation, ...) may break lines: a name with a
    # control character written before the request guard existed stops the dump, named.
    entity = small.get(Entity, sorted(database_rows(small)[Entity])[0])
    entity.name = value
    small.add(entity)
    small.commit()

    with pytest.raises(BankError, match=r"name: holds a control character"):
        dump_bank(small, tmp_path / "out")
    assert not (tmp_path / "out").exists()
