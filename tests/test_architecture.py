"""Domain modules stay plain Python: importing them never loads Flask (DESIGN.md)."""

import subprocess
import sys

import pytest

DOMAIN_MODULES = [
    "quizapp.bank",
    "quizapp.bank.slots",
    "quizapp.questions.generation",
    "quizapp.game.grading",
    "quizapp.questions",
    "quizapp.models",
    "quizapp.game.scoring",
    "quizapp.game.ranking",
    "quizapp.game.quizzes",
    "quizapp.game.play",
    "quizapp.game.demo",
    "quizapp.workspace.suggest",
    "quizapp.bank.dump",
    "quizapp.questions.preview",
    "quizapp.game.feedback",
    "quizapp.workspace.edits",
    "quizapp.workspace.accounts",
    "quizapp.workspace.templates",
    "quizapp.workspace.articles",
    "quizapp.core.migrate",
    "quizapp.workspace",
]


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_imports_no_flask(module):
    # A fresh interpreter, since this one has imported Flask for the app tests already.
    code = (
        f"import sys, {module}\n"
        "loaded = sorted(m for m in sys.modules if m == 'flask' or m.startswith('flask.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "", f"{module} loads {result.stdout.strip()}"
