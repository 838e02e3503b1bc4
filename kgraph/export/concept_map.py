"""Write a concept map (:func:`kgraph.query.concept_map.concept_map`) as
GraphML and as an HTML page."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import networkx as nx

from kgraph.errors import QueryError
from kgraph.export.graphml import write_graphml
from kgraph.export.html import write_html

__all__ = ["write_concept_map"]


def write_concept_map(
    graph: nx.MultiDiGraph,
    directory: str | os.PathLike[str],
    formats: Sequence[str] = ("graphml", "html"),
    title: str = "kgraph concept map",
) -> dict[str, Path]:
    """Write a concept map as ``concept_map.graphml`` and ``concept_map.html``
    into ``directory``; return the paths written by format."""
    out = Path(directory)
    written: dict[str, Path] = {}
    for fmt in formats:
        if fmt == "graphml":
            # the map carries its own colours, sizes and communities: written as they are
            written[fmt] = write_graphml(graph, out / "concept_map.graphml", decorated=False)
        elif fmt == "html":
            written[fmt] = Path(write_html(graph, out / "concept_map.html", title=title))
        else:
            raise QueryError(f"unknown concept map format {fmt!r}; use graphml or html")
    return written
