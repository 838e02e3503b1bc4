from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgraph.errors import FeedError
from kgraph.ingest.feeds import parse_feed
from tests.conftest import FEEDS


def parse(name: str):
    return parse_feed((FEEDS / name).read_bytes(), name)


def test_rss2_prefers_content_encoded_and_converts_dates_to_utc():
    feed, articles, _warnings = parse("rss2.xml")
    assert feed.title == "RSS Example"
    first = articles[0]
    assert first.id == "post-42"
    assert first.url == "https://rss.example.org/go-channels"
    assert first.title == "Go channels & goroutines"
    assert first.published == "2026-03-19T02:50:56Z"  # -0500 to UTC
    assert first.authors == ("Gopher One",)
    assert first.tags == ("golang",)
    assert "goroutine sends values" in first.html
    assert "Teaser" not in first.html


def test_unreadable_date_is_left_empty_with_a_warning():
    _, articles, warnings = parse("rss2.xml")
    assert articles[1].published == ""
    assert any("unreadable date 'not a date at all'" in w for w in warnings)


def test_duplicate_guid_in_one_feed_is_skipped():
    _, articles, warnings = parse("rss2.xml")
    assert len(articles) == 2
    assert any("duplicate of an earlier item ('post-42')" in w for w in warnings)


def test_atom_relative_links_html_title_and_self_link():
    feed, articles, _ = parse("atom.xml")
    assert feed.id == "https://atom.example.org/feed.xml"  # the feed's own URL
    a = articles[0]
    assert a.url == "https://atom.example.org/posts/k8s-jobs/"
    assert a.title == "Running Kubernetes jobs"
    assert a.published == "2024-05-01T08:00:00Z"
    assert "kubectl" in a.html
    assert articles[1].published == ""  # no date: never invented


def test_rss1():
    feed, articles, _ = parse("rss1.rdf")
    assert feed.title == "RDF Example"
    (a,) = articles
    assert (a.title, a.authors, a.published) == (
        "Caching with Redis",
        ("Rae Cache",),
        "2023-02-03T04:05:06Z",
    )
    assert "PostgreSQL" in a.html


def test_nested_item_elements_do_not_override_the_body():
    # Google Cloud blog items carry <og><description/></og> after the real one
    _, articles, _ = parse_feed((FEEDS / "rss-nested-og-trimmed.xml").read_bytes(), "gcb")
    assert len(articles) == 3
    assert all(len(a.html) > 1000 for a in articles)


def test_html_page_is_not_a_feed():
    with pytest.raises(
        FeedError, match=r"not an RSS or Atom feed \(root element <html>, an HTML page\)"
    ):
        parse_feed(b"<!DOCTYPE html><html><body>blog</body></html>", "blog.html")


def test_empty_file():
    with pytest.raises(FeedError, match=r"blank\.xml: empty file"):
        parse_feed(b"  \n", "blank.xml")


def test_external_entities_are_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    data = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>x</title><item><title>t &xxe;</title>
<link>https://e.org/1</link><description>body &xxe;</description></item></channel></rss>""".encode()
    _, articles, warnings = parse_feed(data, "xxe.xml")
    assert "TOP-SECRET-MARKER" not in repr(articles)
    assert any("declares XML entities" in w for w in warnings)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data):
    try:
        _feed, articles, _warnings = parse_feed(data, "random.xml")
    except FeedError as err:
        assert str(err).startswith("random.xml: ")
    else:
        assert all(a.id for a in articles)


# feedparser "repairs" text that looks like UTF-8 read as Latin-1 ("Â¡" -> "¡"),
# so Latin-1 supplement characters are left out of this property.
@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(exclude_characters=[chr(c) for c in range(0x80, 0x100)]), max_size=80))
def test_any_title_text_survives(title):
    from xml.sax.saxutils import escape

    clean = "".join(c for c in title if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF)
    xml = (
        f"<rss version='2.0'><channel><title>c</title><item><title>{escape(clean)}</title>"
        "<link>https://e.org/x</link></item></channel></rss>"
    ).encode()
    _, articles, _ = parse_feed(xml, "t.xml")
    assert articles[0].title == " ".join(clean.split())


def _every_feed_file():
    from kgraph.ingest.sources import SAMPLES_DIR
    from tests.conftest import DATA

    folders = [SAMPLES_DIR, FEEDS, DATA / "bad"]
    return sorted(
        p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()
    )


def _outcome(data: bytes, where: str):
    try:
        parsed = parse_feed(data, where)
    except FeedError as err:
        return str(err)
    return parsed.feed, parsed.articles, parsed.warnings


def test_rss_bodies_split_off_before_feedparser_change_nothing(monkeypatch):
    """A well-formed UTF-8 RSS or Atom feed reaches feedparser without its
    text-only bodies (read with lxml instead): every feed we have parses to the
    same feed, articles and warnings as when feedparser reads it whole."""
    import kgraph.ingest.feeds as feeds
    from kgraph.ingest.xmlsafe import to_utf8

    files = _every_feed_file()
    trees = [feeds._strict_tree(to_utf8(p.read_bytes())) for p in files]
    split = [t for t in trees if t is not None and feeds._split_bodies(t, b"") is not None]
    assert len(split) >= 5 and len(files) - len(split) >= 5  # both paths are exercised
    monkeypatch.setattr(feeds, "_fast", lambda *args: None)  # the lxml reader: test_fastfeed.py
    fast = {p: _outcome(p.read_bytes(), p.name) for p in files}
    monkeypatch.setattr(feeds, "_split_bodies", lambda tree, data: None)
    for p in files:
        assert _outcome(p.read_bytes(), p.name) == fast[p], p.name
