"""Stage 5a: what the graph takes from one article (:class:`~kgraph.records.ArticlePart`),
worked out from the article, its text and mentions alone.

A part is computed where the article is analysed (a worker process, a Dask
worker, or the build process) and kept in the build cache with its feed, so
an unchanged feed goes into the graph without being parsed or analysed
again; :class:`kgraph.graph.builder.GraphBuilder` adds parts to the graph. This
module does not import networkx (workers start faster without it).

>>> from kgraph.catalogue.load import load_catalogue
>>> from kgraph.records import Article, Mention
>>> p = article_part(Article("a1", "https://e.org/a1", "T", ("Ann",), tags=("golang",)), None,
...                  [Mention("go", 2, 0.9, "Go is fun.", "Go")], load_catalogue())
>>> p.node, p.authors, p.tags, p.concepts, p.mentions[0][:3]
('article:https://e.org/a1', (('ann', 'Ann'),), (('golang', 'golang', 'go'),), ('go',), ('mentions', 2, 0.9))
"""

from __future__ import annotations

import functools
import operator
from array import array
from collections.abc import Sequence
from sys import intern
from urllib.parse import urlsplit, urlunsplit

from kgraph.catalogue.concepts import Catalogue, slugify
from kgraph.extract.terms import is_term
from kgraph.ingest.words import distinctive_terms, format_terms
from kgraph.records import SUMMARY_MAX, Article, ArticlePart, ArticleText, Mention

__all__ = [
    "ARTICLE_ATTRS",
    "CODE_TYPECODE",
    "CO_OCCUR_TOP",
    "PAIR_SHIFT",
    "PAIR_TYPECODE",
    "article_node",
    "article_part",
    "normalise_url",
    "recode",
]

#: Only an article's most salient concepts take part in co-occurrence edges.
CO_OCCUR_TOP = 12

#: A pair of concept codes a < b is one int: a << PAIR_SHIFT | b.
PAIR_SHIFT = 32

#: ``ArticlePart.pairs`` holds the pair ints as machine int64s (``array`` typecode):
#: one bytes object per article, loaded from the cache in one copy and counted
#: by numpy in the graph stage, not 66 int objects counted one by one.
PAIR_TYPECODE = "q"

#: ``ArticlePart.codes`` and ``ArticlePart.top`` hold catalogue codes as int32s
#: (``array`` typecode), counted by numpy (``np.bincount``) in the graph stage.
CODE_TYPECODE = "i"

#: Names of an article node's attributes besides ``kind``, in ``ArticlePart.attrs`` order.
ARTICLE_ATTRS = ("label", "url", "title", "published", "feed", "word_count", "summary", "terms")

_BY_CONCEPT = operator.attrgetter("concept")


def article_node(article: Article) -> str:
    """Node id of an article: ``article:<url>``, or ``article:<guid>`` without URL."""
    return f"article:{article.url or article.id}"


def normalise_url(url: str) -> str:
    """URL form used to match links to articles: no fragment, no trailing slash,
    lowercase scheme and host.

    >>> normalise_url("HTTPS://Example.org/a/#top")
    'https://example.org/a'
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _link_path(url: str) -> str:
    """A URL's path when it is specific enough to identify a post on any host.

    >>> _link_path("https://a.dev/how-to-create-an-s3-bucket/"), _link_path("https://a.dev/about")
    ('/how-to-create-an-s3-bucket', '')
    """
    try:
        path = urlsplit(url).path.rstrip("/")
    except ValueError:
        return ""
    return path if len(path) >= 20 and path.count("-") >= 3 else ""


def article_part(
    art: Article, text: ArticleText | None, mentions: Sequence[Mention], catalogue: Catalogue
) -> ArticlePart:
    """The graph's part of one article (see :class:`ArticlePart` and the module doc).

    Concept ids and aliases are interned: a part read back from the cache
    then shares them with every other part instead of holding copies.
    """
    evidence: dict[str, str] = {}  # one object per sentence shown for several concepts
    terms = tuple(
        (
            intern(m.concept),
            int(m.count),
            _weight(float(m.weight)),
            m.evidence,
            m.alias,
            m.extra[0][1],
        )
        for m in sorted((m for m in mentions if is_term(m)), key=_BY_CONCEPT)
    )
    if terms:
        mentions = [m for m in mentions if not is_term(m)]
    ordered = sorted(mentions, key=_BY_CONCEPT)
    rows = tuple(
        (
            "mentions",
            int(m.count),
            _weight(float(m.weight)),
            evidence.setdefault(m.evidence, m.evidence),
            intern(m.alias),
        )
        for m in ordered
    )
    links = text.links if text is not None else ()
    ids = tuple(intern(m.concept) for m in ordered)
    codes, top, pairs = _coded(ids, rows, catalogue)
    return ArticlePart(
        article_node(art),
        (
            art.title or art.url or art.id,
            art.url,
            art.title,
            art.published,
            art.feed,
            int(text.word_count if text else 0),
            _summary(text),
            format_terms((text.terms or distinctive_terms(text)) if text else ()),
        ),
        normalise_url(art.url) if art.url else "",
        _link_path(art.url) if art.url else "",
        f"feed:{art.feed}" if art.feed else "",
        tuple((_slug(name), name) for name in art.authors),
        ids,
        codes,
        rows,
        tuple((slug, tag, catalogue.resolve(tag)) for tag in art.tags for slug in (_slug(tag),)),
        top,
        tuple(dict.fromkeys((normalise_url(link), _link_path(link)) for link in links)),
        pairs,
        terms,
    )


def _coded(
    ids: tuple[str, ...], rows: tuple[tuple[str, int, float, str, str], ...], catalogue: Catalogue
) -> tuple[bytes, bytes, bytes]:
    """``codes``, ``top`` and ``pairs`` of a part whose mentions are ``ids``
    (sorted) with their ``rows``: what depends on the catalogue's numbering."""
    codes = catalogue.codes()
    # the most salient concepts: by weight, then id
    top = sorted(zip(ids, rows, strict=True), key=lambda m: (-m[1][2], m[0]))[:CO_OCCUR_TOP]
    top_codes = [codes[c] for c in sorted({cid for cid, _ in top})]
    return (
        array(CODE_TYPECODE, [codes[c] for c in ids]).tobytes(),
        array(CODE_TYPECODE, top_codes).tobytes(),
        array(
            PAIR_TYPECODE,
            [a << PAIR_SHIFT | b for i, a in enumerate(top_codes) for b in top_codes[i + 1 :]],
        ).tobytes(),
    )


def recode(part: ArticlePart, catalogue: Catalogue) -> ArticlePart:
    """``part`` for another version of the catalogue under which its article's
    mentions are the same (:mod:`kgraph.pipeline.carryover`): concept codes and the
    tags' concepts worked out again.

    >>> from kgraph.catalogue.load import load_catalogue
    >>> from kgraph.records import Article, Mention
    >>> cat = load_catalogue()
    >>> p = article_part(Article("a1", tags=("golang",)), None, [Mention("go", 2, 0.9, "Go.", "Go")], cat)
    >>> recode(p, cat) == p
    True
    """
    codes, top, pairs = _coded(part.concepts, part.mentions, catalogue)
    tags = tuple((slug, tag, catalogue.resolve(tag)) for slug, tag, _old in part.tags)
    return part._replace(codes=codes, tags=tags, top=top, pairs=pairs)


#: Author names and tags recur across articles: slugify each once.
_slug = functools.lru_cache(maxsize=1 << 16)(slugify)

#: Salience weights have three decimals: one float object for each value, which
#: the parts of a feed share in the cache and in the graph (``marshal`` and
#: ``pickle`` write an object met twice once).
_WEIGHTS: dict[float, float] = {}


def _weight(weight: float) -> float:
    return _WEIGHTS.setdefault(weight, weight) if len(_WEIGHTS) < 1 << 14 else weight


def _summary(text: ArticleText | None) -> str:
    if text is None:
        return ""
    plain = " ".join(b.text for b in text.blocks if b.kind not in ("title", "code"))
    if len(plain) <= SUMMARY_MAX:
        return plain
    cut = plain[: SUMMARY_MAX - 1]
    cut = cut[: cut.rfind(" ")] if " " in cut[SUMMARY_MAX // 2 :] else cut
    return cut + "…"
