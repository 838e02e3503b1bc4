"""The concept map: a readable backbone of the concepts' co-occurrence, in
named clusters. Computes the map; :mod:`kgraph.export.concept_map` lays it out
and writes it.

How (docs/queries.md, "Concept map"):

1. **Which concepts.** Those mentioned by at least ``min_articles`` articles
   (the support threshold), less the *hubs* (in more than ``max_share`` of the
   articles) and, unless ``keep_generic``, the *generic* ones
   (:mod:`kgraph.query.map_clusters`): umbrella topics, concepts only ever
   mentioned in passing, and a blog's boilerplate (its own name or platform,
   in most of its posts).
2. **Which pairs.** Concepts mentioned together by at least ``min_support``
   articles and more often than chance: NPMI > 0 is the pair's ``weight``.
3. **Clusters.** Louvain on those weighted pairs; a cluster holding more than
   ``max_cluster_share`` of the concepts is split again, clusters of fewer
   than three concepts are merged into the one they are most tied to. Each is
   named by its most specific central concepts.
4. **Backbone.** Only the edges that carry the structure are kept: a maximum
   spanning tree of each cluster (so it stays connected) plus each concept's
   ``per_node`` strongest pairs; between two clusters only their strongest
   pair (one bridge, not a bundle). About 1.2 edges per concept (2.4 per node
   counting both ends), where the co-occurrence graph has three to ten times
   as many.
   Concepts left without any pair are not drawn (``graph["isolated"]``).

>>> from kgraph.query.examples import tiny_graph
>>> from kgraph.query.index import GraphIndex
>>> m = concept_map(GraphIndex(tiny_graph()), min_articles=1, min_support=1, max_share=1.0)
>>> [c.label for c in communities_of(m)]
['AWS · Amazon S3']
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict

import networkx as nx

from kgraph.graph.palette import colour_of, hex_to_rgb
from kgraph.query.map_clusters import (
    ConceptIndex,
    clusters_of,
    generic_concepts,
    name_clusters,
    sorted_subgraph,
)
from kgraph.query.results import Community, concept_id

__all__ = ["ConceptIndex", "communities_of", "concept_map"]


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


def _in_period(published: object, since: str | None, until: str | None) -> bool:
    """Whether an article's date is in ``since..until`` (``YYYY[-MM[-DD]]``, inclusive).

    >>> _in_period("2024-03-05T10:00:00Z", "2024-03", "2024-03"), _in_period("", "2024", None)
    (True, False)
    """
    if since is None and until is None:
        return True
    day = str(published or "")[:10]
    if not day:
        return False
    if since and day < since:
        return False
    return not (until and day[: len(until)] > until)


def concept_map(
    index: ConceptIndex,
    min_articles: int = 2,
    min_support: int = 2,
    max_share: float = 0.5,
    seed: int = 42,
    *,
    keep_generic: bool = False,
    per_node: int = 2,
    max_cluster_share: float = 0.25,
    since: str | None = None,
    until: str | None = None,
) -> nx.MultiDiGraph:
    """See :meth:`GraphIndex.concept_map` and the module's description.

    >>> from kgraph.query.examples import tiny_graph
    >>> from kgraph.query.index import GraphIndex
    >>> m = concept_map(GraphIndex(tiny_graph()), min_articles=1, min_support=1, max_share=1.0)
    >>> sorted(m.nodes), m.graph["communities"], m.graph["isolated"]
    (['concept:amazon-s3', 'concept:aws'], 1, 'aws-lambda|go')
    """
    articles = [
        a
        for a in index.articles
        if _in_period(index.article_attrs.get(a, {}).get("published"), since, until)
    ]
    chosen = set(articles)
    n = len(articles)
    df = {c: sum(1 for a, _ in p if a in chosen) for c, p in index.postings.items()}
    kept = sorted(c for c, k in df.items() if k >= min_articles)
    hubs = sorted(c for c in kept if n and df[c] / n > max_share)
    if len(hubs) < len(kept):
        kept = [c for c in kept if c not in hubs]
    else:
        hubs = []
    generic = {} if keep_generic else generic_concepts(index, articles, kept)
    kept = [c for c in kept if c not in generic]
    keep = set(kept)
    pairs: Counter[tuple[str, str]] = Counter()
    for a in articles:
        ids = sorted(c for c in index.mentions.get(a, {}) if c in keep)
        pairs.update(itertools.combinations(ids, 2))
    full = nx.Graph()
    for (x, y), count in sorted(pairs.items()):
        if count >= min_support:
            w = _npmi(count, df[x], df[y], n)
            if w > 0:
                full.add_edge(x, y, weight=round(w, 4), articles=count)
    isolated = sorted(keep - set(full))
    parts = clusters_of(full, max_share=max_cluster_share, seed=seed)
    cluster = {c: i for i, p in enumerate(parts) for c in p}
    backbone = _backbone(full, cluster, per_node)
    names, rank = name_clusters(full, parts, df, n, index.concept_name)

    out = nx.MultiDiGraph()
    out.graph.update(
        kind="concept_map",
        articles=n,
        min_articles=min_articles,
        min_support=min_support,
        max_share=max_share,
        hubs="|".join(hubs),
        generic="|".join(sorted(generic)),
        isolated="|".join(isolated),
        communities=len(parts),
        cluster_labels="|".join(name.replace("|", "/") for name in names),
        co_occurring_pairs=full.number_of_edges(),
        since=since or "",
        until=until or "",
        **{
            k: v
            for k, v in index.graph.graph.items()
            if k in ("kgraph_version", "catalogue_version", "built")
        },
    )
    for c in sorted(cluster):
        d = index.concept_attrs.get(c, {})
        attrs = {
            "kind": "concept",
            "label": index.concept_name(c),
            "name": index.concept_name(c),
            "type": str(d.get("type") or ""),
            "aliases": str(d.get("aliases") or ""),
            "parents": str(d.get("parents") or ""),
            "url": str(d.get("url") or ""),
            "curated": str(d.get("curated") or ""),
            "article_count": df[c],
            "community": cluster[c],
            "cluster_label": names[cluster[c]],
            "cluster_rank": rank[c],
            "months": _months(index, c, chosen),
            "size": float(round(4 + 4 * math.sqrt(df[c]), 2)),
        }
        attrs["r"], attrs["g"], attrs["b"] = hex_to_rgb(colour_of(attrs))
        out.add_node(f"concept:{c}", **attrs)
    for i, (x, y) in enumerate(sorted(backbone), start=1):
        d = full.edges[x, y]
        out.add_edge(
            f"concept:{x}",
            f"concept:{y}",
            key=f"co_occurs-{i}",
            kind="co_occurs",
            weight=d["weight"],
            articles=d["articles"],
        )
    return out


def _backbone(full: nx.Graph, cluster: dict[str, int], per_node: int) -> set[tuple[str, str]]:
    """The edges kept: a maximum spanning tree (by NPMI) of each cluster, and the
    ``per_node`` strongest pairs of every concept (ties: more shared articles, then
    ids), of which a pair across two clusters only if it is their strongest."""
    edges: set[tuple[str, str]] = set()
    members: dict[int, list[str]] = defaultdict(list)
    for c, i in cluster.items():
        members[i].append(c)
    for nodes in members.values():
        tree = nx.maximum_spanning_tree(sorted_subgraph(full, nodes), weight="weight")
        edges.update((min(x, y), max(x, y)) for x, y in tree.edges)
    # between two clusters, only their strongest pair: one bridge, not a bundle
    bridge: dict[tuple[int, int], tuple[float, int, str, str]] = {}
    for x, y, d in full.edges(data=True):
        a, b = sorted((cluster[x], cluster[y]))
        if a != b:
            cand = (d["weight"], d["articles"], *sorted((x, y)))
            best = bridge.get((a, b))
            if (
                best is None
                or (cand[0], cand[1]) > (best[0], best[1])
                or ((cand[0], cand[1]) == (best[0], best[1]) and cand[2:] < best[2:])
            ):
                bridge[a, b] = cand
    bridges = {(x, y) for _, _, x, y in bridge.values()}
    for c in sorted(full):
        ranked = sorted(
            full[c].items(), key=lambda kv: (-kv[1]["weight"], -kv[1]["articles"], kv[0])
        )
        for o, _ in ranked[:per_node]:
            pair = (min(c, o), max(c, o))
            if cluster[c] == cluster[o] or pair in bridges:
                edges.add(pair)
    return edges


def _months(index: ConceptIndex, cid: str, chosen: set[str]) -> str:
    """The concept's articles per month, ``YYYY-MM:count`` joined by ``|`` (the
    page's sparkline); undated articles are not counted."""
    months: Counter[str] = Counter()
    for a, _ in index.postings.get(cid, ()):
        day = str(index.article_attrs.get(a, {}).get("published") or "")
        if a in chosen and len(day) >= 7:
            months[day[:7]] += 1
    return "|".join(f"{m}:{k}" for m, k in sorted(months.items()))


def communities_of(concept_map_graph: nx.MultiDiGraph, top: int = 3) -> list[Community]:
    """The clusters of a concept map, largest first, with their names (the
    colour is that of the cluster's best-ranked concept); ``top`` is unused
    (kept for callers of the earlier signature)."""
    del top
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for node, d in concept_map_graph.nodes(data=True):
        members[int(d["community"])].append((int(d.get("cluster_rank", 0)), node))
    out = []
    for cid, items in sorted(members.items()):
        items.sort()
        nodes = [node for _, node in items]
        d = concept_map_graph.nodes[nodes[0]]
        label = str(d.get("cluster_label") or d.get("label"))
        colour = f"#{int(d['r']):02x}{int(d['g']):02x}{int(d['b']):02x}"
        out.append(Community(cid, label, len(nodes), [concept_id(x) for x in nodes], colour))
    return out
