"""The web pages' blueprints: they parse requests, call the domain and render."""
