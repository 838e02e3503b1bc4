"""How the build cache encodes what it stores: lists, tuples, strings and
numbers in ``marshal`` form, deflated or checksummed; an article's analysis
as one such row, a parsed feed as columns.

>>> from kgraph.records import ArticleText, Block, Mention
>>> text = ArticleText("a", (Block("p", "Helm"),), (), (), 1)
>>> unpack_analysis(pack_analysis(text, [Mention("helm", 1, 1.0)]))[0] == text
True
"""

from __future__ import annotations

import marshal
import sqlite3
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kgraph.records import ArticlePart, ArticleText, Block, Feed, Mention

__all__ = [
    "MARSHAL",
    "READ_ERRORS",
    "HttpEntry",
    "analysis_from_row",
    "pack",
    "pack_analysis",
    "pack_feed",
    "unpack",
    "unpack_analysis",
    "unpack_feed",
]

#: every re-run loads (inflating them was an eighth of a re-run's time).
MARSHAL = f"py{sys.version_info[0]}.{sys.version_info[1]}-m{marshal.version}"
#: What reading a stored row can raise: SQLite, a damaged blob (zlib), bad
#: marshal data (ValueError, EOFError, TypeError) or a row of the wrong shape.
READ_ERRORS = (sqlite3.Error, zlib.error, ValueError, TypeError, EOFError)


#: First byte of an uncompressed blob (a zlib stream starts with 0x78).
_RAW = b"R"


def pack(obj: Any, *, compress: bool = True) -> bytes:
    """``obj`` marshalled, and deflated or checksummed.

    >>> [unpack(pack([1, "a"], compress=c)) for c in (True, False)]
    [[1, 'a'], [1, 'a']]
    >>> unpack(pack([1, "a"], compress=False)[:-1] + b"b")
    Traceback (most recent call last):
    ...
    ValueError: checksum mismatch
    """
    data = marshal.dumps(obj)
    if compress:
        return zlib.compress(data, 1)
    return _RAW + zlib.adler32(data).to_bytes(4, "little") + data


def unpack(blob: bytes) -> Any:
    if blob[:1] != _RAW:
        return marshal.loads(zlib.decompress(blob))
    data = memoryview(blob)[5:]
    if zlib.adler32(data).to_bytes(4, "little") != blob[1:5]:
        raise ValueError("checksum mismatch")
    return marshal.loads(data)


def pack_analysis(text: ArticleText, mentions: Sequence[Mention]) -> bytes:
    """An article's analysis as the cache stores it (:meth:`BuildCache.put_packed`):
    packed where it is made, so a worker sends bytes, not records, to the build."""
    return pack(analysis_row(text, mentions))


def analysis_row(text: ArticleText, mentions: Sequence[Mention]) -> list[Any]:
    return [
        text.article_id,
        [[b.kind, b.text] for b in text.blocks],
        list(text.code),
        list(text.links),
        text.word_count,
        [[m.concept, m.count, m.weight, m.evidence, m.alias, m.extra] for m in mentions],
        [list(t) for t in text.terms],
    ]


def unpack_analysis(blob: bytes) -> tuple[ArticleText, list[Mention]]:
    """An analysis packed by :func:`pack_analysis` (a damaged one raises one of
    ``zlib.error``, ``ValueError``, ``TypeError``, ``EOFError``)."""
    return analysis_from_row(unpack(blob))


def analysis_from_row(obj: list[Any]) -> tuple[ArticleText, list[Mention]]:
    aid, blocks, code, links, words, mentions, terms = obj
    blocks = tuple(Block(k, t) for k, t in blocks)
    text = ArticleText(aid, blocks, tuple(code), tuple(links), words, tuple(map(tuple, terms)))
    return text, [
        Mention(c, n, w, e, a, tuple(tuple(x) for x in extra)) for c, n, w, e, a, extra in mentions
    ]


def pack_feed(
    feed: Feed,
    ids: Sequence[tuple[str, str]],
    keys: Sequence[str],
    parts: Sequence[ArticlePart],
    warnings: Sequence[str],
) -> bytes:
    """A parsed feed as the cache stores it: the feed, its articles' (id, URL),
    analysis keys and graph parts as columns, and its warnings; uncompressed
    (every re-run loads it)."""
    row = [
        [feed.id, feed.title, feed.url],
        [tuple(i) for i in ids],
        list(keys),
        [tuple(p) for p in parts],
        list(warnings),
    ]
    return pack(row, compress=False)


def unpack_feed(
    blob: bytes,
) -> tuple[Feed, list[tuple[str, str]], list[str], list[ArticlePart], list[str]]:
    """A feed packed by :func:`pack_feed`: ``(feed, ids, keys, parts, warnings)``
    (a damaged one raises one of :data:`READ_ERRORS`)."""
    feed, ids, keys, parts, warnings = unpack(blob)
    if not len(ids) == len(keys) == len(parts):
        raise ValueError("columns of different lengths")
    return Feed(*feed), list(ids), list(keys), list(map(ArticlePart._make, parts)), list(warnings)


@dataclass(frozen=True)
class HttpEntry:
    """A stored HTTP response: validators for the next conditional GET and the body."""

    etag: str
    last_modified: str
    final_url: str
    body: bytes
