"""The HTML page's data: the graph as sorted, JSON-ready records for the
viewer, written in chunks into a ``<script type="application/json">`` block.

Feed text is hostile input: it goes into the page only as JSON whose ``<``,
``>``, ``&`` and line separators are escaped (:func:`json_for_script`).
"""

from __future__ import annotations

import functools
import json
import math
import operator
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx
import numpy as np

from kgraph.export import page_layout
from kgraph.export.map_layout import name_lines
from kgraph.graph.compact import edge_columns
from kgraph.graph.palette import GROUP_COLOURS, KIND_COLOURS, colour_of, group_of

__all__ = [
    "LARGE_VIEW_LIMIT",
    "LAYOUT_NODE_LIMIT",
    "TOP_CONCEPTS",
    "VIS_VERSION",
    "Edge",
    "data_chunks",
    "json_for_script",
    "payload",
    "text",
]

#: vis-network version inlined into the page (the copy shipped by pyvis 0.3.2).
VIS_VERSION = "9.1.2"
#: Above this many nodes the layout is computed in Python and physics is off.
LAYOUT_NODE_LIMIT = 1000
#: Above this many nodes the page opens on the top concepts only.
LARGE_VIEW_LIMIT = 2000
#: How many concepts the large-graph default view shows.
TOP_CONCEPTS = 150

KIND_SHAPES = {
    "article": "square",
    "concept": "dot",
    "author": "triangle",
    "tag": "diamond",
    "feed": "star",
    "other": "dot",
}
# Attributes of each node kind that the page needs (docs/schema.md, "Graph").
NODE_FIELDS = {
    "article": ("url", "title", "published", "feed", "word_count", "summary"),
    "concept": ("name", "type", "aliases", "parents", "url", "article_count", "curated"),
    "author": ("name",),
    "tag": ("name", "concept"),
    "feed": ("title", "url"),
}
EDGE_FIELDS = {
    "mentions": ("count", "weight", "evidence", "alias"),
    "co_occurs": ("weight", "articles"),
    "related": ("score", "shared"),
}
# The page's JSON: compact, ASCII only, keys sorted (the C encoder).
ENCODE = json.JSONEncoder(
    ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode
# Characters that must never appear raw inside a <script> block of data.
JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def payload(
    graph: nx.MultiDiGraph,
    title: str,
    given: Mapping[Any, tuple[float, float]] | None = None,
    left_out: int = 0,
) -> tuple[dict[str, Any], list[Edge]]:
    """Everything the viewer needs, as plain JSON-ready values, sorted; the
    edges apart, as sorted rows that :func:`data_chunks` turns into records.
    ``left_out``: the articles of the whole graph the page does not show."""
    ids = sorted(graph.nodes, key=str)
    kinds = {str(n): kind_of(graph.nodes[n]) for n in ids}
    edges = edge_rows(graph)

    # Distinct articles next to each node: sizes, hubs and "min articles" use it.
    article_nbrs: dict[str, set[str]] = defaultdict(set)
    degree: dict[str, int] = defaultdict(int)
    for frm, to, *_ in edges:
        degree[frm] += 1
        degree[to] += 1
        if kinds.get(frm) == "article":
            article_nbrs[to].add(frm)
        if kinds.get(to) == "article":
            article_nbrs[frm].add(to)
    counts = {k: sum(1 for v in kinds.values() if v == k) for k in NODE_FIELDS}
    hub_limit = max(5, math.ceil(0.2 * counts["article"]))
    types = {text(graph.nodes[n].get("type")) for n in ids if kinds[str(n)] == "concept"}
    type_colours = {t: colour_of({"kind": "concept", "type": t}) for t in sorted(types - {""})}
    type_groups = {t: group_of({"kind": "concept", "type": t}) for t in sorted(types)}
    concept_map = map_meta(graph)
    if concept_map:  # laid out for reading (kgraph.export.map_layout), in page pixels
        positions = {str(n): (float(graph.nodes[n]["x"]), -float(graph.nodes[n]["y"])) for n in ids}
    else:
        positions = page_layout.given_positions(graph, ids, given)
    if not positions and len(ids) > LAYOUT_NODE_LIMIT:
        positions = page_layout.positions(list(kinds), [(e[0], e[1]) for e in edges])
    # a big graph opens on its top concepts; they get a layout of their own
    concept_view = bool(positions) and not concept_map and len(ids) > LAYOUT_NODE_LIMIT

    nodes = []
    for n in ids:
        node = node_record(str(n), graph.nodes[n], kinds[str(n)])
        count = len(article_nbrs.get(node["id"], ()))
        if node["kind"] == "concept":
            count = to_int(graph.nodes[n].get("article_count"), count)
        node["articles"] = count
        node["degree"] = degree.get(node["id"], 0)
        node["size"] = size_of(node["kind"], count, node["degree"])
        if node["kind"] != "article" and count > hub_limit:
            node["hub"] = 1
        if node["id"] in positions:
            node["x"], node["y"] = positions[node["id"]]
        if concept_map:
            d = graph.nodes[n]
            node["size"] = float(value(d.get("radius", node["size"])))
            node["cluster"] = to_int(d.get("community"), -1)
            node["rank"] = to_int(d.get("cluster_rank"), 0)
        if node["kind"] == "concept" and d_months(graph.nodes[n]):
            node["months"] = d_months(graph.nodes[n])
        nodes.append(node)

    if concept_view:  # the concept view's own positions ("mx", "my")
        concepts = sorted(
            (nd for nd in nodes if nd["kind"] == "concept"),
            key=lambda nd: (-nd["articles"], nd["id"]),
        )
        view = page_layout.concept_positions(
            [nd["id"] for nd in concepts],
            [(e[0], e[1]) for e in edges if e[2] == "co_occurs"],
            top=TOP_CONCEPTS,
        )
        for nd in concepts:
            nd["mx"], nd["my"] = view[nd["id"]]

    counts["edges"] = len(edges)
    g = graph.graph
    payload = {
        "meta": {
            "title": title,
            "built": text(g.get("built")),
            "kgraph_version": text(g.get("kgraph_version")),
            "catalogue_version": text(g.get("catalogue_version")),
            "counts": counts,
            "positions": bool(positions),
            "large": len(ids) > LARGE_VIEW_LIMIT,
            "top_concepts": TOP_CONCEPTS,
            "hub_limit": hub_limit,
            "articles_left_out": left_out,
            "vis_version": VIS_VERSION,
            "map": concept_map,
        },
        "kind_colours": {k: c for k, c in KIND_COLOURS.items() if k in NODE_FIELDS},
        # the legend: the palette's groups the concepts use, and each type's group
        "groups": {g: c for g, c in GROUP_COLOURS.items() if g in type_groups.values()},
        "type_groups": type_groups,
        "kind_shapes": KIND_SHAPES,
        "type_colours": type_colours,
        "nodes": nodes,
    }
    return payload, edges


def d_months(attrs: Mapping[str, Any]) -> str:
    """A concept's articles per month (``YYYY-MM:n|...``), if the graph has them."""
    return text(attrs.get("months"))


def map_meta(graph: nx.MultiDiGraph) -> dict[str, Any] | None:
    """What the page shows of a laid-out concept map (its kind, counts and
    clusters: number, name, disc, size); None for any other graph."""
    g = graph.graph
    if g.get("kind") != "concept_map" or not all(
        isinstance(d.get("x"), (int, float)) and isinstance(d.get("y"), (int, float))
        for _, d in graph.nodes(data=True)
    ):
        return None

    def split(key: str) -> list[str]:
        return [v for v in text(g.get(key)).split("|") if v]

    sizes: dict[int, int] = defaultdict(int)
    for _, d in graph.nodes(data=True):
        sizes[to_int(d.get("community"), -1)] += 1
    xs, ys, rs, names = (
        split("cluster_x"),
        split("cluster_y"),
        split("cluster_r"),
        split("cluster_labels"),
    )
    clusters = [
        {"id": i, "name": names[i] if i < len(names) else "", "x": float(x), "y": -float(y),
         "r": float(r), "size": sizes.get(i, 0),
         "lines": name_lines(names[i] if i < len(names) else "")}
        for i, (x, y, r) in enumerate(zip(xs, ys, rs, strict=False))
    ]  # fmt: skip
    return {
        "clusters": clusters,
        "articles": to_int(g.get("articles"), 0),
        "hubs": len(split("hubs")),
        "generic": len(split("generic")),
        "isolated": len(split("isolated")),
        "pairs": to_int(g.get("co_occurring_pairs"), 0),
        "since": text(g.get("since")),
        "until": text(g.get("until")),
    }


#: An edge as ``(from, to, kind, attribute names, attribute values)`` (see
#: :func:`kgraph.graph.compact.attr_columns`): its record is made when written.
Edge = tuple[str, str, str, tuple[str, ...], tuple[Any, ...]]


def edge_rows(graph: nx.MultiDiGraph) -> list[Edge]:
    """Every edge, in a stable order: by source, target and kind, then
    (parallel edges of one kind) by their record's JSON."""
    edges: list[Edge] = []
    for u, v, _, names, values in edge_columns(graph):
        kind = values[names.index("kind")] if "kind" in names else None
        if type(kind) is not str or not kind:
            kind = text(kind) or "other"
        edges.append((str(u), str(v), kind, names, values))
    key = operator.itemgetter(0, 1, 2)
    edges.sort(key=key)
    start = 0
    for i in range(1, len(edges) + 1):
        if i == len(edges) or key(edges[i]) != key(edges[start]):
            if i - start > 1:
                edges[start:i] = sorted(edges[start:i], key=lambda e: ENCODE(edge_record(e)))
            start = i
    return edges


@functools.lru_cache(maxsize=1024)
def _record_fields(kind: str, names: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The fields of ``kind`` (:data:`EDGE_FIELDS`) an edge with ``names`` has,
    each with the index of its value."""
    return tuple((f, names.index(f)) for f in EDGE_FIELDS.get(kind, ()) if f in names)


def edge_record(edge: Edge) -> dict[str, Any]:
    """The edge's endpoints, kind and the attributes of its kind.

    >>> edge_record(("a", "b", "mentions", ("kind", "weight", "x"), ("mentions", 0.1234567, 1)))
    {'from': 'a', 'to': 'b', 'kind': 'mentions', 'weight': 0.123457}
    """
    frm, to, kind, names, values = edge
    record: dict[str, Any] = {"from": frm, "to": to, "kind": kind}
    for field, i in _record_fields(kind, names):
        v = values[i]
        record[field] = v if type(v) is str or type(v) is int else value(v)
    return record


def data_chunks(payload: dict[str, Any], edges: list[Edge]) -> Iterator[str]:
    """``json_for_script(payload)`` with ``"edges"`` (the first key in sorted
    order) made of the edges' records, written a few thousand at a time.

    The records of a few thousand edges are encoded in one call: with the
    compact separators, ``ENCODE(records)`` is ``"[" + ",".join(map(ENCODE,
    records)) + "]"``.
    """
    yield '{"edges":['
    sep = ""
    for start in range(0, len(edges), 4096):
        records = [edge_record(edge) for edge in edges[start : start + 4096]]
        yield sep + escape_for_script(ENCODE(records)[1:-1])
        sep = ","
    rest = json_for_script(payload)
    yield "]}" if rest == "{}" else "]," + rest[1:]


def node_record(node_id: str, attrs: dict[str, Any], kind: str) -> dict[str, Any]:
    """The node's id, kind, label, colour, shape and the attributes of its kind."""
    node: dict[str, Any] = {"id": node_id, "kind": kind, "label": label_of(node_id, attrs)}
    for field in NODE_FIELDS.get(kind, ()):
        node[field] = value(attrs.get(field, ""))
    node["color"] = colour_of({"kind": kind, "type": node.get("type", "")})
    node["shape"] = KIND_SHAPES.get(kind, "dot")
    return node


def kind_of(attrs: dict[str, Any]) -> str:
    kind = text(attrs.get("kind"))
    return kind if kind in NODE_FIELDS else "other"


def label_of(node: Any, attrs: dict[str, Any]) -> str:
    for key in ("label", "name", "title"):
        found = text(attrs.get(key))
        if found:
            return found
    return str(node)


def size_of(kind: str, articles: int, degree: int) -> float:
    if kind == "concept":
        return round(min(60.0, 10 + 5 * math.sqrt(articles)), 1)
    if kind == "article":
        return round(min(20.0, 7 + math.sqrt(degree)), 1)
    return round(min(40.0, 8 + 3 * math.sqrt(articles)), 1)


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return str(value)


def to_int(value: Any, default: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return int(number) if math.isfinite(number) else default


def value(value: Any) -> str | int | float:
    """A JSON-safe scalar: numbers stay numbers (finite), the rest becomes text."""
    kind = type(value)
    if kind is str or kind is int:
        return value
    if kind is float:
        return round(value, 6) if math.isfinite(value) else 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return round(number, 6) if math.isfinite(number) else 0
    return text(value)


def json_for_script(payload: dict[str, Any]) -> str:
    """JSON that can sit inside ``<script type="application/json">`` safely.

    ``<``, ``>``, ``&`` and U+2028/U+2029 are written as ``\\uXXXX`` escapes, so
    ``</script>`` or ``<!--`` in feed text can never end the block.

    >>> json_for_script({"t": "</script><!--&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"}'
    """
    return escape_for_script(ENCODE(payload))


def escape_for_script(text: str) -> str:
    for char, escape in JSON_ESCAPES.items():
        if char in text:
            text = text.replace(char, escape)
    return text
