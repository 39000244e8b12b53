"""The README: its commands are the ones CI runs, and its Python snippets run as written."""

from __future__ import annotations

import ast
import doctest
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in ci if line.startswith("python -m pip install -e")]
    assert len(commands) == 1
    command = commands[0]
    assert "python -m pytest" in command
    assert f"\n    {command}\n" in (ROOT / "README.md").read_text()


def test_bundled_sample_is_the_test_fixture() -> None:
    from jsv.examples import seed_sample

    assert seed_sample() == (ROOT / "tests" / "data" / "seed_session.jsv").read_text()


# --- the README's Python snippets -------------------------------------------------------

_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _python_blocks() -> list[str]:
    return _PYTHON_BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def _matches(expected: str, got: str) -> bool:
    """``got`` is ``expected``, where ``...`` in ``expected`` stands for any text."""
    checker = doctest.OutputChecker()
    return checker.check_output(expected + "\n", got + "\n", doctest.ELLIPSIS)


def _run_block(block: str, namespace: dict[str, Any]) -> int:
    """Run a block of statements; return how many shown outputs it checked.

    A comment line right below an expression statement shows that expression's repr
    (``...`` matches any text); every other comment is prose.
    """
    lines = block.splitlines()
    checked = 0
    for statement in ast.parse(block).body:
        assert statement.end_lineno is not None
        below = lines[statement.end_lineno] if statement.end_lineno < len(lines) else ""
        if isinstance(statement, ast.Expr):
            code = compile(ast.Expression(statement.value), "README.md", "eval")
            got = repr(eval(code, namespace))
            if below.startswith("# "):
                assert _matches(below[2:], got), f"{below[2:]}\nis not\n{got}"
                checked += 1
        else:
            exec(compile(ast.Module([statement], []), "README.md", "exec"), namespace)
    return checked


def test_readme_python_snippets_run_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    """Every ```python block runs, in order in one namespace, as a reader would run them;
    the outputs shown in comments and after ``>>>`` prompts are the true ones."""
    blocks = _python_blocks()
    assert len(blocks) == 4
    namespace: dict[str, Any] = {"__name__": "readme"}
    checked = 0
    for index, block in enumerate(blocks):
        if not block.startswith(">>>"):
            checked += _run_block(block, namespace)
            continue
        name = f"README.md python block {index + 1}"
        test = doctest.DocTestParser().get_doctest(block, namespace, name, "README.md", 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        assert runner.failures == 0, "".join(report)
        checked += runner.tries
    assert checked == 10
    # The one print(): jsv.reformat("{ a: 1, b: [ x, y ] }").
    assert capsys.readouterr().out == "{\n  a: 1,\n  b: [\n    x,\n    y\n  ]\n}\n"


def test_readme_output_comments_are_checked() -> None:
    got = "SessionInfo(id='1', x=2, ended=True, y=3)"
    assert _matches("SessionInfo(id='1', ..., ended=True, ...)", got)
    assert not _matches("SessionInfo(id='1', ..., ended=False, ...)", got)
    assert not _matches("'{id:...,ended:False}'", "'{id:1,ended:True}'")
