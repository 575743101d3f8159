"""The unseen article (tests/data/unseen_bank) added through the workspace, as an editor would:
its entities, the article and its facts saved one by one with quizapp.workspace.edits."""

import shutil
from pathlib import Path

from sqlmodel import Session

from quizapp.bank.files import read_bank
from quizapp.workspace import edits
from tests.conftest import BUNDLED_BANK

UNSEEN = Path(__file__).parent / "data" / "unseen_bank"
ARTICLE = "vma-2013-recap"


def unseen_records(tmp: Path):
    """The unseen article's records, read by the loader beside the bundled bank."""
    root = tmp / "unseen-bank"
    if not root.exists():
        shutil.copytree(BUNDLED_BANK, root)
        for folder in ("articles", "entities", "facts"):
            for source in (UNSEEN / folder).iterdir():
                shutil.copy(source, root / folder / source.name)
    bank = read_bank(root)
    bundled = read_bank(BUNDLED_BANK)
    entities = [e for e in bank.entities.values() if e.id not in bundled.entities]
    facts = [f for f in bank.facts.values() if f.article == ARTICLE]
    return entities, bank.articles[ARTICLE], facts


def add_unseen_article(db: Session, tmp: Path, *, seed: int) -> tuple[str, list[str]]:
    """Save the unseen article's entities, text and facts in the workspace; return the
    article's id and its facts' ids as the workspace gave them."""
    entities, article, facts = unseen_records(tmp)
    ids: dict[str, str] = {}
    for entity in entities:
        saved = edits.save_entity(
            db,
            editor_id=None,
            name=entity.name,
            type_=entity.type,
            aliases=entity.aliases,
            tags=entity.tags,
            seed=seed,
        )
        ids[entity.id] = saved.id
    header = article.header
    article_id = edits.add_article(
        db,
        editor_id=None,
        title=header.title,
        date=header.date,
        source=header.source,
        text_=article.text,
        event_id=ids.get(header.event or "", header.event),
    ).id
    fact_ids = []
    for fact in facts:
        roles = {
            role: [ids.get(v, v) for v in value]
            if isinstance(value, list)
            else ids.get(value, value)
            if isinstance(value, str)
            else value
            for role, value in fact.roles.items()
        }
        saved = edits.save_fact(
            db,
            editor_id=None,
            kind=fact.kind,
            article_id=article_id,
            roles=roles,
            evidence=fact.evidence,
            open_roles=fact.open,
            seed=seed,
        )
        fact_ids.append(saved.id)
    return article_id, fact_ids
