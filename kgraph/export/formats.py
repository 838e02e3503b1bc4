"""The one registry of output formats, used by ``KnowledgeGraph.write``,
``kgraph build --format`` and ``kgraph export --format``.

Each :class:`Format` names its default file (a folder for ``neo4j`` and ``markdown``), says what
it is for and which pip extra it needs, and writes a graph. The writers are
imported on use, so an optional dependency (rdflib for Turtle) is only needed
by the format that uses it.

>>> sorted(FORMATS)
['cytoscape', 'gexf', 'graphml', 'html', 'json', 'markdown', 'neo4j', 'turtle']
>>> FORMATS["gexf"].filename, FORMATS["turtle"].extra
('graph.gexf', 'rdf')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgraph.errors import KgraphError
from kgraph.export import PAGE_MAX_ARTICLES

if TYPE_CHECKING:
    import networkx as nx

    from kgraph.catalogue import Catalogue
    from kgraph.export.style import Decoration

__all__ = ["FORMATS", "Format", "WriteOptions", "check_formats", "write_format"]


@dataclass(frozen=True)
class WriteOptions:
    """What some writers take besides the graph and the path.

    ``decoration``: returns the viewers' attributes (colours, PageRank,
    communities, layout) shared by GraphML and a large graph's page, so that
    they are computed once (None: each writer computes what it needs).
    ``page_articles``: the most articles the HTML page shows (None: all).
    ``base`` and ``catalogue``: Turtle's IRI base and, to put every catalogue
    concept in the SKOS scheme, the catalogue.
    """

    decoration: Callable[[], Decoration] | None = None
    page_articles: int | None = PAGE_MAX_ARTICLES
    base: str | None = None
    catalogue: Catalogue | None = None


@dataclass(frozen=True)
class Format:
    """An output format: its name, default file name, description, pip extra
    (None: in the base install) and writer."""

    name: str
    filename: str
    description: str
    writer: Callable[[nx.MultiDiGraph, Path, WriteOptions], Path | list[Path]]
    extra: str | None = None


def _graphml(graph: nx.MultiDiGraph, path: Path, opts: WriteOptions) -> Path:
    from kgraph.export.graphml import write_graphml

    return write_graphml(graph, path, style=opts.decoration() if opts.decoration else None)


def _html(graph: nx.MultiDiGraph, path: Path, opts: WriteOptions) -> Path:
    from kgraph.export.html import LAYOUT_NODE_LIMIT, write_html
    from kgraph.export.style import decoration

    # a large graph's page uses the GraphML file's layout (computed once for
    # both); a small graph's page lays itself out in the browser, which reads better
    positions: Any = None
    if graph.number_of_nodes() > LAYOUT_NODE_LIMIT:
        style = opts.decoration() if opts.decoration else decoration(graph)
        positions = style.positions()
    return write_html(graph, path, positions=positions, max_articles=opts.page_articles)


def _json(graph: nx.MultiDiGraph, path: Path, opts: WriteOptions) -> Path:
    from kgraph.export.json import write_json

    return write_json(graph, path)


def _gexf(graph: nx.MultiDiGraph, path: Path, opts: WriteOptions) -> Path:
    from kgraph.export.gexf import write_gexf

    return write_gexf(graph, path)


def _cytoscape(graph: nx.MultiDiGraph, path: Path, opts: WriteOptions) -> Path:
    from kgraph.export.cytoscape import write_cytoscape

    return write_cytoscape(graph, path)


def _neo4j(graph: nx.MultiDiGraph, path: Path, opts: WriteOptions) -> list[Path]:
    from kgraph.export.neo4j import write_neo4j

    return write_neo4j(graph, path)


def _markdown(graph: nx.MultiDiGraph, path: Path, opts: WriteOptions) -> list[Path]:
    from kgraph.export.markdown import write_markdown

    return write_markdown(graph, path)


def _turtle(graph: nx.MultiDiGraph, path: Path, opts: WriteOptions) -> Path:
    from kgraph.export import rdf  # rdflib (the [rdf] extra) is imported on use

    return rdf.write_turtle(
        graph, path, base=opts.base or rdf.DEFAULT_BASE, catalogue=opts.catalogue
    )


#: Every output format, by name, in the order help texts list them.
FORMATS: Mapping[str, Format] = {
    f.name: f
    for f in (
        Format(
            "graphml",
            "graph.graphml",
            "GraphML with Gephi's label/size/r/g/b/x/y, community, pagerank",
            _graphml,
        ),
        Format("html", "graph.html", "a self-contained interactive page", _html),
        Format("json", "graph.json", "networkx node-link JSON (the plain schema)", _json),
        Format(
            "gexf", "graph.gexf", "GEXF 1.2 (Gephi), colours/sizes/positions as viz elements", _gexf
        ),
        Format(
            "cytoscape",
            "graph.cyjs",
            "Cytoscape.js / Cytoscape desktop JSON with positions",
            _cytoscape,
        ),
        Format(
            "neo4j",
            "neo4j",
            "CSVs for `neo4j-admin database import` + load.cypher (a folder)",
            _neo4j,
        ),
        Format(
            "markdown",
            "notes",
            "Markdown notes with [[wikilinks]] and YAML front matter, a vault (a folder)",
            _markdown,
        ),
        Format(
            "turtle",
            "graph.ttl",
            "RDF Turtle: SKOS concepts, Dublin Core / schema.org articles",
            _turtle,
            "rdf",
        ),
    )
}


def check_formats(names: Iterable[str]) -> list[str]:
    """``names`` lower-cased, or a KgraphError naming the unknown ones.

    >>> check_formats(["GEXF", "json"])
    ['gexf', 'json']
    >>> check_formats(["pdf"])
    Traceback (most recent call last):
    ...
    kgraph.errors.KgraphError: unknown format(s) pdf; choose from graphml, html, json, gexf, cytoscape, neo4j, markdown, turtle
    """
    fmts = [n.strip().lower() for n in names if n.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise KgraphError(
            f"unknown format(s) {', '.join(bad) or '(none)'}; choose from {', '.join(FORMATS)}"
        )
    return fmts


def write_format(
    graph: nx.MultiDiGraph,
    fmt: str,
    path: str | os.PathLike[str],
    options: WriteOptions | None = None,
) -> list[Path]:
    """Write ``graph`` in format ``fmt`` to ``path``; return the written paths.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> import networkx as nx
    >>> [p.name for p in write_format(nx.MultiDiGraph(), "gexf", folder / "g.gexf")]
    ['g.gexf']
    """
    written = FORMATS[check_formats([fmt])[0]].writer(graph, Path(path), options or WriteOptions())
    return written if isinstance(written, list) else [written]
