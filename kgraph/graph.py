"""Stage 5: assemble the knowledge graph (a ``networkx.MultiDiGraph``).

Node ids are prefixed by kind (``article:``, ``concept:``, ``author:``,
``tag:``, ``feed:``); every node has ``kind`` and ``label``; every edge has
``kind`` and a key that is unique in the whole graph (it becomes the GraphML
edge id). Attribute values are only strings, ints and floats, so the graph
writes to GraphML as it is. See the README's schema section.

>>> from kgraph.records import Article, ArticleText, Feed, Mention
>>> g = build_graph([Feed("f.xml", "F")], [Article("a1", "https://e.org/a1", "T", ("Ann",), feed="f.xml")],
...                 {"a1": ArticleText("a1")}, {"a1": [Mention("go", 2, 0.9, "Go is fun.", "Go")]})
>>> sorted(g.nodes)
['article:https://e.org/a1', 'author:ann', 'concept:go', 'concept:programming-language', 'feed:f.xml']
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

import networkx as nx

from .catalogue import Catalogue, Concept, load_catalogue, slugify
from .records import SUMMARY_MAX, Article, ArticleText, Feed, Mention

__all__ = [
    "CO_OCCUR_TOP",
    "article_node",
    "build_graph",
    "concept_attrs",
    "concept_node",
    "normalise_url",
]

#: Only an article's most salient concepts take part in co-occurrence edges.
CO_OCCUR_TOP = 12


def article_node(article: Article) -> str:
    """Node id of an article: ``article:<url>``, or ``article:<guid>`` without URL."""
    return f"article:{article.url or article.id}"


def concept_node(concept_id: str) -> str:
    """Node id of a concept.

    >>> concept_node("aws-lambda")
    'concept:aws-lambda'
    """
    return f"concept:{concept_id}"


def concept_attrs(concept: Concept, article_count: int = 0) -> dict[str, str | int]:
    """The attributes of a concept node (DESIGN.md), lists ``|``-joined.

    >>> concept_attrs(load_catalogue()["go"])["aliases"].split("|")[:2]
    ['golang', 'Go language']
    """
    return {
        "kind": "concept",
        "label": concept.name,
        "name": concept.name,
        "type": concept.type,
        "aliases": "|".join(a for a in concept.all_aliases if a != concept.name),
        "parents": "|".join(concept.parents),
        "url": concept.url,
        "article_count": int(article_count),
    }


def normalise_url(url: str) -> str:
    """URL form used to match links to articles: no fragment, no trailing slash,
    lowercase scheme and host.

    >>> normalise_url("HTTPS://Example.org/a/#top")
    'https://example.org/a'
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _link_path(url: str) -> str:
    """A URL's path when it is specific enough to identify a post on any host.

    >>> _link_path("https://a.dev/how-to-create-an-s3-bucket/"), _link_path("https://a.dev/about")
    ('/how-to-create-an-s3-bucket', '')
    """
    try:
        path = urlsplit(url).path.rstrip("/")
    except ValueError:
        return ""
    return path if len(path) >= 20 and path.count("-") >= 3 else ""


def _summary(text: ArticleText | None) -> str:
    if text is None:
        return ""
    plain = " ".join(b.text for b in text.blocks if b.kind not in ("title", "code"))
    if len(plain) <= SUMMARY_MAX:
        return plain
    cut = plain[: SUMMARY_MAX - 1]
    cut = cut[: cut.rfind(" ")] if " " in cut[SUMMARY_MAX // 2 :] else cut
    return cut + "…"


class _Edges:
    """Adds edges with graph-wide unique keys (``<kind>-<n>``)."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.counts: Counter[str] = Counter()

    def add(self, u: str, v: str, kind: str, **attrs: object) -> None:
        self.counts[kind] += 1
        self.graph.add_edge(u, v, key=f"{kind}-{self.counts[kind]}", kind=kind, **attrs)


def _npmi(n_ab: int, n_a: int, n_b: int, n: int) -> float:
    """Normalised pointwise mutual information in -1..1 (1 = always together)."""
    if n_ab == 0:
        return -1.0
    p_ab, p_a, p_b = n_ab / n, n_a / n, n_b / n
    if p_ab >= 1.0:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def build_graph(
    feeds: Sequence[Feed],
    articles: Sequence[Article],
    texts: Mapping[str, ArticleText],
    mentions: Mapping[str, Sequence[Mention]],
    catalogue: Catalogue | None = None,
    *,
    min_co_occurrence: int | None = None,
) -> nx.MultiDiGraph:
    """Build the graph from the records of the earlier stages.

    ``texts`` and ``mentions`` are keyed by article id. Concepts are added for
    every mention and tag that resolves, with their broader concepts, so
    roll-ups (``articles about AWS`` includes Amazon S3) work on the graph.
    ``min_co_occurrence`` is the number of articles a concept pair needs for a
    ``co_occurs`` edge (default: 2, or 1 for fewer than 10 articles).
    """
    cat = catalogue or load_catalogue()
    graph = nx.MultiDiGraph()
    edges = _Edges(graph)

    for feed in sorted(feeds, key=lambda f: f.id):
        graph.add_node(
            f"feed:{feed.id}",
            kind="feed",
            label=feed.title or feed.id,
            title=feed.title,
            url=feed.url,
        )

    by_url: dict[str, str] = {}
    by_path: dict[str, str | None] = {}  # None: path shared by several articles
    ordered = sorted(articles, key=article_node)
    for art in ordered:
        node = article_node(art)
        text = texts.get(art.id)
        graph.add_node(
            node,
            kind="article",
            label=art.title or art.url or art.id,
            url=art.url,
            title=art.title,
            published=art.published,
            feed=art.feed,
            word_count=int(text.word_count if text else 0),
            summary=_summary(text),
        )
        if art.url:
            by_url[normalise_url(art.url)] = node
            path = _link_path(art.url)
            if path:
                by_path[path] = None if path in by_path else node

    concepts_used: set[str] = set()
    df: Counter[str] = Counter()
    for art in ordered:
        for m in mentions.get(art.id, ()):
            concepts_used.add(m.concept)
            df[m.concept] += 1
    tag_concepts: dict[str, str] = {}
    for art in ordered:
        for tag in art.tags:
            slug = slugify(tag)
            if slug not in tag_concepts:
                tag_concepts[slug] = cat.resolve(tag)
                if tag_concepts[slug]:
                    concepts_used.add(tag_concepts[slug])
    for cid in list(concepts_used):
        concepts_used.update(cat.ancestors(cid))
    for cid in sorted(concepts_used):
        graph.add_node(concept_node(cid), **concept_attrs(cat[cid], df.get(cid, 0)))

    for art in ordered:
        node = article_node(art)
        if art.feed and graph.has_node(f"feed:{art.feed}"):
            edges.add(f"feed:{art.feed}", node, "published")
        for name in art.authors:
            anode = f"author:{slugify(name)}"
            if not graph.has_node(anode):
                graph.add_node(anode, kind="author", label=name, name=name)
            edges.add(anode, node, "wrote")
        for m in sorted(mentions.get(art.id, ()), key=lambda m: m.concept):
            edges.add(
                node,
                concept_node(m.concept),
                "mentions",
                count=int(m.count),
                weight=float(m.weight),
                evidence=m.evidence,
                alias=m.alias,
            )
        for tag in art.tags:
            slug = slugify(tag)
            tnode = f"tag:{slug}"
            if not graph.has_node(tnode):
                graph.add_node(tnode, kind="tag", label=tag, name=tag, concept=tag_concepts[slug])
            edges.add(node, tnode, "tagged")
        text = texts.get(art.id)
        linked: set[str] = set()
        for link in text.links if text else ():
            # same URL, or the same long, unique path on another host (blogs
            # often answer on a custom domain and a platform subdomain)
            target = by_url.get(normalise_url(link)) or by_path.get(_link_path(link))
            if target and target != node and target not in linked:
                linked.add(target)
                edges.add(node, target, "links_to")

    for cid in sorted(concepts_used):
        for parent in cat[cid].parents:
            edges.add(concept_node(cid), concept_node(parent), "broader")

    _add_co_occurrence(edges, ordered, mentions, min_co_occurrence)
    return graph


def _add_co_occurrence(
    edges: _Edges,
    articles: Iterable[Article],
    mentions: Mapping[str, Sequence[Mention]],
    min_support: int | None,
) -> None:
    arts = list(articles)
    n = len(arts)
    if n == 0:
        return
    support = min_support if min_support is not None else (1 if n < 10 else 2)
    df: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for art in arts:
        top = sorted(mentions.get(art.id, ()), key=lambda m: (-m.weight, m.concept))[:CO_OCCUR_TOP]
        ids = sorted({m.concept for m in top})
        df.update(ids)
        pairs.update(itertools.combinations(ids, 2))
    by_pair: dict[tuple[str, str], int] = defaultdict(int)
    for pair, count in pairs.items():
        if count >= support:
            by_pair[pair] = count
    for (a, b), count in sorted(by_pair.items()):
        npmi = _npmi(count, df[a], df[b], n)
        edges.add(
            concept_node(a),
            concept_node(b),
            "co_occurs",
            weight=round((npmi + 1) / 2, 4),
            articles=int(count),
        )
