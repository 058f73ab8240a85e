"""Shared fixtures. The pipeline is built once per test session (it takes about a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory):
    """A test run's user cache (checker.cachedir) is its own, not the user's; the CLI's subprocesses inherit it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(scope="session")
def analyzer():
    from checker.analyze import default_analyzer

    return default_analyzer()


@pytest.fixture(scope="session")
def rules_analyzer():
    """The rules alone (no learned models), reading claims through the shipped parser."""
    from checker.analyze import Analyzer

    return Analyzer(use_models=False)


@pytest.fixture(scope="session")
def check(analyzer):
    def run(text: str, format: str = "text"):
        return analyzer.check_text(text, format=format)

    return run


def seed_path(prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed {prefix} is not present")
    return found[0]


@pytest.fixture
def cli_runner(monkeypatch, capsys):
    """Run `checker ARGS` in this process: (exit code, stdout, stderr), with no traceback."""
    from tests.helpers import run_cli

    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, *args)

    return run


@pytest.fixture
def cli(monkeypatch, capsys, tmp_path):
    """Run the CLI with the working folder at tmp_path."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        from tests.helpers import run_cli

        return run_cli(monkeypatch, capsys, *args, env=env)

    return run
