"""Stage 5: assemble the knowledge graph (a ``networkx.MultiDiGraph``).

Node ids are prefixed by kind (``article:``, ``concept:``, ``author:``,
``tag:``, ``feed:``); every node has ``kind`` and ``label``; every edge has
``kind`` and a key that is unique in the whole graph (it becomes the GraphML
edge id). Attribute values are only strings, ints and floats, so the graph
writes to GraphML as it is. See the README's schema section.

>>> from kgraph.records import Article, ArticleText, Feed, Mention
>>> g = build_graph([Feed("f.xml", "F")], [Article("a1", "https://e.org/a1", "T", ("Ann",), feed="f.xml")],
...                 {"a1": ArticleText("a1")}, {"a1": [Mention("go", 2, 0.9, "Go is fun.", "Go")]})
>>> sorted(g.nodes)  # doctest: +NORMALIZE_WHITESPACE
['article:https://e.org/a1', 'author:ann', 'concept:go', 'concept:programming-language',
 'concept:software-development', 'feed:f.xml']
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat

import networkx as nx
import numpy as np

from kgraph.catalogue.concepts import Catalogue, Concept
from kgraph.catalogue.load import load_catalogue
from kgraph.graph.compact import CompactMultiDiGraph, shared_names
from kgraph.graph.counts import CodeCounts, PairCounts
from kgraph.graph.parts import (
    ARTICLE_ATTRS,
    CO_OCCUR_TOP,
    PAIR_SHIFT,
    article_node,
    article_part,
    normalise_url,
)
from kgraph.graph.related import add_related
from kgraph.graph.terms import TermNodes
from kgraph.records import Article, ArticlePart, ArticleText, Feed, Mention

__all__ = [
    "CO_OCCUR_TOP",
    "GraphBuilder",
    "article_node",
    "article_part",
    "build_graph",
    "concept_attrs",
    "concept_node",
    "normalise_url",
]

# attribute names of each edge kind, in the order they are stored
_KIND = shared_names(("kind",))
# the values of edges with no attribute but their kind: one tuple per kind
_PUBLISHED, _WROTE, _TAGGED = ("published",), ("wrote",), ("tagged",)
_LINKS_TO, _BROADER = ("links_to",), ("broader",)
_MENTION = shared_names(("kind", "count", "weight", "evidence", "alias"))
_CO_OCCUR = shared_names(("kind", "weight", "articles"))

#: article node attribute names (``kind``, then ``ArticlePart.attrs``)
_ARTICLE = shared_names(("kind", *ARTICLE_ATTRS))


def concept_node(concept_id: str) -> str:
    """Node id of a concept.

    >>> concept_node("aws-lambda")
    'concept:aws-lambda'
    """
    return f"concept:{concept_id}"


def concept_attrs(concept: Concept, article_count: int = 0) -> dict[str, str | int]:
    """The attributes of a concept node (docs/schema.md), lists ``|``-joined;
    ``curated`` is ``"true"`` (a discovered term's node has ``"false"``).

    >>> concept_attrs(load_catalogue()["go"])["aliases"].split("|")[:2]
    ['golang', 'Go language']
    """
    attrs: dict[str, str | int] = {
        "kind": "concept",
        "label": concept.name,
        "name": concept.name,
        "type": concept.type,
        "aliases": "|".join(a for a in concept.all_aliases if a != concept.name),
        "parents": "|".join(concept.parents),
        "url": concept.url,
        "article_count": int(article_count),
        "curated": "true",
        "description": concept.description,
    }
    return attrs


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
    ['broader-1', 'broader-2', 'mentions-1', 'published-1']
    """

    def __init__(
        self,
        catalogue: Catalogue | None = None,
        *,
        min_co_occurrence: int | None = None,
        discover: bool = True,
    ) -> None:
        self.catalogue = catalogue or load_catalogue()
        self._terms = TermNodes() if discover else None  # discovered terms, see finish()
        self.graph: nx.MultiDiGraph = CompactMultiDiGraph()
        self._min_support = min_co_occurrence
        self._counts: dict[str, int] = defaultdict(int)
        # node id -> the string object the graph holds: the adjacency dicts key each
        # edge by its ends, and an equal copy per edge is 14% of a big graph's memory
        self._canonical: dict[str, str] = {}
        self._cnodes: dict[str, str] = {}  # concept id -> its node id, as held
        self._by_url: dict[str, str] = {}
        self._by_path: dict[str, str | None] = {}  # None: path shared by several articles
        self._links: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        size = len(self.catalogue.concepts)
        self._df = CodeCounts(size)  # articles mentioning each concept, by code
        self._top_df = CodeCounts(size)  # the same over each article's top concepts
        # concept pairs as one int (codes of the two ids), counted by numpy: a
        # 100,000-article build counts millions of pairs
        self._pairs = PairCounts()
        self._tag_concepts: dict[str, str] = {}
        self._spellings: dict[str, dict[str, int]] = {}  # author/tag node -> spelling counts
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
        self.add_part(article_part(art, text, mentions, self.catalogue))

    def add_part(self, part: ArticlePart) -> None:
        """Add one article from its :func:`article_part` (what :meth:`add_article` does)."""
        self.add_parts((part,))

    def add_parts(self, parts: Iterable[ArticlePart]) -> None:
        """Add articles from their :func:`article_part`\\ s (a feed's, say): the
        same graph as adding them one by one, with the edges added in batches."""
        batch: list[ArticlePart] = []
        nodes: set[str] = set()
        for part in parts:
            if part.node in nodes:
                # the same node twice: its edges of each kind would come together,
                # not article by article; end the batch here
                self._add_batch(batch)
                batch, nodes = [], set()
            batch.append(part)
            nodes.add(part.node)
        self._add_batch(batch)

    def _add_batch(self, parts: list[ArticlePart]) -> None:
        """:meth:`add_parts` of parts with distinct article nodes."""
        graph = self.graph
        nodes = graph._node
        canonical, spellings, counts = self._canonical, self._spellings, self._counts
        cnodes, tag_concepts = self._cnodes, self._tag_concepts
        by_url, by_path, links_of = self._by_url, self._by_path, self._links
        published: list[tuple[str, str, str, tuple[str]]] = []
        wrote: list[tuple[str, str, str, tuple[str]]] = []
        tagged: list[tuple[str, str, str, tuple[str]]] = []
        # mention edges as four columns, zipped as they are added (no tuple per edge)
        m_from: list[str] = []
        m_to: list[str] = []
        m_key: list[str] = []
        m_values: list[tuple[str, int, float, str, str]] = []
        # each article's codes and pairs (bytes), counted once per batch
        df_codes: list[bytes] = []
        top_codes: list[bytes] = []
        pair_codes: list[bytes] = []
        n_pub, n_wrote, n_men, n_tag = (
            counts["published"],
            counts["wrote"],
            counts["mentions"],
            counts["tagged"],
        )
        for part in parts:
            (
                node,
                attrs,
                url_key,
                url_path,
                feed_node,
                authors,
                concepts,
                codes,
                mentions,
                tags,
                top,
                links,
                pairs_of,
                terms,
            ) = part
            values = dict(zip(_ARTICLE, ("article", *attrs), strict=True))
            if node in nodes:  # two articles with one node id: the later one's attributes win
                graph.add_node(node, **values)
                node = canonical[node]
            else:
                self._new_node(node, values)
            if attrs[1]:  # the URL
                by_url[url_key] = node
                if url_path:
                    by_path[url_path] = None if url_path in by_path else node
            if links:
                links_of.append((node, links))

            if feed_node and feed_node in nodes:
                n_pub += 1
                published.append((canonical[feed_node], node, f"published-{n_pub}", _PUBLISHED))
            for slug, name in authors:
                anode = f"author:{slug}"
                seen = spellings.get(anode)
                if seen is None:  # a new author
                    self._new_node(anode, {"kind": "author", "label": name, "name": name})
                    spellings[anode] = {name: 1}
                else:
                    seen[name] = seen.get(name, 0) + 1
                n_wrote += 1
                wrote.append((canonical[anode], node, f"wrote-{n_wrote}", _WROTE))
            if concepts:
                if not all(map(cnodes.__contains__, concepts)):
                    for cid in concepts:
                        self._concept(cid)
                first, n_men = n_men + 1, n_men + len(concepts)
                m_from.extend(repeat(node, len(concepts)))
                m_to.extend(map(cnodes.__getitem__, concepts))
                m_key.extend([f"mentions-{i}" for i in range(first, n_men + 1)])
                m_values.extend(mentions)
                df_codes.append(codes)
            for slug, tag, concept in tags:
                if slug not in tag_concepts:  # the first spelling met resolves the tag
                    tag_concepts[slug] = concept
                    if concept:
                        self._concept(concept)
                tnode = f"tag:{slug}"
                seen = spellings.get(tnode)
                if seen is None:  # a new tag
                    resolved = tag_concepts[slug]
                    self._new_node(
                        tnode, {"kind": "tag", "label": tag, "name": tag, "concept": resolved}
                    )
                    spellings[tnode] = {tag: 1}
                else:
                    seen[tag] = seen.get(tag, 0) + 1
                n_tag += 1
                tagged.append((node, canonical[tnode], f"tagged-{n_tag}", _TAGGED))
            if terms and self._terms is not None:
                self._terms.add(node, terms)
            top_codes.append(top)
            pair_codes.append(pairs_of)
        counts.update(published=n_pub, wrote=n_wrote, mentions=n_men, tagged=n_tag)
        self._articles += len(parts)
        self._df.add(b"".join(df_codes))
        self._top_df.add(b"".join(top_codes))
        self._pairs.add(b"".join(pair_codes))
        # each node's edges come in the order adding the articles one by one gives
        graph.add_edges_fast(_KIND, published)
        graph.add_edges_fast(_KIND, wrote)
        graph.add_edges_fast(_MENTION, zip(m_from, m_to, m_key, m_values, strict=True))
        graph.add_edges_fast(_KIND, tagged)

    def _concept(self, cid: str) -> str:
        """Add a concept node and its broader concepts (counts are set by
        ``finish``) unless it is there; return its node id."""
        node = self._cnodes.get(cid)
        if node is None:
            node = self._cnodes[cid] = concept_node(cid)
            self._new_node(node, concept_attrs(self.catalogue[cid]))
            for parent in self.catalogue[cid].parents:
                self._concept(parent)
        return node

    def _add_node(self, node: str, **attrs: object) -> None:
        self.graph.add_node(node, **attrs)
        self._canonical[node] = node

    def _new_node(self, node: str, attrs: dict[str, object]) -> None:
        """Add a node known not to be in the graph, with ``attrs`` as its attribute dict."""
        graph = self.graph
        graph._node[node] = attrs
        graph._succ[node] = {}
        graph._pred[node] = {}
        self._canonical[node] = node

    def _add_edges(self, kind: str, rows: list[tuple[str, str, str, tuple[str]]]) -> None:
        """Add the first edges of a kind with no attribute but their kind (keys from 1)."""
        assert not self._counts[kind], kind
        self._counts[kind] = len(rows)
        self.graph.add_edges_fast(_KIND, rows)

    # -- finishing

    def finish(self) -> nx.MultiDiGraph:
        """Add links, the concept hierarchy, co-occurrence and concept counts."""
        if self._finished:
            raise RuntimeError("GraphBuilder.finish() was already called")
        self._finished = True
        graph = self.graph
        targets: dict[tuple[str, str], str | None] = {}  # the same links recur across articles
        rows: list[tuple[str, str, str, tuple[str]]] = []
        for node, links in self._links:
            linked: set[str] = set()
            for link in links:  # (normalised URL, link path)
                if link in targets:
                    target = targets[link]
                else:
                    # same URL, or the same long, unique path on another host (blogs
                    # often answer on a custom domain and a platform subdomain)
                    target = targets[link] = self._by_url.get(link[0]) or self._by_path.get(link[1])
                if target and target != node and target not in linked:
                    linked.add(target)
                    rows.append((node, target, f"links_to-{len(rows) + 1}", _LINKS_TO))
        self._links.clear()
        self._add_edges("links_to", rows)

        attrs = graph._node
        for node, spellings in self._spellings.items():
            # the commonest spelling names the node ("AWS" over "aws"), whatever the order
            if len(spellings) == 1:
                (name,) = spellings
            else:
                name = min(spellings, key=lambda s: (-spellings[s], s))
            attrs[node].update(label=name, name=name)
        concepts = sorted(self._cnodes.values())
        df, code = self._df.array().tolist(), self.catalogue.codes()
        rows = []
        for node in concepts:
            cid = node.removeprefix("concept:")
            attrs[node]["article_count"] = int(df[code[cid]])
            for parent in self.catalogue[cid].parents:
                rows.append((node, self._cnodes[parent], f"broader-{len(rows) + 1}", _BROADER))
        self._add_edges("broader", rows)
        self._add_terms()
        self._add_co_occurrence()
        getattr(graph, "__networkx_cache__", {}).clear()  # filled in behind add_edge's back
        add_related(graph)
        return graph

    def _add_terms(self) -> None:
        """The discovered terms the build shows, as concept nodes, and their mentions."""
        if self._terms is not None:
            taken = self._cnodes.keys() | self.catalogue.concepts.keys()
            nodes, edges = self._terms.finish(taken, self._counts["mentions"])
            for node, attrs in nodes:
                self._cnodes[node.removeprefix("concept:")] = node
                self._new_node(node, attrs)
            self._counts["mentions"] += len(edges)
            self.graph.add_edges_fast(_MENTION, edges)

    def _add_co_occurrence(self) -> None:
        n = self._articles
        if n == 0:
            return
        support = self._min_support if self._min_support is not None else (1 if n < 10 else 2)
        keys, counts = self._pairs.arrays()
        kept = counts >= support
        keys, counts = keys[kept], counts[kept]
        a, b = keys >> PAIR_SHIFT, keys & ((1 << PAIR_SHIFT) - 1)
        # pairs in (id, id) order: by each code's rank among the sorted ids
        ids = list(self.catalogue.concepts)
        rank = np.empty(len(ids), np.int64)
        rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
        order = np.lexsort((rank[b], rank[a]))
        a, b, counts = a[order], b[order], counts[order]
        # NPMI = log(p_ab / (p_a p_b)) / -log(p_ab), the same float operations as
        # one pair at a time: numpy divides and multiplies as Python does
        top_df = self._top_df.array()
        ratios = (counts / n) / ((top_df[a] / n) * (top_df[b] / n))
        log = math.log
        counted = counts.tolist()
        neg_log = {c: -log(c / n) for c in set(counted) if c / n < 1.0}
        first = self._counts["co_occurs"] + 1
        self._counts["co_occurs"] += len(counted)
        # -1 (never together) .. 1 (always together), as a weight in 0..1
        weights = [
            round(((log(ratio) / neg_log[count] if count in neg_log else 1.0) + 1) / 2, 4)
            for ratio, count in zip(ratios.tolist(), counted, strict=True)
        ]
        node = [self._cnodes.get(cid, "") for cid in ids].__getitem__  # by code
        rows = zip(
            map(node, a.tolist()),
            map(node, b.tolist()),
            [f"co_occurs-{i}" for i in range(first, first + len(counted))],
            zip(repeat("co_occurs"), weights, counted),
            strict=True,
        )
        self.graph.add_edges_fast(_CO_OCCUR, rows)


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
