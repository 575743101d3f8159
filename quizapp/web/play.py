"""The game in the browser: nickname, quizzes, one question at a time, results."""

from flask import Blueprint

bp = Blueprint("play", __name__)
