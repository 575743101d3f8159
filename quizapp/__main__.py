"""The `quizapp` console script (and `python -m quizapp`): Flask's command group on the app.

The commands themselves are quizapp.cli's, which create_app registers on every app; this module
only makes the app for the command line, and adds what Flask's group lacks: quizapp's own
--version, and a `run` that will not serve without a secret key.
"""

import click
from flask.cli import FlaskGroup
from flask.cli import run_command as flask_run_command

from quizapp import create_app


def version_message() -> str:
    """quizapp's version first, then what it runs on (Flask's own --version names only those)."""
    import platform
    from importlib.metadata import version

    return (
        f"quizapp {version('quizapp')}\n"
        f"Python {platform.python_version()}\n"
        f"Flask {version('flask')}\n"
        f"Werkzeug {version('werkzeug')}"
    )


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_message())
        ctx.exit()


def _run_with_a_key(**options: object) -> None:
    """Flask's development server, refused at once (not with a 500 per page) when the app
    would serve without a secret key of its own: the message gunicorn gets says what to set,
    and `quizapp run --debug` or `quizapp start` need none."""
    from flask.cli import ScriptInfo

    from quizapp.web import security

    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    if not app.config.get("SECRET_KEY"):
        raise click.ClickException(security.missing_key_message(app))
    flask_run_command.callback(**options)  # loads the same app again, from ScriptInfo's cache


run_command = click.Command(
    "run",
    params=flask_run_command.params,
    callback=_run_with_a_key,
    help=flask_run_command.help,
    short_help=flask_run_command.short_help,
)

main = FlaskGroup(
    # The commands need no secret key; `start` makes one before it serves, and `run` refuses
    # to serve without one (quizapp.web.security).
    create_app=lambda: create_app(require_secret_key=False),
    help="quizapp: trivia quizzes generated from entertainment-news facts.",
    add_version_option=False,
    params=[
        click.Option(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_print_version,
            help="Show quizapp's version, and Python's, Flask's and Werkzeug's.",
        )
    ],
)
main.add_command(run_command)


if __name__ == "__main__":
    main()
