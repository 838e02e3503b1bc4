"""Plain, typed records passed from one pipeline stage to the next, and between
the build process and its workers: the data contract (docs/schema.md).

Data flows one way::

    Source, Limits -> ParsedFeed (Feed, Article) -> ArticleText -> Mention -> ArticlePart -> graph

- :class:`Source` and :class:`Limits`: what to read and the bounds on reading it (ingest);
- :class:`ParsedFeed`: what one feed yielded, a :class:`Feed` and its :class:`Article` s (ingest);
- :class:`ArticleText` of :class:`Block` s: an article's clean text (ingest);
- :class:`Mention`: one concept an article discusses (extract);
- :class:`ArticlePart`: what the graph takes from one article (graph), made
  where the article is analysed and kept in the build cache.

Between the build process and its workers (``--jobs``, Dask) one feed goes as
a :class:`FeedTask` and comes back as a :class:`FeedDone` or :class:`FeedFailed`
(:mod:`kgraph.pipeline.task`).

Records are frozen dataclasses (:class:`ArticlePart` a NamedTuple), so stages
cannot mutate what an earlier stage produced and records can be hashed, cached
and sent to worker processes; :class:`ParsedFeed`, which stays in the process
that parsed the feed, is a plain dataclass.

>>> Article(id="https://e.org/a", url="https://e.org/a", title="Hi", feed="f").title
'Hi'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = [
    "SUMMARY_MAX",
    "Article",
    "ArticlePart",
    "ArticleText",
    "Block",
    "Feed",
    "FeedDone",
    "FeedFailed",
    "FeedTask",
    "Limits",
    "Mention",
    "ParsedFeed",
    "Source",
]


#: Longest article summary in the graph (docs/schema.md), in characters.
SUMMARY_MAX = 300


@dataclass(frozen=True, order=True)
class Source:
    """One place to read feeds from.

    ``kind`` is ``"file"``, ``"url"`` or ``"opml"`` (folders are expanded into
    files). ``location`` is the path or URL as the user gave it (paths resolved).
    ``name`` identifies the feed in the graph wherever it lives: a URL is its
    own name, a file is named by its path relative to the folder passed (or
    by its file name when passed itself); ``""`` means ``location``.
    """

    kind: str
    location: str
    name: str = ""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one build reads. Raise them with CLI options if needed."""

    #: Largest feed file, OPML list or HTTP response body read (bytes).
    max_feed_bytes: int = 30 * 1024 * 1024
    #: Most items read from one feed; the rest are dropped with a warning.
    max_items_per_feed: int = 5_000
    #: Longest article body (HTML characters) kept; longer ones are cut.
    max_article_chars: int = 1_000_000
    #: Seconds one URL fetch may take in all (connect, redirects, body).
    timeout: float = 20.0
    #: Most redirects followed for one URL.
    max_redirects: int = 5


@dataclass(frozen=True)
class Feed:
    """A feed as a whole: its id (URL or path), title and home page URL."""

    id: str
    title: str = ""
    url: str = ""


@dataclass(frozen=True)
class Article:
    """One feed item.

    ``id`` is the guid when the feed gives one, else the link. ``published`` is
    ISO 8601 in UTC (``2024-08-05T03:00:00Z``) or ``""`` when the feed gives no
    readable date: a date is never invented. ``html`` is the richest body the
    item carries (``content:encoded`` / Atom content before description/summary).
    """

    id: str
    url: str = ""
    title: str = ""
    authors: tuple[str, ...] = ()
    published: str = ""
    feed: str = ""
    tags: tuple[str, ...] = ()
    html: str = ""


@dataclass
class ParsedFeed:
    """What one feed yielded: the feed, its articles and warnings about it."""

    feed: Feed
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:  # allows ``feed, articles, warnings = parse_feed(...)``
        return iter((self.feed, self.articles, self.warnings))


@dataclass(frozen=True)
class Block:
    """A run of text in an article: ``kind`` is one of ``title``, ``heading``,
    ``paragraph``, ``item`` (list item), ``quote``, ``table`` or ``code``."""

    kind: str
    text: str


@dataclass(frozen=True)
class ArticleText:
    """Clean text of an article, split into blocks, with inline code and links.

    ``code`` holds inline ``<code>`` spans (code *blocks* are blocks of kind
    ``code``). ``links`` are absolute http(s) URLs the article links to.
    """

    article_id: str
    blocks: tuple[Block, ...] = ()
    code: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    word_count: int = 0
    #: the article's most frequent content words with their counts
    #: (:func:`kgraph.ingest.words.distinctive_terms`), set by ``light_text``
    terms: tuple[tuple[str, int], ...] = ()

    @property
    def plain(self) -> str:
        """All prose blocks joined by blank lines (code blocks left out)."""
        return "\n\n".join(b.text for b in self.blocks if b.kind != "code")


@dataclass(frozen=True, order=True)
class Mention:
    """One concept an article discusses.

    ``weight`` is the salience in 0..1 (title, headings, frequency, position);
    ``evidence`` is one sentence of the article that shows the concept (at most
    300 characters) and ``alias`` the surface form matched in it.
    """

    concept: str
    count: int = 1
    weight: float = 0.0
    evidence: str = ""
    alias: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)


class ArticlePart(NamedTuple):
    """What the graph takes from one article, worked out from the article, its
    text and mentions alone (:func:`kgraph.graph.parts.article_part`), so it can
    be computed where the article is analysed and kept in the build cache;
    :meth:`kgraph.graph.builder.GraphBuilder.add_part` adds it. Every field is a
    string, number or tuple of them (``tuple(part)`` goes through ``marshal``).
    The constants named below are in :mod:`kgraph.graph.parts`."""

    node: str
    #: article node attributes, named by :data:`~kgraph.graph.parts.ARTICLE_ATTRS`
    attrs: tuple[str | int, ...]
    #: :func:`~kgraph.graph.parts.normalise_url` of the URL and its path when
    #: specific enough to identify a post on any host ("" if none)
    url_key: str
    url_path: str
    feed_node: str
    #: (slug, name) of each author
    authors: tuple[tuple[str, str], ...]
    #: the concept id of each mention, sorted
    concepts: tuple[str, ...]
    #: their catalogue codes (:meth:`~kgraph.catalogue.concepts.Catalogue.codes`), int32 bytes
    #: (:data:`~kgraph.graph.parts.CODE_TYPECODE`)
    codes: bytes
    #: each mention's edge values (kind, count, weight, evidence, alias), in ``concepts`` order
    mentions: tuple[tuple[str, int, float, str, str], ...]
    #: (slug, tag as written, concept id or "") of each tag
    tags: tuple[tuple[str, str, str], ...]
    #: codes of the most salient concepts (co-occurrence), in id order, int32 bytes
    top: bytes
    #: (normalised URL, link path) of each link
    links: tuple[tuple[str, str], ...]
    #: every pair a < b of ``top``, as ``code(a) << PAIR_SHIFT | code(b)``
    #: (:meth:`~kgraph.catalogue.concepts.Catalogue.codes`), the ints' machine bytes
    #: (``array(PAIR_TYPECODE, ...)``, :data:`~kgraph.graph.parts.PAIR_TYPECODE`)
    pairs: bytes
    #: the article's discovered terms (:mod:`kgraph.extract.terms`), sorted by id, as
    #: (id, count, weight, evidence, alias, how found); the builder decides
    #: which the graph shows
    terms: tuple[tuple[str, int, float, str, str, str], ...] = ()


# -- records passed between the build process and the workers -----------------------------


@dataclass(frozen=True)
class FeedTask:
    """One feed to parse and analyse: its bytes, where they came from, the
    read limits, and the build cache (its ``generation``, which keys the
    analyses, and the file workers may read them from; both ``""``: no cache)."""

    data: bytes
    where: str
    limits: Limits
    base_url: str = ""
    generation: str = ""
    cache_path: str = ""
    name: str = ""  # the feed's location-independent name (Source.name)


@dataclass(frozen=True)
class FeedDone:
    """A parsed and analysed feed. ``ids`` are its articles' (id, URL), all the
    build needs of the records to drop articles an earlier feed had; ``keys``
    are their cache keys (``""`` without a cache); ``analyses`` are
    the analyses the cache is to store, packed (:func:`kgraph.pipeline.cache.pack_analysis`),
    in the same order (``b""`` for one the cache already holds, and for all
    without a cache), or None for a feed the cache had parsed before; ``parts``
    are what the graph takes from each article (:func:`kgraph.graph.parts.article_part`);
    ``notes`` each article's warning (``""`` if none). ``seconds`` is the time
    the task spent parsing, cleaning and extracting. With a cache, ``contents``
    are the articles' content keys, ``sketches`` the sketches to store with
    the analyses (:func:`kgraph.pipeline.carryover.text_sketch`) and ``carried``
    tells which analyses were carried over from another catalogue version.
    Only bytes, strings, numbers and tuples cross from a worker: no record
    is unpickled one by one."""

    feed: Feed
    ids: list[tuple[str, str]]
    keys: list[str]
    analyses: list[bytes] | None
    warnings: list[str]
    seconds: tuple[float, float, float] = (0.0, 0.0, 0.0)
    parts: list[ArticlePart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    contents: list[str] = field(default_factory=list)
    sketches: list[bytes] = field(default_factory=list)
    carried: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class FeedFailed:
    """A feed that could not be parsed (a :class:`~kgraph.errors.FeedError`,
    whose two-argument constructor does not survive pickling)."""

    where: str
    what: str
