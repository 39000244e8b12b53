"""``python -m jsv.examples``: decode the bundled Evo Voice sample response and print it."""

from __future__ import annotations

import pprint

import jsv
from jsv.examples import seed_sample
from jsv.examples.evovoice import SessionInfo


def main() -> None:
    """Print the sample as text, decoded into a typed SessionInfo, then re-encoded."""
    text = seed_sample()
    print("The Evo Voice SessionInfo sample, as ServiceStack's API page shows it:\n")
    print(text, "\n")
    session = jsv.loads(text, type=SessionInfo, trim=True)
    print("jsv.loads(text, type=SessionInfo, trim=True):\n")
    pprint.pprint(session)
    print("\njsv.dumps(session), compact as ServiceStack writes it:\n")
    print(jsv.dumps(session))
    print(f"\n(jsv {jsv.__version__}, C accelerator: {'on' if jsv.speedups else 'off'})")


if __name__ == "__main__":
    main()
