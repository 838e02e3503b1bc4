"""The Python API (kgraph.api): build, read_articles, load, and the build's
summary; read_articles and build read feeds through one loop
(kgraph.pipeline.feed_stream), so they count the same (issue 19)."""

from __future__ import annotations

import json

import pytest

from kgraph import api
from kgraph.errors import KgraphError
from tests.conftest import FEEDS

pytestmark = pytest.mark.issue(19)


def test_read_articles_reads_what_a_build_reads(sample_kg):
    feeds, articles, report = api.read_articles()
    assert len(feeds) == report.feeds == sample_kg.report.feeds == 2
    assert len(articles) == report.articles == sample_kg.report.articles
    assert report.duplicates == sample_kg.report.duplicates
    assert report.sources == sample_kg.report.sources
    built = {d["url"] for _, d in sample_kg.graph.nodes(data=True) if d.get("kind") == "article"}
    assert {a.url for a in articles} == built


def test_read_articles_and_build_report_a_missing_source_the_same(tmp_path):
    missing = str(tmp_path / "none.xml")
    copy = tmp_path / "copy.xml"  # the same articles again, from another file
    copy.write_bytes((FEEDS / "rss2.xml").read_bytes())
    sources = [str(FEEDS / "rss2.xml"), missing, str(copy)]
    _, articles, read = api.read_articles(sources)
    built = api.build(sources).report
    assert read.errors == built.errors == [f"{missing}: no such file or folder"]
    assert (read.sources, read.feeds, read.articles, read.duplicates) == (
        built.sources,
        built.feeds,
        built.articles,
        built.duplicates,
    )
    assert (read.sources, read.feeds) == (2, 2)  # the missing file is no source
    assert read.duplicates == len(articles) > 0  # the copy adds nothing


def test_build_summary_adds_what_the_build_did(sample_kg, tmp_path):
    written = sample_kg.write(tmp_path, ["json"])
    summary = sample_kg.build_summary(written)
    assert {k: summary[k] for k in sample_kg.summary()} == sample_kg.summary()
    assert summary["files"] == {"json": str(tmp_path / "graph.json")}
    assert summary["errors"] == summary["warnings"] == summary["duplicates"] == 0
    assert summary["cache"] == {"hits": 0, "misses": 0}
    assert json.loads(json.dumps(summary)) == summary


def test_an_unknown_engine_is_an_error():
    with pytest.raises(KgraphError, match="unknown engine 'spark'"):
        api.build(engine="spark")


def test_load_gives_the_built_graph_back(sample_kg, tmp_path):
    written = sample_kg.write(tmp_path, ["graphml", "json"])
    for path in written.values():
        assert api.load(path).summary() == sample_kg.summary()


def test_sources_may_be_paths():
    """A pathlib.Path, alone or in a list, is a source like its string."""
    feed = FEEDS / "rss2.xml"
    _, by_path, _ = api.read_articles(feed)
    _, by_list, _ = api.read_articles([feed])
    _, by_str, _ = api.read_articles(str(feed))
    assert [a.url for a in by_path] == [a.url for a in by_list] == [a.url for a in by_str]
    assert by_path
    assert api.build([feed]).report.articles == len(by_str)
