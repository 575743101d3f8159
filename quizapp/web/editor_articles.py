"""The editor workspace's articles, at /editor/articles.

Articles and facts: paste an article, facts from suggestions, entities, corrections."""

from flask import Blueprint

bp = Blueprint("editor_articles", __name__)
