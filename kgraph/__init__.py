"""kgraph: a knowledge graph of tech concepts from tech-blog feeds.

>>> import kgraph
>>> kg = kgraph.build()            # the two bundled sample feeds
>>> kg.summary()["authors"]
2
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import TYPE_CHECKING, Any

from kgraph.catalogue.concepts import Catalogue, Concept
from kgraph.catalogue.load import load_catalogue
from kgraph.errors import CatalogueError, FeedError, GraphError, KgraphError, QueryError
from kgraph.extract.extractor import extract, make_nlp
from kgraph.records import Article, ArticleText, Block, Feed, Mention, Source

if TYPE_CHECKING:
    from kgraph.api import BuildReport, KnowledgeGraph, build, load, read_articles
    from kgraph.ingest.sources import Limits

#: Imported on first use, so that ``import kgraph.build.runner`` in a ``--jobs``
#: worker does not import the graph, query and export modules (networkx, ...).
_LAZY = {
    "BuildReport": "api",
    "KnowledgeGraph": "api",
    "build": "api",
    "load": "api",
    "read_articles": "api",
    "Limits": "ingest.sources",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """``kgraph`` itself: ``kgraph.build`` stays the public :func:`build` function.

    Importing the ``kgraph.build`` package (the build runner) would otherwise bind
    the package over the function as an attribute of ``kgraph``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return  # the subpackage stays reachable through sys.modules and `from kgraph.build import ...`
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Article",
    "ArticleText",
    "Block",
    "BuildReport",
    "Catalogue",
    "CatalogueError",
    "Concept",
    "Feed",
    "FeedError",
    "GraphError",
    "KgraphError",
    "KnowledgeGraph",
    "Limits",
    "Mention",
    "QueryError",
    "Source",
    "build",
    "extract",
    "load",
    "load_catalogue",
    "make_nlp",
    "read_articles",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
