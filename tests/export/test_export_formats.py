"""GraphML, GEXF, Cytoscape JSON and networkx round trips of the sample graph (issue 9)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict

import networkx as nx
import pytest

import kgraph
from kgraph.export import gexf as gexf_mod
from kgraph.export.cytoscape import read_cytoscape, write_cytoscape
from kgraph.export.gexf import write_gexf
from kgraph.export.graphml import write_graphml
from kgraph.export.json import write_json
from kgraph.export.style import decorate, hex_to_rgb

pytestmark = pytest.mark.issue(9)

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"


@pytest.fixture(scope="module")
def decorated(sample_kg) -> nx.MultiDiGraph:
    return decorate(sample_kg.graph)


def _assert_same(expected: nx.MultiDiGraph, got: nx.MultiDiGraph) -> None:
    """Same nodes, edges with keys, attribute values *and* types."""
    assert set(got.nodes) == set(expected.nodes)
    assert set(got.edges(keys=True)) == set(expected.edges(keys=True))
    for node, attrs in expected.nodes(data=True):
        back = got.nodes[node]
        assert back == attrs, node
        assert {k: type(v) for k, v in back.items()} == {k: type(v) for k, v in attrs.items()}
    for u, v, key, attrs in expected.edges(keys=True, data=True):
        back = got.edges[u, v, key]
        assert back == attrs, key
        assert {k: type(x) for k, x in back.items()} == {k: type(x) for k, x in attrs.items()}


def test_graphml_round_trip_keeps_values_and_types(sample_kg, decorated, tmp_path):
    path = sample_kg.write_graphml(tmp_path / "g.graphml")
    loaded = kgraph.load(path).graph
    assert type(loaded) is nx.MultiDiGraph
    _assert_same(decorated, loaded)
    assert loaded.graph == sample_kg.graph.graph
    # kg.graph itself stays the plain schema
    assert not any("x" in d or "community" in d for _, d in sample_kg.graph.nodes(data=True))
    # ints stay ints (the classic GraphML pitfall is them coming back as floats or strings)
    concept = loaded.nodes["concept:aws-lambda"]
    assert type(concept["article_count"]) is int and type(concept["community"]) is int
    assert type(concept["pagerank"]) is float


def test_graphml_plain_write_is_the_schema_only(sample_kg, tmp_path):
    path = write_graphml(sample_kg.graph, tmp_path / "plain.graphml", decorated=False)
    _assert_same(sample_kg.graph, kgraph.load(path).graph)


def test_json_round_trip_keeps_values_and_types(sample_kg, tmp_path):
    path = write_json(sample_kg.graph, tmp_path / "g.json")
    _assert_same(sample_kg.graph, kgraph.load(path).graph)


def test_graphml_declares_each_attribute_with_one_type(sample_kg, tmp_path):
    path = sample_kg.write_graphml(tmp_path / "g.graphml")
    root = ET.parse(path).getroot()
    types: dict[str, set[str]] = defaultdict(set)
    domains: dict[tuple[str, str], str] = {}
    for key in root.iter(f"{GRAPHML}key"):
        types[key.get("attr.name")].add(key.get("attr.type"))
        domains[(key.get("for"), key.get("attr.name"))] = key.get("attr.type")
    assert {name: t for name, t in types.items() if len(t) > 1} == {}
    for name, t in {"r": "long", "g": "long", "b": "long", "community": "long"}.items():
        assert domains[("node", name)] == t
    for name in ("x", "y", "size", "pagerank"):
        assert domains[("node", name)] == "double"
    assert domains[("node", "label")] == "string"
    assert domains[("edge", "weight")] == "double"
    edge_ids = [e.get("id") for e in root.iter(f"{GRAPHML}edge")]
    assert len(edge_ids) == len(set(edge_ids)) == sample_kg.graph.number_of_edges()
    assert set(edge_ids) == {k for *_, k in sample_kg.graph.edges(keys=True)}


def test_graphml_mixed_numeric_types_are_unified_across_nodes_and_edges(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("a", kind="concept", weight=2)  # int on a node ...
    g.add_edge("a", "b", key="e-1", kind="links_to", weight=0.5)  # ... float on an edge
    path = write_graphml(g, tmp_path / "mixed.graphml", decorated=False)
    root = ET.parse(path).getroot()
    decl = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{GRAPHML}key")
    }
    assert decl[("node", "weight")] == decl[("edge", "weight")] == "double"
    assert kgraph.load(path).graph.nodes["a"]["weight"] == 2.0


def test_gexf_has_viz_attributes_and_edge_ids(sample_kg, decorated, tmp_path):
    path = write_gexf(sample_kg.graph, tmp_path / "g.gexf")
    back = nx.read_gexf(path)
    assert set(back.nodes) == set(decorated.nodes)
    assert set(back.edges(keys=True)) == set(decorated.edges(keys=True))
    for node, attrs in decorated.nodes(data=True):
        got = back.nodes[node]
        viz = got["viz"]
        assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == (
            attrs["r"],
            attrs["g"],
            attrs["b"],
        )
        assert viz["size"] == attrs["size"]
        assert (viz["position"]["x"], viz["position"]["y"]) == (attrs["x"], attrs["y"])
        assert got["label"] == attrs["label"]
        assert got["community"] == attrs["community"] and got["pagerank"] == attrs["pagerank"]
        rest = {k: v for k, v in attrs.items() if k not in (*gexf_mod.VIZ_ATTRIBUTES, "label")}
        assert {k: got[k] for k in rest} == rest
        assert {k: type(got[k]) for k in rest} == {k: type(v) for k, v in rest.items()}
    for u, v, key, attrs in decorated.edges(keys=True, data=True):
        got = back.edges[u, v, key]
        assert (
            got["id"] == key and got["weight"] == attrs["weight"] and got["kind"] == attrs["kind"]
        )
    root = ET.parse(path).getroot()
    titles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for block in root.iter(f"{GEXF}attributes"):
        for a in block.iter(f"{GEXF}attribute"):
            titles[(block.get("class"), a.get("title"))].add(a.get("type"))
    assert all(len(t) == 1 for t in titles.values())


def test_gexf_write_is_atomic(sample_kg, tmp_path, monkeypatch):
    path = write_gexf(sample_kg.graph, tmp_path / "g.gexf")
    before = path.read_bytes()

    def broken(self, fh):
        fh.write(b"<gexf half written")
        raise RuntimeError("disk full")

    monkeypatch.setattr(gexf_mod.GEXFWriter, "write", broken)
    with pytest.raises(RuntimeError):
        write_gexf(sample_kg.graph, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["g.gexf"]


def test_cytoscape_json_elements_and_positions(sample_kg, decorated, tmp_path):
    path = write_cytoscape(sample_kg.graph, tmp_path / "g.cyjs")
    doc = json.loads(path.read_text(encoding="utf-8"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert len(nodes) == decorated.number_of_nodes()
    assert len(edges) == decorated.number_of_edges()
    ids = {n["data"]["id"] for n in nodes}
    assert ids == set(decorated.nodes)
    for n in nodes:
        attrs = decorated.nodes[n["data"]["id"]]
        assert n["position"] == {"x": attrs["x"], "y": -attrs["y"] + 0.0}
        assert hex_to_rgb(n["data"]["color"]) == (attrs["r"], attrs["g"], attrs["b"])
        assert n["data"]["label"] == attrs["label"] and n["data"]["kind"] == attrs["kind"]
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    _assert_same(decorated, read_cytoscape(path))
