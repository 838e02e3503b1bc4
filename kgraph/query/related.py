"""Related articles (:mod:`kgraph.graph.relatedness` scores them, the build
stores each article's best as ``related`` edges): read from the graph, or
computed the same way beyond what is stored."""

from __future__ import annotations

import numpy as np

from kgraph.graph.reasons import explain
from kgraph.graph.related import corpus_of, decode_reasons
from kgraph.graph.relatedness import Corpus
from kgraph.query.results import ArticleRef, Reason, Related

__all__ = ["Relatedness"]


class Relatedness:
    """The related-articles queries of :class:`~kgraph.query.index.GraphIndex`
    (a mixin: it uses the index's graph, names and references)."""

    _related_corpus: tuple[Corpus, list[str]] | None

    def _build_vectors(self) -> None:
        # every concept of the graph (mentioned ones and the broader concepts above them)
        self.concept_ids = sorted(self.concept_attrs)
        # concept -> article positions and salience, best first (articles_about)
        self.mention_arts = {
            c: np.asarray([self.art_index[a] for a, _ in p], dtype=np.int64)
            for c, p in self.postings.items()
        }
        self.mention_weights = {
            c: np.asarray([w for _, w in p], dtype=np.float64) for c, p in self.postings.items()
        }
        self.mention_evidence = {
            c: np.asarray([self.mentions[a][c][2] for a, _ in p], dtype=object)
            for c, p in self.postings.items()
        }
        self.article_info = [
            (
                str(self.article_attrs[a].get("title") or ""),
                str(self.article_attrs[a].get("url") or ""),
                str(self.article_attrs[a].get("published") or ""),
            )
            for a in self.articles
        ]
        self.author_idx = {
            au: np.asarray(sorted(self.art_index[a] for a in arts), dtype=np.int64)
            for au, arts in self.articles_by.items()
        }

    def related(self, article: str, k: int = 5) -> list[Related]:
        """The ``k`` articles most related to ``article``, best first, each with
        its score (0..1) and reasons (:mod:`kgraph.graph.relatedness`). Same-story
        copies are left out; articles with nothing in common too.

        A built or loaded graph holds each article's best
        ``graph.graph["related_stored"]`` as ``related`` edges: up to that
        ``k`` they are read, beyond it the answer is computed (the same way).
        """
        a = self.resolve_article(article)
        if k <= 0:
            return []
        stored = int(self.graph.graph.get("related_stored", 0) or 0)
        if k <= stored:
            edges = sorted(
                (int(d.get("rank", 0)), v, d)
                for _, v, d in self.graph.out_edges(a, data=True)
                if d.get("kind") == "related"
            )[:k]
            return [
                self._related(v, float(d.get("score", 0.0)), decode_reasons(d.get("reasons")))
                for _, v, d in edges
            ]
        corpus, articles = self._corpus()
        i = self.art_index[a]
        return [
            self._related(articles[j], score, explain(corpus, i, j))
            for j, score in corpus.top(i, k)
        ]

    def same_story(self, article: str) -> list[ArticleRef]:
        """The copies of ``article`` (cross-posts, the same post in two feeds)."""
        a = self.resolve_article(article)
        out = {
            v if u == a else u
            for u, v, d in (*self.graph.out_edges(a, data=True), *self.graph.in_edges(a, data=True))
            if d.get("kind") == "same_story"
        }
        return [self.article_ref(b) for b in sorted(out)]

    def _corpus(self) -> tuple[Corpus, list[str]]:
        if self._related_corpus is None:
            self._related_corpus = corpus_of(self.graph, self.weights)
        return self._related_corpus

    def _related(self, b: str, score: float, reasons: list[tuple[str, float, str, str]]) -> Related:
        out = []
        for kind, weight, key, detail in reasons:
            if kind in ("shared_concept", "broader_concept"):
                via = ", ".join(self.concept_name(c) for c in detail.split("|") if c)
                out.append(
                    Reason(kind, weight, key, self.concept_name(key), f"via {via}" if via else "")
                )
            elif kind == "shared_terms":
                out.append(Reason(kind, weight, detail=", ".join(detail.split("|"))))
            elif kind == "same_author":
                node = self.graph.nodes.get(f"author:{key}", {})
                out.append(Reason(kind, weight, detail=str(node.get("label") or key)))
            elif kind == "same_feed":
                node = self.graph.nodes.get(f"feed:{key}", {})
                out.append(Reason(kind, weight, detail=str(node.get("title") or key)))
            else:
                out.append(Reason(kind, weight))
        ref = self.article_ref(b)
        shared = [r.concept for r in out if r.kind == "shared_concept"]
        return Related(b, ref.title, ref.url, round(score, 4), shared, out, ref.published)
