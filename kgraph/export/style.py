"""Visual attributes for graph viewers: colours, sizes, layout, communities, PageRank.

Gephi, yEd and Cytoscape read ``label``, ``size``, ``r``/``g``/``b`` and
``x``/``y`` from node attributes, and ``weight`` from edges. :func:`decorate`
returns a *copy* of a graph with those attributes (plus ``community`` and
``pagerank``), so the writers can add them while ``kg.graph`` keeps the plain
schema of DESIGN.md. Everything is deterministic: the same graph gives the
same numbers on every run and machine (seeded layout and Louvain, nodes
processed in sorted order).

The palette (:data:`KIND_COLOURS`, :data:`TYPE_COLOURS`) is shared by every
exporter, so a concept has the same colour in Gephi, Cytoscape and the HTML page.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("concept:go", kind="concept", label="Go", type="language")
>>> g.add_node("article:a", kind="article", label="A post")
>>> _ = g.add_edge("article:a", "concept:go", key="mentions-1", kind="mentions", weight=0.8)
>>> d = decorate(g)
>>> d.nodes["concept:go"]["r"], d.nodes["concept:go"]["g"], d.nodes["concept:go"]["b"]
(225, 87, 89)
>>> d.nodes["concept:go"]["community"] == d.nodes["article:a"]["community"] == 0
True
>>> "x" in g.nodes["concept:go"]           # the input graph is left alone
False
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
import numpy as np

__all__ = [
    "DEFAULT_COLOUR",
    "KIND_COLOURS",
    "LAYOUT_SCALE",
    "SEED",
    "TYPE_COLOURS",
    "colour_of",
    "communities",
    "concept_projection",
    "decorate",
    "hex_to_rgb",
    "layout",
    "pagerank",
]

#: Seed of the layout and of Louvain; change it to get another (still stable) picture.
SEED = 42
#: Coordinates are scaled to ``[-LAYOUT_SCALE, LAYOUT_SCALE]`` (Gephi works in pixels).
LAYOUT_SCALE = 1000.0
#: Above this many nodes the layout runs Fruchterman-Reingold on the most central
#: nodes only and places the others next to their neighbours (see :func:`layout`).
EXACT_LAYOUT_MAX = 400
#: Only an article's most salient concepts count in the co-occurrence projection
#: (the same cut the graph's ``co_occurs`` edges use).
PROJECTION_TOP = 12

#: Colour of each node kind (concepts are coloured by their ``type`` instead).
KIND_COLOURS: dict[str, str] = {
    "article": "#4e79a7",
    "author": "#f28e2b",
    "feed": "#76b7b2",
    "tag": "#bab0ac",
    "concept": "#e15759",
}
#: Colour of each concept type (Tableau 20 based; similar types share a hue family).
TYPE_COLOURS: dict[str, str] = {
    "language": "#e15759",
    "framework": "#ff9d9a",
    "library": "#d37295",
    "tool": "#59a14f",
    "database": "#8cd17d",
    "aws-service": "#f28e2b",
    "cloud-service": "#ffbe7d",
    "platform": "#b6992d",
    "go-concept": "#499894",
    "protocol": "#86bcb6",
    "standard": "#a0cbe8",
    "format": "#79706e",
    "practice": "#b07aa1",
    "architecture": "#d4a6c8",
    "concept": "#9d7660",
    "topic": "#d7b5a6",
    "company": "#f1ce63",
    "certification": "#fabfd2",
    "os": "#bab0ac",
}
#: Colour of a node whose kind and type are unknown.
DEFAULT_COLOUR = "#888888"


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as an ``(r, g, b)`` tuple of ints.

    >>> hex_to_rgb("#4e79a7")
    (78, 121, 167)
    """
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def colour_of(attrs: Mapping[str, object]) -> str:
    """The palette colour of a node from its attributes (concept type, else kind).

    >>> colour_of({"kind": "concept", "type": "aws-service"}), colour_of({"kind": "author"})
    ('#f28e2b', '#f28e2b')
    >>> colour_of({"kind": "concept", "type": "unheard-of"}), colour_of({})
    ('#e15759', '#888888')
    """
    kind = str(attrs.get("kind", ""))
    if kind == "concept":
        return TYPE_COLOURS.get(str(attrs.get("type", "")), KIND_COLOURS["concept"])
    return KIND_COLOURS.get(kind, DEFAULT_COLOUR)


def _edge_weight(attrs: Mapping[str, object]) -> float:
    w = attrs.get("weight")
    if isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) and w > 0:
        return float(w)
    return 1.0


def pagerank(graph: nx.MultiDiGraph, alpha: float = 0.85, max_iter: int = 200) -> dict[str, float]:
    """PageRank of every node (sums to 1), with numpy only (no scipy needed).

    Edges count with their ``weight`` (1 when absent); parallel edges add up;
    ``co_occurs`` edges count in both directions (they stand for an unordered
    pair). Dangling nodes spread their rank evenly, as in ``networkx.pagerank``.

    >>> g = nx.MultiDiGraph([("a", "c"), ("b", "c")])
    >>> pr = pagerank(g)
    >>> round(sum(pr.values()), 6), max(pr, key=pr.get)
    (1.0, 'c')
    """
    nodes = sorted(graph.nodes, key=str)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    src: list[int] = []
    dst: list[int] = []
    wts: list[float] = []
    for u, v, attrs in graph.edges(data=True):
        w = _edge_weight(attrs)
        src.append(index[u])
        dst.append(index[v])
        wts.append(w)
        if attrs.get("kind") == "co_occurs":
            src.append(index[v])
            dst.append(index[u])
            wts.append(w)
    s = np.asarray(src, dtype=np.int64)
    t = np.asarray(dst, dtype=np.int64)
    weight = np.asarray(wts, dtype=float)
    out = np.bincount(s, weights=weight, minlength=n)
    share = np.divide(weight, out[s], out=np.zeros_like(weight), where=out[s] > 0)
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * np.bincount(t, weights=prev[s] * share, minlength=n)
        x += (alpha * prev[dangling].sum() + 1.0 - alpha) / n
        if np.abs(x - prev).sum() < n * 1e-10:
            break
    x /= x.sum()
    return {node: float(x[i]) for i, node in enumerate(nodes)}


def concept_projection(graph: nx.MultiDiGraph, top: int = PROJECTION_TOP) -> nx.Graph:
    """The concept co-occurrence graph: concepts, linked when articles mention both.

    An edge's ``weight`` is the number of articles whose ``top`` most salient
    concepts include both; from 10 articles on, a pair needs 2 (as the graph's
    ``co_occurs`` edges do: one shared article is mostly noise, and dropping
    those keeps Louvain fast). A ``broader`` link adds 1, so broader concepts
    that no article names (``aws`` for ``aws-lambda``) join their narrower ones.
    Nodes and edges are added in sorted order, so Louvain on it is reproducible.

    >>> g = nx.MultiDiGraph()
    >>> for c in ("a", "b", "c"): g.add_node(f"concept:{c}", kind="concept")
    >>> g.add_node("article:1", kind="article")
    >>> for c in ("a", "b"): _ = g.add_edge("article:1", f"concept:{c}", kind="mentions", weight=0.5)
    >>> p = concept_projection(g)
    >>> sorted(p.nodes), list(p.edges(data="weight"))
    (['concept:a', 'concept:b', 'concept:c'], [('concept:a', 'concept:b', 1.0)])
    """
    concepts = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "concept")
    weights: Counter[tuple[str, str]] = Counter()
    by_article: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for u, v, attrs in graph.edges(data=True):
        kind = attrs.get("kind")
        if kind == "mentions":
            by_article[u].append((-_edge_weight(attrs), str(v)))
        elif kind == "broader" and u != v:
            weights[tuple(sorted((str(u), str(v))))] += 1  # type: ignore[index]
    pairs: Counter[tuple[str, str]] = Counter()
    for found in by_article.values():
        ids = sorted({c for _, c in sorted(found)[:top]})
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs[(a, b)] += 1
    support = 1 if len(by_article) < 10 else 2
    weights.update({pair: n for pair, n in pairs.items() if n >= support})
    proj = nx.Graph()
    proj.add_nodes_from(concepts)
    for (a, b), w in sorted(weights.items()):
        if a in proj and b in proj:
            proj.add_edge(a, b, weight=float(w))
    return proj


def _majority(values: Iterable[int]) -> int:
    counts = Counter(v for v in values if v >= 0)
    if not counts:
        return -1
    return min(counts, key=lambda c: (-counts[c], c))


def communities(graph: nx.MultiDiGraph, seed: int = SEED) -> dict[str, int]:
    """A community number for every node (``-1`` when nothing links it to a concept).

    Concepts are grouped by Louvain on :func:`concept_projection` (fixed seed);
    communities are numbered by size, largest first. An article takes the
    community of its most salient concept, a tag that of its concept (or of its
    articles), an author or feed the most common one among its articles.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("concept:go", kind="concept"); g.add_node("article:1", kind="article")
    >>> g.add_node("author:ann", kind="author")
    >>> _ = g.add_edge("article:1", "concept:go", kind="mentions", weight=1.0)
    >>> _ = g.add_edge("author:ann", "article:1", kind="wrote")
    >>> sorted(communities(g).items())
    [('article:1', 0), ('author:ann', 0), ('concept:go', 0)]
    """
    proj = concept_projection(graph)
    found = nx.community.louvain_communities(proj, weight="weight", seed=seed) if proj else []
    groups = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    comm: dict[str, int] = {node: i for i, members in enumerate(groups) for node in members}

    best: dict[str, tuple[float, str]] = {}
    for u, v, attrs in graph.edges(data=True):
        if attrs.get("kind") == "mentions" and v in comm:
            cand = (-_edge_weight(attrs), str(v))
            if u not in best or cand < best[u]:
                best[u] = cand
    kinds = {n: d.get("kind", "") for n, d in graph.nodes(data=True)}
    for node, kind in kinds.items():
        if kind == "article":
            comm[node] = comm[best[node][1]] if node in best else -1
    for node, kind in kinds.items():
        if kind in ("tag", "author", "feed"):
            concept = f"concept:{graph.nodes[node].get('concept', '')}"
            if kind == "tag" and concept in comm:
                comm[node] = comm[concept]
                continue
            articles = [
                comm.get(other, -1)
                for other in nx.all_neighbors(graph, node)
                if kinds.get(other) == "article"
            ]
            comm[node] = _majority(articles)
    for node in graph.nodes:
        comm.setdefault(node, -1)
    return comm


def _simple(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected simple graph, sorted, parallel edges' weights summed, no self-loops."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes, key=str))
    weights: defaultdict[tuple[str, str], float] = defaultdict(float)
    for u, v, attrs in graph.edges(data=True):
        if u != v:
            a, b = sorted((str(u), str(v)))
            weights[(a, b)] += _edge_weight(attrs)
    for (a, b), w in sorted(weights.items()):
        simple.add_edge(a, b, weight=w)
    return simple


def layout(
    graph: nx.MultiDiGraph,
    seed: int = SEED,
    *,
    exact_max: int = EXACT_LAYOUT_MAX,
    iterations: int = 50,
    rank: Mapping[str, float] | None = None,
) -> dict[str, tuple[float, float]]:
    """Deterministic 2-D positions in ``[-LAYOUT_SCALE, LAYOUT_SCALE]``.

    Up to ``exact_max`` nodes: ``networkx.spring_layout`` (Fruchterman-Reingold,
    seeded). Above, FR runs on the ``exact_max`` nodes of highest PageRank and
    every other node is put, round by round, at the mean position of its
    already placed neighbours plus a small seeded offset; nodes with no path to
    those are put on an outer ring. That costs O(nodes + edges) beyond the FR
    part, so a 5,000-node graph is laid out in about a second.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> pos = layout(g)
    >>> pos == layout(g), all(abs(c) <= LAYOUT_SCALE for xy in pos.values() for c in xy)
    (True, True)
    """
    simple = _simple(graph)
    n = simple.number_of_nodes()
    if n == 0:
        return {}
    if n == 1:
        return {next(iter(simple)): (0.0, 0.0)}
    if n <= exact_max:
        raw = nx.spring_layout(simple, seed=seed, iterations=iterations, weight="weight")
        return _scaled({k: (float(v[0]), float(v[1])) for k, v in raw.items()})

    pr = rank if rank is not None else pagerank(graph)
    anchors = sorted(simple, key=lambda k: (-pr.get(k, 0.0), k))[:exact_max]
    core = simple.subgraph(anchors).copy()
    raw = nx.spring_layout(core, seed=seed, iterations=iterations, weight="weight")
    pos = {k: np.asarray(v, dtype=float) for k, v in raw.items()}
    rng = np.random.default_rng(seed)
    step = 0.5 / math.sqrt(len(anchors))
    frontier = sorted({m for a in anchors for m in simple[a] if m not in pos})
    while frontier:
        placed: dict[str, np.ndarray] = {}
        for node in frontier:
            near = [pos[m] for m in simple[node] if m in pos]
            angle = rng.uniform(0.0, 2 * math.pi)
            radius = step * (0.5 + rng.uniform())
            offset = np.array([math.cos(angle), math.sin(angle)]) * radius
            placed[node] = np.mean(near, axis=0) + offset
        pos.update(placed)
        frontier = sorted({m for node in placed for m in simple[node] if m not in pos})
    rest = sorted(k for k in simple if k not in pos)
    if rest:
        extent = max(float(np.abs(p).max()) for p in pos.values()) or 1.0
        for i, node in enumerate(rest):
            angle = 2 * math.pi * i / len(rest)
            pos[node] = np.array([math.cos(angle), math.sin(angle)]) * extent * 1.15
    return _scaled({k: (float(v[0]), float(v[1])) for k, v in pos.items()})


def _scaled(pos: dict[Hashable, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    xs = np.array([p for p in pos.values()], dtype=float)
    xs -= xs.mean(axis=0)
    extent = float(np.abs(xs).max()) or 1.0
    xs *= LAYOUT_SCALE / extent
    return {
        str(k): (round(float(x), 2), round(float(y), 2)) for k, (x, y) in zip(pos, xs, strict=True)
    }


def decorate(
    graph: nx.MultiDiGraph, *, with_layout: bool = True, seed: int = SEED
) -> nx.MultiDiGraph:
    """A copy of ``graph`` with the viewers' attributes added.

    Nodes get ``r``, ``g``, ``b`` (int 0..255, palette colour of the concept
    type or node kind), ``size`` (float 3..30 from PageRank), ``pagerank``
    (float), ``community`` (int, ``-1`` for none) and, with ``with_layout``,
    ``x`` and ``y`` (float). Edges get ``weight`` (float; 1.0 unless the schema
    gives one) and ``label`` (the edge kind). Existing values are replaced, so
    decorating a decorated graph gives the same result.

    >>> g = nx.MultiDiGraph([("a", "b")])
    >>> d = decorate(g, with_layout=False)
    >>> sorted(d.nodes["a"]), d.edges["a", "b", 0]
    (['b', 'community', 'g', 'pagerank', 'r', 'size'], {'weight': 1.0, 'label': ''})
    """
    out = graph.copy()
    pr = pagerank(out)
    top = max(pr.values(), default=1.0) or 1.0
    comm = communities(out, seed=seed)
    pos = layout(out, seed=seed, rank=pr) if with_layout else {}
    for node, attrs in out.nodes(data=True):
        r, g, b = hex_to_rgb(colour_of(attrs))
        attrs.update(
            r=r,
            g=g,
            b=b,
            size=round(3.0 + 27.0 * math.sqrt(pr[node] / top), 2),
            pagerank=round(pr[node], 8),
            community=int(comm[node]),
        )
        if with_layout:
            attrs["x"], attrs["y"] = pos[str(node)]
    for _, _, attrs in out.edges(data=True):
        attrs["weight"] = _edge_weight(attrs)
        attrs["label"] = str(attrs.get("kind", ""))
    return out
