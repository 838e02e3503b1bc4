"""Visual attributes for graph viewers: colours, sizes, layout, communities, PageRank.

Gephi, yEd and Cytoscape read ``label``, ``size``, ``r``/``g``/``b`` and
``x``/``y`` from node attributes, and ``weight`` from edges. :func:`decorate`
returns a *copy* of a graph with those attributes (plus ``community`` and
``pagerank``), so the writers can add them while ``kg.graph`` keeps the plain
schema of docs/schema.md. Everything is deterministic: the same graph gives the
same numbers on every run and machine (seeded layout and Louvain, nodes
processed in sorted order).

The palette (:mod:`kgraph.graph.palette`, re-exported here) is shared by every
exporter and the pages, so a concept has the same colour in Gephi, Cytoscape,
the HTML page and the concept map.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("concept:go", kind="concept", label="Go", type="language")
>>> g.add_node("article:a", kind="article", label="A post")
>>> _ = g.add_edge("article:a", "concept:go", key="mentions-1", kind="mentions", weight=0.8)
>>> d = decorate(g)
>>> d.nodes["concept:go"]["r"], d.nodes["concept:go"]["g"], d.nodes["concept:go"]["b"]
(78, 121, 167)
>>> d.nodes["concept:go"]["community"] == d.nodes["article:a"]["community"] == 0
True
>>> "x" in g.nodes["concept:go"]           # the input graph is left alone
False
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any, ClassVar

import networkx as nx

from kgraph.graph.analytics import (
    SEED,
    Arrays,
    communities_arrays,
    layout_arrays,
    pagerank_arrays,
    weight_of,
)
from kgraph.graph.palette import (
    DEFAULT_COLOUR,
    KIND_COLOURS,
    TYPE_COLOURS,
    colour_of,
    hex_to_rgb,
)

__all__ = [
    "DEFAULT_COLOUR",
    "KIND_COLOURS",
    "TYPE_COLOURS",
    "Decoration",
    "apply",
    "colour_of",
    "decorate",
    "decoration",
    "hex_to_rgb",
]


class Decoration:
    """The viewers' attributes of one graph, computed once (see :func:`decoration`).

    ``nodes`` maps each node to the attributes :func:`decorate` adds to it;
    :meth:`node_attrs` gives a node's attributes with them added and
    :meth:`edge_values` what an edge gets, without copying the graph, so a
    writer can stream a decorated graph and several writers can share one
    decoration.
    """

    #: the attributes every edge gets, and their type
    EDGE_TYPES: ClassVar[dict[str, type]] = {"weight": float, "label": str}

    def __init__(self, nodes: dict[Hashable, dict[str, Any]]) -> None:
        self.nodes = nodes

    def node_attrs(self, node: Hashable, attrs: Mapping[str, Any]) -> dict[str, Any]:
        return {**attrs, **self.nodes[node]}

    @staticmethod
    def edge_values(weight: object, kind: object = "") -> tuple[float, str]:
        """The ``weight`` and ``label`` (:data:`EDGE_TYPES`) an edge with this
        ``weight`` and ``kind`` gets: its weight made a positive float (else
        1.0), its kind as text (``""`` for an edge without one).

        >>> Decoration.edge_values(None, "mentions"), Decoration.edge_values(2)
        ((1.0, 'mentions'), (2.0, ''))
        """
        return weight_of(weight), str(kind)

    def positions(self) -> dict[Hashable, tuple[float, float]]:
        """``x``/``y`` of every node (empty if decorated without a layout)."""
        return {n: (d["x"], d["y"]) for n, d in self.nodes.items() if "x" in d}


def decoration(graph: nx.MultiDiGraph, *, with_layout: bool = True, seed: int = SEED) -> Decoration:
    """Colours, sizes, PageRank, communities and (``with_layout``) positions of
    every node of ``graph``; the graph itself is not changed (see :func:`decorate`)."""
    a = Arrays(graph)
    pr = pagerank_arrays(a)
    top = max(pr.values(), default=1.0) or 1.0
    comm = communities_arrays(graph, a, seed=seed)
    pos = layout_arrays(a, seed=seed, rank=pr) if with_layout else {}
    extra: dict[Hashable, dict[str, Any]] = {}
    rgb: dict[str, tuple[int, int, int]] = {}
    for node, attrs in graph.nodes(data=True):
        colour = colour_of(attrs)
        if colour not in rgb:
            rgb[colour] = hex_to_rgb(colour)
        r, g, b = rgb[colour]
        extra[node] = {
            "r": r,
            "g": g,
            "b": b,
            "size": round(3.0 + 27.0 * math.sqrt(pr[node] / top), 2),
            "pagerank": round(pr[node], 8),
            "community": int(comm[node]),
        }
        if with_layout:
            extra[node]["x"], extra[node]["y"] = pos[str(node)]
    return Decoration(extra)


def decorate(
    graph: nx.MultiDiGraph, *, with_layout: bool = True, seed: int = SEED
) -> nx.MultiDiGraph:
    """A copy of ``graph`` with the viewers' attributes added.

    Nodes get ``r``, ``g``, ``b`` (int 0..255, palette colour of the concept
    type or node kind), ``size`` (float 3..30 from PageRank), ``pagerank``
    (float), ``community`` (int, ``-1`` for none) and, with ``with_layout``,
    ``x`` and ``y`` (float). Edges get ``weight`` (float; 1.0 unless the schema
    gives one) and ``label`` (the edge kind). Existing values are replaced, so
    decorating a decorated graph gives the same result.

    >>> g = nx.MultiDiGraph([("a", "b")])
    >>> d = decorate(g, with_layout=False)
    >>> sorted(d.nodes["a"]), d.edges["a", "b", 0]
    (['b', 'community', 'g', 'pagerank', 'r', 'size'], {'weight': 1.0, 'label': ''})
    """
    return apply(graph, decoration(graph, with_layout=with_layout, seed=seed))


def apply(graph: nx.MultiDiGraph, style: Decoration) -> nx.MultiDiGraph:
    """A copy of ``graph`` with the attributes of ``style`` (a :func:`decoration`) added."""
    out = graph.copy()
    for node, attrs in out.nodes(data=True):
        attrs.update(style.nodes[node])
    for _, _, attrs in out.edges(data=True):
        attrs["weight"], attrs["label"] = style.edge_values(
            attrs.get("weight"), attrs.get("kind", "")
        )
    return out
