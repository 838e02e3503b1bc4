"""Visual attributes: palette, PageRank, communities, layout, decorate (issue 9)."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from kgraph.catalogue.concepts import CONCEPT_TYPES
from kgraph.export import style
from kgraph.graph import analytics

pytestmark = pytest.mark.issue(9)


def _two_topics(n_articles: int = 6) -> nx.MultiDiGraph:
    """Two groups of concepts, each mentioned by its own articles and author."""
    g = nx.MultiDiGraph()
    k = 0
    for group, concepts in (("x", ["x1", "x2", "x3"]), ("y", ["y1", "y2", "y3"])):
        g.add_node(f"author:{group}", kind="author", label=group)
        for c in concepts:
            g.add_node(f"concept:{c}", kind="concept", label=c, type="tool")
        for i in range(n_articles):
            art = f"article:{group}{i}"
            g.add_node(art, kind="article", label=art)
            k += 1
            g.add_edge(f"author:{group}", art, key=f"wrote-{k}", kind="wrote")
            for j, c in enumerate(concepts):
                k += 1
                g.add_edge(art, f"concept:{c}", key=f"m-{k}", kind="mentions", weight=0.9 - j / 10)
    g.add_node("tag:x", kind="tag", label="x", concept="x2")
    g.add_node("feed:lonely", kind="feed", label="nothing")
    return g


def test_palette_covers_every_concept_type():
    assert set(CONCEPT_TYPES) <= set(style.TYPE_COLOURS)
    for colour in [*style.TYPE_COLOURS.values(), *style.KIND_COLOURS.values()]:
        assert all(0 <= c <= 255 for c in style.hex_to_rgb(colour))


def test_pagerank_matches_networkx(sample_kg):
    g = sample_kg.graph
    ours = analytics.pagerank(g)
    # networkx's reference implementation, with co_occurs counted both ways as ours does
    ref_graph = nx.MultiDiGraph()
    ref_graph.add_nodes_from(g.nodes)
    for u, v, d in g.edges(data=True):
        w = d.get("weight", 1.0)
        ref_graph.add_edge(u, v, weight=w)
        if d["kind"] == "co_occurs":
            ref_graph.add_edge(v, u, weight=w)
    ref = _pagerank_python(ref_graph, tol=1e-12, max_iter=500)
    assert set(ours) == set(ref)
    assert max(abs(ours[n] - ref[n]) for n in ref) < 1e-6
    assert math.isclose(sum(ours.values()), 1.0)


def test_communities_follow_the_topics():
    comm = analytics.communities(_two_topics())
    x = {comm[f"concept:x{i}"] for i in (1, 2, 3)}
    y = {comm[f"concept:y{i}"] for i in (1, 2, 3)}
    assert len(x) == 1 and len(y) == 1 and x != y
    assert comm["article:x0"] == comm["author:x"] == comm["tag:x"] == x.pop()
    assert comm["article:y3"] == comm["author:y"] == y.pop()
    assert comm["feed:lonely"] == -1


def test_decorate_adds_typed_attributes_to_a_copy(sample_kg):
    g = sample_kg.graph
    before = {n: dict(d) for n, d in g.nodes(data=True)}
    d = style.decorate(g)
    assert {n: dict(a) for n, a in g.nodes(data=True)} == before  # input untouched
    assert set(d.nodes) == set(g.nodes)
    for node, attrs in d.nodes(data=True):
        assert all(type(attrs[k]) is int and 0 <= attrs[k] <= 255 for k in "rgb")
        assert type(attrs["x"]) is float and abs(attrs["x"]) <= analytics.LAYOUT_SCALE
        assert type(attrs["y"]) is float and abs(attrs["y"]) <= analytics.LAYOUT_SCALE
        assert type(attrs["community"]) is int and attrs["community"] >= -1
        assert type(attrs["size"]) is float and 3.0 <= attrs["size"] <= 30.0
        assert style.hex_to_rgb(style.colour_of(attrs)) == (attrs["r"], attrs["g"], attrs["b"])
        assert {k: v for k, v in attrs.items() if k in before[node]} == before[node]
    for _, _, attrs in d.edges(data=True):
        assert type(attrs["weight"]) is float and attrs["label"] == attrs["kind"]
    mentions = [a for *_, a in g.edges(data=True) if a["kind"] == "mentions"]
    assert all(type(a["weight"]) is float for a in mentions)
    lambda_ = d.nodes["concept:aws-lambda"]
    assert (lambda_["r"], lambda_["g"], lambda_["b"]) == style.hex_to_rgb(
        style.TYPE_COLOURS["aws-service"]
    )


def test_decorate_is_deterministic_and_order_independent(sample_kg):
    g = sample_kg.graph
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(reversed(list(g.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(g.edges(keys=True, data=True))))
    a, b = style.decorate(g), style.decorate(shuffled)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert dict(style.decorate(a).nodes(data=True)) == dict(a.nodes(data=True))  # idempotent


def test_large_layout_places_every_node_next_to_its_neighbours():
    g = nx.MultiDiGraph()
    for i in range(60):  # 60 concepts on a ring, 600 articles, each with its own tag
        g.add_node(f"concept:c{i}", kind="concept")
        g.add_edge(f"concept:c{i}", f"concept:c{(i + 1) % 60}", kind="co_occurs", weight=1.0)
    for a in range(600):
        g.add_edge(f"article:{a}", f"concept:c{a % 60}", kind="mentions", weight=0.5)
        g.add_edge(f"article:{a}", f"concept:c{(a + 1) % 60}", kind="mentions", weight=0.5)
        g.add_edge(f"article:{a}", f"tag:{a}", kind="tagged")
    g.add_edge("author:alone", "article:orphan", kind="wrote")  # no path to the rest
    pos = analytics.layout(g, exact_max=100)
    assert set(pos) == set(g.nodes)
    assert pos == analytics.layout(g, exact_max=100)
    assert all(
        math.isfinite(c) and abs(c) <= analytics.LAYOUT_SCALE for xy in pos.values() for c in xy
    )
    assert len(set(pos.values())) == len(pos)  # no two nodes on the same spot

    def dist(a: str, b: str) -> float:
        return math.dist(pos[a], pos[b])

    # a tag sits next to its article, much closer than a typical pair of nodes
    typical = sorted(dist(f"tag:{i}", f"tag:{i + 30}") for i in range(570))[285]  # across the ring
    close = sorted(dist(f"tag:{i}", f"article:{i}") for i in range(600))[300]
    assert close < typical / 5
