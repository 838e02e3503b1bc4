"""The streaming GraphML and JSON writers write exactly what networkx wrote
for the sorted copy of the graph (issue 7: writing must not dominate a build)."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from kgraph.export.graphml import check_types, read_graphml, sorted_copy, write_graphml
from kgraph.export.json import read_json, write_json
from kgraph.export.style import decorate

pytestmark = pytest.mark.issue(7)


def _networkx_bytes(graph: nx.MultiDiGraph, path) -> bytes:
    out = sorted_copy(graph)
    check_types(out)
    with open(path, "wb") as fh:
        nx.write_graphml_xml(
            out,
            fh,
            encoding="utf-8",
            prettyprint=True,
            named_key_ids=False,
            edge_id_from_attribute=None,
        )
    return path.read_bytes()


def _tricky() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.graph.update(built="2024-01-01T00:00:00Z", kgraph_version="1")
    g.add_node("b<&>\"'\n", w=1, s='t\x01<&>"\nz', empty="")
    g.add_node("c", w=2.5, flag=True, tags=["x", "y"], none=None)
    g.add_node("a")  # no attributes
    g.add_edge("c", "a", key="z-1", kind="x", n=1)
    g.add_edge("b<&>\"'\n", "c", key="k-1", kind="x", n="str")
    g.add_edge("c", "c", key="k-2")
    g.add_edge("c", "a", key="a-1", kind="y", weight=0.25)
    return g


@pytest.mark.parametrize("decorated", [False, True])
@pytest.mark.parametrize("name", ["empty", "tricky", "samples"])
def test_same_bytes_as_networkx(name, decorated, sample_kg, tmp_path):
    graph = {"empty": nx.MultiDiGraph(), "tricky": _tricky(), "samples": sample_kg.graph}[name]
    ours = write_graphml(graph, tmp_path / "ours.graphml", decorated=decorated).read_bytes()
    reference = decorate(graph) if decorated else graph
    assert ours == _networkx_bytes(reference, tmp_path / "nx.graphml")
    back = read_graphml(tmp_path / "ours.graphml")
    assert back.number_of_edges() == graph.number_of_edges()
    assert set(back.nodes) == {str(n) for n in graph.nodes}


def test_tricky_values_read_back(tmp_path):
    back = read_graphml(write_graphml(_tricky(), tmp_path / "g.graphml"))
    assert back.nodes["c"]["w"] == 2.5 and back.nodes["b<&>\"'\n"]["w"] == 1.0  # int+float → double
    assert back.nodes["b<&>\"'\n"]["s"] == 't<&>"\nz'  # XML-invalid \x01 removed
    assert back.nodes["c"]["tags"] == "x|y" and back.nodes["c"]["flag"] == 1
    assert back.edges["b<&>\"'\n", "c", "k-1"]["n"] == "str"
    assert back.edges["c", "a", "z-1"]["n"] == "1"  # int+str on one attribute → string


def _networkx_json(graph: nx.MultiDiGraph, path) -> bytes:
    data = nx.node_link_data(sorted_copy(graph), edges="links")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
    return path.read_bytes()


@pytest.mark.parametrize("name", ["empty", "tricky", "samples"])
def test_json_same_bytes_as_networkx(name, sample_kg, tmp_path):
    graph = {"empty": nx.MultiDiGraph(), "tricky": _tricky(), "samples": sample_kg.graph}[name]
    ours = write_json(graph, tmp_path / "ours.json").read_bytes()
    assert ours == _networkx_json(graph, tmp_path / "nx.json")
    back = read_json(tmp_path / "ours.json")
    assert sorted(back.edges(keys=True)) == sorted(graph.edges(keys=True))
