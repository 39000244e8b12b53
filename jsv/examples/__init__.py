"""Examples that ship with jsv: the Evo Voice DTOs and a sample response.

The Evo Voice API is a ServiceStack service whose documentation page started this project;
:mod:`jsv.examples.evovoice` holds its DTOs as ServiceStack's Python generator writes them,
and ``seed_session.jsv`` the sample ``SessionInfo`` response of that page.
"""

from __future__ import annotations

from importlib import resources


def seed_sample() -> str:
    """The sample ``SessionInfo`` response of the Evo Voice API page (human-formatted JSV).

    >>> seed_sample()[:22]
    '{ dialState: None, cal'
    """
    return resources.files(__package__).joinpath("seed_session.jsv").read_text("utf-8")
