"""The version has one source, jsv/_version.py, which pyproject.toml reads when building."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import jsv
from jsv import _version

ROOT = Path(__file__).parent.parent


def test_package_version_is_the_version_module() -> None:
    assert jsv.__version__ == _version.__version__
    assert "__version__" in jsv.__all__


def test_pyproject_reads_the_version_module() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "jsv._version.__version__"}


def test_version_module_imports_nothing() -> None:
    """Building reads the version without importing jsv (nor the C module)."""
    tree = ast.parse(Path(_version.__file__).read_text("utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    assigned = [node for node in tree.body if isinstance(node, ast.Assign)]
    assert [ast.literal_eval(node.value) for node in assigned] == [jsv.__version__]
