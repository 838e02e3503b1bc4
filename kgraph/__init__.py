"""kgraph: a knowledge graph of tech concepts from tech-blog feeds.

>>> import kgraph
>>> kg = kgraph.build()            # the two bundled sample feeds
>>> kg.summary()["authors"]
2
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from kgraph.catalogue.concepts import Catalogue, Concept
from kgraph.catalogue.load import load_catalogue
from kgraph.errors import CatalogueError, FeedError, GraphError, KgraphError, QueryError
from kgraph.extract.extractor import extract, make_nlp
from kgraph.records import Article, ArticleText, Block, Feed, Limits, Mention, Source

if TYPE_CHECKING:
    from kgraph.api import BuildReport, KnowledgeGraph, build, load, read_articles

#: Imported on first use, so that ``import kgraph.pipeline.runner`` in a ``--jobs``
#: worker does not import the graph, query and export modules (networkx, ...).
_LAZY = {
    "BuildReport": "api",
    "KnowledgeGraph": "api",
    "build": "api",
    "load": "api",
    "read_articles": "api",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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
