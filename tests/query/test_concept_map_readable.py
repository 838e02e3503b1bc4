"""Concept maps people can read (issue 23): a backbone in named clusters,
laid out for reading, drawn as SVG/PNG."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kgraph.cli.app import main
from kgraph.export.concept_map import write_concept_map
from kgraph.export.map_layout import map_layout
from kgraph.graph.palette import GROUP_COLOURS, colour_of, hex_to_rgb
from kgraph.query.concept_map import communities_of

pytestmark = pytest.mark.issue(23)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_default_map_is_a_readable_backbone(sample_kg) -> None:
    m = sample_kg.concept_map()
    n, e = m.number_of_nodes(), m.number_of_edges()
    assert n >= 30
    assert 2 * e / n <= 3.0  # at most three edges per node, on average
    assert all(m.degree(v) > 0 for v in m)  # no isolated node drawn
    sizes = Counter(d["community"] for _, d in m.nodes(data=True))
    assert max(sizes.values()) <= 0.25 * n
    full = m.graph["co_occurring_pairs"]
    assert e < full  # a backbone, not every co-occurrence
    for c in communities_of(m):
        if c.size >= 3:
            assert c.label and "cluster" not in c.label.lower()
    # each cluster's backbone is connected (a spanning tree is kept)
    for i in sizes:
        members = [v for v, d in m.nodes(data=True) if d["community"] == i]
        assert nx.is_connected(m.subgraph(members).to_undirected())


def test_generic_concepts_hidden_unless_kept(sample_kg) -> None:
    m = sample_kg.concept_map()
    generic = m.graph["generic"].split("|")
    assert "security" in generic  # an umbrella topic
    assert "concept:security" not in m
    kept = sample_kg.concept_map(keep_generic=True)
    assert kept.graph["generic"] == ""
    assert any(f"concept:{g}" in kept for g in generic)


def test_period_maps_only_its_articles(sample_kg) -> None:
    everything = sample_kg.concept_map(min_articles=1)
    none = sample_kg.concept_map(min_articles=1, since="2999")
    assert none.number_of_nodes() == 0 and none.graph["articles"] == 0
    assert everything.graph["articles"] == len(sample_kg.index.articles)
    for _, d in everything.nodes(data=True):
        months = [int(x.split(":")[1]) for x in d["months"].split("|") if x]
        assert sum(months) <= d["article_count"]


def test_map_uses_the_one_palette(sample_kg) -> None:
    m = sample_kg.concept_map()
    for _, d in m.nodes(data=True):
        assert (d["r"], d["g"], d["b"]) == hex_to_rgb(colour_of(d))
    assert len(set(GROUP_COLOURS.values())) == len(GROUP_COLOURS) <= 10


def test_layout_labels_the_top_concepts_without_overlap(sample_kg) -> None:
    m = sample_kg.concept_map()
    lay = map_layout(m)
    top = {c.members[0] for c in lay.clusters}
    best = {v for v, d in m.nodes(data=True) if d["cluster_rank"] == 0}
    assert best <= set(lay.labels)
    assert top
    boxes = [label.box() for label in lay.labels.values()]
    boxes += [c.caption().box() for c in lay.clusters]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not _overlap(a, b)
    # clusters apart: no two discs overlap
    for i, a in enumerate(lay.clusters):
        for b in lay.clusters[i + 1 :]:
            assert (a.x - b.x) ** 2 + (a.y - b.y) ** 2 >= (a.r + b.r) ** 2


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_pictures(sample_kg, tmp_path: Path, fmt: str) -> None:
    m = sample_kg.concept_map()
    start = time.monotonic()
    path = write_concept_map(m, tmp_path, [fmt])[fmt]
    assert time.monotonic() - start < 5.0
    data = path.read_bytes()
    if fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
        return
    root = ET.fromstring(data)
    texts = "".join(root.itertext())
    for c in communities_of(m):  # cluster names as selectable text (long ones on two lines)
        assert all(part in texts for part in c.label.split(" · ")), c.label
    assert b"<text" in data and b'href="http' not in data  # nothing to fetch


def test_picture_escapes_feed_text(tmp_path: Path) -> None:
    g = nx.MultiDiGraph(kind="concept_map")
    evil = "<script>alert(1)</script> & $x^2$"
    for i, name in enumerate([evil, "B", "C"]):
        g.add_node(f"concept:{i}", kind="concept", label=name, name=name, type="tool",
                   community=0, cluster_rank=i, article_count=2, cluster_label=evil)  # fmt: skip
    g.add_edge("concept:0", "concept:1", weight=0.5)
    g.add_edge("concept:1", "concept:2", weight=0.5)
    g.graph["cluster_labels"] = evil
    written = write_concept_map(g, tmp_path, ["svg", "html"])
    path = written["svg"]
    root = ET.fromstring(path.read_bytes())  # well-formed XML
    assert "<script>alert(1)</script> & $x^2$" in "".join(root.itertext())
    assert b"<script" not in path.read_bytes()
    page = written["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "\\u003cscript\\u003ealert(1)" in page


def test_cli_map_svg_png_since(sample_kg, tmp_path: Path) -> None:
    graph = str(sample_kg.write_graphml(tmp_path / "graph.graphml"))
    out = tmp_path / "map"
    result = CliRunner().invoke(
        main, ["map", "--graph", graph, "-o", str(out), "--format", "svg,png,html"]
    )
    assert result.exit_code == 0, result.output
    assert "clusters; coloured by concept type" in result.output
    assert {p.name for p in out.iterdir()} == {
        "concept_map.svg", "concept_map.png", "concept_map.html"
    }  # fmt: skip
    # a period without articles: an empty map, still written
    empty = tmp_path / "empty"
    args = ["map", "--graph", graph, "-o", str(empty), "--since", "2999", "--format"]
    result = CliRunner().invoke(main, [*args, "svg,png,html,graphml"])
    assert result.exit_code == 0, result.output
    assert "0 concepts" in result.output and len(list(empty.iterdir())) == 4
    result = CliRunner().invoke(main, ["map", "--graph", graph, "--since", "May 2024"])
    assert result.exit_code == 2 and "YYYY" in result.output
    for bad in (["--since", "2024-13"], ["--until", "2024-02-30"]):  # the shape of a date, not one
        result = CliRunner().invoke(main, ["map", "--graph", graph, *bad])
        assert result.exit_code == 2 and "YYYY" in result.output, bad
    result = CliRunner().invoke(
        main, ["map", "--graph", graph, "--since", "2024-06", "--until", "2024-05"]
    )
    assert result.exit_code == 2 and "is after --until" in result.output


def test_map_is_the_same_in_every_process(sample_kg, tmp_path: Path) -> None:
    """Regression: a small subgraph iterates its nodes in set order, which changed
    the spanning trees and the layout with the string hash seed."""
    import os
    import subprocess
    import sys

    graph = sample_kg.write_graphml(tmp_path / "graph.graphml")
    script = (
        "import hashlib, sys, kgraph\n"
        "from kgraph.export.map_layout import map_layout\n"
        "m = kgraph.load(sys.argv[1]).concept_map()\n"
        "lay = map_layout(m)\n"
        "print(hashlib.sha256(repr((sorted(m.edges()), sorted(lay.pos.items()),"
        " sorted(lay.labels))).encode()).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[2]
    digests = {
        subprocess.run(
            [sys.executable, "-c", script, str(graph)],
            env=dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(root)),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1
