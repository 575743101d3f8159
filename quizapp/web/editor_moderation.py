"""The editors' fair-play pages, at /editor/moderation: void attempts, hide players, and the
attempts answered too fast to have been read (quizapp.game.moderation holds the rules).

Views parse the form, call the domain and redirect with a message; every form is a plain HTML
form with the CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizapp.db import get_session
from quizapp.game import moderation
from quizapp.web.auth import editor_required

bp = Blueprint("moderation", __name__)


def _back() -> ResponseReturnValue:
    # Back to the page the form was on: the list or the too-fast page.
    target = "moderation.too_fast" if request.form.get("from") == "too-fast" else "moderation.index"
    return redirect(url_for(target))


@bp.get("/")
@editor_required
def index() -> ResponseReturnValue:
    """Voided attempts and hidden players, with who, when and why, and forms to undo them."""
    return render_template(
        "editor_moderation/index.html",
        moderated=moderation.moderated(get_session()),
        reason_max=moderation.REASON_MAX,
    )


@bp.get("/too-fast")
@editor_required
def too_fast() -> ResponseReturnValue:
    """Attempts with right answers faster than their questions can be read, and the rule."""
    return render_template(
        "editor_moderation/too_fast.html",
        rows=moderation.too_fast_attempts(get_session()),
        base_ms=moderation.READ_BASE_MS,
        per_word_ms=moderation.READ_MS_PER_WORD,
        min_items=moderation.TOO_FAST_MIN_ITEMS,
        reason_max=moderation.REASON_MAX,
    )


@bp.post("/attempts/<id:attempt_id>/void")
@editor_required
def void(attempt_id: int) -> ResponseReturnValue:
    """Take an attempt off the boards, with a reason."""
    try:
        moderation.void_attempt(
            get_session(),
            attempt_id,
            editor_id=current_user.id,
            reason=request.form.get("reason", ""),
        )
    except moderation.ModerationError as error:
        flash(f"Not voided: {error.message}.")
    else:
        flash(f"Attempt {attempt_id} is voided: it is off the boards.")
    return _back()


@bp.post("/attempts/<id:attempt_id>/unvoid")
@editor_required
def unvoid(attempt_id: int) -> ResponseReturnValue:
    """Put a voided attempt back on the boards."""
    try:
        moderation.unvoid_attempt(get_session(), attempt_id)
    except moderation.ModerationError as error:
        flash(f"Not restored: {error.message}.")
    else:
        flash(f"Attempt {attempt_id} is back on the boards.")
    return _back()


@bp.post("/players/hide")
@editor_required
def hide() -> ResponseReturnValue:
    """Hide a player, named by nickname or id, from every board, with a reason."""
    db = get_session()
    named = request.form.get("nickname", "")
    player = moderation.find_player(db, named) if named else None
    player_id = player.id if player else request.form.get("player_id", type=int)
    if player_id is None:
        flash(f"Not hidden: there is no player called {named!r}.")
        return _back()
    try:
        hidden = moderation.hide_player(
            db, player_id, editor_id=current_user.id, reason=request.form.get("reason", "")
        )
    except moderation.ModerationError as error:
        flash(f"Not hidden: {error.message}.")
    else:
        flash(f"{hidden.nickname} is hidden from every board.")
    return _back()


@bp.post("/players/<id:player_id>/unhide")
@editor_required
def unhide(player_id: int) -> ResponseReturnValue:
    """Show a hidden player on the boards again."""
    try:
        player = moderation.unhide_player(get_session(), player_id)
    except moderation.ModerationError as error:
        flash(f"Not shown: {error.message}.")
    else:
        flash(f"{player.nickname} is on the boards again.")
    return _back()
