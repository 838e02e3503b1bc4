"""The concept map: concepts joined by co-occurrence (NPMI), with Louvain
communities and their colours. Computes the map; :mod:`kgraph.export.concept_map`
writes it.

>>> from kgraph.query.examples import tiny_graph
>>> from kgraph.query.index import GraphIndex
>>> [c.label for c in communities_of(concept_map(GraphIndex(tiny_graph()), min_articles=1, min_support=1, max_share=1.0))]
['Amazon S3 / AWS', 'AWS Lambda', 'Go']
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from typing import Any, Protocol

import networkx as nx

from kgraph.graph.analytics import louvain_groups
from kgraph.query.results import Community, concept_id


class ConceptIndex(Protocol):
    """What the concept map reads of a :class:`~kgraph.query.index.GraphIndex`."""

    graph: nx.MultiDiGraph
    articles: list[str]
    postings: dict[str, list[tuple[str, float]]]
    mentions: dict[str, dict[str, Any]]
    concept_attrs: dict[str, dict[str, Any]]

    def concept_name(self, cid: str) -> str: ...


__all__ = ["MAP_PALETTE", "ConceptIndex", "communities_of", "concept_map"]

#: Community colours of the concept map (colour-blind-safe first, then more).
MAP_PALETTE = (
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (240, 228, 66),
    (120, 94, 240),
    (100, 143, 255),
    (254, 97, 0),
    (128, 128, 128),
    (153, 79, 0),
)


def _npmi(n_ab: int, n_a: int, n_b: int, n: int) -> float:
    """Normalised PMI in -1..1 (0 = independent, 1 = always together).

    >>> _npmi(5, 5, 5, 10), round(_npmi(1, 5, 5, 10), 3)
    (1.0, -0.398)
    """
    p_ab, p_a, p_b = n_ab / n, n_a / n, n_b / n
    if p_ab <= 0:
        return -1.0
    if p_ab >= 1.0 or p_ab == p_a == p_b:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def concept_map(
    index: ConceptIndex,
    min_articles: int = 2,
    min_support: int = 2,
    max_share: float = 0.5,
    seed: int = 42,
) -> nx.MultiDiGraph:
    """See :meth:`GraphIndex.concept_map`.

    >>> from kgraph.query.examples import tiny_graph
    >>> from kgraph.query.index import GraphIndex
    >>> m = concept_map(GraphIndex(tiny_graph()), min_articles=1, min_support=1, max_share=1.0)
    >>> sorted(m.nodes), m.graph["communities"]
    (['concept:amazon-s3', 'concept:aws', 'concept:aws-lambda', 'concept:go'], 3)
    """
    n = len(index.articles)
    df = {c: len(p) for c, p in index.postings.items()}
    kept = sorted(c for c, k in df.items() if k >= min_articles)
    hubs = sorted(c for c in kept if n and df[c] / n > max_share)
    if len(hubs) < len(kept):
        kept = [c for c in kept if c not in hubs]
    else:
        hubs = []
    keep = set(kept)
    pairs: Counter[tuple[str, str]] = Counter()
    for a in index.articles:
        ids = sorted(c for c in index.mentions.get(a, {}) if c in keep)
        pairs.update(itertools.combinations(ids, 2))
    undirected = nx.Graph()
    undirected.add_nodes_from(kept)
    weights: dict[tuple[str, str], tuple[float, int]] = {}
    for (x, y), count in sorted(pairs.items()):
        if count < min_support:
            continue
        w = _npmi(count, df[x], df[y], n)
        if w > 0:
            weights[(x, y)] = (round(w, 4), count)
            undirected.add_edge(x, y, weight=round(w, 4))
    parts = louvain_groups(undirected, seed)
    community = {c: i for i, p in enumerate(parts) for c in p}
    out = nx.MultiDiGraph()
    out.graph.update(
        kind="concept_map",
        articles=n,
        min_articles=min_articles,
        min_support=min_support,
        max_share=max_share,
        hubs="|".join(hubs),
        communities=len(parts),
        **{
            k: v
            for k, v in index.graph.graph.items()
            if k in ("kgraph_version", "catalogue_version", "built")
        },
    )
    for c in kept:
        d = index.concept_attrs.get(c, {})
        r, g, b = MAP_PALETTE[community[c] % len(MAP_PALETTE)]
        out.add_node(
            f"concept:{c}",
            kind="concept",
            label=index.concept_name(c),
            name=index.concept_name(c),
            type=str(d.get("type") or ""),
            aliases=str(d.get("aliases") or ""),
            parents=str(d.get("parents") or ""),
            url=str(d.get("url") or ""),
            article_count=df[c],
            community=community[c],
            size=float(round(4 + 4 * math.sqrt(df[c]), 2)),
            r=r,
            g=g,
            b=b,
        )
    for i, ((x, y), (w, count)) in enumerate(sorted(weights.items()), start=1):
        out.add_edge(
            f"concept:{x}",
            f"concept:{y}",
            key=f"co_occurs-{i}",
            kind="co_occurs",
            weight=w,
            articles=count,
        )
    return out


def communities_of(concept_map_graph: nx.MultiDiGraph, top: int = 3) -> list[Community]:
    """The communities of a concept map, largest first, labelled by their
    ``top`` concepts by article count."""
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for node, d in concept_map_graph.nodes(data=True):
        members[int(d["community"])].append((int(d.get("article_count", 0)), node))
    out = []
    for cid, items in sorted(members.items()):
        items.sort(key=lambda x: (-x[0], x[1]))
        nodes = [node for _, node in items]
        d = concept_map_graph.nodes[nodes[0]]
        label = " / ".join(str(concept_map_graph.nodes[x]["label"]) for x in nodes[:top])
        colour = f"#{int(d['r']):02x}{int(d['g']):02x}{int(d['b']):02x}"
        out.append(Community(cid, label, len(nodes), [concept_id(x) for x in nodes], colour))
    return out
