"""Write the graph as GEXF 1.2 (Gephi's own format), with colours, sizes and layout.

The file has the same attributes as the GraphML export: the schema's
attributes plus ``community`` and ``pagerank`` as GEXF attributes, and the
colour (``r``/``g``/``b``), ``size`` and position (``x``/``y``) as Gephi's
native ``viz:color``, ``viz:size`` and ``viz:position`` elements, which is
where Gephi reads them from in GEXF. Edge ids are the graph's edge keys and
edges carry their ``weight`` and ``label`` (the edge kind). networkx's GEXF
writer takes a node attribute named ``parents`` for GEXF's node hierarchy, so
the concepts' ``parents`` is passed to it under another name and renamed back
in the attribute declaration: the column is ``parents`` in Gephi and in
``networkx.read_gexf`` as in the other formats.

>>> import networkx as nx, tempfile, pathlib
>>> g = nx.MultiDiGraph()
>>> g.add_node("concept:go", kind="concept", label="Go", type="language")
>>> g.add_node("article:a", kind="article", label="A post", word_count=120)
>>> _ = g.add_edge("article:a", "concept:go", key="mentions-1", kind="mentions", weight=0.8)
>>> _ = g.add_edge("article:a", "concept:go", key="mentions-2", kind="mentions", weight=0.5)
>>> p = write_gexf(g, pathlib.Path(tempfile.mkdtemp()) / "g.gexf")
>>> h = nx.read_gexf(p)
>>> h.nodes["concept:go"]["viz"]["color"]
{'r': 78, 'g': 121, 'b': 167, 'a': 1.0}
>>> h.nodes["article:a"]["word_count"], [k for *_, k in h.edges(keys=True)]
(120, ['mentions-1', 'mentions-2'])
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from kgraph.export.graphml import check_types, sorted_copy
from kgraph.export.style import decorate
from kgraph.fileio import atomic_open

__all__ = ["VIZ_ATTRIBUTES", "gexf_graph", "write_gexf"]

#: Node attributes written as GEXF ``viz`` elements rather than as attribute columns.
VIZ_ATTRIBUTES = ("r", "g", "b", "size", "x", "y")
#: Attribute names networkx's GEXF writer reserves, and the stand-in used while writing.
_RESERVED = {
    "parents": "kgraph_parents",
    "pid": "kgraph_pid",
    "start": "kgraph_start",
    "end": "kgraph_end",
    "id": "kgraph_id",
}


def gexf_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The decorated, sorted copy of ``graph`` that :func:`write_gexf` writes.

    Visual attributes move into each node's ``viz`` dict (networkx's GEXF
    convention) and each edge gets ``id`` = its key, so GEXF edge ids are the
    graph's unique edge keys.

    >>> g = nx.MultiDiGraph(); g.add_node("tag:go", kind="tag", label="go")
    >>> gexf_graph(g).nodes["tag:go"]["viz"]["position"]
    {'x': 0.0, 'y': 0.0, 'z': 0.0}
    """
    out = sorted_copy(decorate(graph))
    check_types(out)
    for _, attrs in out.nodes(data=True):
        for name, stand_in in _RESERVED.items():
            if name in attrs:
                attrs[stand_in] = attrs.pop(name)
        viz = {k: attrs.pop(k) for k in VIZ_ATTRIBUTES if k in attrs}
        attrs["viz"] = {
            "color": {"r": viz["r"], "g": viz["g"], "b": viz["b"], "a": 1.0},
            "size": viz["size"],
            "position": {"x": viz["x"], "y": viz["y"], "z": 0.0},
        }
    for _, _, key, attrs in out.edges(keys=True, data=True):
        attrs["id"] = str(key)
    return out


def write_gexf(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` as GEXF 1.2 at ``path`` (atomically); return the path."""
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(gexf_graph(graph))
    back = {stand_in: name for name, stand_in in _RESERVED.items()}
    for attr in writer.xml.iter("attribute"):
        if attr.get("title") in back:
            attr.set("title", back[attr.get("title")])
    target = Path(path)
    with atomic_open(target, "wb") as fh:
        writer.write(fh)
    return target
