"""The HTML page's layout of a big graph, computed in Python (numpy only):
a grid-approximated Fruchterman-Reingold on the best connected nodes, the rest
placed next to their neighbours; or the positions a graph already carries.
Seeded and free of BLAS products, so the page is the same bytes on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np

from kgraph.graph.analytics import place_around

__all__ = ["LAYOUT_CORE", "concept_positions", "force_layout", "given_positions", "positions"]

#: Of a graph laid out in Python, how many of the best connected nodes the force
#: layout places; the others are put next to their neighbours (see :func:`positions`).
LAYOUT_CORE = 1000
#: Pull towards the centre in the layout, in units of the ideal edge length. Without
#: it, separate components (one per blog, often) fly apart and end up as specks.
GRAVITY = 200.0
#: Room per concept (vis-network pixels) in the concept view of a big graph: the
#: biggest concept dots are about 40 px across, so their labels fit between them.
CONCEPT_SPACING = 110.0


def positions(
    node_ids: list[str], edges: Iterable[tuple[str, str]], *, core_size: int = LAYOUT_CORE
) -> dict[str, tuple[float, float]]:
    """Fixed x/y positions (vis-network pixels) for big graphs.

    The ``core_size`` nodes with the most neighbours (concepts, feeds, busy
    authors) are laid out by :func:`force_layout`; every other node is placed
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
        pos = force_layout(n, np.stack([lo, hi], axis=1))
    else:
        degree = np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)
        core = np.zeros(n, dtype=bool)
        core[np.lexsort((np.arange(n), -degree))[:core_size]] = True
        renumber = np.cumsum(core) - 1
        both = core[lo] & core[hi]
        pos = np.zeros((n, 2))
        pos[core] = force_layout(
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


def concept_positions(
    concept_ids: list[str], edges: Iterable[tuple[str, str]], *, top: int
) -> dict[str, tuple[float, float]]:
    """Positions of the concepts in the page's concept view (a big graph opens on
    it): the first ``top`` of ``concept_ids`` (the page's top concepts) laid out
    by :func:`force_layout` on their own co-occurrence pairs, the others next to
    their neighbours. In the whole graph's layout the top concepts share its
    dense middle with every article; drawn alone there, they overlap.

    >>> p = concept_positions(["a", "b", "c"], [("a", "b"), ("b", "c")], top=2)
    >>> sorted(p), p["a"] != p["b"]
    (['a', 'b', 'c'], True)
    """
    n = len(concept_ids)
    if not n:
        return {}
    top = max(1, min(top, n))
    index = {c: i for i, c in enumerate(concept_ids)}
    pairs = sorted(
        {
            (min(a, b), max(a, b))
            for a, b in ((index.get(x), index.get(y)) for x, y in edges)
            if a is not None and b is not None and a != b
        }
    )
    ends = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    lo, hi = ends[:, 0], ends[:, 1]
    core = np.zeros(n, dtype=bool)
    core[:top] = True
    both = core[lo] & core[hi]
    pos = np.zeros((n, 2))
    pos[core] = force_layout(top, np.stack([lo[both], hi[both]], axis=1))
    place_around(pos, core, lo, hi, seed=1729, step=0.5 / math.sqrt(top))
    scale = CONCEPT_SPACING * math.sqrt(top)
    return {
        c: (round(x * scale, 1), round(y * scale, 1))
        for c, (x, y) in zip(concept_ids, pos.tolist(), strict=True)
    }


def given_positions(
    graph: nx.MultiDiGraph, ids: list[Any], given: Mapping[Any, tuple[float, float]] | None = None
) -> dict[str, tuple[float, float]]:
    """The layout the graph carries (Gephi's optional ``x``/``y``), or the one
    ``given`` (node -> ``(x, y)``), in vis pixels.

    Used only when every node has finite numeric ``x`` and ``y``; otherwise the
    page lays the graph out itself. Rescaled to the density of the computed
    layout, centred, and with y flipped (Gephi's y axis points up, the canvas's down).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", x=0.0, y=0.0); g.add_node("b", x=10.0, y=5.0)
    >>> given_positions(g, ["a", "b"])
    {'a': (-42.4, 21.2), 'b': (42.4, -21.2)}
    >>> g.add_node("c")  # one node without a position: none are used
    >>> given_positions(g, ["a", "b", "c"])
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


def force_layout(
    n: int, pairs: np.ndarray, *, iterations: int = 50, seed: int = 1729, grid: int = 32
) -> np.ndarray:
    """Fruchterman-Reingold layout in ``[-0.5, 0.5]^2`` with grid-approximated repulsion.

    Exact repulsion costs ``n**2`` per step; here each node is pushed by the
    centroids of the occupied cells of a ``grid x grid`` mesh (and by the other
    nodes of its own cell, through their centroid), so a step costs ``n * grid**2``
    and 5,000 nodes lay out in about two seconds with numpy alone. Seeded, so the
    result is the same on every run.

    >>> force_layout(3, np.array([[0, 1], [1, 2]])).shape
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
        disp -= pos * (k * GRAVITY)

        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-12)[:, None]
        pos += disp / length * np.minimum(length, temperature)
        temperature -= cooling

    pos -= pos.mean(axis=0)
    extent = max(float(np.abs(pos).max()), 1e-9)
    return pos / (2 * extent)
