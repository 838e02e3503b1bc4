"""Ranking concepts, overall and over time, for
:class:`~kgraph.query.index.GraphIndex`: by article count, rolled-up article
count or PageRank (:func:`kgraph.graph.analytics.pagerank_edges`), articles per
month, and the concepts whose share of recent articles grew most.

>>> from kgraph.query.examples import tiny_graph
>>> from kgraph.query.index import GraphIndex
>>> [(t.concept, t.articles, t.rolled_up) for t in GraphIndex(tiny_graph()).top_concepts(2, by="rolled_up")]
[('aws', 1, 3), ('amazon-s3', 2, 2)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from kgraph.errors import QueryError
from kgraph.graph.analytics import pagerank_edges
from kgraph.query.results import MonthCount, Rising, Timeline, TopConcept

__all__ = ["Rankings", "month_range"]


class Rankings:
    """The ranking and trend queries of :class:`~kgraph.query.index.GraphIndex`
    (a mixin: it reads the index's mentions, hierarchy and postings)."""

    articles: list[str]
    article_attrs: dict[str, dict[str, Any]]
    concept_attrs: dict[str, dict[str, Any]]
    concept_ids: list[str]
    mentions: dict[str, dict[str, tuple[float, int, str, str]]]
    parents: dict[str, set[str]]
    postings: dict[str, list[tuple[str, float]]]
    _pagerank: dict[str, float] | None

    def pagerank(self) -> dict[str, float]:
        """PageRank of concepts on the article–concept graph (mentions weighted
        by salience, broader edges weight 1), computed once."""
        if self._pagerank is None:
            nodes = [*self.articles, *(f"concept:{c}" for c in self.concept_ids)]
            pos = {n: i for i, n in enumerate(nodes)}
            src: list[int] = []
            dst: list[int] = []
            wts: list[float] = []
            for a in self.articles:
                for cid, m in self.mentions.get(a, {}).items():
                    src.append(pos[a])
                    dst.append(pos[f"concept:{cid}"])
                    wts.append(m[0])
            for c in self.concept_ids:
                for p in sorted(self.parents.get(c, ())):  # sets: fix the order
                    if f"concept:{p}" in pos:
                        src.append(pos[f"concept:{c}"])
                        dst.append(pos[f"concept:{p}"])
                        wts.append(1.0)
            # undirected: every edge both ways
            pr = pagerank_edges(
                len(nodes),
                np.asarray(src + dst, dtype=np.int64),
                np.asarray(dst + src, dtype=np.int64),
                np.asarray(wts + wts, dtype=np.float64),
                max_iter=100,
            )
            self._pagerank = {c: float(pr[pos[f"concept:{c}"]]) for c in self.concept_ids}
        return self._pagerank

    def top_concepts(self, n: int = 20, by: str = "articles") -> list[TopConcept]:
        """The ``n`` top concepts ``by`` article count (``articles``), rolled-up
        article count (``rolled_up``) or ``pagerank``."""
        if by not in ("articles", "rolled_up", "pagerank"):
            raise QueryError(f"cannot rank concepts by {by!r}; use articles, rolled_up or pagerank")
        pr = self.pagerank()
        out = [
            TopConcept(
                c,
                self.concept_name(c),
                str(self.concept_attrs.get(c, {}).get("type") or ""),
                len(self.postings.get(c, ())),
                self.rolled_up_count(c),
                round(pr.get(c, 0.0), 6),
            )
            for c in self.concept_attrs
        ]
        out.sort(key=lambda t: (-getattr(t, by), -t.articles, t.concept))
        return out[:n]

    def timeline(self, concept: str, narrower: bool = True) -> Timeline:
        """Articles about ``concept`` per month, gaps filled with 0."""
        cid = self.resolve_concept(concept)
        hits = self.articles_about(cid, narrower=narrower)
        months = Counter(h.published[:7] for h in hits if len(h.published) >= 7)
        undated = sum(1 for h in hits if len(h.published) < 7)
        return Timeline(cid, self.concept_name(cid), len(hits), undated, _fill_months(months))

    def rising(self, n: int = 10, window: int = 6, min_recent: int = 2) -> list[Rising]:
        """Concepts whose share of articles in the last ``window`` months (up to
        the newest article) grew most against the months before."""
        dated = {a: str(d.get("published") or "")[:7] for a, d in self.article_attrs.items()}
        dated = {a: m for a, m in dated.items() if len(m) == 7}
        if not dated:
            return []
        last = max(dated.values())
        y, mo = int(last[:4]), int(last[5:7])
        start_idx = y * 12 + mo - 1 - (window - 1)
        cut = f"{start_idx // 12:04d}-{start_idx % 12 + 1:02d}"
        recent_total = sum(1 for m in dated.values() if m >= cut)
        earlier_total = len(dated) - recent_total
        out = []
        for c, plist in self.postings.items():
            recent = sum(1 for a, _ in plist if dated.get(a, "") >= cut)
            earlier = sum(1 for a, _ in plist if a in dated and dated[a] < cut)
            if recent < min_recent:
                continue
            share_r = recent / max(recent_total, 1)
            share_e = (earlier + 0.5) / max(earlier_total + 1, 1)
            out.append(
                Rising(c, self.concept_name(c), recent, earlier, round(share_r / share_e, 3))
            )
        out.sort(key=lambda r: (-r.growth, -r.recent, r.concept))
        return out[:n]


def _fill_months(counts: Counter[str]) -> list[MonthCount]:
    return [MonthCount(month, n) for month, n in month_range(counts)]


def month_range(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Every month ``YYYY-MM`` from the first to the last of ``counts``, with
    its count (0 for a month without any).

    >>> month_range({"2024-01": 1, "2024-03": 2})
    [('2024-01', 1), ('2024-02', 0), ('2024-03', 2)]
    """
    if not counts:
        return []
    first, last = min(counts), max(counts)
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        out.append((key, counts.get(key, 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
