"""A built or loaded knowledge graph, :class:`KnowledgeGraph`: the
``networkx.MultiDiGraph`` with its summary, the queries of :mod:`kgraph.query`
(through an index built on first use) and the writers of :mod:`kgraph.export`.
:func:`kgraph.build` and :func:`kgraph.load` return one.

>>> from kgraph import build
>>> kg = build()                     # the bundled sample feeds
>>> kg.summary()["articles"], kg.top_concepts(1)[0].name
(31, 'AWS')
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgraph.catalogue import Catalogue, load_catalogue
from kgraph.export import PAGE_MAX_ARTICLES
from kgraph.export.formats import FORMATS, WriteOptions, check_formats, write_format
from kgraph.fileio import all_or_nothing
from kgraph.pipeline.feed_stream import BuildReport

# The queries, the decoration and the writers import networkx and numpy: they
# are imported on use, so that `import kgraph.api` (and `kgraph build`, which
# reads its first feed before it builds a graph) does not wait for them.
if TYPE_CHECKING:
    import networkx as nx

    from kgraph.export.style import Decoration
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
    )

__all__ = ["KnowledgeGraph"]


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

        >>> from kgraph import build
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
        edge_kinds = _edge_kinds(self.graph)
        return {
            "articles": kinds.get("article", 0),
            "concepts": kinds.get("concept", 0),
            "mentioned_concepts": len(concepts),
            "authors": kinds.get("author", 0),
            "tags": kinds.get("tag", 0),
            "feeds": kinds.get("feed", 0),
            "edges": sum(edge_kinds.values()),
            "edge_kinds": dict(sorted(edge_kinds.items())),
            "top_concepts": [
                {"id": n.removeprefix("concept:"), "name": name, "articles": count}
                for count, name, n in concepts[:top]
            ],
        }

    def build_summary(self, written: Mapping[str, Path], top: int = 10) -> dict[str, Any]:
        """:meth:`summary` with what the build did (``kgraph build --json``):
        the ``written`` files (from :meth:`write`) and, from :attr:`report`, the
        numbers of errors, warnings and duplicates, the seconds and the cache's
        hits and misses.

        >>> from kgraph import build
        >>> s = build().build_summary({})
        >>> s["articles"], s["errors"], s["duplicates"], s["cache"]
        (31, 0, 0, {'hits': 0, 'misses': 0})
        """
        report = self.report
        summary = self.summary(top)
        summary["files"] = {k: str(v) for k, v in written.items()}
        summary["errors"] = len(report.errors)
        summary["warnings"] = len(report.warnings)
        summary["duplicates"] = report.duplicates
        summary["seconds"] = report.seconds
        summary["cache"] = {"hits": report.cache_hits, "misses": report.cache_misses}
        return summary

    # ---- queries (logic in kgraph/query/; the index is built on first use)

    @property
    def index(self) -> GraphIndex:
        """The query index, built on first use and kept (rebuilt if ``graph`` is replaced)."""
        if self._index is None or self._index.graph is not self.graph:
            from kgraph.query import GraphIndex

            self._index = GraphIndex(self.graph, self.catalogue)
        return self._index

    def related(self, article: str, k: int = 5) -> list[Related]:
        """The ``k`` articles most related to ``article`` (URL, guid or title
        fragment), each with its score (0..1) and the reasons.

        >>> from kgraph import build
        >>> [r.title for r in build().related("Versioning for Amazon S3", k=2)]
        ['How to Create an Amazon S3 Bucket: Step-by-Step Guide', 'Setting Up Amazon S3 Replication Rules']
        """
        return self.index.related(article, k)

    def articles_about(
        self, concept: str, narrower: bool = True, limit: int | None = None
    ) -> list[ArticleHit]:
        """Articles about ``concept`` (id, name or any alias), narrower
        concepts rolled up, most salient first.

        >>> from kgraph import build
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
        self, min_articles: int = 2, min_support: int = 2, max_share: float = 0.5, **options: Any
    ) -> nx.MultiDiGraph:
        """The concept map (:meth:`GraphIndex.concept_map`; ``keep_generic``, ``since``, ``until``)."""
        return self.index.concept_map(min_articles, min_support, max_share, **options)

    def communities(self, min_articles: int = 2) -> list[Community]:
        """Concept clusters of the concept map, labelled by their top concepts."""
        from kgraph.query import communities_of

        return communities_of(self.concept_map(min_articles))

    def write_concept_map(
        self,
        directory: str | os.PathLike[str] = "outputs",
        min_articles: int = 2,
        formats: Sequence[str] = ("graphml", "html"),
    ) -> dict[str, Path]:
        """Write ``concept_map.graphml`` and ``concept_map.html`` into ``directory``."""
        from kgraph.export import concept_map

        return concept_map.write_concept_map(self.concept_map(min_articles), directory, formats)

    def _decoration(self) -> Decoration:
        """The viewers' attributes (colours, PageRank, communities, layout) of
        ``graph``, computed on first use and shared by the GraphML file and a
        large graph's page. Computed again if ``graph`` is replaced or gains or
        loses nodes or edges (not if only attribute values are edited in place)."""
        from kgraph.export.style import decoration
        from kgraph.graph.analytics import edge_count

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
        progress: Callable[[str, int, int], None] | None = None,
    ) -> dict[str, Path]:
        """Write the graph in each of ``formats`` (any of :data:`FORMATS`, the
        registry ``kgraph export --format`` uses too) into ``directory``, each
        under its default name (``graph.gexf``, a ``neo4j/`` folder...);
        ``page_articles``: the most articles the HTML page shows, None: all;
        ``progress("write", done, total)`` is called before and after each file.
        Returns the written path of each format.

        The files are written atomically and as a set: they replace the
        previous ones together once all are written, and a failure in any
        leaves all the previous files intact.

        >>> import tempfile
        >>> from kgraph import build
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
            for n, fmt in enumerate(fmts):
                if progress:
                    progress("write", n, len(fmts))
                target = out / FORMATS[fmt].filename  # a folder for neo4j
                write_format(self.graph, fmt, target, options)
                written[fmt] = target
            if progress:
                progress("write", len(fmts), len(fmts))
        return written


def _edge_kinds(graph: nx.MultiDiGraph) -> Counter[Any]:
    """The number of edges of each ``kind`` (``""``: none), read from each
    edge's names and values tuples (:func:`kgraph.graph.compact.edge_columns`)."""
    from kgraph.graph.compact import edge_columns

    if not graph.is_multigraph():
        return Counter(k for *_, k in graph.edges(data="kind", default=""))
    kinds: Counter[Any] = Counter()
    for _, _, _, names, values in edge_columns(graph):
        kinds[values[names.index("kind")] if "kind" in names else ""] += 1
    return kinds
