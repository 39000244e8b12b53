"""The version of jsv, in one place: ``pyproject.toml`` reads it from here when building.

This module imports nothing, so that reading it needs neither the package nor the C module.
"""

__version__ = "0.1.0"
