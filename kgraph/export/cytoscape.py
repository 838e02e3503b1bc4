"""Write the graph as Cytoscape JSON (Cytoscape.js ``cy.add`` / Cytoscape desktop ``.cyjs``).

The document is ``{"data": {...graph attributes}, "elements": {"nodes": [...],
"edges": [...]}}``. Each node is ``{"data": {"id", ...attributes, "color"},
"position": {"x", "y"}}``; each edge is ``{"data": {"id", "source", "target",
...attributes}}`` with ``id`` = the graph's unique edge key. ``color`` is the
palette colour as ``#rrggbb`` (use ``"background-color": "data(color)"`` in a
Cytoscape.js style); ``r``/``g``/``b`` stay in the data for Cytoscape desktop
mappings. The y axis points down in Cytoscape, so ``y`` is flipped to give
the same picture as Gephi.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("concept:go", kind="concept", label="Go", type="language")
>>> g.add_node("article:a", kind="article", label="A post")
>>> _ = g.add_edge("article:a", "concept:go", key="mentions-1", kind="mentions", weight=0.8)
>>> doc = cytoscape_data(g)
>>> node = doc["elements"]["nodes"][1]
>>> node["data"]["id"], node["data"]["color"], sorted(node["position"])
('concept:go', '#4e79a7', ['x', 'y'])
>>> {k: doc["elements"]["edges"][0]["data"][k] for k in ("id", "source", "target", "weight")}
{'id': 'mentions-1', 'source': 'article:a', 'target': 'concept:go', 'weight': 0.8}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import networkx as nx

from kgraph.errors import GraphError
from kgraph.export.graphml import check_types, sorted_copy
from kgraph.export.style import decorate
from kgraph.fileio import atomic_open

__all__ = ["cytoscape_data", "read_cytoscape", "write_cytoscape"]

_RESERVED = ("id", "source", "target")


def cytoscape_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The Cytoscape JSON document of ``graph`` (decorated copy; ``graph`` is unchanged)."""
    out = sorted_copy(decorate(graph))
    check_types(out)
    nodes = []
    for node, attrs in out.nodes(data=True):
        data = {k: v for k, v in attrs.items() if k not in ("x", "y", *_RESERVED)}
        data["id"] = str(node)
        data["color"] = "#{:02x}{:02x}{:02x}".format(attrs["r"], attrs["g"], attrs["b"])
        nodes.append({"data": data, "position": {"x": attrs["x"], "y": -attrs["y"] + 0.0}})
    edges = []
    for u, v, key, attrs in out.edges(keys=True, data=True):
        data = {k: val for k, val in attrs.items() if k not in _RESERVED}
        data.update(id=str(key), source=str(u), target=str(v))
        edges.append({"data": data})
    return {
        "format_version": "1.0",
        "generated_by": "kgraph",
        "target_cytoscapejs_version": "~3",
        "data": dict(out.graph),
        "elements": {"nodes": nodes, "edges": edges},
    }


def write_cytoscape(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write :func:`cytoscape_data` as JSON at ``path`` (atomically); return the path."""
    target = Path(path)
    with atomic_open(target) as fh:
        json.dump(cytoscape_data(graph), fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return target


def read_cytoscape(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a file written by :func:`write_cytoscape` back into a ``MultiDiGraph``.

    Positions come back as ``x``/``y`` (y flipped back), ``color`` is dropped
    (it duplicates ``r``/``g``/``b``) and edge ids become edge keys.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        graph = nx.MultiDiGraph()
        graph.graph.update(doc.get("data", {}))
        for item in doc["elements"]["nodes"]:
            data = dict(item["data"])
            node = data.pop("id")
            data.pop("color", None)
            pos = item.get("position")
            if pos:
                data["x"], data["y"] = pos["x"], -pos["y"] + 0.0
            graph.add_node(node, **data)
        for item in doc["elements"]["edges"]:
            data = dict(item["data"])
            u, v, key = data.pop("source"), data.pop("target"), data.pop("id")
            graph.add_edge(u, v, key=key, **data)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise GraphError(f"{path}: not a readable Cytoscape JSON file: {err}") from err
    return graph
