"""Write the graph as one self-contained, interactive HTML page.

The page is built on vis-network (the copy pyvis ships, inlined at write time)
and a small viewer script from ``kgraph/export/_viewer/``. Everything the page
needs is inside the file, and its Content-Security-Policy forbids every network
request, so it opens from ``file://`` and nothing leaves the machine.

Feed text is hostile input: titles, tags, authors and evidence go into the page
only as escaped JSON data and are shown with ``textContent``, never as HTML.

Same graph in, same bytes out: nodes and edges are sorted, the layout (for big
graphs) uses a fixed seed, and the only timestamp is the graph's own ``built``.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("concept:go", kind="concept", label="Go", name="Go", type="language",
...            aliases="Go|golang", parents="", url="https://go.dev", article_count=1)
>>> page = render_html(g, title="demo")
>>> page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import logging
import math
import operator
import os
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from kgraph.errors import GraphError
from kgraph.export import PAGE_MAX_ARTICLES
from kgraph.fileio import atomic_open
from kgraph.graph.analytics import edge_count, place_around

__all__ = ["write_html"]

LOGGER = logging.getLogger(__name__)

#: vis-network version inlined into the page (the copy shipped by pyvis 0.3.2).
VIS_VERSION = "9.1.2"

#: Above this many nodes the layout is computed in Python and physics is off.
LAYOUT_NODE_LIMIT = 1000
#: Of a graph laid out in Python, how many of the best connected nodes the force
#: layout places; the others are put next to their neighbours (see ``_positions``).
LAYOUT_CORE = 1000

#: Flags for opening the page in a headless Chromium (tests, benchmarks, the
#: README screenshot): no sandbox (root in CI), and none of Chromium's own
#: background traffic, so every request seen is the page's.
HEADLESS_CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Above this many nodes the page opens on the top concepts only.
LARGE_VIEW_LIMIT = 2000
#: How many concepts the large-graph default view shows.
TOP_CONCEPTS = 150
# Pull towards the centre in the layout, in units of the ideal edge length. Without
# it, separate components (one per blog, often) fly apart and end up as specks.
_GRAVITY = 200.0

_KIND_COLOURS = {
    "article": "#4e79a7",
    "concept": "#f28e2b",
    "author": "#59a14f",
    "tag": "#b07aa1",
    "feed": "#9c755f",
    "other": "#bab0ac",
}
_KIND_SHAPES = {
    "article": "square",
    "concept": "dot",
    "author": "triangle",
    "tag": "diamond",
    "feed": "star",
    "other": "dot",
}
_TYPE_COLOURS = {
    "language": "#e15759",
    "framework": "#f28e2b",
    "library": "#edc948",
    "tool": "#76b7b2",
    "database": "#ff9da7",
    "protocol": "#9467bd",
    "practice": "#17becf",
    "concept": "#bcbd22",
    "platform": "#8c564b",
    "company": "#7f7f7f",
    "topic": "#9edae5",
    "aws-service": "#ff9900",
    "cloud-service": "#d62728",
    "go-concept": "#00add8",
}
# Colours for concept types the list above does not name (chosen by a stable hash).
_EXTRA_COLOURS = ("#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#31a354")

# Attributes of each node kind that the page needs (DESIGN.md, "Graph schema").
_NODE_FIELDS = {
    "article": ("url", "title", "published", "feed", "word_count", "summary"),
    "concept": ("name", "type", "aliases", "parents", "url", "article_count"),
    "author": ("name",),
    "tag": ("name", "concept"),
    "feed": ("title", "url"),
}
_EDGE_FIELDS = {
    "mentions": ("count", "weight", "evidence", "alias"),
    "co_occurs": ("weight", "articles"),
    "related": ("score", "shared"),
}

_VIS_NOTICE = (
    "vis-network {version} (https://github.com/visjs/vis-network), "
    "(c) 2011-2017 Almende B.V, (c) 2017-2019 visjs contributors. "
    "Dual licensed under the Apache License 2.0 and the MIT License; "
    "inlined from the copy shipped by pyvis (source-map comment removed)."
)

# The page's JSON: compact, ASCII only, keys sorted (the C encoder).
_ENCODE = json.JSONEncoder(
    ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode
# Characters that must never appear raw inside a <script> block of data.
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def write_html(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    title: str = "kgraph",
    positions: Mapping[Any, tuple[float, float]] | None = None,
    max_articles: int | None = PAGE_MAX_ARTICLES,
) -> Path:
    """Write ``graph`` as one self-contained interactive HTML page.

    Args:
        graph: a graph following the schema in DESIGN.md.
        path: where to write the page (parent folders are created). The file is
            replaced atomically: a failed write leaves the old page in place.
        title: shown in the browser tab and the title bar.
        positions: ``x``/``y`` of every node in Gephi units (y up), e.g. those
            of :func:`kgraph.export.style.decoration`; used instead of the
            graph's own ``x``/``y`` attributes or a computed layout.
        max_articles: the most articles the page shows (None: all), see
            :func:`page_graph`; the page says how many it leaves out.

    Returns:
        The path written, as a :class:`pathlib.Path`.

    Raises:
        GraphError: the page could not be written, or the vis-network files
            pyvis ships could not be found.

    Example:

    >>> import networkx as nx, tempfile, pathlib
    >>> g = nx.MultiDiGraph(built="2024-08-05T03:00:00Z")
    >>> g.add_node("tag:go", kind="tag", label="go", name="go", concept="")
    >>> out = write_html(g, pathlib.Path(tempfile.mkdtemp()) / "graph.html")
    >>> out.name, "2024-08-05" in out.read_text(encoding="utf-8")
    ('graph.html', True)
    """
    target = Path(path)
    parts = _page_parts(graph, title, positions, max_articles)
    try:
        with atomic_open(target) as fh:
            for part in parts:
                fh.write(part)
    except OSError as err:
        raise GraphError(
            f"{target}: cannot write the HTML page ({err.strerror or err}); "
            "check that the folder exists and is writable"
        ) from err
    if LOGGER.isEnabledFor(logging.INFO):
        LOGGER.info("Wrote %s (%d nodes, %d edges)", target, len(graph), edge_count(graph))
    return target


def render_html(
    graph: nx.MultiDiGraph,
    *,
    title: str = "kgraph",
    positions: Mapping[Any, tuple[float, float]] | None = None,
    max_articles: int | None = PAGE_MAX_ARTICLES,
) -> str:
    """Return the page for ``graph`` as a string (what :func:`write_html` writes)."""
    return "".join(_page_parts(graph, title, positions, max_articles))


def page_graph(
    graph: nx.MultiDiGraph, max_articles: int | None = PAGE_MAX_ARTICLES
) -> tuple[nx.MultiDiGraph, int]:
    """The part of ``graph`` a page shows, and how many articles it leaves out.

    The page of a 100,000-article graph would be some 500 MB, more than a
    browser opens. Above ``max_articles`` articles (None: no limit) the page
    keeps the most recent ``max_articles`` (by ``published``, then node id),
    the authors and tags of those, and every concept and feed with the edges
    between them: the concept map stays whole, and concepts keep their
    ``article_count`` over the whole graph. The GraphML and JSON files hold
    everything.

    >>> g = nx.MultiDiGraph()
    >>> for i in range(3):
    ...     g.add_node(f"article:{i}", kind="article", published=f"2024-01-0{i + 1}")
    ...     _ = g.add_edge(f"author:{i}", f"article:{i}", kind="wrote")
    ...     g.nodes[f"author:{i}"]["kind"] = "author"
    >>> sub, left_out = page_graph(g, 2)
    >>> sorted(sub), left_out
    (['article:1', 'article:2', 'author:1', 'author:2'], 1)
    """
    kinds = dict(graph.nodes(data="kind", default=""))
    articles = sorted(n for n, kind in kinds.items() if kind == "article")
    if max_articles is None or len(articles) <= max_articles:
        return graph, 0
    published = graph.nodes(data="published", default="")
    articles.sort(key=lambda n: _text(published[n]), reverse=True)  # stable: ids ascending
    shown = set(articles[: max(max_articles, 0)])
    keep = set(shown)
    for n, kind in kinds.items():
        if kind in ("author", "tag"):
            if any(m in shown for m in nx.all_neighbors(graph, n)):
                keep.add(n)
        elif kind != "article":
            keep.add(n)
    return graph.subgraph(keep), len(articles) - len(shown)


def _page_parts(
    graph: nx.MultiDiGraph,
    title: str,
    positions: Mapping[Any, tuple[float, float]] | None,
    max_articles: int | None = PAGE_MAX_ARTICLES,
) -> Iterator[str]:
    """The page in pieces, the graph's data in chunks: the file is written
    without holding the page, its data or one record per edge in memory."""
    graph, left_out = page_graph(graph, max_articles)
    payload, edges = _payload(graph, title, positions, left_out)
    vis_js, vis_css = _vis_assets()
    viewer_js = _asset("viewer.js")
    viewer_css = _asset("viewer.css")
    template = _asset("page.html")

    notice = _VIS_NOTICE.format(version=VIS_VERSION)
    vis_script = f"\n/* {notice} */\n{_safe_in_tag(vis_js, 'script')}\n"
    viewer_script = f"\n{_safe_in_tag(viewer_js, 'script')}\n"
    styles = f"\n/* {notice} */\n{_safe_in_tag(vis_css, 'style')}\n{viewer_css}\n"
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_csp_hash(vis_script)} {_csp_hash(viewer_script)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    replacements = {
        "@@CSP@@": html.escape(csp, quote=True),
        "@@TITLE@@": html.escape(title),
        "@@STYLE@@": _safe_in_tag(styles, "style"),
        "@@VIS_JS@@": vis_script,
        "@@VIEWER_JS@@": viewer_script,
    }
    # One pass, so text inserted for one marker is never searched for another:
    # the odd pieces of the split are the markers.
    for i, piece in enumerate(re.split(r"(@@[A-Z_]+@@)", template)):
        if i % 2 == 0:
            yield piece
        elif piece == "@@DATA@@":
            yield from _data_chunks(payload, edges)
        else:
            yield replacements[piece]


# -- data -------------------------------------------------------------------


def _payload(
    graph: nx.MultiDiGraph,
    title: str,
    given: Mapping[Any, tuple[float, float]] | None = None,
    left_out: int = 0,
) -> tuple[dict[str, Any], list[_Edge]]:
    """Everything the viewer needs, as plain JSON-ready values, sorted; the
    edges apart, as sorted rows that :func:`_data_chunks` turns into records.
    ``left_out``: the articles of the whole graph the page does not show."""
    ids = sorted(graph.nodes, key=str)
    kinds = {str(n): _kind(graph.nodes[n]) for n in ids}
    edges = _edge_rows(graph)

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
    counts = {k: sum(1 for v in kinds.values() if v == k) for k in _NODE_FIELDS}
    hub_limit = max(5, math.ceil(0.2 * counts["article"]))
    types = {_text(graph.nodes[n].get("type")) for n in ids if kinds[str(n)] == "concept"}
    type_colours = {t: _type_colour(t) for t in sorted(types - {""})}
    positions = _given_positions(graph, ids, given)
    if not positions and len(ids) > LAYOUT_NODE_LIMIT:
        positions = _positions(list(kinds), [(e[0], e[1]) for e in edges])

    nodes = []
    for n in ids:
        node = _node_record(str(n), graph.nodes[n], kinds[str(n)], type_colours)
        count = len(article_nbrs.get(node["id"], ()))
        if node["kind"] == "concept":
            count = _int(graph.nodes[n].get("article_count"), count)
        node["articles"] = count
        node["degree"] = degree.get(node["id"], 0)
        node["size"] = _size(node["kind"], count, node["degree"])
        if node["kind"] != "article" and count > hub_limit:
            node["hub"] = 1
        if node["id"] in positions:
            node["x"], node["y"] = positions[node["id"]]
        nodes.append(node)

    counts["edges"] = len(edges)
    g = graph.graph
    payload = {
        "meta": {
            "title": title,
            "built": _text(g.get("built")),
            "kgraph_version": _text(g.get("kgraph_version")),
            "catalogue_version": _text(g.get("catalogue_version")),
            "counts": counts,
            "positions": bool(positions),
            "large": len(ids) > LARGE_VIEW_LIMIT,
            "top_concepts": TOP_CONCEPTS,
            "hub_limit": hub_limit,
            "articles_left_out": left_out,
            "vis_version": VIS_VERSION,
        },
        "kind_colours": {k: c for k, c in _KIND_COLOURS.items() if k != "other"},
        "kind_shapes": _KIND_SHAPES,
        "type_colours": type_colours,
        "nodes": nodes,
    }
    return payload, edges


#: An edge as ``(from, to, kind, attributes)``: its record is made when written.
_Edge = tuple[str, str, str, dict[str, Any]]


def _edge_rows(graph: nx.MultiDiGraph) -> list[_Edge]:
    """Every edge, in a stable order: by source, target and kind, then
    (parallel edges of one kind) by their record's JSON."""
    edges: list[_Edge] = []
    for u, v, attrs in graph.edges(data=True):
        kind = attrs.get("kind")
        if type(kind) is not str or not kind:
            kind = _text(kind) or "other"
        edges.append((str(u), str(v), kind, attrs))
    key = operator.itemgetter(0, 1, 2)
    edges.sort(key=key)
    start = 0
    for i in range(1, len(edges) + 1):
        if i == len(edges) or key(edges[i]) != key(edges[start]):
            if i - start > 1:
                edges[start:i] = sorted(edges[start:i], key=lambda e: _ENCODE(_edge_record(e)))
            start = i
    return edges


def _edge_record(edge: _Edge) -> dict[str, Any]:
    """The edge's endpoints, kind and the attributes of its kind."""
    frm, to, kind, attrs = edge
    record: dict[str, Any] = {"from": frm, "to": to, "kind": kind}
    for field in _EDGE_FIELDS.get(kind, ()):
        if field in attrs:
            record[field] = _value(attrs[field])
    return record


def _data_chunks(payload: dict[str, Any], edges: list[_Edge]) -> Iterator[str]:
    """``_json_for_script(payload)`` with ``"edges"`` (the first key in sorted
    order) made of the edges' records, written a few thousand at a time."""
    yield '{"edges":['
    buf: list[str] = []
    sep = ""
    for edge in edges:
        buf.append(_ENCODE(_edge_record(edge)))
        if len(buf) >= 4096:
            yield sep + _escape_for_script(",".join(buf))
            buf.clear()
            sep = ","
    if buf:
        yield sep + _escape_for_script(",".join(buf))
    rest = _json_for_script(payload)
    yield "]}" if rest == "{}" else "]," + rest[1:]


def _node_record(
    node_id: str, attrs: dict[str, Any], kind: str, type_colours: dict[str, str]
) -> dict[str, Any]:
    """The node's id, kind, label, colour, shape and the attributes of its kind."""
    node: dict[str, Any] = {"id": node_id, "kind": kind, "label": _label(node_id, attrs)}
    for field in _NODE_FIELDS.get(kind, ()):
        node[field] = _value(attrs.get(field, ""))
    colour = type_colours.get(str(node.get("type", ""))) if kind == "concept" else None
    node["color"] = colour or _KIND_COLOURS.get(kind, _KIND_COLOURS["other"])
    node["shape"] = _KIND_SHAPES.get(kind, "dot")
    return node


def _kind(attrs: dict[str, Any]) -> str:
    kind = _text(attrs.get("kind"))
    return kind if kind in _NODE_FIELDS else "other"


def _label(node: Any, attrs: dict[str, Any]) -> str:
    for key in ("label", "name", "title"):
        text = _text(attrs.get(key))
        if text:
            return text
    return str(node)


def _size(kind: str, articles: int, degree: int) -> float:
    if kind == "concept":
        return round(min(60.0, 10 + 5 * math.sqrt(articles)), 1)
    if kind == "article":
        return round(min(20.0, 7 + math.sqrt(degree)), 1)
    return round(min(40.0, 8 + 3 * math.sqrt(articles)), 1)


def _type_colour(concept_type: str) -> str:
    if concept_type in _TYPE_COLOURS:
        return _TYPE_COLOURS[concept_type]
    return _EXTRA_COLOURS[zlib.crc32(concept_type.encode("utf-8")) % len(_EXTRA_COLOURS)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return str(value)


def _int(value: Any, default: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return int(number) if math.isfinite(number) else default


def _value(value: Any) -> str | int | float:
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
    return _text(value)


def _json_for_script(payload: dict[str, Any]) -> str:
    """JSON that can sit inside ``<script type="application/json">`` safely.

    ``<``, ``>``, ``&`` and U+2028/U+2029 are written as ``\\uXXXX`` escapes, so
    ``</script>`` or ``<!--`` in feed text can never end the block.

    >>> _json_for_script({"t": "</script><!--&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"}'
    """
    return _escape_for_script(_ENCODE(payload))


def _escape_for_script(text: str) -> str:
    for char, escape in _JSON_ESCAPES.items():
        if char in text:
            text = text.replace(char, escape)
    return text


# -- layout -----------------------------------------------------------------


def _positions(
    node_ids: list[str], edges: Iterable[tuple[str, str]], *, core_size: int = LAYOUT_CORE
) -> dict[str, tuple[float, float]]:
    """Fixed x/y positions (vis-network pixels) for big graphs.

    The ``core_size`` nodes with the most neighbours (concepts, feeds, busy
    authors) are laid out by :func:`_force_layout`; every other node is placed
    next to its neighbours, breadth first from those
    (:func:`kgraph.graph.analytics.place_around`). So the cost of the force
    layout does not grow with the graph, and the rest is linear.
    """
    index = {n: i for i, n in enumerate(node_ids)}
    n = len(node_ids)
    get = index.get
    ends = [(get(frm), get(to)) for frm, to in edges]
    pairs = np.array(
        [(a, b) for a, b in ends if a is not None and b is not None and a != b], dtype=np.int64
    ).reshape(-1, 2)
    codes = np.unique(
        np.minimum(pairs[:, 0], pairs[:, 1]) * n + np.maximum(pairs[:, 0], pairs[:, 1])
    )
    lo, hi = codes // n, codes % n
    if n <= core_size:
        pos = _force_layout(n, np.stack([lo, hi], axis=1))
    else:
        degree = np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)
        core = np.zeros(n, dtype=bool)
        core[np.lexsort((np.arange(n), -degree))[:core_size]] = True
        renumber = np.cumsum(core) - 1
        both = core[lo] & core[hi]
        pos = np.zeros((n, 2))
        pos[core] = _force_layout(
            core_size, np.stack([renumber[lo[both]], renumber[hi[both]]], axis=1)
        )
        place_around(pos, core, lo, hi, seed=1729, step=0.5 / math.sqrt(core_size))
        pos -= pos.mean(axis=0)
        pos /= 2 * max(float(np.abs(pos).max()), 1e-9)
    scale = 60.0 * math.sqrt(n)
    return {
        name: (round(x * scale, 1), round(y * scale, 1))
        for name, (x, y) in zip(node_ids, pos.tolist(), strict=True)
    }


def _given_positions(
    graph: nx.MultiDiGraph, ids: list[Any], given: Mapping[Any, tuple[float, float]] | None = None
) -> dict[str, tuple[float, float]]:
    """The layout the graph carries (Gephi's optional ``x``/``y``), or the one
    ``given`` (node -> ``(x, y)``), in vis pixels.

    Used only when every node has finite numeric ``x`` and ``y``; otherwise the
    page lays the graph out itself. Rescaled to the density of the computed
    layout, centred, and with y flipped (Gephi's y axis points up, the canvas's down).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", x=0.0, y=0.0); g.add_node("b", x=10.0, y=5.0)
    >>> _given_positions(g, ["a", "b"])
    {'a': (-42.4, 21.2), 'b': (42.4, -21.2)}
    >>> g.add_node("c")  # one node without a position: none are used
    >>> _given_positions(g, ["a", "b", "c"])
    {}
    """
    if not ids:
        return {}
    xy = np.empty((len(ids), 2))
    for i, n in enumerate(ids):
        if given is not None:
            xy_of = given.get(n)
            if xy_of is None or len(xy_of) != 2:
                return {}
            attrs = {"x": xy_of[0], "y": xy_of[1]}
        else:
            attrs = graph.nodes[n]
        for d, key in enumerate(("x", "y")):
            value = attrs.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                return {}
            if not math.isfinite(float(value)):
                return {}
            xy[i, d] = float(value)
    xy[:, 1] *= -1
    xy -= (xy.max(axis=0) + xy.min(axis=0)) / 2
    extent = float(np.abs(xy).max())
    scale = 60.0 * math.sqrt(len(ids)) / (2 * extent) if extent > 0 else 0.0
    return {
        str(n): (round(float(xy[i, 0]) * scale, 1) + 0.0, round(float(xy[i, 1]) * scale, 1) + 0.0)
        for i, n in enumerate(ids)
    }


def _force_layout(
    n: int, pairs: np.ndarray, *, iterations: int = 50, seed: int = 1729, grid: int = 32
) -> np.ndarray:
    """Fruchterman-Reingold layout in ``[-0.5, 0.5]^2`` with grid-approximated repulsion.

    Exact repulsion costs ``n**2`` per step; here each node is pushed by the
    centroids of the occupied cells of a ``grid x grid`` mesh (and by the other
    nodes of its own cell, through their centroid), so a step costs ``n * grid**2``
    and 5,000 nodes lay out in about two seconds with numpy alone. Seeded, so the
    result is the same on every run.

    >>> _force_layout(3, np.array([[0, 1], [1, 2]])).shape
    (3, 2)
    """
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)) - 0.5
    if n < 2:
        return np.zeros((n, 2))
    k = 1.0 / math.sqrt(n)
    src, dst = (pairs[:, 0], pairs[:, 1]) if len(pairs) else (np.zeros(0, int), np.zeros(0, int))
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    cells = grid * grid
    for _ in range(iterations):
        lo = pos.min(axis=0)
        span = np.maximum(pos.max(axis=0) - lo, 1e-9)
        cell_xy = np.minimum(((pos - lo) / span * grid).astype(np.int64), grid - 1)
        cell = cell_xy[:, 0] * grid + cell_xy[:, 1]
        count = np.bincount(cell, minlength=cells).astype(float)
        sums = np.stack(
            [np.bincount(cell, weights=pos[:, d], minlength=cells) for d in (0, 1)], axis=1
        )
        occupied = np.nonzero(count)[0]
        centroids = sums[occupied] / count[occupied, None]
        weights = count[occupied]

        # sum_j w_j (p - c_j) / |p - c_j|^2 over the other cells. Plain element-wise
        # numpy, not BLAS matrix products: those change in the last bits with the
        # thread count, and the page must be the same bytes on every machine.
        cx, cy = centroids[:, 0][None, :], centroids[:, 1][None, :]
        px, py = pos[:, 0][:, None], pos[:, 1][:, None]
        dist2 = np.maximum((px - cx) ** 2 + (py - cy) ** 2, 1e-9)
        push = weights[None, :] / dist2
        push[np.arange(n), np.searchsorted(occupied, cell)] = 0.0  # own cell: see below
        disp = k * k * np.stack([(push * (px - cx)).sum(axis=1), (push * (py - cy)).sum(axis=1)], 1)
        # Own cell: repelled from the centroid of the other nodes in it.
        others = count[cell] - 1
        has_others = others > 0
        own = np.zeros_like(pos)
        own[has_others] = (sums[cell[has_others]] - pos[has_others]) / others[has_others, None]
        delta = pos - own
        dist2 = np.maximum((delta**2).sum(axis=1), 1e-12)
        disp[has_others] += delta[has_others] * (k * k * others / dist2)[has_others, None]

        if len(src):
            delta = pos[src] - pos[dst]
            dist = np.sqrt((delta**2).sum(axis=1))[:, None]
            pull = delta * dist / k
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        disp -= pos * (k * _GRAVITY)

        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-12)[:, None]
        pos += disp / length * np.minimum(length, temperature)
        temperature -= cooling

    pos -= pos.mean(axis=0)
    extent = max(float(np.abs(pos).max()), 1e-9)
    return pos / (2 * extent)


# -- assets -----------------------------------------------------------------


def _asset(name: str) -> str:
    return resources.files("kgraph.export").joinpath("_viewer", name).read_text(encoding="utf-8")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the installed pyvis package."""
    try:
        # find the package without importing it (pyvis imports IPython, jinja2...)
        spec = importlib.util.find_spec("pyvis")
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("No module named 'pyvis'")
        base = Path(next(iter(spec.submodule_search_locations)), "lib", f"vis-{VIS_VERSION}")
        js = base.joinpath("vis-network.min.js").read_text(encoding="utf-8")
        css = base.joinpath("vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError) as err:
        raise GraphError(
            f"cannot read vis-network {VIS_VERSION} from the pyvis package ({err}); "
            "install it with: pip install 'pyvis==0.3.2'"
        ) from err
    if f"@version {VIS_VERSION}" not in js[:2000]:
        raise GraphError(
            f"pyvis ships a vis-network other than {VIS_VERSION}; "
            "install the tested version with: pip install 'pyvis==0.3.2'"
        )
    # Drop source-map comments: developer tools would try to fetch the .map file.
    js = re.sub(r"^//# sourceMappingURL=\S*\s*$", "", js, flags=re.M)
    css = re.sub(r"/\*# sourceMappingURL=\S*\s*\*/", "", css)
    return js, css


def _safe_in_tag(text: str, tag: str) -> str:
    """Refuse text that would close its ``<script>``/``<style>`` element early."""
    if f"</{tag}" in text.lower():
        raise GraphError(f"inlined asset contains '</{tag}'; it cannot be embedded safely")
    return text


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
