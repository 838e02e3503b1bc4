"""Stage 3: article HTML to clean text blocks, inline code spans and links.

Paragraph boundaries are kept (one :class:`~kgraph.records.Block` per
paragraph, heading, list item, quote, table cell or code block); script,
style, svg, nav and other non-content elements are dropped. Code blocks stay
separate blocks of kind ``code``; inline ``<code>`` text stays in its sentence
and is also listed in ``code``, since it carries signals like ``kubectl``.

The hot path uses lxml directly (it is several times faster than walking a
BeautifulSoup tree) and never follows or fetches anything.

>>> t = to_text(Article(id="a", title="Hi", html='<p>Run <code>kubectl</code>.</p>'
...     '<pre>go func() {}</pre><a href="/x">x</a><script>evil()</script>'),
...     base_url="https://e.org/post")
>>> [(b.kind, b.text) for b in t.blocks]
[('title', 'Hi'), ('paragraph', 'Run kubectl.'), ('code', 'go func() {}'), ('paragraph', 'x')]
>>> t.code, t.links
(('kubectl',), ('https://e.org/x',))
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from kgraph.ingest.boilerplate import (
    is_boilerplate_element,
    is_call_to_action,
    is_social_link,
    looks_like_command,
    looks_like_source,
)
from kgraph.records import Article, ArticleText, Block

__all__ = ["clean_inline", "to_text"]

_DROP = frozenset(
    [
        "script",
        "style",
        "svg",
        "nav",
        "noscript",
        "iframe",
        "object",
        "embed",
        "form",
        "button",
        "select",
        "textarea",
        "template",
        "canvas",
        "math",
        "head",
        "input",
        "video",
        "audio",
        "map",
        "footer",
    ]
)
_BLOCK_KIND = {
    **{f"h{i}": "heading" for i in range(1, 7)},
    "li": "item",
    "dt": "item",
    "dd": "item",
    "blockquote": "quote",
    "td": "table",
    "th": "table",
    "caption": "table",
    "figcaption": "paragraph",
}
_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "aside",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "figure",
        "details",
        "summary",
        "center",
        "address",
        "hr",
        "body",
        "html",
    ]
) | frozenset(_BLOCK_KIND)
# comments and processing instructions never reach the walker; nothing is fetched;
# the table of id attributes (for getElementById) is never used, so not built
_PARSER = etree.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, recover=True, collect_ids=False
)
#: elements that hold the whole page or post: never boilerplate themselves
#: (WordPress puts the post's tags among an <article>'s classes)
_CONTAINERS = frozenset({"html", "body", "article", "main"})
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: is_boilerplate_element, remembered: a blog engine writes the same few class
#: names (entry-content, wp-block-code, highlight) in every post
_boilerplate = functools.lru_cache(maxsize=4096)(is_boilerplate_element)

# What the walker does with an element, by tag name: one dict lookup per
# element instead of lower(), rsplit() and a chain of set tests. lxml's HTML
# parser gives lower-case names without a namespace, so a tag missing from the
# table is nearly always an inline element; _role() normalises it and looks
# again, as the walker always did.
_INLINE, _BLOCK_EL, _DROPPED, _PRE, _BR, _CODE, _A = range(7)
_COMMON_INLINE = "span strong em b i u s img sup sub small mark kbd samp var abbr cite q del ins"
_ROLES: dict[str, int] = {
    # common inline elements, listed only so that they hit the table
    **dict.fromkeys(_COMMON_INLINE.split(), _INLINE),
    **dict.fromkeys(_BLOCK, _BLOCK_EL),
    "code": _CODE,
    "a": _A,
    "br": _BR,
    "pre": _PRE,
    **dict.fromkeys(_DROP, _DROPPED),
}

# An href for which _resolve() comes down to "cut the fragment, and a '?' with
# an empty query", whatever the base (if the base parses at all): a lower-case
# http(s) scheme (urlsplit lower-cases it), a plain ASCII host[:port] (no
# userinfo, brackets or non-ASCII, which urlsplit checks), a path without ';'
# (urlparse's params: urljoin drops an empty one) and no ASCII control or space
# before the fragment (urlsplit strips or removes some). urljoin gives such a
# URL back as it was (href itself, or urlunparse(urlparse(href)) when the base
# has the same scheme), as dot segments are resolved only in relative
# references. Every other href goes to _resolve(); tests/test_text.py checks
# that the two agree.
_PLAIN_HTTP = re.compile(
    r"(https?://[-.0-9A-Z_a-z~]+(?::[0-9]{0,5})?(?:/[^\x00-\x20\x7f?#;]*)?)"
    r"(?:\?([^\x00-\x20\x7f#]*))?"
    r"(?:#[^\t\n\r]*)?"
)


def clean_inline(text: str) -> str:
    """Collapse whitespace and drop control characters.

    >>> clean_inline("  a\\n\\t b\\x00 ")
    'a b'
    >>> clean_inline(" already clean text ")
    'already clean text'
    """
    # Most text is clean already: printable (every control character and every
    # whitespace character but " " is unprintable) with single spaces. Then
    # split() and join() would only copy it word by word.
    if text.isprintable() and "  " not in text:
        return text.strip(" ")
    # str.split() splits on the same whitespace as \s, in C and without a regex
    return " ".join(_CTRL.sub("", text).split())


def _role(tag: object) -> int:
    """The role of an element whose tag is not in ``_ROLES`` as it stands."""
    if not isinstance(tag, str):  # comment, processing instruction or entity
        return _DROPPED
    return _ROLES.get(_tag_name(tag), _INLINE)


def _tag_name(tag: str) -> str:
    """A tag's lower-case local name (``{ns}P`` -> ``p``)."""
    return tag.lower().rsplit("}", 1)[-1]


def _text_content(el: etree._Element) -> str:
    """All the text in ``el``'s subtree, without its tail: ``"".join(el.itertext())``.

    libxml2 concatenates the text nodes in one C call, where itertext() makes
    a Python string per node (a highlighted code block has a <span> per
    token). The two differ only on comments and processing instructions,
    which ``_PARSER`` never keeps.
    """
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _resolve(base_url: str, href: str) -> str | None:
    """``href`` (stripped) made absolute against ``base_url`` and without its
    fragment, if that is an http(s) URL with a host; else None.

    This is the reference: :meth:`_Walker.link` only skips it for hrefs where
    it gives the same answer.
    """
    try:
        url = urljoin(base_url, href) if base_url else href
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return urlunsplit(parts._replace(fragment=""))
    return None


def _parses(url: str) -> bool:
    """Whether urlsplit() accepts ``url`` (it rejects unbalanced brackets, say)."""
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


class _Walker:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.code: list[str] = []
        self.links: list[str] = []
        self.buf: list[str] = []
        self.kinds: list[str] = ["paragraph"]
        #: words in the prose blocks made so far (word_count)
        self.words = 0
        # urljoin() parses the base for every href, so a base it rejects
        # loses every link: link()'s shortcut is only for a base that parses
        self.plain_base = not base_url or _parses(base_url)
        #: _resolve() answers for this base, by href ("#" for every "#...")
        self.resolved: dict[str, str | None] = {}

    def flush(self) -> None:
        """End the current block: the text gathered so far becomes one, unless blank."""
        buf = self.buf
        if buf:
            text = "".join(buf)
            buf.clear()
            if text.isspace():  # most often: the line breaks between two blocks
                return
            text = clean_inline(text)
            if text and not is_call_to_action(text):
                kind = self.kinds[-1]
                if kind == "paragraph" and (looks_like_command(text) or looks_like_source(text)):
                    kind = "code"  # a shell session the page did not mark up as code
                self.blocks.append(Block(kind, text))
                if kind != "code":
                    # clean_inline() leaves exactly one space between words
                    self.words += text.count(" ") + 1

    def link(self, href: str | None) -> None:
        """Keep ``href`` if it resolves to an http(s) URL (see :func:`_resolve`)."""
        if not href:
            return
        href = href.strip()
        if self.plain_base:
            m = _PLAIN_HTTP.fullmatch(href)
            if m is not None:
                url, query = m.group(1, 2)
                self.links.append(f"{url}?{query}" if query else url)
                return
        # Every fragment-only href ("#top": heading anchors, footnotes) gives
        # what the base itself gives, whatever the fragment, since that is
        # cut: they share one answer.
        key = "#" if href[:1] == "#" else href
        try:
            url = self.resolved[key]
        except KeyError:
            url = self.resolved[key] = _resolve(self.base_url, key)
        if url is not None:
            self.links.append(url)

    def walk(self, el: etree._Element) -> None:
        """Add ``el`` and its subtree (not its tail) to the blocks, code and links."""
        tag = el.tag
        role = _ROLES.get(tag)
        if role is None:
            role = _role(tag)
            if role == _BLOCK_EL:
                tag = _tag_name(tag)
        # the roles by how often they come, most first
        if role == _BLOCK_EL:
            if (
                el.attrib
                and tag not in _CONTAINERS
                and _boilerplate(el.get("class"), el.get("id"), el.get("role"))
            ):
                return  # share, follow, related posts, comments...
            self.flush()
            kinds = self.kinds
            kinds.append(_BLOCK_KIND.get(tag, kinds[-1]))
        elif role == _A:
            href = el.get("href")
            self.link(href)
            if is_social_link(href):
                return  # its text is a button or a profile name, not content
        elif role == _CODE:
            text = clean_inline(_text_content(el))
            if text:
                self.code.append(text)
        elif role == _PRE:
            self.flush()
            code = _text_content(el).strip("\n")
            if code.strip():
                self.blocks.append(Block("code", _CTRL.sub("", code)))
            return
        elif role == _BR:
            self.flush()
            return
        elif role == _DROPPED:
            return
        # blocks, inline elements, <a> and <code>: their text and their children's
        buf = self.buf
        text = el.text
        if text:
            buf.append(text)
        for child in el:
            self.walk(child)
            text = child.tail
            if text:
                buf.append(text)
        if role == _BLOCK_EL:
            self.flush()
            self.kinds.pop()


def to_text(article: Article, base_url: str = "") -> ArticleText:
    """Turn an article's HTML into an :class:`~kgraph.records.ArticleText`.

    The title comes first as a block of kind ``title``. Relative links are
    resolved against ``base_url`` (default: the article URL); only http(s)
    links are kept.
    """
    walker = _Walker(base_url or article.url)
    title = clean_inline(article.title)
    if title:
        walker.blocks.append(Block("title", title))
    html = article.html.strip()
    if html:
        try:
            root = etree.HTML(html, parser=_PARSER)
        except (etree.ParserError, ValueError):
            root = None
        if root is not None:
            walker.walk(root)
            walker.flush()
    return ArticleText(
        article_id=article.id,
        blocks=tuple(walker.blocks),
        code=tuple(dict.fromkeys(walker.code)),
        links=tuple(dict.fromkeys(walker.links)),
        word_count=walker.words,
    )
