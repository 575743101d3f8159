"""Quiz quality on the bundled bank: what the quiz rules of docs/game.md leave in the quizzes.

It loads the bundled question bank (question_bank/) into a fresh SQLite file, generates its
questions (seed 2026, as `quizapp generate` does by default) and builds the quizzes for a
fixed day, then reads the built quizzes back and counts, per quiz and in total:

- quizzes and items;
- items repeating a fact already asked earlier in the same quiz;
- true/false items, true and false, and which comes first;
- give-aways: an item whose answer (any accepted form, or a name or alias of the answer's
  entities, folded by quizapp/core/text.py, whole words) appears, together with every other
  entity of its fact that its prompt names, in what an earlier item of the same quiz showed
  (prompt, solution, explanation, evidence: wrong choices tell nothing); for a true/false
  item, its evidence sentence shown by an earlier item. This is counted here from the built items,
  not by the selection code, so a bug in selection shows up;
- topic quizzes' items whose answer is the topic.

It prints the figures and always exits 0. It takes a few seconds.

    .venv/bin/python bench/quiz_quality.py [--seed N] [--count N] [--bank PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # Run as a plain script from a checkout: make `quizapp` importable without installing it.
    sys.path.insert(0, str(ROOT))

DAY = dt.date(2026, 11, 22)


def _contains(shown: str, form: str) -> bool:
    return bool(form) and f" {form} " in f" {shown} "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026, help="generation seed (2026)")
    parser.add_argument("--count", type=int, default=10, help="questions per quiz (10)")
    parser.add_argument("--bank", type=Path, default=ROOT / "question_bank")
    args = parser.parse_args()

    from sqlmodel import Session, select

    from quizapp.bank.sync import load_bank
    from quizapp.core.database import create_schema, make_engine
    from quizapp.core.settings import QuizSettings
    from quizapp.core.text import fold
    from quizapp.game.quizzes import build_quizzes
    from quizapp.models import Entity, FactEntity, Question, Quiz, QuizItem, Template
    from quizapp.questions.generation import rebuild_questions

    work = Path(tempfile.mkdtemp(prefix="quizapp-bench-quiz-"))
    engine = make_engine(f"sqlite:///{work / 'bench.sqlite'}")
    create_schema(engine)
    with Session(engine) as session:
        load_bank(session, args.bank)
        generated = rebuild_questions(session, args.seed)
        build_quizzes(session, today=DAY, settings=QuizSettings(count=args.count))
        questions = len(session.exec(select(Question.id)).all())
        facts_with_questions = len(set(session.exec(select(Question.fact_id))))
        names = {e.id: [e.name, *e.aliases] for e in session.exec(select(Entity))}
        answer_role = dict(session.exec(select(Template.id, Template.answer_role)).all())
        answer_entities: dict[tuple[str, str], set[str]] = defaultdict(set)
        fact_entities: dict[str, set[str]] = defaultdict(set)
        for fact_id, role, entity_id in session.exec(
            select(FactEntity.fact_id, FactEntity.role, FactEntity.entity_id)
        ):
            answer_entities[(fact_id, role)].add(entity_id)
            fact_entities[fact_id].add(entity_id)
        quizzes = session.exec(select(Quiz).order_by(Quiz.scope, Quiz.id)).all()
        items: dict[str, list[QuizItem]] = defaultdict(list)
        for item in session.exec(select(QuizItem).order_by(QuizItem.quiz_id, QuizItem.position)):
            items[item.quiz_id].append(item)

    print(f"bank: {args.bank}; seed {args.seed}; {args.count} questions per quiz; day {DAY}")
    left_out = len(generated.skipped)
    print(f"questions: {questions} on {facts_with_questions} facts ({left_out} pairs left out)")
    print()
    header = f"{'quiz':<44} {'items':>5} {'facts':>5} {'repeat':>6} {'T/F':>9} {'first':>5}"
    print(header + f" {'give-aways':>10} {'topic ans':>9}")
    totals = defaultdict(int)
    for quiz in quizzes:
        quiz_items = items[quiz.id]
        seen_facts: set[str] = set()
        repeats = 0
        shown_before: list[str] = []
        give_aways = 0
        topic_answers = 0
        truths = [i.answer == ["true"] for i in quiz_items if i.style == "true_false"]
        for item in quiz_items:
            repeats += item.fact_id in seen_facts
            seen_facts.add(item.fact_id)
            entities = answer_entities[(item.fact_id, answer_role.get(item.template_id, ""))]
            context: list[set[str]] = []
            if item.style == "true_false":
                hidden = {fold(item.evidence)}
            else:
                hidden = {fold(f) for part in item.accepted for f in part}
                hidden |= {fold(n) for e in entities for n in names.get(e, [])}
                for other in fact_entities[item.fact_id] - entities:
                    forms = {fold(n) for n in names.get(other, [])}
                    if any(_contains(fold(item.prompt), form) for form in forms):
                        context.append(forms)
            if any(
                any(_contains(shown, form) for form in hidden)
                and all(any(_contains(shown, form) for form in forms) for forms in context)
                for shown in shown_before
            ):
                give_aways += 1
            if quiz.scope == "entity" and quiz.scope_id in entities:
                topic_answers += 1
            pieces = [item.prompt, item.solution, item.explanation or ""]
            shown_before.append(" | ".join(fold(p) for p in [*pieces, item.evidence]))
        true_count, false_count = sum(truths), len(truths) - sum(truths)
        first = "-" if not truths else ("true" if truths[0] else "false")
        print(
            f"{quiz.id[:44]:<44} {len(quiz_items):>5} {len(seen_facts):>5} {repeats:>6} "
            f"{f'{true_count}T/{false_count}F':>9} {first:>5} {give_aways:>10} "
            f"{topic_answers if quiz.scope == 'entity' else '-':>9}"
        )
        totals["quizzes"] += 1
        totals["items"] += len(quiz_items)
        totals["repeats"] += repeats
        totals["give_aways"] += give_aways
        totals["true"] += true_count
        totals["false"] += false_count
        totals["first_false"] += first == "false"
        totals["with_tf"] += bool(truths)
        totals["unbalanced"] += abs(true_count - false_count) > 1
        totals["topic_answers_over_one"] += topic_answers > 1
    print()
    print(f"quizzes: {totals['quizzes']}; items: {totals['items']}")
    print(f"items repeating a fact of the same quiz: {totals['repeats']}")
    print(
        f"true/false items: {totals['true']} true, {totals['false']} false; quizzes with "
        f"true/false: {totals['with_tf']}, first one false in {totals['first_false']}, "
        f"true and false apart by more than 1 in {totals['unbalanced']}"
    )
    print(f"give-aways found (an earlier item shows a later answer): {totals['give_aways']}")
    print(
        f"topic quizzes with more than one item answered by the topic: "
        f"{totals['topic_answers_over_one']}"
    )


if __name__ == "__main__":
    main()
