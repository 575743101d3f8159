"""The editor workspace's templates, at /editor/templates.

Templates: list, write with a live preview, publish, retire, history."""

from flask import Blueprint

bp = Blueprint("editor_templates", __name__)
