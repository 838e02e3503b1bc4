"""The graph as Markdown notes for note-taking tools (``kgraph export --format
markdown -o DIR``): one note per concept and per article, linked with
``[[wikilinks]]`` and carrying YAML front matter (``id``, ``type``,
``aliases``, ``url``, ...), so Obsidian, Logseq, Foam and the like open the
folder as a vault and resolve a concept's aliases.

::

    DIR/Concepts/<concept name>.md   what it is, broader/narrower, often with,
                                     its articles (newest first) with evidence
    DIR/Articles/<title>.md          link, date, authors, feed, its concepts

Note names are unique across the vault (a wikilink names a note by its file
name), without the characters wikilinks or file systems reject. Feed text is
escaped for Markdown (never read as markup or HTML); front matter values are
JSON strings, which YAML reads as they are; links keep only http(s).

>>> import tempfile
>>> from kgraph.query.examples import tiny_graph
>>> paths = write_markdown(tiny_graph(), Path(tempfile.mkdtemp()))
>>> sorted(p.name for p in paths)[:3]
['AWS Lambda.md', 'AWS.md', 'Amazon S3.md']
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from kgraph.errors import GraphError
from kgraph.export.atom import concept_entries
from kgraph.export.folder import folder_writer
from kgraph.export.safe_text import md_text, safe_url, xml_text
from kgraph.query.index import GraphIndex

__all__ = ["note_name", "write_markdown"]

_BAD_NAME = re.compile(r'[\\/:*?"<>|#^\[\]{}`$%]')
#: The most articles a concept note lists.
NOTE_ARTICLES = 500


def note_name(text: str, fallback: str = "untitled") -> str:
    """A note (file) name from a title: no characters that wikilinks or file
    systems reject, one line, at most 100 characters.

    >>> note_name("Go [1.22] | what's new: range/func?"), note_name("..")
    ("Go 1.22 what's new rangefunc", 'untitled')
    """
    name = " ".join(_BAD_NAME.sub(" ", xml_text(text).replace("/", "")).split())
    name = name.strip(" .")[:100].strip(" .")
    return name or fallback


class _Names:
    """Unique note names across the vault (case-insensitively, for macOS/Windows)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, text: str, fallback: str) -> str:
        base = note_name(text, fallback)
        name, n = base, 1
        while name.casefold() in self.taken:
            n += 1
            name = f"{base} ({n})"
        self.taken.add(name.casefold())
        return name


def _yaml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _front(fields: dict[str, object]) -> str:
    return "---\n" + "".join(f"{k}: {_yaml(v)}\n" for k, v in fields.items()) + "---\n"


def write_markdown(
    graph: nx.MultiDiGraph, directory: str | os.PathLike[str], index: GraphIndex | None = None
) -> list[Path]:
    """Write the vault of ``graph`` into ``directory`` (see the module); return
    the notes written. Every concept with an article (its own or a narrower
    one's) gets a note; every article does. Notes of an earlier export that
    this one does not write are removed (:mod:`kgraph.export.folder`); other
    files of the vault (your own notes) are kept unless they are in
    ``Concepts/`` or ``Articles/``."""
    root = Path(directory)
    idx = index or GraphIndex(graph)
    names = _Names()
    concepts = sorted(c for c in idx.concept_attrs if idx.rolled_up_count(c) > 0)
    cnote = {c: names.claim(idx.concept_name(c), c) for c in concepts}
    anote = {
        a: names.claim(str(idx.article_attrs[a].get("title") or ""), "article")
        for a in idx.articles
    }

    def clink(c: str) -> str:
        return f"[[{cnote[c]}]]" if c in cnote else md_text(idx.concept_name(c))

    written: list[Path] = []
    try:
        with folder_writer(root, ["Concepts", "Articles"]) as out:
            for c in concepts:
                note = _concept_note(idx, c, clink, anote)
                written.append(out.write(f"Concepts/{cnote[c]}.md", note))
            for a in idx.articles:
                written.append(out.write(f"Articles/{anote[a]}.md", _article_note(idx, a, clink)))
    except OSError as err:
        raise GraphError(f"{root}: cannot write the notes ({err.strerror or err})") from err
    return written


def _concept_note(
    idx: GraphIndex, c: str, clink: Callable[[str], str], anote: dict[str, str]
) -> str:
    d = idx.concept_attrs[c]
    aliases = [a for a in str(d.get("aliases") or "").split("|") if a][:30]
    hits = concept_entries(idx, c)
    lines = [
        _front(
            {
                "id": c,
                "type": str(d.get("type") or "concept"),
                "aliases": aliases,
                "url": safe_url(d.get("url")),
                "articles": len(hits),
                "tags": ["kgraph/concept"],
            }
        ),
        f"# {md_text(idx.concept_name(c))}",
        "",
        f"Type: {md_text(d.get('type') or 'concept')}",
    ]
    if safe_url(d.get("url")):
        lines.append(f"Documentation: <{safe_url(d.get('url')).replace('>', '%3E')}>")
    for label, group in (
        ("Broader", sorted(idx.parents.get(c, ()))),
        ("Narrower", sorted(idx.children.get(c, ()))),
    ):
        if group:
            lines.append(f"{label}: " + ", ".join(clink(x) for x in group))
    together = sorted(
        idx.co_occurs.get(c, {}).items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0])
    )[:15]
    if together:
        lines.append("Often with: " + ", ".join(f"{clink(x)} ({n})" for x, (_w, n) in together))
    lines += ["", "## Articles", ""]
    for h in hits[:NOTE_ARTICLES]:
        via = "" if h.matched == c else f" (via {clink(h.matched)})"
        evidence = f": “{md_text(h.evidence)}”" if h.evidence else ""
        lines.append(f"- [[{anote[h.article]}]] {h.published[:10] or 'undated'}{via}{evidence}")
    if len(hits) > NOTE_ARTICLES:
        lines.append(f"- and {len(hits) - NOTE_ARTICLES} older articles")
    return "\n".join(lines) + "\n"


def _article_note(idx: GraphIndex, a: str, clink: Callable[[str], str]) -> str:
    d = idx.article_attrs[a]
    authors = sorted(
        str(idx.graph.nodes[x].get("name") or x.removeprefix("author:"))
        for x in idx.authors_of.get(a, ())
    )
    url = safe_url(d.get("url"))
    lines = [
        _front(
            {
                "id": a,
                "type": "article",
                "url": url,
                "published": str(d.get("published") or ""),
                "feed": xml_text(d.get("feed") or ""),
                "authors": [xml_text(x) for x in authors],
                "tags": ["kgraph/article"],
            }
        ),
        f"# {md_text(d.get('title') or url or a)}",
        "",
    ]
    if url:
        lines.append(f"[Read the original](<{url.replace('>', '%3E')}>)")
    meta = [str(d.get("published") or "")[:10] or "undated"]
    if authors:
        meta.append("by " + ", ".join(md_text(x) for x in authors))
    lines += [" · ".join(meta), ""]
    if d.get("summary"):
        lines += [md_text(d.get("summary")), ""]
    lines += ["## Concepts", ""]
    for hit in idx.concepts_of(a):
        evidence = f": “{md_text(hit.evidence)}”" if hit.evidence else ""
        lines.append(f"- {clink(hit.concept)}{evidence}")
    return "\n".join(lines) + "\n"
