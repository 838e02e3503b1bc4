"""Feed text made safe for the static site, the Atom feeds and the Markdown
notes: HTML/XML escaping, links that keep only http(s), file names that are
the same on every host, and the few dates those writers print.

Feed content is untrusted: every title, name and evidence sentence goes
through :func:`esc` (HTML and XML) or :func:`md_text` (Markdown), and every
link through :func:`safe_url`.

>>> esc('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
>>> safe_url("javascript:alert(1)"), safe_url("https://go.dev/doc")
('', 'https://go.dev/doc')
>>> file_slug("c++"), file_slug("kubernetes")
('c_2b_2b', 'kubernetes')
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from urllib.parse import urlsplit

__all__ = [
    "article_slug",
    "esc",
    "file_slug",
    "md_text",
    "safe_url",
    "xml_text",
]

# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/F).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """``text`` without the characters XML 1.0 cannot carry (not escaped).

    >>> xml_text("a\\x00b\\x1bc")
    'abc'
    """
    return _XML_BAD.sub("", str(text if text is not None else ""))


def esc(text: object) -> str:
    """``text`` escaped for HTML or XML content and attribute values.

    >>> esc("Tom & 'Jerry'")
    'Tom &amp; &#x27;Jerry&#x27;'
    """
    return _esc(text if isinstance(text, str) else str(text if text is not None else ""))


# A site repeats the same names, titles and links on many pages: each is escaped once.
@functools.lru_cache(maxsize=1 << 16)
def _esc(text: str) -> str:
    return html.escape(xml_text(text), quote=True)


def safe_url(url: object) -> str:
    """``url`` if it is an absolute http(s) URL with a host, else ``""``
    (``javascript:``, ``data:``, relative and malformed links are dropped).

    >>> safe_url("HTTPS://example.org/a b"), safe_url("//example.org"), safe_url("data:,x")
    ('HTTPS://example.org/a%20b', '', '')
    """
    return _safe_url(url if isinstance(url, str) else str(url if url is not None else ""))


@functools.lru_cache(maxsize=1 << 16)
def _safe_url(url: str) -> str:
    text = xml_text(url).strip()
    if not text or any(c in text for c in "\r\n\t"):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return text.replace(" ", "%20")


@functools.lru_cache(maxsize=1 << 16)
def file_slug(name: str) -> str:
    """A file name for ``name`` (a concept id, an author slug): letters,
    digits, ``-`` and ``_`` kept, anything else as ``_xx`` (its UTF-8 bytes
    in hex), so two names never share a file and no name needs URL escaping.

    >>> file_slug("c#"), file_slug("node.js"), file_slug("ü")
    ('c_23', 'node_2ejs', '_c3_bc')
    """
    out = []
    for ch in name.lower():
        if ch.isascii() and (ch.isalnum() or ch == "-"):
            out.append(ch)
        else:
            out.extend(f"_{b:02x}" for b in ch.encode("utf-8"))
    return "".join(out)[:180] or "_"


@functools.lru_cache(maxsize=1 << 16)
def article_slug(node: str) -> str:
    """A short file name for an article node id (its URL or guid).

    >>> article_slug("article:https://e.org/a")
    'a-db1291c16f86'
    """
    return "a-" + hashlib.sha1(node.encode("utf-8")).hexdigest()[:12]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_text(text: object) -> str:
    """``text`` for Markdown: one line, its markup characters backslash-escaped
    and ``<``/``&`` as entities, so it shows as text and never as HTML or a link.

    >>> md_text("**[x](javascript:alert(1))** <b>")
    '\\\\*\\\\*\\\\[x\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\)\\\\*\\\\* &lt;b&gt;'
    """
    one_line = " ".join(xml_text(text).split())
    escaped = one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped)
