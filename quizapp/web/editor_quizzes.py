"""The editor workspace's quizzes, at /editor/quizzes.

Quizzes made by editors, and what players tell editors: reports and answer statistics."""

from flask import Blueprint

bp = Blueprint("editor_quizzes", __name__)
