"""time.sleep that works under Debian's faketime, for the test run and every Python it starts.

The suite is checked on other days with `FAKETIME_DONT_FAKE_MONOTONIC=1 faketime DATE ...`
(README.md, "Running the tests"). That libfaketime (0.9.10) rejects the absolute monotonic
clock_nanosleep that Python 3.11's time.sleep makes: every sleep raises OSError (EINVAL),
subprocess.wait(timeout=...) and gunicorn's arbiter included. Under it, tests/conftest.py
applies `patch_sleep` to the test process and puts this folder on the PYTHONPATH of the
processes it starts (gunicorn, the CLI), where Python imports this module at startup. Outside
faketime nothing changes.
"""

import os
import select
import time


def _sleep(seconds: float) -> None:
    """time.sleep's promise kept with select(), which libfaketime leaves alone."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


def under_faketime() -> bool:
    """Whether this process runs under faketime with the real monotonic clock."""
    return "faketime" in os.environ.get("LD_PRELOAD", "") and bool(
        os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC")
    )


def patch_sleep() -> None:
    """Make time.sleep work in this process if faketime would break it."""
    if under_faketime():
        time.sleep = _sleep


patch_sleep()
