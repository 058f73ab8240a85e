"""Which files a ci run checks: named files as given, folders walked recursively, both filtered by
the include/exclude globs of the config that applies to each file.

Globs are matched against the path relative to the config file's folder (or the working folder
when there is none), with `/` separators: `*` and `?` stay inside one path segment, `**` spans
segments, a pattern without `/` matches the file name (or a folder name) anywhere, and a pattern
that matches a folder excludes everything under it. Folders are walked without entering hidden
folders (`.git`, `.venv`…), `node_modules`, `__pycache__` or virtual environments."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from checker.config import Settings
from checker.errors import Errors, InputError
from checker.globs import glob_match
from checker.report.model import Skipped

_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages"})


@dataclass(frozen=True)
class Target:
    """One file to check, with the settings of its nearest config."""

    path: Path  # absolute
    display: str  # how reports name it: relative to the working folder, posix separators
    settings: Settings


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _relative_to_root(path: Path, settings: Settings, cwd: Path) -> str:
    root = settings.root or cwd
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return display_path(path, cwd)


def collect_files(
    paths: Iterable[str], *, settings_of: Callable[[Path], Settings], cwd: Path | None = None,
) -> tuple[list[Target], list[Skipped]]:
    """Expand the command-line paths into files to check (sorted, without duplicates).

    A missing path is an InputError. A named file that a config excludes is reported as skipped,
    never dropped silently; files a folder walk passes over are simply not candidates."""
    cwd = (cwd or Path.cwd()).resolve()
    targets: dict[Path, Target] = {}
    skipped: list[Skipped] = []
    for arg in paths:
        path = (cwd / arg).resolve() if not os.path.isabs(arg) else Path(arg).resolve()
        if not path.exists():
            raise InputError(Errors.E309, path=arg)
        if path.is_dir():
            for file in _walk(path, settings_of, cwd):
                if file not in targets:
                    targets[file] = Target(file, display_path(file, cwd), settings_of(file))
            continue
        settings = settings_of(path)
        pattern = glob_match(settings.exclude, _relative_to_root(path, settings, cwd), folders=True)
        if pattern is not None:
            where = f" in {display_path(settings.path, cwd)}" if settings.path else ""
            skipped.append(Skipped(display_path(path, cwd), f"excluded by {pattern!r}{where}"))
        elif path not in targets:
            targets[path] = Target(path, display_path(path, cwd), settings)
    return sorted(targets.values(), key=lambda t: t.display), skipped


def _walk(top: Path, settings_of: Callable[[Path], Settings], cwd: Path) -> Iterable[Path]:
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        kept = []
        for name in sorted(dirs):
            child = here / name
            if name.startswith(".") or name in _SKIP_DIRS or (child / "pyvenv.cfg").exists():
                continue
            settings = settings_of(child)
            if glob_match(settings.exclude, _relative_to_root(child, settings, cwd), folders=True):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            file = here / name
            if not file.is_file():
                continue
            settings = settings_of(file)
            rel = _relative_to_root(file, settings, cwd)
            if glob_match(settings.include, rel) and not glob_match(settings.exclude, rel, folders=True):
                yield file
