"""The generator's context of a database's bank, kept between requests. No Flask.

Building the context (quizapp.questions.generation: every fact, entity and pool of wrong
answers indexed) reads the whole bank; at 100,000 facts that takes seconds. The workspace's
saves and its live preview reuse one context per database instead, keyed by the bank's last
logged change (``change_log``): a save that changes one fact updates the context in place
(``generation.BankContext.apply_fact``) and moves the key on, and any change this process did not
apply (another worker's save, a load from the files) shows as another key, so the context is
read again before it is used. Saves that change more than a fact or a template (entities,
articles, merges) drop it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import Session, col, select

from quizapp.models import Change
from quizapp.questions.generation import BankContext, snapshot
from quizapp.questions.preview import Preview, TemplateDraft, preview_template

# One context per database, used by one thread at a time: a save changes it in place.
_LOCK = threading.RLock()


@dataclass
class _Kept:
    version: tuple[int, dt.datetime] | None
    context: BankContext


_KEPT: dict[str, _Kept] = {}


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=False)


def version_of(session: Session, before: int | None = None) -> tuple[int, dt.datetime] | None:
    """The bank's last logged change (before change ``before``, if given) as (id, time)."""
    query = select(Change.id, Change.at).order_by(col(Change.id).desc()).limit(1)
    if before is not None:
        query = query.where(col(Change.id) < before)
    row = session.exec(query).first()
    if row is None or row[0] is None:
        return None
    return (row[0], row[1])


@contextlib.contextmanager
def context(session: Session, *, before: int | None = None) -> Iterator[BankContext]:
    """The bank's context, read again first if the bank changed since it was kept.

    ``before``: the id of the change the caller is making (its row is already written), so
    that the context is checked against the bank as it was before that change.
    """
    with _LOCK:
        database = _database(session)
        version = version_of(session, before)
        kept = _KEPT.get(database)
        if kept is None or kept.version != version:
            kept = _KEPT[database] = _Kept(version, BankContext(snapshot(session)))
        yield kept.context


def advance(session: Session, change_id: int) -> None:
    """The kept context now holds change ``change_id`` (committed): key it so."""
    with _LOCK:
        kept = _KEPT.get(_database(session))
        if kept is not None:
            row = session.exec(select(Change.at).where(Change.id == change_id)).first()
            kept.version = (change_id, row) if row is not None else None


def forget(session: Session | None = None) -> None:
    """Drop the kept context of ``session``'s database (of every database: None), after a
    change it does not follow or a save that failed half way through updating it."""
    with _LOCK:
        if session is None:
            _KEPT.clear()
        else:
            _KEPT.pop(_database(session), None)


# The live preview tries a draft on at most this many of its kind's facts, spread over them:
# enough to show its questions and the problems of most facts while the editor types, in a
# fraction of a second at any size. Publishing checks every fact.
PREVIEW_FACTS = 400


def preview(session: Session, draft: TemplateDraft, *, seed: int) -> Preview:
    """The live preview of a template being written, on the kept context."""
    with context(session) as kept:
        return preview_template(kept.bank, draft, seed=seed, context=kept, sample=PREVIEW_FACTS)
