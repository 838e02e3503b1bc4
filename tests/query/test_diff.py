"""What changed between two builds, and what appeared in a period (issue 25)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import kgraph
from kgraph.cli.app import main
from kgraph.export.digest import diff_text, render_digest, term_text
from kgraph.query.diff import diff_graphs, digest
from kgraph.query.examples import tiny_graph
from kgraph.query.index import GraphIndex

pytestmark = pytest.mark.issue(25)


@pytest.fixture(scope="module")
def two_builds(samples_dir: Path, tmp_path_factory) -> tuple[Path, Path, str]:
    """A build of one bundled feed and a build of both: the second adds one feed."""
    first, second = sorted(str(p) for p in samples_dir.glob("*.xml"))
    out = tmp_path_factory.mktemp("diff")
    old = kgraph.build([first], discover=False).write(out / "old", ["graphml"])["graphml"]
    new = kgraph.build([first, second], discover=False).write(out / "new", ["json"])["json"]
    return old, new, second


def test_diff_after_adding_a_feed_reports_exactly_its_articles_and_concepts(two_builds) -> None:
    old_path, new_path, added_feed = two_builds
    old, new = kgraph.load(old_path), kgraph.load(new_path)
    result = diff_graphs(old.graph, new.graph)
    [feed] = [n for n, k in new.graph.nodes(data="kind") if k == "feed" and n not in old.graph]
    assert added_feed.endswith(Path(feed.removeprefix("feed:")).name)
    feed_articles = {a for _, a, k in new.graph.out_edges(feed, data="kind") if k == "published"}
    assert feed_articles and {a.article for a in result.articles_added} == feed_articles
    assert result.articles_removed == [] and result.concepts_removed == []
    # the concepts whose counts changed are those the new articles mention, by as many
    mentioned = Counter(c for a in feed_articles for c in new.index.mentions[a])
    assert {c.concept: c.delta for c in result.count_changes} == dict(mentioned)
    assert all(c.after == c.before + c.delta for c in result.count_changes)
    assert set(result.concepts_added) == {c for c in mentioned if c not in old.index.postings}
    assert result.feeds_added == [feed.removeprefix("feed:")] and result.feeds_removed == []
    assert result.rose == result.count_changes[:10] and result.fell == []
    assert result.new_pairs  # the new feed brings pairs the old build did not have


def test_diff_command_text_and_json(two_builds) -> None:
    old_path, new_path, _ = two_builds
    runner = CliRunner()
    result = runner.invoke(main, ["diff", str(old_path), str(new_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["articles_added"]) == 20 and data["articles_removed"] == []
    assert {"concept", "name", "before", "after", "delta"} <= set(data["rose"][0])
    text = runner.invoke(main, ["diff", str(old_path), str(new_path)])
    assert text.exit_code == 0 and text.stdout.startswith("articles: +20 -0")
    same = runner.invoke(main, ["diff", str(old_path), str(old_path)])
    assert same.exit_code == 0 and "no change" in same.stdout


def test_digest_lists_the_period_and_new_concepts() -> None:
    idx = GraphIndex(tiny_graph())
    d = digest(idx, "2024-03")
    assert [a.title for a in d.articles] == ["Lambda layers", "S3 versioning"]
    assert [c.concept for c in d.top] == ["amazon-s3", "aws-lambda"]
    assert [c.concept for c in d.new] == ["aws-lambda"]  # S3 was mentioned in January
    assert [a.title for a in digest(idx, "2024-01", "2024-01").articles] == ["S3 replication"]
    text = render_digest(d, "text")
    assert text.startswith("2 article(s) since 2024-03") and "Lambda layers" in text
    md = render_digest(d, "markdown")
    assert "## New concepts" in md and "[Lambda layers](<https://e.org/layers>)" in md
    page = render_digest(d, "html")
    assert page.startswith("<!DOCTYPE html>") and 'href="https://e.org/layers"' in page


def test_digest_and_diff_escape_feed_text() -> None:
    g = tiny_graph()
    node = "article:https://e.org/layers"
    g.nodes[node]["title"] = "\x1b[31mred\x1b[0m <b>*bold*</b>"
    g.nodes[node]["url"] = "javascript:alert(1)"
    d = digest(GraphIndex(g), "2024-03")
    assert "\x1b" not in render_digest(d, "text")
    page = render_digest(d, "html")
    assert "<b>*bold" not in page and "&lt;b&gt;*bold*&lt;/b&gt;" in page
    assert "javascript" not in page and 'href="index.html' not in page
    md = render_digest(d, "markdown")
    assert "<b>" not in md and "\\*bold\\*" in md and "javascript" not in md
    assert "\x1b" not in diff_text(diff_graphs(tiny_graph(), g))
    assert term_text("a\u202eb") == "a b"


def test_digest_command(tmp_path) -> None:
    sample = kgraph.build()
    graph = sample.write(tmp_path, ["graphml"])["graphml"]
    runner = CliRunner()
    result = runner.invoke(main, ["digest", "--since", "2024-09", "--graph", str(graph)])
    assert result.exit_code == 0 and "article(s) since 2024-09" in result.stdout
    out = tmp_path / "digest.html"
    result = runner.invoke(
        main,
        ["digest", "--since", "2024", "--format", "html", "-o", str(out), "--graph", str(graph)],
    )
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = runner.invoke(main, ["digest", "--since", "last week", "--graph", str(graph)])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --since")
