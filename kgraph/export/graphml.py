"""Write and read the graph as GraphML (Gephi, Cytoscape, yEd, networkx).

Writing is deterministic (nodes and edges sorted, edge ids = the graph's unique
edge keys), atomic (temporary file renamed into place) and safe: characters
XML does not allow are removed from every value, so the file always reads back.
The file carries Gephi's visual attributes (``size``, ``r``/``g``/``b``,
``x``/``y``, ``community``, ``pagerank``; edge ``weight``), added to a copy by
:func:`kgraph.export.style.decorate`. Each attribute name is declared with one
type in the whole file, so Gephi and Cytoscape import every column.
Reading (:mod:`kgraph.export.loading`) goes through defusedxml, so a GraphML file from elsewhere cannot
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
(156, 0.0, 1.0)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import (  # type: ignore[attr-defined]  # ElementTree's own escaping
    _escape_attrib,
    _escape_cdata,
)

import networkx as nx

from kgraph.export.loading import load_graph
from kgraph.export.style import Decoration, decoration
from kgraph.fileio import atomic_open
from kgraph.graph.compact import attr_columns, edge_columns

__all__ = [
    "clean_value",
    "iter_sorted_edges",
    "read_graphml",
    "sorted_copy",
    "sorted_edges",
    "write_graphml",
]

# XML 1.0 allows tab, LF, CR and U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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


def check_types(graph: nx.MultiDiGraph) -> None:
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
    return [(u, v, k) for u, v, k, _ in iter_sorted_edges(graph, nodes)]


def iter_sorted_edges(
    graph: nx.MultiDiGraph, nodes: list[Any] | None = None
) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """``(source, target, key, attributes)`` in the order of :func:`sorted_edges`,
    one source node at a time (no sort of all the edges, no list of them).

    A source's targets come in the order of their smallest edge key (then the
    target), the edges to one target by key: the first-insertion order that
    inserting all edges sorted by (key, source, target) gives.
    """
    adj = dict(graph.adjacency())
    for u in nodes if nodes is not None else sorted(graph.nodes, key=str):
        nbrs = adj[u]
        if not nbrs:
            continue
        groups = []
        for v, keydict in nbrs.items():
            if len(keydict) == 1:
                items = list(keydict.items())
            else:
                items = sorted(keydict.items(), key=lambda item: str(item[0]))
            groups.append((str(items[0][0]), str(v), v, items))
        if len(groups) > 1:
            groups.sort(key=lambda group: (group[0], group[1]))
        for _, _, v, items in groups:
            for k, attrs in items:
                yield u, v, k, attrs


_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
_XML_TYPE = {int: "long", float: "double", str: "string"}


def _unified_types(items: Iterable[dict[str, Any]]) -> dict[str, type]:
    """The one type each attribute gets (as :func:`check_types` decides)."""
    seen: set[tuple[str, type]] = set()
    for d in items:
        seen.update(zip(d, map(type, d.values()), strict=True))
    return _unify(seen)


def _unify(seen: Iterable[tuple[str, type]]) -> dict[str, type]:
    """From the (name, Python type) pairs present: each name's one type.

    The type of ``clean_value(v)`` depends only on the type of ``v``, so the
    pairs are enough: int stays int if all are ints, ints and floats make
    float, any other mix makes str.
    """
    kinds: dict[str, set[type]] = {}
    for name, raw in seen:
        kinds.setdefault(name, set()).add(_clean_type(raw))
    return {
        k: (next(iter(t)) if len(t) == 1 else float if t <= {int, float} else str)
        for k, t in kinds.items()
    }


def _clean_type(raw: type) -> type:
    """``type(clean_value(v))`` for a ``v`` of type ``raw``."""
    if raw is bool:
        return int
    return raw if issubclass(raw, int | float) else str


def _renderer(prefix: str, want: type) -> Callable[[Any], str]:
    """Writes one ``<data>`` element: ``prefix`` is ``'\n<indent><data key="dN"'``
    and ``want`` the attribute's one type. Same text as :func:`_data` of the
    value cleaned and converted; short strings (kinds, aliases, names) are
    rendered once and remembered."""
    short = prefix + " />"
    opened = prefix + ">"
    memo: dict[str, str] = {}

    def render(value: Any) -> str:
        kind = type(value)
        if kind is str and want is str:
            out = memo.get(value)
            if out is None:
                # printable text has no XML-invalid character and no CR to clean
                text = value if value.isprintable() else str(clean_value(value))
                out = f"{opened}{_escape_cdata(text)}</data>" if text else short
                if len(value) <= 64:
                    memo[value] = out
            return out
        if kind is want:  # int or float
            return f"{opened}{value}</data>"
        value = clean_value(value)
        text = str(value if type(value) is want else want(value))
        return f"{opened}{_escape_cdata(text)}</data>" if text else short

    return render


def write_graphml(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    decorated: bool = True,
    style: Decoration | None = None,
) -> Path:
    """Write ``graph`` as GraphML at ``path`` (atomically); return the path.

    With ``decorated`` (the default) the file also has the viewers' attributes
    of :func:`~kgraph.export.style.decorate`, from ``style`` if given (a
    :func:`~kgraph.export.style.decoration` of this graph, computed once and
    shared by several writers) or computed here; ``graph`` itself is not
    changed. The file is streamed (no XML tree in memory, no copy of the
    graph) and is byte for byte what ``networkx.write_graphml_xml`` writes for
    :func:`sorted_copy` of the (decorated) graph after :func:`check_types`
    (pretty-printed, ``d<n>`` key ids).
    """
    if decorated and style is None:
        style = decoration(graph)
    if not decorated:
        style = None
    nodes = sorted(graph.nodes, key=str)
    node_data = [graph.nodes[n] for n in nodes]
    if style is not None:
        node_data = [style.node_attrs(n, d) for n, d in zip(nodes, node_data, strict=True)]

    # one type per attribute name across graph, nodes and edges (see check_types)
    seen: set[tuple[str, type]] = set()
    seen.update(zip(graph.graph, map(type, graph.graph.values()), strict=True))
    for d in node_data:
        seen.update(zip(d, map(type, d.values()), strict=True))
    # the edges' (names, types) shapes: a few, shared by thousands of edges; and
    # the first source node (in sorted order) of an edge with each tuple of names
    shapes: set[tuple[tuple[str, ...], tuple[type, ...]]] = set()
    first_at: dict[tuple[str, ...], int] = {}
    position = {n: i for i, n in enumerate(nodes)}
    source, at = None, 0
    for u, _, _, names, values in edge_columns(graph):
        shapes.add((names, tuple(map(type, values))))
        if u is not source:  # a node's edges come together
            source, at = u, position[u]
        if first_at.get(names, len(nodes)) > at:
            first_at[names] = at
    edge_seen = {pair for names, kinds in shapes for pair in zip(names, kinds, strict=True)}
    if style is not None and shapes:
        edge_seen = {(k, t) for k, t in edge_seen if k not in style.EDGE_TYPES}
        edge_seen.update(style.EDGE_TYPES.items())
    types = _unify(seen | edge_seen)

    # key ids in the order networkx creates them: graph, then nodes, then edges
    keys: dict[tuple[str, str, str], str] = {}

    def key_id(name: str, value_type: type, scope: str) -> str:
        k = (name, _XML_TYPE[value_type], scope)
        if k not in keys:
            keys[k] = f"d{len(keys)}"
        return keys[k]

    def typed(value: Any, name: str) -> Any:
        value = clean_value(value)
        want = types[name]
        return value if type(value) is want else want(value)

    graph_data = [(str(k), typed(v, k)) for k, v in sorted(graph.graph.items())]
    graph_data = [(k, v) for k, v in graph_data if k not in ("node_default", "edge_default", "id")]
    for k, v in graph_data:
        key_id(k, type(v), "graph")
    for d in node_data:
        for k in sorted(d):
            key_id(str(k), types[k], "node")
    # the names an edge is written with, by its own names (see _EdgePlans)
    plans = _EdgePlans(style is not None)
    # the edges in sorted order name their keys; only the edges of the nodes
    # where a tuple of names comes first can name a new one
    for at in sorted(set(first_at.values())):
        for _, _, _, d in iter_sorted_edges(graph, [nodes[at]]):
            names = attr_columns(d)[0]
            if plans.first_seen(names):
                for k in plans.names_out(names):
                    key_id(str(k), types[k], "edge")
    render = {
        (name, scope): _renderer(f'\n      <data key="{kid}"', types[name])
        for (name, _xml_type, scope), kid in keys.items()
        if scope != "graph"
    }
    node_render = {name: r for (name, scope), r in render.items() if scope == "node"}
    edge_render = {name: r for (name, scope), r in render.items() if scope == "edge"}
    quoted = {n: _quote(str(clean_value(n))) for n in nodes}

    target = Path(path)
    with atomic_open(target, "w") as fh:
        buf: list[str] = [_HEADER]
        for (name, xml_type, scope), kid in reversed(keys.items()):
            buf.append(
                f'\n  <key id="{kid}" for="{scope}" attr.name={_quote(name)} '
                f'attr.type="{xml_type}" />'
            )
        if not nodes and not graph_data:  # an empty graph element is written short
            buf.append('\n  <graph edgedefault="directed" />\n</graphml>\n')
            fh.write("".join(buf))
            return target
        buf.append('\n  <graph edgedefault="directed">')
        fh.write("".join(buf))
        buf.clear()
        for node, attrs in zip(nodes, node_data, strict=True):
            if attrs:
                buf.append(f"\n    <node id={quoted[node]}>")
                buf.extend(node_render[k](attrs[k]) for k in sorted(attrs))
                buf.append("\n    </node>")
            else:
                buf.append(f"\n    <node id={quoted[node]} />")
            if len(buf) > 16384:
                fh.write("".join(buf))
                buf.clear()
        for u, v, ek, attrs in iter_sorted_edges(graph, nodes):
            names, values = attr_columns(attrs)
            order = plans.order(names, edge_render)
            ident = ek if type(ek) is str and ek.isprintable() else str(clean_value(ek))
            head = f"\n    <edge source={quoted[u]} target={quoted[v]} id={_quote(ident)}"
            if order:
                buf.append(head + ">")
                if plans.decorated:
                    values = plans.decorate(names, values)
                buf.extend([render(values[i]) for i, render in order])
                buf.append("\n    </edge>")
            else:
                buf.append(head + " />")
            if len(buf) > 16384:
                fh.write("".join(buf))
                buf.clear()
        for k, v in graph_data:
            buf.append(_data(keys[(k, _XML_TYPE[type(v)], "graph")], v, "    "))
        buf.append("\n  </graph>\n</graphml>\n")
        fh.write("".join(buf))
    return target


class _EdgePlans:
    """How an edge with given attribute names is written, worked out once per
    tuple of names (a graph has a few, shared by thousands of edges).

    Decorated, an edge is written with ``weight`` and ``label``
    (:meth:`~kgraph.export.style.Decoration.edge_values`); :meth:`decorate`
    puts those two values after
    its own, and :meth:`order` gives, for the written names in sorted order,
    the index of each one's value and its renderer.

    >>> plans = _EdgePlans(True)
    >>> plans.names_out(("kind", "weight")), plans.decorate(("kind", "weight"), ("x", 2))
    (['kind', 'label', 'weight'], ('x', 2, 2.0, 'x'))
    >>> [i for i, _ in plans.order(("kind", "weight"), dict.fromkeys(["kind", "label", "weight"], str))]
    [0, 3, 2]
    """

    def __init__(self, decorated: bool) -> None:
        self.decorated = decorated
        self.seen: set[tuple[str, ...]] = set()
        self.orders: dict[tuple[str, ...], list[tuple[int, Callable[[Any], str]]]] = {}
        #: per names: the index of ``weight`` and of ``kind`` (-1: none)
        self.extra: dict[tuple[str, ...], tuple[int, int]] = {}

    def first_seen(self, names: tuple[str, ...]) -> bool:
        """Whether ``names`` comes for the first time (and note it)."""
        if names in self.seen:
            return False
        self.seen.add(names)
        return True

    def names_out(self, names: tuple[str, ...]) -> list[str]:
        """The names an edge with ``names`` is written with, sorted."""
        if not self.decorated:
            return sorted(names)
        return sorted({*names, "weight", "label"})

    def decorate(self, names: tuple[str, ...], values: tuple[Any, ...]) -> tuple[Any, ...]:
        """``values`` and then the decorated ``weight`` and ``label``."""
        extra = self.extra.get(names)
        if extra is None:
            extra = self.extra[names] = (
                names.index("weight") if "weight" in names else -1,
                names.index("kind") if "kind" in names else -1,
            )
        w, k = extra
        return (
            *values,
            *Decoration.edge_values(values[w] if w >= 0 else None, values[k] if k >= 0 else ""),
        )

    def order(
        self, names: tuple[str, ...], renderers: dict[str, Callable[[Any], str]]
    ) -> list[tuple[int, Callable[[Any], str]]]:
        """``(index in the values, renderer)`` of each written name, in order."""
        found = self.orders.get(names)
        if found is None:
            where = {name: i for i, name in enumerate(names)}
            if self.decorated:
                where["weight"], where["label"] = len(names), len(names) + 1
            found = self.orders[names] = [
                (where[name], renderers[name]) for name in self.names_out(names)
            ]
        return found


def _data(key: str, value: Any, indent: str) -> str:
    text = str(value)
    if not text:  # ElementTree writes an empty element short
        return f'\n{indent}<data key="{key}" />'
    return f'\n{indent}<data key="{key}">{_escape_cdata(text)}</data>'


def _quote(value: str) -> str:
    return f'"{_escape_attrib(value)}"'


def read_graphml(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a GraphML file as a ``MultiDiGraph``, refusing DTDs and entities
    (the checks and limits of :func:`kgraph.export.loading.parse_graphml`).

    Raises :class:`~kgraph.errors.GraphError` naming the file and the problem.
    """
    return load_graph(path, "graphml")
