"""Errors raised by kgraph.

Every message names the file, feed or value at fault, what is wrong, and what
to try. In a batch (many feeds), errors are logged and the work goes on; the
build reports them at the end and exits 1.

>>> str(FeedError("feeds/blog.xml", "not an RSS or Atom feed (root element <html>)"))
'feeds/blog.xml: not an RSS or Atom feed (root element <html>)'
"""

from __future__ import annotations

__all__ = ["CatalogueError", "FeedError", "GraphError", "KgraphError", "QueryError"]


class KgraphError(Exception):
    """Base class of every error kgraph raises on purpose."""


class FeedError(KgraphError):
    """A source (file, URL, OPML list) could not be read or parsed as a feed."""

    def __init__(self, where: str, what: str) -> None:
        self.where = where
        self.what = what
        super().__init__(f"{where}: {what}")


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
