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

import math
import operator
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

import networkx as nx

from .catalogue import Catalogue, Concept, load_catalogue, slugify
from .compact import CompactMultiDiGraph, shared_names
from .records import SUMMARY_MAX, Article, ArticleText, Feed, Mention

__all__ = [
    "CO_OCCUR_TOP",
    "GraphBuilder",
    "article_node",
    "build_graph",
    "concept_attrs",
    "concept_node",
    "normalise_url",
]

_BY_CONCEPT = operator.attrgetter("concept")

# attribute names of each edge kind, in the order they are stored
_KIND = shared_names(("kind",))
_MENTION = shared_names(("kind", "count", "weight", "evidence", "alias"))
_CO_OCCUR = shared_names(("kind", "weight", "articles"))
_PAIR_SHIFT = 32  # a pair of concept codes a < b is a << _PAIR_SHIFT | b

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


def _npmi(n_ab: int, n_a: int, n_b: int, n: int) -> float:
    """Normalised pointwise mutual information in -1..1 (1 = always together)."""
    if n_ab == 0:
        return -1.0
    p_ab, p_a, p_b = n_ab / n, n_a / n, n_b / n
    if p_ab >= 1.0:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


class GraphBuilder:
    """Builds the graph one article at a time, so a build never holds every
    article's mentions and text at once: only what the last step needs
    (article URLs and links for ``links_to``, counts for ``co_occurs``).

    Feed an article after its feed (``add_feed``); ``finish()`` adds the
    hierarchy, links, co-occurrence and concept counts and returns the graph.
    Edge keys number each kind in the order articles are added, so the same
    input order gives the same graph (:func:`build_graph` adds them sorted).

    >>> from kgraph.records import Article, ArticleText, Feed, Mention
    >>> b = GraphBuilder()
    >>> b.add_feed(Feed("f.xml", "F"))
    >>> b.add_article(Article("a1", "https://e.org/a1", "T", feed="f.xml"), ArticleText("a1"),
    ...               [Mention("go", 2, 0.9, "Go is fun.", "Go")])
    >>> g = b.finish()
    >>> sorted(k for *_, k in g.edges(keys=True))
    ['broader-1', 'mentions-1', 'published-1']
    """

    def __init__(
        self, catalogue: Catalogue | None = None, *, min_co_occurrence: int | None = None
    ) -> None:
        self.catalogue = catalogue or load_catalogue()
        self.graph: nx.MultiDiGraph = CompactMultiDiGraph()
        self._min_support = min_co_occurrence
        self._counts: dict[str, int] = defaultdict(int)
        self._kind_only: dict[str, tuple[str]] = {}
        self._canonical: dict[str, str] = {}  # node id -> the string object the graph holds
        self._cnodes: dict[str, str] = {}  # concept id -> its node id, as held
        self._by_url: dict[str, str] = {}
        self._by_path: dict[str, str | None] = {}  # None: path shared by several articles
        self._links: list[tuple[str, tuple[str, ...]]] = []
        self._df: Counter[str] = Counter()  # articles mentioning each concept
        self._top_df: Counter[str] = Counter()  # the same over each article's top concepts
        # concept pairs as one int (codes of the two ids): a 100,000-article
        # build counts millions of pairs, and an int key takes half a tuple's memory
        self._pairs: Counter[int] = Counter()
        self._codes: dict[str, int] = {}
        self._ids: list[str] = []
        self._tag_concepts: dict[str, str] = {}
        self._shared: dict[str, str] = {}  # one object per alias string
        self._slugs: dict[str, str] = {}
        self._spellings: dict[str, Counter[str]] = defaultdict(Counter)  # author/tag node
        self._weights: dict[float, float] = {}
        self._articles = 0
        self._finished = False

    # -- adding

    def add_feed(self, feed: Feed) -> None:
        """Add a feed node (before its articles, so they get ``published`` edges)."""
        self._add_node(
            f"feed:{feed.id}",
            kind="feed",
            label=feed.title or feed.id,
            title=feed.title,
            url=feed.url,
        )

    def add_article(
        self, art: Article, text: ArticleText | None, mentions: Sequence[Mention]
    ) -> None:
        """Add one article with its node, authors, mentions and tags."""
        graph, node = self.graph, article_node(art)
        self._add_node(
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
        self._articles += 1
        if art.url:
            self._by_url[normalise_url(art.url)] = node
            path = _link_path(art.url)
            if path:
                self._by_path[path] = None if path in self._by_path else node
        if text is not None and text.links:
            self._links.append((node, text.links))

        if art.feed and f"feed:{art.feed}" in graph:
            self._edge(f"feed:{art.feed}", node, "published", _KIND)
        for name in art.authors:
            anode = f"author:{self._slug(name)}"
            if anode not in graph:
                self._add_node(anode, kind="author", label=name, name=name)
            self._spellings[anode][name] += 1
            self._edge(anode, node, "wrote", _KIND)

        # the mentions, the bulk of the edges, in one batch
        evidence: dict[str, str] = {}  # one object per sentence shown for several concepts
        cnodes, weights, shared = self._cnodes, self._weights, self._shared
        ordered = sorted(mentions, key=_BY_CONCEPT)
        rows = []
        n = self._counts["mentions"]
        for m in ordered:
            n += 1
            weight = float(m.weight)
            values = (
                "mentions",
                int(m.count),
                weights.setdefault(weight, weight),
                evidence.setdefault(m.evidence, m.evidence),
                shared.setdefault(m.alias, m.alias),
            )
            rows.append(
                (node, cnodes.get(m.concept) or self._concept(m.concept), f"mentions-{n}", values)
            )
        self._counts["mentions"] = n
        self._df.update([m.concept for m in ordered])
        graph.add_edges_fast(_MENTION, rows)
        for tag in art.tags:
            slug = self._slug(tag)
            if slug not in self._tag_concepts:
                self._tag_concepts[slug] = self.catalogue.resolve(tag)
                if self._tag_concepts[slug]:
                    self._concept(self._tag_concepts[slug])
            tnode = f"tag:{slug}"
            if tnode not in graph:
                self._add_node(
                    tnode, kind="tag", label=tag, name=tag, concept=self._tag_concepts[slug]
                )
            self._spellings[tnode][tag] += 1
            self._edge(node, tnode, "tagged", _KIND)

        top = sorted(mentions, key=lambda m: (-m.weight, m.concept))[:CO_OCCUR_TOP]
        ids = sorted({m.concept for m in top})
        self._top_df.update(ids)
        codes = [self._code(c) for c in ids]
        # every pair a < b of the sorted ids, as one int; a list, so Counter counts in C
        self._pairs.update(
            [a << _PAIR_SHIFT | b for i, a in enumerate(codes) for b in codes[i + 1 :]]
        )

    def _code(self, cid: str) -> int:
        code = self._codes.get(cid)
        if code is None:
            code = self._codes[cid] = len(self._ids)
            self._ids.append(cid)
        return code

    def _slug(self, text: str) -> str:
        slug = self._slugs.get(text)
        if slug is None:
            slug = self._slugs[text] = slugify(text)
        return slug

    def _concept(self, cid: str) -> str:
        """Add a concept node and its broader concepts (counts are set by
        ``finish``) unless it is there; return its node id."""
        node = self._cnodes.get(cid)
        if node is None:
            node = self._cnodes[cid] = concept_node(cid)
            self._add_node(node, **concept_attrs(self.catalogue[cid]))
            for parent in self.catalogue[cid].parents:
                self._concept(parent)
        return node

    def _add_node(self, node: str, **attrs: object) -> None:
        self.graph.add_node(node, **attrs)
        self._canonical[node] = node

    def _edge(self, u: str, v: str, kind: str, names: tuple[str, ...], *values: object) -> None:
        """Add an edge between existing nodes with the next key of its kind;
        ``names`` start with ``kind`` and name ``values``."""
        # the adjacency dicts key each edge by its ends: use the node's own id
        # string, not an equal copy (one per edge: 14% of a big graph's memory)
        u, v = self._canonical[u], self._canonical[v]
        self._counts[kind] += 1
        # edges with no attribute but their kind share one (immutable) tuple of values
        row = (kind, *values) if values else self._kind_only.setdefault(kind, (kind,))
        self.graph.add_edge_fast(u, v, f"{kind}-{self._counts[kind]}", names, row)

    # -- finishing

    def finish(self) -> nx.MultiDiGraph:
        """Add links, the concept hierarchy, co-occurrence and concept counts."""
        if self._finished:
            raise RuntimeError("GraphBuilder.finish() was already called")
        self._finished = True
        graph = self.graph
        targets: dict[str, str | None] = {}  # the same links recur across articles
        for node, links in self._links:
            linked: set[str] = set()
            for link in links:
                if link in targets:
                    target = targets[link]
                else:
                    # same URL, or the same long, unique path on another host (blogs
                    # often answer on a custom domain and a platform subdomain)
                    target = targets[link] = self._by_url.get(
                        normalise_url(link)
                    ) or self._by_path.get(_link_path(link))
                if target and target != node and target not in linked:
                    linked.add(target)
                    self._edge(node, target, "links_to", _KIND)
        self._links.clear()

        for node, spellings in self._spellings.items():
            # the commonest spelling names the node ("AWS" over "aws"), whatever the order
            name = min(spellings, key=lambda s: (-spellings[s], s))
            graph.nodes[node].update(label=name, name=name)
        concepts = sorted(n for n, kind in graph.nodes(data="kind") if kind == "concept")
        for node in concepts:
            cid = node.removeprefix("concept:")
            graph.nodes[node]["article_count"] = int(self._df.get(cid, 0))
            for parent in self.catalogue[cid].parents:
                self._edge(node, concept_node(parent), "broader", _KIND)
        self._add_co_occurrence()
        getattr(graph, "__networkx_cache__", {}).clear()  # filled in behind add_edge's back
        return graph

    def _add_co_occurrence(self) -> None:
        n = self._articles
        if n == 0:
            return
        support = self._min_support if self._min_support is not None else (1 if n < 10 else 2)
        mask, ids = (1 << _PAIR_SHIFT) - 1, self._ids
        frequent = sorted(
            (ids[pair >> _PAIR_SHIFT], ids[pair & mask], count)
            for pair, count in self._pairs.items()
            if count >= support
        )
        cnodes, top_df, first = self._cnodes, self._top_df, self._counts["co_occurs"] + 1
        self._counts["co_occurs"] += len(frequent)
        self.graph.add_edges_fast(
            _CO_OCCUR,
            (
                (
                    cnodes[a],
                    cnodes[b],
                    f"co_occurs-{i}",
                    ("co_occurs", round((_npmi(count, top_df[a], top_df[b], n) + 1) / 2, 4), count),
                )
                for i, (a, b, count) in enumerate(frequent, first)
            ),
        )


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
    Articles are added in node-id order (a build streams them in input
    order through :class:`GraphBuilder` instead).
    """
    builder = GraphBuilder(catalogue, min_co_occurrence=min_co_occurrence)
    for feed in sorted(feeds, key=lambda f: f.id):
        builder.add_feed(feed)
    for art in sorted(articles, key=article_node):
        builder.add_article(art, texts.get(art.id), mentions.get(art.id, ()))
    return builder.finish()
