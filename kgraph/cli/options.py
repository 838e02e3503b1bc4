"""Options shared by several ``kgraph`` commands."""

from __future__ import annotations

import datetime as dt
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


def period_error(since: str | None, until: str | None) -> str | None:
    """What is wrong with a ``--since``/``--until`` pair (dates as ``YYYY``,
    ``YYYY-MM`` or ``YYYY-MM-DD``, both ends included), or ``None``.

    >>> period_error("2024-01", "2024-06-30") is None
    True
    >>> period_error("2024-13", None)
    "--since '2024-13': give a date as YYYY, YYYY-MM or YYYY-MM-DD"
    >>> period_error("2024-06", "2024-05-31")
    '--since 2024-06 is after --until 2024-05-31: no article can be in that period'
    """
    for name, value in (("--since", since), ("--until", until)):
        if value is None:
            continue
        shape = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}.get(len(value))
        try:
            if shape is None or not value[:4].isdigit():
                raise ValueError(value)
            dt.datetime.strptime(value, shape)
        except ValueError:
            return f"{name} {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD"
    if since and until and since[: len(until)] > until:
        return f"--since {since} is after --until {until}: no article can be in that period"
    return None
