"""Root typer app. Each command module adds its commands to `app`."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="checker",
    help="Find the treatment claims in clinic marketing and judge them against cited rule packs.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from checker import __version__

        typer.echo(f"checker {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """checker: a clinic-claim credibility checker."""


from checker.cli import audit as _audit  # noqa: E402,F401
from checker.cli import ci as _ci  # noqa: E402,F401
from checker.cli import eval as _eval  # noqa: E402,F401
from checker.cli import rules as _rules  # noqa: E402,F401
from checker.cli import scan as _scan  # noqa: E402,F401  (registers commands)
from checker.cli import train as _train  # noqa: E402,F401
