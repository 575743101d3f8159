"""The files and the database: `quizapp dump-bank`, and `load-bank` guarding workspace edits."""

from sqlmodel import select

from quizapp.bank.files import read_bank
from quizapp.bank.sync import bank_rows
from quizapp.models import Entity
from quizapp.workspace import edits


def test_dump_bank_writes_files_the_loader_reads_back(runner, session, tmp_path):
    assert runner.invoke(args=["load-bank"]).exit_code == 0
    edits.save_entity(
        session, editor_id=None, name="Doja Cat", type_="person", aliases=["Doja"], seed=2026
    )

    result = runner.invoke(args=["dump-bank", str(tmp_path / "bank")])

    assert result.exit_code == 0, result.output
    assert "Dumped the bank to" in result.output
    dumped = read_bank(tmp_path / "bank")
    assert dumped.entities["doja-cat"].aliases == ["Doja"]
    assert bank_rows(dumped) == bank_rows(edits.bank_from_db(session))


def test_load_bank_refuses_to_drop_workspace_changes_until_they_are_dumped(
    runner, session, tmp_path
):
    assert runner.invoke(args=["load-bank"]).exit_code == 0
    edits.save_entity(session, editor_id=None, name="Doja Cat", type_="person", seed=2026)

    refused = runner.invoke(args=["load-bank"])

    assert refused.exit_code == 1
    assert "1 change(s) that are not in the files yet" in refused.output
    assert "quizapp dump-bank" in refused.output
    session.expire_all()
    assert session.get(Entity, "doja-cat") is not None

    assert runner.invoke(args=["dump-bank", str(tmp_path / "bank")]).exit_code == 0
    assert runner.invoke(args=["load-bank", str(tmp_path / "bank")]).exit_code == 0
    session.expire_all()
    assert session.get(Entity, "doja-cat") is not None


def test_load_bank_can_be_told_to_discard_workspace_changes(runner, session):
    assert runner.invoke(args=["load-bank"]).exit_code == 0
    edits.save_entity(session, editor_id=None, name="Doja Cat", type_="person", seed=2026)

    result = runner.invoke(args=["load-bank", "--discard-workspace-changes"])

    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.exec(select(Entity).where(Entity.id == "doja-cat")).first() is None
    assert edits.unsaved_changes(session) == 0


def test_a_refused_dump_writes_nothing(runner, session, tmp_path):
    assert runner.invoke(args=["load-bank"]).exit_code == 0
    session.add(Entity(id="../escape", name="Escape", type="person"))
    session.commit()

    result = runner.invoke(args=["dump-bank", str(tmp_path / "bank")])

    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert not (tmp_path / "bank" / "kinds.yaml").exists()


def test_a_dump_says_what_waits_for_review_and_a_load_publishes_it(runner, session, tmp_path):
    from quizapp.models import Fact
    from quizapp.workspace.review import pending_count

    assert runner.invoke(args=["load-bank"]).exit_code == 0
    fact = session.exec(select(Fact).where(Fact.kind == "band_member")).first()
    edits.restore_fact(session, editor_id=None, fact_id=fact.id, seed=2026)  # a save: pending

    dumped = runner.invoke(args=["dump-bank", str(tmp_path / "bank")])

    assert dumped.exit_code == 0, dumped.output
    assert "1 saved fact(s) or template(s) still wait for review" in dumped.output
    assert runner.invoke(args=["load-bank", str(tmp_path / "bank")]).exit_code == 0
    session.expire_all()
    assert pending_count(session) == 0  # the files are the reviewed copy
