"""feedparser's rules for the elements the fast path reads (issue 24), copied
so that :mod:`kgraph.ingest.fastfeed` gives the records feedparser gives
without importing it: element names as feedparser dispatches on them (its
namespace prefixes), element text as it stores it (stripped, its mojibake
repair, its cp1252 mapping), its URL joining, its author and category
merging. ``tests/ingest/test_fastfeed.py`` checks the copied tables against
the installed feedparser.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any
from urllib.parse import urljoin

__all__ = [
    "ATOM_BODIES",
    "ATOM_NS",
    "ATOM_TEXT_TYPES",
    "AUTHORS",
    "CP1252",
    "DATES",
    "EMAIL",
    "FEED_AUTHORS",
    "FEED_DECLINED",
    "FP_PREFIXES",
    "HTML_TYPES",
    "IDS",
    "ITEM_IGNORED",
    "LINKS",
    "NAMESPACES",
    "NESTED_IGNORED",
    "QUERY_ENTITY",
    "RDF_NS",
    "RSS1_NS",
    "RSS_BODIES",
    "TAGS",
    "TITLES",
    "URI_FIXER",
    "XML_BASE",
    "XML_NS",
    "Declined",
    "add_tag",
    "category",
    "content_type",
    "fp_attrs",
    "fp_name",
    "fp_text",
    "fp_urljoin",
    "leaf",
    "sync_author",
]

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS1_NS = "http://purl.org/rss/1.0/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_BASE = f"{{{XML_NS}}}base"


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Namespaces feedparser reads as its own elements (prefix ``""``) and the
#: prefixes it gives the others this reader knows (feedparser's table).
NAMESPACES = {  # keys lower case, as feedparser compares them
    "": "",
    ATOM_NS.lower(): "",
    RSS1_NS: "",
    "http://backend.userland.com/rss": "",
    "http://blogs.law.harvard.edu/tech/rss": "",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://wellformedweb.org/commentapi/": "wfw",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://example.com/dtds/podcast-1.0.dtd": "itunes",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
}
#: Prefixes feedparser gives elements of namespaces it knows: an element of an
#: unknown namespace written with one of them would be read as feedparser's.
FP_PREFIXES = words(
    "admin ag annotate audio blogchannel cc creativecommons co content cp dc dcterms email ev "
    "feedburner fm foaf geo georss gml icbm image itunes l media pingback prism rdf rdfs ref "
    "reqv search slash soap ss str sub sy szf taxo thr ti trackback wfw wiki xhtml xlink xml psc"
)

TITLES = frozenset(["title", "dc_title"])
LINKS = frozenset(["link"])
IDS = frozenset(["guid", "id"])
AUTHORS = frozenset(["author", "dc_creator", "dc_author", "itunes_author"])
TAGS = frozenset(["category", "dc_subject"])
DATES = {
    "pubdate": "published",
    "published": "published",
    "issued": "published",
    "dcterms_issued": "published",
    "updated": "updated",
    "modified": "updated",
    "dc_date": "updated",
    "dcterms_modified": "updated",
    "created": "created",
    "dcterms_created": "created",
}
#: The elements of an RSS item and an Atom entry that hold its body, and the
#: types of an Atom body read as text (the split path's, see kgraph.ingest.feeds).
RSS_BODIES = frozenset(
    [
        "description",
        "{http://purl.org/rss/1.0/modules/content/}encoded",
        f"{{{RSS1_NS}}}description",
    ]
)
ATOM_BODIES = frozenset([f"{{{ATOM_NS}}}content", f"{{{ATOM_NS}}}summary"])
ATOM_TEXT_TYPES = frozenset(["text", "html", "text/html", "text/plain"])
#: Elements of an item that change none of the fields read (feedparser keeps
#: them under other keys): read only when they hold text alone.
ITEM_IGNORED = words(
    "comments wfw_commentrss wfw_comment slash_comments enclosure media_thumbnail itunes_explicit "
    "itunes_subtitle itunes_duration itunes_image itunes_episode itunes_season itunes_episodetype "
    "itunes_title itunes_block itunes_order"
)
#: Elements inside an item's ``og`` or ``author`` block that change nothing read.
NESTED_IGNORED = frozenset(["type", "site_name", "url", "department", "company"])
#: Elements of the channel that would change its title, link or authors, or
#: start something feedparser reads apart (what this reader does not).
FEED_DECLINED = words(
    "source textinput media_title body xhtml_body fullitem itunes_link itunes_image content "
    "content_encoded"
)
#: Elements of the channel that add authors to the feed, which only an Atom
#: feed's entries take (RFC 4287): an Atom feed with one of them is declined.
FEED_AUTHORS = words(
    "managingeditor webmaster dc_creator dc_author dc_publisher itunes_author itunes_owner "
    "itunes_name itunes_email author"
)

HTML_TYPES = frozenset(["text/html", "application/xhtml+xml"])
CP1252 = {
    c: bytes([c]).decode("cp1252") for c in range(128, 160) if c not in (129, 141, 143, 144, 157)
}
URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
QUERY_ENTITY = re.compile("&([A-Za-z0-9_]+);")
EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)


class Declined(Exception):
    """The feed needs feedparser: the message says why."""


def fp_text(value: str | None) -> str:
    """Element text as feedparser stores it: stripped, text that is UTF-8 read
    as Latin-1 repaired, C1 controls mapped as cp1252."""
    out = (value or "").strip()
    if out.isascii():  # neither step changes ASCII text
        return out
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        out = out.encode("iso-8859-1").decode("utf-8")
    return out.translate(CP1252)


def fp_urljoin(base: str, uri: str) -> str:
    uri = URI_FIXER.sub(r"\1\3", uri)
    try:
        return urljoin(base, uri)
    except ValueError:
        return ""


def content_type(value: str) -> str:
    value = value.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(value, value)


def fp_name(el: Any, feed_level: bool = False) -> str:
    """feedparser's name for an element: ``prefix_local``, lower case. An
    element of a namespace feedparser knows and this reader does not is
    declined in an item; in the channel, where none of them changes what is
    read, it keeps the document's prefix."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comment or processing instruction
    if tag[0] != "{":
        return tag.lower()
    ns, local = tag[1:].split("}", 1)
    prefix = NAMESPACES.get(ns.lower())
    if prefix is None:
        given = el.prefix
        if not given or (given.lower() in FP_PREFIXES and not feed_level):
            raise Declined(f"element {tag} of a namespace feedparser may read as its own")
        if given.lower() in FP_PREFIXES:  # what feedparser would take it for
            return f"{given}_{local}".lower()
        return f"{given}:{local}".lower()  # feedparser keeps it apart, under this name
    return f"{prefix}_{local}".lower() if prefix else local.lower()


def fp_attrs(el: Any) -> dict[str, str]:
    """Attributes by lower-case name, a namespaced one with feedparser's prefix
    (``rdf:about``); rel and type values lower case too (as feedparser).
    feedparser reads an attribute of a namespace it does not know as the plain
    one (``x:href`` as ``href``) as well: declined."""
    out = {}
    for key, value in el.attrib.items():
        name = key
        if key[0] == "{":
            ns, local = key[1:].split("}", 1)
            prefix = "xml" if ns == XML_NS else NAMESPACES.get(ns.lower())
            if prefix is None:
                raise Declined(f"attribute {key} of a namespace feedparser may not know")
            name = f"{prefix}:{local}" if prefix else local
        name = name.lower()
        out[name] = value.lower() if name in ("rel", "type") else value
    return out


def leaf(el: Any) -> None:
    if len(el):
        raise Declined(f"<{el.tag}> holds other elements")


def sync_author(context: dict[str, Any]) -> None:
    """feedparser's ``_sync_author_detail``: ``author`` from the last author's
    name and email, or the last author's name and email from ``author``."""
    detail = context.get("authors", [{}])[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            context["author"] = f"{name} ({email})"
        elif name or email:
            context["author"] = name or email
        return
    author, email = context.get("author"), None
    if not author:
        return
    match = EMAIL.search(author)
    if match:
        email = match.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email


def add_tag(tags: list[dict[str, Any]], term: Any, scheme: Any, label: Any) -> None:
    if not term and not scheme and not label:
        return
    value = {"term": term, "scheme": scheme, "label": label}
    if value not in tags:
        tags.append(value)


def category(el: Any, entry: dict[str, Any]) -> None:
    leaf(el)
    attrs = fp_attrs(el)
    tags = entry.setdefault("tags", [])
    add_tag(tags, attrs.get("term"), attrs.get("scheme", attrs.get("domain")), attrs.get("label"))
    value = fp_text(el.text)
    if not value:
        return
    if tags and not tags[-1]["term"]:
        tags[-1]["term"] = value
    else:
        add_tag(tags, value, None, None)
