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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import networkx as nx

from kgraph.export.graphml import clean_value, iter_sorted_edges
from kgraph.export.loading import load_graph
from kgraph.fileio import atomic_open
from kgraph.graph.compact import attr_columns

__all__ = ["read_json", "write_json"]


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` as node-link JSON (``nodes``, ``links``), sorted and atomic.

    Streamed one node and one link at a time; the bytes are those of
    ``json.dump(nx.node_link_data(sorted_copy(graph), edges="links"), indent=1,
    sort_keys=True, ensure_ascii=False)``.
    """
    graph_attrs = {k: clean_value(v) for k, v in sorted(graph.graph.items())}
    nodes = sorted(graph.nodes, key=str)
    item_dumps = _flat_dumps(2)
    target = Path(path)
    with atomic_open(target) as fh:
        fh.write(
            '{\n "directed": true,\n "graph": ' + _flat_dumps(1)(graph_attrs) + ',\n "links": ['
        )
        _write_items(fh, _links(graph, nodes), item_dumps)
        fh.write(',\n "multigraph": true,\n "nodes": [')
        _write_items(fh, _nodes(graph, nodes), item_dumps)
        fh.write("\n}\n")
    return target


def _links(graph: nx.MultiDiGraph, nodes: list[Any]) -> Iterator[dict[str, Any]]:
    for u, v, key, attrs in iter_sorted_edges(graph, nodes):
        names, values = attr_columns(attrs)  # no copy of a graph's own attributes
        link = dict(zip(names, map(_clean, values), strict=True))
        # node ids and keys are nearly always printable strings: no call for them
        link["source"] = u if type(u) is str and u.isprintable() else _clean(u)
        link["target"] = v if type(v) is str and v.isprintable() else _clean(v)
        link["key"] = key if type(key) is str and key.isprintable() else _clean(key)
        yield link


def _nodes(graph: nx.MultiDiGraph, nodes: list[Any]) -> Iterator[dict[str, Any]]:
    for n in nodes:
        node = {k: _clean(val) for k, val in graph.nodes[n].items()}
        node["id"] = _clean(n)
        yield node


def _write_items(fh: TextIO, items: Iterable[dict[str, Any]], dumps: Callable[[Any], str]) -> None:
    """Write ``items`` as the elements of a JSON array at indent 1 (its ``[``
    is already written; its ``]`` is written here), a few thousand at a time."""
    buf: list[str] = []
    sep = "\n  "
    for item in items:
        buf.append(sep)
        buf.append(dumps(item))
        sep = ",\n  "
        if len(buf) > 16384:
            fh.write("".join(buf))
            buf.clear()
    fh.write("".join(buf) + ("\n ]" if sep != "\n  " else "]"))


def _clean(value: Any) -> Any:
    """:func:`clean_value`, with a shortcut for the usual plain values."""
    kind = type(value)
    if kind is str:
        return value if value.isprintable() else clean_value(value)
    if kind is int or kind is float:
        return value
    return clean_value(value)


def _flat_dumps(level: int) -> Callable[[dict[str, Any]], str]:
    """``json.dumps(d, indent=1, sort_keys=True, ensure_ascii=False)`` for a dict
    of plain values (str, int, float) nested ``level`` deep, with every line
    indented by ``level`` more spaces.

    The indenting encoder is pure Python; with ``indent=None`` the C encoder
    runs, and the item separator can carry the newline and the indent itself,
    so only the braces need placing. Same text, several times faster.

    >>> d = {"b": 1.5, "a": "x\\n\u00e9", "c": True}
    >>> indented = json.dumps(d, indent=1, sort_keys=True, ensure_ascii=False)
    >>> _flat_dumps(2)(d) == indented.replace("\\n", "\\n  ")
    True
    >>> _flat_dumps(1)({})
    '{}'
    """
    inner = " " * (level + 1)
    encode = json.JSONEncoder(
        ensure_ascii=False, sort_keys=True, separators=(",\n" + inner, ": ")
    ).encode
    opening, closing = "{\n" + inner, "\n" + " " * level + "}"

    def dumps(d: dict[str, Any]) -> str:
        if not d:
            return "{}"
        return opening + encode(d)[1:-1] + closing

    return dumps


def read_json(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a node-link JSON file written by :func:`write_json` (checked as
    :func:`kgraph.export.loading.parse_node_link` does)."""
    return load_graph(path, "json")
