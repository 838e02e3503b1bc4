"""Array helpers of the related-articles stage: runs of consecutive values
(one article's, or one pair's) summed, ordered or cut to their best, all at
once, each run's figures the same as if it were worked out alone.

>>> added_runs(np.array([1.0, 2.0, 3.0]), np.array([2, 1]))
array([3., 3.])
>>> ordered_runs(np.array([2.0, 1.0, 5.0]), np.array([2, 1]))
array([1, 0, 2])
"""

from __future__ import annotations

import numpy as np

__all__ = ["added_runs", "best_in_table", "best_per_row", "ordered_runs", "pointers"]


def pointers(counts: np.ndarray) -> np.ndarray:
    """Where each run of ``counts`` starts, and the end of the last: the row
    pointers of a flat sparse matrix (``pointers(c)[:-1]`` are the starts).

    >>> pointers(np.array([2, 0, 3])).tolist()
    [0, 2, 2, 5]
    """
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def added_runs(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The sum of each run of ``counts`` consecutive ``values``, added left to
    right from 0 as ``sum()`` adds a list (on Python 3.11), for all the runs at
    once: the same floats one run at a time would give, which
    ``np.add.reduceat`` (pairwise) does not promise."""
    out = np.zeros(len(counts))
    starts = pointers(counts)[:-1]
    for k in range(int(counts.max(initial=0))):
        rows = np.flatnonzero(counts > k)
        out[rows] += values[starts[rows] + k]
    return out


def ordered_runs(key: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The order that sorts each run of ``counts`` consecutive values of
    ``key`` (ties: in their order): one stable sort of a row per run (runs
    are short), not a sort of them all."""
    starts = pointers(counts)[:-1]
    width = int(counts.max(initial=0))
    pad = np.full((len(counts), width), np.inf)
    at = np.arange(len(key)) - np.repeat(starts, counts)
    pad[np.repeat(np.arange(len(counts)), counts), at] = key
    order = np.argsort(pad, axis=1, kind="stable") + starts[:, None]
    return order[np.arange(width)[None, :] < counts[:, None]]


def best_per_row(
    r: np.ndarray, j: np.ndarray, score: np.ndarray, rows: int, n: int, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``m`` best pairs of each row ``0..rows-1`` (row ``r``, column ``j``),
    by row, then score (to 9 decimals) best first, then column: each row's
    keys ``(2**30 - 1 - score * 1e9) << 24 | column`` (unique in the row), the
    ``m`` smallest picked row by row (a partition, not a sort of every pair)."""
    down = (1 << 30) - 1 - np.rint(score * 1e9).astype(np.int64)
    if n >= 1 << 24:
        order = np.lexsort((j, down, r))
        r, j, score = r[order], j[order], score[order]
        bounds = np.searchsorted(r, np.arange(rows + 1))
        head = np.arange(len(r)) - bounds[r] < m
        return r[head], j[head], score[head]
    if len(r) > 1 and bool(np.any(r[1:] < r[:-1])):  # each row's pairs together
        order = np.argsort(r, kind="stable")
        r, j, score, down = r[order], j[order], score[order], down[order]
    key = (down << 24) | j
    counts = np.bincount(r, minlength=rows)
    starts = pointers(counts)[:-1]
    at = np.arange(len(r)) - starts[r]  # place in its row
    empty = np.iinfo(np.int64).max
    picked = []
    step = max(1, (1 << 22) // max(1, int(counts.max(initial=0))))  # rows at a time
    for a in range(0, rows, step):
        b = min(rows, a + step)
        lo, hi = int(starts[a]), int(starts[b - 1] + counts[b - 1])
        width = int(counts[a:b].max(initial=0))
        if width == 0:
            continue
        pad = np.full((b - a, width), empty, dtype=np.int64)
        pad[r[lo:hi] - a, at[lo:hi]] = key[lo:hi]
        if width > m:
            place = np.argpartition(pad, m - 1, axis=1)[:, :m]
            place = np.take_along_axis(place, np.argsort(np.take_along_axis(pad, place, 1), 1), 1)
        else:
            place = np.argsort(pad, axis=1)
        real = np.take_along_axis(pad, place, 1) != empty
        picked.append((starts[a:b, None] + place)[real])
    take = np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)
    return r[take], j[take], score[take]


def best_in_table(score: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`best_per_row` of a dense table of scores (rows, by column; its
    pairs: the scores above 1e-9): the same pairs, in the same order, picked
    among those within a rounding (2e-9) of each row's ``m``-th best score.

    >>> best_in_table(np.array([[0.0, 0.5, 0.7], [0.2, 0.0, 0.2]]), 1)
    (array([0, 1]), array([2, 0]), array([0.7, 0.2]))
    """
    rows, n = score.shape
    near = score > 1e-9
    if n > m:
        near &= score >= np.partition(score, n - m, axis=1)[:, n - m, None] - 2e-9
    r, j = np.nonzero(near)
    return best_per_row(r, j, score[r, j], rows, n, m)
