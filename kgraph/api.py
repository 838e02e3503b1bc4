"""The Python API: build a knowledge graph from feeds, load one, write it out.

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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kgraph.catalogue import Catalogue, load_catalogue
from kgraph.errors import FeedError, KgraphError
from kgraph.export import PAGE_MAX_ARTICLES
from kgraph.export.concept_map import write_concept_map

# FORMATS: the one registry of output formats, shared with the CLI
from kgraph.export.formats import FORMATS, WriteOptions, check_formats, write_format
from kgraph.export.loading import load_graph
from kgraph.export.style import Decoration, decoration
from kgraph.fileio import all_or_nothing
from kgraph.graph.analytics import edge_count
from kgraph.graph.builder import ArticlePart, GraphBuilder
from kgraph.ingest.sources import Limits, default_sources, expand
from kgraph.pipeline import BuildCache
from kgraph.pipeline.carryover import form_signatures
from kgraph.pipeline.reading import parse_all, read_all
from kgraph.pipeline.runner import Engine, local_engine, merge, run_feeds
from kgraph.query import (
    ArticleHit,
    Community,
    ConceptCard,
    ConceptHit,
    ConceptPath,
    GraphIndex,
    Neighbour,
    Related,
    Rising,
    Timeline,
    TopConcept,
    communities_of,
)
from kgraph.records import Article, Feed
from kgraph.version import kgraph_version

__all__ = ["FORMATS", "BuildReport", "KnowledgeGraph", "build", "load", "read_articles"]

LOGGER = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


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
    #: wall-clock seconds per stage: read (fetch + parse), clean, extract, analyse
    #: (clean + extract), graph
    stage_seconds: dict[str, float] = field(
        default_factory=lambda: {
            "read": 0.0,
            "clean": 0.0,
            "extract": 0.0,
            "analyse": 0.0,
            "graph": 0.0,
        }
    )
    #: build cache: articles whose analysis was reused / computed, feeds not parsed again
    cache_hits: int = 0
    cache_misses: int = 0
    cache_feed_hits: int = 0


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
        self._index: GraphIndex | None = None
        self._style: tuple[nx.MultiDiGraph, tuple[int, int], Decoration] | None = None

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
                sorted(Counter(k for *_, k in self.graph.edges(data="kind", default="")).items())
            ),
            "top_concepts": [
                {"id": n.removeprefix("concept:"), "name": name, "articles": count}
                for count, name, n in concepts[:top]
            ],
        }

    # ---- queries (logic in kgraph/query/; the index is built on first use)

    @property
    def index(self) -> GraphIndex:
        """The query index, built on first use and kept (rebuilt if ``graph`` is replaced)."""
        if self._index is None or self._index.graph is not self.graph:
            self._index = GraphIndex(self.graph, self.catalogue)
        return self._index

    def related(self, article: str, k: int = 5) -> list[Related]:
        """The ``k`` articles most related to ``article`` (URL, guid or title
        fragment), each with its score (0..1) and the reasons.

        >>> [r.title for r in build().related("Versioning for Amazon S3", k=2)]
        ['How to Create an Amazon S3 Bucket: Step-by-Step Guide', 'Setting Up Amazon S3 Replication Rules']
        """
        return self.index.related(article, k)

    def articles_about(
        self, concept: str, narrower: bool = True, limit: int | None = None
    ) -> list[ArticleHit]:
        """Articles about ``concept`` (id, name or any alias), narrower
        concepts rolled up, most salient first.

        >>> build().articles_about("golang")[0].title
        'Go Channels: Complete Guide to Communication Patterns in Go'
        """
        return self.index.articles_about(concept, narrower, limit)

    def concepts_of(self, article: str) -> list[ConceptHit]:
        """Concepts ``article`` mentions, most salient first."""
        return self.index.concepts_of(article)

    def neighbours(self, concept: str, depth: int = 1) -> list[Neighbour]:
        """Concepts within ``depth`` broader/narrower/co-occurrence steps."""
        return self.index.neighbours(concept, depth)

    def path(self, a: str, b: str) -> ConceptPath | None:
        """How two concepts connect through articles and the hierarchy (None if not)."""
        return self.index.path(a, b)

    def top_concepts(self, n: int = 20, by: str = "articles") -> list[TopConcept]:
        """Top concepts by ``articles``, ``rolled_up`` articles or ``pagerank``."""
        return self.index.top_concepts(n, by)

    def concept_card(self, concept: str) -> ConceptCard:
        """Name, type, aliases, parents/children, top articles and neighbours."""
        return self.index.card(concept)

    def timeline(self, concept: str, narrower: bool = True) -> Timeline:
        """Articles about ``concept`` per month."""
        return self.index.timeline(concept, narrower)

    def rising(self, n: int = 10, window: int = 6) -> list[Rising]:
        """Concepts whose share of articles grew most in the last ``window`` months."""
        return self.index.rising(n, window)

    def concept_map(
        self, min_articles: int = 2, min_support: int = 2, max_share: float = 0.5
    ) -> nx.MultiDiGraph:
        """The concept-only map (NPMI co-occurrence, hubs left out, Louvain communities)."""
        return self.index.concept_map(min_articles, min_support, max_share)

    def communities(self, min_articles: int = 2) -> list[Community]:
        """Concept clusters of the concept map, labelled by their top concepts."""
        return communities_of(self.concept_map(min_articles))

    def write_concept_map(
        self,
        directory: str | os.PathLike[str] = "outputs",
        min_articles: int = 2,
        formats: Sequence[str] = ("graphml", "html"),
    ) -> dict[str, Path]:
        """Write ``concept_map.graphml`` and ``concept_map.html`` into ``directory``."""
        return write_concept_map(self.concept_map(min_articles), directory, formats)

    def _decoration(self) -> Decoration:
        """The viewers' attributes (colours, PageRank, communities, layout) of
        ``graph``, computed on first use and shared by the GraphML file and a
        large graph's page. Computed again if ``graph`` is replaced or gains or
        loses nodes or edges (not if only attribute values are edited in place)."""
        counts = (self.graph.number_of_nodes(), edge_count(self.graph))
        if self._style is None or self._style[0] is not self.graph or self._style[1] != counts:
            self._style = (self.graph, counts, decoration(self.graph))
        return self._style[2]

    def write_graphml(self, path: str | os.PathLike[str]) -> Path:
        """Write GraphML (atomically) and return the path."""
        return write_format(self.graph, "graphml", path, WriteOptions(self._decoration))[0]

    def write_json(self, path: str | os.PathLike[str]) -> Path:
        """Write node-link JSON (atomically) and return the path."""
        return write_format(self.graph, "json", path, WriteOptions())[0]

    def write_html(
        self, path: str | os.PathLike[str], max_articles: int | None = PAGE_MAX_ARTICLES
    ) -> Path:
        """Write the self-contained interactive HTML page and return the path: at
        most ``max_articles`` articles, the most recent (None: all), with every
        concept (see :func:`kgraph.export.html.page_graph`)."""
        options = WriteOptions(self._decoration, max_articles)
        return write_format(self.graph, "html", path, options)[0]

    def write(
        self,
        directory: str | os.PathLike[str] = "outputs",
        formats: Iterable[str] = ("graphml", "html", "json"),
        *,
        page_articles: int | None = PAGE_MAX_ARTICLES,
    ) -> dict[str, Path]:
        """Write the graph in each of ``formats`` (any of :data:`FORMATS`, the
        registry ``kgraph export --format`` uses too) into ``directory``, each
        under its default name (``graph.gexf``, a ``neo4j/`` folder...);
        ``page_articles``: the most articles the HTML page shows, None: all.
        Returns the written path of each format.

        The files are written atomically and as a set: they replace the
        previous ones together once all are written, and a failure in any
        leaves all the previous files intact.

        >>> import tempfile
        >>> written = build().write(tempfile.mkdtemp(), ["gexf", "json"])
        >>> sorted(p.name for p in written.values())
        ['graph.gexf', 'graph.json']
        """
        out = Path(directory)
        fmts = check_formats(formats)
        # GraphML and, for large graphs, the page share one decoration (colours,
        # layout, communities), computed once (see _decoration)
        options = WriteOptions(self._decoration, page_articles)
        written: dict[str, Path] = {}
        with all_or_nothing():
            for fmt in fmts:
                target = out / FORMATS[fmt].filename  # a folder for neo4j
                write_format(self.graph, fmt, target, options)
                written[fmt] = target
        return written


def _is_new(aid: str, url: str, seen: set[str]) -> bool:
    """False for an article already read from an earlier feed (same id or URL)."""
    if (aid and aid in seen) or (url and url in seen):
        return False
    if aid:
        seen.add(aid)
    if url:
        seen.add(url)
    return True


def _read_feeds(
    inputs: Sequence[str], limits: Limits, report: BuildReport
) -> Iterator[tuple[Feed, list[Article]]]:
    """Each readable feed with its new articles (duplicates across feeds
    dropped), parsed in this process, with their HTML."""
    sources = expand(inputs, report.errors, report.warnings)
    report.sources = len(sources)
    seen: set[str] = set()
    for _src, parsed in parse_all(read_all(sources, limits), limits):
        if isinstance(parsed, FeedError):
            LOGGER.error("%s", parsed)
            report.errors.append(str(parsed))
            continue
        report.warnings.extend(parsed.warnings)
        report.feeds += 1
        fresh = [art for art in parsed.articles if _is_new(art.id, art.url, seen)]
        report.duplicates += len(parsed.articles) - len(fresh)
        report.articles += len(fresh)
        yield parsed.feed, fresh


def _analysed_feeds(
    inputs: Sequence[str],
    cat: Catalogue,
    limits: Limits,
    report: BuildReport,
    progress: Progress | None,
    cache: BuildCache | None = None,
    engine: Engine | None = None,
) -> Iterator[tuple[Feed, list[ArticlePart], bool]]:
    """Each readable feed with the graph parts of its new articles (duplicates
    across feeds dropped), analysed: parsed, cleaned and extracted by the
    ``engine``'s workers (or here), whole feeds at a time, in the order of the
    sources; and whether it was parsed (False: taken from the cache).

    ``report.stage_seconds`` gets the wall-clock time of this loop split into
    read (fetch + parse), clean and extract (and analyse: their sum) in the
    proportion the tasks spent on each.
    """
    sources = expand(inputs, report.errors, report.warnings)
    report.sources = len(sources)
    seen: set[str] = set()
    spent = [0.0, 0.0, 0.0]  # parse, clean, extract seconds of the tasks
    started = time.perf_counter()
    away = 0.0
    done = run_feeds(read_all(sources, limits, cache), cat, limits, cache, engine)
    for i, (_src, item) in enumerate(done, 1):
        if progress:
            progress("read", i, len(sources))
        if isinstance(item, FeedError):
            LOGGER.error("%s", item)
            report.errors.append(str(item))
            continue
        report.warnings.extend(item.warnings)
        keep = [j for j, (aid, url) in enumerate(item.ids) if _is_new(aid, url, seen)]
        parts = merge(item, keep, cache, report.warnings.append)
        spent = [total + secs for total, secs in zip(spent, item.seconds, strict=True)]
        report.feeds += 1
        report.duplicates += len(item.ids) - len(keep)
        report.articles += len(keep)
        paused = time.perf_counter()
        yield item.feed, parts, item.analyses is not None
        away += time.perf_counter() - paused  # the caller's time (the graph stage)
    wall = time.perf_counter() - started - away
    total = sum(spent)
    shares = [secs / total for secs in spent] if total else [1.0, 0.0, 0.0]
    for stage, share in zip(("read", "clean", "extract"), shares, strict=True):
        report.stage_seconds[stage] = wall * share
    report.stage_seconds["analyse"] = wall * (shares[1] + shares[2])


def read_articles(
    sources: Sequence[str] | str | None = None, limits: Limits | None = None
) -> tuple[list[Feed], list[Article], BuildReport]:
    """Read feeds into article records without analysing them (bundled samples if none).

    >>> feeds, articles, report = read_articles()
    >>> len(feeds), len(articles), report.errors
    (2, 31, [])
    """
    if isinstance(sources, str):
        sources = [sources]
    report = BuildReport()
    feeds: list[Feed] = []
    articles: list[Article] = []
    for feed, fresh in _read_feeds(list(sources or default_sources()), limits or Limits(), report):
        feeds.append(feed)
        articles.extend(fresh)
    return feeds, articles, report


def build(
    sources: Sequence[str] | str | None = None,
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
    if isinstance(sources, str):
        sources = [sources]
    inputs = list(sources) if sources else default_sources()
    cat = catalogue or load_catalogue()
    limits = limits or Limits()
    report = BuildReport()
    # articles go into the graph feed by feed as they are analysed: a build
    # never holds every article's text and mentions at once
    if cache is not None and cat.version and cache.catalogue_version == cat.version:
        # what the catalogue's forms mean, for a later version to tell what changed
        cache.note_catalogue(cat.version, lambda: form_signatures(cat))
    builder = GraphBuilder(cat, discover=discover)
    graph_seconds = 0.0
    added = 0
    with _young_gc_only():
        with _engine(engine, scheduler, jobs, cat) as eng:
            for feed, parts, parsed in _analysed_feeds(
                inputs, cat, limits, report, progress, cache, eng
            ):
                t0 = time.perf_counter()
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
        graph = builder.finish()
    graph.graph.update(
        kgraph_version=kgraph_version(), catalogue_version=cat.version, built=_built_stamp()
    )
    report.stage_seconds["graph"] = graph_seconds + time.perf_counter() - graphing
    report.seconds = round(time.perf_counter() - started, 3)
    LOGGER.info(
        "built %d articles from %d feeds in %.2fs", report.articles, report.feeds, report.seconds
    )
    return KnowledgeGraph(graph, cat, report)


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
    return KnowledgeGraph(load_graph(path))
