"""Counting the machine ints the articles' graph parts carry, a few million at
a time with numpy: each concept's article count (:class:`CodeCounts`) and each
pair of concepts' (:class:`PairCounts`), for the graph builder.

>>> counts = CodeCounts(4)
>>> counts.add(np.array([1, 3, 3], dtype=CodeCounts.DTYPE).tobytes())
>>> counts.array().tolist()
[0, 1, 0, 2]
"""

from __future__ import annotations

import numpy as np

from kgraph.graph.parts import CODE_TYPECODE, PAIR_TYPECODE

__all__ = ["CodeCounts", "PairCounts"]


class _HeldInts:
    """Machine ints (bytes of ``DTYPE``) held as they come and counted by
    numpy a few million at a time (``_fold``, in the subclasses)."""

    #: bytes held before they are folded into the counts
    FOLD_BYTES = 16 << 20
    DTYPE = np.dtype(CODE_TYPECODE)  # the array typecode the parts are written with

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._held = 0

    def add(self, data: bytes) -> None:
        """Count the ints of one article (or any number of articles)."""
        self._chunks.append(data)
        self._held += len(data)
        if self._held >= self.FOLD_BYTES:
            self._fold()

    def _take(self) -> np.ndarray | None:
        """The ints held (None if none), no longer held."""
        if not self._chunks:
            return None
        held = np.frombuffer(b"".join(self._chunks), self.DTYPE)
        self._chunks, self._held = [], 0
        return held

    def _fold(self) -> None:
        raise NotImplementedError


class CodeCounts(_HeldInts):
    """How many times each catalogue code (``0 <= code < size``) was added,
    from int32 bytes (``ArticlePart.codes``, ``ArticlePart.top``).

    >>> from array import array
    >>> c = CodeCounts(4)
    >>> c.add(array("i", [1, 3, 1]).tobytes()); c.add(array("i", [3]).tobytes())
    >>> c.array().tolist()
    [0, 2, 0, 2]
    """

    def __init__(self, size: int) -> None:
        super().__init__()
        self._counts = np.zeros(size, np.int64)

    def _fold(self) -> None:
        codes = self._take()
        if codes is not None:
            self._counts += np.bincount(codes, minlength=len(self._counts))

    def array(self) -> np.ndarray:
        """The count of each code."""
        self._fold()
        return self._counts


class PairCounts(_HeldInts):
    """How many articles each concept pair is in: pair ints (``ArticlePart.pairs``,
    int64 bytes) counted into sorted arrays of distinct pairs and their counts
    (16 bytes a pair, where a ``Counter`` entry takes some 100).

    >>> from array import array
    >>> c = PairCounts()
    >>> c.add(array("q", [7, 3]).tobytes()); c.add(array("q", [3]).tobytes())
    >>> [a.tolist() for a in c.arrays()]
    [[3, 7], [2, 1]]
    """

    FOLD_BYTES = 32 << 20
    DTYPE = np.dtype(PAIR_TYPECODE)

    def __init__(self) -> None:
        super().__init__()
        self._keys = np.zeros(0, np.int64)
        self._counts = np.zeros(0, np.int64)

    def _fold(self) -> None:
        pairs = self._take()
        if pairs is None:
            return
        keys, counts = np.unique(pairs, return_counts=True)
        if len(self._keys):
            keys = np.concatenate((self._keys, keys))
            counts = np.concatenate((self._counts, counts))
            order = np.argsort(keys, kind="stable")
            keys, counts = keys[order], counts[order]
            starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
            keys, counts = keys[starts], np.add.reduceat(counts, starts)
        self._keys, self._counts = keys, counts.astype(np.int64, copy=False)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct pairs, ascending, and how many times each was added."""
        self._fold()
        return self._keys, self._counts
