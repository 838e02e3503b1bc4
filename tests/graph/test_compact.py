"""CompactMultiDiGraph must behave exactly as a networkx.MultiDiGraph."""

from __future__ import annotations

import copy
import io
import json
import pickle

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from kgraph.graph.compact import CompactMultiDiGraph, EdgeAttrs, EdgeKeys

NAMES = st.sampled_from(["kind", "weight", "count", "alias", "evidence", "x"])
VALUES = st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=5))
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), NAMES, VALUES),
        st.tuples(st.just("del"), NAMES, st.none()),
        st.tuples(st.just("update"), st.dictionaries(NAMES, VALUES, max_size=3), st.none()),
        st.tuples(st.just("pop"), NAMES, st.none()),
    ),
    max_size=25,
)


def _apply(mapping, ops):
    for op, a, b in ops:
        if op == "set":
            mapping[a] = b
        elif op == "update":
            mapping.update(a)
        elif op in ("del", "pop"):
            try:
                if op == "del":
                    del mapping[a]
                else:
                    mapping.pop(a)
            except KeyError:
                pass
    return mapping


@given(OPS)
@settings(max_examples=200, deadline=None)
def test_edge_attrs_behave_as_a_dict(ops):
    ref, got = _apply({}, ops), _apply(EdgeAttrs(), ops)
    assert got == ref and ref == dict(got)
    assert list(got) == list(ref) and list(got.items()) == list(ref.items())
    assert len(got) == len(ref)
    for name in ("kind", "weight", "nope"):
        assert (name in got) == (name in ref)
        assert got.get(name, 7) == ref.get(name, 7)
    assert pickle.loads(pickle.dumps(got)) == ref
    assert copy.deepcopy(got) == ref and got.copy() == ref


@given(st.lists(st.tuples(st.sampled_from(["set", "del"]), st.integers(0, 3)), max_size=20))
@settings(max_examples=200, deadline=None)
def test_edge_keys_behave_as_a_dict(ops):
    ref: dict = {}
    got = EdgeKeys()
    for op, key in ops:
        for m in (ref, got):
            if op == "set":
                m[key] = {"k": key}
            elif key in m:
                del m[key]
    assert dict(got) == ref and list(got) == list(ref) and len(got) == len(ref)
    assert all((k in got) == (k in ref) for k in range(4))
    assert pickle.loads(pickle.dumps(got)).copy() == ref


def _pair():
    """The same small multigraph in both classes, built through networkx's API."""
    graphs = []
    for cls in (nx.MultiDiGraph, CompactMultiDiGraph):
        g = cls()
        g.add_edge("a", "b", key="m-1", kind="mentions", weight=0.5)
        g.add_edge("a", "b", key="m-2", kind="tagged")
        g.add_edge("b", "c", kind="broader")
        g.add_edge("c", "a", weight=2.0)
        g.add_edges_from([("c", "d", {"kind": "x"}), ("d", "a")])
        g.add_edge("a", "b", key="m-1", weight=0.7)  # update in place
        g.remove_edge("d", "a")
        g.edges["b", "c", 0]["label"] = "is-a"
        graphs.append(g)
    return graphs


def _dump(g):
    return sorted(
        (u, v, str(k), sorted(dict(d).items())) for u, v, k, d in g.edges(keys=True, data=True)
    )


def test_graph_operations_agree_with_networkx():
    ref, got = _pair()
    assert _dump(got) == _dump(ref)
    assert nx.utils.graphs_equal(ref, got)
    assert _dump(got.copy()) == _dump(ref.copy()) and type(got.copy()) is CompactMultiDiGraph
    assert _dump(got.reverse()) == _dump(ref.reverse())
    assert sorted(map(str, got.to_undirected().edges(keys=True))) == sorted(
        map(str, ref.to_undirected().edges(keys=True))
    )
    assert _dump(pickle.loads(pickle.dumps(got))) == _dump(ref)
    assert _dump(copy.deepcopy(got)) == _dump(ref)
    assert _dump(got.subgraph(["a", "b"])) == _dump(ref.subgraph(["a", "b"]))
    assert got.get_edge_data("a", "b") == ref.get_edge_data("a", "b")
    assert got.number_of_edges("a", "b") == 2 and got.has_edge("a", "b", "m-2")
    # pure-Python algorithms that read edge data (nx.pagerank needs scipy)
    assert nx.betweenness_centrality(got, weight="weight") == nx.betweenness_centrality(
        ref, weight="weight"
    )
    assert dict(got.out_degree(weight="weight")) == dict(ref.out_degree(weight="weight"))
    assert json.dumps(nx.node_link_data(got, edges="links"), sort_keys=True) == json.dumps(
        nx.node_link_data(ref, edges="links"), sort_keys=True
    )
    out_got, out_ref = io.BytesIO(), io.BytesIO()
    nx.write_graphml(got, out_got)
    nx.write_graphml(ref, out_ref)
    assert out_got.getvalue() == out_ref.getvalue()
    got.remove_edges_from([("a", "b", "m-1"), ("a", "b", "m-2")])
    ref.remove_edges_from([("a", "b", "m-1"), ("a", "b", "m-2")])
    assert _dump(got) == _dump(ref) and not got.has_edge("a", "b")


def test_built_graph_is_compact_and_plain_when_loaded(sample_kg, tmp_path):
    import kgraph

    assert isinstance(sample_kg.graph, CompactMultiDiGraph)
    loaded = kgraph.load(sample_kg.write_json(tmp_path / "g.json"))
    assert _dump(loaded.graph) == _dump(sample_kg.graph)


def test_edges_sharing_values_are_independent():
    import kgraph

    g = kgraph.build().graph
    first, second = [
        (u, v, k) for u, v, k, kind in g.edges(keys=True, data="kind") if kind == "tagged"
    ][:2]
    g.edges[first]["weight"] = 3.0
    g.edges[first]["kind"] = "changed"
    assert dict(g.edges[second]) == {"kind": "tagged"}
    assert dict(g.edges[first]) == {"kind": "changed", "weight": 3.0}
