"""Related articles: cosine over IDF-weighted concept vectors, expanded to
broader concepts, each score split into its reasons (see :mod:`kgraph.query.index`)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from kgraph.query.results import Reason, Related

__all__ = ["Relatedness"]


class Relatedness:
    """The related-articles queries of :class:`~kgraph.query.index.GraphIndex`
    (a mixin: it uses the index's vectors, postings and references)."""

    def _expand(self, article: str) -> dict[str, tuple[float, str]]:
        """Concept -> (value, direct concept it comes from) for one article:
        its mentions (value = salience) and their broader concepts, damped."""
        decay = self.scoring.decay
        out: dict[str, tuple[float, str]] = {
            cid: (m[0], cid) for cid, m in sorted(self.mentions.get(article, {}).items())
        }
        if decay <= 0:
            return out
        frontier = sorted(out.items())
        while frontier:
            nxt = []
            for cid, (val, src) in frontier:
                for p in sorted(self.parents.get(cid, ())):
                    pv = val * decay
                    if pv > out.get(p, (0.0, ""))[0] + 1e-12:
                        out[p] = (pv, src)
                        nxt.append((p, (pv, src)))
            frontier = nxt
        return out

    def _build_vectors(self) -> None:
        n = len(self.articles)
        expanded = [self._expand(a) for a in self.articles]
        df: Counter[str] = Counter()
        for vec in expanded:
            df.update(vec.keys())
        self.concept_ids = sorted(set(df) | set(self.concept_attrs))
        self.idf = {c: math.log((1 + n) / (1 + df[c])) for c in df}
        cols: dict[str, list[int]] = defaultdict(list)
        vals: dict[str, list[float]] = defaultdict(list)
        self.rows: list[dict[str, float]] = []
        for i, vec in enumerate(expanded):
            row = {c: v * self.idf[c] for c, (v, _src) in vec.items() if self.idf[c] > 0}
            norm = math.sqrt(sum(x * x for x in row.values())) or 1.0
            row = {c: x / norm for c, x in row.items()}
            self.rows.append(row)
            for c, x in row.items():
                cols[c].append(i)
                vals[c].append(x)
        self.post_idx = {c: np.asarray(cols[c], dtype=np.int64) for c in cols}
        self.post_val = {c: np.asarray(vals[c], dtype=np.float64) for c in cols}
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

    # ---- naming things

    def related(self, article: str, k: int = 5) -> list[Related]:
        """The ``k`` articles most related to ``article``, best first, each with
        its score and reasons. Articles with nothing in common are left out."""
        a = self.resolve_article(article)
        if k <= 0:
            return []
        i = self.art_index[a]
        n = len(self.articles)
        scores = np.zeros(n, dtype=np.float64)
        for c, x in self.rows[i].items():
            scores[self.post_idx[c]] += self.post_val[c] * x
        scores[i] = 0.0
        concept_scores = scores.copy()
        sc = self.scoring
        author_arrays = [self.author_idx[au] for au in sorted(self.authors_of.get(a, ()))]
        if author_arrays and sc.author_bonus:
            same = np.unique(np.concatenate(author_arrays))
            same = same[concept_scores[same] > 0]
            scores[same] += sc.author_bonus
        for b in self.links_out.get(a, set()) | self.links_in.get(a, set()):
            scores[self.art_index[b]] += sc.link_bonus
        scores[i] = 0.0
        nonzero = np.flatnonzero(scores > 1e-12)
        if len(nonzero) > k:
            kth = np.partition(scores[nonzero], len(nonzero) - k)[len(nonzero) - k]
            nonzero = nonzero[scores[nonzero] >= kth - 1e-12]
        order = sorted(nonzero.tolist(), key=lambda j: (-round(scores[j], 9), self.articles[j]))[:k]
        return [self._explain(a, self.articles[j], float(scores[j])) for j in order]

    def _explain(self, a: str, b: str, score: float) -> Related:
        ea, eb = self._expand(a), self._expand(b)
        ra, rb = self.rows[self.art_index[a]], self.rows[self.art_index[b]]
        ma, mb = self.mentions.get(a, {}), self.mentions.get(b, {})
        reasons: list[Reason] = []
        shared = sorted(set(ma) & set(mb))
        for c in sorted(set(ra) & set(rb)):
            w = ra[c] * rb[c]
            name = self.concept_name(c)
            if c in ma and c in mb:
                reasons.append(Reason("shared_concept", round(w, 4), c, name))
            else:
                sa, sb = ea[c][1], eb[c][1]
                detail = f"{self.concept_name(sa)} → {name} ← {self.concept_name(sb)}"
                reasons.append(Reason("broader_concept", round(w, 4), c, name, detail))
        sc = self.scoring
        if b in self.links_out.get(a, set()):
            reasons.append(Reason("links_to", sc.link_bonus))
        if b in self.links_in.get(a, set()):
            reasons.append(Reason("linked_from", sc.link_bonus))
        same = self.authors_of.get(a, set()) & self.authors_of.get(b, set())
        if same and sc.author_bonus and any(r.kind.endswith("concept") for r in reasons):
            names = ", ".join(str(self.graph.nodes[x].get("label") or x) for x in sorted(same))
            reasons.append(Reason("same_author", sc.author_bonus, detail=names))
        reasons.sort(key=lambda r: (-r.weight, r.kind, r.concept))
        ref = self._ref(b)
        return Related(b, ref.title, ref.url, round(score, 4), shared, reasons)
