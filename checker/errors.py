"""One error hierarchy. Every CheckerError maps to exit code 2 in the CLI, printed as one line."""

from __future__ import annotations


def clip(text: str, limit: int = 200) -> str:
    """`text`, cut to about `limit` characters for an error line (a rule's regex can be megabytes)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class CheckerError(Exception):
    """Base class: a problem with the user's input, rules or configuration (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        self.path = path
        self.key = key
        self.detail = message
        where = path or ""
        if key:
            where = f"{where}: {key}" if where else key
        super().__init__(f"{where}: {message}" if where else message)


class InputError(CheckerError):
    """A file or text the checker cannot read: missing, a directory, binary, too large."""


class RuleFileError(CheckerError):
    """A rule pack or lexicon that does not validate; names the file and the key."""


class ConfigError(CheckerError):
    """A configuration file or option that does not validate."""


class ModelError(CheckerError):
    """A shipped model file that is missing or malformed."""


class MissingExtraError(CheckerError):
    """A command needs an optional dependency group that is not installed."""


# Optional dependency groups (pyproject's extras): what each imports. Scanning needs none of them.
EXTRAS: dict[str, tuple[str, ...]] = {
    "audit": ("pandas", "pyarrow"),
    "train": ("sklearn", "scipy"),
    "dask": ("dask", "distributed"),
}


def require_extra(extra: str, *, command: str) -> None:
    """Raise a one-line error naming the extra to install when its modules are missing."""
    from importlib.util import find_spec

    missing = [m for m in EXTRAS[extra] if find_spec(m) is None]
    if missing:
        raise MissingExtraError(f"[E201] `checker {command}` needs {', '.join(missing)}: pip install 'checker[{extra}]'")
