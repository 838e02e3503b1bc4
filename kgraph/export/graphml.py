"""Write and read the graph as GraphML (Gephi, Cytoscape, yEd, networkx).

Writing is deterministic (nodes and edges sorted, edge ids = the graph's unique
edge keys), atomic (temporary file renamed into place) and safe: characters
XML does not allow are removed from every value, so the file always reads back.
The file carries Gephi's visual attributes (``size``, ``r``/``g``/``b``,
``x``/``y``, ``community``, ``pagerank``; edge ``weight``), added to a copy by
:func:`kgraph.export.style.decorate`. Each attribute name is declared with one
type in the whole file, so Gephi and Cytoscape import every column.
Reading goes through defusedxml first, so a GraphML file from elsewhere cannot
expand entities or load external ones; it returns the attributes with the
types they were written with (``long`` -> int, ``double`` -> float).

>>> import networkx as nx, tempfile, pathlib
>>> g = nx.MultiDiGraph(); g.add_node("concept:go", kind="concept", label="Go\\x00")
>>> g.add_edge("concept:go", "concept:go", key="e-1", kind="broader")
'e-1'
>>> p = write_graphml(g, pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
>>> h = read_graphml(p); h.nodes["concept:go"]["label"], list(h.edges(keys=True))
('Go', [('concept:go', 'concept:go', 'e-1')])
>>> h.nodes["concept:go"]["r"], h.nodes["concept:go"]["x"], h.edges["concept:go", "concept:go", "e-1"]["weight"]
(225, 0.0, 1.0)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import (  # type: ignore[attr-defined]  # ElementTree's own escaping
    _escape_attrib,
    _escape_cdata,
)

import defusedxml.ElementTree as safe_et
import networkx as nx
from defusedxml import DefusedXmlException

from .._io import atomic_open
from ..errors import GraphError
from .style import decorate

__all__ = ["clean_value", "read_graphml", "sorted_copy", "sorted_edges", "write_graphml"]

# XML 1.0 allows tab, LF, CR and U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_GRAPHML_BYTES = 2 * 1024 * 1024 * 1024


def clean_value(value: Any) -> str | int | float:
    """A GraphML-safe attribute value: str/int/float only, no XML-invalid chars.

    >>> clean_value("a\\x01b"), clean_value(None), clean_value(["x", "y"]), clean_value(True)
    ('ab', '', 'x|y', 1)
    >>> clean_value("a\\r\\nb\\rc\\ud800")
    'a\\nb\\nc'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return "|".join(str(clean_value(v)) for v in value)
    # XML parsers turn CR and CRLF into LF on reading: write LF, so values round-trip
    return _XML_BAD.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")


def sorted_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with nodes and edges in sorted order and GraphML-safe values."""
    out = nx.MultiDiGraph()
    out.graph.update({k: clean_value(v) for k, v in sorted(graph.graph.items())})
    for node in sorted(graph.nodes, key=str):
        attrs = graph.nodes[node]
        out.add_node(clean_value(node), **{k: clean_value(v) for k, v in sorted(attrs.items())})
    edges = sorted(
        graph.edges(keys=True, data=True), key=lambda e: (str(e[2]), str(e[0]), str(e[1]))
    )
    for u, v, key, attrs in edges:
        out.add_edge(
            clean_value(u),
            clean_value(v),
            key=clean_value(key),
            **{k: clean_value(val) for k, val in sorted(attrs.items())},
        )
    return out


def _check_types(graph: nx.MultiDiGraph) -> None:
    """Give each attribute name one type across graph, nodes and edges, in place.

    int stays int only if every value of that name is an int; a mix of ints
    and floats becomes float; anything else mixed becomes str. GraphML
    declares a key per (name, domain, type), and Gephi refuses a name declared
    twice with different types (``weight`` as ``long`` and as ``double``).
    """
    items = [
        graph.graph,
        *(d for _, d in graph.nodes(data=True)),
        *(d for _, _, d in graph.edges(data=True)),
    ]
    types = _unified_types(items)
    for d in items:
        for k, v in d.items():
            if type(v) is not types[k]:
                d[k] = types[k](v)


def sorted_edges(graph: nx.MultiDiGraph, nodes: list[Any] | None = None) -> list[tuple]:
    """``(source, target, key)`` in the order ``sorted_copy(graph).edges`` lists them:
    sorted_copy inserts edges sorted by (key, source, target), and networkx
    lists them per source node (sorted), targets in first-insertion order.

    >>> g = nx.MultiDiGraph(); g.add_edges_from([("b", "a", "x-1"), ("a", "c", "x-2"), ("a", "b", "x-3")])
    ['x-1', 'x-2', 'x-3']
    >>> sorted_edges(g)
    [('a', 'c', 'x-2'), ('a', 'b', 'x-3'), ('b', 'a', 'x-1')]
    """
    by_source: dict[Any, dict[Any, list[Any]]] = {}
    for u, v, ek in sorted(graph.edges(keys=True), key=lambda e: (str(e[2]), str(e[0]), str(e[1]))):
        by_source.setdefault(u, {}).setdefault(v, []).append(ek)
    order = nodes if nodes is not None else sorted(graph.nodes, key=str)
    return [(u, v, ek) for u in order for v, eks in by_source.get(u, {}).items() for ek in eks]


_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
_XML_TYPE = {int: "long", float: "double", str: "string"}


def _unified_types(items: Iterable[dict[str, Any]]) -> dict[str, type]:
    """The one type each attribute gets (as :func:`_check_types` decides)."""
    kinds: dict[str, set[type]] = {}
    for d in items:
        for k, v in d.items():
            kinds.setdefault(k, set()).add(type(clean_value(v)))
    return {
        k: (next(iter(t)) if len(t) == 1 else float if t <= {int, float} else str)
        for k, t in kinds.items()
    }


def write_graphml(
    graph: nx.MultiDiGraph, path: str | os.PathLike[str], *, decorated: bool = True
) -> Path:
    """Write ``graph`` as GraphML at ``path`` (atomically); return the path.

    With ``decorated`` (the default) the file also has the viewers' attributes
    of :func:`~kgraph.export.style.decorate`; ``graph`` itself is not changed.
    The file is streamed (no XML tree in memory) and is byte for byte what
    ``networkx.write_graphml_xml`` writes for :func:`sorted_copy` of the graph
    after :func:`_check_types` (pretty-printed, ``d<n>`` key ids).
    """
    if decorated:
        graph = decorate(graph)
    # one type per attribute name across graph, nodes and edges (see _check_types)
    types = _unified_types(
        [
            graph.graph,
            *(d for _, d in graph.nodes(data=True)),
            *(d for _, _, d in graph.edges(data=True)),
        ]
    )
    node_types = edge_types = types
    nodes = sorted(graph.nodes, key=str)
    edges = sorted_edges(graph, nodes)

    # key ids in the order networkx creates them: graph, then nodes, then edges
    keys: dict[tuple[str, str, str], str] = {}

    def key_id(name: str, value_type: type, scope: str) -> str:
        k = (name, _XML_TYPE[value_type], scope)
        if k not in keys:
            keys[k] = f"d{len(keys)}"
        return keys[k]

    def typed(value: Any, types: dict[str, type], name: str) -> Any:
        value = clean_value(value)
        want = types[name]
        return value if type(value) is want else want(value)

    graph_data = [(str(k), typed(v, types, k)) for k, v in sorted(graph.graph.items())]
    graph_data = [(k, v) for k, v in graph_data if k not in ("node_default", "edge_default", "id")]
    for k, v in graph_data:
        key_id(k, type(v), "graph")
    for node in nodes:
        for k in sorted(graph.nodes[node]):
            key_id(str(k), node_types[k], "node")
    for u, v, ek in edges:
        for k in sorted(graph[u][v][ek]):
            key_id(str(k), edge_types[k], "edge")

    target = Path(path)
    with atomic_open(target, "w") as fh:
        buf: list[str] = [_HEADER]
        for (name, xml_type, scope), kid in reversed(keys.items()):
            buf.append(
                f'\n  <key id="{kid}" for="{scope}" attr.name={_quote(name)} '
                f'attr.type="{xml_type}" />'
            )
        buf.append('\n  <graph edgedefault="directed">')
        children = 0

        def data_lines(items: list[tuple[str, Any]], scope: str, types: dict[str, type]) -> str:
            return "".join(
                _data(keys[(k, _XML_TYPE[types[k]], scope)], typed(v, types, k), "      ")
                for k, v in items
            )

        for node in nodes:
            children += 1
            attrs = sorted(graph.nodes[node].items())
            ident = _quote(str(clean_value(node)))
            if attrs:
                buf.append(
                    f"\n    <node id={ident}>{data_lines(attrs, 'node', node_types)}\n    </node>"
                )
            else:
                buf.append(f"\n    <node id={ident} />")
            if len(buf) > 4096:
                fh.write("".join(buf))
                buf.clear()
        for u, v, ek in edges:
            children += 1
            attrs = sorted(graph[u][v][ek].items())
            head = (
                f"\n    <edge source={_quote(str(clean_value(u)))} "
                f"target={_quote(str(clean_value(v)))} id={_quote(str(clean_value(ek)))}"
            )
            if attrs:
                buf.append(f"{head}>{data_lines(attrs, 'edge', edge_types)}\n    </edge>")
            else:
                buf.append(f"{head} />")
            if len(buf) > 4096:
                fh.write("".join(buf))
                buf.clear()
        for k, v in graph_data:
            children += 1
            buf.append(_data(keys[(k, _XML_TYPE[type(v)], "graph")], v, "    "))
        if children:
            buf.append("\n  </graph>\n</graphml>\n")
        else:  # an empty graph element is written short, like ElementTree does
            buf[-1] = '\n  <graph edgedefault="directed" />\n</graphml>\n'
        fh.write("".join(buf))
    return target


def _data(key: str, value: Any, indent: str) -> str:
    text = str(value)
    if not text:  # ElementTree writes an empty element short
        return f'\n{indent}<data key="{key}" />'
    return f'\n{indent}<data key="{key}">{_escape_cdata(text)}</data>'


def _quote(value: str) -> str:
    return f'"{_escape_attrib(value)}"'


def read_graphml(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a GraphML file as a ``MultiDiGraph``, refusing DTDs and entities.

    Raises :class:`~kgraph.errors.GraphError` naming the file and the problem.
    """
    try:
        size = os.path.getsize(path)
        if size > MAX_GRAPHML_BYTES:
            raise GraphError(
                f"{path}: file is {size:,} bytes, over the {MAX_GRAPHML_BYTES:,} limit"
            )
        data = Path(path).read_bytes()
        safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        graph = nx.parse_graphml(data, force_multigraph=True)
    except OSError as err:
        raise GraphError(
            f"{path}: cannot read graph: {err.strerror or err}; build one first with `kgraph build`"
        ) from err
    except DefusedXmlException as err:
        raise GraphError(f"{path}: refused: the file declares a DTD or entities") from err
    except (safe_et.ParseError, nx.NetworkXError, ValueError, KeyError) as err:
        raise GraphError(f"{path}: not a readable GraphML file: {err}") from err
    if not graph.is_directed():
        graph = nx.MultiDiGraph(graph)
    for key in ("node_default", "edge_default"):  # added by networkx's reader
        if graph.graph.get(key) == {}:
            del graph.graph[key]
    return graph
