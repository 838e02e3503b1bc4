"""Write the graph as Neo4j import files: CSVs for ``neo4j-admin`` and a Cypher script.

:func:`write_neo4j` writes into a folder:

- ``nodes_<kind>.csv`` — one per node kind, with the ``neo4j-admin database
  import`` header: ``id:ID``, ``:LABEL`` (``Article``, ``Concept``, ``Author``,
  ``Tag``, ``Feed``) and typed properties (``word_count:int``,
  ``pagerank:float``; strings untyped).
- ``relationships_<kind>.csv`` — one per edge kind: ``:START_ID``, ``:END_ID``,
  ``:TYPE`` (``MENTIONS``, ``WROTE``, ...), ``key`` (the graph's unique edge
  key) and typed properties (``count:int``, ``weight:float``).
- ``load.cypher`` — uniqueness constraints on ``id`` for each label, then
  ``LOAD CSV WITH HEADERS`` + ``MERGE`` for every file, for a running database
  (``cypher-shell -f load.cypher`` with the CSVs in Neo4j's ``import/`` folder).
  ``MERGE`` on ids and edge keys makes it safe to run twice.

Nodes also get ``community`` and ``pagerank`` (from
:func:`kgraph.export.style.decorate`); colours and layout are left out.

>>> import networkx as nx, tempfile, pathlib, csv
>>> g = nx.MultiDiGraph()
>>> g.add_node("concept:go", kind="concept", label="Go", name="Go", article_count=1)
>>> g.add_node("article:a", kind="article", label="A", word_count=120)
>>> _ = g.add_edge("article:a", "concept:go", key="mentions-1", kind="mentions", count=2, weight=0.8)
>>> out = write_neo4j(g, pathlib.Path(tempfile.mkdtemp()) / "neo4j")
>>> sorted(p.name for p in out)
['load.cypher', 'nodes_article.csv', 'nodes_concept.csv', 'relationships_mentions.csv']
>>> next(csv.reader(open(out[-1])))
[':START_ID', ':END_ID', ':TYPE', 'key', 'count:int', 'kind', 'weight:float']
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from kgraph.export.graphml import check_types, sorted_copy
from kgraph.export.style import decorate
from kgraph.fileio import all_or_nothing, atomic_open

__all__ = ["admin_import_command", "label_of", "rel_type_of", "write_neo4j"]

_TYPES = {int: "int", float: "float"}


def label_of(kind: str) -> str:
    """Neo4j node label of a node kind.

    >>> label_of("article"), label_of("news-item")
    ('Article', 'NewsItem')
    """
    return "".join(part.capitalize() for part in kind.replace("_", "-").split("-")) or "Node"


def rel_type_of(kind: str) -> str:
    """Neo4j relationship type of an edge kind.

    >>> rel_type_of("co_occurs"), rel_type_of("links_to")
    ('CO_OCCURS', 'LINKS_TO')
    """
    return kind.replace("-", "_").upper() or "RELATED_TO"


def _slug(kind: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in kind) or "other"


def _columns(items: Iterable[dict[str, object]]) -> list[tuple[str, str]]:
    """(property, csv header) pairs, sorted, typed from the values."""
    types: dict[str, type] = {}
    for attrs in items:
        for k, v in attrs.items():
            types.setdefault(k, type(v))
    return [
        (k, f"{k}:{_TYPES[t]}" if t in _TYPES else k)
        for k, t in sorted(types.items())
        if k not in ("id", "key")
    ]


def _value(v: object) -> object:
    return "" if v is None else v


def _cypher_value(prop: str, header: str) -> str:
    ref = f"row.`{header}`"
    if header.endswith(":int"):
        return f"toInteger({ref})"
    if header.endswith(":float"):
        return f"toFloat({ref})"
    return f"coalesce({ref}, '')"


def _set_clause(var: str, columns: list[tuple[str, str]]) -> str:
    if not columns:
        return ""
    sets = ", ".join(f"{var}.`{p}` = {_cypher_value(p, h)}" for p, h in columns)
    return f"\nSET {sets}"


def admin_import_command(
    directory: str | os.PathLike[str], database: str = "neo4j", paths: Iterable[Path] = ()
) -> str:
    """The ``neo4j-admin database import full`` command line for the files written.

    >>> admin_import_command("out", paths=[Path("out/nodes_tag.csv"), Path("out/relationships_wrote.csv")])
    'neo4j-admin database import full --multiline-fields=true --nodes=out/nodes_tag.csv --relationships=out/relationships_wrote.csv neo4j'
    """
    args = ["neo4j-admin", "database", "import", "full", "--multiline-fields=true"]
    for p in paths:
        if p.name.startswith("nodes_"):
            args.append(f"--nodes={p.as_posix()}")
        elif p.name.startswith("relationships_"):
            args.append(f"--relationships={p.as_posix()}")
    args.append(database)
    return " ".join(args)


def write_neo4j(
    graph: nx.MultiDiGraph, directory: str | os.PathLike[str], *, csv_url: str = "file:///"
) -> list[Path]:
    """Write the node and relationship CSVs and ``load.cypher`` into ``directory``.

    ``csv_url`` is the prefix ``LOAD CSV`` reads the files from (the default
    is Neo4j's ``import/`` folder). Returns the written paths, sorted. The
    files are written atomically and as a set: all replace the previous ones,
    or (on an error) none does.
    """
    with all_or_nothing():
        return _write_files(graph, directory, csv_url)


def _write_files(
    graph: nx.MultiDiGraph, directory: str | os.PathLike[str], csv_url: str
) -> list[Path]:
    out = sorted_copy(graph)
    extra = decorate(graph, with_layout=False)
    for node, attrs in out.nodes(data=True):
        attrs.update({k: extra.nodes[node][k] for k in ("community", "pagerank")})
    check_types(out)
    folder = Path(directory)
    written: list[Path] = []
    cypher: list[str] = ["// Load the kgraph export into a running Neo4j (see README)."]
    labels: dict[str, str] = {}

    by_kind: dict[str, list[tuple[str, dict[str, object]]]] = defaultdict(list)
    for node, attrs in out.nodes(data=True):
        by_kind[str(attrs.get("kind", ""))].append((str(node), attrs))
    loads: list[str] = []
    for kind, members in sorted(by_kind.items()):
        label = label_of(kind)
        columns = _columns(a for _, a in members)
        path = folder / f"nodes_{_slug(kind)}.csv"
        with atomic_open(path) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["id:ID", ":LABEL", *(h for _, h in columns)])
            for node, attrs in members:
                labels[node] = label
                w.writerow([node, label, *(_value(attrs.get(p)) for p, _ in columns)])
        written.append(path)
        cypher.append(
            f"CREATE CONSTRAINT {_slug(kind).replace('-', '_')}_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE;"
        )
        loads.append(
            f"LOAD CSV WITH HEADERS FROM '{csv_url}{path.name}' AS row\n"
            f"MERGE (n:{label} {{id: row.`id:ID`}})" + _set_clause("n", columns) + ";"
        )

    edges: dict[str, list[tuple[str, str, str, dict[str, object]]]] = defaultdict(list)
    for u, v, key, attrs in out.edges(keys=True, data=True):
        edges[str(attrs.get("kind", ""))].append((str(u), str(v), str(key), attrs))
    for kind, rels in sorted(edges.items()):
        rtype = rel_type_of(kind)
        columns = _columns(a for *_, a in rels)
        path = folder / f"relationships_{_slug(kind)}.csv"
        with atomic_open(path) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([":START_ID", ":END_ID", ":TYPE", "key", *(h for _, h in columns)])
            for u, v, key, attrs in rels:
                w.writerow([u, v, rtype, key, *(_value(attrs.get(p)) for p, _ in columns)])
        written.append(path)
        start = {labels[u] for u, *_ in rels}
        end = {labels[v] for _, v, *_ in rels}
        a = f"a:{start.pop()}" if len(start) == 1 else "a"
        b = f"b:{end.pop()}" if len(end) == 1 else "b"
        loads.append(
            f"LOAD CSV WITH HEADERS FROM '{csv_url}{path.name}' AS row\n"
            f"MATCH ({a} {{id: row.`:START_ID`}}), ({b} {{id: row.`:END_ID`}})\n"
            f"MERGE (a)-[r:{rtype} {{key: row.key}}]->(b)" + _set_clause("r", columns) + ";"
        )

    script = folder / "load.cypher"
    with atomic_open(script) as fh:
        fh.write("\n".join(cypher) + "\n\n" + "\n\n".join(loads) + "\n")
    written.append(script)
    return sorted(written)
