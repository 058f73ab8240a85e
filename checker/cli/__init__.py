"""The command line: thin wrappers over library functions. Exit codes: 0 ok, 1 findings at or
above the threshold (ci), 2 usage, configuration or input error."""

from __future__ import annotations

import sys

from checker.cli.app import app


def main() -> None:
    from checker.errors import CheckerError

    try:
        code = app(standalone_mode=False, prog_name="checker")  # returns typer.Exit codes here
        if isinstance(code, int) and code:
            sys.exit(code)
    except CheckerError as exc:
        print(f"checker: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("checker: interrupted", file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors and anything unforeseen: one line, never a traceback
        import click

        try:  # typer >= 0.2x vendors its own click: its usage errors are not click's classes
            from typer._click.exceptions import ClickException as VendoredClickException
        except ImportError:
            VendoredClickException = click.exceptions.ClickException
        if isinstance(exc, (click.exceptions.ClickException, VendoredClickException)):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        print(f"checker: internal error: {type(exc).__name__}: {exc} (please report it)", file=sys.stderr)
        sys.exit(2)
