"""The ``kgraph`` command line, one module per command group; thin over :mod:`kgraph.api`."""

from kgraph.cli.app import main

__all__ = ["main"]
