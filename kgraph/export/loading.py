"""Reading a graph file someone passed (``kgraph.load``, every query command).

A graph file is input like a feed: it may be any file at all. It is read as
GraphML when it starts with ``<`` and as node-link JSON when it starts with
``{``; anything else, or anything that is not a graph of the shape kgraph
writes, is one :class:`~kgraph.errors.GraphError` naming the file (the CLI
prints it as ``error: ...`` and exits 2), never a traceback.

Memory is bounded before it runs out: the file may have at most
:data:`MAX_GRAPH_BYTES` bytes and :data:`MAX_GRAPH_NODES` nodes (and eight
times as many edges), both raised with the environment variables
``KGRAPH_MAX_GRAPH_BYTES`` and ``KGRAPH_MAX_GRAPH_NODES``. GraphML is read as
a stream (each node and edge element is dropped once it is in the graph), so
a graph costs about what its networkx graph costs: measured on kgraph's own
graphs (5 to 11 edges per node), 7 to 13 KB per node with its edges, some
2.5 bytes of memory per byte of GraphML (5 to 6 per byte of JSON, which is
parsed whole; its objects are counted first, so millions of tiny nodes are
refused before parsing).

>>> import networkx as nx, tempfile, pathlib
>>> from kgraph.export.graphml import write_graphml
>>> g = nx.MultiDiGraph(); g.add_edge("a", "b", key="e-1", kind="links_to")
'e-1'
>>> p = write_graphml(g, pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
>>> sorted(load_graph(p).edges(keys=True))
[('a', 'b', 'e-1')]
>>> bad = p.with_name("feed.xml"); _ = bad.write_text("<rss><channel/></rss>")
>>> load_graph(bad)
Traceback (most recent call last):
...
kgraph.errors.GraphError: ...feed.xml: not a GraphML graph (root element <rss>); pass a graph.graphml or graph.json written by kgraph
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as safe_et
import networkx as nx
from defusedxml import DefusedXmlException

from kgraph.errors import GraphError, one_line

__all__ = [
    "MAX_GRAPH_BYTES",
    "MAX_GRAPH_NODES",
    "graph_limits",
    "load_graph",
    "parse_graphml",
    "parse_node_link",
]

#: Default limits: with the figures above, a graph at both limits needs
#: about 1.5 GB of memory to load.
MAX_GRAPH_BYTES = 192 * 1024 * 1024
MAX_GRAPH_NODES = 200_000
#: Edges allowed per node allowed (kgraph's graphs have 3 to 4).
EDGES_PER_NODE = 8

_NS = "{http://graphml.graphdrawing.org/xmlns}"
_TYPES: dict[str, type] = {
    "string": str,
    "yfiles": str,
    "int": int,
    "integer": int,
    "long": int,
    "float": float,
    "double": float,
    "boolean": bool,
}
_MAX_DEPTH = 64
_BOOL = {"true": True, "1": True, "false": False, "0": False}
_HINT = "pass a graph.graphml or graph.json written by kgraph"


def graph_limits() -> tuple[int, int]:
    """(bytes, nodes) a graph file may have: the defaults or the environment's."""
    limits = []
    for name, default in (
        ("KGRAPH_MAX_GRAPH_BYTES", MAX_GRAPH_BYTES),
        ("KGRAPH_MAX_GRAPH_NODES", MAX_GRAPH_NODES),
    ):
        raw = os.environ.get(name, "").strip()
        limits.append(int(raw) if raw.isdigit() and int(raw) > 0 else default)
    return limits[0], limits[1]


def load_graph(path: str | os.PathLike[str], expect: str = "") -> nx.MultiDiGraph:
    """The graph in ``path`` (kgraph GraphML or node-link JSON, told apart by
    their first byte), or :class:`GraphError` naming the file. ``expect``
    (``"graphml"`` or ``"json"``) refuses the other format."""
    where = one_line(os.fspath(path), 200)
    max_bytes, _ = graph_limits()
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise GraphError(f"{where}: not a regular file (a folder, device or pipe); {_HINT}")
        size = info.st_size
        if size > max_bytes:
            raise GraphError(
                f"{where}: file is {size:,} bytes, over the {max_bytes:,}-byte limit for a "
                "graph; raise it with KGRAPH_MAX_GRAPH_BYTES if the memory is there "
                "(about 5 to 9 bytes per byte of graph)"
            )
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as err:
        raise GraphError(
            f"{where}: cannot read graph: {err.strerror or err}; build one first with `kgraph build`"
        ) from err
    is_json = bool(head) and head[:1] in b'{["-0123456789'
    if is_json and expect != "graphml":
        return parse_node_link(path)
    if head.startswith(b"<") and expect != "json":
        return parse_graphml(path)
    if is_json or head.startswith(b"<"):
        raise GraphError(f"{where}: not a {'GraphML' if expect == 'graphml' else 'JSON'} file")
    what = "an empty file" if not head else "neither GraphML nor JSON"
    raise GraphError(f"{where}: not a graph file ({what}); {_HINT}")


def parse_graphml(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read GraphML as a stream into a ``MultiDiGraph``, as networkx's reader
    would (edge ids are keys; ``long``/``double``/``boolean`` typed), refusing
    DTDs and entities and stopping at the node and edge limits."""
    where = one_line(os.fspath(path), 200)
    try:
        return _GraphmlReader(where).read(path)
    except GraphError:
        raise
    except OSError as err:
        raise GraphError(f"{where}: cannot read graph: {err.strerror or err}") from err
    except DefusedXmlException as err:
        raise GraphError(f"{where}: refused: the file declares a DTD or entities") from err
    except safe_et.ParseError as err:
        raise GraphError(f"{where}: not a readable GraphML file: {one_line(err)}") from err
    except MemoryError as err:
        raise GraphError(
            f"{where}: out of memory reading the graph; lower KGRAPH_MAX_GRAPH_NODES "
            "or KGRAPH_MAX_GRAPH_BYTES to stop such files early"
        ) from err
    except (ValueError, TypeError, KeyError, RecursionError) as err:
        raise GraphError(f"{where}: not a readable GraphML file: {one_line(err)}") from err


def _local(tag: object) -> str:
    """An element's name in the GraphML namespace (or in none, as networkx
    also reads); ``""`` for any other.

    >>> _local("{http://graphml.graphdrawing.org/xmlns}node"), _local("node"), _local("{x}node")
    ('node', 'node', '')
    """
    if not isinstance(tag, str):
        return ""
    if tag.startswith(_NS):
        return tag[len(_NS) :]
    return "" if tag.startswith("{") else tag


class _GraphmlReader:
    """One pass of ``iterparse`` over a GraphML file."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.keys: dict[str, tuple[str, type]] = {}
        _, self.max_nodes = graph_limits()
        self.max_edges = self.max_nodes * EDGES_PER_NODE

    def bad(self, what: str) -> GraphError:
        return GraphError(f"{self.where}: not a GraphML graph ({what}); {_HINT}")

    def data(self, elem: Any) -> dict[str, Any]:
        """The attributes in an element's ``<data>`` children, typed by their keys."""
        out: dict[str, Any] = {}
        for d in elem:
            if _local(d.tag) != "data":
                continue
            key = d.get("key")
            if key not in self.keys:
                raise self.bad(f"data for an undeclared key {one_line(key, 40)!r}")
            name, kind = self.keys[key]
            text = d.text
            if len(d):  # a yEd extension: left out
                continue
            if text is None:  # an empty element is an empty string, as networkx reads it
                out[name] = ""
                continue
            if kind is bool:
                if text.strip().lower() not in _BOOL:
                    raise self.bad(f"{one_line(text, 40)!r} is not a boolean")
                out[name] = _BOOL[text.strip().lower()]
            else:
                try:
                    out[name] = kind(text)
                except ValueError:
                    raise self.bad(f"{one_line(text, 40)!r} is not a number") from None
        return out

    def read(self, path: str | os.PathLike[str]) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        stack: list[Any] = []
        graphs = nodes = edges = 0
        events = safe_et.iterparse(
            os.fspath(path),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        for event, elem in events:
            tag = _local(elem.tag)
            if event == "start":
                if not stack and tag != "graphml":
                    raise self.bad(f"root element <{one_line(elem.tag, 80)}>")
                if tag == "graph":
                    graphs += 1
                    if graphs > 1 or len(stack) != 1:
                        raise self.bad("more than one <graph>, or a nested one")
                stack.append(elem)
                if len(stack) > _MAX_DEPTH:
                    raise self.bad(f"elements nested over {_MAX_DEPTH} deep")
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            if tag == "key":
                self.declare(elem)
            elif tag == "node" and len(stack) == 2:
                node = elem.get("id")
                if node is None:
                    raise self.bad("a <node> without an id")
                nodes += 1
                if nodes > self.max_nodes:
                    raise GraphError(
                        f"{self.where}: more than {self.max_nodes:,} nodes, the limit for a "
                        "graph; raise it with KGRAPH_MAX_GRAPH_NODES if the memory is there "
                        "(7 to 13 KB per node)"
                    )
                graph.add_node(node)
                graph.nodes[node].update(self.data(elem))
                parent.remove(elem)  # type: ignore[union-attr]
            elif tag == "edge" and len(stack) == 2:
                source, target = elem.get("source"), elem.get("target")
                if source is None or target is None:
                    raise self.bad("an <edge> without a source or target")
                edges += 1
                if edges > self.max_edges:
                    raise GraphError(
                        f"{self.where}: more than {self.max_edges:,} edges, the limit for a "
                        "graph; raise it with KGRAPH_MAX_GRAPH_NODES if the memory is there"
                    )
                key = graph.add_edge(source, target, key=elem.get("id"))
                graph[source][target][key].update(self.data(elem))
                parent.remove(elem)  # type: ignore[union-attr]
            elif tag == "graph":
                graph.graph.update(self.data(elem))
                parent.remove(elem)  # type: ignore[union-attr]
            elif parent is not None and len(stack) <= 2 and tag != "data":
                parent.remove(elem)  # anything else at the top: read, then dropped
        if graphs == 0:
            raise self.bad("no <graph> element")
        return graph

    def declare(self, elem: Any) -> None:
        kid, name = elem.get("id"), elem.get("attr.name")
        kind = _TYPES.get(elem.get("attr.type", "string"))
        if kid is None or name is None or kind is None:
            raise self.bad("a <key> without an id, a name or a known type")
        if name in ("node_default", "edge_default"):
            raise self.bad(f"reserved attribute name {name!r}")
        self.keys[kid] = (name, kind)


_SCALARS = (str, int, float, bool)


def parse_node_link(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read node-link JSON (``nodes``, ``links``, as :func:`kgraph.export.json.write_json`
    writes it) into a ``MultiDiGraph``, checking its shape first: node ids and
    attribute values must be strings or numbers, every link a source and target."""
    where = one_line(os.fspath(path), 200)
    _, max_nodes = graph_limits()

    def bad(what: str) -> GraphError:
        return GraphError(f"{where}: not a node-link JSON graph ({what}); {_HINT}")

    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise GraphError(f"{where}: cannot read graph: {err.strerror or err}") from err
    # JSON is parsed whole, and an object costs some 250 bytes parsed: count
    # them first (every node and link is one; a brace inside a string counts
    # too, so this is an upper bound), so that millions of tiny nodes are
    # refused before they fill the memory (5,000,000 took 1.4 GB to parse)
    objects = raw.count(b"{")
    if objects > max_nodes * (1 + EDGES_PER_NODE) + 2:
        raise GraphError(
            f"{where}: {objects:,} JSON objects, more than a graph of {max_nodes:,} nodes "
            f"({EDGES_PER_NODE} links per node) can have; raise it with "
            "KGRAPH_MAX_GRAPH_NODES if the memory is there"
        )
    try:
        data = json.loads(raw)
        del raw
    except RecursionError as err:
        raise bad("nested too deep") from err
    except MemoryError as err:
        raise GraphError(f"{where}: out of memory reading the graph") from err
    except ValueError as err:  # JSONDecodeError, UnicodeDecodeError
        raise GraphError(f"{where}: not a readable JSON file: {one_line(err)}") from err
    if not isinstance(data, dict):
        raise bad(f"the top level is a {type(data).__name__}, not an object")
    nodes, links = data.get("nodes"), data.get("links", data.get("edges", []))
    if not isinstance(nodes, list) or not isinstance(links, list):
        raise bad("no list of 'nodes' and 'links'")
    if len(nodes) > max_nodes or len(links) > max_nodes * EDGES_PER_NODE:
        raise GraphError(
            f"{where}: {len(nodes):,} nodes and {len(links):,} links, over the limit of "
            f"{max_nodes:,} nodes ({EDGES_PER_NODE} links per node) for a graph; raise it "
            "with KGRAPH_MAX_GRAPH_NODES if the memory is there"
        )
    graph = nx.MultiDiGraph()
    attrs = data.get("graph", {})
    if not isinstance(attrs, dict) or not all(isinstance(v, _SCALARS) for v in attrs.values()):
        raise bad("'graph' is not an object of plain values")
    graph.graph.update(attrs)
    for i, node in enumerate(_drained(nodes)):
        if not isinstance(node, dict) or not isinstance(node.get("id"), (str, int)):
            raise bad(f"node {i} is not an object with a string or number 'id'")
        if not all(isinstance(v, _SCALARS) for v in node.values()):
            raise bad(f"node {i} has a value that is not a string or number")
        ident = node.pop("id")
        graph.add_node(ident)
        graph.nodes[ident].update(node)
    for i, link in enumerate(_drained(links)):
        if not isinstance(link, dict) or not all(
            isinstance(link.get(k), (str, int)) for k in ("source", "target")
        ):
            raise bad(f"link {i} is not an object with a 'source' and a 'target'")
        if not all(isinstance(v, _SCALARS) or v is None for v in link.values()):
            raise bad(f"link {i} has a value that is not a string or number")
        source, target, key = link.pop("source"), link.pop("target"), link.pop("key", None)
        key = graph.add_edge(source, target, key=key)
        graph[source][target][key].update(link)
    return graph


def _drained(items: list[Any]) -> Iterator[Any]:
    """The items of a list, first to last, each dropped from it once taken
    (so the parsed JSON is freed as the graph grows)."""
    items.reverse()
    while items:
        yield items.pop()
