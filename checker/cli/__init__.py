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
    except Exception as exc:  # usage errors of typer's own (vendored) click, and anything unforeseen: one line
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):  # click's ClickException interface, whichever copy raised it
            show()
            sys.exit(2)
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        print(f"checker: internal error: {type(exc).__name__}: {exc} (please report it)", file=sys.stderr)
        sys.exit(2)
