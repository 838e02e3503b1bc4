"""``kgraph export``: write a built graph for Gephi, Cytoscape, Neo4j or RDF tools.

A thin layer over :mod:`kgraph.export`: load the graph, call one writer, print
what was written.
"""

from __future__ import annotations

from pathlib import Path

import click

from kgraph import api
from kgraph.cli.exits import failing_on
from kgraph.export.formats import FORMATS, WriteOptions, write_format


@click.command(name="export")
@click.option(
    "-f",
    "--format",
    "fmt",
    required=True,
    type=click.Choice(list(FORMATS), case_sensitive=False),
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
    help="File to write (a folder for neo4j and markdown). Default: graph.<ext> (or neo4j/, notes/) next to --graph.",
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
    Formats (the registry of kgraph.export.formats):
      graphml    GraphML with Gephi's label/size/r/g/b/x/y, community, pagerank
      html       a self-contained interactive page
      json       networkx node-link JSON (the plain schema)
      gexf       GEXF 1.2 (Gephi), colours/sizes/positions as viz elements
      cytoscape  Cytoscape.js / Cytoscape desktop JSON (.cyjs) with positions
      neo4j      CSVs for `neo4j-admin database import` + load.cypher
      markdown   a folder of notes with [[wikilinks]] and YAML front matter
                 (one per concept and article: an Obsidian vault)
      turtle     RDF Turtle: SKOS concepts, Dublin Core / schema.org articles
                 (needs the [rdf] extra: pip install 'kgraph[rdf]')

    \b
    Examples:
      kgraph export --format gexf                      # outputs/graph.gexf
      kgraph export --format cytoscape -o site/graph.cyjs
      kgraph export --format neo4j -o /var/lib/neo4j/import
      kgraph export --format turtle --base https://example.org/kg/ --all-concepts
      kgraph export -f graphml --graph other/graph.json -o other/graph.graphml
      kgraph export --format markdown -o ~/vaults/tech-concepts
    """
    fmt = fmt.lower()
    target = Path(output) if output else Path(graph_path).parent / FORMATS[fmt].filename
    with failing_on():
        kg = api.load(graph_path)
    with failing_on(OSError, prefix=f"{target}: cannot write: "):
        cat = None
        if all_concepts:
            from kgraph.catalogue.load import load_catalogue

            cat = load_catalogue()
        written = write_format(kg.graph, fmt, target, WriteOptions(base=base, catalogue=cat))
    if fmt == "markdown":  # hundreds of notes: one line
        click.echo(f"wrote {target}: {len(written)} notes (open the folder as an Obsidian vault)")
    for path in written if fmt != "markdown" else ():
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
