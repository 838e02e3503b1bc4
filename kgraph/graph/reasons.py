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

import numpy as np

from kgraph.graph.relatedness import Corpus

__all__ = ["Reason", "explain", "explain_many"]

#: (kind, weight, key, detail)
Reason = tuple[str, float, str, str]


def _by_share(part: tuple[str, float]) -> tuple[float, str]:
    return -part[1], part[0]


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
    wi, wj, wt = corpus.word_rows[i], corpus.word_rows[j], corpus.weights.text
    term_parts = sorted(
        ((t, wt * wi[t] * wj[t] * scale) for t in wi.keys() & wj.keys()),
        key=_by_share,
    )
    # words shown: not in most of the articles
    telling = max(3.0, corpus.n / 2)
    words = [t for t, _ in term_parts if corpus.word_df[t] <= telling][:terms_shown]
    shares = [s for _, s in term_parts]
    return _reasons(corpus, i, j, scale, shares, words)


def explain_many(
    corpus: Corpus, i: np.ndarray, j: np.ndarray, terms_shown: int = 6
) -> list[list[Reason]]:
    """:func:`explain` of each pair ``i[p]``, ``j[p]`` (the same reasons): the
    shared words of all the pairs found, weighed and ordered at once."""
    if len(i) == 0:
        return []
    words, scales = corpus.word_matrix, corpus.length[i] * corpus.length[j]
    ones = words.copy()
    ones.data[:] = 1.0
    # each pair's shared words (sorted columns), with the weight in each article
    mine, theirs = words[i].multiply(ones[j]).tocsr(), words[j].multiply(ones[i]).tocsr()
    mine.sort_indices()
    theirs.sort_indices()
    counts = np.diff(mine.indptr)
    pair = np.repeat(np.arange(len(i)), counts)
    share = corpus.weights.text * mine.data * theirs.data * scales[pair]
    order = np.lexsort((mine.indices, -share, pair))  # largest first, then by word
    cols, share = mine.indices[order], share[order]
    telling = max(3.0, corpus.n / 2)
    df = np.asarray([corpus.word_df[t] for t in corpus.vocab] or [0])
    shown = df[cols] <= telling
    before = np.cumsum(shown) - shown  # shown words ahead of each, over all pairs
    starts = np.concatenate([[0], np.cumsum(counts)])
    shown &= (before - before[starts[pair]]) < terms_shown
    shares, vocab = share.tolist(), corpus.vocab
    shown_at = np.flatnonzero(shown)
    bounds = np.searchsorted(pair[shown_at], np.arange(len(i) + 1)).tolist()
    picked = cols[shown_at].tolist()
    out = []
    for p, (a, b, scale) in enumerate(zip(i.tolist(), j.tolist(), scales.tolist(), strict=True)):
        said = [vocab[c] for c in picked[bounds[p] : bounds[p + 1]]]
        out.append(_reasons(corpus, a, b, scale, shares[starts[p] : starts[p + 1]], said))
    return out


def _reasons(
    corpus: Corpus, i: int, j: int, scale: float, term_shares: list[float], words: list[str]
) -> list[Reason]:
    """The reasons of :func:`explain`, given the shares of the shared words
    (largest first) and the words shown."""
    w, n = corpus.weights, corpus.n
    ci, cj = corpus.concept_rows[i], corpus.concept_rows[j]
    di, dj = corpus.direct[i], corpus.direct[j]
    ei, ej = corpus.expanded[i], corpus.expanded[j]
    wc = w.concepts
    concept_parts = [(c, wc * ci[c] * cj[c] * scale) for c in sorted(ci.keys() & cj.keys())]
    content = sum(s for _, s in concept_parts)
    content += sum(term_shares)
    reasons: list[Reason] = []
    floor = 0.02 * content
    shown_via: set[str] = set()
    at: dict[str, int] = {}  # concept -> index of its reason
    for c, share in sorted(concept_parts, key=lambda p: (corpus.concept_df[p[0]], -p[1], p[0])):
        if share < floor or corpus.concept_df[c] > max(n / 2, 10):
            continue
        if c in di and c in dj:
            at[c] = len(reasons)
            reasons.append(("shared_concept", share, c, ""))
            continue
        via = [s for s in dict.fromkeys((ei[c][1], ej[c][1])) if s != c]
        if not via or set(via) <= shown_via | (set(di) & set(dj)):
            # nothing new: its part goes to the concept it comes through
            if via and via[0] in at:
                kind, old, key, detail = reasons[at[via[0]]]
                reasons[at[via[0]]] = (kind, old + share, key, detail)
            continue
        shown_via.update(via)
        at[c] = len(reasons)
        reasons.append(("broader_concept", share, c, "|".join(via)))
    reasons = [(kind, round(share, 4), key, detail) for kind, share, key, detail in reasons]
    if term_shares:
        total = sum(term_shares)
        reasons.append(("shared_terms", round(total, 4), "", "|".join(words)))
    if j in corpus.links_out[i]:
        reasons.append(("links_to", round(w.link * scale, 4), "", ""))
    if i in corpus.links_out[j]:
        reasons.append(("linked_from", round(w.link * scale, 4), "", ""))
    if content > 0:
        authors = sorted(set(corpus.authors[i]) & set(corpus.authors[j]))
        if authors:
            reasons.append(("same_author", round(w.source * scale, 4), authors[0], ""))
        elif corpus.feeds[i] and corpus.feeds[i] == corpus.feeds[j]:
            reasons.append(("same_feed", round(w.source * scale, 4), corpus.feeds[i], ""))
    return reasons
