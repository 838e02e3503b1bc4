"""kgraph: a knowledge graph of tech concepts from tech-blog feeds.

>>> import kgraph
>>> kg = kgraph.build()            # the two bundled sample feeds
>>> kg.summary()["authors"]
2
"""

from __future__ import annotations

import logging

from .api import BuildReport, KnowledgeGraph, build, load, read_articles
from .catalogue import Catalogue, Concept, load_catalogue
from .errors import CatalogueError, FeedError, GraphError, KgraphError, QueryError
from .extract import extract, make_nlp
from .records import Article, ArticleText, Block, Feed, Mention, Source
from .sources import Limits

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
