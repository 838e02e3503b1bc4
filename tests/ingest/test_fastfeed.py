"""The lxml fast path (kgraph.ingest.fastfeed, issue 24) gives the records
feedparser gives: every feed we have, and feeds made to exercise feedparser's
quirks, are parsed both ways and compared field by field (feed, articles,
warnings), without a base URL and as if fetched from one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kgraph.ingest.feeds as feeds
import kgraph.ingest.fprules as fprules
from kgraph.errors import FeedError
from kgraph.ingest.feeds import parse_feed
from kgraph.ingest.sources import SAMPLES_DIR
from tests.conftest import DATA, FEEDS

ROOT = Path(__file__).resolve().parents[2]
BASES = ("", "https://blog.example.org/feed/")


def _every_feed_file() -> list[Path]:
    folders = [SAMPLES_DIR, FEEDS, DATA / "bad"]
    return sorted(
        p
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".xml", ".rss", ".atom", ".rdf", ".opml", ".txt")
    )


def _outcome(data: bytes, where: str, base: str = ""):
    try:
        parsed = parse_feed(data, where, base_url=base)
    except FeedError as err:
        return str(err)
    return parsed.feed, parsed.articles, parsed.warnings


def _both(data: bytes, where: str, base: str, monkeypatch) -> tuple[object, object, bool]:
    """(fast path's outcome, feedparser's, whether the fast path read it)."""
    feeds.READ_BY.clear()
    fast = _outcome(data, where, base)
    took = feeds.READ_BY["lxml"] == 1
    with monkeypatch.context() as m:
        m.setattr(feeds, "_fast", lambda *args: None)
        slow = _outcome(data, where, base)
    return fast, slow, took


def _same(fast, slow, where: str) -> None:
    if isinstance(fast, tuple) and isinstance(slow, tuple):
        assert fast[0] == slow[0], where
        assert len(fast[1]) == len(slow[1]), where
        for mine, theirs in zip(fast[1], slow[1], strict=True):
            for name in mine.__dataclass_fields__:
                assert getattr(mine, name) == getattr(theirs, name), f"{where}: {name}"
        assert fast[2] == slow[2], where
    else:
        assert fast == slow, where


@pytest.mark.parametrize("base", BASES)
def test_every_feed_reads_the_same_both_ways(base, monkeypatch):
    taken = set()
    for path in _every_feed_file():
        fast, slow, took = _both(path.read_bytes(), path.name, base, monkeypatch)
        _same(fast, slow, path.name)
        if took:
            taken.add(path.name)
    # the well-formed feeds take the fast path; feedparser reads the rest
    assert {p.name for p in SAMPLES_DIR.glob("*.xml")} <= taken
    assert {"rss1.rdf", "atom-octopress-trimmed.xml", "rss-nested-og-trimmed.xml"} <= taken
    assert "truncated.xml" not in taken and "bare-ampersand.xml" not in taken
    assert len(taken) >= 25


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"
 xmlns:x="http://example.org/ns" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>{channel}{items}</channel></rss>"""
CHANNEL = "<title>Blog</title><link>https://blog.example.org/</link>"
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"{attrs}>{feed}{entries}</feed>"""


def _rss(*items: str, channel: str = CHANNEL) -> bytes:
    return RSS.format(channel=channel, items="".join(f"<item>{i}</item>" for i in items)).encode()


def _atom(*entries: str, feed: str = "<title>A</title>", attrs: str = "") -> bytes:
    body = "".join(f"<entry>{e}</entry>" for e in entries)
    return ATOM.format(attrs=attrs, feed=feed, entries=body).encode()


BODY = "<description>&lt;p&gt;We run Docker on Kubernetes.&lt;/p&gt;</description>"
DATE = "<pubDate>Wed, 18 Mar 2026 21:50:56 GMT</pubDate>"

#: (name, feed bytes, whether the fast path reads it)
QUIRKS = [
    ("guid permalink", _rss(f"<title>T</title><guid>https://e.org/1</guid>{BODY}{DATE}"), True),
    (
        "guid not permalink",
        _rss(f'<title>T</title><guid isPermaLink="false">p-1</guid>{BODY}'),
        True,
    ),
    ("guid False", _rss('<title>T</title><guid isPermaLink="False">https://e.org/2</guid>'), True),
    (
        "link after guid",
        _rss("<title>T</title><guid>https://e.org/g</guid><link>/rel</link>"),
        True,
    ),
    ("empty link", _rss("<title>T</title><link/><guid>https://e.org/3</guid>"), True),
    ("relative link", _rss(f"<title>T</title><link>posts/4</link>{BODY}"), True),
    (
        "query entities",
        _rss("<title>T</title><link>https://e.org/?a=1&amp;amp;b=2&amp;c;=3</link>"),
        True,
    ),
    ("slashes", _rss("<title>T</title><link>https:///e.org//5</link>"), True),
    ("titles", _rss("<title></title><title>Second &amp; third</title><title>x</title>"), True),
    (
        "html title",
        _rss("<title>&lt;b&gt;Bold&lt;/b&gt; move</title><link>https://e.org/6</link>"),
        False,
    ),
    ("mojibake", _rss("<title>CafÃ© \u0096 tips</title><link>https://e.org/7</link>"), True),
    (
        "authors",
        _rss(
            "<title>T</title><link>https://e.org/8</link><author>jane@example.org (Jane Doe)</author>"
            "<dc:creator>Ann</dc:creator><dc:creator>  Bob  Smith </dc:creator>",
            "<title>U</title><link>https://e.org/9</link><author>  </author>",
            "<title>V</title><link>https://e.org/10</link><author>only@example.org</author>",
        ),
        True,
    ),
    (
        "categories",
        _rss(
            '<title>T</title><link>https://e.org/11</link><category domain="https://e.org/t">Go</category>'
            "<category>Go</category><category/><category>k8s</category><dc:subject>go</dc:subject>"
        ),
        True,
    ),
    (
        "dates",
        _rss(
            "<title>A</title><link>https://e.org/12</link><dc:date>2024-05-06T10:00:00+02:00</dc:date>",
            "<title>B</title><link>https://e.org/13</link><pubDate></pubDate>"
            "<dc:date>2024-05-07</dc:date>",
            f"<title>C</title><link>https://e.org/14</link>{DATE}{DATE.replace('18', '19')}",
        ),
        True,
    ),
    (
        "lenient date",
        _rss("<title>T</title><link>https://e.org/15</link><pubDate>May 6th</pubDate>"),
        False,
    ),
    (
        "og and author blocks",
        _rss(
            "<og><title>OG first</title><description>short</description><image>i.png</image>"
            "<url>https://e.org/og</url></og><title>Real</title><link>https://e.org/16</link>"
            f"{BODY}<author><name>Diane</name><title>PM</title><company/></author>"
        ),
        True,
    ),
    (
        "media title",
        _rss(
            '<media:content url="https://e.org/v.mp4"><media:title>Video</media:title>'
            "</media:content><title>Item</title><link>https://e.org/17</link>",
            '<title></title><media:content url="https://e.org/w.mp4"><media:title>Only</media:title>'
            "</media:content><link>https://e.org/18</link>",
        ),
        True,
    ),
    (
        "atom link in rss",
        _rss(
            '<title>T</title><atom:link rel="alternate" href="https://e.org/alt"/>'
            "<link>https://e.org/19</link>",
            '<title>U</title><link>https://e.org/20</link><atom:link href="/alt2"/>',
            channel=CHANNEL + '<atom:link rel="self" href="https://blog.example.org/feed/"/>',
        ),
        True,
    ),
    ("extension", _rss("<title>T</title><link>https://e.org/21</link><x:views>3</x:views>"), True),
    (
        "cdf href",
        _rss("<title>T</title>").replace(b"<item>", b'<item href="https://e.org/h">'),
        False,
    ),
    (
        "namespaced href",
        _rss('<title>T</title><atom:link x:href="https://e.org/x">https://e.org/24</atom:link>'),
        False,
    ),
    (
        "itunes",
        _rss(
            "<title>T</title><link>https://e.org/26</link><itunes:explicit>no</itunes:explicit>"
            "<itunes:subtitle>Sub</itunes:subtitle><itunes:summary>A summary longer than the body"
            "</itunes:summary><itunes:keywords>mysql, Go ,,k8s</itunes:keywords>"
            "<itunes:author>Kevin</itunes:author><description>short</description>",
            "<title>U</title><link>https://e.org/27</link><description>A much longer body than"
            " the summary here</description><itunes:summary>short</itunes:summary>",
        ),
        True,
    ),
    ("comment in title", _rss("<title>A<!-- c -->B</title><link>https://e.org/25</link>"), False),
    (
        "channel titles",
        _rss(
            "<title>T</title><link>https://e.org/22</link>",
            channel="<title></title><title>One</title><title>Two</title><image><title>Img</title>"
            "<url>https://e.org/i.png</url><link>https://e.org/</link></image><title>Three</title>",
        ),
        True,
    ),
    (
        "source",
        _rss(
            '<title>T</title><link>https://e.org/23</link><source url="https://o.org/">O</source>'
        ),
        False,
    ),
    (
        "atom entries",
        _atom(
            "<title type='html'>&lt;em&gt;Go&lt;/em&gt; &amp;amp; more</title>"
            "<id>urn:uuid:1</id><updated>2024-01-02T03:04:05Z</updated>"
            "<author><name>Ann</name><email>ann@example.org</email></author>"
            "<author><email>bob@example.org</email></author>"
            "<category term='go' label='Go'/><category label='Only label'/>"
            "<summary>short</summary><content type='html'>&lt;p&gt;long body&lt;/p&gt;</content>",
            "<title>Two</title><id>https://e.org/a/2</id><link href='/a/2'/>"
            "<link rel='enclosure' href='https://e.org/x.mp3'/><published>2024-02-03</published>",
            "<title>Three</title><id>tag:e.org,2024:3</id><link rel='alternate' type='text/html' "
            "href='https://e.org/a/3'/><link rel='alternate' type='application/pdf' href='https://e.org/a/3.pdf'/>",
            feed="<title>Blog</title><id>https://e.org/</id><author><name>Feed Author</name></author>"
            "<link rel='self' href='https://e.org/atom.xml'/>",
        ),
        True,
    ),
    (
        "atom xml:base",
        _atom(
            "<title>One</title><link href='/one'/><id>/one</id>",
            "<title>Two</title><link href='two'/><id>two</id>",
            feed="<title>B</title><link href='https://e.org/blog/'/>",
            attrs=" xml:base='https://e.org/blog/'",
        ).replace(b"<entry><title>One", b"<entry xml:base='https://other.org/x/'><title>One"),
        True,
    ),
    (
        "atom xhtml",
        _atom(
            "<title>X</title><id>https://e.org/x</id><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p>Hi</p></div></content>"
        ),
        False,
    ),
    (
        "atom no alternate",
        _atom(
            "<title>X</title><id>https://e.org/y</id><link rel='self' href='https://e.org/self'/>"
        ),
        True,
    ),
]


@pytest.mark.parametrize("name,data,fast", QUIRKS, ids=[q[0] for q in QUIRKS])
@pytest.mark.parametrize("base", BASES)
def test_feedparser_quirks_read_the_same_both_ways(name, data, fast, base, monkeypatch):
    mine, theirs, took = _both(data, name, base, monkeypatch)
    _same(mine, theirs, name)
    assert took == fast


def test_rss1_and_an_unknown_default_namespace(monkeypatch):
    rdf = (FEEDS / "rss1.rdf").read_bytes()
    mine, theirs, took = _both(rdf, "rss1.rdf", "", monkeypatch)
    _same(mine, theirs, "rss1.rdf")
    assert took
    odd = _rss("<title>T</title><link>https://e.org/1</link>").replace(
        b"<item>", b'<item><y xmlns="http://example.org/other">1</y>', 1
    )
    mine, theirs, took = _both(odd, "odd.xml", "", monkeypatch)
    _same(mine, theirs, "odd.xml")
    assert not took  # feedparser reads an element of an unknown default namespace as its own


def test_the_copied_tables_are_feedparsers():
    from feedparser.html import _cp1252
    from feedparser.mixin import _FeedParserMixin
    from feedparser.urls import _urifixer

    assert _cp1252 == fprules.CP1252
    assert fprules.URI_FIXER.pattern == _urifixer.pattern
    theirs = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
    for uri, prefix in fprules.NAMESPACES.items():
        assert uri == "" or theirs[uri] == prefix, uri
    assert {v.lower() for v in theirs.values() if v} == fprules.FP_PREFIXES


def test_reading_the_samples_never_imports_feedparser():
    code = (
        "import json, sys\n"
        "from kgraph.api import read_articles\n"
        "feeds, articles, report = read_articles()\n"
        "print(json.dumps([len(articles), 'feedparser' in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert json.loads(out) == [31, False]
