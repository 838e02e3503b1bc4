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
from .graphml import sorted_copy

__all__ = ["read_json", "write_json"]


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` as node-link JSON (``nodes``, ``links``), sorted and atomic."""
    data = nx.node_link_data(sorted_copy(graph), edges="links")
    target = Path(path)
    with atomic_open(target) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
    return target


def read_json(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a node-link JSON file written by :func:`write_json`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise GraphError(f"{path}: not a readable node-link JSON graph: {err}") from err
    return graph
