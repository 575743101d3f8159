"""What keeps the app safe to serve: its secret key, cookie flags, proxy trust, security headers.

`init_app` (called by create_app) applies all of it:

- The secret key signs the session cookie, which holds the player and the editor's login. The
  development key "dev" is accepted only when DEBUG or TESTING is on. Otherwise the key comes
  from the config (QUIZAPP_SECRET_KEY, instance/config.py), else from the key file
  ``<instance folder>/secret_key``; with neither, a served app refuses to start and says what
  to set. `quizapp start` writes that file on its first run (`ensure_secret_key_file`), so
  the Quick start needs no configuration.
- Cookies are HttpOnly and SameSite=Lax, and Secure except under DEBUG or TESTING, or when
  LOCAL_HTTP says the app is served over plain http on this machine (`quizapp start` sets it
  through `serve_local_http`). An explicit SESSION_COOKIE_SECURE in the config wins.
- TRUSTED_PROXIES (default 0) is how many proxies in front of the app set X-Forwarded-For and
  X-Forwarded-Proto; only then does the app believe those headers (werkzeug's ProxyFix).
- Every response, static files and JSON included, carries a Content-Security-Policy with no
  inline script or style, X-Content-Type-Options, X-Frame-Options and Referrer-Policy.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, Response, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from quizapp.core.settings import DEV_SECRET_KEY, SettingsError

SECRET_KEY_FILE = "secret_key"

# The templates and static files hold no inline <script>, on*= handler or style= attribute, and
# load nothing from other sites (static/ is served by the app itself, with no CDN): anything
# else is refused by the browser.
# img-src allows data: URIs because browsers draw some form controls' icons from them.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # For browsers that predate CSP's frame-ancestors.
    "X-Frame-Options": "DENY",
    # Attempt and quiz ids are in our paths: other sites do not need to see them.
    "Referrer-Policy": "same-origin",
}


class MissingSecretKey(SettingsError):
    """The app would be served without a secret key of its own.

    A SettingsError, so that the command line and gunicorn show it as they show any other
    setting the app cannot start with: the message alone, without a traceback.
    """


def missing_key_message(app: Flask) -> str:
    """What to do when there is no usable secret key."""
    return (
        "quizapp needs a secret key to sign its cookies, and the development key "
        f"{DEV_SECRET_KEY!r} is only for DEBUG or TESTING. Set QUIZAPP_SECRET_KEY in the "
        'environment (for instance to the output of `python -c "import secrets; '
        'print(secrets.token_hex(32))"`, the same value on every app host), or put a key in '
        f"{secret_key_path(app)} (`quizapp start` creates one there on its first run)."
    )


def secret_key_path(app: Flask) -> Path:
    """Where the app looks for its key file: ``secret_key`` in the instance folder."""
    return Path(app.instance_path) / SECRET_KEY_FILE


def load_secret_key(app: Flask, *, required: bool = True) -> None:
    """Settle ``app.secret_key``: a configured key, or "dev" in debug/tests, or the key file.

    Raises MissingSecretKey when there is none and ``required``; otherwise leaves the key None
    for `ensure_secret_key_file` to fill in (`quizapp start`), and requests refuse to run.
    """
    configured = app.config.get("SECRET_KEY")
    if configured and configured != DEV_SECRET_KEY:
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = configured or DEV_SECRET_KEY
        return
    path = secret_key_path(app)
    key = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    if key:
        app.config["SECRET_KEY"] = key
        return
    if required:
        raise MissingSecretKey(missing_key_message(app))
    app.config["SECRET_KEY"] = None


def ensure_secret_key_file(app: Flask) -> Path | None:
    """Give an app without a key a new random one, kept in the instance folder (mode 0600).

    Returns the file's path when the key now comes from it, None when the app had a key. The
    key is written in full to a file of this process, then linked into place, which fails if
    the file exists: two starts racing end up with the same key, and neither reads half of it.
    """
    if app.config.get("SECRET_KEY"):
        return None
    path = secret_key_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_hex(32) + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another start wrote it meanwhile: use theirs
    finally:
        draft.unlink()
    load_secret_key(app)
    return path


def configure_cookies(app: Flask) -> None:
    """HttpOnly, SameSite=Lax, and Secure unless DEBUG, TESTING or LOCAL_HTTP.

    Flask-Login's remember-me cookie gets the same flags, should a view ever set one.
    """
    config = app.config
    secure = config.get("SESSION_COOKIE_SECURE")
    if secure is None:
        secure = not (app.debug or app.testing or config.get("LOCAL_HTTP"))
    config["SESSION_COOKIE_SECURE"] = bool(secure)
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_SECURE"] = bool(secure)
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"


def serve_local_http(app: Flask) -> None:
    """Prepare ``app`` for `quizapp start`'s plain-http server.

    A browser never sends a Secure cookie back over plain http to another machine, so every
    form would fail its CSRF check and no player would stay signed in: the cookies drop the
    flag. Production serves through TLS (docs/deploy.md) and keeps it.
    """
    app.config["LOCAL_HTTP"] = True
    app.config["SESSION_COOKIE_SECURE"] = False
    app.config["REMEMBER_COOKIE_SECURE"] = False


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto from the TRUSTED_PROXIES proxies in front of the app.

    Without a proxy those headers come from the client, who could then pick the address its
    rate limits count against; so nothing is trusted unless TRUSTED_PROXIES says so.
    """
    # A whole number of 0 or more, checked with the other settings (quizapp.core.settings).
    count = app.config["TRUSTED_PROXIES"]
    if count:
        # Flask's documented way to add WSGI middleware, though mypy sees a method replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def add_security_headers(response: Response) -> Response:
    """Give every response the security headers, unless a view chose its own."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def refuse_without_key() -> None:
    """Stop a request of an app that has no secret key (``quizapp run`` without one)."""
    if not current_app.secret_key:
        raise MissingSecretKey(missing_key_message(current_app))


def init_app(app: Flask, *, require_secret_key: bool = True) -> None:
    """Apply the key, cookie, proxy and header rules to ``app`` (see the module docstring).

    ``require_secret_key=False`` is for the command line: its commands need no key, and
    `quizapp start` creates one before it serves.
    """
    load_secret_key(app, required=require_secret_key)
    configure_cookies(app)
    trust_proxies(app)
    app.before_request(refuse_without_key)
    app.after_request(add_security_headers)
