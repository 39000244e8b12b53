"""``python -m jsv``: the ``jsv`` command line (see :mod:`jsv._cli`)."""

from __future__ import annotations

from jsv._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
