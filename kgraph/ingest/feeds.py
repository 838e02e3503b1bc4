"""Stage 2: parse feed bytes (RSS 2.0, RSS 1.0, Atom 1.0) into article records.

A well-formed UTF-8 feed is read from its lxml tree by
:mod:`kgraph.ingest.fastfeed` (feedparser's rules, the same records);
feedparser parses the rest (malformed XML, other encodings, what the fast path
declines), with the text-only bodies of a well-formed feed cut out first.
Around both (bytes made safe in :mod:`kgraph.ingest.xmlsafe`, dates read in
:mod:`kgraph.ingest.dates`):

* UTF-16/UTF-32 input is transcoded to UTF-8 first, so the next step sees it;
* the DOCTYPE (with any internal subset and its ENTITY declarations) is cut
  out of the prolog by a small scanner that respects quotes and comments, so
  no external entity, DTD or entity-expansion bomb ever reaches a parser;
* numeric character references XML forbids (``&#xD800;``, ``&#1;``) are removed;
* dates are checked strictly (a ``2024-13-45`` is reported, never rolled over
  into another day), links are resolved against the feed and only absolute
  http(s) URLs are kept;
* for RSS the body is also read from each ``<item>``'s *direct* children,
  because some feeds nest elements with the same names
  (``<og><description/></og>``) that feedparser lets override the real body.

Every problem becomes one line naming the feed (and item) and what is wrong.

>>> feed, articles, warnings = parse_feed(b'''<rss version="2.0"><channel><title>T</title>
... <item><title>Go &amp; channels</title><link>https://e.org/go</link>
... <pubDate>Wed, 18 Mar 2026 21:50:56 GMT</pubDate><category>golang</category>
... <description>&lt;p&gt;Hello&lt;/p&gt;</description></item></channel></rss>''', "t.xml")
>>> articles[0].title, articles[0].published, articles[0].tags
('Go & channels', '2026-03-18T21:50:56Z', ('golang',))
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from kgraph.errors import FeedError, one_line
from kgraph.ingest.dates import parse_date
from kgraph.ingest.fastfeed import RSS_BODIES, Declined, atom_body_ok, read_tree
from kgraph.ingest.fprules import ATOM_NS, RSS1_NS
from kgraph.ingest.xmlsafe import drop_bad_charrefs, root_element, strip_doctype, to_utf8
from kgraph.records import Article, Feed, Limits, ParsedFeed

__all__ = ["READ_BY", "parse_feed", "parse_feed_or_error"]

LOGGER = logging.getLogger(__name__)

#: Feeds this process parsed, by reader: ``lxml`` (the fast path,
#: :mod:`kgraph.ingest.fastfeed`) or ``feedparser`` (the rest; ``-vv`` logs why).
READ_BY: Counter[str] = Counter()

_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
#: The same, for well-formed documents only (see :func:`_split_bodies`).
_STRICT_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)
_ATOM_CONTENT = f"{{{ATOM_NS}}}content"
_ATOM_SUMMARY = f"{{{ATOM_NS}}}summary"


def _text_of(value: str, detail: Any) -> str:
    """Plain text of a title that may be HTML-typed."""
    kind = (detail or {}).get("type", "") if isinstance(detail, dict) else ""
    if "html" in kind and "<" in value:
        # imported here: few titles are HTML, and bs4 takes ~0.1 s to import
        # in every process (each --jobs worker) that parses feeds
        from bs4 import BeautifulSoup

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
    items = _rss_items(root)
    return _item_bodies(items, split=False) if items else None


def _item_bodies(items: list[Any], split: bool) -> list[str]:
    """Each item's longest body among its direct children; with ``split``,
    the body elements that hold only text are removed from the tree."""
    bodies = []
    for item in items:
        best = ""
        for child in list(item):
            if child.tag in RSS_BODIES:
                text = child.text or ""
                if len(text) > len(best):
                    best = text
                if split and len(child) == 0:  # text only: all there is is read here
                    item.remove(child)
        bodies.append(best)
    return bodies


def _entry_bodies(entries: list[Any], split: bool = True) -> list[str]:
    """The richest body of each Atom entry (as :func:`_richest_body` picks it)
    when all its ``content`` and ``summary`` elements hold only text of type
    text or html, which are then removed from the tree (with ``split``); ``""``
    for an entry left whole (XHTML or base64 content) for feedparser to read.
    Bodies are stripped, as feedparser strips them."""
    bodies = []
    for entry in entries:
        parts = [c for c in entry if c.tag in (_ATOM_CONTENT, _ATOM_SUMMARY)]
        if not all(atom_body_ok(c) for c in parts):
            bodies.append("")
            continue
        texts = [(c.tag, (c.text or "").strip()) for c in parts]
        content = max((t for tag, t in texts if tag == _ATOM_CONTENT), key=len, default="")
        summary = next((t for tag, t in texts if tag == _ATOM_SUMMARY), "")
        bodies.append(content if len(content) >= len(summary) else summary)
        for c in parts if split else ():
            entry.remove(c)
    return bodies


def _rss_items(root: Any) -> list[Any]:
    return root.findall("channel/item") or root.findall(f"{{{RSS1_NS}}}item")


def _strict_tree(data: bytes) -> Any:
    """The tree of a well-formed UTF-8 document; None for anything else."""
    try:
        root = etree.fromstring(data, _STRICT_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root is None or (root.getroottree().docinfo.encoding or "").lower() not in (
        "utf-8",
        "utf8",
    ):
        return None
    return root


def _fast(root: Any, data: bytes, where: str, base: str) -> tuple[Any, list[str]] | None:
    """The fast path: the feed and its bodies read from the lxml tree
    (:mod:`kgraph.ingest.fastfeed`); None when feedparser must read it."""
    items = _rss_items(root)
    atom = root.tag == f"{{{ATOM_NS}}}feed"
    if atom:
        items = root.findall(f"{{{ATOM_NS}}}entry")
    try:
        parsed = read_tree(root, items, base, has_xml_base=b"xml:base" in data)
    except Declined as why:
        LOGGER.debug("%s: read by feedparser: %s", where, why)
        return None
    return parsed, (_entry_bodies(items, split=False) if atom else _item_bodies(items, split=False))


def _split_bodies(root: Any, data: bytes) -> tuple[bytes, list[str]] | None:
    """For a well-formed UTF-8 RSS or Atom 1.0 feed (``root``, see
    :func:`_strict_tree`) the fast path declined: each item's body as
    :func:`_direct_bodies` (RSS) or :func:`_entry_bodies` (Atom) reads it,
    and the feed without the body elements that hold only text, for
    feedparser to read the rest (it makes a Python call per run of character
    data, a few hundred per article body). None for anything else, which
    feedparser then reads whole. Removes those elements from ``root``.
    """
    items = _rss_items(root)
    if items:
        bodies = _item_bodies(items, split=True)
    elif root.tag == f"{{{ATOM_NS}}}feed":
        bodies = _entry_bodies(root.findall(f"{{{ATOM_NS}}}entry"))
    else:
        return None
    declaration = data[: data.index(b"?>") + 2] if data.startswith(b"<?xml") else b""
    return declaration + etree.tostring(root, encoding="utf-8"), bodies


def _richest_body(entry: Any) -> str:
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best = value
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) else summary


def _http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _resolve(link: str, base: str) -> str:
    """``link`` made absolute against ``base``; ``""`` unless it is http(s).

    >>> _resolve("/p/1", "https://e.org/blog/"), _resolve("javascript:alert(1)", "https://e.org/")
    ('https://e.org/p/1', '')
    """
    link = link.strip()
    if not link:
        return ""
    try:
        url = urljoin(base, link) if base else link
    except ValueError:
        return ""
    return url if _http_url(url) else ""


def _names(values: list[Any], key: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            " ".join(str(v.get(key) or "").split())
            for v in values
            if isinstance(v, dict) and str(v.get(key) or "").strip()
        )
    )


def _feed_authors(meta: Any) -> tuple[str, ...]:
    """The authors a feed names for itself (``<author>`` of an Atom ``<feed>``)."""
    authors = _names(meta.get("authors") or [], "name")
    if not authors and str(meta.get("author") or "").strip():
        authors = (" ".join(str(meta["author"]).split()),)
    return authors


def _item_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _feedparser(data: bytes, where: str, base: str) -> Any:
    # content-location resolves relative links; without a content-type next to
    # it feedparser flags every fetched feed as bozo ("no Content-type specified")
    headers = {"content-location": base, "content-type": "application/xml"} if base else {}
    import feedparser  # 0.1 s (http.client, email, ...): imported by the first feed that needs it

    try:
        # No sanitising or URI rewriting inside bodies: the text stage reads HTML as
        # data (never rendered), resolves links itself, and these two passes re-parse
        # every body with sgmllib, which made them 3/4 of the whole parse time.
        return feedparser.parse(
            data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except RecursionError as err:
        raise FeedError(where, "feed is nested too deeply to parse") from err
    except Exception as err:  # feedparser's loose parser has crashed on odd input before
        raise FeedError(
            where, f"feed could not be parsed ({err.__class__.__name__}: {err})"
        ) from err


def parse_feed_or_error(
    data: bytes, where: str, limits: Limits = Limits(), base_url: str = "", name: str = ""
) -> ParsedFeed | FeedError:
    """:func:`parse_feed`, with the :class:`FeedError` returned, not raised;
    any other exception becomes one too: one bad feed never costs a build.

    >>> parse_feed_or_error(b"<html><body>blog</body></html>", "page.xml").what
    'not an RSS or Atom feed (root element <html>, an HTML page); pass the feed URL, not the blog page'
    """
    try:
        return parse_feed(data, where, limits, base_url=base_url, name=name)
    except FeedError as err:
        return err
    except Exception as err:
        LOGGER.debug("unexpected error parsing %s", where, exc_info=True)
        return FeedError(where, f"unexpected {err.__class__.__name__}: {err}")


def parse_feed(
    data: bytes, where: str, limits: Limits = Limits(), base_url: str = "", name: str = ""
) -> ParsedFeed:
    """Parse one feed's bytes into a :class:`ParsedFeed`.

    ``where`` names the feed in messages; ``name`` (else ``where``) becomes
    the feed id, except for a local file whose feed declares its own http(s)
    URL (``rel="self"``): see :class:`~kgraph.records.Source`.
    ``base_url`` (the final URL of a fetched feed) resolves relative links;
    for a local file the feed's own home page or ``self`` URL is used.

    Raises :class:`FeedError` when the bytes are not a feed at all; problems
    with single items become one-line warnings (``feed: item N ('title'): what``)
    and every readable item is kept.
    """
    warnings: list[str] = []

    def warn(text: str) -> None:
        warnings.append(one_line(text))

    if len(data) > limits.max_feed_bytes:
        raise FeedError(
            where,
            f"larger than the {limits.max_feed_bytes:,}-byte limit; raise it with --max-feed-bytes",
        )
    data = to_utf8(data)
    try:
        data, had_entities = strip_doctype(data)
    except ValueError as err:
        raise FeedError(where, f"not a usable feed: {err}") from err
    if had_entities:
        warn(
            f"{where}: declares XML entities in its DOCTYPE; they were ignored "
            "(kgraph never expands entities or loads DTDs)"
        )
    data, bad_refs = drop_bad_charrefs(data)
    if bad_refs:
        warn(f"{where}: {bad_refs} character reference(s) to characters XML forbids removed")
    if not data.strip():
        raise FeedError(where, "empty file; nothing to read")
    root = root_element(data)
    if root in {"html", "!doctype", "head", "body"}:
        raise FeedError(
            where,
            f"not an RSS or Atom feed (root element <{root}>, an HTML page); "
            "pass the feed URL, not the blog page",
        )
    if root == "opml":
        if base_url or _http_url(where):
            raise FeedError(
                where,
                "is an OPML list, not a feed; OPML lists are read from local files only: "
                "save it and pass the file",
            )
        raise FeedError(where, "is an OPML list, not a feed; name it .opml to read it as one")

    base = base_url or (where if _http_url(where) else "")
    tree = _strict_tree(data)
    fast = _fast(tree, data, where, base) if tree is not None else None
    split: tuple[bytes, list[str]] | None = None
    if fast is not None:
        READ_BY["lxml"] += 1
        parsed: Any = fast[0]
    else:
        READ_BY["feedparser"] += 1
        split = _split_bodies(tree, data) if tree is not None else None
        parsed = _feedparser(split[0] if split else data, where, base)
        if split is not None and len(parsed.entries) != len(split[1]):
            split, parsed = None, _feedparser(data, where, base)  # items elsewhere: read it whole
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or ""
        what = f"root element <{root}>" if root else "no XML element found"
        raise FeedError(
            where, f"not an RSS or Atom feed ({what}{'; ' + str(reason) if reason else ''})"
        )
    if parsed.get("bozo"):
        from feedparser import CharacterEncodingOverride

        exc = parsed.get("bozo_exception")
        if isinstance(exc, CharacterEncodingOverride):
            warn(f"{where}: wrong encoding declared ({exc}); read it as the bytes show")
        elif parsed.entries:
            warn(f"{where}: malformed XML ({exc}); read what could be read")

    meta = parsed.feed
    feed_id = name or where
    self_url = ""
    for link in meta.get("links") or []:
        href = str(link.get("href", ""))
        if link.get("rel") == "self" and _http_url(href):
            self_url = href
            break
    if not base:  # a local file: name the feed by the URL it declares for itself
        feed_id = self_url or feed_id
    home = _resolve(str(meta.get("link", "")), base or self_url)
    link_base = base or home or self_url
    feed = Feed(
        id=feed_id,
        title=_text_of(str(meta.get("title", "")), meta.get("title_detail")),
        url=home or (where if base else ""),
    )
    entries = parsed.entries
    if len(entries) > limits.max_items_per_feed:
        warn(
            f"{where}: {len(entries)} items, read the first "
            f"{limits.max_items_per_feed} (raise with --max-items)"
        )
        entries = entries[: limits.max_items_per_feed]
    if fast is not None or split is not None:
        direct: list[str] | None = fast[1] if fast is not None else split[1]  # type: ignore[index]
    else:
        direct = _direct_bodies(data) if str(parsed.get("version", "")).startswith("rss") else None
    if direct is not None and len(direct) < len(entries):
        direct = None

    articles: list[Article] = []
    seen: set[str] = set()
    no_title: list[int] = []
    no_link: list[int] = []
    no_date: list[int] = []
    no_author: list[int] = []
    # Atom (RFC 4287, 4.2.1): the feed's <author> is each entry's that has none
    feed_authors = _feed_authors(meta) if str(parsed.get("version", "")).startswith("atom") else ()
    for index, entry in enumerate(entries, start=1):
        raw_link = " ".join(str(entry.get("link") or "").split())
        link = _resolve(raw_link, link_base)
        guid = " ".join(str(entry.get("id") or "").split())
        title = _text_of(str(entry.get("title", "")), entry.get("title_detail"))
        label = f"{where}: item {index}" + (f" ({title[:60]!r})" if title else "")
        if raw_link and not link:
            warn(f"{label}: link {raw_link[:100]!r} is not an absolute http(s) URL; ignored")
            if _http_url(guid):  # the guid then is the best permalink there is
                link = guid
        ident = guid or link
        if not ident:
            if not title:
                warn(f"{label}: no link, guid or title; skipped")
                continue
            ident = f"{name or where}#{title}"
            warn(f"{label}: no link or guid; identified by feed and title")
        if ident in seen:
            warn(f"{label}: duplicate of an earlier item ({ident[:100]!r}); skipped")
            continue
        seen.add(ident)
        if not title:
            no_title.append(index)
        if not link and not raw_link:
            no_link.append(index)
        html = _richest_body(entry)
        if direct is not None and len(direct[index - 1]) > len(html):
            html = direct[index - 1]
        if len(html) > limits.max_article_chars:
            warn(
                f"{label}: body of {len(html):,} characters cut to "
                f"{limits.max_article_chars:,} (raise with --max-article-chars)"
            )
            html = html[: limits.max_article_chars]
        authors = _names(entry.get("authors") or [], "name")
        if not authors and str(entry.get("author") or "").strip():
            authors = (" ".join(str(entry["author"]).split()),)
        if not authors:
            authors = feed_authors
        if not authors:
            no_author.append(index)
        tags = tuple(
            dict.fromkeys(
                " ".join(str(t.get("term") or t.get("label") or "").split())
                for t in entry.get("tags") or []
                if str(t.get("term") or t.get("label") or "").strip()
            )
        )
        raw_date, parsed_date = "", None
        for key in ("published", "updated", "created"):
            if str(entry.get(key) or "").strip():
                raw_date, parsed_date = str(entry[key]), entry.get(f"{key}_parsed")
                break
        published = parse_date(raw_date, parsed_date)
        if raw_date and not published:
            warn(f"{label}: unreadable date {raw_date[:60]!r}; left empty")
        elif not raw_date:
            no_date.append(index)
        articles.append(
            Article(
                id=ident,
                url=link,
                title=title,
                authors=authors,
                published=published,
                feed=feed_id,
                tags=tags,
                html=html,
            )
        )
    for numbers, what in (
        (no_title, "no title"),
        (no_link, "no link (no article URL)"),
        (no_date, "no date (published left empty)"),
        (no_author, "no author"),
    ):
        if numbers:
            warn(f"{where}: {len(numbers)} item(s) have {what}: item {_item_list(numbers)}")
    if not articles:
        warn(f"{where}: feed has no items")
    for w in warnings:
        LOGGER.warning("%s", w)
    return ParsedFeed(feed, articles, warnings)
