"""``kgraph export``: write a built graph for Gephi, Cytoscape, Neo4j or RDF tools.

A thin layer over :mod:`kgraph.export`: load the graph, call one writer, print
what was written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import networkx as nx

from kgraph import api
from kgraph.errors import KgraphError

#: format -> default output name (a folder for neo4j), next to the graph file
EXPORT_FORMATS: dict[str, str] = {
    "graphml": "graph.graphml",
    "gexf": "graph.gexf",
    "cytoscape": "graph.cyjs",
    "json": "graph.json",
    "neo4j": "neo4j",
    "turtle": "graph.ttl",
}


def export_graph(
    graph: nx.MultiDiGraph,
    fmt: str,
    target: Path,
    *,
    base: str | None = None,
    catalogue_all: bool = False,
) -> list[Path]:
    """Write ``graph`` in format ``fmt`` to ``target``; return the written paths."""
    from kgraph.export import cytoscape, gexf, graphml, neo4j
    from kgraph.export import json as json_export

    writers: dict[str, Callable[[], Path | list[Path]]] = {
        "graphml": lambda: graphml.write_graphml(graph, target),
        "gexf": lambda: gexf.write_gexf(graph, target),
        "cytoscape": lambda: cytoscape.write_cytoscape(graph, target),
        "json": lambda: json_export.write_json(graph, target),
        "neo4j": lambda: neo4j.write_neo4j(graph, target),
    }
    if fmt == "turtle":
        from kgraph.catalogue.load import load_catalogue
        from kgraph.export import rdf

        cat = load_catalogue() if catalogue_all else None
        return [rdf.write_turtle(graph, target, base=base or rdf.DEFAULT_BASE, catalogue=cat)]
    written = writers[fmt]()
    return written if isinstance(written, list) else [written]


@click.command(name="export")
@click.option(
    "-f",
    "--format",
    "fmt",
    required=True,
    type=click.Choice(list(EXPORT_FORMATS), case_sensitive=False),
    help="Output format.",
)
@click.option(
    "--graph",
    "graph_path",
    default="outputs/graph.graphml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Graph file to read (GraphML or node-link JSON).",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(),
    help="File to write (a folder for neo4j). Default: graph.<ext> (or neo4j/) next to --graph.",
)
@click.option(
    "--base",
    default=None,
    help="turtle: base of the IRIs [default: https://kgraph.dev/].",
)
@click.option(
    "--all-concepts",
    is_flag=True,
    help="turtle: put every catalogue concept in the SKOS scheme, not only the graph's.",
)
def export(
    fmt: str, graph_path: str, output: str | None, base: str | None, all_concepts: bool
) -> None:
    """Export a built graph for Gephi, yEd, Cytoscape, Neo4j or RDF tools.

    \b
    Formats:
      graphml    GraphML with Gephi's label/size/r/g/b/x/y, community, pagerank
      gexf       GEXF 1.2 (Gephi), colours/sizes/positions as viz elements
      cytoscape  Cytoscape.js / Cytoscape desktop JSON (.cyjs) with positions
      json       networkx node-link JSON (the plain schema)
      neo4j      CSVs for `neo4j-admin database import` + load.cypher
      turtle     RDF Turtle: SKOS concepts, Dublin Core / schema.org articles

    \b
    Examples:
      kgraph export --format gexf                      # outputs/graph.gexf
      kgraph export --format cytoscape -o site/graph.cyjs
      kgraph export --format neo4j -o /var/lib/neo4j/import
      kgraph export --format turtle --base https://example.org/kg/ --all-concepts
      kgraph export -f graphml --graph other/graph.json -o other/graph.graphml
    """
    fmt = fmt.lower()
    target = Path(output) if output else Path(graph_path).parent / EXPORT_FORMATS[fmt]
    try:
        kg = api.load(graph_path)
        written = export_graph(kg.graph, fmt, target, base=base, catalogue_all=all_concepts)
    except KgraphError as err:
        raise click.ClickException(str(err)) from err
    except OSError as err:
        raise click.ClickException(f"{target}: cannot write: {err.strerror or err}") from err
    for path in written:
        click.echo(f"wrote {path}")
    if fmt == "neo4j":
        from kgraph.export.neo4j import admin_import_command

        click.echo(
            "load with (database stopped):\n  " + admin_import_command(target, paths=written),
        )
        click.echo(
            f"or into a running database: copy {target}/* into Neo4j's import/ folder, then\n"
            f"  cypher-shell -u neo4j -p <password> -f {target / 'load.cypher'}"
        )
