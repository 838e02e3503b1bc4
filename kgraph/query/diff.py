"""What changed between two builds (:func:`diff_graphs`), and what appeared in
one build over a period (:func:`digest`). Plain results with ``to_dict()``;
:mod:`kgraph.export.digest` prints them as text, Markdown or HTML.

Articles, authors and feeds are compared by node id (an article's URL or
guid), concepts by id; a concept counts as present when an article mentions
it. Counts are articles mentioning the concept itself (no roll-up), so a
feed added to a build changes exactly the counts of the concepts its new
articles mention.

>>> from kgraph.query.examples import tiny_graph
>>> old, new = tiny_graph(), tiny_graph()
>>> new.remove_node("article:https://e.org/chan")
>>> d = diff_graphs(old, new)
>>> [a.title for a in d.articles_removed], d.concepts_removed, d.count_changes[0].delta
(['Go channels'], ['go'], -1)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from kgraph.query.index import GraphIndex
from kgraph.query.results import ArticleRef, ConceptRef, Result, concept_id

__all__ = [
    "CountChange",
    "Digest",
    "GraphDiff",
    "NewPair",
    "PeriodConcept",
    "diff_graphs",
    "digest",
]


@dataclass(frozen=True, slots=True)
class CountChange(Result):
    """A concept whose number of articles changed: ``before``, ``after``, ``delta``."""

    concept: str
    name: str
    before: int
    after: int
    delta: int


@dataclass(frozen=True, slots=True)
class NewPair(Result):
    """Two concepts that co-occur in the new build and did not in the old."""

    a: ConceptRef
    b: ConceptRef
    articles: int
    weight: float


@dataclass(frozen=True, slots=True)
class GraphDiff(Result):
    """The difference between an old and a new build; ``rose`` and ``fell``
    are the ``top`` largest count changes each way, ``count_changes`` all of them."""

    articles_added: list[ArticleRef] = field(default_factory=list)
    articles_removed: list[ArticleRef] = field(default_factory=list)
    concepts_added: list[str] = field(default_factory=list)
    concepts_removed: list[str] = field(default_factory=list)
    authors_added: list[str] = field(default_factory=list)
    authors_removed: list[str] = field(default_factory=list)
    feeds_added: list[str] = field(default_factory=list)
    feeds_removed: list[str] = field(default_factory=list)
    count_changes: list[CountChange] = field(default_factory=list)
    rose: list[CountChange] = field(default_factory=list)
    fell: list[CountChange] = field(default_factory=list)
    new_pairs: list[NewPair] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


def _nodes(graph: nx.MultiDiGraph, kind: str) -> dict[str, dict]:
    return {n: d for n, d in graph.nodes(data=True) if d.get("kind") == kind}


def _mention_counts(graph: nx.MultiDiGraph) -> Counter[str]:
    pairs = {
        (u, concept_id(v))
        for u, v, d in graph.edges(data=True)
        if d.get("kind") == "mentions" and graph.nodes[u].get("kind") == "article"
    }
    return Counter(c for _, c in pairs)


def _pairs(graph: nx.MultiDiGraph) -> dict[tuple[str, str], tuple[int, float]]:
    out = {}
    for u, v, d in graph.edges(data=True):
        if d.get("kind") == "co_occurs":
            a, b = sorted((concept_id(u), concept_id(v)))
            out[a, b] = (int(d.get("articles", 0) or 0), float(d.get("weight", 0.0) or 0.0))
    return out


def diff_graphs(old: nx.MultiDiGraph, new: nx.MultiDiGraph, top: int = 10) -> GraphDiff:
    """Compare two builds of kgraph graphs (see the module)."""
    names = {
        concept_id(n): str(d.get("name") or d.get("label") or concept_id(n))
        for g in (old, new)
        for n, d in _nodes(g, "concept").items()
    }

    def name(c: str) -> str:
        return names.get(c, c)

    by_date = lambda r: (r.published, r.article)  # noqa: E731
    old_arts, new_arts = _nodes(old, "article"), _nodes(new, "article")
    added = sorted(
        (ArticleRef.of(a, d) for a, d in new_arts.items() if a not in old_arts),
        key=by_date,
        reverse=True,
    )
    removed = sorted(
        (ArticleRef.of(a, d) for a, d in old_arts.items() if a not in new_arts),
        key=by_date,
        reverse=True,
    )
    before, after = _mention_counts(old), _mention_counts(new)
    changes = [
        CountChange(c, name(c), before[c], after[c], after[c] - before[c])
        for c in sorted(set(before) | set(after))
        if before[c] != after[c]
    ]
    changes.sort(key=lambda ch: (-abs(ch.delta), ch.concept))
    old_pairs, new_pairs = _pairs(old), _pairs(new)
    pairs = [
        NewPair(ConceptRef(a, name(a)), ConceptRef(b, name(b)), n, round(w, 4))
        for (a, b), (n, w) in new_pairs.items()
        if (a, b) not in old_pairs
    ]
    pairs.sort(key=lambda p: (-p.articles, -p.weight, p.a.concept, p.b.concept))

    def people(g: nx.MultiDiGraph, kind: str) -> dict[str, str]:
        return {
            n: str(d.get("name") or d.get("title") or d.get("label") or n)
            for n, d in _nodes(g, kind).items()
        }

    old_auth, new_auth = people(old, "author"), people(new, "author")
    old_feeds, new_feeds = people(old, "feed"), people(new, "feed")
    return GraphDiff(
        articles_added=added,
        articles_removed=removed,
        concepts_added=sorted(set(after) - set(before)),
        concepts_removed=sorted(set(before) - set(after)),
        authors_added=sorted(new_auth[a] for a in set(new_auth) - set(old_auth)),
        authors_removed=sorted(old_auth[a] for a in set(old_auth) - set(new_auth)),
        feeds_added=sorted(n.removeprefix("feed:") for n in set(new_feeds) - set(old_feeds)),
        feeds_removed=sorted(n.removeprefix("feed:") for n in set(old_feeds) - set(new_feeds)),
        count_changes=changes,
        rose=[c for c in changes if c.delta > 0][:top],
        fell=[c for c in changes if c.delta < 0][:top],
        new_pairs=pairs[:top],
        names={c: name(c) for c in sorted(set(before) ^ set(after))},
    )


@dataclass(frozen=True, slots=True)
class PeriodConcept(Result):
    """A concept in a period: its articles in the period; ``first`` is the
    title of its first article when the concept is new in the period."""

    concept: str
    name: str
    articles: int
    first: str = ""


@dataclass(frozen=True, slots=True)
class Digest(Result):
    """What appeared between ``since`` and ``until`` (inclusive, date prefixes):
    the articles (newest first), the concepts they mention most and the
    concepts no earlier article mentions."""

    since: str
    until: str
    articles: list[ArticleRef]
    top: list[PeriodConcept]
    new: list[PeriodConcept]


def _in_period(published: str, since: str, until: str | None) -> bool:
    if len(published) < 4 or published[: len(since)] < since:
        return False
    return until is None or published[: len(until)] <= until


def digest(index: GraphIndex, since: str, until: str | None = None, top: int = 15) -> Digest:
    """The articles published from ``since`` to ``until`` (``YYYY[-MM[-DD]]``
    prefixes, both inclusive) and their concepts (see :class:`Digest`).

    >>> from kgraph.query.examples import tiny_graph
    >>> d = digest(GraphIndex(tiny_graph()), "2024-03")
    >>> [a.title for a in d.articles], [c.concept for c in d.new]
    (['Lambda layers', 'S3 versioning'], ['aws-lambda'])
    """
    dates = {a: str(d.get("published") or "") for a, d in index.article_attrs.items()}
    period = [a for a in index.articles if _in_period(dates[a], since, until)]
    period.sort(key=lambda a: (dates[a], a), reverse=True)
    counts: Counter[str] = Counter()
    for a in period:
        counts.update(list(index.mentions.get(a, {})))
    earlier: set[str] = set()
    first: dict[str, str] = {}
    for a in index.articles:
        if dates[a] and dates[a][: len(since)] < since:
            earlier.update(index.mentions.get(a, {}))
    for a in reversed(period):  # oldest first
        for c in index.mentions.get(a, {}):
            first.setdefault(c, a)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    new = [
        PeriodConcept(
            c, index.concept_name(c), n, str(index.article_attrs[first[c]].get("title") or first[c])
        )
        for c, n in ranked
        if c not in earlier
    ]
    return Digest(
        since,
        until or "",
        [index.article_ref(a) for a in period],
        [PeriodConcept(c, index.concept_name(c), n) for c, n in ranked[:top]],
        new[:top],
    )
