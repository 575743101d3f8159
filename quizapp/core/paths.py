"""Where the product's bundled files are, in a source checkout and in an installed wheel."""

import os
import sys
from pathlib import Path

# quizapp/core/paths.py: the package is two folders up.
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """Return the absolute path of the bundled folder ``name`` (templates, static, question_bank).

    The source tree keeps these folders beside the package, at the repository's root; the
    wheel build copies them inside the package (pyproject.toml's force-include) because
    site-packages has no "beside". Look inside first so an installed copy never picks up an
    unrelated folder that happens to sit next to it.
    """
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name


def instance_dir() -> Path:
    """The instance folder: the SQLite database, the secret key file and config.py.

    QUIZAPP_INSTANCE_PATH if set; otherwise Flask's own rule, so that the app (which is given
    this folder) and the commands that run without it agree: ``instance/`` beside the package
    in a source checkout, ``<prefix>/var/quizapp-instance`` when installed.
    """
    configured = os.environ.get("QUIZAPP_INSTANCE_PATH")
    if configured:
        return Path(configured).resolve()
    if (PACKAGE_DIR.parent / "pyproject.toml").is_file():
        return PACKAGE_DIR.parent / "instance"
    return Path(sys.prefix) / "var" / "quizapp-instance"


def default_database_url() -> str:
    """DATABASE_URL when it is not set: SQLite in the instance folder."""
    return f"sqlite:///{instance_dir() / 'quizapp.sqlite'}"
