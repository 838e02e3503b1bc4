from __future__ import annotations

import json

from click.testing import CliRunner

from kgraph.cli.app import main
from tests.conftest import FEEDS


def test_build_defaults_to_bundled_feeds(tmp_path):
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path), "--format", "graphml,json"])
    assert result.exit_code == 0, result.output
    assert "31 articles from 2 feeds" in result.output
    assert "top concepts: AWS (" in result.output
    assert (tmp_path / "graph.graphml").is_file() and (tmp_path / "graph.json").is_file()


def test_build_page_articles_caps_the_page_not_the_graph(tmp_path):
    from tests.export.test_export_html import page_data

    args = ["build", "-o", str(tmp_path), "--format", "html,json", "--no-cache"]
    result = CliRunner().invoke(main, [*args, "--page-articles", "10"])
    assert result.exit_code == 0, result.output
    data = page_data((tmp_path / "graph.html").read_text(encoding="utf-8"))
    articles = [n for n in data["nodes"] if n["kind"] == "article"]
    assert len(articles) == 10 and data["meta"]["articles_left_out"] == 21
    kept = sorted(n.get("published", "") for n in articles)
    graph = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    dates = sorted(n.get("published", "") for n in graph["nodes"] if n["kind"] == "article")
    assert len(dates) == 31 and kept == dates[-10:]  # the most recent ten
    result = CliRunner().invoke(main, [*args, "--page-articles", "0"])
    data = page_data((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert sum(n["kind"] == "article" for n in data["nodes"]) == 31


def test_build_json_summary_and_exit_1_when_a_source_fails(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(FEEDS / "rss2.xml"),
            "/no/such.xml",
            "-o",
            str(tmp_path),
            "--format",
            "json",
            "--json",
        ],
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["articles"] == 2 and summary["errors"] == 1
    assert "error: /no/such.xml: no such file or folder" in result.stderr


def test_exit_2_when_nothing_could_be_built(tmp_path):
    bad = tmp_path / "page.xml"
    bad.write_text("<html><body>not a feed</body></html>")
    result = CliRunner().invoke(main, ["build", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (
        f"error: {bad}: not an RSS or Atom feed (root element <html>, an HTML page); pass the feed URL"
        in result.stderr
    )
    assert not (tmp_path / "out").exists()


def test_bad_format_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["build", "--format", "pdf", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown format(s) pdf" in result.output


def test_info_reads_a_built_graph(tmp_path):
    CliRunner().invoke(main, ["build", "-o", str(tmp_path), "--format", "graphml"])
    result = CliRunner().invoke(
        main, ["info", "--graph", str(tmp_path / "graph.graphml"), "--json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["articles"] == 31


def test_info_on_missing_graph_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["info", "--graph", str(tmp_path / "none.graphml")])
    assert result.exit_code == 2
    assert "build one first with `kgraph build`" in result.output


def test_view_prints_the_path_without_a_browser(tmp_path, monkeypatch):
    import webbrowser

    page = tmp_path / "graph.html"
    page.write_text("<html></html>")

    def no_browser(*args, **kwargs):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    result = CliRunner().invoke(main, ["view", str(page)])
    assert result.exit_code == 0
    assert f"no browser found; open this file: {page.resolve()}" in result.output


def test_view_missing_page(tmp_path):
    result = CliRunner().invoke(main, ["view", str(tmp_path / "nope.html")])
    assert result.exit_code == 2
    assert "no such page; write one with `kgraph build --format html`" in result.output


def test_a_reset_cache_is_one_warning_line_not_counted_again(tmp_path):
    """A cache of another schema is reported once, as its own line; the
    "N warning(s); run with -v" line counts only warnings not shown."""
    import sqlite3

    from kgraph.pipeline.cache import CACHE_FILE

    cache = tmp_path / "cache"
    cache.mkdir()
    db = sqlite3.connect(cache / CACHE_FILE)
    db.execute("CREATE TABLE meta (a, b)")
    db.commit()
    db.close()
    args = ["build", "-o", str(tmp_path / "out"), "--format", "json", "--cache-dir", str(cache)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.count("it was reset and will be rebuilt") == 1
    assert "run with -v to see them" not in result.output
    again = CliRunner().invoke(main, args)
    assert "build cache" not in again.output and "warning" not in again.output
