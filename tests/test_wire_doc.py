"""docs/wire.md: its Python examples run as written against a local stub server.

The stub (``http.server`` on 127.0.0.1) records every request it receives and answers as a
ServiceStack service would: JSV for the queries, 204 for the DELETE. The examples' base URL
is replaced by the stub's; then what reached the stub is checked, read back with
``parse_query`` into the very requests the examples built.
"""

from __future__ import annotations

import ast
import doctest
import re
import sys
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import jsv

DOC = Path(__file__).parent.parent / "docs" / "wire.md"
BASE_URL = "https://api.example.org"
SESSIONS = (
    b'[{id:s1,customerName:"Me, Junior",channel:Voice,ended:False},{id:s2,channel:Chat,ended:True}]'
)


@dataclass
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class _Stub(BaseHTTPRequestHandler):
    received: list[Received]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.received.append(Received(self.command, self.path, headers, self.rfile.read(length)))
        if self.command == "DELETE":
            self.send_response(204)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/jsv; charset=utf-8")
        self.send_header("Content-Length", str(len(SESSIONS)))
        self.end_headers()
        self.wfile.write(SESSIONS)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the test reads what was received; nothing goes to stderr


@pytest.fixture
def stub() -> Iterator[tuple[str, list[Received]]]:
    received: list[Received] = []
    handler = type("Handler", (_Stub,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _run_block(block: str, namespace: dict[str, Any]) -> int:
    """Run a block's statements; a comment right below an expression statement shows that
    expression's repr, which is checked. Return how many were checked."""
    lines = block.splitlines()
    checked = 0
    checker = doctest.OutputChecker()
    for statement in ast.parse(block).body:
        assert statement.end_lineno is not None
        below = lines[statement.end_lineno] if statement.end_lineno < len(lines) else ""
        if isinstance(statement, ast.Expr):
            code = compile(ast.Expression(statement.value), "docs/wire.md", "eval")
            got = repr(eval(code, namespace))
            if below.startswith("# "):
                expected = below[2:]
                assert checker.check_output(expected + "\n", got + "\n", 0), f"{expected}\n{got}"
                checked += 1
        else:
            exec(compile(ast.Module([statement], []), "docs/wire.md", "exec"), namespace)
    return checked


def test_the_examples_run_against_a_stub_server(stub: tuple[str, list[Received]]) -> None:
    url, received = stub
    blocks = _PYTHON_BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) == 5
    assert all(BASE_URL not in block for block in blocks[1:])
    # A module of its own, as a reader's script is: dataclasses look their module up.
    module = types.ModuleType("wire_doc")
    namespace = module.__dict__
    sys.modules[module.__name__] = module
    try:
        checked = sum(_run_block(block.replace(BASE_URL, url), namespace) for block in blocks)
    finally:
        if "client" in namespace:
            namespace["client"].close()
        del sys.modules[module.__name__]
    assert checked == 7

    query_sessions = namespace["QuerySessions"]
    request, member = namespace["request"], namespace["member"]
    get, delete, post = received
    assert (get.method, get.target) == ("GET", "/sessions?" + jsv.query_string(request))
    assert get.headers["accept"] == "text/jsv"
    assert jsv.parse_query(urlsplit(get.target).query, query_sessions) == request

    assert delete.method == "DELETE"
    assert urlsplit(delete.target).path == "/sessions/7f3a/members"
    assert delete.headers["accept"] == "text/jsv"
    assert jsv.parse_query(urlsplit(delete.target).query, type(member)) == member

    assert (post.method, post.target) == ("POST", "/sessions/query")
    assert post.headers["content-type"] == "application/x-www-form-urlencoded"
    assert jsv.parse_query(post.body.decode(), query_sessions) == request
