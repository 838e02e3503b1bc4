"""Errors raised by kgraph.

Every message names the file, feed or value at fault, what is wrong, and what
to try. In a batch (many feeds), errors are logged and the work goes on; the
build reports them at the end and exits 1.

>>> str(FeedError("feeds/blog.xml", "not an RSS or Atom feed (root element <html>)"))
'feeds/blog.xml: not an RSS or Atom feed (root element <html>)'
"""

from __future__ import annotations

import re

__all__ = ["CatalogueError", "FeedError", "GraphError", "KgraphError", "QueryError", "one_line"]

# C0/C1 controls, line/paragraph separators, lone surrogates and non-characters:
# none of them may reach a one-line message (they could forge lines or
# terminal escapes when the CLI prints text taken from a feed).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]+")
MESSAGE_MAX = 400


def one_line(text: object, limit: int = MESSAGE_MAX) -> str:
    """Make ``text`` safe to print as one line of a message.

    Control characters (newlines, escapes), lone surrogates and runs of spaces
    become one space, and the result is cut to ``limit`` characters.

    >>> one_line("feed.xml: bad\\n\\x1b[31mthing   here")
    'feed.xml: bad [31mthing here'
    >>> len(one_line("x" * 1000, limit=20))
    20
    """
    out = " ".join(_UNPRINTABLE.sub(" ", str(text)).split())
    return out if len(out) <= limit else out[: limit - 1] + "…"


class KgraphError(Exception):
    """Base class of every error kgraph raises on purpose."""


class FeedError(KgraphError):
    """A source (file, URL, OPML list) could not be read or parsed as a feed."""

    def __init__(self, where: str, what: str) -> None:
        self.where = one_line(where, 200)
        self.what = one_line(what)
        super().__init__(f"{self.where}: {self.what}")


class CatalogueError(KgraphError):
    """The concept catalogue in ``models/`` is invalid; lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = f"concept catalogue has {len(problems)} problem(s):"
        super().__init__("\n".join([head, *(f"  - {p}" for p in problems)]))


class GraphError(KgraphError):
    """A graph file could not be read or written."""


class QueryError(KgraphError):
    """A query named an article or concept that is unknown or ambiguous."""
