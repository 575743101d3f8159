"""Editor accounts: creating them, checking a password, roles and deactivation. No Flask.

Passwords are only ever hashed (werkzeug.security) and compared; nothing here logs or returns
one. Functions that change rows leave the commit to the caller, so a view or a CLI command can
commit the change together with anything else it does.
"""

from __future__ import annotations

import functools
import re

from sqlalchemy import update
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.models import EDITOR_ROLES, Editor

NAME_MIN, NAME_MAX = 2, 40
PASSWORD_MIN, PASSWORD_MAX = 10, 200
# werkzeug's default, named so that tests can swap in a cheap method (see tests/conftest.py).
PASSWORD_HASH_METHOD = "scrypt"

# ASCII only: login names are typed, not displayed, and Cyrillic "а" in "аdmin" would pass
# for another person's name.
_NAME_CHARS = re.compile(r"^[A-Za-z0-9._-]+$")


class EditorError(Exception):
    """A change to editor accounts that is refused; ``message`` says what to fix."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EditorNotFound(EditorError):
    """No editor has that id."""


def name_key(name: str) -> str:
    """The form of a login name that must be unique: "Ann" and "ann" are one name."""
    return name.strip().casefold()


def clean_name(raw: str) -> str:
    """Return the login name as stored, or raise EditorError saying what to fix."""
    name = raw.strip()
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise EditorError(f"the name must be {NAME_MIN} to {NAME_MAX} characters long")
    if not _NAME_CHARS.match(name):
        raise EditorError("the name may only use letters a-z, digits and . _ -")
    return name


def check_new_password(password: str, *, name: str) -> None:
    """Raise EditorError unless ``password`` is acceptable for the editor called ``name``."""
    if len(password) < PASSWORD_MIN:
        raise EditorError(f"the password must be at least {PASSWORD_MIN} characters long")
    if len(password) > PASSWORD_MAX:
        raise EditorError(f"the password must be at most {PASSWORD_MAX} characters long")
    if password.strip().casefold() == name_key(name):
        raise EditorError("the password must not be the name")


def _check_role(role: str) -> None:
    if role not in EDITOR_ROLES:
        raise EditorError(f"the role must be one of: {', '.join(EDITOR_ROLES)}")


def _hash(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


@functools.cache
def _dummy_hash(method: str) -> str:
    # Checked against when the name is unknown, so that both halves cost one hash check.
    return generate_password_hash("no editor has this password", method=method)


def get_editor_by_name(session: Session, name: str) -> Editor | None:
    """The editor whose name matches ``name`` ignoring case, or None."""
    return session.exec(select(Editor).where(Editor.name_key == name_key(name))).first()


def get_editor(session: Session, editor_id: int) -> Editor:
    """The editor with ``editor_id``; EditorNotFound if there is none."""
    editor = session.get(Editor, editor_id)
    if editor is None:
        raise EditorNotFound(f"there is no editor with id {editor_id}")
    return editor


def get_active_editor(session: Session, editor_id: int) -> Editor | None:
    """The editor with ``editor_id`` if it exists and is active, else None."""
    editor = session.get(Editor, editor_id)
    return editor if editor is not None and editor.active else None


def end_logins(session: Session, editor_id: int) -> None:
    """End every login of the editor (logging out): their cookies name an older epoch now.

    One UPDATE, counted in the database, so that two logouts at once both count; not committed.
    """
    session.execute(
        update(Editor).where(col(Editor.id) == editor_id).values(login_epoch=Editor.login_epoch + 1)
    )


def list_editors(session: Session) -> list[Editor]:
    """Every editor, active or not, by name ignoring case."""
    return list(session.exec(select(Editor).order_by(Editor.name_key)).all())


def create_editor(session: Session, *, name: str, password: str, role: str = "editor") -> Editor:
    """Add an active editor with a hashed password and return it (flushed, not committed).

    The name is 2-40 letters, digits or . _ -, unique ignoring case; the password is 10-200
    characters and not the name; the role is one of EDITOR_ROLES. Anything else raises
    EditorError saying what to fix.
    """
    name = clean_name(name)
    check_new_password(password, name=name)
    _check_role(role)
    if get_editor_by_name(session, name) is not None:
        raise EditorError(f"the name {name!r} is taken (names are the same ignoring case)")
    editor = Editor(name=name, name_key=name_key(name), password_hash=_hash(password), role=role)
    session.add(editor)
    session.flush()  # gives the id, and lets the unique index speak before the caller commits
    return editor


def authenticate(session: Session, *, name: str, password: str) -> Editor | None:
    """The active editor with this name and password, or None for any mismatch.

    One password hash is checked whether or not the name exists (against a dummy hash when
    it does not), so the time taken does not tell which half was wrong.
    """
    editor = get_editor_by_name(session, name) if len(name) <= NAME_MAX else None
    stored = editor.password_hash if editor else _dummy_hash(PASSWORD_HASH_METHOD)
    matches = check_password_hash(stored, password)
    if editor is None or not matches or not editor.active:
        return None
    return editor


def _other_active_admins(session: Session, editor: Editor) -> int:
    admins = session.exec(
        select(Editor.id).where(Editor.role == "admin", Editor.active, Editor.id != editor.id)
    ).all()
    return len(admins)


def _keep_an_admin(session: Session, editor: Editor, *, acting_id: int | None, what: str) -> None:
    """Refuse to take the admin role away from ``editor`` by ``what`` if that leaves none."""
    if editor.role != "admin" or not editor.active:
        return
    if acting_id == editor.id:
        raise EditorError(
            f"you cannot {what} yourself: ask another admin to do it, "
            "so that at least one admin remains"
        )
    if _other_active_admins(session, editor) == 0:
        raise EditorError(f"{editor.name} is the last active admin: make another admin first")


def set_active(
    session: Session, *, editor_id: int, active: bool, acting_id: int | None = None
) -> Editor:
    """Deactivate (they can no longer log in) or reactivate an editor; not committed.

    ``acting_id`` is the admin making the change: nobody deactivates themselves, and the last
    active admin stays, so that someone can always manage editors.
    """
    editor = get_editor(session, editor_id)
    if not active:
        _keep_an_admin(session, editor, acting_id=acting_id, what="deactivate")
    editor.active = active
    session.add(editor)
    return editor


def set_role(
    session: Session, *, editor_id: int, role: str, acting_id: int | None = None
) -> Editor:
    """Change an editor's role; not committed. Admins cannot demote themselves or the last admin."""
    _check_role(role)
    editor = get_editor(session, editor_id)
    if role != "admin":
        _keep_an_admin(session, editor, acting_id=acting_id, what="demote")
    editor.role = role
    session.add(editor)
    return editor


def set_password(session: Session, *, editor_id: int, password: str) -> Editor:
    """Give an editor a new password (same rules as at creation); not committed."""
    editor = get_editor(session, editor_id)
    check_new_password(password, name=editor.name)
    editor.password_hash = _hash(password)
    session.add(editor)
    return editor
