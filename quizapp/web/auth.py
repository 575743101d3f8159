"""Editor accounts on the web, at /editor: login, logout, the gate, and managing accounts.

Flask-Login keeps the signed-in editor in Flask's session cookie, beside the player's own
``player_id`` (quizapp.web.play), which it never touches: one browser can be a player and an
editor at once, and logging out as an editor leaves the player playing. Being a player does
not make anyone an editor.

Views of the workspace use `editor_required` or `admin_required`. Pages answer a visitor
who is not logged in with a redirect to the login form (and back afterwards); JSON endpoints
(paths under /editor/api/, or requests that prefer JSON) answer 401 or 403 JSON instead.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import (
    AnonymousUserMixin,
    LoginManager,
    UserMixin,
    current_user,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlmodel import Session
from werkzeug.exceptions import HTTPException
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired

from quizapp.api.errors import error_response
from quizapp.db import get_session
from quizapp.limits import limiter
from quizapp.models import EDITOR_ROLES, Editor
from quizapp.workspace import accounts, overview

bp = Blueprint("auth", __name__)
login_manager = LoginManager()

WRONG_LOGIN = "Wrong name or password."
JSON_PREFIX = "/editor/api/"
LOGIN_AT = "editor_login_at"  # session key: when the editor logged in (Unix seconds)


# --- Who is signed in -----------------------------------------------------------------------------


def password_fingerprint(editor: Editor) -> str:
    """A short digest of the editor's password hash, kept in the login cookie.

    A new password changes it, which ends every other login of that editor; the cookie is
    signed but readable, so it carries a digest of the hash rather than the hash.
    """
    return hashlib.sha256(editor.password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SignedInEditor(UserMixin):
    """The editor of this request, as Flask-Login sees it: plain data, no database row."""

    id: int
    name: str
    role: str
    fingerprint: str
    epoch: int

    @classmethod
    def of(cls, editor: Editor) -> SignedInEditor:
        """The signed-in form of an editor row."""
        assert editor.id is not None
        fingerprint = password_fingerprint(editor)
        return cls(editor.id, editor.name, editor.role, fingerprint, editor.login_epoch)

    @property
    def is_admin(self) -> bool:
        """Whether this editor may manage accounts."""
        return self.role == "admin"

    def get_id(self) -> str:
        """What the session cookie remembers: the id, the password fingerprint and the login
        epoch (the editor's logouts so far)."""
        return f"{self.id}:{self.fingerprint}:{self.epoch}"


class Visitor(AnonymousUserMixin):
    """Anyone not logged in as an editor, players included."""

    is_admin = False


login_manager.anonymous_user = Visitor


def _login_expired() -> bool:
    # The session cookie is permanent once someone picks a nickname, so an editor's login
    # would otherwise last as long as the player's; it gets its own, shorter, lifetime.
    logged_in_at = session.get(LOGIN_AT)
    max_age = current_app.config["EDITOR_LOGIN_HOURS"] * 3600
    return not isinstance(logged_in_at, int) or time.time() - logged_in_at > max_age


@login_manager.user_loader
def load_editor(user_id: str) -> SignedInEditor | None:
    """The editor the session cookie names, if still active, same password, not logged out
    since (a copy of the cookie taken before a logout is dead), not expired."""
    raw_id, _, rest = user_id.partition(":")
    fingerprint, _, epoch = rest.partition(":")
    if not raw_id.isdigit() or not epoch.isdigit() or _login_expired():
        return None
    editor = accounts.get_active_editor(get_session(), int(raw_id))
    if editor is None or password_fingerprint(editor) != fingerprint:
        return None
    if editor.login_epoch != int(epoch):
        return None
    return SignedInEditor.of(editor)


@bp.before_app_request
def forget_previous_user() -> None:
    """Make each request look up its own editor.

    Flask-Login caches the user in ``g``, and ``g`` outlives a request when requests share an
    app context (pytest-flask's tests, a test client inside ``app.app_context()``).
    """
    g.pop("_login_user", None)


# --- The gate -------------------------------------------------------------------------------------


def wants_json() -> bool:
    """Whether this request should get JSON errors rather than pages."""
    if request.path.startswith(JSON_PREFIX) or request.is_json:
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers drop tabs and newlines and read "\" as "/", which would turn "/\t/evil.example"
    # or "/\evil.example" into another site.
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def error_page(status: int, message: str, **extra: Any) -> tuple[str, int]:
    """A friendly HTML error page for the editors' pages, with ``status``."""
    return render_template("auth/error.html", status=status, message=message, **extra), status


def unauthorized() -> ResponseReturnValue:
    """Not logged in as an editor: 401 JSON, or the login form coming back here after."""
    if wants_json():
        return error_response(401, "log in as an editor first")
    # Only a page can be come back to; after a refused form, start from the overview.
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=next_url))


login_manager.unauthorized_handler(unauthorized)


def forbidden(message: str) -> ResponseReturnValue:
    """Logged in, but not allowed: 403 JSON or a 403 page."""
    if wants_json():
        return error_response(403, message)
    return error_page(403, message)


def editor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the view only for a logged-in, active editor; see `unauthorized` for the rest."""

    @wraps(view)
    def gated(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return unauthorized()
        return view(*args, **kwargs)

    return gated


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the view only for a logged-in admin; other editors get 403."""

    @wraps(view)
    def gated(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return unauthorized()
        if not current_user.is_admin:
            return forbidden("only admins can open this page")
        return view(*args, **kwargs)

    return gated


# --- Errors ---------------------------------------------------------------------------------------


@bp.errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A form without a valid token: most often a page left open very long, or cookies off."""
    if wants_json():
        return error_response(400, error.description)
    return error_page(400, error.description, csrf=True)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """Other HTTP errors, 429 (too many logins) included, as a page or as JSON."""
    status = error.code or 500
    message = error.description or error.name
    if status == 429:
        message = "too many tries from your address: wait a minute, then try again"
    if wants_json():
        # Keep Allow (405) and the like; the body, and so its Content-Type, is ours.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return error_response(status, message, headers=headers)
    return error_page(status, message)


# --- Login and logout -----------------------------------------------------------------------------


class LoginForm(FlaskForm):
    """Name and password; ``next`` is where to go afterwards."""

    name = StringField("Name", validators=[InputRequired()])
    password = PasswordField("Password", validators=[InputRequired()])
    next = HiddenField()


def _login_limit() -> str:
    limit: str = current_app.config["LOGIN_RATE_LIMIT"]  # checked by quizapp.core.settings
    return limit


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """The editors' login form; on success, back to the page that asked for it."""
    form = LoginForm(next=request.args.get("next", ""))
    target = local_path(form.next.data) or url_for("auth.home")
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(target)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    # Validated, so both are texts (WTForms types a field's data as possibly None).
    name, password = form.name.data or "", form.password.data or ""
    editor = accounts.authenticate(get_session(), name=name, password=password)
    if editor is None:
        return render_template("auth/login.html", form=form, error=WRONG_LOGIN)
    login_user(SignedInEditor.of(editor))
    session[LOGIN_AT] = int(time.time())
    return redirect(target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the editor's login, on the server too: every copy of the login cookie, in this
    browser or any other, stops working. The browser's player, if any, stays."""
    if current_user.is_authenticated:
        db = get_session()
        accounts.end_logins(db, current_user.id)
        db.commit()
    logout_user()
    session.pop(LOGIN_AT, None)
    flash("You are logged out.")
    return redirect(url_for("auth.login"))


# --- The workspace --------------------------------------------------------------------------------


@bp.get("/")
@editor_required
def home() -> ResponseReturnValue:
    """The workspace's front page: what it holds, what waits for an editor, where to start."""
    return render_template("editor/home.html", overview=overview.overview(get_session()))


class NewEditorForm(FlaskForm):
    """An admin adds an editor: name, first password, role."""

    name = StringField("Name", validators=[InputRequired()])
    password = PasswordField("Password", validators=[InputRequired()])
    # Plain values (label = value): tuples are deprecated in WTForms 3.3, SelectChoice is new.
    # (types-WTForms knows only (value, label) choices; WTForms takes plain values too.)
    role = SelectField("Role", choices=list(EDITOR_ROLES))  # type: ignore[arg-type]


class NewPasswordForm(FlaskForm):
    """An admin gives another editor a new password, typed twice."""

    password = PasswordField("New password", validators=[InputRequired()])
    confirm = PasswordField(
        "Repeat it",
        validators=[InputRequired(), EqualTo("password", message="the two passwords differ")],
    )


def _editors_page(
    form: NewEditorForm | None = None,
    *,
    error: str | None = None,
    status: int = 200,
    password_for: int | None = None,
) -> tuple[str, int]:
    """The editors page; ``password_for`` opens that editor's new-password form again."""
    listing = accounts.list_editors(get_session())
    return render_template(
        "editor/editors.html",
        editors=listing,
        form=form or NewEditorForm(formdata=None),
        error=error,
        password_for=password_for,
    ), status


@bp.get("/editors")
@admin_required
def editor_list() -> ResponseReturnValue:
    """Every editor with role and state, and a form to add one (admins only)."""
    return _editors_page(NewEditorForm())


@bp.post("/editors")
@admin_required
def create_editor() -> ResponseReturnValue:
    """Add an editor from the form (admins only)."""
    form = NewEditorForm()
    if not form.validate_on_submit():
        return _editors_page(form, status=400)
    return _save(
        lambda db: accounts.create_editor(
            db, name=form.name.data or "", password=form.password.data or "", role=form.role.data
        ),
        done="Added {name} as {role}.",
        form=form,
    )


@bp.post("/editors/<id:editor_id>/active")
@admin_required
def set_active(editor_id: int) -> ResponseReturnValue:
    """Deactivate (active=0) or reactivate (active=1) an editor (admins only)."""
    active = request.form.get("active")
    if active not in ("0", "1"):
        return _editors_page(error="active must be 0 or 1", status=400)
    return _save(
        lambda db: accounts.set_active(
            db, editor_id=editor_id, active=active == "1", acting_id=current_user.id
        ),
        done="{name} can log in." if active == "1" else "{name} can no longer log in.",
    )


@bp.post("/editors/<id:editor_id>/role")
@admin_required
def set_role(editor_id: int) -> ResponseReturnValue:
    """Make an editor an admin or a plain editor (admins only)."""
    return _save(
        lambda db: accounts.set_role(
            db, editor_id=editor_id, role=request.form.get("role", ""), acting_id=current_user.id
        ),
        done="{name} is now {role}.",
    )


@bp.post("/editors/<id:editor_id>/password")
@admin_required
def set_password(editor_id: int) -> ResponseReturnValue:
    """Give another editor a new password (admins only); every login they have ends."""
    try:
        accounts.get_editor(get_session(), editor_id)
    except accounts.EditorNotFound as error:
        return error_page(404, error.message)
    if editor_id == current_user.id:
        # This form does not ask for the current password: with it, anyone at an admin's
        # unlocked browser could take the account over.
        return _editors_page(
            error="you cannot set your own password here: run quizapp set-password on the server",
            status=400,
        )
    form = NewPasswordForm()
    if not form.validate_on_submit():
        first = next(message for messages in form.errors.values() for message in messages)
        return _editors_page(error=first, status=400, password_for=editor_id)
    return _save(
        lambda db: accounts.set_password(
            db, editor_id=editor_id, password=form.password.data or ""
        ),
        done="{name} has a new password: their logins have ended; tell it to them privately.",
        password_for=editor_id,
    )


def _save(
    change: Callable[[Session], Editor],
    *,
    done: str,
    form: NewEditorForm | None = None,
    password_for: int | None = None,
) -> ResponseReturnValue:
    """Apply ``change`` and commit, then back to the list; a refusal re-renders it saying why.

    Every change made is logged with the admin who made it (``done`` holds no password).
    """
    db = get_session()
    try:
        editor = change(db)
    except accounts.EditorNotFound as error:
        db.rollback()
        return error_page(404, error.message)
    except accounts.EditorError as error:
        db.rollback()
        return _editors_page(form, error=error.message, status=400, password_for=password_for)
    db.commit()
    message = done.format(name=editor.name, role=editor.role)
    current_app.logger.info("editor accounts: %s (by %s)", message, current_user.name)
    flash(message)
    return redirect(url_for("auth.editor_list"))
