"""The concept map's choices: which concepts are too generic to draw, the
clusters, and their names (see :mod:`kgraph.query.concept_map`)."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Protocol

import networkx as nx

from kgraph.graph.analytics import weighted_communities

__all__ = [
    "BOILERPLATE_SHARE",
    "FREQUENT",
    "INCIDENTAL_SALIENCE",
    "MIN_CLUSTER",
    "SUBJECT_SALIENCE",
    "UMBRELLA_CHILDREN",
    "ConceptIndex",
    "clusters_of",
    "generic_concepts",
    "name_clusters",
    "sorted_subgraph",
]


class ConceptIndex(Protocol):
    """What the concept map reads of a :class:`~kgraph.query.index.GraphIndex`."""

    graph: nx.MultiDiGraph
    articles: list[str]
    article_attrs: dict[str, dict[str, Any]]
    postings: dict[str, list[tuple[str, float]]]
    mentions: dict[str, dict[str, Any]]
    concept_attrs: dict[str, dict[str, Any]]
    children: dict[str, set[str]]

    def concept_name(self, cid: str) -> str: ...


#: An umbrella: a ``topic`` or ``concept`` with at least this many narrower
#: concepts in the catalogue ("Database", "Security", "API"): the narrower ones say more.
UMBRELLA_CHILDREN = 5
#: Mentioned in passing: the concept's median salience in its articles is below
#: this (a name dropped in a list, a link) in :data:`FREQUENT` articles or more.
INCIDENTAL_SALIENCE = 0.25
#: How many articles make a concept frequent enough to be judged generic.
FREQUENT = 5
#: Boilerplate: in at least this share of one feed's articles (and at least
#: :data:`FREQUENT` of them), and nearly only there: the blog's own name,
#: platform or footer. Not when it is the posts' main subject (median salience
#: of :data:`SUBJECT_SALIENCE` or more: a series about it).
BOILERPLATE_SHARE = 0.6
SUBJECT_SALIENCE = 0.9
#: Clusters of fewer concepts are merged into the cluster they are most tied to.
MIN_CLUSTER = 3


def sorted_subgraph(graph: nx.Graph, nodes: Iterable[Hashable]) -> nx.Graph:
    """The subgraph of ``nodes`` as a new graph, nodes and edges in sorted order.

    ``graph.subgraph`` iterates a small subgraph's nodes in the order of a set,
    which changes from run to run with string hashing; layouts, spanning trees
    and Louvain on it would too.
    """
    keep = set(nodes)
    sub = nx.Graph()
    sub.add_nodes_from(sorted(keep, key=str))
    sub.add_edges_from(
        sorted(
            ((*sorted((u, v), key=str), d) for u, v, d in graph.edges(keep, data=True)
             if u in keep and v in keep),
            key=lambda e: (str(e[0]), str(e[1])),
        )
    )  # fmt: skip
    return sub


def generic_concepts(
    index: ConceptIndex, articles: Sequence[str], concepts: Sequence[str]
) -> dict[str, str]:
    """The concepts of ``concepts`` the map hides by default, with the reason:
    ``umbrella``, ``incidental`` or ``boilerplate`` (see the constants above)."""
    chosen = set(articles)
    feed_of = {a: str(index.article_attrs.get(a, {}).get("feed") or "") for a in articles}
    feed_size = Counter(feed_of.values())
    out: dict[str, str] = {}
    for c in concepts:
        d = index.concept_attrs.get(c, {})
        posts = [(a, w) for a, w in index.postings.get(c, ()) if a in chosen]
        if not posts:
            continue
        if (
            str(d.get("type") or "") in ("topic", "concept")
            and len(index.children.get(c, ())) >= UMBRELLA_CHILDREN
        ):
            out[c] = "umbrella"
            continue
        if len(posts) < FREQUENT:
            continue
        salience = statistics.median(w for _, w in posts)
        feed, k = Counter(feed_of[a] for a, _ in posts).most_common(1)[0]
        if salience < INCIDENTAL_SALIENCE:
            out[c] = "incidental"
        elif (
            feed
            and k >= FREQUENT
            and k / feed_size[feed] >= BOILERPLATE_SHARE
            and k / len(posts) >= 0.8
            and salience < SUBJECT_SALIENCE
        ):
            out[c] = "boilerplate"
    return out


def clusters_of(full: nx.Graph, *, max_share: float = 0.25, seed: int = 42) -> list[list[str]]:
    """Clusters of the co-occurrence graph, largest first: Louvain; a cluster over
    ``max_share`` of the concepts is split with a finer resolution; clusters under
    :data:`MIN_CLUSTER` join the cluster they share most weight with.

    >>> g = nx.Graph()
    >>> g.add_weighted_edges_from([("a", "b", 1), ("b", "c", 1), ("a", "c", 1), ("c", "d", 0.1)])
    >>> clusters_of(g, max_share=1.0)
    [['a', 'b', 'c', 'd']]
    """
    if not len(full):
        return []
    parts = [list(map(str, p)) for p in weighted_communities(full, seed=seed)]
    limit = max(max_share * len(full), 2 * MIN_CLUSTER)
    for resolution in (1.5, 2.0, 3.0, 4.0):
        big = [p for p in parts if len(p) > limit]
        if not big:
            break
        for p in big:
            split = weighted_communities(sorted_subgraph(full, p), resolution=resolution, seed=seed)
            if len(split) > 1:
                parts.remove(p)
                parts.extend(list(map(str, s)) for s in split)
    # merge the small ones, smallest first, into the cluster they are most tied to
    while True:
        where = {c: i for i, p in enumerate(parts) for c in p}
        small = sorted(
            (i for i, p in enumerate(parts) if len(p) < MIN_CLUSTER),
            key=lambda i: (len(parts[i]), parts[i][0]),
        )
        target = None
        for i in small:
            ties: dict[int, float] = defaultdict(float)
            for c in parts[i]:
                for o, d in full[c].items():
                    if where[o] != i:
                        ties[where[o]] += d["weight"]
            if ties:
                target = (i, max(sorted(ties), key=lambda j: ties[j]))
                break
        if target is None:
            break
        i, j = target
        parts[j] = sorted(parts[j] + parts[i])
        del parts[i]
    return sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))


def name_clusters(
    full: nx.Graph,
    parts: list[list[str]],
    df: dict[str, int],
    n_articles: int,
    name: Callable[[str], str],
) -> tuple[list[str], dict[str, int]]:
    """Each cluster's name, and each concept's rank in its cluster (0 = the best).

    A concept ranks by how central it is in its cluster (the NPMI weight of its
    pairs inside it) times how much of its weight stays inside (a concept tied
    to every cluster does not name one) times how specific it is (the inverse
    document frequency), tempered by how known it is (the square root of the
    log of its articles). The name is the best two, "XtraDB · InnoDB"."""
    names: list[str] = []
    rank: dict[str, int] = {}
    for members in parts:
        inside = set(members)
        score = {}
        for c in members:
            total = sum(d["weight"] for d in full[c].values()) or 1.0
            within = sum(d["weight"] for o, d in full[c].items() if o in inside)
            idf = math.log(1 + n_articles / max(df.get(c, 1), 1))
            score[c] = (
                (within + 1e-6) * (within / total) * idf * math.sqrt(math.log(1 + df.get(c, 1)))
            )
        ordered = sorted(members, key=lambda c: (-score[c], c))
        for i, c in enumerate(ordered):
            rank[c] = i
        names.append(" · ".join(name(c) for c in ordered[:2]))
    return names, rank
