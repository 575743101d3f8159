"""The `quizapp` console script (and `python -m quizapp`): Flask's command group on the app.

The commands themselves are quizapp.cli's, which create_app registers on every app; this module
only makes the app for the command line, and adds what Flask's group lacks: quizapp's own
--version, a `run` that will not serve without a secret key, and a setting the app refuses
shown as its message alone (``Error: QUIZAPP_SCORING_MODE must be one of timed, plain (got
'foo')``, exit status 1), where Flask would print a traceback.
"""

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo
from flask.cli import run_command as flask_run_command

from quizapp import create_app
from quizapp.core.settings import SettingsError


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
    from quizapp.web import security

    app = load_app_or_say_why(click.get_current_context())
    if not app.config.get("SECRET_KEY"):
        raise click.ClickException(security.missing_key_message(app))
    serve = flask_run_command.callback
    assert serve is not None, "Flask's run command has a callback"
    serve(**options)  # loads the same app again, from ScriptInfo's cache


run_command = click.Command(
    "run",
    params=flask_run_command.params,
    callback=_run_with_a_key,
    help=flask_run_command.help,
    short_help=flask_run_command.short_help,
)


def _create_app_for_commands() -> Flask:
    # The commands need no secret key; `start` makes one before it serves, and `run` refuses
    # to serve without one (quizapp.web.security).
    return create_app(require_secret_key=False)


def load_app_or_say_why(ctx: click.Context) -> Flask:
    """The command line's app; settings it refuses stop the command with their message."""
    try:
        return ctx.ensure_object(ScriptInfo).load_app()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


class QuizappGroup(FlaskGroup):
    """Flask's command group, which says what is wrong with the settings without a traceback."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command ``name``; the app's are found by loading it, which may refuse."""
        if click.Group.get_command(self, ctx, name) is None:
            load_app_or_say_why(ctx)
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command (for --help), the app's included, or the reason it cannot load."""
        load_app_or_say_why(ctx)
        return super().list_commands(ctx)


main = QuizappGroup(
    create_app=_create_app_for_commands,
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
