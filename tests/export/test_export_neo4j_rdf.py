"""Neo4j import files and RDF Turtle, parsed back and checked against the graph (issue 9)."""

from __future__ import annotations

import csv
import re

import networkx as nx
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS

from kgraph.export.neo4j import label_of, rel_type_of, write_neo4j
from kgraph.export.rdf import to_rdf, write_turtle
from kgraph.export.style import decorate

pytestmark = pytest.mark.issue(9)

SDO = rdflib.Namespace("https://schema.org/")  # (rdflib's SDO object confuses pytest's collector)


def _typed(header: str, value: str) -> tuple[str, object]:
    name, _, kind = header.partition(":")
    if kind == "int":
        return name, int(value)
    if kind == "float":
        return name, float(value)
    return name, value


def _read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _check_neo4j(graph: nx.MultiDiGraph, folder) -> None:
    written = write_neo4j(graph, folder)
    extra = decorate(graph, with_layout=False)
    names = {p.name for p in written}
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    edge_kinds = {d["kind"] for *_, d in graph.edges(data=True)}
    assert names == (
        {f"nodes_{k}.csv" for k in kinds}
        | {f"relationships_{k}.csv" for k in edge_kinds}
        | {"load.cypher"}
    )
    seen_nodes = {}
    for kind in kinds:
        rows = _read(folder / f"nodes_{kind}.csv")
        assert list(rows[0])[:2] == ["id:ID", ":LABEL"]
        for row in rows:
            node = row.pop("id:ID")
            assert row.pop(":LABEL") == label_of(kind)
            seen_nodes[node] = dict(_typed(h, v) for h, v in row.items())
    assert set(seen_nodes) == set(graph.nodes)
    for node, attrs in graph.nodes(data=True):
        expected = {
            **attrs,
            "community": extra.nodes[node]["community"],
            "pagerank": extra.nodes[node]["pagerank"],
        }
        assert seen_nodes[node] == expected, node
    seen_edges = {}
    for kind in edge_kinds:
        rows = _read(folder / f"relationships_{kind}.csv")
        assert list(rows[0])[:4] == [":START_ID", ":END_ID", ":TYPE", "key"]
        for row in rows:
            u, v, key = row.pop(":START_ID"), row.pop(":END_ID"), row.pop("key")
            assert row.pop(":TYPE") == rel_type_of(kind)
            seen_edges[(u, v, key)] = dict(_typed(h, val) for h, val in row.items())
    assert set(seen_edges) == set(graph.edges(keys=True))
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        assert seen_edges[(u, v, key)] == attrs, key


def test_neo4j_csvs_hold_every_node_and_relationship(sample_kg, tmp_path):
    _check_neo4j(sample_kg.graph, tmp_path / "neo4j")


def test_neo4j_csv_quotes_commas_and_newlines(tmp_path):
    g = nx.MultiDiGraph()
    title = 'He said "hi", then\nleft; a\\b'
    g.add_node("article:x", kind="article", label=title, title=title, word_count=3)
    g.add_node("concept:go", kind="concept", label="Go", name="Go", article_count=1)
    g.add_edge("article:x", "concept:go", key="mentions-1", kind="mentions", count=2, weight=0.5)
    _check_neo4j(g, tmp_path / "n")


def test_neo4j_cypher_script_loads_every_file(sample_kg, tmp_path):
    written = write_neo4j(sample_kg.graph, tmp_path)
    script = (tmp_path / "load.cypher").read_text(encoding="utf-8")
    for label in ("Article", "Concept", "Author", "Tag", "Feed"):
        assert f"FOR (n:{label}) REQUIRE n.id IS UNIQUE;" in script
    loaded = re.findall(r"LOAD CSV WITH HEADERS FROM 'file:///([^']+)' AS row", script)
    assert sorted(loaded) == sorted(p.name for p in written if p.suffix == ".csv")
    assert "MERGE (n:Concept {id: row.`id:ID`})" in script
    assert "MATCH (a:Article {id: row.`:START_ID`}), (b:Concept {id: row.`:END_ID`})" in script
    assert "MERGE (a)-[r:MENTIONS {key: row.key}]->(b)" in script
    assert "r.`count` = toInteger(row.`count:int`)" in script
    assert "r.`weight` = toFloat(row.`weight:float`)" in script
    assert script.count(";") == len(loaded) + 5  # one statement per file and constraint


def _count(g: rdflib.Graph, p, o=None) -> int:
    return len(set(g.triples((None, p, o))))


def test_turtle_parses_back_with_the_right_counts(sample_kg, tmp_path):
    graph = sample_kg.graph
    path = write_turtle(graph, tmp_path / "g.ttl", base="https://example.org/kg/")
    rdf = rdflib.Graph().parse(path, format="turtle")

    def nodes(kind: str) -> list[str]:
        return [n for n, d in graph.nodes(data=True) if d["kind"] == kind]

    def edges(kind: str) -> int:
        return sum(1 for *_, k in graph.edges(data="kind") if k == kind)

    assert _count(rdf, RDF.type, SKOS.Concept) == len(nodes("concept"))
    assert _count(rdf, RDF.type, SDO.BlogPosting) == len(nodes("article"))
    assert _count(rdf, RDF.type, SDO.Person) == len(nodes("author"))
    assert _count(rdf, RDF.type, SKOS.ConceptScheme) == 1
    assert _count(rdf, SKOS.broader) == edges("broader")
    assert _count(rdf, DCTERMS.subject) == edges("mentions")
    assert _count(rdf, DCTERMS.creator) == edges("wrote")
    assert _count(rdf, SKOS.prefLabel) == len(nodes("concept"))
    aliases = sum(
        len([a for a in graph.nodes[n]["aliases"].split("|") if a]) for n in nodes("concept")
    )
    assert _count(rdf, SKOS.altLabel) == aliases
    titled = [n for n in nodes("article") if graph.nodes[n]["title"]]
    assert _count(rdf, DCTERMS.title) == len(titled) + len(nodes("feed")) + 1  # + the scheme
    dated = list(rdf.objects(None, DCTERMS.date))
    assert len(dated) == sum(1 for n in nodes("article") if graph.nodes[n]["published"])
    assert all(d.datatype == rdflib.XSD.dateTime and d.value is not None for d in dated)
    lam = rdflib.URIRef("https://example.org/kg/concept/aws-lambda")
    assert str(rdf.value(lam, SKOS.prefLabel)) == "AWS Lambda"
    assert rdflib.URIRef("https://example.org/kg/concept/aws") in set(
        rdf.objects(lam, SKOS.broader)
    )
    assert all(
        str(s).startswith("https://example.org/kg/")
        for s in rdf.subjects()
        if isinstance(s, rdflib.URIRef)
    )


def test_turtle_with_the_whole_catalogue(sample_kg, catalogue):
    rdf = to_rdf(sample_kg.graph, catalogue=catalogue)
    assert _count(rdf, RDF.type, SKOS.Concept) == len(catalogue)
    assert _count(rdf, SKOS.broader) == sum(len(c.parents) for c in catalogue)
    assert _count(rdf, SKOS.topConceptOf) == sum(1 for c in catalogue if not c.parents)


def test_turtle_keeps_a_bad_url_as_a_literal(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("article:x", kind="article", label="x", title="x", url="https://e.org/a b<c>")
    path = write_turtle(g, tmp_path / "x.ttl")
    rdf = rdflib.Graph().parse(path, format="turtle")
    (url,) = rdf.objects(None, SDO.url)
    assert str(url) == "https://e.org/a b<c>" and url.datatype == rdflib.XSD.anyURI
