"""The web blueprints: they parse requests, call the domain and render.

`limiter` is the app's one Flask-Limiter, set up by create_app through ``init_app``; any
blueprint limits a view with ``@limiter.limit(...)``. Its counts live where
RATELIMIT_STORAGE_URI says: "memory://" counts per process, so several gunicorn workers or
hosts need a shared store (redis://...) for a limit to mean what it says.
"""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Keyed by the client's address: behind a proxy, TRUSTED_PROXIES makes create_app wrap the app
# in ProxyFix (quizapp/web/security.py), so that this is the visitor's address, not the proxy's.
limiter = Limiter(key_func=get_remote_address)
