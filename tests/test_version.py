"""``jsv --version``: the version, from its one source, and the kernel in use."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

import jsv
from jsv import _cli, _kernel, _pure, _version

ROOT = Path(__file__).parent.parent
NOT_BUILT = "pure Python: the C accelerator is not built; see docs/development.md"


def _version_output(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        _cli.main(["--version"])
    assert exit_info.value.code in (0, None)
    out, err = capsys.readouterr()
    assert err == ""
    return out


@pytest.fixture(autouse=True)
def _no_jsv_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JSV_PURE", raising=False)


def test_version_names_the_kernel_of_this_run(
    kernel: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    if kernel.__name__ == "jsv._speedups":
        expected = "C accelerator"
    elif len(_kernel.available()) > 1:
        expected = "pure Python: the C accelerator is built but not in use"
    else:
        expected = NOT_BUILT
    assert _version_output(capsys) == f"jsv {jsv.__version__} ({expected})\n"


def test_c_accelerator(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(_kernel, "active", ModuleType("jsv._speedups"))
    assert _version_output(capsys) == f"jsv {jsv.__version__} (C accelerator)\n"


def test_jsv_pure(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(_kernel, "active", _pure)
    monkeypatch.setenv("JSV_PURE", "1")
    assert _version_output(capsys) == f"jsv {jsv.__version__} (pure Python: JSV_PURE is set)\n"


def test_jsv_pure_zero_is_unset(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_kernel, "active", _pure)
    monkeypatch.setenv("JSV_PURE", "0")
    monkeypatch.setitem(sys.modules, "jsv._speedups", None)
    assert _version_output(capsys) == f"jsv {jsv.__version__} ({NOT_BUILT})\n"


def test_not_built(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(_kernel, "active", _pure)
    monkeypatch.setitem(sys.modules, "jsv._speedups", None)  # the import fails as if absent
    assert _version_output(capsys) == f"jsv {jsv.__version__} ({NOT_BUILT})\n"


def test_built_but_cannot_be_loaded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> None:
        raise ImportError("undefined symbol: PyFoo_Bar")

    monkeypatch.setattr(_kernel, "active", _pure)
    monkeypatch.setattr(_cli, "_import_speedups", broken)
    assert _version_output(capsys) == (
        f"jsv {jsv.__version__} (pure Python: the C accelerator cannot be loaded "
        "(undefined symbol: PyFoo_Bar); see docs/development.md)\n"
    )


def test_one_line_on_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "20")
    monkeypatch.setattr(_kernel, "active", _pure)
    monkeypatch.setitem(sys.modules, "jsv._speedups", None)
    assert _version_output(capsys).count("\n") == 1


def test_help_lists_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _cli.main(["--help"])
    assert "--version" in capsys.readouterr().out


# --- one source for the version -------------------------------------------------------


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


def test_jsv_speedups_follows_the_active_kernel() -> None:
    before = _kernel.active
    try:
        _kernel.use(_pure)
        assert jsv.speedups is False
        for implementation in _kernel.available():
            _kernel.use(implementation)
            assert jsv.speedups is (implementation.__name__ == "jsv._speedups")
    finally:
        _kernel.use(before)
    with pytest.raises(AttributeError, match=r"^module 'jsv' has no attribute 'speedup'$"):
        jsv.speedup  # type: ignore[attr-defined]  # noqa: B018
