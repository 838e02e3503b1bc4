"""Stage 2's fast path (issue 24): a well-formed feed read from its lxml tree,
with what feedparser would have given :func:`kgraph.ingest.feeds.parse_feed`.

feedparser reads a feed as a stream of SAX events, a Python call per element
and per run of text: two thirds of the parse of a real feed once its bodies
are cut out. A well-formed RSS 2.0, RSS 1.0 or Atom 1.0 feed is read here from
the tree lxml has already built, into the same fields (``title`` and its
type, ``link``, ``id``, ``authors``/``author``, ``tags``, the dates, the feed's
``links``), following feedparser's rules for each: text stripped, feedparser's
mojibake repair and cp1252 mapping, links resolved against the base, a
permalink ``guid`` as the link when the item has none, the first non-empty
title (a nested one, in ``og``, ``author`` or ``media:content``, by
feedparser's depth rules) and the last of other repeated elements,
categories as feedparser merges them. The bodies are read as the split path
reads them (:func:`kgraph.ingest.feeds._split_bodies`): raw, from the item's
direct children.

Anything whose reading depends on more than that is declined, with the
reason, and feedparser reads the feed: an element the reader does not know
(or a known one where its rules are not copied), an RSS title that may be
HTML, XHTML or base64 content, an ``xml:base`` deep inside an item, an
attribute of a namespace feedparser may not know, a date only feedparser's
lenient parser reads. ``tests/ingest/test_fastfeed.py`` checks that both
paths give the same records on every feed of the test data and the bundled
samples, and on feeds made of feedparser's quirks.
"""

from __future__ import annotations

import re
from typing import Any

from kgraph.ingest.dates import parse_date
from kgraph.ingest.fprules import (
    ATOM_BODIES,
    ATOM_NS,
    ATOM_TEXT_TYPES,
    AUTHORS,
    DATES,
    FEED_AUTHORS,
    FEED_DECLINED,
    HTML_TYPES,
    IDS,
    ITEM_IGNORED,
    LINKS,
    NESTED_IGNORED,
    QUERY_ENTITY,
    RDF_NS,
    RSS1_NS,
    RSS_BODIES,
    TAGS,
    TITLES,
    XML_BASE,
    Declined,
    add_tag,
    category,
    content_type,
    fp_attrs,
    fp_name,
    fp_text,
    fp_urljoin,
    leaf,
    sync_author,
)

__all__ = ["ATOM_BODIES", "RSS_BODIES", "Declined", "FastParsed", "atom_body_ok", "read_tree"]


class FastParsed:
    """What :func:`read_tree` read, shaped as feedparser's result as far as
    :func:`~kgraph.ingest.feeds.parse_feed` reads it."""

    def __init__(self, version: str, feed: dict[str, Any], entries: list[dict[str, Any]]):
        self.version = version
        self.feed = feed
        self.entries = entries

    def get(self, key: str, default: Any = None) -> Any:
        return {"version": self.version, "bozo": 0}.get(key, default)


class _Reader:
    """One feed's elements read in document order, with feedparser's base URI."""

    def __init__(self, base: str, atom: bool) -> None:
        self.base = base
        self.atom = atom

    def enter(self, el: Any) -> str:
        """The base URI in force inside ``el`` (its ``xml:base`` applied); the
        caller gives the base around it back with :meth:`leave`."""
        given = el.get(XML_BASE)
        if el.get("base") is not None:
            raise Declined("a base attribute")
        if given is not None:
            joined = fp_urljoin(self.base, given)
            if self.base and joined.split(":", 1)[0].strip() not in ("http", "https"):
                raise Declined(f"xml:base {given[:60]!r}")
            self.base = joined
        return self.base

    def leave(self, outer: str) -> None:
        """feedparser keeps an element's ``xml:base`` in force after it when
        the base around it is empty (a local file), as this does."""
        if outer:
            self.base = outer

    def title(self, el: Any, target: dict[str, Any]) -> bool:
        """Store a title; whether it was non-empty."""
        leaf(el)
        kind = content_type(el.get("type", "text/plain"))
        if kind not in ("text/plain", "text/html"):
            raise Declined(f"title of type {kind}")
        value = fp_text(el.text)
        if not self.atom and kind == "text/plain" and "<" in value:
            raise Declined("an RSS title that may be HTML")
        target["title"] = value
        target["title_detail"] = {"type": kind}
        return bool(value)

    def link(self, el: Any, target: dict[str, Any], entry: bool) -> None:
        leaf(el)
        attrs = fp_attrs(el)
        links = target.setdefault("links", [])
        rel = attrs.setdefault("rel", "alternate")
        kind = attrs.setdefault("type", "application/atom+xml" if rel == "self" else "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href or "href" in attrs:
            href = fp_urljoin(self.base, href or "")
            links.append({"rel": rel, "href": href})
            if rel == "alternate" and content_type(kind) in HTML_TYPES:
                target["link"] = href
            return
        links.append({"rel": rel})
        value = (el.text or "").strip()
        value = fp_text(fp_urljoin(self.base, value) if value else value)
        if entry:
            value = value.replace("&amp;", "&")
        value = QUERY_ENTITY.sub(r"&\g<1>", value)
        target["link"] = value
        if value:
            links[-1]["href"] = value

    def ident(self, el: Any, target: dict[str, Any]) -> None:
        """A ``guid`` or ``id``: a permalink one (the default) is resolved and
        becomes the link if none came before it (feed level too, as feedparser)."""
        leaf(el)
        permalink = fp_attrs(el).get("ispermalink", "true") == "true"
        value = (el.text or "").strip()
        value = fp_text(fp_urljoin(self.base, value) if value and permalink else value)
        target["id"] = value
        if permalink and "link" not in target:
            target["link"] = value

    def author(self, el: Any, target: dict[str, Any], nested: Any = None) -> None:
        """An author: text (RSS), or name, email and uri elements (Atom); any
        other element in it goes to ``nested`` (an entry's title rules)."""
        authors = target.setdefault("authors", [])
        authors.append({})
        if len(el) == 0:
            target["author"] = fp_text(el.text)
            sync_author(target)
            return
        for child in el:
            name = fp_name(child)
            if not name:
                continue
            if name not in ("name", "email", "uri", "url", "homepage") or len(child):
                if nested is None:
                    raise Declined(f"author element <{child.tag}>")
                nested(child)
                continue
            value = (child.text or "").strip()
            if name not in ("name", "email"):
                name, value = "href", fp_text(fp_urljoin(self.base, value) if value else value)
            # feedparser's order: the detail, then author from it, then the list
            target.setdefault("author_detail", {})[name] = value
            sync_author(target)
            authors[-1][name] = value
        if (el.text or "").strip() or any((c.tail or "").strip() for c in el):
            raise Declined("an author with text beside its elements")
        target["author"] = ""
        sync_author(target)


class _Entry:
    """An item read as feedparser reads it: its title rule (a title is ignored
    while one was read at a depth no deeper), its depth rule for repeated
    elements (the shallowest, then the last, wins)."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.data: dict[str, Any] = {}
        self.title_depth = -1
        self.depth_of: dict[str, int] = {}

    def store(self, key: str, value: str, depth: int) -> None:
        old = self.depth_of.get(key)
        if old is None or depth <= old:
            self.depth_of[key] = depth
            self.data[key] = value

    def title(self, el: Any, depth: int) -> None:
        if -1 < self.title_depth <= depth:
            return
        detail: dict[str, Any] = {}
        value = self.reader.title(el, detail)
        self.store("title", detail["title"], depth)
        self.data["title_detail"] = detail["title_detail"]  # stored even when the title is not
        if value:
            self.title_depth = depth

    def nested(self, el: Any) -> None:
        """An element inside one of the item's (an ``og`` or ``author`` block)."""
        name = fp_name(el)
        leaf(el)
        if name in TITLES:
            self.title(el, 2)
        elif name == "description":
            if "summary" in self.data:  # feedparser then reads it as content, and loses track
                raise Declined("a second description in an item")
            self.store("summary", fp_text(el.text), 2)
        elif name == "image":
            self.title_depth = -1  # feedparser's _start_image
        elif name not in NESTED_IGNORED:
            raise Declined(f"<{el.tag}> inside an item's element")


def _entry(reader: _Reader, item: Any) -> dict[str, Any]:
    """One item or entry as feedparser reads it, bodies excepted (they are read
    as the split path reads them; see :data:`RSS_BODIES` and :func:`atom_body_ok`)."""
    state = _Entry(reader)
    entry = state.data
    if {"href", "lastmod"} & fp_attrs(item).keys():  # feedparser's CDF link and date
        raise Declined("an item with an href or lastmod attribute")
    outer = reader.base
    reader.enter(item)
    about = item.get(f"{{{RDF_NS}}}about")
    if about:
        entry["id"] = about
    for child in item:
        name = fp_name(child)
        if not name:
            continue
        if child.tag in (ATOM_BODIES if reader.atom else RSS_BODIES):
            if not (atom_body_ok(child) if reader.atom else len(child) == 0):
                raise Declined(f"a body (<{child.tag}>) that holds more than text")
            continue  # never seen by feedparser on the split path: its xml:base neither
        here = reader.base
        reader.enter(child)
        if name in TITLES:
            state.title(child, 1)
        elif name in LINKS:
            reader.link(child, entry, entry=True)
        elif name in IDS:
            reader.ident(child, entry)
        elif name in AUTHORS:
            if name != "author":
                leaf(child)
            reader.author(child, entry, state.nested)
        elif name in TAGS:
            category(child, entry)
        elif name in DATES:
            leaf(child)
            state.store(DATES[name], fp_text(child.text), 1)
        elif name == "media_content":
            for grand in child:
                if fp_name(grand) != "media_title":
                    raise Declined(f"<{grand.tag}> in media:content")
                kept = state.title_depth  # feedparser's _end_media_title keeps it
                state.title(grand, 2)
                state.title_depth = kept
        elif name == "og":
            for grand in child:
                state.nested(grand)
        elif name == "itunes_summary":  # feedparser's summary (a content if one came before)
            leaf(child)
            if "summary" in entry or child.attrib:
                raise Declined("an itunes:summary after a summary, or with attributes")
            state.store("summary", fp_text(child.text), 1)
        elif name == "itunes_keywords":  # feedparser's tags, comma-separated
            leaf(child)
            if child.attrib:
                raise Declined("itunes:keywords with attributes")
            for term in fp_text(child.text).split(","):
                if term.strip():
                    add_tag(
                        entry.setdefault("tags", []), term.strip(), "http://www.itunes.com/", None
                    )
        elif name in ITEM_IGNORED or ":" in name:
            leaf(child)
        else:
            raise Declined(f"item element <{child.tag}>")
        reader.leave(here)
    reader.leave(outer)
    for key in ("published", "updated", "created"):
        raw = str(entry.get(key) or "")
        if raw.strip():
            if not parse_date(raw):
                raise Declined(f"date {raw[:40]!r} (feedparser's lenient reading)")
            break
    return entry


def atom_body_ok(el: Any) -> bool:
    """Whether an Atom ``content`` or ``summary`` is text that the split path
    reads itself (text or escaped HTML, inline)."""
    return len(el) == 0 and el.get("type", "text") in ATOM_TEXT_TYPES and el.get("src") is None


def _channel(root: Any) -> tuple[str, Any, list[Any]]:
    """Version, the element holding the feed's own elements, and the elements
    after it that belong to the feed (RSS 1.0's items and image)."""
    tag = root.tag
    if tag == f"{{{ATOM_NS}}}feed":
        return "atom10", root, []
    if tag == "rss":
        channels = [c for c in root if isinstance(c.tag, str)]
        if len(channels) != 1 or channels[0].tag != "channel":
            raise Declined("an <rss> that holds more than its <channel>")
        return "rss", channels[0], []
    if tag == f"{{{RDF_NS}}}RDF":
        channel = root.find(f"{{{RSS1_NS}}}channel")
        if channel is None:
            raise Declined("RSS 1.0 without a channel")
        return "rss10", channel, [c for c in root if isinstance(c.tag, str) and c is not channel]
    raise Declined(f"root element {tag}")


def read_tree(root: Any, items: list[Any], base: str, has_xml_base: bool = True) -> FastParsed:
    """The feed of ``root`` (a well-formed RSS 2.0, RSS 1.0 or Atom tree whose
    items are ``items``) as feedparser would read it; raises :class:`Declined`.
    ``has_xml_base=False`` says the document has no ``xml:base`` (skips a search).

    >>> from lxml import etree
    >>> root = etree.fromstring(b'<rss version="2.0"><channel><title>T</title><item>'
    ...     b'<title>A</title><guid>https://e.org/a</guid><category>go</category></item></channel></rss>')
    >>> parsed = read_tree(root, root.findall("channel/item"), "")
    >>> parsed.feed["title"], parsed.entries[0]["link"], parsed.entries[0]["tags"][0]["term"]
    ('T', 'https://e.org/a', 'go')
    """
    version, channel, siblings = _channel(root)
    if base and re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", base) is None:
        raise Declined("a relative base URL")
    if has_xml_base:
        # feedparser applies an xml:base wherever it is; read only where this reader looks
        known = {root, channel, *channel, *siblings}
        for item in items:
            known.update(item)
        if any(el not in known for el in root.iterfind(f".//*[@{XML_BASE}]")):
            raise Declined("an xml:base deep inside the feed")
    if {"href", "lastmod"} & fp_attrs(channel).keys():
        raise Declined("a channel with an href or lastmod attribute")
    reader = _Reader(base, atom=version.startswith("atom"))
    reader.enter(root)
    if channel is not root:
        reader.enter(channel)
    meta: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    member = set(items)
    title_blocked = False  # feedparser's title_depth: a non-empty feed title read, none since
    for el in [*channel, *siblings]:
        name = fp_name(el, feed_level=el not in member)
        if not name:
            continue
        if el in member:
            entries.append(_entry(reader, el))
            title_blocked = False
            continue
        outer = reader.base
        reader.enter(el)
        if name in TITLES:
            if not title_blocked:
                title_blocked = reader.title(el, meta)
        elif name in LINKS:
            reader.link(el, meta, entry=False)
        elif name in IDS:
            reader.ident(el, meta)
        elif name == "author" and reader.atom:
            reader.author(el, meta)
        elif name in ("item", "entry", "channel"):
            raise Declined(f"<{el.tag}> outside the items read")
        elif name == "image":
            title_blocked = False
        elif name in FEED_DECLINED or (name in FEED_AUTHORS and reader.atom):
            raise Declined(f"feed element <{el.tag}>")
        elif len(el) and name not in ("items", "itunes_category"):
            raise Declined(f"feed element <{el.tag}> holding others")
        reader.leave(outer)
    if len(entries) != len(items):
        raise Declined("items outside the channel")
    return FastParsed(version, meta, entries)
