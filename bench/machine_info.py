"""What every benchmark prints about its run: the machine, its load, and the code measured."""

import hashlib
import os
import platform
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hardware() -> str:
    """One line: CPU model, CPU count, memory, operating system."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} CPUs{memory}, {platform.system()} {platform.release()}"


def runtime() -> str:
    """The start of a line of versions: Python and SQLite; callers add their libraries."""
    return f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, to tell a busy machine from a slow program."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def busy_warning() -> str | None:
    """A warning when other work was running: every CPU counts in these figures."""
    try:
        load = float(load_average().split()[0])
    except ValueError:
        return None
    if load >= 0.5:
        return (
            f"WARNING: the load average was {load:.2f} at the start: other processes were "
            "using the CPUs, and the figures below are lower than this machine can do"
        )
    return None


def source_digest(paths: tuple[str, ...] | None = None) -> str:
    """A short digest of quizapp's sources (or of ``paths``), to tie figures to the code."""
    digest = hashlib.sha256()
    files = [ROOT / p for p in paths] if paths else (ROOT / "quizapp").rglob("*.py")
    for path in sorted(files):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def verdict(ok: bool) -> str:
    """PASS or MISS, for a target."""
    return "PASS" if ok else "MISS"
