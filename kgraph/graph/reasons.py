"""Why two articles are related: the reasons of a relatedness score
(:mod:`kgraph.graph.relatedness`), one pair at a time (:func:`explain`, for
queries) or for all the pairs a build stores at once (:func:`explain_many`).

>>> from kgraph.graph.relatedness import Corpus, Doc
>>> corpus = Corpus([
...     Doc("S3 versioning", (("bucket", 4), ("versioning", 3)), {"amazon-s3": 0.9}, "f", ("ann",), 400),
...     Doc("S3 replication", (("bucket", 3), ("replication", 3)), {"amazon-s3": 0.8}, "f", ("ann",), 400),
... ], {})
>>> explain(corpus, 0, 1) == explain_many(corpus, np.array([0]), np.array([1]))[0]
True
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np

from kgraph.graph.relatedness import Corpus
from kgraph.graph.runs import added_runs, ordered_runs, pointers

__all__ = ["Reason", "explain", "explain_many", "round4"]

#: (kind, weight, key, detail)
Reason = tuple[str, float, str, str]


def _by_share(part: tuple[str, float]) -> tuple[float, str]:
    return -part[1], part[0]


def _added(values: Sequence[float]) -> float:
    """The sum of ``values`` added one after the other, left to right (what
    :func:`~kgraph.graph.runs.added_runs` does for many runs at once, on any Python version)."""
    total = 0.0
    for x in values:
        total += x
    return total


def explain(corpus: Corpus, i: int, j: int, terms_shown: int = 6) -> list[Reason]:
    """Why article ``j`` is related to article ``i``: (kind, weight, key,
    detail) tuples, each weight its part of the score.

    - ``shared_concept`` (key: the concept): both articles mention it;
    - ``broader_concept`` (key: the concept; detail: the concepts each article
      mentions, ``"a|b"``): they meet at it through the hierarchy;
    - ``shared_terms`` (weight: all shared words; detail: up to ``terms_shown``
      of them found in at most half of the articles (or 3), ``"a|b|c"``,
      the largest part of the score first);
    - ``links_to`` / ``linked_from``; ``same_author`` (key: the author) or
      ``same_feed`` (key: the feed).

    Concepts come most specific (fewest articles) first; a concept in more
    than half of the articles, or worth less than 2% of the score, is no
    reason. A concept is never explained by itself.
    """
    scale = float(corpus.length[i] * corpus.length[j])
    wi, wj, wt = corpus.word_row(i), corpus.word_row(j), corpus.weights.text
    term_parts = sorted(
        ((t, wt * wi[t] * wj[t] * scale) for t in wi.keys() & wj.keys()),
        key=_by_share,
    )
    # words shown: not in most of the articles
    telling = max(3.0, corpus.n / 2)
    words = [t for t, _ in term_parts if corpus.word_df[t] <= telling][:terms_shown]
    terms = _added([s for _, s in term_parts]) if term_parts else None
    ci, cj, wc = corpus.concept_row(i), corpus.concept_row(j), corpus.weights.concepts
    concept_parts = [(c, wc * ci[c] * cj[c] * scale) for c in sorted(ci.keys() & cj.keys())]
    content = _added([s for _, s in concept_parts]) + (terms or 0.0)
    floor, most = 0.02 * content, max(corpus.n / 2, 10)
    cdf = corpus.concept_df
    told = sorted(
        ((c, s) for c, s in concept_parts if s >= floor and cdf[c] <= most),
        key=lambda p: (cdf[p[0]], -p[1], p[0]),
    )
    reasons = _concept_reasons(corpus, i, j, told)
    terms_r = None if terms is None else round(terms, 4)
    w = corpus.weights
    link, source = round(w.link * scale, 4), round(w.source * scale, 4)
    return _more_reasons(corpus, i, j, reasons, content, terms_r, "|".join(words), link, source)


def explain_many(
    corpus: Corpus, i: np.ndarray, j: np.ndarray, terms_shown: int = 6
) -> list[list[Reason]]:
    """:func:`explain` of each pair ``i[p]``, ``j[p]`` (the same reasons): the
    shared words and concepts of all the pairs found, weighed and ordered at once."""
    if len(i) == 0:
        return []
    w, scales = corpus.weights, corpus.length[i] * corpus.length[j]
    # each pair's shared words, largest part first (then by word)
    counts, cols, share = _shared_parts(corpus.word_matrix, i, j, w.text, scales)
    pair = np.repeat(np.arange(len(i)), counts)
    order = ordered_runs(-share, counts)
    cols, share = cols[order], share[order]
    terms = added_runs(share, counts)
    telling = max(3.0, corpus.n / 2)
    df = np.asarray([corpus.word_df[t] for t in corpus.vocab] or [0])
    shown = df[cols] <= telling
    before = np.cumsum(shown) - shown  # shown words ahead of each, over all pairs
    starts = pointers(counts)
    shown &= (before - before[starts[pair]]) < terms_shown
    shown_at = np.flatnonzero(shown)
    bounds = np.searchsorted(pair[shown_at], np.arange(len(i) + 1)).tolist()
    vocab = np.asarray(corpus.vocab or [""], dtype=object)[cols[shown_at]].tolist()
    said = ["|".join(vocab[bounds[p] : bounds[p + 1]]) for p in range(len(i))]
    # each pair's shared concepts (by id): the content, then those worth a reason
    ccounts, ccols, cshare = _shared_parts(corpus.concept_matrix, i, j, w.concepts, scales)
    content = added_runs(cshare, ccounts) + terms
    cpair = np.repeat(np.arange(len(i)), ccounts)
    cdf = np.asarray([corpus.concept_df[c] for c in corpus.concept_ids] or [0])[ccols]
    told = np.flatnonzero((cshare >= 0.02 * content[cpair]) & (cdf <= max(corpus.n / 2, 10)))
    # most specific first, then the largest part, then by id (the order they come in)
    runs = np.bincount(cpair[told], minlength=len(i))
    told = told[ordered_runs(-cshare[told], runs)]
    told = told[ordered_runs(cdf[told].astype(np.float64), runs)]
    cbounds = pointers(runs).tolist()
    ids = np.asarray(corpus.concept_ids or [""], dtype=object)
    told_ids = ids[ccols[told]].tolist()
    told_shares = cshare[told].tolist()
    # a pair whose concepts worth a reason are all mentioned by both: no
    # broader concept to work out, its reasons straight from the arrays
    direct, width = corpus.direct_matrix, corpus.direct_matrix.shape[1]
    held = np.repeat(np.arange(corpus.n), np.diff(direct.indptr)) * width + direct.indices
    both = _within(i[cpair[told]] * width + ccols[told], held)
    both &= _within(j[cpair[told]] * width + ccols[told], held)
    simple = np.ones(len(i), dtype=bool)
    simple[cpair[told][~both]] = False
    told_r, terms_r = round4(cshare[told]), round4(terms)
    link_r, source_r = round4(w.link * scales), round4(w.source * scales)
    has_terms = (counts > 0).tolist()
    # every pair's concepts as shared ones, a run per pair: the reasons of the simple pairs
    as_shared = list(zip(repeat("shared_concept"), told_r, told_ids, repeat(""), strict=False))
    out = []
    rows = zip(i.tolist(), j.tolist(), simple.tolist(), content.tolist(), strict=True)
    for p, (a, b, easy, total) in enumerate(rows):
        lo, hi = cbounds[p], cbounds[p + 1]
        if easy:
            reasons: list[Reason] = as_shared[lo:hi]
        else:
            told_p = list(zip(told_ids[lo:hi], told_shares[lo:hi], strict=True))
            reasons = _concept_reasons(corpus, a, b, told_p)
        shared = terms_r[p] if has_terms[p] else None
        out.append(
            _more_reasons(corpus, a, b, reasons, total, shared, said[p], link_r[p], source_r[p])
        )
    return out


def _within(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in ``table`` (sorted, distinct)."""
    if len(table) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[at] == values


def round4(x: np.ndarray) -> list[float]:
    """``round(v, 4)`` of each value of ``x`` (Python's, correctly rounded), at
    once: ``rint(v * 1e4) / 1e4`` is the same float unless ``v * 1e4`` is
    within a hair of half-way, where Python rounds it."""
    y = np.asarray(x, dtype=np.float64) * 1e4
    out = (np.rint(y) / 1e4).tolist()
    for p in np.flatnonzero(np.abs(y - np.floor(y) - 0.5) < 1e-6).tolist():
        out[p] = round(float(x[p]), 4)
    return out


def _shared_parts(
    matrix: Any, i: np.ndarray, j: np.ndarray, weight: float, scales: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The features rows ``i[p]`` and ``j[p]`` of ``matrix`` share, for every
    ``p``: how many per pair, their columns (pair by pair, each pair's in
    order) and their parts ``weight * x_i * x_j * scales[p]``."""
    from scipy import sparse

    matrix = matrix.tocsr()
    matrix.sort_indices()
    # each stored value's position (+1, never 0), so the product of two
    # structures keeps every shared feature, even one of value 0
    at = sparse.csr_matrix(
        (np.arange(1, matrix.nnz + 1, dtype=np.float64), matrix.indices, matrix.indptr),
        shape=matrix.shape,
    )
    ones = sparse.csr_matrix(
        (np.ones(matrix.nnz), matrix.indices, matrix.indptr), shape=matrix.shape
    )
    mine = at[i].multiply(ones[j]).tocsr()
    mine.sort_indices()
    counts = np.diff(mine.indptr)
    pair = np.repeat(np.arange(len(i)), counts)
    cols = mine.indices.astype(np.int64)
    # the other's values: where (row j, column) is among the stored values, in order
    width = matrix.shape[1]
    stored = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr)) * width
    stored += matrix.indices
    x_i = matrix.data[mine.data.astype(np.int64) - 1]
    x_j = matrix.data[np.searchsorted(stored, j[pair] * width + cols)]
    return counts, cols, weight * x_i * x_j * scales[pair]


def _concept_reasons(corpus: Corpus, i: int, j: int, told: list[tuple[str, float]]) -> list[Reason]:
    """The concept reasons of :func:`explain`, given the concepts worth a
    reason (most specific first) with their parts of the score."""
    reasons: list[Reason] = []
    if not told:
        return reasons
    di, dj = corpus.direct[i], corpus.direct[j]
    ei, ej = corpus.expanded[i], corpus.expanded[j]
    shown_via: set[str] = set()
    at: dict[str, int] = {}  # concept -> index of its reason
    for c, share in told:
        if c in di and c in dj:
            at[c] = len(reasons)
            reasons.append(("shared_concept", share, c, ""))
            continue
        via = [s for s in dict.fromkeys((ei[c][1], ej[c][1])) if s != c]
        if not via or set(via) <= shown_via | (di.keys() & dj.keys()):
            # nothing new: its part goes to the concept it comes through
            if via and via[0] in at:
                kind, old, key, detail = reasons[at[via[0]]]
                reasons[at[via[0]]] = (kind, old + share, key, detail)
            continue
        shown_via.update(via)
        at[c] = len(reasons)
        reasons.append(("broader_concept", share, c, "|".join(via)))
    return [(kind, round(share, 4), key, detail) for kind, share, key, detail in reasons]


def _more_reasons(
    corpus: Corpus,
    i: int,
    j: int,
    reasons: list[Reason],
    content: float,
    terms: float | None,
    words: str,
    link: float,
    source: float,
) -> list[Reason]:
    """``reasons`` (the concepts') and the others: the shared words (their
    part of the score rounded, None: no shared word; those shown, ``|``-joined), links, the same source
    (their weights rounded)."""
    if terms is not None:
        reasons.append(("shared_terms", terms, "", words))
    if j in corpus.links_out[i]:
        reasons.append(("links_to", link, "", ""))
    if i in corpus.links_out[j]:
        reasons.append(("linked_from", link, "", ""))
    if content > 0:
        theirs = corpus.authors[j]
        authors = [a for a in corpus.authors[i] if a in theirs]  # sorted
        if authors:
            reasons.append(("same_author", source, authors[0], ""))
        elif corpus.feeds[i] and corpus.feeds[i] == corpus.feeds[j]:
            reasons.append(("same_feed", source, corpus.feeds[i], ""))
    return reasons
