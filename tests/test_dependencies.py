"""Every third-party package the code imports is declared in pyproject.toml, not merely installed as
some other package's dependency (which can drop it in any release)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCAL = {"wsr", "complaints", "audits", "buyers", "bench", "tests", "manage"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for group in groups:
        requirements += project["optional-dependencies"][group]
    return {_canonical(re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0]) for requirement in requirements}


def _imported_top_level_modules(*folders: str) -> dict[str, str]:
    """{module: first file importing it} for absolute imports outside the standard library."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in LOCAL:
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(
    ("folders", "groups"),
    [(("wsr", "complaints", "audits", "buyers"), ()), (("tests", "bench", ".ci"), ("dev",))],
    ids=["application", "tests-and-tools"],
)
def test_every_imported_package_is_declared(folders, groups):
    declared = _declared(*groups)
    distributions = packages_distributions()
    undeclared = {
        module: where
        for module, where in _imported_top_level_modules(*folders).items()
        if not {_canonical(d) for d in distributions.get(module, [module])} & declared
    }
    assert undeclared == {}, "imported but not declared in pyproject.toml"
