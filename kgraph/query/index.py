"""Stage 6: answer questions about a built graph, fast and with reasons.

:class:`GraphIndex` is built once from a ``networkx.MultiDiGraph`` that follows
the schema in docs/schema.md. It reads only node and edge attributes (plus,
optionally, the concept catalogue to resolve free-form concept names), so a
graph just built and the same graph loaded from GraphML give the same answers.

The queries are grouped by job, one mixin each: naming articles and concepts
(:mod:`kgraph.query.resolve`), ranking concepts overall and over time
(:mod:`kgraph.query.rankings`), related articles (:mod:`kgraph.query.related`)
and neighbours and paths (:mod:`kgraph.query.paths`); this module reads the
graph into the indexes they share and answers what an article or concept is about.

Relatedness (:mod:`kgraph.graph.relatedness`): a score in 0..1 from words,
concepts, author or feed and links, split into its reasons; the build stores
each article's best as ``related`` edges, which :meth:`related` reads.

>>> from kgraph.query.examples import tiny_graph
>>> g = tiny_graph()
>>> idx = GraphIndex(g)
>>> [r.title for r in idx.related("Replication", k=2)]
['S3 versioning', 'Lambda layers']
>>> idx.related("Replication", k=1)[0].reasons[0].concept
'amazon-s3'
>>> [(a.title, a.matched) for a in idx.articles_about("Amazon Web Services")]
[('Lambda layers', 'aws-lambda'), ('S3 replication', 'amazon-s3'), ('S3 versioning', 'amazon-s3')]
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from kgraph.catalogue.concepts import Catalogue, normalise
from kgraph.graph.builder import normalise_url
from kgraph.graph.relatedness import Weights
from kgraph.query.concept_map import concept_map
from kgraph.query.paths import Paths
from kgraph.query.rankings import Rankings
from kgraph.query.related import Relatedness
from kgraph.query.resolve import Names
from kgraph.query.results import (
    ArticleHit,
    ArticleRef,
    ConceptCard,
    ConceptHit,
    ConceptRef,
    Scoring,
    concept_id,
    split_list,
)

__all__ = ["GraphIndex"]

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Rollup:
    """Articles about one concept, best first: positions into
    ``GraphIndex.articles``, salience, matched concept (position in ``parts``)
    and evidence, as parallel arrays."""

    parts: list[str]
    arts: np.ndarray
    weights: np.ndarray
    matched: np.ndarray
    evidence: np.ndarray


class GraphIndex(Names, Rankings, Relatedness, Paths):
    """Indexes over a kgraph graph, built once; every query is a lookup.

    ``catalogue`` (optional) lets free-form names such as ``"S3-bucket"``
    resolve through :meth:`Catalogue.resolve`; ids, names and the aliases stored
    on concept nodes work without it.

    >>> from kgraph.query.examples import tiny_graph
    >>> idx = GraphIndex(tiny_graph())
    >>> idx.resolve_concept("S3"), idx.resolve_article("https://e.org/repl")
    ('amazon-s3', 'article:https://e.org/repl')
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        catalogue: Catalogue | None = None,
        scoring: Scoring | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.graph = graph
        self.catalogue = catalogue
        self.scoring = scoring or Scoring()
        self._read_nodes(graph)
        self._read_edges(graph)
        self._build_vectors()
        self._build_rollups()
        self._pagerank: dict[str, float] | None = None
        self.weights, self._related_corpus = weights, None

    # ---- reading the graph

    def _read_nodes(self, graph: nx.MultiDiGraph) -> None:
        self.articles: list[str] = []
        self.article_attrs: dict[str, dict[str, Any]] = {}
        self.concept_attrs: dict[str, dict[str, Any]] = {}
        for node, d in graph.nodes(data=True):
            kind = d.get("kind")
            if kind == "article":
                self.article_attrs[node] = d
            elif kind == "concept":
                self.concept_attrs[concept_id(node)] = d
        self.articles = sorted(self.article_attrs)
        self.art_index = {a: i for i, a in enumerate(self.articles)}
        self.by_url: dict[str, str] = {}
        for a in self.articles:
            url = str(self.article_attrs[a].get("url") or "")
            if url:
                self.by_url.setdefault(normalise_url(url), a)
        self.alias_index: dict[str, set[str]] = defaultdict(set)
        self.name_index: dict[str, str] = {}
        for cid, d in sorted(self.concept_attrs.items()):
            self.name_index.setdefault(normalise(cid), cid)
            self.name_index.setdefault(normalise(str(d.get("name") or cid)), cid)
            for alias in split_list(d.get("aliases")):
                self.alias_index[normalise(alias)].add(cid)

    def _read_edges(self, graph: nx.MultiDiGraph) -> None:
        # article -> concept -> (weight, count, evidence, alias)
        self.mentions: dict[str, dict[str, tuple[float, int, str, str]]] = defaultdict(dict)
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.children: dict[str, set[str]] = defaultdict(set)
        self.co_occurs: dict[str, dict[str, tuple[float, int]]] = defaultdict(dict)
        self.links_out: dict[str, set[str]] = defaultdict(set)
        self.links_in: dict[str, set[str]] = defaultdict(set)
        self.authors_of: dict[str, set[str]] = defaultdict(set)
        self.articles_by: dict[str, set[str]] = defaultdict(set)
        for u, v, d in graph.edges(data=True):
            kind = d.get("kind")
            if (
                kind == "mentions"
                and u in self.article_attrs
                and concept_id(v) in self.concept_attrs
            ):
                cid = concept_id(v)
                entry = (
                    float(d.get("weight", 0.0) or 0.0),
                    int(d.get("count", 1) or 1),
                    str(d.get("evidence") or ""),
                    str(d.get("alias") or ""),
                )
                old = self.mentions[u].get(cid)
                if old is None or entry > old:
                    self.mentions[u][cid] = entry
            elif kind == "broader":
                self.parents[concept_id(u)].add(concept_id(v))
                self.children[concept_id(v)].add(concept_id(u))
            elif kind == "co_occurs":
                w = float(d.get("weight", 0.0) or 0.0)
                n = int(d.get("articles", 0) or 0)
                self.co_occurs[concept_id(u)][concept_id(v)] = (w, n)
                self.co_occurs[concept_id(v)][concept_id(u)] = (w, n)
            elif kind == "links_to" and u in self.article_attrs and v in self.article_attrs:
                self.links_out[u].add(v)
                self.links_in[v].add(u)
            elif kind == "wrote" and v in self.article_attrs:
                self.authors_of[v].add(u)
                self.articles_by[u].add(v)
        # postings: concept -> [(article, weight)] by salience, best first
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for a in self.articles:
            for cid, (w, *_rest) in self.mentions.get(a, {}).items():
                self.postings[cid].append((a, w))
        for plist in self.postings.values():
            plist.sort(key=lambda p: (-p[1], p[0]))

    def article_ref(self, article: str) -> ArticleRef:
        """The reference (id, title, URL, date) of article node ``article``
        (an id, as :meth:`resolve_article` returns)."""
        return ArticleRef.of(article, self.article_attrs[article])

    # ---- queries

    def concepts_of(self, article: str) -> list[ConceptHit]:
        """The concepts an article mentions, most salient first."""
        a = self.resolve_article(article)
        hits = []
        for cid, (w, count, evidence, alias) in self.mentions.get(a, {}).items():
            d = self.concept_attrs.get(cid, {})
            hits.append(
                ConceptHit(
                    cid, self.concept_name(cid), str(d.get("type") or ""), w, count, alias, evidence
                )
            )
        hits.sort(key=lambda h: (-h.weight, h.concept))
        return hits

    def descendants(self, cid: str) -> dict[str, list[str]]:
        """Narrower concepts of ``cid`` (transitively), each with its path up to ``cid``."""
        out: dict[str, list[str]] = {cid: [cid]}
        queue = [cid]
        while queue:
            nxt = []
            for c in queue:
                for child in sorted(self.children.get(c, ())):
                    if child not in out:
                        out[child] = [child, *out[c]]
                        nxt.append(child)
            queue = nxt
        return out

    def articles_about(
        self, concept: str, narrower: bool = True, limit: int | None = None
    ) -> list[ArticleHit]:
        """Articles mentioning ``concept`` (any alias), with narrower concepts
        rolled up when ``narrower``; most salient first; at most ``limit``.
        The order is precomputed: a call only builds the results it returns."""
        cid = self.resolve_concept(concept)
        roll = self._rollups[cid] if narrower else self._direct_rollup(cid)
        stop = len(roll.arts) if limit is None else max(min(limit, len(roll.arts)), 0)
        scope = self.descendants(cid) if narrower else {cid: [cid]}
        vias = [scope[c] for c in roll.parts]
        names = [self.concept_name(c) for c in roll.parts]
        info, articles, parts = self.article_info, self.articles, roll.parts
        return [
            ArticleHit(articles[i], *info[i], parts[m], names[m], w, vias[m], ev)
            for i, w, m, ev in zip(
                roll.arts[:stop].tolist(),
                roll.weights[:stop].tolist(),
                roll.matched[:stop].tolist(),
                roll.evidence[:stop].tolist(),
                strict=True,
            )
        ]

    def rolled_up_count(self, cid: str) -> int:
        """Articles mentioning ``cid`` or any narrower concept (the length of
        its roll-up, which :meth:`articles_about` returns)."""
        roll = self._rollups.get(cid)
        return 0 if roll is None else len(roll.arts)

    def _direct_rollup(self, cid: str) -> _Rollup:
        arts = self.mention_arts.get(cid, np.zeros(0, dtype=np.int64))
        return _Rollup(
            [cid],
            arts,
            self.mention_weights.get(cid, np.zeros(0)),
            np.zeros(len(arts), dtype=np.int64),
            self.mention_evidence.get(cid, np.zeros(0, dtype=object)),
        )

    def _build_rollups(self) -> None:
        """For every concept, its articles with the narrower concepts' merged in:
        ordered by salience, then article id; each article once, with its best
        match (the concept itself on a tie)."""
        self._rollups: dict[str, _Rollup] = {}
        for cid in self.concept_ids:
            parts = [cid, *sorted(c for c in self.descendants(cid) if c != cid)]
            rolls = [self._direct_rollup(c) for c in parts]
            arts = np.concatenate([r.arts for r in rolls])
            weights = np.concatenate([r.weights for r in rolls])
            evidence = np.concatenate([r.evidence for r in rolls])
            matched = np.concatenate(
                [np.full(len(r.arts), i, dtype=np.int64) for i, r in enumerate(rolls)]
            )
            if len(parts) > 1:
                # matched position 0 is the concept itself: direct matches win ties
                order = np.lexsort((matched, arts, -weights))
                _, first = np.unique(arts[order], return_index=True)
                keep = order[np.sort(first)]
                arts, weights, matched, evidence = (
                    arts[keep],
                    weights[keep],
                    matched[keep],
                    evidence[keep],
                )
            self._rollups[cid] = _Rollup(parts, arts, weights, matched, evidence)

    def card(self, concept: str, top: int = 5) -> ConceptCard:
        """Everything about one concept: names, hierarchy, top articles, neighbours."""
        cid = self.resolve_concept(concept)
        d = self.concept_attrs[cid]

        def refs(ids: Iterable[str]) -> list[ConceptRef]:
            return [ConceptRef(c, self.concept_name(c)) for c in sorted(ids)]

        return ConceptCard(
            cid,
            self.concept_name(cid),
            str(d.get("type") or ""),
            str(d.get("url") or ""),
            split_list(d.get("aliases")),
            refs(self.parents.get(cid, ())),
            refs(self.children.get(cid, ())),
            len(self.postings.get(cid, ())),
            self.rolled_up_count(cid),
            self.articles_about(cid, limit=top),
            [nb for nb in self.neighbours(cid) if nb.relation == "co_occurs"][:10],
        )

    # ---- concept map

    def concept_map(
        self,
        min_articles: int = 2,
        min_support: int = 2,
        max_share: float = 0.5,
        seed: int = 42,
        **options: Any,
    ) -> nx.MultiDiGraph:
        """The concept map: the backbone of the co-occurrence (NPMI) of the
        concepts in ``min_articles`` articles or more, in named clusters, hubs
        (``max_share``) and generic concepts left out; ``options`` (e.g.
        ``keep_generic``, ``since``, ``until``): :func:`kgraph.query.concept_map.concept_map`."""
        return concept_map(self, min_articles, min_support, max_share, seed, **options)
