"""The Python API: build a knowledge graph from feeds, read feeds, load a graph.

:func:`build` and :func:`load` return a :class:`~kgraph.knowledge_graph.KnowledgeGraph`
(queries, exports); the feeds are read, and a build's analysed, by
:mod:`kgraph.pipeline.feed_stream`, which counts what happened in a :class:`BuildReport`.

>>> kg = build()                     # the bundled sample feeds
>>> kg.summary()["articles"]
31
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, TypeAlias

from kgraph.catalogue import Catalogue, load_catalogue
from kgraph.errors import KgraphError

# FORMATS: the one registry of output formats, shared with the CLI
from kgraph.export.formats import FORMATS
from kgraph.ingest.sources import default_sources
from kgraph.knowledge_graph import KnowledgeGraph
from kgraph.pipeline import BuildCache
from kgraph.pipeline.carryover import form_signatures
from kgraph.pipeline.feed_stream import BuildReport, Progress, analysed_feeds, read_feeds
from kgraph.pipeline.runner import Engine, local_engine
from kgraph.records import Article, Feed, Limits
from kgraph.version import kgraph_version

# The graph stage (networkx, numpy) and the GraphML/JSON loader are imported on
# use: `kgraph build` reads and analyses its first feed while they load.
if TYPE_CHECKING:
    import networkx as nx

    from kgraph.graph.builder import GraphBuilder

__all__ = ["FORMATS", "BuildReport", "KnowledgeGraph", "build", "load", "read_articles"]

LOGGER = logging.getLogger(__name__)


def _built_stamp() -> str:
    """Build time in UTC; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    ts = float(epoch) if epoch and epoch.isdigit() else time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


#: What the API takes as sources: a path or URL, several, or None (the samples).
Sources: TypeAlias = "Sequence[str | os.PathLike[str]] | str | os.PathLike[str] | None"


def _inputs(sources: Sources) -> list[str]:
    """The sources to read: one, several, or (none given) the bundled samples;
    paths may be :class:`pathlib.Path` objects.

    >>> from pathlib import Path
    >>> _inputs(Path("feeds")), _inputs(["a.xml", Path("b")])
    (['feeds'], ['a.xml', 'b'])
    """
    if isinstance(sources, (str, os.PathLike)):
        return [os.fspath(sources)]
    return [os.fspath(s) for s in sources] if sources else default_sources()


def read_articles(
    sources: Sources = None, limits: Limits | None = None
) -> tuple[list[Feed], list[Article], BuildReport]:
    """Read feeds into article records without analysing them (bundled samples if none).

    The feeds go through the loop :func:`build` reads them with
    (:mod:`kgraph.pipeline.feed_stream`): the same sources, failures, warnings
    and duplicates dropped, counted in the same kind of report.

    >>> feeds, articles, report = read_articles()
    >>> len(feeds), len(articles), report.errors
    (2, 31, [])
    """
    report = BuildReport()
    feeds: list[Feed] = []
    articles: list[Article] = []
    for feed, fresh in read_feeds(_inputs(sources), limits or Limits(), report):
        feeds.append(feed)
        articles.extend(fresh)
    return feeds, articles, report


def build(
    sources: Sources = None,
    *,
    catalogue: Catalogue | None = None,
    limits: Limits | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    cache: BuildCache | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    discover: bool = True,
) -> KnowledgeGraph:
    """Read feeds, extract concepts and build the knowledge graph.

    ``sources`` are feed files, folders (walked recursively), http(s) URLs and
    OPML lists; with none, the bundled sample feeds are used. A source that
    cannot be read is reported in ``kg.report.errors`` and the others are used.
    ``jobs`` > 1 parses feeds and extracts in that many processes (same result).
    ``progress(stage, done, total)`` is called as work advances.
    ``cache`` (a :class:`~kgraph.pipeline.cache.BuildCache`) reuses the analyses of
    unchanged articles and the parses of unchanged feeds; its hits and misses
    are counted in ``kg.report``. ``engine="dask"`` runs cleaning and extraction
    on a Dask cluster (``scheduler`` address, or a local cluster of ``jobs``
    workers), see :mod:`kgraph.pipeline.dask_engine`. ``discover=False`` leaves out
    the concept nodes of ``type="term"`` (:mod:`kgraph.extract.terms`).
    """
    if engine not in ("local", "dask"):
        raise KgraphError(f"unknown engine {engine!r}; choose local or dask")
    started = time.perf_counter()
    inputs = _inputs(sources)
    cat = catalogue or load_catalogue()
    limits = limits or Limits()
    report = BuildReport()
    # articles go into the graph feed by feed as they are analysed: a build
    # never holds every article's text and mentions at once
    if cache is not None and cat.version and cache.catalogue_version == cat.version:
        # what the catalogue's forms mean, for a later version to tell what changed
        cache.note_catalogue(cat.version, lambda: form_signatures(cat))
    builder: GraphBuilder | None = None
    graph_seconds = 0.0
    added = 0
    with _young_gc_only():
        with _engine(engine, scheduler, jobs, cat) as eng:
            for feed, parts, parsed in analysed_feeds(
                inputs, cat, limits, report, progress, cache, eng
            ):
                t0 = time.perf_counter()
                if builder is None:  # networkx and numpy load once the first feed is read
                    builder = _graph_builder(cat, discover)
                builder.add_feed(feed)
                builder.add_parts(parts)
                # parsing here leaves short-lived cycles: collect them every few hundred articles
                added += len(parts) if parsed and eng is None else 0
                if added >= 256:
                    gc.collect(1)
                    added = 0
                graph_seconds += time.perf_counter() - t0
        if cache is not None:
            report.cache_hits, report.cache_misses = cache.hits, cache.misses
            report.cache_feed_hits = cache.feed_hits
            report.warnings.extend(cache.problems)
        graphing = time.perf_counter()
        if progress:
            progress("graph", 0, 1)
        graph = builder.finish() if builder is not None else _empty_graph()
        if progress:
            progress("graph", 1, 1)
    graph.graph.update(
        kgraph_version=kgraph_version(), catalogue_version=cat.version, built=_built_stamp()
    )
    report.stage_seconds["graph"] = graph_seconds + time.perf_counter() - graphing
    report.seconds = round(time.perf_counter() - started, 3)
    LOGGER.info(
        "built %d articles from %d feeds in %.2fs", report.articles, report.feeds, report.seconds
    )
    return KnowledgeGraph(graph, cat, report)


def _graph_builder(cat: Catalogue, discover: bool) -> GraphBuilder:
    from kgraph.graph.builder import GraphBuilder

    return GraphBuilder(cat, discover=discover)


#: ``graph.graph["related_stored"]`` of a graph with no article (RELATED_STORED
#: of kgraph.graph.related, which imports numpy: tests hold the two equal).
_RELATED_STORED = 10


def _empty_graph() -> nx.MultiDiGraph:
    """What ``GraphBuilder.finish()`` gives when no feed was read, without
    loading the builder and the related stage (numpy, scipy: 1.5 s on a busy
    machine): a build whose one URL timed out returns at its deadline."""
    from kgraph.graph.compact import CompactMultiDiGraph

    graph = CompactMultiDiGraph()
    graph.graph["related_stored"] = _RELATED_STORED
    return graph


@contextlib.contextmanager
def _young_gc_only() -> Iterator[None]:
    """Collect only young objects while a build runs.

    The graph grows by millions of small dicts that live as long as the
    build; CPython's automatic collections would traverse them again and
    again (a third of the graph stage at 5,000 articles). Short-lived cycles
    (parser trees, exceptions) are still collected: the build calls
    ``gc.collect(1)`` every few hundred articles it parses itself. At the end
    everything still young is moved to the oldest generation unscanned.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            # the graph's objects are all young: move them to the oldest generation
            # instead of having the first collection after the build traverse them
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _engine(
    engine: str, scheduler: str | None, jobs: int, cat: Catalogue
) -> Iterator[Engine | None]:
    """Worker processes (``jobs`` > 1), a Dask cluster, or None: this process."""
    if engine == "dask":
        from kgraph.pipeline.dask_engine import dask_submit

        with dask_submit(cat, scheduler=scheduler, workers=max(jobs, 1)) as eng:
            yield eng
    elif jobs > 1:
        with local_engine(jobs, cat) as eng:
            yield eng
    else:
        yield None


def load(path: str | os.PathLike[str] = "outputs/graph.graphml") -> KnowledgeGraph:
    """Load a graph written by kgraph (GraphML or node-link JSON).

    >>> import tempfile, pathlib
    >>> p = build().write_graphml(pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
    >>> load(p).summary()["articles"]
    31
    """
    from kgraph.export.loading import load_graph

    return KnowledgeGraph(load_graph(path))
