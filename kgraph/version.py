"""kgraph's version, in one place: the CLI's ``--version``, a graph's
``kgraph_version`` attribute and the build cache's keys all use it.

>>> kgraph_version() != ""
True
"""

from __future__ import annotations

__all__ = ["kgraph_version"]


def kgraph_version() -> str:
    """The installed kgraph's version, or ``0+unknown`` in a source tree that
    is not installed."""
    # imported here: importlib.metadata (email, zipfile, ...) is 0.03 s of every start-up
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kgraph")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"
