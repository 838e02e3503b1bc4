"""End-to-end on the two bundled feeds, with facts a reader can check in them."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

import kgraph

LAYERS = "https://forem.com/aws-builders/mastering-aws-lambda-layers-build-deploy-and-manage-reusable-components-444c"
CHANNELS = "https://blog.arishahmad.in/go-channels-complete-guide-to-communication-patterns-in-go"


def mentioned(kg, url):
    node = f"article:{url}"
    return {
        v.removeprefix("concept:")
        for _, v, k in kg.graph.out_edges(node, data="kind")
        if k == "mentions"
    }


def test_counts(sample_kg):
    s = sample_kg.summary()
    assert s["articles"] == 31
    assert s["authors"] == 2
    assert s["feeds"] == 2
    assert sample_kg.report.errors == []


def test_lambda_layers_article_mentions_aws_lambda(sample_kg):
    assert sample_kg.graph.has_node(f"article:{LAYERS}")
    assert {"aws-lambda", "lambda-layers"} <= mentioned(sample_kg, LAYERS)


def test_go_channels_article(sample_kg):
    found = mentioned(sample_kg, CHANNELS)
    assert {"go", "go-channel", "go-goroutine"} <= found
    edges = sample_kg.graph.get_edge_data(f"article:{CHANNELS}", "concept:go-channel")
    (data,) = edges.values()
    assert data["weight"] > 0.9  # what the article is about


def test_top_concepts_are_what_articles_are_about(sample_kg):
    g = sample_kg.graph
    for url, expected in [(CHANNELS, "go-channel"), (LAYERS, "lambda-layers")]:
        weights = {
            v: d["weight"]
            for _, v, d in g.out_edges(f"article:{url}", data=True)
            if d["kind"] == "mentions"
        }
        top3 = sorted(weights, key=weights.get, reverse=True)[:3]
        assert f"concept:{expected}" in top3


def test_graphml_round_trip(sample_kg, tmp_path):
    path = sample_kg.write_graphml(tmp_path / "g.graphml")
    g = nx.read_graphml(path, force_multigraph=True)
    assert g.number_of_nodes() == sample_kg.graph.number_of_nodes()
    assert g.number_of_edges() == sample_kg.graph.number_of_edges()
    text = path.read_text()
    ids = re.findall(r"<edge [^>]*\bid=\"([^\"]+)\"", text)
    assert len(ids) == len(set(ids)) == sample_kg.graph.number_of_edges()
    loaded = kgraph.load(path)
    assert set(loaded.graph.edges(keys=True)) == set(sample_kg.graph.edges(keys=True))
    assert loaded.summary() == sample_kg.summary()


def test_json_round_trip(sample_kg, tmp_path):
    path = sample_kg.write_json(tmp_path / "g.json")
    data = json.loads(path.read_text())
    assert len(data["nodes"]) == sample_kg.graph.number_of_nodes()
    assert len(data["links"]) == sample_kg.graph.number_of_edges()
    assert kgraph.load(path).summary() == sample_kg.summary()


def test_outputs_are_deterministic(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a = kgraph.build().write(tmp_path / "a", ["graphml", "json"])
    b = kgraph.build().write(tmp_path / "b", ["graphml", "json"])
    for fmt in ("graphml", "json"):
        assert a[fmt].read_bytes() == b[fmt].read_bytes()


def test_unknown_format_is_an_error(sample_kg, tmp_path):
    with pytest.raises(kgraph.KgraphError, match=r"unknown format\(s\) pdf; choose from graphml"):
        sample_kg.write(tmp_path, ["pdf"])


def test_parallel_build_gives_the_same_graph(sample_kg, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one = kgraph.build().write_json(tmp_path / "one.json")
    two = kgraph.build(jobs=2).write_json(tmp_path / "two.json")
    assert one.read_bytes() == two.read_bytes()
