"""Project configuration: `[tool.checker]` in pyproject.toml or the top level of `.checker.toml`.

The file that applies to a path is the nearest one found walking up from it; in one folder a
`.checker.toml` beats a `pyproject.toml`, and a `pyproject.toml` without `[tool.checker]` is not a
config file. Every problem is a ConfigError naming the file and the key. Command-line flags
override what a file says (see `Settings.merged`)."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.errors import ConfigError, Errors, RuleFileError
from checker.types import Severity

CHECKER_TOML = ".checker.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_INCLUDE: tuple[str, ...] = ("*.html", "*.htm", "*.md", "*.markdown", "*.txt")


class ConfigModel(BaseModel):
    """The keys a config file may hold (kebab-case, as TOML style has it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    packs: list[str] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)
    severity: dict[str, Literal["high", "medium", "low"]] = Field(default_factory=dict)
    fail_on: Literal["high", "medium", "low"] | None = Field(default=None, alias="fail-on")
    min_score: int | None = Field(default=None, alias="min-score", ge=0, le=100)
    include: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)


_KEYS = sorted(f.alias or name for name, f in ConfigModel.model_fields.items())


@dataclass(frozen=True)
class Settings:
    """What one run (or one file's nearest config) asks for. Paths are absolute."""

    path: Path | None = None  # the config file, None when no file applies
    root: Path | None = None  # its folder: globs and pack paths are relative to it
    packs: tuple[Path, ...] = ()
    disable: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = "high"
    min_score: int | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    from_flags: frozenset[str] = frozenset()  # rule names given on the command line, for error messages

    def merged(self, *, packs: tuple[Path, ...] = (), disable: tuple[str, ...] = (),
               severity: dict[str, Severity] | None = None, fail_on: Severity | None = None,
               min_score: int | None = None) -> Settings:
        """These settings with command-line flags on top: lists extend, scalars replace."""
        return replace(
            self,
            packs=tuple(dict.fromkeys((*self.packs, *(p.resolve() for p in packs)))),
            disable=tuple(dict.fromkeys((*self.disable, *disable))),
            severity={**self.severity, **(severity or {})},
            fail_on=fail_on or self.fail_on,
            min_score=self.min_score if min_score is None else min_score,
            from_flags=self.from_flags | set(disable) | set(severity or {}),
        )

    @property
    def ruleset_key(self) -> tuple[Any, ...]:
        """Settings with equal keys load the same rules."""
        return (self.packs, tuple(sorted(set(self.disable))), tuple(sorted(self.severity.items())))


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start` (a file or a folder)."""
    return ConfigResolver().file_for(start)


class ConfigResolver:
    """Finds and loads config files, looking at each folder and parsing each file once (per
    resolver: make one per run, so edits between runs are seen)."""

    def __init__(self, *, explicit: Path | None = None, isolated: bool = False) -> None:
        self.explicit = explicit.resolve() if explicit is not None else None
        self.isolated = isolated
        self._folders: dict[Path, Path | None] = {}
        self._loaded: dict[Path, Settings] = {}

    def file_for(self, path: Path) -> Path | None:
        if self.isolated:
            return None
        if self.explicit is not None:
            return self.explicit
        path = path.resolve()
        return self._in_folder(path if path.is_dir() else path.parent)

    def _in_folder(self, folder: Path) -> Path | None:
        if folder not in self._folders:
            found: Path | None = None
            if (folder / CHECKER_TOML).is_file():
                found = folder / CHECKER_TOML
            elif (folder / PYPROJECT).is_file() and _has_tool_checker(folder / PYPROJECT):
                found = folder / PYPROJECT
            elif folder.parent != folder:
                found = self._in_folder(folder.parent)
            self._folders[folder] = found
        return self._folders[folder]

    def settings_for(self, path: Path) -> Settings:
        """The settings of the config that applies to `path` (defaults when none does)."""
        file = self.file_for(path)
        if file is None:
            return Settings()
        if file not in self._loaded:
            self._loaded[file] = load_config(file)
        return self._loaded[file]


def _has_tool_checker(path: Path) -> bool:
    data = _read_toml(path)
    tool = data.get("tool")
    return isinstance(tool, dict) and "checker" in tool


def load_config(path: Path) -> Settings:
    """Read and validate one config file."""
    path = path.resolve()
    data = _read_toml(path)
    prefix = ""
    if path.name == PYPROJECT:
        tool = data.get("tool")
        table = tool.get("checker") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError(Errors.E601, path=str(path))
        if not isinstance(table, dict):
            raise ConfigError(Errors.E602, path=str(path), key="tool.checker")
        data, prefix = table, "tool.checker."
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, path, prefix) from None
    root = path.parent
    packs = []
    for i, entry in enumerate(model.packs):
        folder = (root / entry).resolve()
        if not (folder / "pack.yml").is_file():
            raise ConfigError(Errors.E603.format(entry=entry, folder=folder),
                              path=str(path), key=f"{prefix}packs.{i}")
        packs.append(folder)
    return Settings(
        path=path, root=root, packs=tuple(packs), disable=tuple(model.disable), severity=dict(model.severity),
        fail_on=model.fail_on or "high", min_score=model.min_score,
        include=DEFAULT_INCLUDE if model.include is None else tuple(model.include), exclude=tuple(model.exclude),
    )


def settings_for(path: Path, *, explicit: Path | None = None, isolated: bool = False) -> Settings:
    """The settings that apply to `path`: an explicit config file, the nearest one, or defaults."""
    return ConfigResolver(explicit=explicit, isolated=isolated).settings_for(path)


def load_rules(settings: Settings):  # type: ignore[no-untyped-def]
    """Load the rules a Settings asks for; an unknown rule in disable/severity names the config file."""
    from checker.engine import load_ruleset

    try:
        return load_ruleset(extra_pack_dirs=settings.packs, disabled=settings.disable, severity=settings.severity)
    except RuleFileError as exc:
        if exc.key != "disable/severity":
            raise
        name = exc.detail.split("'")[1] if "'" in exc.detail else ""
        key = "severity" if name in settings.severity and name not in settings.disable else "disable"
        message = exc.detail + " (see `checker rules`)"
        if settings.path is None or name in settings.from_flags:
            raise ConfigError(message, key=f"--{key}") from None
        prefix = "tool.checker." if settings.path.name == PYPROJECT else ""
        raise ConfigError(message, path=str(settings.path), key=prefix + key) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(Errors.E606, path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(Errors.E607.format(reason=exc), path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(Errors.E608.format(reason=exc), path=str(path)) from None


def _config_error(exc: ValidationError, path: Path, prefix: str) -> ConfigError:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    key = prefix + (".".join(loc) or "(top level)")
    if err["type"] == "extra_forbidden":
        hint = difflib.get_close_matches(loc[0].replace("_", "-"), _KEYS, n=1)
        more = f" (did you mean {hint[0]!r}?)" if hint else f" (known keys: {', '.join(_KEYS)})"
        return ConfigError(Errors.E605.format(hint=more), path=str(path), key=key)
    return ConfigError(Errors.E604.format(reason=err["msg"]), path=str(path), key=key)
