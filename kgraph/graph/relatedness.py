"""How related two articles are: one score in 0..1 and its reasons, computed
from what the build stores per article (no feed is read again).

The score of articles *a* and *b* is a weighted sum of signals, each in 0..1,
whose weights (:class:`Weights`) sum to 1::

    content = 0.52 * cos(words a, words b) + 0.20 * cos(concepts a, concepts b)
    score   = length(a) * length(b) * (content + 0.20 * same_source + 0.08 * linked)

- *words*: each article's distinctive words (:mod:`kgraph.ingest.words`, counted at
  build time), weighted ``(1 + ln count) * (1 + ln((1 + n) / (1 + df)))``;
- *concepts*: each mention weighted ``salience * ln((1 + n) / (1 + df))``,
  and its broader concepts at ``decay`` (0.5) per level up the hierarchy, so
  siblings meet at their parent but count less than the same concept; a
  feed's template concepts (in half its articles, never salient: share
  buttons, footers) are left out;
- *same_source*: 1 for the same author or the same feed, only on top of some
  content (an author's unrelated posts stay unrelated);
- *linked*: 1 if one article links to the other;
- *length*: ``min(1, words / 300) ** 0.5``, so a 40-word note does not
  outrank a full post on the same subject.

The weights were fitted (a grid over them) on development feeds, nDCG@5
against their authors' tags, and checked on the bundled sample feeds.

Words and concepts found in more than ``max_df`` of the articles (and in
more than 20), or in more than ``max_df_articles``, are left out of the vectors: they
say little about a subject and would make every article a candidate for
every other (the work grows with the sum, over an article's words, of the
articles that share them).

Two articles whose word vectors have a cosine of at least ``same_story``
(0.85) are the same story (a cross-post, a syndicated copy): they are
marked, and not listed as each other's related articles.

>>> corpus = Corpus([
...     Doc("S3 versioning", (("bucket", 4), ("versioning", 3)), {"amazon-s3": 0.9}, "f", ("ann",), 400),
...     Doc("S3 replication", (("bucket", 3), ("replication", 3)), {"amazon-s3": 0.8}, "f", ("ann",), 400),
...     Doc("Go channels", (("channel", 5), ("goroutine", 2)), {"go": 0.9}, "g", ("bob",), 400),
... ], {"amazon-s3": ("aws",)})
>>> [(corpus.titles[j], round(s, 3)) for j, s in corpus.top(0, 5)]
[('S3 replication', 0.606)]
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat
from typing import Any

import numpy as np

from kgraph.graph.runs import added_runs, best_in_table, best_per_row, pointers

__all__ = ["COPIES_MAX", "Corpus", "Doc", "Weights"]

#: Same-story copies of one article looked for among its best ``k + COPIES_MAX``
COPIES_MAX = 4
#: pairs of articles scored at a time (:meth:`Corpus.all_top`)
BLOCK_PAIRS = 1 << 17
#: a block of articles whose pairs fill this share of its table (real articles
#: share many words: 70%) is scored as a dense table, else pair by pair
DENSE = 1 / 2


@dataclass(frozen=True)
class Weights:
    """The weights of the signals (they sum to 1, so a score is in 0..1)."""

    text: float = 0.52
    concepts: float = 0.20
    source: float = 0.20
    link: float = 0.08
    #: weight kept per step up the concept hierarchy
    decay: float = 0.5
    #: words: an article shorter than this is scored down (square root of the share)
    length_pivot: int = 300
    #: a word in more than this share of the articles (and more than 20) is not used
    max_df: float = 0.2
    #: nor a word in more than this many articles (keeps the work linear in the articles)
    max_df_articles: int = 250
    #: word-vector cosine from which two articles are the same story
    same_story: float = 0.85


@dataclass(frozen=True)
class Doc:
    """What relatedness needs of one article."""

    title: str
    terms: tuple[tuple[str, int], ...]
    #: concept id -> salience of each mention
    concepts: Mapping[str, float]
    feed: str = ""
    authors: tuple[str, ...] = ()
    words: int = 0
    #: positions (in the corpus) of the articles this one links to
    links: tuple[int, ...] = ()


class Corpus:
    """Relatedness over a set of articles (positions 0..n-1)."""

    def __init__(
        self,
        docs: Sequence[Doc],
        parents: Mapping[str, Sequence[str]],
        weights: Weights | None = None,
    ) -> None:
        from scipy import sparse  # a third of a second to import: not on the CLI's start

        self.weights = w = weights or Weights()
        self.n = n = len(docs)
        self.titles = [d.title for d in docs]
        # words: (1 + ln count) * idf, words in too many articles left out
        every = [p for d in docs for p in d.terms]
        words, counts = [t for t, _ in every], [c for _, c in every]
        df = Counter(words)
        limit = max(20.0, min(w.max_df * n, w.max_df_articles))
        self.vocab = sorted(t for t, c in df.items() if c <= limit)
        self.word_df = {t: df[t] for t in self.vocab}
        wcode = {t: i for i, t in enumerate(self.vocab)}
        widf = [math.log((1 + n) / (1 + df[t])) + 1 for t in self.vocab]
        self._word_vectors(docs, words, counts, wcode, np.asarray(widf or [0.0]))
        # concepts: salience * idf, expanded to broader concepts; a feed's
        # template concepts (in most of its articles, never salient) left out
        template = _template_concepts(docs)
        self.direct = [
            {c: s for c, s in d.concepts.items() if (d.feed, c) not in template} for d in docs
        ]
        up = {c: _ancestors(c, parents, w.decay) for c in {c for d in self.direct for c in d}}
        self.expanded = [_expand(c, up) for c in self.direct]
        cdf: Counter[str] = Counter()
        for e in self.expanded:
            cdf.update(e.keys())
        self.concept_df = cdf
        self.concept_ids = sorted(cdf)
        ccode = {c: len(self.vocab) + i for i, c in enumerate(self.concept_ids)}
        # each article's unit concept vector, flat, in the order of its expansion
        # (concepts with an idf above 0, in no more articles than ``limit``)
        cidf = np.asarray([math.log((1 + n) / (1 + cdf[c])) for c in self.concept_ids] or [0.0])
        usable = cidf > 0
        usable &= np.asarray([cdf[c] for c in self.concept_ids] or [0]) <= limit
        crow = np.repeat(np.arange(n), [len(e) for e in self.expanded])
        ccol = np.asarray([ccode[c] for e in self.expanded for c in e], dtype=np.int64)
        cval = np.asarray([v for e in self.expanded for v, _ in e.values()], dtype=np.float64)
        kept = usable[ccol - len(self.vocab)]
        crow, ccol = crow[kept], ccol[kept]
        cval = cval[kept] * cidf[ccol - len(self.vocab)]
        norm = np.sqrt(added_runs(cval * cval, np.bincount(crow, minlength=n)))
        kept = norm[crow] > 0
        crow, ccol, cval = crow[kept], ccol[kept], cval[kept] / norm[crow[kept]]
        self._crow, self._ccol, self._cval = crow, ccol - len(self.vocab), cval
        # one sparse matrix: sqrt(TEXT) * words | sqrt(CONCEPTS) * concepts, rows and
        # columns; each row's words, then its concepts, in the order of its vectors
        st, sc = math.sqrt(w.text), math.sqrt(w.concepts)
        wrow, wlen = self._wrow, np.diff(self._wptr)
        clen = np.bincount(crow, minlength=n)
        self.indptr = pointers(wlen + clen)
        self.indices = np.empty(self.indptr[-1], dtype=np.int64)
        self.data = np.empty(self.indptr[-1], dtype=np.float64)
        at = self.indptr[wrow] + np.arange(len(wrow)) - self._wptr[wrow]
        self.indices[at], self.data[at] = self._wcode, st * self._wval
        cptr = self._cptr = pointers(clen)
        at = self.indptr[crow] + wlen[crow] + np.arange(len(crow)) - cptr[crow]
        self.indices[at], self.data[at] = ccol, sc * cval
        shape = (n, len(self.vocab) + len(self.concept_ids))
        self.matrix = sparse.csr_matrix((self.data, self.indices, self.indptr), shape=shape)
        # its transpose, rows in order within each feature: the product below adds
        # each pair's parts in the order of the article's features
        self.matrix_t = self.matrix.T.tocsr()
        self.matrix_t.sort_indices()
        # authors and feeds, links, lengths
        self.feeds = [d.feed for d in docs]
        self.authors = [tuple(sorted(d.authors)) for d in docs]
        feed_codes = {f: c for c, f in enumerate(sorted(set(self.feeds) - {""}))}
        author_codes = {a: c for c, a in enumerate(sorted({a for au in self.authors for a in au}))}
        # an article with no feed (author) has a code of its own, below 0: it shares it with none
        self.feed_code = np.asarray(
            [feed_codes.get(f, -1 - a) for a, f in enumerate(self.feeds)], dtype=np.int64
        )
        self.author_code = np.asarray(
            [author_codes[au[0]] if au else -1 - a for a, au in enumerate(self.authors)],
            dtype=np.int64,
        )
        self.many_authors = np.asarray([len(au) > 1 for au in self.authors], dtype=bool)
        # articles x authors (ones), for the pairs where one has several
        held = [sorted(author_codes[a] for a in au) for au in self.authors]
        self.author_matrix = sparse.csr_matrix(
            (
                np.ones(sum(map(len, held))),
                np.asarray([c for h in held for c in h], dtype=np.int64),
                np.cumsum([0, *map(len, held)]),
            ),
            shape=(n, max(1, len(author_codes))),
        )
        # the word vectors alone (same-story copies), columns in order (each row sorted)
        words_shape = (n, max(1, len(self.vocab)))
        word_rows = (self._wval, self._wcode, self._wptr)
        self.word_matrix = sparse.csr_matrix(word_rows, shape=words_shape, copy=True)
        self.word_matrix.sort_indices()
        # the concept vectors alone (reasons), columns in the order of ``concept_ids``
        width = max(1, len(self.concept_ids))
        concept_rows = (cval, self._ccol, cptr)
        self.concept_matrix = sparse.csr_matrix(concept_rows, shape=(n, width), copy=True)
        self.concept_matrix.sort_indices()
        # the concepts each article mentions (ones)
        dcol = np.asarray(
            [ccode[c] - len(self.vocab) for d in self.direct for c in d], dtype=np.int64
        )
        dptr = pointers(np.asarray([len(d) for d in self.direct], dtype=np.int64))
        direct_rows = (np.ones(len(dcol)), dcol, dptr)
        self.direct_matrix = sparse.csr_matrix(direct_rows, shape=(n, width))
        self.direct_matrix.sort_indices()
        links: dict[int, set[int]] = defaultdict(set)
        for i, d in enumerate(docs):
            for j in d.links:
                if j != i:
                    links[i].add(j)
                    links[j].add(i)
        self.links = {i: np.asarray(sorted(v), dtype=np.int64) for i, v in links.items()}
        self.links_out = [frozenset(d.links) for d in docs]
        words = np.asarray([d.words for d in docs], dtype=np.float64)
        self.length = np.sqrt(np.minimum(1.0, words / max(w.length_pivot, 1)))

    def _word_vectors(
        self,
        docs: Sequence[Doc],
        words: list[str],
        counts: list[int],
        wcode: Mapping[str, int],
        idf: np.ndarray,
    ) -> None:
        """Each article's unit word vector, as flat arrays (row, column, value)
        in the order of its terms (``words`` and ``counts``, all the articles'
        in a row): ``(1 + ln count) * idf`` over the norm (the sum of squares
        added in that order, as one article at a time would)."""
        if any(len(dict(d.terms)) < len(d.terms) for d in docs):
            # a word given twice: its first place, its last count (as a dict keeps it)
            terms = [tuple(dict(d.terms).items()) for d in docs]
            words = [t for ts in terms for t, _ in ts]
            counts = [c for ts in terms for _, c in ts]
        else:
            terms = [d.terms for d in docs]
        code = np.fromiter(map(wcode.get, words, repeat(-1)), dtype=np.int64, count=len(words))
        count = np.asarray(counts, dtype=np.int64)
        row = np.repeat(np.arange(len(docs)), [len(ts) for ts in terms])
        kept = code >= 0
        code, count, row = code[kept], count[kept], row[kept]
        distinct, back = np.unique(count, return_inverse=True)
        log = np.asarray([math.log(c) for c in distinct.tolist()] or [0.0])[back.ravel()]
        value = (1 + log) * idf[code]
        lengths = np.bincount(row, minlength=len(docs))
        norm = np.sqrt(added_runs(value * value, lengths))
        self._wrow, self._wcode, self._wval = row, code, value / norm[row]
        self._wptr = pointers(lengths)

    def word_row(self, i: int) -> dict[str, float]:
        """Article ``i``'s word vector: word -> weight (unit length), in the order of its terms."""
        return _row(self._wptr, self._wcode, self._wval, self.vocab, i)

    @property
    def word_rows(self) -> list[dict[str, float]]:
        """:meth:`word_row` of every article."""
        return [self.word_row(i) for i in range(self.n)]

    def concept_row(self, i: int) -> dict[str, float]:
        """Article ``i``'s concept vector: concept -> weight (unit length)."""
        return _row(self._cptr, self._ccol, self._cval, self.concept_ids, i)

    @property
    def concept_rows(self) -> list[dict[str, float]]:
        """:meth:`concept_row` of every article."""
        return [self.concept_row(i) for i in range(self.n)]

    # ---- scores

    def _content(self, first: int, last: int) -> Any:
        """The content parts of the scores of articles ``first..last-1`` with every other:
        one sparse product, whose work is the number of (article, feature, other article)
        triples, never ``n`` per article."""
        return (self.matrix[first:last] @ self.matrix_t).tocsr()

    def pairs(
        self, first: int, last: int, product: Any = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every article ``j`` with a score above 0 for each article ``i`` in
        ``first..last-1``: parallel arrays ``i``, ``j``, score (in no set order)."""
        from scipy import sparse

        n, w = self.n, self.weights
        product = self._content(first, last) if product is None else product
        counts = np.diff(product.indptr)
        i = np.repeat(np.arange(first, last, dtype=np.int64), counts)
        j = product.indices.astype(np.int64)
        content = np.asarray(product.data, dtype=np.float64)
        linked = np.zeros(len(i), dtype=bool)
        rows = [a for a in range(first, last) if a in self.links]
        if rows:
            link_i = np.concatenate([np.full(len(self.links[a]), a) for a in rows])
            link_j = np.concatenate([self.links[a] for a in rows])
            # where each linked pair is in the product: its position (+1) as the value
            at = sparse.csr_matrix(
                (np.arange(1, len(i) + 1, dtype=np.float64), product.indices, product.indptr),
                shape=product.shape,
            )
            link = sparse.csr_matrix(
                (np.ones(len(link_i)), (link_i - first, link_j)), shape=product.shape
            )
            hit = link.multiply(at).tocoo()
            linked[hit.data.astype(np.int64) - 1] = True
            found = (hit.row.astype(np.int64) + first) * n + hit.col
            new = ~np.isin(link_i * n + link_j, found)
            if new.any():  # linked, nothing in common: content 0
                i = np.concatenate([i, link_i[new]])
                j = np.concatenate([j, link_j[new]])
                content = np.concatenate([content, np.zeros(int(new.sum()))])
                linked = np.concatenate([linked, np.ones(int(new.sum()), dtype=bool)])
        score = content.copy()
        positive = content > 0
        same = self.feed_code[i] == self.feed_code[j]
        same |= self.author_code[i] == self.author_code[j]
        if self.many_authors.any():
            several = np.flatnonzero(self.many_authors[i] | self.many_authors[j])
            same[several] |= _row_dots(self.author_matrix, i[several], j[several]) > 0
        # the same sums as score + weight * flag over every pair (x + 0.0 == x)
        score[same & positive] += w.source
        score[linked] += w.link
        score *= self.length[i] * self.length[j]
        np.minimum(score, 1.0, out=score)
        ok = (score > 1e-9) & (i != j)  # an article is not its own
        return i[ok], j[ok], score[ok]

    def _score_table(self, product: Any, first: int) -> np.ndarray:
        """The scores of :meth:`pairs` (the same sums) as a dense table: rows
        ``first..`` by every article, 0 where no pair."""
        w, rows = self.weights, np.arange(first, first + product.shape[0])
        score = product.toarray()
        same = self.feed_code[rows, None] == self.feed_code[None, :]
        same |= self.author_code[rows, None] == self.author_code[None, :]
        if self.many_authors.any():
            same |= (self.author_matrix[rows] @ self.author_matrix.T).toarray() > 0
        same &= score > 0
        score[same] += w.source
        for a in rows.tolist():
            if a in self.links:
                score[a - first, self.links[a]] += w.link
        score *= np.multiply.outer(self.length[rows], self.length)
        np.minimum(score, 1.0, out=score)
        score[rows - first, rows] = 0.0  # an article is not its own
        return score

    def word_cosine(self, i: int, j: int) -> float:
        """Cosine of the word vectors of articles ``i`` and ``j``."""
        a, b = self.word_row(i), self.word_row(j)
        if len(a) > len(b):
            a, b = b, a
        return sum(x * b[t] for t, x in a.items() if t in b)

    def is_same_story(self, i: int, j: int, score: float | None = None) -> bool:
        """Whether articles ``i`` and ``j`` are the same story (word cosine >=
        ``same_story``); ``score``, their score if known, rules most pairs out at once."""
        w = self.weights
        if (
            score is not None
            and score < w.text * w.same_story * self.length[i] * self.length[j] - 1e-9
        ):
            return False
        return self.word_cosine(i, j) >= w.same_story

    def top_rows(
        self, first: int, last: int, k: int, with_same_story: bool = False
    ) -> list[tuple[list[tuple[int, float]], list[int]]]:
        """For each article ``first..last-1``: its ``k`` best (position, score),
        best first (ties by position), same-story copies left out (unless
        ``with_same_story``); and the positions of its copies."""
        product = self._content(first, last)
        if product.nnz >= DENSE * (last - first) * self.n:  # a table no larger than the product
            i, j, score = best_in_table(self._score_table(product, first), k + COPIES_MAX)
        else:
            i, j, score = self.pairs(first, last, product)
            i, j, score = best_per_row(i - first, j, score, last - first, self.n, k + COPIES_MAX)
        i += first
        bounds = np.searchsorted(i, np.arange(first, last + 1))
        floor = self.weights.text * self.weights.same_story * self.length[i] * self.length[j] - 1e-9
        copy = np.zeros(len(i), dtype=bool)
        maybe = np.flatnonzero(score >= floor)
        if len(maybe):
            cosine = _row_dots(self.word_matrix, i[maybe], j[maybe])
            copy[maybe] = cosine >= self.weights.same_story
        # each article's best k that are not copies (or all, ``with_same_story``)
        shown = np.ones(len(i), dtype=bool) if with_same_story else ~copy
        kept = np.cumsum(shown)
        starts = np.concatenate([[0], kept])[bounds[:-1]]
        kept -= shown
        shown &= (kept - starts[i - first]) < k
        js, scores, ii = j[shown].tolist(), score[shown].tolist(), i[shown] - first
        shown_bounds = np.searchsorted(ii, np.arange(0, last - first + 1)).tolist()
        copies_of: dict[int, list[int]] = defaultdict(list)
        for p in np.flatnonzero(copy).tolist():
            copies_of[int(i[p])].append(int(j[p]))
        out = []
        for r, a in enumerate(range(first, last)):
            lo, hi = shown_bounds[r], shown_bounds[r + 1]
            out.append(
                (list(zip(js[lo:hi], scores[lo:hi], strict=True)), sorted(copies_of.get(a, ())))
            )
        return out

    def top(self, i: int, k: int, with_same_story: bool = False) -> list[tuple[int, float]]:
        """The ``k`` best (position, score) for article ``i`` (see :meth:`top_rows`)."""
        return self.top_rows(i, i + 1, k, with_same_story)[0][0]

    def all_top(
        self, k: int, block: int | None = None
    ) -> list[tuple[list[tuple[int, float]], list[int]]]:
        """:meth:`top_rows` of every article, ``block`` articles at a time, or
        (None) as many as have about ``BLOCK_PAIRS`` pairs in all: the pairs'
        arrays stay in the processor's cache (30% less time than blocks of
        512 on real articles, 40% less on synthetic ones); each article's pairs
        guessed as the articles of its features, at most ``n``."""
        if block is not None:
            starts = list(range(0, self.n, block))
        else:
            added = pointers(np.diff(self.matrix_t.indptr)[self.indices])
            guess = np.minimum(added[self.indptr[1:]] - added[self.indptr[:-1]], self.n)
            starts = np.unique(np.cumsum(guess) // BLOCK_PAIRS, return_index=True)[1].tolist()
        blocks = pairwise([*starts, self.n])
        return [row for first, last in blocks for row in self.top_rows(first, last, k)]


def _row_dots(matrix: Any, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The dot products of rows ``i[p]`` and ``j[p]`` of a sparse ``matrix``, for every ``p``."""
    return np.asarray(matrix[i].multiply(matrix[j]).sum(axis=1)).ravel()


def _template_concepts(docs: Sequence[Doc]) -> set[tuple[str, str]]:
    """(feed, concept) pairs where the concept is in at least half the feed's
    articles (and 4) but never salient there (median salience below 0.35): a
    share button or footer link, not a subject."""
    per_feed: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    size: Counter[str] = Counter()
    for d in docs:
        if d.feed:
            size[d.feed] += 1
            mine = per_feed[d.feed]
            for c, s in d.concepts.items():
                mine[c].append(s)
    out = set()
    for feed, by_concept in per_feed.items():
        for c, sal in by_concept.items():
            if len(sal) >= max(4, size[feed] / 2) and sorted(sal)[len(sal) // 2] < 0.35:
                out.add((feed, c))
    return out


def _expand(
    concepts: Mapping[str, float], up: Mapping[str, tuple[tuple[str, float], ...]]
) -> dict[str, tuple[float, str]]:
    """Concept -> (value, the mentioned concept it comes from): the mentions
    (value = salience) and their broader concepts (``up``: :func:`_ancestors`
    of each), damped (the best value wins; ties: the first mentioned concept by id)."""
    mentions = sorted(concepts.items())
    out = {c: (float(s), c) for c, s in mentions}
    for c, s in mentions:  # in order of id
        for p, factor in up[c]:
            pv = float(s) * factor
            held = out.get(p)
            if pv > (held[0] if held is not None else 0.0) + 1e-12:
                out[p] = (pv, c)
    return out


def _ancestors(
    c: str, parents: Mapping[str, Sequence[str]], decay: float
) -> tuple[tuple[str, float], ...]:
    """Every broader concept of ``c`` with ``decay ** levels`` (the nearest way;
    none if ``decay`` is 0)."""
    best: dict[str, float] = {}
    frontier = [(c, 1.0)]
    while frontier:
        nxt = []
        for node, f in frontier:
            for p in sorted(parents.get(node, ())):
                pf = f * decay
                if pf > best.get(p, 0.0) + 1e-12:
                    best[p] = pf
                    nxt.append((p, pf))
        frontier = nxt
    return tuple(sorted(best.items()))


def _row(
    ptr: np.ndarray, codes: np.ndarray, values: np.ndarray, names: Sequence[str], i: int
) -> dict[str, float]:
    """Row ``i`` of a flat sparse matrix (row pointers, column codes, values) as name -> value."""
    lo, hi = int(ptr[i]), int(ptr[i + 1])
    return dict(zip([names[c] for c in codes[lo:hi].tolist()], values[lo:hi].tolist(), strict=True))
