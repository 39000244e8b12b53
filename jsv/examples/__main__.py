"""``python -m jsv.examples``: decode the bundled Evo Voice sample response and print it."""

from __future__ import annotations

import pprint
import sys

import jsv
from jsv._cli import closed_pipe_status
from jsv.examples import seed_sample
from jsv.examples.evovoice import SessionInfo


def _show() -> None:
    text = seed_sample()
    print("The Evo Voice SessionInfo sample, as ServiceStack's API page shows it:\n")
    print(text, "\n")
    session = jsv.loads(text, type=SessionInfo, trim=True)
    print("jsv.loads(text, type=SessionInfo, trim=True):\n")
    pprint.pprint(session)
    print("\njsv.dumps(session), compact as ServiceStack writes it:\n")
    print(jsv.dumps(session))
    print(f"\n(jsv {jsv.__version__}, C accelerator: {'on' if jsv.speedups else 'off'})")


def main() -> int:
    """Print the sample as text, decoded into a typed SessionInfo, then re-encoded.

    Returns the exit status: 0, or 1 when the reader of stdout left early
    (``python -m jsv.examples | head``), which stops the output quietly as the ``jsv``
    command does.
    """
    try:
        _show()
        sys.stdout.flush()
    except BrokenPipeError:
        return closed_pipe_status()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
