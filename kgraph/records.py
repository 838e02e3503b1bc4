"""Plain, typed records passed from one pipeline stage to the next.

Data flows one way::

    sources.Source -> feeds.Article -> text.ArticleText -> extract.Mention -> graph

Every record is a frozen dataclass, so stages cannot mutate what an earlier
stage produced and records can be hashed, cached and sent to worker processes.

>>> Article(id="https://e.org/a", url="https://e.org/a", title="Hi", feed="f").title
'Hi'
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "SUMMARY_MAX",
    "Article",
    "ArticleText",
    "Block",
    "Feed",
    "Mention",
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
