"""The web blueprints: they parse requests, call the domain and render."""
