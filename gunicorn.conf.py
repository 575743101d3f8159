"""gunicorn's settings for serving quizapp in production (docs/deploy.md).

    gunicorn -c gunicorn.conf.py "quizapp:create_app()"

(gunicorn also reads ./gunicorn.conf.py by itself, and `wsgi_app` below names the app, so a
plain `gunicorn` from this folder does the same.) Command-line options override this file.

Environment:
    BIND             address:port to listen on (default 127.0.0.1:8000, for a proxy on this
                     host; an app host behind a separate load balancer binds its private
                     address, e.g. 10.0.0.11:8000)
    WEB_CONCURRENCY  worker processes (default 2 x CPUs + 1, at most MAX_WORKERS)
    GUNICORN_TIMEOUT seconds a worker may spend on one request before it is restarted
                     (default 30)
    LOG_LEVEL        gunicorn's error log level (default info)
    PROMETHEUS_MULTIPROC_DIR
                     where the workers keep their metrics, summed by /metrics (default: a new
                     temporary folder, removed when gunicorn stops); emptied at start

The app's own settings (QUIZAPP_SECRET_KEY, DATABASE_URL, QUIZAPP_RATELIMIT_STORAGE_URI,
QUIZAPP_TRUSTED_PROXIES, ...) come from the environment too; see docs/deploy.md. A setting the
app cannot start with stops the workers, and so gunicorn, with the app's message (which names
the variable) and no traceback.
"""

import logging
import os
import shutil
import tempfile
from pathlib import Path

# Past a dozen sync workers a host is better served by another host: each worker is a whole
# process with its own database connections, and the database sees them all.
MAX_WORKERS = 12


def default_workers() -> int:
    """2 x CPUs + 1 (gunicorn's rule of thumb for sync workers), capped at MAX_WORKERS."""
    return min(2 * (os.cpu_count() or 1) + 1, MAX_WORKERS)


wsgi_app = "quizapp:create_app()"
bind = [os.environ.get("BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
# Sync workers: one request at a time each; every view is short and bound by the database.
worker_class = "sync"
# Off, so that each worker creates its own app and so its own database engine and Redis
# connections after the fork, never sharing sockets inherited from the master.
preload_app = False
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind a load balancer that keeps connections open to the app hosts.
keepalive = 5
# gunicorn 23+'s control socket has one default path per user; two gunicorns on one host
# would fight over it, and nothing here uses it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# The client as the proxy saw it (X-Forwarded-For), and the time taken: %(M)s milliseconds.
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s %(l)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)


# --- Hooks --------------------------------------------------------------------------------------

METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_made_metrics_dir: list[str] = []  # the folder on_starting made, for on_exit to remove


class _SettingsErrorWithoutTraceback(logging.Filter):
    """gunicorn logs a worker's failure to load the app with its traceback, then prints the
    error's message. For settings the app refuses (quizapp.core.settings.SettingsError, the
    missing secret key included) the message says all there is: the traceback is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            from quizapp.core.settings import SettingsError

            if isinstance(record.exc_info[1], SettingsError):
                record.exc_info = None
                record.exc_text = None
        return True


def _prepare_metrics_dir(server) -> None:
    """Point prometheus_client's multiprocess mode at an empty folder before any worker starts.

    The workers inherit the variable when they are forked, and each keeps its metrics in files
    there, which /metrics sums (quizapp.metrics). Values from an earlier run would be counted
    again, so the folder is emptied first.
    """
    folder = os.environ.get(METRICS_DIR_VARIABLE)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
    else:
        folder = tempfile.mkdtemp(prefix="quizapp-metrics-")
        _made_metrics_dir.append(folder)
        os.environ[METRICS_DIR_VARIABLE] = folder
    server.log.info("Workers keep their metrics in %s", folder)


def on_starting(server) -> None:
    """In the master, before the workers: quiet settings errors, prepare the metrics folder."""
    logging.getLogger("gunicorn.error").addFilter(_SettingsErrorWithoutTraceback())
    _prepare_metrics_dir(server)


def child_exit(server, worker) -> None:
    """A worker has exited: its live gauges go (its counters stay in the sum, as they should)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    """gunicorn stops: remove the metrics folder on_starting made (not one that was given)."""
    for folder in _made_metrics_dir:
        shutil.rmtree(folder, ignore_errors=True)
