"""How the package's parts may depend on each other: no module reaches into another's private
names, the reporters do not import the ci package, and the learned-model layers form no cycle
(checker.train fits what checker.model applies and measures it with checker.evaluate)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "checker"


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in a file, lazy ones included."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.module, [a.name for a in node.names]))
    return out


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py")) if folder else sorted(PACKAGE.rglob("*.py"))


def test_no_module_imports_another_modules_private_names():
    private = [f"{p.relative_to(PACKAGE)}: from {module} import {name}"
               for p in _modules("") for module, names in _imports(p)
               if module.startswith("checker") for name in names if name.startswith("_") and not name.startswith("__")]
    assert not private


def _imported(folder: str, prefix: str) -> list[str]:
    return [f"{p.relative_to(PACKAGE)}: {module}" for p in _modules(folder) for module, names in _imports(p)
            if module == prefix or module.startswith(prefix + ".")
            or (module == "checker" and prefix.split(".")[-1] in names)]


def test_the_model_layer_imports_neither_training_nor_evaluation():
    assert not _imported("model", "checker.train")
    assert not _imported("model", "checker.evaluate")
    assert not _imported("evaluate", "checker.train")


def test_reporters_import_nothing_from_the_ci_package():
    assert not _imported("report", "checker.ci")
