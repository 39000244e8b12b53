"""What a type checker infers from the public API (mypy, strict)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).parent.parent

PROGRAM = """
import io
import jsv
from jsv.examples.evovoice import SessionInfo

text = "{id:1}"
reveal_type(jsv.loads(text))
reveal_type(jsv.loads(text, type=SessionInfo))
reveal_type(jsv.loads(text, SessionInfo, trim=True))
reveal_type(jsv.loads(text, type=list[SessionInfo]))
reveal_type(jsv.load(io.StringIO(text), type=SessionInfo))
reveal_type(jsv.load(io.BytesIO(b"[]")))
reveal_type(jsv.Decoder(SessionInfo).decode(text))
reveal_type(jsv.Decoder().decode(text))
reveal_type(jsv.dumps([1]))
"""

EXPECTED = [
    'Revealed type is "Any"',
    'Revealed type is "jsv.examples.evovoice.SessionInfo"',
    'Revealed type is "jsv.examples.evovoice.SessionInfo"',
    'Revealed type is "list[jsv.examples.evovoice.SessionInfo]"',
    'Revealed type is "jsv.examples.evovoice.SessionInfo"',
    'Revealed type is "Any"',
    'Revealed type is "jsv.examples.evovoice.SessionInfo"',
    'Revealed type is "Any"',
    'Revealed type is "str"',
]


def test_the_result_type_follows_the_type_argument(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent(PROGRAM))
    stdout, stderr, _ = mypy_api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(program)]
    )
    # (mypy versions spell builtins "builtins.str" or "str")
    revealed = [
        line.split(": note: ", 1)[1].replace("builtins.", "")
        for line in stdout.splitlines()
        if ": note: " in line
    ]
    assert revealed == EXPECTED, stdout + stderr
