"""An article's distinctive words: the most frequent content words of its
title (counted twice) and prose, as (word, count) pairs. Worked out from the
article alone, so it can be cached with the article's analysis; the corpus
weighting (IDF) is applied when the graph is built.

>>> from kgraph.records import ArticleText, Block
>>> t = ArticleText("a", (Block("title", "S3 buckets"), Block("paragraph", "A bucket holds objects; buckets are regional.")))
>>> distinctive_terms(t)
(('buckets', 3), ('bucket', 1), ('holds', 1), ('objects', 1), ('regional', 1))
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from kgraph.records import ArticleText

__all__ = ["TERMS_MAX", "distinctive_terms", "format_terms", "parse_many_terms", "parse_terms"]

#: Words kept per article (the most frequent; ties by the word).
TERMS_MAX = 64

#: Prose read per article, in characters (its subject is stated early).
PROSE_MAX = 3000

_WORD = re.compile(r"[a-z][a-z0-9+#]{2,}")
#: one ``word:count`` item of :func:`format_terms` (the word: up to the last colon)
_TERM = re.compile(r"(?<!\S)(\S+):([0-9]+)(?!\S)")

# English stop words: scikit-learn's ENGLISH_STOP_WORDS (BSD-3-Clause,
# (c) 2007-2024 The scikit-learn developers), from the Glasgow Information
# Retrieval Group's list; then words of how-to prose that name no subject.
STOP_WORDS = frozenset(
    """a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything anyway
    anywhere are around as at back be became because become becomes becoming been before beforehand
    behind being below beside besides between beyond bill both bottom but by call can cannot cant co
    con could couldnt cry de describe detail do done down due during each eg eight either eleven else
    elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen fifty
    fill find fire first five for former formerly forty found four from front full further get give go
    had has hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his
    how however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly
    least less ltd made many may me meanwhile might mill mine more moreover most mostly move much must
    my myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she should
    show side since sincere six sixty so some somehow someone something sometime sometimes somewhere
    still such system take ten than that the their them themselves then thence there thereafter thereby
    therefore therein thereupon these they thick thin third this those though three through throughout
    thru thus to together too top toward towards twelve twenty two un under until up upon us very via
    was we well were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves
    available click example following just let like make makes making need needs note
    use used uses using want way""".split()  # noqa: SIM905 (a word list reads best as text)
)


def distinctive_terms(text: ArticleText, limit: int = TERMS_MAX) -> tuple[tuple[str, int], ...]:
    """The ``limit`` most frequent content words of ``text`` (title twice, the
    first :data:`PROSE_MAX` characters of prose once, code left out), most
    frequent first. A word is a run of letters, digits, ``+`` and ``#`` that
    starts with a letter and has three characters or more."""
    title = " ".join(b.text for b in text.blocks if b.kind == "title")
    prose, size = [], 0
    for b in text.blocks:
        if b.kind not in ("title", "code") and size < PROSE_MAX:
            prose.append(b.text)
            size += len(b.text) + 1
    counts = Counter(_WORD.findall(f"{title} {title} {' '.join(prose)[:PROSE_MAX]}".lower()))
    kept = [(w, n) for w, n in counts.items() if w not in STOP_WORDS]
    kept.sort(key=lambda wc: (-wc[1], wc[0]))
    return tuple(kept[:limit])


def format_terms(terms: tuple[tuple[str, int], ...]) -> str:
    """Terms as a graph attribute: ``"word:count word:count"``.

    >>> format_terms((("bucket", 3), ("s3", 1)))
    'bucket:3 s3:1'
    """
    return " ".join(f"{w}:{n}" for w, n in terms)


def parse_terms(value: object) -> tuple[tuple[str, int], ...]:
    """The terms of a graph attribute written by :func:`format_terms`.

    >>> parse_terms("bucket:3 s3:1")
    (('bucket', 3), ('s3', 1))
    """
    return tuple((word, int(n)) for word, n in _TERM.findall(str(value or "")))


def parse_many_terms(values: Iterable[object]) -> list[tuple[tuple[str, int], ...]]:
    """:func:`parse_terms` of each value, each distinct ``word:count`` item
    read once (the same words and counts recur from article to article).

    >>> parse_many_terms(["bucket:3 s3:1", "bucket:3 x:y"])
    [(('bucket', 3), ('s3', 1)), (('bucket', 3),)]
    """
    seen: dict[str, tuple[str, int] | None] = {}
    out = []
    for value in values:
        terms = []
        for item in str(value or "").split():
            if item in seen:
                term = seen[item]
            else:  # what _TERM matches: the word up to the last colon, then ASCII digits
                word, _, count = item.rpartition(":")
                ok = word and count.isascii() and count.isdigit()
                term = seen[item] = (word, int(count)) if ok else None
            if term is not None:
                terms.append(term)
        out.append(tuple(terms))
    return out
