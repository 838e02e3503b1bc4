"""The Python API: build a knowledge graph from feeds, load one, write it out.

>>> kg = build()                     # the bundled sample feeds
>>> kg.summary()["articles"]
31
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import networkx as nx

from .catalogue import Catalogue, load_catalogue
from .errors import FeedError, KgraphError, one_line
from .export.graphml import read_graphml, write_graphml
from .export.json import read_json, write_json
from .extract import get_extractor
from .feeds import parse_feed
from .graph import article_node, build_graph
from .records import Article, ArticleText, Feed, Mention
from .sources import Limits, default_sources, expand, read_source
from .text import to_text

__all__ = ["FORMATS", "BuildReport", "KnowledgeGraph", "build", "load"]

LOGGER = logging.getLogger(__name__)

#: Output formats ``KnowledgeGraph.write`` knows, with their file names.
FORMATS = {"graphml": "graph.graphml", "json": "graph.json", "html": "graph.html"}

Progress = Callable[[str, int, int], None]


def kgraph_version() -> str:
    try:
        return version("kgraph")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


@dataclass
class BuildReport:
    """What a build read and what went wrong, for the CLI's summary and exit code."""

    sources: int = 0
    feeds: int = 0
    articles: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _built_stamp() -> str:
    """Build time in UTC; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    ts = float(epoch) if epoch and epoch.isdigit() else time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class KnowledgeGraph:
    """A built or loaded knowledge graph: ``kg.graph`` is the ``networkx.MultiDiGraph``."""

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        catalogue: Catalogue | None = None,
        report: BuildReport | None = None,
    ) -> None:
        self.graph = graph
        self._catalogue = catalogue
        self.report = report or BuildReport()

    @property
    def catalogue(self) -> Catalogue:
        """The concept catalogue (loaded on first use for a loaded graph)."""
        if self._catalogue is None:
            self._catalogue = load_catalogue()
        return self._catalogue

    def __repr__(self) -> str:
        s = self.summary(top=0)
        return (
            f"<KnowledgeGraph {s['articles']} articles, {s['concepts']} concepts, "
            f"{s['edges']} edges>"
        )

    def nodes_of(self, kind: str) -> list[str]:
        """Node ids of one kind (``article``, ``concept``, ``author``, ``tag``, ``feed``), sorted."""
        return sorted(n for n, d in self.graph.nodes(data=True) if d.get("kind") == kind)

    def summary(self, top: int = 10) -> dict[str, Any]:
        """Counts per node kind, the edge count and the ``top`` concepts by articles.

        >>> build().summary(top=1)["top_concepts"][0]["name"]
        'AWS'
        """
        kinds = Counter(d.get("kind", "") for _, d in self.graph.nodes(data=True))
        concepts = [
            (d.get("article_count", 0), d.get("name", n), n)
            for n, d in self.graph.nodes(data=True)
            if d.get("kind") == "concept" and d.get("article_count", 0)
        ]
        concepts.sort(key=lambda c: (-c[0], c[1]))
        return {
            "articles": kinds.get("article", 0),
            "concepts": kinds.get("concept", 0),
            "mentioned_concepts": len(concepts),
            "authors": kinds.get("author", 0),
            "tags": kinds.get("tag", 0),
            "feeds": kinds.get("feed", 0),
            "edges": self.graph.number_of_edges(),
            "edge_kinds": dict(
                sorted(Counter(k for *_, k in self.graph.edges(data="kind")).items())
            ),
            "top_concepts": [
                {"id": n.removeprefix("concept:"), "name": name, "articles": count}
                for count, name, n in concepts[:top]
            ],
        }

    def write_graphml(self, path: str | os.PathLike[str]) -> Path:
        """Write GraphML (atomically) and return the path."""
        return write_graphml(self.graph, path)

    def write_json(self, path: str | os.PathLike[str]) -> Path:
        """Write node-link JSON (atomically) and return the path."""
        return write_json(self.graph, path)

    def write_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the self-contained interactive HTML page and return the path."""
        from .export.html import write_html

        return write_html(self.graph, path)

    def write(
        self,
        directory: str | os.PathLike[str] = "outputs",
        formats: Iterable[str] = ("graphml", "html", "json"),
    ) -> dict[str, Path]:
        """Write the graph in each of ``formats`` into ``directory``.

        Each file is written atomically: a failure leaves the previous file intact.
        """
        out = Path(directory)
        writers = {"graphml": self.write_graphml, "json": self.write_json, "html": self.write_html}
        written = {}
        for fmt in formats:
            if fmt not in writers:
                raise KgraphError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
            written[fmt] = writers[fmt](out / FORMATS[fmt])
        return written


def _read_all(
    inputs: Sequence[str], limits: Limits, report: BuildReport, progress: Progress | None
) -> tuple[list[Feed], list[Article]]:
    sources = expand(inputs, report.errors, report.warnings)
    report.sources = len(sources)
    feeds: list[Feed] = []
    articles: list[Article] = []
    seen: set[str] = set()
    for i, src in enumerate(sources, start=1):
        if progress:
            progress("read", i, len(sources))
        try:
            data, base = read_source(src, limits)
            parsed = parse_feed(
                data, src.location, limits, base_url=base if src.kind == "url" else ""
            )
        except FeedError as err:
            LOGGER.error("%s", err)
            report.errors.append(str(err))
            continue
        except Exception as err:  # one bad feed must never cost the rest of the build
            LOGGER.debug("unexpected error reading %s", src.location, exc_info=True)
            msg = str(FeedError(src.location, f"unexpected {err.__class__.__name__}: {err}"))
            LOGGER.error("%s", msg)
            report.errors.append(msg)
            continue
        report.warnings.extend(parsed.warnings)
        feeds.append(parsed.feed)
        for art in parsed.articles:
            keys = {art.id, art.url} - {""}
            if keys & seen:
                report.duplicates += 1
                continue
            seen.update(keys)
            articles.append(art)
    report.feeds = len(feeds)
    report.articles = len(articles)
    return feeds, articles


def build(
    sources: Sequence[str] | str | None = None,
    *,
    catalogue: Catalogue | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> KnowledgeGraph:
    """Read feeds, extract concepts and build the knowledge graph.

    ``sources`` are feed files, folders (walked recursively), http(s) URLs and
    OPML lists; with none, the bundled sample feeds are used. A source that
    cannot be read is reported in ``kg.report.errors`` and the others are used.
    ``progress(stage, done, total)`` is called as work advances.
    """
    started = time.perf_counter()
    if isinstance(sources, str):
        sources = [sources]
    inputs = list(sources) if sources else default_sources()
    cat = catalogue or load_catalogue()
    limits = limits or Limits()
    report = BuildReport()
    feeds, articles = _read_all(inputs, limits, report, progress)

    texts: dict[str, ArticleText] = {}
    for art in articles:
        try:
            texts[art.id] = to_text(art)
        except (RecursionError, ValueError) as err:  # pathological HTML: keep the article
            msg = one_line(f"{art.feed}: article {art.id}: body unreadable ({err}); title only")
            LOGGER.warning("%s", msg)
            report.warnings.append(msg)
            texts[art.id] = to_text(replace(art, html=""))
    extractor = get_extractor(cat)
    mentions: dict[str, list[Mention]] = {}
    total = len(articles)
    for i, (art, found) in enumerate(
        zip(articles, extractor.extract_many(texts[a.id] for a in articles), strict=True), start=1
    ):
        mentions[art.id] = found
        if progress and (i % 50 == 0 or i == total):
            progress("extract", i, total)

    graph = build_graph(feeds, articles, texts, mentions, cat)
    graph.graph.update(
        kgraph_version=kgraph_version(), catalogue_version=cat.version, built=_built_stamp()
    )
    report.seconds = round(time.perf_counter() - started, 3)
    LOGGER.info(
        "built %d articles from %d feeds in %.2fs", len(articles), len(feeds), report.seconds
    )
    return KnowledgeGraph(graph, cat, report)


def load(path: str | os.PathLike[str] = "outputs/graph.graphml") -> KnowledgeGraph:
    """Load a graph written by kgraph (GraphML or node-link JSON).

    >>> import tempfile, pathlib
    >>> p = build().write_graphml(pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
    >>> load(p).summary()["articles"]
    31
    """
    p = Path(path)
    graph = read_json(p) if p.suffix.lower() == ".json" else read_graphml(p)
    return KnowledgeGraph(graph)


def article_id(article: Article) -> str:
    """Node id of an article (re-exported for scripts)."""
    return article_node(article)
