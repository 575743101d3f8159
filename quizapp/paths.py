"""Where the product's bundled files are, in a source checkout and in an installed wheel."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the absolute path of the bundled folder ``name`` (templates, static, question_bank).

    The source tree keeps these folders beside the package (DESIGN.md); the wheel build copies
    them inside the package because site-packages has no "beside". Look inside first so an
    installed copy never picks up an unrelated folder that happens to sit next to it.
    """
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name
