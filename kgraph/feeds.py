"""Stage 2: parse feed bytes (RSS 2.0, RSS 1.0, Atom 1.0) into article records.

feedparser does the parsing (formats, encodings, dates). Two things are added
around it: XML entity declarations are removed before parsing (no external
entity or entity-expansion bomb ever reaches a parser), and for RSS the body is
also read from each ``<item>``'s *direct* children, because some feeds nest
elements with the same names (``<og><description/></og>``) that feedparser
lets override the real body.

>>> feed, articles, warnings = parse_feed(b'''<rss version="2.0"><channel><title>T</title>
... <item><title>Go &amp; channels</title><link>https://e.org/go</link>
... <pubDate>Wed, 18 Mar 2026 21:50:56 GMT</pubDate><category>golang</category>
... <description>&lt;p&gt;Hello&lt;/p&gt;</description></item></channel></rss>''', "t.xml")
>>> articles[0].title, articles[0].published, articles[0].tags
('Go & channels', '2026-03-18T21:50:56Z', ('golang',))
"""

from __future__ import annotations

import calendar
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from .errors import FeedError
from .records import Article, Feed
from .sources import Limits

__all__ = ["ParsedFeed", "parse_feed"]

LOGGER = logging.getLogger(__name__)

_DOCTYPE_RE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.S | re.I)
_ROOT_RE = re.compile(rb"<([A-Za-z_][\w:.-]*)[\s/>]")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_RSS1_NS = "http://purl.org/rss/1.0/"
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)


@dataclass
class ParsedFeed:
    """What one feed yielded: the feed, its articles and warnings about it."""

    feed: Feed
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __iter__(self):  # allows ``feed, articles, warnings = parse_feed(...)``
        return iter((self.feed, self.articles, self.warnings))


def _strip_doctype(data: bytes) -> tuple[bytes, bool]:
    """Remove a DOCTYPE (and any internal subset with ENTITY declarations)."""
    head = data[:65536]
    match = _DOCTYPE_RE.search(head)
    if not match:
        return data, False
    declares_entities = b"<!ENTITY" in match.group(0).upper()
    return data[: match.start()] + data[match.end() :], declares_entities


def _root_element(data: bytes) -> str:
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", data[:8192], flags=re.S)
    match = _ROOT_RE.search(body)
    return match.group(1).decode("ascii", "replace").lower() if match else ""


def _iso_utc(parsed: time.struct_time | None) -> str:
    if not parsed:
        return ""
    try:
        ts = calendar.timegm(parsed)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
    except (OverflowError, ValueError, TypeError):
        return ""


def _text_of(value: str, detail: Any) -> str:
    """Plain text of a title that may be HTML-typed."""
    kind = (detail or {}).get("type", "") if isinstance(detail, dict) else ""
    if "html" in kind and "<" in value:
        value = BeautifulSoup(value, "lxml").get_text(" ")
    return " ".join(value.split())


def _direct_bodies(data: bytes) -> list[str] | None:
    """Body of each RSS item read from its direct children only (longest of
    ``content:encoded`` and ``description``), or None if not RSS."""
    try:
        root = etree.fromstring(data, _SAFE_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    items = root.findall("channel/item") or root.findall(f"{{{_RSS1_NS}}}item")
    if not items:
        return None
    bodies = []
    for item in items:
        best = ""
        for child in item:
            if child.tag in (
                "description",
                f"{{{_CONTENT_NS}}}encoded",
                f"{{{_RSS1_NS}}}description",
            ):
                text = child.text or ""
                if len(text) > len(best):
                    best = text
        bodies.append(best)
    return bodies


def _richest_body(entry: Any) -> str:
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best = value
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) else summary


def parse_feed(
    data: bytes, where: str, limits: Limits = Limits(), base_url: str = ""
) -> ParsedFeed:
    """Parse one feed's bytes into a :class:`ParsedFeed`.

    ``where`` names the feed in messages and becomes the feed id, except for a
    local file whose feed declares its own http(s) URL (``rel="self"``). Raises
    :class:`FeedError` when the bytes are not a feed at all; problems with
    single items become warnings and the other items are kept.
    """
    warnings: list[str] = []
    data, had_entities = _strip_doctype(data)
    if had_entities:
        warnings.append(
            f"{where}: declares XML entities in its DOCTYPE; they were ignored "
            "(kgraph never expands entities or loads DTDs)"
        )
    if not data.strip():
        raise FeedError(where, "empty file")
    root = _root_element(data)
    if root in {"html", "!doctype"}:
        raise FeedError(
            where,
            f"not an RSS or Atom feed (root element <{root}>); "
            "pass the feed URL, not the blog page",
        )
    if root == "opml":
        raise FeedError(where, "is an OPML list, not a feed; pass it as a source on its own")

    base = base_url or (where if urlsplit(where).scheme in {"http", "https"} else "")
    headers = {"content-location": base} if base else {}
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or f"root element <{root or '?'}>"
        raise FeedError(where, f"not an RSS or Atom feed ({reason})")
    if parsed.get("bozo") and parsed.entries:
        warnings.append(
            f"{where}: malformed XML ({parsed.get('bozo_exception')}); read what could be read"
        )

    meta = parsed.feed
    feed_id = where
    if not base:  # a local file: name the feed by the URL it declares for itself
        for link in meta.get("links") or []:
            href = link.get("href", "")
            if link.get("rel") == "self" and urlsplit(href).scheme in {"http", "https"}:
                feed_id = href
                break
    if not base:  # resolve relative item links against the feed's own URLs
        base = feed_id if urlsplit(feed_id).scheme in {"http", "https"} else meta.get("link", "")
        if urlsplit(base).scheme not in {"http", "https"}:
            base = ""
    feed = Feed(
        id=feed_id,
        title=_text_of(meta.get("title", ""), meta.get("title_detail")),
        url=meta.get("link", "") or (where if base else ""),
    )
    entries = parsed.entries
    if len(entries) > limits.max_items_per_feed:
        warnings.append(
            f"{where}: {len(entries)} items, read the first "
            f"{limits.max_items_per_feed} (raise with --max-items)"
        )
        entries = entries[: limits.max_items_per_feed]
    direct = _direct_bodies(data) if str(parsed.get("version", "")).startswith("rss") else None
    if direct is not None and len(direct) < len(entries):
        direct = None

    articles: list[Article] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        link = (entry.get("link") or "").strip()
        if link and base:
            link = urljoin(base, link)
        guid = (entry.get("id") or "").strip()
        ident = guid or link
        title = _text_of(entry.get("title", ""), entry.get("title_detail"))
        label = f"{where}: item {index}" + (f" ({title[:60]!r})" if title else "")
        if not ident:
            if not title:
                warnings.append(f"{label}: no link, guid or title; skipped")
                continue
            ident = f"{where}#{title}"
            warnings.append(f"{label}: no link or guid; identified by feed and title")
        if ident in seen:
            warnings.append(f"{label}: duplicate of an earlier item ({ident}); skipped")
            continue
        seen.add(ident)
        html = _richest_body(entry)
        if direct is not None and len(direct[index - 1]) > len(html):
            html = direct[index - 1]
        if len(html) > limits.max_article_chars:
            warnings.append(
                f"{label}: body of {len(html):,} characters cut to "
                f"{limits.max_article_chars:,} (raise with --max-article-chars)"
            )
            html = html[: limits.max_article_chars]
        authors = tuple(
            dict.fromkeys(
                " ".join(a.get("name", "").split())
                for a in entry.get("authors") or []
                if a.get("name", "").strip()
            )
        ) or ((" ".join(entry["author"].split()),) if entry.get("author", "").strip() else ())
        tags = tuple(
            dict.fromkeys(
                " ".join((t.get("term") or t.get("label") or "").split())
                for t in entry.get("tags") or []
                if (t.get("term") or t.get("label") or "").strip()
            )
        )
        # dict.get: feedparser's own get() maps updated<->published with a warning
        raw_date = dict.get(entry, "published") or dict.get(entry, "updated")
        published = _iso_utc(
            dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        )
        if not published and raw_date:
            warnings.append(f"{label}: unreadable date {raw_date!r}; left empty")
        articles.append(
            Article(
                id=ident,
                url=link if urlsplit(link).scheme in {"http", "https"} else (link or ""),
                title=title,
                authors=authors,
                published=published,
                feed=feed_id,
                tags=tags,
                html=html,
            )
        )
    if not articles:
        warnings.append(f"{where}: feed has no items")
    for w in warnings:
        LOGGER.warning("%s", w)
    return ParsedFeed(feed, articles, warnings)
