"""JSON API v1 for other clients."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
