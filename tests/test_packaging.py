"""An installed wheel must carry the pages, styles, bundled bank and the schema migrations that
`quizapp upgrade-db` runs: templates/, static/ and question_bank/ sit beside the package in the
source tree and inside it in the wheel (pyproject.toml, quizapp/core/paths.py)."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_templates_static_the_bank_and_migrations(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )

    (wheel,) = tmp_path.glob("quizapp-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "quizapp/templates/base.html" in names
    assert "quizapp/static/style.css" in names
    assert "quizapp/question_bank/kinds.yaml" in names
    assert any(n.startswith("quizapp/question_bank/articles/") for n in names)
    # Without these an installed quizapp could not make or upgrade its database.
    assert "quizapp/core/migrations/env.py" in names
    assert "quizapp/core/migrations/script.py.mako" in names
    assert "quizapp/core/migrations/versions/0001_initial.py" in names
