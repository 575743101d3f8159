"""Domain modules stay plain Python: importing them never loads Flask (DESIGN.md)."""

import subprocess
import sys

import pytest

DOMAIN_MODULES = [
    "quizapp.bank",
    "quizapp.slots",
    "quizapp.generation",
    "quizapp.matching",
    "quizapp.questions",
    "quizapp.models",
    "quizapp.scoring",
    "quizapp.ranking",
    "quizapp.quizzes",
    "quizapp.play",
    "quizapp.demo",
    "quizapp.suggest",
    "quizapp.dump",
    "quizapp.preview",
    "quizapp.feedback",
    "quizapp.editing",
    "quizapp.editors",
    "quizapp.template_admin",
    "quizapp.article_admin",
    "quizapp.migrate",
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
