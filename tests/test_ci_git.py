"""git-facing parts of ci: --changed-since in a temporary repository, the composite GitHub Action's
run step, and the pre-commit hook definition run by pre-commit itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import CLEAN, SAFE, write

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1"}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo)}
    for var in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):  # e.g. when the suite runs inside a git hook
        env.pop(var, None)
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


# --- --changed-since ----------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    write(tmp_path, ".gitignore", "ignored.txt\n")
    write(tmp_path, "old.txt", SAFE)
    write(tmp_path, "edited.txt", CLEAN)
    write(tmp_path, "docs/old.md", SAFE)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    git(tmp_path, "tag", "base")
    write(tmp_path, "committed.txt", SAFE)  # committed since base
    write(tmp_path, "docs/new.md", SAFE)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "more")
    write(tmp_path, "edited.txt", CLEAN + SAFE)  # unstaged change
    write(tmp_path, "staged.txt", SAFE)
    git(tmp_path, "add", "staged.txt")
    write(tmp_path, "untracked.txt", SAFE)
    write(tmp_path, "ignored.txt", SAFE)
    return tmp_path


def pages(out: str) -> list[str]:
    return [p["path"] for p in json.loads(out)["pages"]]


def test_changed_since_checks_committed_staged_unstaged_and_untracked(cli, repo):
    code, out, _ = cli("ci", ".", "--changed-since", "base", "--format", "json")
    assert code == 1
    assert pages(out) == ["committed.txt", "docs/new.md", "edited.txt", "staged.txt", "untracked.txt"]
    code, out, _ = cli("ci", ".", "--format", "json")
    assert "old.txt" in pages(out) and "ignored.txt" in pages(out)  # without the flag, everything


def test_changed_since_is_filtered_to_the_given_paths(cli, repo):
    code, out, _ = cli("ci", "docs", "old.txt", "--changed-since", "base", "--format", "json")
    assert pages(out) == ["docs/new.md"]


def test_changed_since_head_with_nothing_changed_passes(cli, repo):
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "all")
    code, out, _ = cli("ci", ".", "--changed-since", "HEAD", "--format", "text")
    assert code == 0 and "0 pages checked" in out


def test_changed_since_errors_exit_2(cli, repo, tmp_path_factory):
    code, _, err = cli("ci", ".", "--changed-since", "no-such-rev")
    assert code == 2 and err.strip() == "checker: error: [E812] --changed-since: unknown git revision 'no-such-rev'"
    outside = tmp_path_factory.mktemp("not-a-repo")
    write(outside, "a.txt", SAFE)
    os.chdir(outside)
    code, _, err = cli("ci", "a.txt", "--changed-since", "HEAD")
    assert code == 2 and "is not inside a git repository" in err


# --- the composite GitHub Action ----------------------------------------------------------

def test_action_definition():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"paths", "fail-on", "min-score", "format", "version", "args"} <= set(action["inputs"])
    assert action["inputs"]["format"]["default"] == "github"
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert '"$GITHUB_ACTION_PATH"' in steps[1]["run"] and "pip install" in steps[1]["run"]
    assert "checker ci" in steps[2]["run"]
    for step in steps[1:]:
        assert "${{" not in step["run"], "inputs must reach scripts through env, not be pasted into them"


def run_action_step(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, str]:
    checker_exe = Path(sys.executable).with_name("checker")
    if not checker_exe.exists() or shutil.which("bash") is None:
        pytest.skip("needs bash and the checker executable beside this Python")
    step = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"][2]
    defaults = {k: str(v.get("default", "")) for k, v in yaml.safe_load((ROOT / "action.yml").read_text())["inputs"].items()}
    values = {**defaults, **inputs}
    env = {"PATH": f"{checker_exe.parent}:/usr/bin:/bin", "HOME": str(tmp_path), "GITHUB_ACTIONS": "true",
           "GITHUB_OUTPUT": str(tmp_path / "gh_output")}
    for name, expr in step["env"].items():  # "${{ inputs.fail-on }}" -> the input's value
        env[name] = values[expr.strip("${} ").removeprefix("inputs.")]
    (tmp_path / "gh_output").unlink(missing_ok=True)
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    return proc, (tmp_path / "gh_output").read_text() if (tmp_path / "gh_output").exists() else ""


def test_action_run_step_annotates_and_fails(tmp_path):
    write(tmp_path, "content/bad.md", "# Offer\n\n" + SAFE)
    write(tmp_path, "content/ok.md", "# Hours\n\n" + CLEAN)
    proc, outputs = run_action_step(tmp_path, paths="content")
    assert proc.returncode == 1, proc.stderr
    assert "::error file=content/bad.md,line=3,col=22," in proc.stdout
    assert outputs.strip() == "exit-code=1"
    proc, outputs = run_action_step(tmp_path, paths="content/ok.md content/bad.md", args="--disable UNR001 --min-score 0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 pages checked" in proc.stdout and outputs.strip() == "exit-code=0"
    proc, _ = run_action_step(tmp_path, paths="content", format="sarif", output="out.sarif")
    assert proc.returncode == 1 and json.loads((tmp_path / "out.sarif").read_text())["version"] == "2.1.0"


# --- pre-commit ---------------------------------------------------------------------------

HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "checker", "rules")


@pytest.fixture(scope="module")
def precommit_repo(tmp_path_factory):
    """A copy of this project committed to a temporary repository (pre-commit installs hooks
    from a git URL at a revision), and a content repository that uses its hook."""
    pytest.importorskip("pre_commit")
    base = tmp_path_factory.mktemp("precommit")
    hook = base / "hook"
    hook.mkdir()
    for name in HOOK_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, hook / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, hook / name)
    git(hook, "init", "-q")
    git(hook, "add", "-A")
    git(hook, "commit", "-qm", "hook")
    rev = git(hook, "rev-parse", "HEAD")
    content = base / "content"
    content.mkdir()
    git(content, "init", "-q")
    write(content, ".pre-commit-config.yaml", f"repos:\n- repo: {hook}\n  rev: {rev}\n  hooks:\n  - id: checker\n")
    write(content, "bad.html", f"<html><body><p>{SAFE}</p></body></html>\n")
    write(content, "clean.md", "# Hours\n\n" + CLEAN)
    write(content, "notes.txt", CLEAN)
    write(content, "script.py", f"# {SAFE}")  # not a page: the hook's types_or must leave it out
    git(content, "add", "-A")
    return content, base / "pre-commit-home"


def pre_commit(content: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    for var in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(var, None)
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "checker", "--files", *files],
                          cwd=content, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_pre_commit_hook_fails_a_bad_page_and_passes_clean_ones(precommit_repo):
    content, home = precommit_repo
    bad = pre_commit(content, home, "bad.html", "clean.md")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.html:1:" in bad.stdout and "UNR001" in bad.stdout and "Failed" in bad.stdout
    good = pre_commit(content, home, "clean.md", "notes.txt", "script.py")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    only_code = pre_commit(content, home, "script.py")
    assert only_code.returncode == 0 and "no files to check" in only_code.stdout.lower()
