"""The concept map's layout for reading, shared by its page and its pictures.

Clusters are laid out apart: each cluster's concepts by a seeded force layout
of its backbone, in a disc whose area grows with the cluster; the discs (with
the cluster's name above, on two lines if long) packed apart: largest first,
each at the free spot nearest the middle and the clusters it is tied to.
Node size follows the article count.
Labels are placed greedily, best first (each cluster's best-ranked concepts,
then by article count), centred under their node, and only where they overlap
no other label, caption or node: so the top concepts of every cluster are
labelled and no two labels overlap.

Units are pixels of a frame about :data:`WIDTH` x :data:`HEIGHT` (y down, as on
a canvas), the scale at which the labels' font sizes read well.

>>> import networkx as nx
>>> m = nx.MultiDiGraph()
>>> for i, c in enumerate("abc"):
...     m.add_node(c, label=c.upper(), community=0, cluster_rank=i, article_count=3,
...                cluster_label="A · B")
>>> _ = m.add_edge("a", "b"); _ = m.add_edge("b", "c")
>>> lay = map_layout(m)
>>> sorted(lay.labels), lay.clusters[0].name
(['a', 'b', 'c'], 'A · B')
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from kgraph.query.map_clusters import sorted_subgraph

__all__ = [
    "HEIGHT",
    "WIDTH",
    "Cluster",
    "Label",
    "MapLayout",
    "map_layout",
    "name_lines",
    "text_width",
]

WIDTH, HEIGHT = 860.0, 760.0
#: Font sizes (px): cluster captions, the best concepts' labels, the others'.
CAPTION_FONT, TOP_FONT, FONT = 15.0, 13.0, 10.5
#: The font size (px) the packing leaves room for above each cluster: more than
#: :data:`CAPTION_FONT`, as the page keeps its names one size on screen at the
#: smaller scale a browser window shows the map at.
CAPTION_ROOM = 21.0
#: How many of each cluster's best-ranked concepts get the larger font.
TOP_PER_CLUSTER = 3
#: Room around a node (px) in a cluster's disc.
NODE_ROOM = 27.0


@dataclass(frozen=True)
class Label:
    """A label's text, centre x, top y and font size."""

    text: str
    x: float
    y: float
    size: float

    def box(self) -> tuple[float, float, float, float]:
        lines = self.text.split("\n")
        w = max(text_width(line, self.size) for line in lines)
        return (self.x - w / 2, self.y, self.x + w / 2, self.y + self.size * 1.25 * len(lines))


@dataclass
class Cluster:
    """A cluster's number, name, disc (centre, radius) and members."""

    id: int
    name: str
    x: float
    y: float
    r: float
    members: list[str] = field(default_factory=list)

    def caption(self) -> Label:
        lines = name_lines(self.name)
        top = self.y - self.r - CAPTION_FONT * (0.35 + 1.25 * len(lines))
        return Label("\n".join(lines), self.x, top, CAPTION_FONT)


def name_lines(name: str, most: int = 26) -> list[str]:
    """A cluster's name on one line, or on two (after its " · ") if longer than ``most``.

    >>> name_lines("Go · Goroutine"), name_lines("Cross-Site Request Forgery (CSRF) · Cross-site scripting")
    (['Go · Goroutine'], ['Cross-Site Request Forgery (CSRF) ·', 'Cross-site scripting'])
    """
    if len(name) <= most or " · " not in name:
        return [name]
    first, rest = name.split(" · ", 1)
    return [first + " ·", rest]


@dataclass
class MapLayout:
    width: float
    height: float
    pos: dict[str, tuple[float, float]]
    radius: dict[str, float]
    labels: dict[str, Label]
    clusters: list[Cluster]


def text_width(text: str, size: float) -> float:
    """Estimated width (px) of ``text`` in a sans-serif font of ``size`` px
    (DejaVu Sans / system-ui averages; wide letters count more)."""
    wide = sum(1 for ch in text if ch.isupper() or ch in "mwMW@%")
    narrow = sum(1 for ch in text if ch in "ilj.,:;'!|() ")
    return size * (0.58 * len(text) + 0.14 * wide - 0.28 * narrow) + 2.0


def _overlap(a: tuple[float, ...], b: tuple[float, ...], pad: float = 1.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def map_layout(graph: nx.MultiDiGraph, seed: int = 42) -> MapLayout:
    """The layout of a concept map (:func:`kgraph.query.concept_map.concept_map`)."""
    attrs = dict(graph.nodes(data=True))
    if not attrs:  # nothing to map (e.g. a period without articles)
        return MapLayout(WIDTH, HEIGHT, {}, {}, {}, [])
    members: dict[int, list[str]] = defaultdict(list)
    for node in sorted(graph, key=str):
        members[int(attrs[node].get("community", 0))].append(node)
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    for u, v, d in graph.edges(data=True):
        if u != v:
            simple.add_edge(u, v, weight=float(d.get("weight", 1.0) or 1.0))
    radius = {
        n: round(3.0 + 2.2 * math.sqrt(max(int(attrs[n].get("article_count", 1) or 1), 1)), 2)
        for n in graph
    }
    names = {i: str(attrs[ms[0]].get("cluster_label") or "") for i, ms in members.items()}

    # each cluster in its own unit disc
    local: dict[str, np.ndarray] = {}
    disc: dict[int, float] = {}
    for i, ms in members.items():
        if len(ms) == 1:
            local[ms[0]] = np.zeros(2)
        else:
            sub = sorted_subgraph(simple, ms)
            pos = nx.spring_layout(
                sub, weight="weight", seed=seed, iterations=150, k=1.6 / math.sqrt(len(ms))
            )
            xy = np.array([pos[n] for n in ms])
            xy -= xy.mean(axis=0)
            # spread the bulk over the disc: the 80th percentile at 0.8, outliers to its edge
            dist = np.sqrt((xy**2).sum(axis=1))
            xy *= 0.8 / max(float(np.percentile(dist, 80)), 1e-9)
            dist = np.sqrt((xy**2).sum(axis=1))
            far = dist > 1.0
            xy[far] /= dist[far, None]
            for n, p in zip(ms, xy, strict=True):
                local[n] = p
        disc[i] = NODE_ROOM * math.sqrt(len(ms)) * 0.75 + 12.0

    centres = _place_clusters(members, names, disc, simple, seed)
    pos = {}
    for i, ms in members.items():
        for n in ms:
            x, y = centres[i] + local[n] * (disc[i] - 10.0)
            pos[n] = (float(x), float(y))
    pos = _spread(pos, radius, members)
    clusters = [
        Cluster(i, names[i], float(centres[i][0]), float(centres[i][1]), disc[i], ms)
        for i, ms in sorted(members.items())
    ]
    width, height, pos, clusters = _fit(pos, radius, clusters)
    labels = _place_labels(graph, pos, radius, clusters)
    return MapLayout(width, height, pos, radius, labels, clusters)


def _place_clusters(
    members: dict[int, list[str]],
    names: dict[int, str],
    disc: dict[int, float],
    simple: nx.Graph,
    seed: int,
) -> dict[int, np.ndarray]:
    """Cluster centres, packed: largest first, each at the free spot nearest the
    middle (of a landscape frame) and the clusters it shares edges with, its
    box (disc and caption above) overlapping no box placed before."""
    del seed  # the packing is deterministic as it is
    ids = sorted(members, key=lambda i: (-len(members[i]), i))
    where = {n: i for i, ms in members.items() for n in ms}
    ties: dict[tuple[int, int], int] = defaultdict(int)
    for u, v in simple.edges:
        a, b = where[u], where[v]
        if a != b:
            ties[min(a, b), max(a, b)] += 1
    gap = 18.0

    def box(i: int, x: float, y: float) -> tuple[float, float, float, float]:
        lines = name_lines(names[i])
        half = max(disc[i], 0.5 * max(text_width(line, CAPTION_ROOM) for line in lines))
        top = y - disc[i] - CAPTION_ROOM * (0.5 + 1.3 * len(lines))
        return (x - half, top, x + half, y + disc[i])

    placed: dict[int, tuple[float, float]] = {}
    boxes: list[tuple[float, float, float, float]] = []
    aspect = WIDTH / HEIGHT
    for i in ids:
        if not placed:
            placed[i] = (0.0, 0.0)
            boxes.append(box(i, 0.0, 0.0))
            continue
        friends = [(placed[j], k) for (a, b), k in ties.items() for j in (a, b)
                   if i in (a, b) and j != i and j in placed]  # fmt: skip
        best: tuple[float, float, float] | None = None
        step = 12.0
        for ring in range(1, 400):
            r = ring * step
            count = max(8, int(2 * math.pi * r / step))
            for t in range(count):
                angle = 2 * math.pi * t / count
                x, y = r * math.cos(angle) * aspect, r * math.sin(angle)
                b = box(i, x, y)
                if any(_overlap(b, o, gap) for o in boxes):
                    continue
                cost = math.hypot(x / aspect, y)
                for (fx, fy), k in friends:
                    cost += 0.15 * min(k, 3) * math.hypot(x - fx, y - fy) / len(friends)
                if best is None or cost < best[0]:
                    best = (cost, x, y)
            if best is not None and best[0] < (ring - 1) * step:
                break
        assert best is not None
        placed[i] = (best[1], best[2])
        boxes.append(box(i, best[1], best[2]))
    return {i: np.array(xy) for i, xy in placed.items()}


def _spread(
    pos: dict[str, tuple[float, float]], radius: dict[str, float], members: dict[int, list[str]]
) -> dict[str, tuple[float, float]]:
    """Nodes of one cluster pushed apart until their discs (plus a margin) do not touch."""
    out = dict(pos)
    for ms in members.values():
        xy = np.array([out[n] for n in ms], dtype=float)
        r = np.array([radius[n] for n in ms])
        for _ in range(60):
            d = xy[:, None, :] - xy[None, :, :]
            dist = np.sqrt((d**2).sum(axis=2)) + np.eye(len(ms))
            need = r[:, None] + r[None, :] + 6.0 - dist
            np.fill_diagonal(need, 0.0)
            need = np.maximum(need, 0.0)
            if not need.any():
                break
            xy += 0.5 * ((d / dist[:, :, None]) * need[:, :, None]).sum(axis=1)
        for n, p in zip(ms, xy, strict=True):
            out[n] = (float(p[0]), float(p[1]))
    return out


def _fit(
    pos: dict[str, tuple[float, float]], radius: dict[str, float], clusters: list[Cluster]
) -> tuple[float, float, dict[str, tuple[float, float]], list[Cluster]]:
    """Scale the map (not its nodes or fonts) to about WIDTH x HEIGHT; shift it
    to start at a margin; the frame's size."""
    boxes = [c.caption().box() for c in clusters] + [
        (c.x - c.r, c.y - c.r, c.x + c.r, c.y + c.r) for c in clusters
    ]
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y1 = max(b[3] for b in boxes)
    scale = max(min(WIDTH / max(x1 - x0, 1.0), HEIGHT / max(y1 - y0, 1.0)), 1.0)
    margin = 24.0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = (x1 - x0) * scale + 2 * margin
    h = (y1 - y0) * scale + 2 * margin

    def moved(x: float, y: float) -> tuple[float, float]:
        return (round((x - cx) * scale + w / 2, 1), round((y - cy) * scale + h / 2, 1))

    new_pos = {}
    for c in clusters:
        nx_, ny_ = moved(c.x, c.y)
        for n in c.members:
            px, py = pos[n]
            # the cluster's disc grows by the scale, its nodes keep their spacing
            new_pos[n] = (
                round(nx_ + (px - c.x) * scale**0.5, 1),
                round(ny_ + (py - c.y) * scale**0.5, 1),
            )
        c.r = round(c.r * scale**0.5, 1)
        c.x, c.y = nx_, ny_
    return round(w, 1), round(h, 1), new_pos, clusters


def _place_labels(
    graph: nx.MultiDiGraph,
    pos: dict[str, tuple[float, float]],
    radius: dict[str, float],
    clusters: list[Cluster],
) -> dict[str, Label]:
    attrs = dict(graph.nodes(data=True))
    taken = [c.caption().box() for c in clusters]
    discs = [(n, pos[n][0], pos[n][1], radius[n]) for n in pos]
    order = sorted(
        pos,
        key=lambda n: (
            int(attrs[n].get("cluster_rank", 0)),
            -int(attrs[n].get("article_count", 0) or 0),
            str(n),
        ),
    )
    labels: dict[str, Label] = {}
    for n in order:
        rank = int(attrs[n].get("cluster_rank", 0))
        size = TOP_FONT if rank < TOP_PER_CLUSTER else FONT
        x, y = pos[n]
        label = Label(str(attrs[n].get("label") or n), x, y + radius[n] + 2.0, size)
        box = label.box()
        if any(_overlap(box, t) for t in taken):
            continue
        # a label may cross a node's edge (it has a white halo) but not hide its
        # centre; the best concepts' labels are placed first, whatever they cross
        if rank >= TOP_PER_CLUSTER and any(
            m != n and box[0] < mx < box[2] and box[1] < my < box[3] for m, mx, my, _ in discs
        ):
            continue
        taken.append(box)
        labels[n] = label
    return labels
