"""Write a concept map (:func:`kgraph.query.concept_map.concept_map`) as
GraphML, an HTML page, an SVG or a PNG picture, all with one layout
(:mod:`kgraph.export.map_layout`) and the one palette."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import networkx as nx

from kgraph.errors import QueryError
from kgraph.export import MAP_FORMATS
from kgraph.export.map_layout import MapLayout, map_layout

__all__ = ["MAP_FORMATS", "laid_out", "write_concept_map"]


def laid_out(graph: nx.MultiDiGraph, layout: MapLayout) -> nx.MultiDiGraph:
    """A copy of the map with the layout as node attributes: ``x``/``y`` (Gephi's
    y points up), ``label_shown`` (1 when the picture labels the node) and the
    clusters' discs and captions as graph attributes (``cluster_x`` ... ``|``-joined)."""
    out = graph.copy()
    for n, (x, y) in layout.pos.items():
        out.nodes[n]["x"], out.nodes[n]["y"] = x, -y
        out.nodes[n]["label_shown"] = int(n in layout.labels)
        out.nodes[n]["radius"] = layout.radius[n]
    for key, values in (
        ("cluster_x", [c.x for c in layout.clusters]),
        ("cluster_y", [-c.y for c in layout.clusters]),
        ("cluster_r", [c.r for c in layout.clusters]),
    ):
        out.graph[key] = "|".join(str(v) for v in values)
    return out


def write_concept_map(
    graph: nx.MultiDiGraph,
    directory: str | os.PathLike[str],
    formats: Sequence[str] = ("graphml", "html"),
    title: str = "kgraph concept map",
) -> dict[str, Path]:
    """Write a concept map as ``concept_map.<format>`` into ``directory`` for
    each of ``formats`` (graphml, html, svg, png); return the paths by format."""
    bad = [f for f in formats if f not in MAP_FORMATS]
    if bad:
        raise QueryError(f"unknown concept map format {bad[0]!r}; use {', '.join(MAP_FORMATS)}")
    out = Path(directory)
    layout = map_layout(graph)
    written: dict[str, Path] = {}
    for fmt in formats:
        target = out / MAP_FORMATS[fmt]
        if fmt == "graphml":
            from kgraph.export.graphml import write_graphml

            # the map carries its own colours, sizes, clusters and layout
            written[fmt] = write_graphml(laid_out(graph, layout), target, decorated=False)
        elif fmt == "html":
            from kgraph.export.html import write_html

            page = laid_out(graph, layout)
            written[fmt] = Path(write_html(page, target, title=title))
        else:
            from kgraph.export.map_picture import write_map_picture

            target.parent.mkdir(parents=True, exist_ok=True)
            written[fmt] = write_map_picture(graph, target, fmt, layout=layout, title=title)
    return written
