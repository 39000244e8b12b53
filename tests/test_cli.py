"""The ``jsv`` command.

Almost every test calls :func:`jsv._cli.main` in this process, which is what the ``jsv``
script and ``python -m jsv`` run: ``run`` gives it the arguments, a stdin of the given
bytes, captured stdout and stderr and ``tmp_path`` as the working directory, and the
suite's ``kernel`` fixture picks the kernel it uses. The tests at the end start the
installed script and ``python -m jsv`` for real; a child process gets ``JSV_PURE=1`` when
the pure kernel is the one under test, since the fixture cannot switch it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

import jsv
from jsv import _cli

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed_session.jsv"
SCRIPT = Path(sys.executable).parent / ("jsv.exe" if os.name == "nt" else "jsv")
SESSION_INFO = "jsv.examples.evovoice:SessionInfo"


@dataclass
class Result:
    status: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """Run the command with arguments, in ``tmp_path``, feeding ``stdin`` (bytes or str)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JSV_PURE", raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps help to the terminal's width
    monkeypatch.setattr(sys, "path", list(sys.path))  # --type may add the working directory

    def run(*args: str, stdin: bytes | str = b"") -> Result:
        data = stdin.encode() if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        capsys.readouterr()
        try:
            status = _cli.main(list(args))
        except SystemExit as e:  # argparse: usage errors, --help, --version
            status = e.code if isinstance(e.code, int) else int(e.code is not None)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return Result(status, out, err)

    return run


def write(tmp_path: Path, name: str, content: bytes | str) -> str:
    data = content.encode() if isinstance(content, str) else content
    (tmp_path / name).write_bytes(data)
    return name


# --- to-json --------------------------------------------------------------------------


def test_to_json_of_the_seed_sample(run: Run) -> None:
    tree = jsv.loads(SEED.read_text("utf-8"), trim=True)
    result = run("to-json", "--trim", str(SEED))
    assert (result.status, result.err) == (0, "")
    assert result.out == json.dumps(tree, ensure_ascii=False) + "\n"
    assert json.loads(result.out)["members"][0]["role"] == "None"


def test_to_json_reads_stdin_when_file_is_absent_or_dash(run: Run) -> None:
    doc = '{id:1,name:"Me, Junior",tags:[a,,b],ended:False}'
    expected = '{"id": "1", "name": "Me, Junior", "tags": ["a", null, "b"], "ended": "False"}\n'
    assert run("to-json", stdin=doc).out == expected
    assert run("to-json", "-", stdin=doc).out == expected


def test_to_json_indent_and_non_ascii(run: Run) -> None:
    result = run("to-json", "--indent", "2", stdin="{name:Zoë,city:東京}")
    assert result.out == '{\n  "name": "Zoë",\n  "city": "東京"\n}\n'


def test_to_json_without_trim_keeps_whitespace_as_data(run: Run) -> None:
    assert run("to-json", stdin="{ a: x }").out == '{" a": " x "}\n'
    assert run("to-json", "--trim", stdin="{ a: x }").out == '{"a": "x"}\n'


def test_to_json_of_an_empty_document_is_null(run: Run) -> None:
    assert run("to-json", stdin="  \n").out == "null\n"


def test_to_json_malformed_input_is_one_line_and_status_1(run: Run, tmp_path: Path) -> None:
    name = write(tmp_path, "bad.jsv", "{\n  a: [1,\n  b: 2\n}")
    result = run("to-json", name)
    assert result.status == 1
    assert result.out == ""
    assert result.err == (
        "jsv: bad.jsv:4:2: Unterminated list: no closing ']' for the '[' at line 2 column 6\n"
    )


def test_to_json_malformed_stdin_names_stdin(run: Run) -> None:
    result = run("to-json", stdin='{a:"x}')
    assert (result.status, result.err) == (1, "jsv: <stdin>:1:4: Unterminated quoted string\n")


def test_to_json_deepest_nesting(run: Run) -> None:
    depth = jsv.MAX_DEPTH
    result = run("to-json", "--indent", "1", stdin="[" * depth + "]" * depth)
    assert result.status == 0
    assert result.out.replace("\n", "").replace(" ", "") == "[" * depth + "]" * depth
    assert result.out.startswith("[\n [\n  [\n")
    too_deep = run("to-json", stdin="[" * (depth + 1) + "]" * (depth + 1))
    assert too_deep.status == 1
    assert too_deep.err.startswith(f"jsv: <stdin>:1:{depth + 1}: Nesting deeper than")


# --- encodings ------------------------------------------------------------------------


def test_bom_is_accepted_and_not_counted_as_a_column(run: Run, tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    assert run("to-json", stdin=bom + b"{a:b}").out == '{"a": "b"}\n'
    assert run("from-json", stdin=bom + b'{"a": "b"}').out == "{a:b}\n"
    assert run("format", "--compact", stdin=bom + b"{ a: b }").out == "{a:b}\n"
    name = write(tmp_path, "bom.jsv", bom + b"{a:[1}")
    result = run("check", name)
    message = "Unterminated list: no closing ']' for the '[' at line 1 column 4"
    assert result.out == f"bom.jsv:1:7: {message}\n    {{a:[1}}\n          ^\n"
    assert run("to-json", name).err == f"jsv: bom.jsv:1:7: {message}\n"


def test_invalid_utf8_is_reported_with_a_character_column(run: Run, tmp_path: Path) -> None:
    name = write(tmp_path, "latin1.jsv", "{\n  name: Zoë,\n  city: Köln\n}".encode("latin-1"))
    expected = "latin1.jsv:2:11: Invalid UTF-8 (invalid continuation byte)"
    result = run("check", name)
    assert result.status == 1
    assert result.out == f"{expected}\n      name: Zo\ufffd,\n              ^\n"
    assert run("to-json", name).err == f"jsv: {expected}\n"
    # The byte offset is 4 (é is two bytes), the character column 4.
    mixed = write(tmp_path, "mixed.jsv", b"{\xc3\xa9:\xff}")
    assert run("to-json", mixed).err == "jsv: mixed.jsv:1:4: Invalid UTF-8 (invalid start byte)\n"
    from_json = run("from-json", stdin=b'["\xff"]')
    assert from_json.status == 1
    assert from_json.err == "jsv: <stdin>:1:3: Invalid UTF-8 (invalid start byte)\n"


# --- from-json ------------------------------------------------------------------------


def test_from_json_nulls_numbers_and_booleans(run: Run) -> None:
    doc = '{"a": null, "b": [1, null, "x, y"], "c": true, "d": 1.5, "e": {}, "f": 1e20, "g": ""}'
    result = run("from-json", stdin=doc)
    assert (result.status, result.err) == (0, "")
    assert result.out == '{b:[1,,"x, y"],c:True,d:1.5,e:{},f:1E+20,g:""}\n'


def test_from_json_indent(run: Run) -> None:
    assert run("from-json", "--indent", "2", stdin='{"a": [1, {"b": "c"}]}').out == (
        "{\n  a: [\n    1,\n    {\n      b: c\n    }\n  ]\n}\n"
    )
    assert (
        run("from-json", "--indent", "tab", stdin='{"a": [1]}').out == "{\n\ta: [\n\t\t1\n\t]\n}\n"
    )


def test_from_json_file_and_round_trip_through_to_json(run: Run, tmp_path: Path) -> None:
    doc = '{id:1,name:"Me, Junior",tags:[a,,b],quote:"2"" x",empty:"",m:{}}'
    as_json = run("to-json", stdin=doc).out
    name = write(tmp_path, "doc.json", as_json)
    assert run("from-json", name).out == doc + "\n"


def test_from_json_without_a_jsv_form_is_one_line_and_status_1(run: Run) -> None:
    result = run("from-json", stdin='{"a": [null]}')
    assert result.status == 1
    assert result.out == ""
    assert result.err == (
        "jsv: <stdin>: A list whose only item is None has no JSV form: "
        "[] is the empty list (at $.a)\n"
    )


@pytest.mark.parametrize("doc", ['{"a": 1,}', "[1,\n 2", ""])
def test_from_json_syntax_errors_are_json_s_own(run: Run, doc: str) -> None:
    """json's message and position, as this Python's json words them (3.13 rewords some)."""
    with pytest.raises(json.JSONDecodeError) as info:
        json.loads(doc)
    e = info.value
    result = run("from-json", stdin=doc)
    assert (result.status, result.out) == (1, "")
    assert result.err == f"jsv: <stdin>:{e.lineno}:{e.colno}: {e.msg}\n"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("[1e400]", "<stdin>: the number 1e400 is out of range for a float"),
        ("[-1e-400]", "<stdin>: the number -1e-400 is out of range for a float"),
        ("[" + "9" * 5000 + "]", "<stdin>: an integer of 5000 digits is longer than"),
        ('["\\ud800"]', "<stdin>: the text holds a lone surrogate U+D800"),
        ("[" * 100_000, "<stdin>: JSON nested too deeply"),
        # 1001 levels: json reads them on every version (3.12's stops short of 1500).
        ("[" * 1001 + "]" * 1001, "<stdin>: Nesting deeper than 1000 levels (at $"),
    ],
)
def test_from_json_bad_input(run: Run, doc: str, message: str) -> None:
    result = run("from-json", stdin=doc)
    assert result.status == 1
    assert result.out == ""
    assert result.err.startswith(f"jsv: {message}")
    assert result.err.count("\n") == 1


def test_from_json_null_document_is_empty(run: Run) -> None:
    assert run("from-json", stdin="null").out == "\n"


# --- format ---------------------------------------------------------------------------


def test_format_the_seed_sample(run: Run) -> None:
    text = SEED.read_text("utf-8")
    result = run("format", str(SEED))
    assert (result.status, result.err) == (0, "")
    assert result.out == jsv.reformat(text) + "\n"
    assert result.out.startswith("{\n  dialState: None,\n  callState: Disconnected,\n")
    assert run("format", "--compact", stdin=text).out == jsv.reformat(text, indent=None) + "\n"
    assert (
        run("format", "--indent", "tab", stdin=text).out == jsv.reformat(text, indent="\t") + "\n"
    )
    assert (
        run("format", "--indent", "4", "-", stdin=text).out == jsv.reformat(text, indent=4) + "\n"
    )


def test_format_exact_keeps_edge_whitespace(run: Run) -> None:
    assert run("format", "--compact", stdin="{ a: x }").out == "{a:x}\n"
    assert run("format", "--compact", "--exact", stdin="{ a: x }").out == '{" a":" x "}\n'


def test_format_output_reads_back_to_the_same_tree(run: Run, tmp_path: Path) -> None:
    name = write(tmp_path, "s.jsv", SEED.read_bytes())
    pretty = run("format", name).out
    assert jsv.loads(pretty, trim=True) == jsv.loads(SEED.read_text("utf-8"), trim=True)


def test_format_malformed_input(run: Run) -> None:
    result = run("format", stdin="{a:1}}")
    assert (result.status, result.out) == (1, "")
    assert result.err == "jsv: <stdin>:1:6: Extra data after the top-level value\n"


# --- check ----------------------------------------------------------------------------


def test_check_valid_files_print_nothing(run: Run, tmp_path: Path) -> None:
    write(tmp_path, "a.jsv", "{a:1}")
    result = run("check", "a.jsv", str(SEED))
    assert (result.status, result.out, result.err) == (0, "", "")


def test_check_reports_each_invalid_file(run: Run, tmp_path: Path) -> None:
    write(tmp_path, "ok.jsv", "[a,b]")
    write(tmp_path, "list.jsv", "{a:[1}")
    write(tmp_path, "quote.jsv", '{\n\tid: 1,\n\tname: "Me, Junior\n}\n')
    write(tmp_path, "colon.jsv", "{a:1,\r\nb}\r\n")
    result = run("check", "ok.jsv", "list.jsv", "quote.jsv", "colon.jsv")
    assert result.status == 1
    assert result.err == ""
    assert result.out == (
        "list.jsv:1:7: Unterminated list: no closing ']' for the '[' at line 1 column 4\n"
        "    {a:[1}\n"
        "          ^\n"
        "quote.jsv:3:8: Unterminated quoted string\n"
        '    \tname: "Me, Junior\n'
        "    \t      ^\n"
        "colon.jsv:2:2: Expected ':' after the key\n"
        "    b}\n"
        "     ^\n"
    )


def test_check_stdin(run: Run) -> None:
    assert run("check", stdin="{a:b}").status == 0
    result = run("check", "-", stdin="[a,b]x")
    assert result.status == 1
    assert (
        result.out == "<stdin>:1:6: Extra data after the top-level value\n    [a,b]x\n         ^\n"
    )


def test_check_missing_file_counts_as_invalid(run: Run, tmp_path: Path) -> None:
    write(tmp_path, "ok.jsv", "{}")
    result = run("check", "missing.jsv", "ok.jsv")
    assert result.status == 1
    assert result.out == "missing.jsv: No such file or directory\n"


def test_check_unclosed_map_is_shown_at_the_end_of_the_input(run: Run) -> None:
    # Where the closer is missing: after the last line; the message names the opening brace.
    result = run("check", stdin="[\n  {a:1,\n   b:2\n]\n")
    assert result.out == (
        "<stdin>:5:1: Unterminated map: no closing '}' for the '{' at line 2 column 3\n"
        "    \n"
        "    ^\n"
    )


def test_check_long_line_shows_a_window_around_the_column(run: Run) -> None:
    doc = "[" + ",".join(["x" * 9] * 1000) + ",{a}]"
    result = run("check", stdin=doc)
    column = len(doc) - 1
    head, line, caret = result.out.splitlines()
    assert head == f"<stdin>:1:{column}: Expected ':' after the key"
    assert line.startswith("    ...") and line.endswith("{a}]")
    assert len(line) < 200
    assert caret == " " * (line.index("{a}]") + 2) + "^"


def test_check_control_characters_and_wide_characters(run: Run) -> None:
    result = run("check", stdin="[東京,\x1b[31m]x")
    assert result.out == (
        "<stdin>:1:11: Extra data after the top-level value\n"
        "    [東京,\ufffd[31m]x\n"
        "                ^\n"
    )


def test_check_type_accepts_the_seed_sample(run: Run) -> None:
    result = run("check", "--trim", "--type", SESSION_INFO, str(SEED))
    assert (result.status, result.out, result.err) == (0, "", "")


def test_check_type_reports_the_path(run: Run, tmp_path: Path) -> None:
    write(tmp_path, "session.jsv", "{\n  callState: Ringing,\n  ended: Maybe\n}\n")
    result = run("check", "--trim", "--type", SESSION_INFO, "session.jsv")
    assert result.status == 1
    head, line, caret, *rest = result.out.splitlines()
    assert head.startswith("session.jsv:3:")
    assert head.endswith(" at $.ended")
    assert line == "      ended: Maybe"
    assert caret.endswith("^")
    assert line[len(caret) - 1 :].lstrip(" :").startswith("Maybe")
    assert rest == []


def test_check_type_nested_path(run: Run, tmp_path: Path) -> None:
    doc = SEED.read_text("utf-8").replace("muted: False", "muted: Loud")
    write(tmp_path, "session.jsv", doc)
    result = run("check", "--trim", "--type", SESSION_INFO, "session.jsv")
    assert result.status == 1
    assert result.out.splitlines()[0].endswith(" at $.members[0].muted")


def test_check_type_still_reports_syntax_errors(run: Run) -> None:
    result = run("check", "--type", SESSION_INFO, stdin="{a:[1}")
    message = "Unterminated list: no closing ']' for the '[' at line 1 column 4"
    assert result.out.startswith(f"<stdin>:1:7: {message}\n")


def test_check_type_from_a_module_in_the_current_directory(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path,
        "dtos.py",
        "import dataclasses\n\n@dataclasses.dataclass\nclass Point:\n    x: int\n    y: int\n",
    )
    write(tmp_path, "p.jsv", "{x:1,y:two}")
    try:
        result = run("check", "--type", "dtos:Point", "p.jsv")
    finally:
        sys.modules.pop("dtos", None)  # the next kernel's pass imports its own
    assert result.status == 1
    assert result.out.splitlines()[0].startswith("p.jsv:1:")
    assert result.out.splitlines()[0].endswith(" at $.y")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("SessionInfo", "expected module:Class"),
        ("no_such_module_here:X", "cannot import 'no_such_module_here'"),
        ("jsv.examples.evovoice:Nope", "has no attribute 'Nope'"),
    ],
)
def test_check_bad_type_is_a_usage_error(run: Run, spec: str, message: str) -> None:
    result = run("check", "--type", spec, stdin="{}")
    assert result.status == 2
    assert result.err.startswith("usage: jsv check")
    assert message in result.err


def test_check_type_that_cannot_be_mapped(run: Run) -> None:
    result = run("check", "--type", "jsv.examples:seed_sample", stdin="{}")
    assert result.status == 2
    assert result.err.startswith("jsv: --type jsv.examples:seed_sample: ")
    assert result.err.count("\n") == 1


# --- query --------------------------------------------------------------------------

DELETE_CHAT_MEMBER = "jsv.examples.evovoice:DeleteChatMember"


def test_query_prints_the_query_string(run: Run) -> None:
    doc = '{sessionId:7f3a,memberToRemove:"+1 555 0100, Me"}'
    result = run("query", "--type", DELETE_CHAT_MEMBER, stdin=doc)
    assert result == Result(0, "sessionId=7f3a&memberToRemove=%2B1%20555%200100%2C%20Me\n", "")


def test_query_of_the_seed_sample_reads_back(run: Run) -> None:
    from jsv.examples.evovoice import SessionInfo

    result = run("query", "--trim", "--type", SESSION_INFO, str(SEED))
    assert (result.status, result.err) == (0, "")
    assert result.out.startswith("id=String&dateCreated=String&")
    assert result.out.count("\n") == 1
    session = jsv.loads(SEED.read_text("utf-8"), type=SessionInfo, trim=True)
    assert jsv.parse_query(result.out.rstrip("\n"), SessionInfo) == session


def test_query_of_no_fields_is_an_empty_line(run: Run, tmp_path: Path) -> None:
    name = write(tmp_path, "empty.jsv", "{}")
    assert run("query", "--type", DELETE_CHAT_MEMBER, name) == Result(0, "\n", "")


def test_query_reports_what_does_not_fit_the_type(run: Run) -> None:
    result = run("query", "--type", SESSION_INFO, stdin="{ended:Maybe}")
    assert (result.status, result.out) == (1, "")
    assert result.err == "jsv: <stdin>:1:8: Expected bool, got 'Maybe' at $.ended\n"
    result = run("query", "--type", SESSION_INFO, stdin="{a:[1}")
    assert result.err == (
        "jsv: <stdin>:1:7: Unterminated list: no closing ']' for the '[' at line 1 column 4\n"
    )


def test_query_needs_a_dataclass_type(run: Run) -> None:
    result = run("query", stdin="{}")
    assert result.status == 2
    assert "the following arguments are required: --type" in result.err
    result = run("query", "--type", "jsv.examples.evovoice:FlowChannels", stdin="{}")
    assert result == Result(
        2,
        "",
        "jsv: --type jsv.examples.evovoice:FlowChannels: <enum 'FlowChannels'> is not a "
        "dataclass\n",
    )
    result = run("query", "--type", "no_such_module_here:X", stdin="{}")
    assert result.status == 2
    assert "cannot import 'no_such_module_here'" in result.err


def test_query_of_a_dataclass_jsv_cannot_map(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path,
        "handlers.py",
        "import dataclasses, typing\n\n@dataclasses.dataclass\n"
        "class Job:\n    run: typing.Callable[[], None]\n",
    )
    try:
        result = run("query", "--type", "handlers:Job", stdin="{}")
    finally:
        sys.modules.pop("handlers", None)  # the next kernel's pass imports its own
    assert (result.status, result.out) == (2, "")
    assert result.err.startswith("jsv: --type handlers:Job: jsv cannot map the type")


# --- usage ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["convert"],
        ["to-json", "--indent", "two"],
        ["from-json", "--indent", "-1"],
        ["format", "--compact", "--indent", "4"],
        ["to-json", "a", "b"],
        ["check", "--nope"],
    ],
)
def test_usage_errors_exit_2(run: Run, args: list[str]) -> None:
    result = run(*args)
    assert result.status == 2
    assert result.out == ""
    assert "usage: jsv" in result.err


_COMPACT_AFTER = "argument --compact: not allowed with argument --indent"
_INDENT_AFTER = "argument --indent: not allowed with argument --compact"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--indent", "2", "--compact"], _COMPACT_AFTER),
        (["--compact", "--indent", "2"], _INDENT_AFTER),
        (["--indent", "02", "--compact"], _COMPACT_AFTER),
        (["--indent", "0", "--compact"], _COMPACT_AFTER),
        (["--compact", "--indent", "tab"], _INDENT_AFTER),
    ],
)
def test_format_indent_with_compact_is_a_usage_error(
    run: Run, args: list[str], message: str
) -> None:
    """Also when the indent given is the default one, which argparse alone lets through."""
    result = run("format", *args, stdin="{a:1}")
    assert (result.status, result.out) == (2, "")
    assert result.err == (
        "usage: jsv format [-h] [--indent N|tab | --compact] [--exact] [FILE]\n"
        f"jsv format: error: {message}\n"
    )


def test_format_default_indent_is_2(run: Run) -> None:
    assert run("format", stdin="{a:[1]}").out == "{\n  a: [\n    1\n  ]\n}\n"
    assert run("format", "--indent", "2", stdin="{a:[1]}").out == "{\n  a: [\n    1\n  ]\n}\n"
    assert run("format", "--indent", "0", stdin="{a:[1]}").out == "{\na: [\n1\n]\n}\n"
    assert run("format", "--compact", stdin="{ a: [ 1 ] }").out == "{a:[1]}\n"


@pytest.mark.parametrize("command", ["to-json", "from-json", "format", "check", "query"])
def test_help_shows_an_example(run: Run, command: str) -> None:
    result = run(command, "--help")
    assert result.status == 0
    assert f"usage: jsv {command}" in result.out
    assert "example" in result.out
    assert f"| jsv {command}" in result.out or f"$ jsv {command}" in result.out


def test_top_level_help_and_version(run: Run) -> None:
    result = run("--help")
    assert result.status == 0
    for command in ("to-json", "from-json", "format", "check", "query"):
        assert command in result.out
    # The kernel named after the version is tested in test_version.py.
    version = run("--version")
    assert version.status == 0
    assert version.out.startswith(f"jsv {jsv.__version__} (")
    assert version.out.endswith(")\n") and version.out.count("\n") == 1


# --- large input and pipes ------------------------------------------------------------


def test_multi_megabyte_input(run: Run, tmp_path: Path) -> None:
    tree = jsv.loads(SEED.read_text("utf-8"), trim=True)
    big = [tree] * 4000
    compact = jsv.dumps(big)
    assert len(compact) > 3_000_000
    name = write(tmp_path, "big.jsv", compact)
    as_json = run("to-json", name)
    assert as_json.status == 0
    assert json.loads(as_json.out) == big
    write(tmp_path, "big.json", as_json.out)
    assert run("from-json", "big.json").out == compact + "\n"
    pretty = run("format", name).out
    assert run("format", "--compact", stdin=pretty).out == compact + "\n"
    assert run("check", name).status == 0


# --- the real command, in a subprocess ------------------------------------------------


def _child_env(kernel: ModuleType) -> dict[str, str]:
    """The environment for a child that uses the kernel under test."""
    env = dict(os.environ)
    env.pop("JSV_PURE", None)
    if kernel.__name__ == "jsv._pure":
        env["JSV_PURE"] = "1"
    return env


@pytest.mark.parametrize("launcher", ["script", "module"])
def test_the_command_runs_end_to_end(launcher: str, kernel: ModuleType, tmp_path: Path) -> None:
    """The installed script and ``python -m jsv``: stdin and files in, UTF-8 out, status."""
    if launcher == "script":
        assert SCRIPT.exists(), f"{SCRIPT} is missing: install the package (pip install -e .)"
        command = [str(SCRIPT)]
    else:
        command = [sys.executable, "-m", "jsv"]
    env = _child_env(kernel)

    def spawn(*args: str, stdin: bytes = b"") -> Result:
        done = subprocess.run(
            [*command, *args], input=stdin, capture_output=True, cwd=tmp_path, env=env
        )
        return Result(done.returncode, done.stdout.decode(), done.stderr.decode())

    doc = "{name:Zoë,city:東京,tags:[a,,b]}".encode()
    assert spawn("to-json", stdin=doc) == Result(
        0, '{"name": "Zoë", "city": "東京", "tags": ["a", null, "b"]}\n', ""
    )
    write(tmp_path, "bad.jsv", "{\n  a: [1,\n  b: 2\n}")
    write(tmp_path, "doc.json", '{"a": [1, null], "b": "x, y"}')
    assert spawn("from-json", "doc.json") == Result(0, '{a:[1,],b:"x, y"}\n', "")
    assert spawn("to-json", "bad.jsv") == Result(
        1,
        "",
        "jsv: bad.jsv:4:2: Unterminated list: no closing ']' for the '[' at line 2 column 6\n",
    )
    usage = spawn("to-json", "--indent", "two")
    assert (usage.status, usage.out) == (2, "")
    assert usage.err.startswith("usage: jsv to-json")
    assert "Traceback" not in usage.err
    in_use = "pure Python: JSV_PURE is set" if "JSV_PURE" in env else "C accelerator"
    assert spawn("--version") == Result(0, f"jsv {jsv.__version__} ({in_use})\n", "")


def test_closed_output_pipe_is_quiet(tmp_path: Path, kernel: ModuleType) -> None:
    write(tmp_path, "big.jsv", "[" + ",".join(["x" * 50] * 100_000) + "]")
    with subprocess.Popen(
        [sys.executable, "-m", "jsv", "to-json", "big.jsv"],
        cwd=tmp_path,
        env=_child_env(kernel),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.read(10) == b'["xxxxxxxx'
        child.stdout.close()
        err = child.stderr.read()
        assert child.wait() == 1
    assert err == b""


def test_the_library_does_not_import_the_command_line() -> None:
    code = "import sys, jsv; jsv.loads('{a:1}'); print('jsv._cli' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "False\n"
