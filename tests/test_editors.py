"""Editor accounts as plain Python: no app, a session on a fresh database."""

import pytest
from sqlmodel import Session, select

from quizapp.core.database import make_engine
from quizapp.models import Editor
from quizapp.workspace import accounts
from quizapp.workspace.accounts import EditorError, EditorNotFound, authenticate, create_editor
from tests.conftest import create_tables
from tests.factories import EDITOR_PASSWORD, make_editor


@pytest.fixture
def db(database_url: str):
    """A session on a fresh database with every table."""
    create_tables(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


# --- Creating -------------------------------------------------------------------------------------


def test_create_editor_stores_a_hash_and_a_casefolded_key(db):
    editor = create_editor(db, name="  Ann.Lee ", password="a long passphrase")

    assert editor.id is not None
    assert (editor.name, editor.name_key, editor.role, editor.active) == (
        "Ann.Lee",
        "ann.lee",
        "editor",
        True,
    )
    assert "a long passphrase" not in editor.password_hash
    assert editor.password_hash.startswith("pbkdf2:")  # the tests' cheap method


def test_the_real_hash_method_is_scrypt(db, monkeypatch):
    monkeypatch.setattr(accounts, "PASSWORD_HASH_METHOD", "scrypt")

    editor = create_editor(db, name="ann", password="a long passphrase")

    assert editor.password_hash.startswith("scrypt:")
    assert authenticate(db, name="ann", password="a long passphrase") is editor


def test_create_editor_leaves_the_commit_to_the_caller(db):
    create_editor(db, name="ann", password="a long passphrase", role="admin")
    db.rollback()

    assert db.exec(select(Editor)).all() == []


@pytest.mark.parametrize(
    ("name", "password", "role", "says"),
    [
        ("a", "a long passphrase", "editor", "2 to 40 characters"),
        ("a" * 41, "a long passphrase", "editor", "2 to 40 characters"),
        ("ann lee", "a long passphrase", "editor", "letters a-z, digits and . _ -"),
        ("ann!", "a long passphrase", "editor", "letters a-z, digits and . _ -"),
        ("\u0430nn", "a long passphrase", "editor", "letters a-z"),  # Cyrillic a
        ("ann", "too short", "editor", "at least 10 characters"),
        ("ann", "x" * 201, "editor", "at most 200 characters"),
        ("Ann-Editor", "ann-editor", "editor", "must not be the name"),
        ("ann", "a long passphrase", "owner", "one of: editor, admin"),
    ],
)
def test_create_editor_says_what_to_fix(db, name, password, role, says):
    with pytest.raises(EditorError) as refused:
        create_editor(db, name=name, password=password, role=role)

    assert says in refused.value.message
    assert password not in refused.value.message


def test_names_are_unique_ignoring_case(db, faker):
    make_editor(db, faker, name="Ann")

    with pytest.raises(EditorError, match="'ANN' is taken"):
        create_editor(db, name="ANN", password="a long passphrase")


# --- Authenticating -------------------------------------------------------------------------------


def test_authenticate_finds_the_editor_by_name_ignoring_case(db, faker):
    editor = make_editor(db, faker, name="Ann")

    assert authenticate(db, name=" aNN ", password=EDITOR_PASSWORD) == editor


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("Ann", "not the password"),
        ("Ann", EDITOR_PASSWORD.upper()),
        ("Bob", EDITOR_PASSWORD),
        ("x" * 500, EDITOR_PASSWORD),
        ("", ""),
    ],
)
def test_authenticate_refuses_any_mismatch(db, faker, name, password):
    make_editor(db, faker, name="Ann")

    assert authenticate(db, name=name, password=password) is None


def test_a_deactivated_editor_cannot_authenticate(db, faker):
    make_editor(db, faker, name="Ann", active=False)

    assert authenticate(db, name="Ann", password=EDITOR_PASSWORD) is None


@pytest.mark.parametrize("name", ["Ann", "Nobody"])
def test_authenticate_checks_one_hash_whether_or_not_the_name_exists(db, faker, monkeypatch, name):
    make_editor(db, faker, name="Ann")
    checked = []

    def spy(stored: str, password: str) -> bool:
        checked.append(stored)
        return False

    monkeypatch.setattr(accounts, "check_password_hash", spy)

    assert authenticate(db, name=name, password="wrong password") is None
    assert len(checked) == 1 and checked[0].startswith("pbkdf2:sha256:1000$")


# --- Changing -------------------------------------------------------------------------------------


def test_list_editors_orders_by_name_ignoring_case(db, faker):
    for name in ("carl", "Bea", "ann"):
        make_editor(db, faker, name=name)

    assert [e.name for e in accounts.list_editors(db)] == ["ann", "Bea", "carl"]


def test_set_password_replaces_the_old_one(db, faker):
    editor = make_editor(db, faker, name="Ann")

    accounts.set_password(db, editor_id=editor.id, password="a brand new one")

    assert authenticate(db, name="Ann", password=EDITOR_PASSWORD) is None
    assert authenticate(db, name="Ann", password="a brand new one") == editor
    with pytest.raises(EditorError, match="must not be the name"):
        accounts.set_password(db, editor_id=editor.id, password="ANN       ")


def test_deactivate_and_reactivate(db, faker):
    admin = make_editor(db, faker, role="admin")
    editor = make_editor(db, faker)

    accounts.set_active(db, editor_id=editor.id, active=False, acting_id=admin.id)
    assert not editor.active
    accounts.set_active(db, editor_id=editor.id, active=True, acting_id=admin.id)
    assert editor.active


def test_an_admin_can_demote_another_admin(db, faker):
    ann = make_editor(db, faker, role="admin")
    bob = make_editor(db, faker, role="admin")

    accounts.set_role(db, editor_id=bob.id, role="editor", acting_id=ann.id)

    assert bob.role == "editor"


@pytest.mark.parametrize(
    "change",
    [
        lambda db, me: accounts.set_active(db, editor_id=me.id, active=False, acting_id=me.id),
        lambda db, me: accounts.set_role(db, editor_id=me.id, role="editor", acting_id=me.id),
    ],
    ids=["deactivate", "demote"],
)
def test_an_admin_cannot_deactivate_or_demote_themselves(db, faker, change):
    me = make_editor(db, faker, role="admin")
    make_editor(db, faker, role="admin")

    with pytest.raises(EditorError, match="at least one admin remains"):
        change(db, me)
    assert me.active and me.role == "admin"


def test_the_last_active_admin_stays_an_admin(db, faker):
    last = make_editor(db, faker, name="Ann", role="admin")
    make_editor(db, faker, role="admin", active=False)

    with pytest.raises(EditorError, match="Ann is the last active admin"):
        accounts.set_role(db, editor_id=last.id, role="editor")
    with pytest.raises(EditorError, match="Ann is the last active admin"):
        accounts.set_active(db, editor_id=last.id, active=False)


def test_an_unknown_editor_is_not_found(db):
    with pytest.raises(EditorNotFound, match="no editor with id 42"):
        accounts.set_role(db, editor_id=42, role="admin")


def test_an_unknown_role_is_refused(db, faker):
    editor = make_editor(db, faker)

    with pytest.raises(EditorError, match="one of: editor, admin"):
        accounts.set_role(db, editor_id=editor.id, role="root")
