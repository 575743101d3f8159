"""Benchmark: how long an editor waits for the workspace at 1k and 10k facts.

Every save in the workspace goes through one path (quizapp/workspace/edits.py): take the write lock,
read the bank from the database, apply the change, check the whole bank with the loader's
rules, write the difference, regenerate what the change can affect, commit. The reading and
the checking are whole-bank work, so a save costs more as the bank grows; this script shows
how much.

For each size it writes the synthetic bank of bench/load_generate.py, loads it into a fresh
SQLite file and generates its questions, then times, ``--runs`` times each, in one process:

- the live preview of a template (what the template form asks on each pause in typing);
- saving a new template as a draft, and publishing it (its questions are made);
- correcting a fact (its kind's questions are regenerated);
- retiring a fact.

It prints the median and the slowest run of each in ms. There is no target in the issues for
these; the figures are recorded in docs/benchmarks.md for planning. It always exits 0.

    .venv/bin/python bench/editing.py [--sizes 1000,10000] [--runs 5] [--seed N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from load_generate import build_bank  # bench/ is on sys.path when a script runs
from machine_info import busy_warning, hardware, load_average, runtime, source_digest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # Run as a plain script from a checkout: make `quizapp` importable without installing it.
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (1_000, 10_000)
PROMPT = "Which act collected {award} at the {event}?"


def timed(action: Callable[[int], object], runs: int) -> list[float]:
    """Run ``action(n)`` for n in 0..runs-1; the milliseconds each run took."""
    spent = []
    for n in range(runs):
        started = time.perf_counter()
        action(n)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def measure(facts: int, runs: int, seed: int) -> dict[str, list[float]]:
    """Build and load a bank of ``facts`` facts, then time each workspace action."""
    from sqlmodel import Session, select

    from quizapp.bank.files import read_bank
    from quizapp.bank.sync import write_bank
    from quizapp.core.database import create_schema, make_engine
    from quizapp.models import Fact
    from quizapp.questions.generation import rebuild_questions, snapshot
    from quizapp.questions.preview import TemplateDraft, preview_template
    from quizapp.workspace import edits

    work = Path(tempfile.mkdtemp(prefix="quizapp-bench-editing-"))
    build_bank(work / "bank", facts, seed)
    engine = make_engine(f"sqlite:///{work / 'bench.sqlite'}")
    create_schema(engine)
    results: dict[str, list[float]] = {}
    with Session(engine) as session:
        write_bank(session, read_bank(work / "bank"))
        rebuild_questions(session, seed)
        picked = session.exec(
            select(Fact).where(Fact.kind == "award_win").order_by(Fact.id).limit(2 * runs)
        ).all()
        fact_rows = [(f.id, f.kind, f.article_id, dict(f.roles), f.evidence) for f in picked]

        def preview(n: int) -> None:
            # As the view does: a snapshot of the bank, then the generator on the draft.
            draft = TemplateDraft("award_win", "typed", PROMPT, "winner", None, None)
            preview_template(snapshot(session), draft, seed=seed)

        drafts: list[str] = []

        def save_draft(n: int) -> None:
            saved = edits.save_template(
                session,
                editor_id=None,
                kind="award_win",
                style="typed",
                prompt=f"Which act collected {{award}} at the {{event}}, take {n + 1}?",
                answer_role="winner",
                seed=seed,
            )
            drafts.append(saved.id)

        def publish(n: int) -> None:
            edits.save_template(
                session,
                editor_id=None,
                template_id=drafts[n],
                kind="award_win",
                style="typed",
                prompt=f"Which act collected {{award}} at the {{event}}, take {n + 1}?",
                answer_role="winner",
                status="published",
                seed=seed,
            )

        def correct_fact(n: int) -> None:
            fact_id, kind, article, roles, evidence = fact_rows[n]
            edits.save_fact(
                session,
                editor_id=None,
                fact_id=fact_id,
                kind=kind,
                article_id=article,
                roles=roles,
                evidence=evidence,
                seed=seed,
            )

        def retire_fact(n: int) -> None:
            edits.retire_fact(session, editor_id=None, fact_id=fact_rows[runs + n][0], seed=seed)

        for name, action in (
            ("live preview of a template", preview),
            ("save a new template as a draft", save_draft),
            ("publish that template", publish),
            ("correct a fact", correct_fact),
            ("retire a fact", retire_fact),
        ):
            results[name] = timed(action, runs)
    engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="bank sizes in facts, multiples of 10, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each action (default: 5)")
    parser.add_argument("--seed", type=int, default=2026, help="bank and generation seed")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes must be whole numbers separated by commas, not {args.sizes!r}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    print(f"machine: {hardware()}")
    print(f"software: {runtime()}; quizapp sources {source_digest()}")
    print(f"load average at the start: {load_average()}")
    if warning := busy_warning():
        print(warning)
    table: dict[str, dict[int, list[float]]] = {}
    for size in sizes:
        print(f"{size:,} facts: building, loading and generating ...", flush=True)
        for name, spent in measure(size, args.runs, args.seed).items():
            table.setdefault(name, {})[size] = spent
    print()
    header = " | ".join(f"{size:,} facts: median (slowest)" for size in sizes)
    print(f"| action | {header} |")
    print("| --- |" + " ---: |" * len(sizes))
    for name, by_size in table.items():
        cells = " | ".join(
            f"{statistics.median(by_size[s]):,.0f} ms ({max(by_size[s]):,.0f})" for s in sizes
        )
        print(f"| {name} | {cells} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
