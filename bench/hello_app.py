"""The yardstick of bench/play_flow.py: Flask's hello world, served by the same gunicorn.

quizapp's figures are given as a share of this app's requests per second under the same
server, workers and client, measured in the same run, so that the machine's speed and load
cancel out.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Flask's quickstart view."""
    return "Hello, World!"
