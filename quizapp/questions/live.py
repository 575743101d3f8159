"""The generator's context of a database's bank, kept between requests. No Flask.

Building the context (quizapp.questions.generation: every fact, entity and pool of wrong
answers indexed) reads the whole bank; at 100,000 facts that takes seconds. The workspace's
saves and its live preview reuse one context per database instead, keyed by the bank's last
logged change (``change_log``): a save that changes one fact updates the context in place
(``generation.BankContext.apply_fact``) and moves the key on, and any change this process did not
apply (another worker's save, a load from the files) shows as another key, so the context is
brought up to date before it is used: the changes since its key that each name one fact or
one template (another worker's saves, most of what editors do) are read and applied
(``catch_up``), anything else (an entity, an article, a kind, a load from the files) has it
read again whole. Saves that change more than a fact or a template (entities, articles,
merges) drop it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from quizapp.core.database import OUTAGE_ERRORS, outage_cause
from quizapp.models import Change, Fact, Template
from quizapp.questions.generation import BankContext, fact_info, snapshot, template_info
from quizapp.questions.preview import Preview, TemplateDraft, preview_template

log = logging.getLogger(__name__)

# One context per database, used by one thread at a time: a save changes it in place.
_LOCK = threading.RLock()


@dataclass
class _Kept:
    version: tuple[int, dt.datetime] | None
    context: BankContext


_KEPT: dict[str, _Kept] = {}


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=False)


def _version(session: Session, before: int | None = None) -> tuple[int, dt.datetime] | None:
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
        version = _version(session, before)
        kept = _KEPT.get(database)
        if kept is None or (kept.version != version and not catch_up(session, kept, version)):
            kept = _KEPT[database] = _Kept(version, BankContext(snapshot(session)))
        yield kept.context


# Logged changes that leave the bank as a context holds it: quizzes, reports, the review
# gate's publishing (its facts and templates are logged one by one, and caught up as such).
_OUTSIDE_THE_BANK = frozenset({"quiz", "report", "review"})
# Past this many changes to catch up with, reading the bank again is as quick.
CATCH_UP_LIMIT = 2_000


def catch_up(session: Session, kept: _Kept, version: tuple[int, dt.datetime] | None) -> bool:
    """Bring ``kept`` from its version to ``version`` by applying the logged changes between,
    each as the database now holds its fact or template; False (``kept`` possibly changed)
    if that cannot be done and the context must be read again."""
    if version is None or (kept.version is not None and version[0] < kept.version[0]):
        return False
    since = 0  # read before any change was logged: every change since
    if kept.version is not None:
        since, at = kept.version
        # The row the context was keyed by is still there, unchanged: the same database.
        if session.exec(select(Change.at).where(Change.id == since)).first() != at:
            return False
    rows = session.exec(
        select(Change.subject, Change.subject_id)
        .where(col(Change.id) > since, col(Change.id) <= version[0])
        .order_by(col(Change.id))
        .limit(CATCH_UP_LIMIT + 1)
    ).all()
    if len(rows) > CATCH_UP_LIMIT or any(
        subject not in ("fact", "template") and subject not in _OUTSIDE_THE_BANK
        for subject, _ in rows
    ):
        return False
    context = kept.context
    for subject, subject_id in rows:
        if subject == "fact":
            known = context.known_fact(subject_id)
            row = session.exec(
                select(Fact).where(Fact.id == subject_id).execution_options(populate_existing=True)
            ).first()
            new = fact_info(row) if row is not None else None
            if known is None and new is None:
                continue
            if new is not None and any(
                e not in context.bank.entities for e in context.entities_of(new)
            ):
                return False  # an entity this context has never seen: read it all again
            context.apply_fact(
                known[0] if known else None,
                new,
                was_live=known[1] if known else False,
                is_live=row is not None and not row.retired,
                later=set(),  # the pairs are not wanted: only the indexes
            )
        elif subject == "template":
            template = session.exec(
                select(Template)
                .where(Template.id == subject_id)
                .execution_options(populate_existing=True)
            ).first()
            context.set_template(template_info(template) if template else None, subject_id)
    kept.version = version
    return True


_WARMING: set[str] = set()  # databases whose context a thread is reading


def read_ahead(session: Session) -> None:
    """Read (or bring up to date) ``session``'s database's context and plan its published
    templates, so that a save finds both ready."""
    with context(session) as kept:
        kept.plan_published()


def warm_up(engine: Engine) -> bool:
    """Start reading the context of ``engine``'s database in a thread of its own, unless it
    is kept or being read: an editor's first save or preview in this process then waits for
    what is left of that (seconds at 100,000 facts) rather than for all of it. Whether a
    thread was started."""
    database = engine.url.render_as_string(hide_password=False)
    # Never waits: whoever holds the lock is using the context or reading it already.
    if database in _KEPT or not _LOCK.acquire(blocking=False):
        return False
    try:
        if database in _KEPT or database in _WARMING:
            return False
        _WARMING.add(database)
    finally:
        _LOCK.release()

    def read() -> None:
        try:
            with Session(engine) as session:
                read_ahead(session)
        except OUTAGE_ERRORS as error:  # the first save reads it then
            log.warning("database unavailable for reading the bank ahead: %s", outage_cause(error))
        except Exception:  # the first save reads it then, and says what is wrong
            log.warning("could not read the bank's generator context ahead", exc_info=True)
        finally:
            with _LOCK:
                _WARMING.discard(database)

    threading.Thread(target=read, name="quizapp-warm-up", daemon=True).start()
    return True


def kept_version(session: Session) -> int | None:
    """The id of the last change the kept context of ``session``'s database holds (None: it
    was read before any); call it inside ``context``, which brought it up to date."""
    with _LOCK:
        kept = _KEPT.get(_database(session))
        return kept.version[0] if kept is not None and kept.version is not None else None


def bank_changed_since(session: Session, since: int | None, *, before: int) -> bool:
    """Whether any change to the bank (not to quizzes or reports) was logged after change
    ``since`` (None: ever) and before change ``before``."""
    query = select(Change.id).where(
        col(Change.id) > (since or 0),
        col(Change.id) < before,
        col(Change.subject).not_in(sorted(_OUTSIDE_THE_BANK)),
    )
    return session.exec(query.limit(1)).first() is not None


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
