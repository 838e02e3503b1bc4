from __future__ import annotations

import shutil

import pytest

from kgraph.errors import FeedError
from kgraph.sources import Limits, expand, fetch_url, read_source

from .conftest import FEEDS


def test_folder_is_walked_recursively_and_sorted(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(FEEDS / "rss2.xml", tmp_path / "a" / "b" / "z.xml")
    shutil.copy(FEEDS / "atom.xml", tmp_path / "a" / "feed.atom")
    (tmp_path / "notes.txt").write_text("not a feed")
    sources = expand([str(tmp_path)])
    assert [s.location.rsplit("/", 1)[1] for s in sources] == ["z.xml", "feed.atom"]
    assert {s.kind for s in sources} == {"file"}


def test_missing_path_is_one_clear_error():
    errors: list[str] = []
    assert expand(["/no/such/feed.xml"], errors) == []
    assert errors == ["/no/such/feed.xml: no such file or folder"]


def test_unsupported_scheme_is_refused():
    with pytest.raises(FeedError, match="unsupported URL scheme 'ftp'"):
        expand(["ftp://example.org/feed.xml"])


def test_opml_lists_only_http_feeds(tmp_path, feed_server):
    opml = tmp_path / "subs.opml"
    port = feed_server.rsplit(":", 1)[1]
    opml.write_text((FEEDS / "subscriptions.opml").read_text().replace("PORT", port))
    sources = expand([str(opml)])
    assert [s.location for s in sources] == [f"{feed_server}/rss2.xml", f"{feed_server}/atom.xml"]
    assert all(s.kind == "url" for s in sources)


def test_fetch_follows_redirects_within_limit(feed_server):
    data, final = fetch_url(f"{feed_server}/redirect/3")
    assert final == f"{feed_server}/rss2.xml"
    assert b"<rss" in data


def test_fetch_redirect_limit(feed_server):
    with pytest.raises(FeedError, match="more than 5 redirects"):
        fetch_url(f"{feed_server}/loop")


def test_fetch_refuses_redirect_to_file(feed_server):
    with pytest.raises(FeedError, match="non-http"):
        fetch_url(f"{feed_server}/to-file")


def test_fetch_size_cap_stops_streaming(feed_server):
    with pytest.raises(FeedError, match="over the 100,000-byte limit"):
        fetch_url(f"{feed_server}/big", Limits(max_feed_bytes=100_000))


def test_fetch_http_error_names_url(feed_server):
    with pytest.raises(FeedError) as err:
        fetch_url(f"{feed_server}/missing")
    assert str(err.value) == f"{feed_server}/missing: HTTP 404 Not Found"


def test_file_size_cap(tmp_path):
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(FeedError, match="larger than the 1,000-byte limit"):
        read_source(expand([str(big)])[0], Limits(max_feed_bytes=1000))


def test_link_local_hosts_are_refused(monkeypatch):
    import socket

    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("169.254.169.254", 0))]
    )
    with pytest.raises(FeedError, match="link-local"):
        fetch_url("http://metadata.internal/latest/meta-data/")
