"""Graph analytics shared by the exporters and the page: PageRank, the
concept co-occurrence projection, Louvain communities and the layout.
Deterministic: the same graph gives the same numbers on every run and machine
(seeded layout and Louvain, nodes processed in sorted order).

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> _ = g.add_edge("article:a", "concept:go", key="m", kind="mentions", weight=0.8)
>>> round(sum(pagerank(g).values()), 6)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from itertools import chain

import networkx as nx
import numpy as np

__all__ = [
    "EXACT_LAYOUT_MAX",
    "LAYOUT_SCALE",
    "PROJECTION_TOP",
    "SEED",
    "Arrays",
    "communities",
    "communities_arrays",
    "concept_projection",
    "edge_count",
    "layout",
    "layout_arrays",
    "louvain_groups",
    "pagerank",
    "pagerank_arrays",
    "pagerank_edges",
    "place_around",
    "scaled",
    "weight_of",
    "weighted_communities",
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


def weight_of(w: object) -> float:
    if type(w) is float and 0.0 < w < math.inf:  # the usual case, checked first
        return w
    if isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) and w > 0:
        return float(w)
    return 1.0


_KIND_CODES = {"mentions": 1, "broader": 2, "co_occurs": 3}
_MENTIONS, _BROADER, _CO_OCCURS = 1, 2, 3


class Arrays:
    """The graph as numpy arrays: nodes sorted by ``str`` (index order is that
    order), one row per edge (source, target, weight, kind code), in the
    graph's edge order. Built in one pass over the edges, so PageRank,
    communities and layout do not each walk the graph in Python."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.nodes: list[Hashable] = sorted(graph.nodes, key=str)
        self.names = [str(n) for n in self.nodes]
        self.index = {node: i for i, node in enumerate(self.nodes)}
        self.by_name = {name: i for i, name in enumerate(self.names)}
        get = self.index.__getitem__
        src: list[int] = []
        dst: list[int] = []
        wts: list[object] = []
        kinds: list[int] = []
        codes = _KIND_CODES
        for u, v, attrs in graph.edges(data=True):
            src.append(get(u))
            dst.append(get(v))
            wts.append(attrs.get("weight"))
            kind = attrs.get("kind")
            kinds.append(codes.get(kind, 0) if type(kind) is str else 0)
        m = len(src)
        self.src = np.fromiter(src, dtype=np.int64, count=m)
        self.dst = np.fromiter(dst, dtype=np.int64, count=m)
        self.weight = np.fromiter(map(weight_of, wts), dtype=float, count=m)
        self.kind = np.fromiter(kinds, dtype=np.int8, count=m)
        self.kind_of = {node: str(d.get("kind", "")) for node, d in graph.nodes(data=True)}


def edge_count(graph: nx.MultiDiGraph) -> int:
    """``graph.number_of_edges()``, without networkx's per-node degree sums
    (a quarter of a second at 200,000 edges): the lengths of the key dicts.

    >>> edge_count(nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "a")]))
    3
    """
    if not graph.is_multigraph():
        return graph.number_of_edges()
    return sum(map(len, chain.from_iterable(nbrs.values() for _, nbrs in graph.adjacency())))


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
    return pagerank_arrays(Arrays(graph), alpha, max_iter)


def pagerank_arrays(a: Arrays, alpha: float = 0.85, max_iter: int = 200) -> dict[Hashable, float]:
    n = len(a.nodes)
    if n == 0:
        return {}
    both = a.kind == _CO_OCCURS
    x = pagerank_edges(
        n,
        np.concatenate([a.src, a.dst[both]]),
        np.concatenate([a.dst, a.src[both]]),
        np.concatenate([a.weight, a.weight[both]]),
        alpha=alpha,
        max_iter=max_iter,
        tol=n * 1e-10,
    )
    x /= x.sum()
    return dict(zip(a.nodes, x.tolist(), strict=True))


def pagerank_edges(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    *,
    alpha: float = 0.85,
    max_iter: int = 200,
    tol: float = 1e-10,
) -> np.ndarray:
    """PageRank of the nodes ``0..n-1`` over the directed edges ``src -> dst``
    (parallel edges add up), by power iteration; the one implementation that
    :func:`pagerank` and the query index's concept ranking share.

    A node's rank flows out in proportion to its edges' ``weight``; dangling
    nodes spread theirs evenly. Stops after ``max_iter`` rounds or once the
    ranks change by less than ``tol`` in total (L1). An undirected edge is
    given twice, once each way.

    >>> pagerank_edges(3, np.array([0, 1]), np.array([2, 2]), np.ones(2)).argmax()
    np.int64(2)
    """
    if n == 0:
        return np.zeros(0)
    out = np.bincount(src, weights=weight, minlength=n)
    share = np.divide(weight, out[src], out=np.zeros_like(weight), where=out[src] > 0)
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * np.bincount(dst, weights=prev[src] * share, minlength=n)
        x += (alpha * prev[dangling].sum() + 1.0 - alpha) / n
        if np.abs(x - prev).sum() < tol:
            break
    return x


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
    return projection_arrays(Arrays(graph), top)


def projection_arrays(a: Arrays, top: int = PROJECTION_TOP) -> nx.Graph:
    n = len(a.nodes)
    concept = np.array([a.kind_of[node] == "concept" for node in a.nodes], dtype=bool)
    codes: list[np.ndarray] = []
    # broader links, once per (unordered) pair and link
    br = (a.kind == _BROADER) & (a.src != a.dst)
    lo, hi = np.minimum(a.src[br], a.dst[br]), np.maximum(a.src[br], a.dst[br])
    codes.append(lo * n + hi)
    # each article's ``top`` most salient concepts: rows sorted by (article,
    # -weight, concept id), the first ``top`` of each article kept
    m = a.kind == _MENTIONS
    art, con, w = a.src[m], a.dst[m], a.weight[m]
    order = np.lexsort((con, -w, art))
    art, con = art[order], con[order]
    starts = np.flatnonzero(np.r_[True, art[1:] != art[:-1]]) if len(art) else np.zeros(0, int)
    articles = len(starts)
    rank = np.arange(len(art)) - np.repeat(starts, np.diff(np.r_[starts, len(art)]))
    keep = rank < top
    found = np.unique(art[keep] * n + con[keep])  # (article, concept), each once, sorted
    art, con = found // n, found % n
    pairs: list[np.ndarray] = []
    for d in range(1, top):
        same = art[d:] == art[:-d]
        if not same.any():
            break
        pairs.append(con[:-d][same] * n + con[d:][same])  # con sorted within an article
    support = 1 if articles < 10 else 2
    if pairs:
        pair_codes, counts = np.unique(np.concatenate(pairs), return_counts=True)
        kept = pair_codes[counts >= support]
        codes.append(np.repeat(kept, counts[counts >= support]))
    all_codes, weights = np.unique(np.concatenate(codes), return_counts=True)
    proj = nx.Graph()
    proj.add_nodes_from(a.names[i] for i in np.flatnonzero(concept))
    lo, hi = all_codes // n, all_codes % n
    ok = concept[lo] & concept[hi]
    names = a.names
    proj.add_weighted_edges_from(
        (names[x], names[y], float(c))
        for x, y, c in zip(lo[ok].tolist(), hi[ok].tolist(), weights[ok].tolist(), strict=True)
    )
    return proj


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
    return communities_arrays(graph, Arrays(graph), seed)  # type: ignore[return-value]


def louvain_groups(graph: nx.Graph, seed: int = SEED) -> list[list[str]]:
    """Louvain communities of an undirected graph (edge ``weight``, fixed
    ``seed``), each a sorted list of its nodes, largest first (ties: by first
    node): the one community detection that :func:`communities` and the
    query's concept map share.

    >>> louvain_groups(nx.Graph([("b", "c"), ("c", "a"), ("x", "y")]))
    [['a', 'b', 'c'], ['x', 'y']]
    """
    return [[str(n) for n in c] for c in weighted_communities(graph, seed=seed)] if graph else []


def communities_arrays(graph: nx.MultiDiGraph, a: Arrays, seed: int = SEED) -> dict[Hashable, int]:
    groups = louvain_groups(projection_arrays(a), seed)
    n = len(a.nodes)
    comm = np.full(n, -1, dtype=np.int64)
    for i, members in enumerate(groups):
        for name in members:
            comm[a.index[name]] = i
    kinds = [a.kind_of[node] for node in a.nodes]
    is_article = np.array([k == "article" for k in kinds], dtype=bool)
    is_concept = comm >= 0

    # an article: the community of its most salient concept (ties: smallest id)
    m = (a.kind == _MENTIONS) & is_concept[a.dst] & is_article[a.src]
    art, con, w = a.src[m], a.dst[m], a.weight[m]
    order = np.lexsort((con, -w, art))
    art, con = art[order], con[order]
    first = np.r_[True, art[1:] != art[:-1]] if len(art) else np.zeros(0, bool)
    comm[art[first]] = comm[con[first]]

    # tags, authors, feeds: their concept's (tags), else the most common among
    # their article neighbours (every edge counts; ties: the smallest number)
    other = np.array([k in ("tag", "author", "feed") for k in kinds], dtype=bool)
    settled = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(other).tolist():
        node = a.nodes[i]
        if kinds[i] == "tag":
            j = a.index.get(f"concept:{graph.nodes[node].get('concept', '')}")
            if j is not None and comm[j] >= 0 and j != i:
                comm[i] = comm[j]
                settled[i] = True
    ends = np.concatenate([a.src, a.dst])
    nbrs = np.concatenate([a.dst, a.src])
    sel = other[ends] & ~settled[ends] & is_article[nbrs] & (ends != nbrs)
    votes_for, votes = ends[sel], comm[nbrs[sel]]
    counted = votes >= 0
    votes_for, votes = votes_for[counted], votes[counted]
    todo = other & ~settled
    comm[todo] = -1
    if len(votes):
        c = max(len(groups), 1)
        keys, counts = np.unique(votes_for * c + votes, return_counts=True)
        node, community = keys // c, keys % c
        order = np.lexsort((community, -counts, node))
        node, community = node[order], community[order]
        first = np.r_[True, node[1:] != node[:-1]]
        comm[node[first]] = community[first]
    return dict(zip(a.nodes, comm.tolist(), strict=True))


def _simple_arrays(a: Arrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The undirected simple graph: pairs (lo, hi) sorted, parallel edges' weights
    summed in edge order, self-loops dropped."""
    n = len(a.nodes)
    loop = a.src == a.dst
    lo = np.minimum(a.src, a.dst)[~loop]
    hi = np.maximum(a.src, a.dst)[~loop]
    codes, inverse = np.unique(lo * n + hi, return_inverse=True)
    weights = np.bincount(inverse.reshape(-1), weights=a.weight[~loop], minlength=len(codes))
    return codes // n, codes % n, weights


def _simple(a: Arrays, keep: np.ndarray | None = None) -> nx.Graph:
    """Undirected simple networkx graph (of the nodes in ``keep``), sorted."""
    lo, hi, w = _simple_arrays(a)
    names = a.names
    simple = nx.Graph()
    if keep is None:
        simple.add_nodes_from(names)
    else:
        simple.add_nodes_from(names[i] for i in np.flatnonzero(keep).tolist())
        both = keep[lo] & keep[hi]
        lo, hi, w = lo[both], hi[both], w[both]
    simple.add_weighted_edges_from(
        (names[x], names[y], z)
        for x, y, z in zip(lo.tolist(), hi.tolist(), w.tolist(), strict=True)
    )
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
    every other node is put, round by round (breadth first from those), at the
    mean position of its already placed neighbours plus a small seeded offset;
    nodes with no path to those are put on an outer ring. Beyond the FR part
    that is a few numpy passes over the edges, so the cost grows linearly.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> pos = layout(g)
    >>> pos == layout(g), all(abs(c) <= LAYOUT_SCALE for xy in pos.values() for c in xy)
    (True, True)
    """
    a = Arrays(graph)
    return layout_arrays(a, seed, exact_max=exact_max, iterations=iterations, rank=rank)


def layout_arrays(
    a: Arrays,
    seed: int = SEED,
    *,
    exact_max: int = EXACT_LAYOUT_MAX,
    iterations: int = 50,
    rank: Mapping[Hashable, float] | None = None,
) -> dict[str, tuple[float, float]]:
    n = len(a.nodes)
    if n == 0:
        return {}
    if n == 1:
        return {a.names[0]: (0.0, 0.0)}
    if n <= exact_max:
        raw = nx.spring_layout(_simple(a), seed=seed, iterations=iterations, weight="weight")
        return scaled({k: (float(v[0]), float(v[1])) for k, v in raw.items()})

    pr = rank if rank is not None else pagerank_arrays(a)
    order = sorted(range(n), key=lambda i: (-pr.get(a.nodes[i], 0.0), a.names[i]))
    core = np.zeros(n, dtype=bool)
    core[order[:exact_max]] = True
    raw = nx.spring_layout(_simple(a, core), seed=seed, iterations=iterations, weight="weight")
    pos = np.zeros((n, 2))
    for name, xy in raw.items():
        pos[a.by_name[name]] = xy
    lo, hi, _w = _simple_arrays(a)
    place_around(pos, core, lo, hi, seed, step=0.5 / math.sqrt(int(core.sum())))
    return scaled({a.names[i]: (float(x), float(y)) for i, (x, y) in enumerate(pos.tolist())})


def place_around(
    pos: np.ndarray, placed: np.ndarray, lo: np.ndarray, hi: np.ndarray, seed: int, step: float
) -> None:
    """Place, in place, every node not yet ``placed``: breadth first from the
    placed ones, each at the mean of its placed neighbours plus a seeded random
    offset of about ``step``; the unreachable ones on a ring around the rest.

    ``lo``/``hi`` are the undirected edges (each once). Each round is a few
    numpy passes over them, and there are as many rounds as the graph is deep.
    """
    placed = placed.copy()
    n = len(placed)
    rng = np.random.default_rng(seed)
    ends = np.concatenate([lo, hi])
    nbrs = np.concatenate([hi, lo])
    while True:
        # the frontier: unplaced nodes with a placed neighbour
        sel = ~placed[ends] & placed[nbrs]
        if not sel.any():
            break
        to, frm = ends[sel], nbrs[sel]
        count = np.bincount(to, minlength=n)
        frontier = np.flatnonzero(count)
        sx = np.bincount(to, weights=pos[frm, 0], minlength=n)[frontier]
        sy = np.bincount(to, weights=pos[frm, 1], minlength=n)[frontier]
        angle = rng.uniform(0.0, 2 * math.pi, size=len(frontier))
        radius = step * (0.5 + rng.uniform(size=len(frontier)))
        c = count[frontier]
        pos[frontier, 0] = sx / c + np.cos(angle) * radius
        pos[frontier, 1] = sy / c + np.sin(angle) * radius
        placed[frontier] = True
    rest = np.flatnonzero(~placed)
    if len(rest):
        extent = float(np.abs(pos[placed]).max()) if placed.any() else 0.0
        extent = extent or 1.0
        angle = 2 * math.pi * np.arange(len(rest)) / len(rest)
        pos[rest, 0] = np.cos(angle) * extent * 1.15
        pos[rest, 1] = np.sin(angle) * extent * 1.15


def scaled(pos: dict[Hashable, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    xs = np.array([p for p in pos.values()], dtype=float)
    xs -= xs.mean(axis=0)
    extent = float(np.abs(xs).max()) or 1.0
    xs *= LAYOUT_SCALE / extent
    return {
        str(k): (round(float(x), 2), round(float(y), 2)) for k, (x, y) in zip(pos, xs, strict=True)
    }


def weighted_communities(
    graph: nx.Graph, *, resolution: float = 1.0, seed: int = SEED
) -> list[list[Hashable]]:
    """Louvain communities of a weighted simple graph (``weight`` attribute),
    each sorted, largest first (ties: smallest first member); the concept map's.

    >>> g = nx.Graph([("a", "b", {"weight": 1.0}), ("c", "d", {"weight": 1.0})])
    >>> weighted_communities(g)
    [['a', 'b'], ['c', 'd']]
    """
    # Louvain walks sets of nodes: on numbers (whose hashes do not change between
    # runs, unlike strings') the result is the same in every process
    names = sorted(graph, key=str)
    number = {n: i for i, n in enumerate(names)}
    numbered = nx.Graph()
    numbered.add_nodes_from(range(len(names)))
    numbered.add_weighted_edges_from(
        sorted(
            (*sorted((number[u], number[v])), float(w))
            for u, v, w in graph.edges(data="weight", default=1.0)
        )
    )
    found = nx.community.louvain_communities(
        numbered, weight="weight", resolution=resolution, seed=seed
    )
    groups = [sorted((names[i] for i in c), key=str) for c in found]
    return sorted(groups, key=lambda c: (-len(c), str(c[0])))
