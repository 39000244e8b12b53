"""The ``jsv`` command: convert JSV to and from JSON, re-indent it, check it, and write a
typed document as a query string.

``jsv to-json``, ``jsv from-json``, ``jsv format``, ``jsv check`` and ``jsv query`` read a
file (or stdin
when the file is absent or ``-``) as UTF-8 with or without a byte-order mark, and write
stdout. Bad input gives a one-line message on stderr and exit status 1, usage errors exit
status 2 (as argparse does); no Python traceback is printed for either. Each command reads
its whole input once and writes its whole output once, so large files stay linear.

Nothing in the library imports this module; ``python -m jsv`` and the ``jsv`` console
script both call :func:`main`.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import jsv
from jsv import _kernel

PROG = "jsv"
STDIN_NAME = "<stdin>"
_BOM = b"\xef\xbb\xbf"
#: Deep enough for json's recursive encoder on the deepest tree jsv decodes (MAX_DEPTH
#: levels) and for json's decoder well past it, yet far from exhausting the C stack.
_RECURSION_LIMIT = 4 * jsv.MAX_DEPTH + 1000
#: Offending lines longer than this are shown as a window around the error column.
_CONTEXT_WIDTH = 120


class _Failure(Exception):
    """An error to report on one line of stderr, with the exit status to return."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


# --- input and output -----------------------------------------------------------------


def _read(path: str) -> tuple[str, bytes]:
    """Return the display name of ``path`` and its bytes, without a leading UTF-8 BOM."""
    if path == "-":
        name, data = STDIN_NAME, sys.stdin.buffer.read()
    else:
        name = path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise _Failure(f"{path}: {e.strerror or e}") from None
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    return name, data


def _write(text: str, name: str = STDIN_NAME) -> None:
    """Write ``text`` to stdout as UTF-8, in one call.

    Raises:
        _Failure: ``text`` holds a lone surrogate (JSON escapes such as ``"\\ud800"``
            can produce one), which UTF-8 cannot carry; ``name`` is the input's name.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise _Failure(
            f"{name}: the text holds a lone surrogate U+{ord(text[e.start]):04X}, "
            "which UTF-8 output cannot carry"
        ) from None
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a replaced stdout (io.StringIO) has no byte layer
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    # A large write can stop short (a pipe whose reader left, a full disk) without an
    # error; the error comes with the next call, so write until everything is out.
    view = memoryview(data)
    try:
        while view:
            written = buffer.write(view)
            if not written:
                raise OSError("the output accepts no more data")
            view = view[written:]
        buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        raise _Failure(f"cannot write the output: {e.strerror or e}") from None


def closed_pipe_status() -> int:
    """Stop quietly after a ``BrokenPipeError`` on stdout; return the exit status, 1.

    Points stdout at the null device, so that the interpreter does not report the
    closed pipe again when it flushes stdout at exit. ``python -m jsv.examples`` uses
    it too.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 1


# --- error positions ------------------------------------------------------------------


def _location(error: jsv.DecodeError) -> tuple[int, int, str]:
    """Return the line, the column (in characters) and the text of the offending line.

    For invalid UTF-8 the error's document is ``bytes`` and its position a byte offset;
    the column is converted to characters so that it matches what an editor shows.
    """
    doc, pos = error.doc, error.pos
    if isinstance(doc, bytes):
        start = doc.rfind(b"\n", 0, pos) + 1
        end = doc.find(b"\n", pos)
        raw = doc[start : end if end >= 0 else len(doc)]
        column = len(doc[start:pos].decode("utf-8", "replace")) + 1
        line = raw.decode("utf-8", "replace")
    else:
        start = doc.rfind("\n", 0, pos) + 1
        end = doc.find("\n", pos)
        line = doc[start : end if end >= 0 else len(doc)]
        column = pos - start + 1
    return error.lineno, column, line.removesuffix("\r")


def _printable(char: str) -> str:
    """``char`` as it is safe to show on a terminal (control characters replaced)."""
    if char != "\t" and unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
        return "\ufffd"
    return char


def _caret_pad(prefix: str) -> str:
    """Blank text as wide as ``prefix`` on a terminal: tabs kept, wide characters doubled."""
    pad = []
    for char in prefix:
        if char == "\t":
            pad.append("\t")
        elif unicodedata.combining(char):
            continue
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            pad.append("  ")
        else:
            pad.append(" ")
    return "".join(pad)


def _context(line: str, column: int) -> str:
    """The offending line and a caret under ``column``, each indented by four spaces."""
    index = min(column - 1, len(line))
    lead = tail = ""
    if len(line) > _CONTEXT_WIDTH:
        start = max(0, min(index - _CONTEXT_WIDTH // 2, len(line) - _CONTEXT_WIDTH))
        end = start + _CONTEXT_WIDTH
        lead = "..." if start > 0 else ""
        tail = "..." if end < len(line) else ""
        line, index = line[start:end], index - start
    shown = "".join(_printable(char) for char in line)
    pad = _caret_pad(lead + shown[:index])
    return f"    {lead}{shown}{tail}\n    {pad}^\n"


def _describe(name: str, error: jsv.DecodeError) -> str:
    """``NAME:LINE:COL: message`` for a one-line error report."""
    lineno, column, _ = _location(error)
    message = error.msg
    if isinstance(error, jsv.ValidationError):
        message = f"{message} at {error.path}"
    return f"{name}:{lineno}:{column}: {message}"


# --- commands -------------------------------------------------------------------------


def _decode(name: str, data: bytes, trim: bool, target: Any = None) -> Any:
    try:
        return jsv.loads(data, target, trim=trim)
    except jsv.DecodeError as e:
        raise _Failure(_describe(name, e)) from None


def _to_json(args: argparse.Namespace) -> int:
    name, data = _read(args.file)
    tree = _decode(name, data, args.trim)
    _write(json.dumps(tree, ensure_ascii=False, indent=args.indent) + "\n")
    return 0


class _NumberError(ValueError):
    """A JSON number that has no exact Python value."""


def _json_float(text: str) -> float:
    value = float(text)
    mantissa = text.lower().partition("e")[0]
    if value in (float("inf"), float("-inf")) or (
        value == 0 and any(c in "123456789" for c in mantissa)
    ):
        raise _NumberError(f"the number {text} is out of range for a float")
    return value


def _json_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    limit = sys.get_int_max_str_digits()
    if limit and digits > limit:
        raise _NumberError(f"an integer of {digits} digits is longer than {limit} digits")
    return int(text)


def _from_json(args: argparse.Namespace) -> int:
    name, data = _read(args.file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        lineno = data.count(b"\n", 0, e.start) + 1
        column = len(data[data.rfind(b"\n", 0, e.start) + 1 : e.start].decode()) + 1
        raise _Failure(f"{name}:{lineno}:{column}: Invalid UTF-8 ({e.reason})") from None
    try:
        value = json.loads(text, parse_float=_json_float, parse_int=_json_int)
    except json.JSONDecodeError as e:
        raise _Failure(f"{name}:{e.lineno}:{e.colno}: {e.msg}") from None
    except _NumberError as e:
        raise _Failure(f"{name}: {e}") from None
    except RecursionError:
        raise _Failure(f"{name}: JSON nested too deeply") from None
    try:
        out = jsv.dumps(value, indent=args.indent)
    except jsv.EncodeError as e:
        raise _Failure(f"{name}: {e}") from None
    _write(out + "\n", name)
    return 0


def _format(args: argparse.Namespace) -> int:
    name, data = _read(args.file)
    indent = None if args.compact else 2 if args.indent is None else args.indent
    try:
        out = jsv.reformat(data, indent=indent, trim=not args.exact)
    except jsv.DecodeError as e:
        raise _Failure(_describe(name, e)) from None
    _write(out + "\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    decoder: jsv.Decoder[Any] | None = None
    if args.type is not None:
        try:
            decoder = jsv.Decoder(args.type.target, trim=args.trim)
        except TypeError as e:  # a type the typed layer cannot map
            raise _Failure(f"--type {args.type.spec}: {e}", status=2) from None
    invalid = 0
    for path in args.files or ["-"]:
        try:
            name, data = _read(path)
        except _Failure as e:
            _write(f"{e}\n")
            invalid += 1
            continue
        try:
            if decoder is None:
                jsv.loads(data, trim=args.trim)
            else:
                decoder.decode(data)
        except jsv.DecodeError as e:
            _, column, line = _location(e)
            _write(f"{_describe(name, e)}\n{_context(line, column)}")
            invalid += 1
    return 1 if invalid else 0


def _query(args: argparse.Namespace) -> int:
    spec: _TypeSpec = args.type
    if not (isinstance(spec.target, type) and dataclasses.is_dataclass(spec.target)):
        raise _Failure(f"--type {spec.spec}: {spec.target!r} is not a dataclass", status=2)
    try:
        decoder = jsv.Decoder(spec.target, trim=args.trim)
    except TypeError as e:  # a type the typed layer cannot map
        raise _Failure(f"--type {spec.spec}: {e}", status=2) from None
    name, data = _read(args.file)
    try:
        text = jsv.query_string(decoder.decode(data))
    except jsv.DecodeError as e:
        raise _Failure(_describe(name, e)) from None
    except jsv.EncodeError as e:
        raise _Failure(f"{name}: {e}") from None
    _write(text + "\n", name)
    return 0


# --- version --------------------------------------------------------------------------


def _import_speedups() -> None:
    importlib.import_module("jsv._speedups")


def _kernel_description() -> str:
    """Which kernel is active and, for the pure one, why (shown by ``jsv --version``)."""
    name = _kernel.active.__name__
    if name == "jsv._speedups":
        return "C accelerator"
    if name != "jsv._pure":
        return name
    if os.environ.get("JSV_PURE", "") not in ("", "0"):
        return "pure Python: JSV_PURE is set"
    try:
        _import_speedups()
    except ImportError as e:
        if isinstance(e, ModuleNotFoundError) and e.name == "jsv._speedups":
            return "pure Python: the C accelerator is not built; see docs/development.md"
        return f"pure Python: the C accelerator cannot be loaded ({e}); see docs/development.md"
    return "pure Python: the C accelerator is built but not in use"


def _version_line() -> str:
    """``jsv VERSION (KERNEL)``: what ``jsv --version`` prints."""
    return f"{PROG} {jsv.__version__} ({_kernel_description()})"


class _VersionAction(argparse.Action):
    """``--version``: print :func:`_version_line` on stdout and exit 0.

    argparse's own ``version`` action takes a fixed text and wraps it to the terminal's
    width; this one works out the kernel when it is asked, and prints one line.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(_version_line() + "\n")
        sys.stdout.flush()
        parser.exit()


# --- argument parsing -----------------------------------------------------------------


def _indent(value: str) -> int | str:
    """Parse ``--indent``: a number of spaces, or ``tab``."""
    if value == "tab":
        return "\t"
    try:
        spaces = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of spaces or 'tab', got {value!r}"
        ) from None
    if spaces < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {spaces}")
    return spaces


class _TypeSpec(NamedTuple):
    spec: str
    target: Any


def _import_type(spec: str) -> _TypeSpec:
    """Resolve ``module:Class`` (or ``module:Outer.Inner``) to the object it names.

    The current directory is searched first, so a module next to the files works.
    """
    module_name, colon, qualname = spec.partition(":")
    if not colon or not module_name or not qualname:
        raise argparse.ArgumentTypeError(
            f"expected module:Class, such as jsv.examples.evovoice:SessionInfo, got {spec!r}"
        )
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        obj: Any = importlib.import_module(module_name)
    except Exception as e:  # ImportError, or whatever the module raises while loading
        raise argparse.ArgumentTypeError(
            f"cannot import {module_name!r}: {type(e).__name__}: {e}"
        ) from None
    for attribute in qualname.split("."):
        try:
            obj = getattr(obj, attribute)
        except AttributeError:
            raise argparse.ArgumentTypeError(
                f"module {module_name!r} has no attribute {qualname!r}"
            ) from None
    return _TypeSpec(spec, obj)


def _add_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="input file; stdin if absent or -"
    )


_DESCRIPTION = """\
Convert, re-indent and check ServiceStack JSV text; write a request DTO as a query
string.

Every command reads FILE (stdin when it is absent or -) as UTF-8, with or without
a byte-order mark, and writes stdout. Exit status: 0 success, 1 bad input,
2 usage error."""

_EPILOG = """\
examples:
  curl -s 'https://example.org/api/Sessions?format=jsv' | jsv to-json --trim
  jsv format response.jsv
  jsv check --trim samples/*.jsv
  curl "https://example.org/api/sessions?$(jsv query --type dtos:FindSessions find.jsv)"

Run 'jsv COMMAND --help' for the options of each command."""

_TO_JSON_EPILOG = """\
example:
  $ echo '{id:1,name:"Me, Junior",tags:[a,,b],ended:False}' | jsv to-json
  {"id": "1", "name": "Me, Junior", "tags": ["a", null, "b"], "ended": "False"}

JSV has no number, boolean or null literals: every scalar becomes a JSON string,
an empty value or empty list slot becomes null."""

_FROM_JSON_EPILOG = """\
example:
  $ echo '{"id": 1, "name": "Me, Junior", "tags": ["a", null], "x": null}' | jsv from-json
  {id:1,name:"Me, Junior",tags:[a,]}

null map values are omitted and null list items become empty slots; a list whose
only item is null has no JSV form and is an error."""

_FORMAT_EPILOG = """\
examples:
  $ echo '{ id: 1, tags: [ a, "b, c" ] }' | jsv format
  {
    id: 1,
    tags: [
      a,
      "b, c"
    ]
  }
  $ echo '{ id: 1, tags: [ a, "b, c" ] }' | jsv format --compact
  {id:1,tags:[a,"b, c"]}

By default the input is read as human-formatted (whitespace around keys and bare
values is formatting); --exact keeps such whitespace as data."""

_CHECK_EPILOG = """\
examples:
  $ jsv check broken.jsv
  broken.jsv:1:7: Unterminated list: no closing ']' for the '[' at line 1 column 4
      {a:[1}
            ^
  $ jsv check --trim --type jsv.examples.evovoice:SessionInfo session.jsv

Nothing is printed for valid files. Exit status 1 if any file is invalid."""

_QUERY_EPILOG = """\
example:
  $ echo '{sessionId:7f3a,memberToRemove:"+1 555 0100, Me"}' \\
      | jsv query --type jsv.examples.evovoice:DeleteChatMember
  sessionId=7f3a&memberToRemove=%2B1%20555%200100%2C%20Me

The document is read as the dataclass MODULE:CLASS, then written as ServiceStack
binds a query string or form body (docs/wire.md): names in camelCase, strings as
they are, other values as JSV (lists without their brackets), percent-encoded as
.NET's Uri.EscapeDataString. No leading '?'."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="show the version and the kernel in use (C or pure Python)",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(name: str, help: str, epilog: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    to_json = command("to-json", "convert JSV to JSON (the untyped tree)", _TO_JSON_EPILOG)
    _add_file(to_json)
    to_json.add_argument(
        "--indent", type=_indent, metavar="N", help="pretty-print with N spaces (or 'tab')"
    )
    to_json.add_argument(
        "--trim",
        action="store_true",
        help="read human-formatted JSV: whitespace around keys and bare values is formatting",
    )
    to_json.set_defaults(run=_to_json)

    from_json = command("from-json", "convert JSON to JSV", _FROM_JSON_EPILOG)
    _add_file(from_json)
    from_json.add_argument(
        "--indent",
        type=_indent,
        metavar="N|tab",
        help="pretty-print with N spaces or a tab per level (default: compact)",
    )
    from_json.set_defaults(run=_from_json)

    fmt = command("format", "re-indent JSV without changing any value", _FORMAT_EPILOG)
    _add_file(fmt)
    layout = fmt.add_mutually_exclusive_group()
    layout.add_argument(
        "--indent",
        type=_indent,
        # None, not 2: argparse's conflict check skips an option whose value is its
        # default, so "--indent 2 --compact" would pass unnoticed.
        default=None,
        metavar="N|tab",
        help="N spaces or a tab per level (default: 2)",
    )
    layout.add_argument("--compact", action="store_true", help="write everything on one line")
    fmt.add_argument(
        "--exact",
        action="store_true",
        help="whitespace around bare keys and values is data, not formatting (trim=False)",
    )
    fmt.set_defaults(run=_format)

    check = command("check", "check that JSV files are well-formed", _CHECK_EPILOG)
    check.add_argument(
        "files", nargs="*", metavar="FILE", help="files to check; stdin if none or -"
    )
    check.add_argument(
        "--type",
        type=_import_type,
        metavar="MODULE:CLASS",
        help="also decode into this type and report values that do not fit it",
    )
    check.add_argument("--trim", action="store_true", help="read human-formatted JSV")
    check.set_defaults(run=_check)

    query = command("query", "write a typed JSV document as a query string", _QUERY_EPILOG)
    _add_file(query)
    query.add_argument(
        "--type",
        type=_import_type,
        required=True,
        metavar="MODULE:CLASS",
        help="the request DTO: a dataclass the document is read as",
    )
    query.add_argument("--trim", action="store_true", help="read human-formatted JSV")
    query.set_defaults(run=_query)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``jsv`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Usage errors raise ``SystemExit(2)`` from argparse; bad input is reported on one line
    of stderr and gives 1.

    Example:
        ``python -m jsv`` and the ``jsv`` script run ``raise SystemExit(main())``::

            $ echo '{a:[x,,y]}' | jsv to-json
            {"a": ["x", null, "y"]}
    """
    parser = _parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        return run(args)
    except _Failure as e:
        sys.stdout.flush()
        print(f"{PROG}: {e}", file=sys.stderr)
        return e.status
    except BrokenPipeError:
        # The reader went away (``jsv to-json big.jsv | head``): stop quietly.
        return closed_pipe_status()
    except KeyboardInterrupt:
        return 130
    finally:
        sys.setrecursionlimit(limit)
