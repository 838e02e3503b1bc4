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

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from .records import Article, ArticleText, Block

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
# comments and processing instructions never reach the walker; nothing is fetched
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_inline(text: str) -> str:
    """Collapse whitespace and drop control characters.

    >>> clean_inline("  a\\n\\t b\\x00 ")
    'a b'
    """
    # str.split() splits on the same whitespace as \s, in C and without a regex
    return " ".join(_CTRL.sub("", text).split())


class _Walker:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.code: list[str] = []
        self.links: list[str] = []
        self.buf: list[str] = []
        self.kinds: list[str] = ["paragraph"]

    def flush(self) -> None:
        if self.buf:
            text = clean_inline("".join(self.buf))
            self.buf = []
            if text:
                self.blocks.append(Block(self.kinds[-1], text))

    def link(self, href: str | None) -> None:
        if not href:
            return
        href = href.strip()
        try:
            url = urljoin(self.base_url, href) if self.base_url else href
            parts = urlsplit(url)
        except ValueError:
            return
        if parts.scheme in ("http", "https") and parts.netloc:
            self.links.append(urlunsplit(parts._replace(fragment="")))

    def walk(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comment or processing instruction
            return
        tag = tag.lower().rsplit("}", 1)[-1]
        if tag in _DROP:
            return
        if tag == "pre":
            self.flush()
            code = "".join(el.itertext()).strip("\n")
            if code.strip():
                self.blocks.append(Block("code", _CTRL.sub("", code)))
            return
        if tag == "br":
            self.flush()
            return
        if tag == "code":
            text = clean_inline("".join(el.itertext()))
            if text:
                self.code.append(text)
        elif tag == "a":
            self.link(el.get("href"))
        block = tag in _BLOCK
        if block:
            self.flush()
            self.kinds.append(_BLOCK_KIND.get(tag, self.kinds[-1]))
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.buf.append(child.tail)
        if block:
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
    prose_words = sum(len(b.text.split()) for b in walker.blocks if b.kind not in ("title", "code"))
    return ArticleText(
        article_id=article.id,
        blocks=tuple(walker.blocks),
        code=tuple(dict.fromkeys(walker.code)),
        links=tuple(dict.fromkeys(walker.links)),
        word_count=prose_words,
    )
