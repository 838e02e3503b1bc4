"""Print what changed: a :class:`~kgraph.query.diff.Digest` as text, Markdown
or HTML (a page with the site's CSP), and a :class:`~kgraph.query.diff.GraphDiff`
as text. Feed text is escaped for each: control characters dropped for the
terminal, Markdown markup escaped, HTML escaped; links keep only http(s).

>>> from kgraph.query.examples import tiny_graph
>>> from kgraph.query.index import GraphIndex
>>> from kgraph.query.diff import digest
>>> print(render_digest(digest(GraphIndex(tiny_graph()), "2024-03"), "text").splitlines()[0])
2 article(s) since 2024-03
"""

from __future__ import annotations

import re

from kgraph.export.safe_text import esc, md_text, safe_url
from kgraph.export.site_pages import outside_link, shell
from kgraph.query.diff import Digest, GraphDiff

__all__ = ["diff_text", "render_digest", "term_text"]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def term_text(text: object) -> str:
    """``text`` for a terminal: one line, no control characters (no escape
    sequence from a feed can move the cursor or recolour the terminal).

    >>> term_text("a\\x1b[2Jb\\nc")
    'a [2Jb c'
    """
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def _period(d: Digest) -> str:
    return f"since {d.since}" + (f" until {d.until}" if d.until else "")


def render_digest(d: Digest, fmt: str = "text") -> str:
    """The digest as ``text``, ``markdown`` or ``html``."""
    if fmt == "markdown":
        return _markdown(d)
    if fmt == "html":
        return _html(d)
    lines = [f"{len(d.articles)} article(s) {_period(d)}", ""]
    if d.top:
        lines.append(
            "Most discussed: " + ", ".join(f"{term_text(c.name)} ({c.articles})" for c in d.top)
        )
    if d.new:
        lines.append(
            "New concepts:   " + ", ".join(f"{term_text(c.name)} ({c.articles})" for c in d.new)
        )
    if d.top or d.new:
        lines.append("")
    for a in d.articles:
        lines.append(f"  {a.published[:10] or 'undated':10}  {term_text(a.title)}")
        if safe_url(a.url):
            lines.append(f"              {term_text(safe_url(a.url))}")
    return "\n".join(lines) + "\n"


def _markdown(d: Digest) -> str:
    lines = [f"# kgraph digest {md_text(_period(d))}", "", f"{len(d.articles)} article(s).", ""]
    if d.top:
        lines += ["## Most discussed", ""]
        lines += [f"- {md_text(c.name)} ({c.articles})" for c in d.top]
        lines.append("")
    if d.new:
        lines += ["## New concepts", ""]
        lines += [
            f"- {md_text(c.name)} ({c.articles}), first in: {md_text(c.first)}" for c in d.new
        ]
        lines.append("")
    lines += ["## Articles", ""]
    for a in d.articles:
        url = safe_url(a.url)
        title = md_text(a.title or a.url)
        link = f"[{title}](<{url.replace('>', '%3E')}>)" if url else title
        lines.append(f"- {a.published[:10] or 'undated'}: {link}")
    return "\n".join(lines) + "\n"


def _html(d: Digest) -> str:
    parts = [
        f"<h1>kgraph digest {esc(_period(d))}</h1>",
        f'<p class="meta">{len(d.articles)} article(s)</p>',
    ]
    if d.top:
        parts.append('<h2>Most discussed</h2><ul class="inline">')
        parts += [f'<li>{esc(c.name)} <span class="meta">({c.articles})</span></li>' for c in d.top]
        parts.append("</ul>")
    if d.new:
        parts.append('<h2>New concepts</h2><ul class="arts">')
        parts += [
            f'<li>{esc(c.name)} <span class="meta">({c.articles}) · first in'
            f" {esc(c.first)}</span></li>"
            for c in d.new
        ]
        parts.append("</ul>")
    parts.append('<h2>Articles</h2><ul class="arts">')
    for a in d.articles:
        parts.append(
            f"<li>{outside_link(a.url, a.title or a.url)}"
            f' <span class="meta">{esc(a.published[:10] or "undated")}</span></li>'
        )
    parts.append("</ul>")
    return shell(f"kgraph digest {_period(d)}", "\n".join(parts), up="", nav=False)


def diff_text(d: GraphDiff) -> str:
    """The diff as lines for a terminal (:func:`term_text` on all feed text)."""
    lines = [
        f"articles: +{len(d.articles_added)} -{len(d.articles_removed)}   "
        f"concepts: +{len(d.concepts_added)} -{len(d.concepts_removed)}   "
        f"authors: +{len(d.authors_added)} -{len(d.authors_removed)}   "
        f"feeds: +{len(d.feeds_added)} -{len(d.feeds_removed)}"
    ]

    def names(ids: list[str]) -> str:
        shown = ", ".join(term_text(d.names.get(c, c)) for c in ids[:20])
        return shown + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")

    for label, refs in (("added", d.articles_added), ("removed", d.articles_removed)):
        if refs:
            lines.append(f"\nArticles {label}")
            lines += [
                f"  {a.published[:10] or 'undated':10}  {term_text(a.title or a.url)}"
                for a in refs[:50]
            ]
            if len(refs) > 50:
                lines.append(f"  and {len(refs) - 50} more (--json lists all)")
    for label, ids in (("added", d.concepts_added), ("removed", d.concepts_removed)):
        if ids:
            lines.append(f"\nConcepts {label}: {names(ids)}")
    for label, people in (
        ("Authors added", d.authors_added),
        ("Authors removed", d.authors_removed),
        ("Feeds added", d.feeds_added),
        ("Feeds removed", d.feeds_removed),
    ):
        if people:
            lines.append(f"\n{label}: " + ", ".join(term_text(p) for p in people[:20]))
    for label, changes in (("rose", d.rose), ("fell", d.fell)):
        if changes:
            lines.append(f"\nArticle counts that {label} most")
            lines += [
                f"  {c.delta:+5}  {term_text(c.name)} ({c.before} -> {c.after})" for c in changes
            ]
    if d.new_pairs:
        lines.append("\nNew co-occurring pairs")
        lines += [
            f"  {p.articles:5}  {term_text(p.a.name)} + {term_text(p.b.name)}" for p in d.new_pairs
        ]
    if len(lines) == 1:
        lines.append("\nno change")
    return "\n".join(lines)
