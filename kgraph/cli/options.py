"""Options shared by several ``kgraph`` commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: The graph the query commands read unless ``--graph`` names another.
DEFAULT_GRAPH = "outputs/graph.graphml"


def graph_option(func: F) -> F:
    """``--graph FILE``: the built graph a query command reads."""
    return click.option(
        "--graph",
        "graph_path",
        default=DEFAULT_GRAPH,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="Graph file to read.",
    )(func)
