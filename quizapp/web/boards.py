"""Leaderboards in the browser."""

from flask import Blueprint

bp = Blueprint("boards", __name__)
