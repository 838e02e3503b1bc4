"""Issue 26, everyday correctness: what users met reading feeds and sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli.app import main
from kgraph.errors import FeedError
from kgraph.ingest.feeds import parse_feed
from kgraph.ingest.fetch import fetch_url
from kgraph.ingest.sources import expand

pytestmark = pytest.mark.issue(26)

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Blog</title><id>urn:x</id><updated>2024-05-06T10:00:00Z</updated>
  <author><name>Jane Doe</name></author>
  <entry><title>Docker tips</title><link href="https://e.org/1"/><id>https://e.org/1</id>
    <updated>2024-05-06T10:00:00Z</updated><content>Docker and Kubernetes.</content></entry>
  <entry><title>Go tips</title><link href="https://e.org/2"/><id>https://e.org/2</id>
    <updated>2024-05-06T10:00:00Z</updated><author><name>Bob</name></author>
    <content>Go.</content></entry>
</feed>"""


def test_atom_feed_author_is_each_entrys_without_one() -> None:
    parsed = parse_feed(ATOM, "blog.xml")
    assert [a.authors for a in parsed.articles] == [("Jane Doe",), ("Bob",)]
    assert not any("no author" in w for w in parsed.warnings)


def test_rss_channel_editor_is_not_an_author() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>'
        b"<managingEditor>ed@e.org (Ed)</managingEditor><item><title>T</title>"
        b"<link>https://e.org/1</link></item></channel></rss>"
    )
    assert parse_feed(rss, "b.xml").articles[0].authors == ()


def _build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args, "--no-cache"])
    return result.exit_code, result.stderr


def test_opml_with_only_refused_subscriptions_fails(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline xmlUrl="file:///etc/passwd"/><outline xmlUrl="ftp://x.org/f"/></body></opml>'
    )
    code, err = _build(str(opml), "-o", str(tmp_path / "out"))
    assert code == 2
    assert err.count("only http(s) URLs are read from OPML") == 2
    # with a good feed beside it: outputs written, exit 1
    feed = tmp_path / "blog.xml"
    feed.write_bytes(ATOM)
    code, err = _build(str(opml), str(feed), "-o", str(tmp_path / "out"))
    assert code == 1 and "error: " in err and (tmp_path / "out" / "graph.graphml").exists()


def test_empty_folder_is_a_failed_input_said_without_v(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, err = _build(str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert code == 2
    assert f"error: {tmp_path / 'empty'}: folder holds no feed files" in err
    feed = tmp_path / "blog.xml"
    feed.write_bytes(ATOM)
    code, err = _build(str(tmp_path / "empty"), str(feed), "-o", str(tmp_path / "out"))
    assert code == 1 and "folder holds no feed files" in err
    with pytest.raises(FeedError, match="folder holds no feed files"):
        expand([str(tmp_path / "empty")])


def test_verbose_prints_each_warning_once(tmp_path: Path) -> None:
    feed = tmp_path / "blog.xml"
    feed.write_bytes(
        ATOM.replace(b"<author><name>Bob</name></author>", b"").replace(
            b"<author><name>Jane Doe</name></author>", b""
        )
    )
    code, err = _build(str(feed), "-o", str(tmp_path / "out"), "-v")
    assert code == 0
    lines = [line for line in err.splitlines() if "have no author" in line]
    assert len(lines) == 1 and lines[0].startswith("warning: "), err


def test_remote_opml_says_it_is_not_read(feed_server, monkeypatch) -> None:
    opml = b'<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="https://e.org/f"/></body></opml>'
    url = feed_server.base + "/subs.opml"
    with pytest.raises(FeedError) as err:
        parse_feed(opml, url, base_url=url)
    assert "OPML lists are read from local files only: save it and pass the file" in str(err.value)
    assert "as a source on its own" not in str(err.value)


def test_redirect_to_a_refused_address_names_the_url_passed(feed_server, monkeypatch) -> None:
    monkeypatch.setattr(
        "kgraph.ingest.fetch.urljoin", lambda base, loc: "http://169.254.169.254/latest/"
    )
    url = feed_server.base + "/loop"
    with pytest.raises(FeedError) as err:
        fetch_url(url)
    assert err.value.where == url
    assert "redirected to 'http://169.254.169.254/latest/': refused" in err.value.what


def test_a_folder_1000_levels_deep_builds(tmp_path: Path) -> None:
    """`Path.rglob` recursed once per level: RecursionError, and the build lost."""
    import os

    top = tmp_path / "corpus"
    top.mkdir()
    deep = str(top)
    for _ in range(1000):
        deep = os.path.join(deep, "d")
        os.mkdir(deep)
    Path(deep, "blog.xml").write_bytes(ATOM)
    (top / "near.xml").write_bytes(ATOM.replace(b"https://e.org/", b"https://f.org/"))
    try:
        result = CliRunner().invoke(
            main,
            ["build", str(top), "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c")],
        )
        assert result.exit_code == 0, result.stderr
        assert "4 articles from 2 feeds" in result.stdout
    finally:  # pytest's own clean-up of old temporary folders recurses too
        os.remove(os.path.join(deep, "blog.xml"))
        while deep != str(top):
            os.rmdir(deep)
            deep = os.path.dirname(deep)


# What docs/robustness.md says, held by a test (issue 26: it says only what is tested)


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_with_or_without_bom_is_read(encoding: str) -> None:
    rss = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>T'
        "</title><item><title>Ünïcode Go</title><link>https://e.org/1</link></item></channel></rss>"
    )
    parsed = parse_feed(rss.encode(encoding), "f.xml")
    assert [a.title for a in parsed.articles] == ["Ünïcode Go"]


def test_relative_links_resolve_against_xml_base() -> None:
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
        b'xml:base="https://blog.example.org/posts/"><title>B</title><id>urn:b</id>'
        b'<entry><title>Rel</title><link href="go-tips"/><id>urn:1</id>'
        b"<updated>2024-05-06T10:00:00Z</updated><content>x</content></entry></feed>"
    )
    assert [a.url for a in parse_feed(atom, "f.xml").articles] == [
        "https://blog.example.org/posts/go-tips"
    ]


@pytest.mark.parametrize("address", ["100.100.100.200", "192.0.0.192", "::ffff:100.100.100.200"])
def test_metadata_addresses_refused(monkeypatch, address: str) -> None:
    monkeypatch.setattr("kgraph.ingest.fetch._resolve_host", lambda host: {address})
    with pytest.raises(FeedError, match="a link-local or cloud-metadata address"):
        fetch_url("http://metadata.example/latest/")


def test_links_to_folders_are_not_followed(tmp_path: Path) -> None:
    """A link to a folder (here to its own parent: a loop) is not walked."""
    top = tmp_path / "corpus"
    (top / "sub").mkdir(parents=True)
    (top / "sub" / "blog.xml").write_bytes(ATOM)
    (top / "sub" / "loop").symlink_to(top, target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.xml").write_bytes(ATOM)
    (top / "outside").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert [s.name for s in expand([str(top)])] == ["sub/blog.xml"]


def test_environment_proxies_are_not_used(feed_server, monkeypatch) -> None:
    """A proxy set in the environment (here a closed port) is never asked."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    data, _ = fetch_url(feed_server.base + "/feed.xml")
    assert data.startswith(b"<?xml")
