"""``python -m jsv.examples``: decode the bundled Evo Voice sample response and print it."""

from __future__ import annotations

import pprint

import jsv
from jsv.examples import seed_sample


def main() -> None:
    """Print the sample as text, as the untyped tree, then re-encoded compactly."""
    text = seed_sample()
    print("The Evo Voice SessionInfo sample, as ServiceStack's API page shows it:\n")
    print(text, "\n")
    tree = jsv.loads(text, trim=True)
    print("jsv.loads(text, trim=True):\n")
    pprint.pprint(tree, sort_dicts=False)
    print("\njsv.dumps(...) of that tree, compact as ServiceStack writes it:\n")
    print(jsv.dumps(tree))


if __name__ == "__main__":
    main()
