"""Issue 26: a graph's bytes do not depend on the order the sources are
passed in, nor on where the feeds live (with SOURCE_DATE_EPOCH set)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli.app import main
from kgraph.ingest.sources import SAMPLES_DIR

pytestmark = pytest.mark.issue(26)

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"


def _build(tmp: Path, sources: list[str], out: str) -> tuple[bytes, bytes]:
    result = CliRunner().invoke(
        main, ["build", *sources, "-o", str(tmp / out), "--format", "graphml,json", "--no-cache"]
    )
    assert result.exit_code == 0, result.stderr
    return (tmp / out / "graph.graphml").read_bytes(), (tmp / out / "graph.json").read_bytes()


def test_shuffled_and_moved_sources_give_the_same_bytes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    corpus = tmp_path / "here" / "corpus"
    (corpus / "more").mkdir(parents=True)
    for p in FEEDS.iterdir():
        if p.suffix in (".xml", ".rdf"):
            shutil.copy(p, corpus / p.name)
    for p in SAMPLES_DIR.glob("*.xml"):
        shutil.copy(p, corpus / "more" / p.name)
    names = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file())
    assert len(names) >= 6
    first = _build(tmp_path, [str(corpus / n) for n in names], "a")

    moved = tmp_path / "elsewhere" / "deeper" / "copy"
    moved.parent.mkdir(parents=True)
    shutil.move(str(corpus), str(moved))
    shuffled = names[:]
    random.Random(26).shuffle(shuffled)
    assert shuffled != names
    second = _build(tmp_path, [str(moved / n) for n in shuffled], "b")
    assert first[0] == second[0]
    assert first[1] == second[1]
    # no path of either place is in the graph
    for data in (*first, *second):
        assert str(tmp_path).encode() not in data

    # a folder: each feed named by its path inside it, wherever the folder is
    whole = _build(tmp_path, [str(moved)], "c")
    shutil.move(str(moved), str(tmp_path / "copy"))
    assert _build(tmp_path, [str(tmp_path / "copy")], "d") == whole
    assert b"more/" in whole[1] or b"forem" in whole[1]


def test_a_cached_file_read_under_another_name_takes_the_new_name(tmp_path: Path) -> None:
    """The cache knows a file it saw unchanged by its path and the name it was
    read under: passed as itself after being read in a folder, it is named anew."""
    import networkx as nx

    folder = tmp_path / "corpus" / "sub"
    folder.mkdir(parents=True)
    feed = folder / "atom.xml"
    shutil.copy(FEEDS / "rss2.xml", feed)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    for source, name in ((tmp_path / "corpus", "sub/atom.xml"), (feed, "atom.xml")):
        out = tmp_path / name.replace("/", "_")
        result = CliRunner().invoke(
            main, ["build", str(source), "-o", str(out), "--format", "json", *cache]
        )
        assert result.exit_code == 0, result.stderr
        graph = nx.node_link_graph(
            __import__("json").loads((out / "graph.json").read_text()), edges="links"
        )
        feeds = {d["feed"] for _, d in graph.nodes(data=True) if d.get("kind") == "article"}
        assert feeds == {name}
