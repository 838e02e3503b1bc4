"""Write and read the graph as networkx node-link JSON.

>>> import networkx as nx, tempfile, pathlib
>>> g = nx.MultiDiGraph(); g.add_edge("a", "b", key="x-1", kind="links_to")
'x-1'
>>> p = write_json(g, pathlib.Path(tempfile.mkdtemp()) / "g.json")
>>> sorted(read_json(p).edges(keys=True))
[('a', 'b', 'x-1')]
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx

from .._io import atomic_open
from ..errors import GraphError
from .graphml import clean_value, sorted_edges

__all__ = ["read_json", "write_json"]


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` as node-link JSON (``nodes``, ``links``), sorted and atomic.

    Streamed one node and one link at a time; the bytes are those of
    ``json.dump(nx.node_link_data(sorted_copy(graph), edges="links"), indent=1,
    sort_keys=True, ensure_ascii=False)``.
    """

    encode = json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=True).encode

    def dumps(obj: object, level: int) -> str:
        text = encode(obj)
        return text.replace("\n", "\n" + " " * level) if level else text

    graph_attrs = {k: clean_value(v) for k, v in sorted(graph.graph.items())}
    nodes = sorted(graph.nodes, key=str)
    target = Path(path)
    with atomic_open(target) as fh:
        fh.write('{\n "directed": true,\n "graph": ' + dumps(graph_attrs, 1) + ',\n "links": [')
        buf: list[str] = []
        links = 0
        for u, v, key in sorted_edges(graph, nodes):
            link = {k: clean_value(val) for k, val in graph[u][v][key].items()}
            link.update(source=clean_value(u), target=clean_value(v), key=clean_value(key))
            buf.append(("\n  " if links == 0 else ",\n  ") + dumps(link, 2))
            links += 1
            if len(buf) > 4096:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf) + ("\n ]" if links else "]"))
        fh.write(',\n "multigraph": true,\n "nodes": [')
        buf.clear()
        for i, n in enumerate(nodes):
            node = {k: clean_value(val) for k, val in graph.nodes[n].items()}
            node["id"] = clean_value(n)
            buf.append(("\n  " if i == 0 else ",\n  ") + dumps(node, 2))
            if len(buf) > 4096:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf) + ("\n ]" if nodes else "]") + "\n}\n")
    return target


def read_json(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a node-link JSON file written by :func:`write_json`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise GraphError(f"{path}: not a readable node-link JSON graph: {err}") from err
    return graph
