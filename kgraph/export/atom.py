"""A feed per concept: the articles about one concept (narrower concepts
included, if asked) as an Atom 1.0 feed, newest first, each entry with the
original link, the date and the sentence that shows the concept.

A reader subscribed to "Kubernetes" gets only the posts that really mention
Kubernetes (or, with narrower concepts, kubectl, Helm, ...), once each even
when several feeds carried the same post. Feed text is escaped; links keep
only http(s).

>>> from kgraph.query.examples import tiny_graph
>>> from kgraph.query.index import GraphIndex
>>> xml = render_concept_feed(GraphIndex(tiny_graph()), "amazon-s3")
>>> xml.startswith('<?xml version="1.0" encoding="utf-8"?>'), xml.count("<entry>")
(True, 2)
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path
from urllib.parse import quote

from kgraph.errors import GraphError
from kgraph.export.safe_text import esc, safe_url
from kgraph.fileio import atomic_open
from kgraph.graph.builder import normalise_url
from kgraph.query.index import GraphIndex
from kgraph.query.results import ArticleHit
from kgraph.version import kgraph_version

__all__ = ["atom_date", "concept_entries", "render_concept_feed", "write_concept_feed"]

#: The date of an entry whose article has none (and of an empty feed without a build date).
EPOCH = "1970-01-01T00:00:00Z"
_version = functools.cache(kgraph_version)
_normalise_url = functools.lru_cache(maxsize=1 << 16)(normalise_url)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")


def atom_date(value: object, default: str = EPOCH) -> str:
    """An RFC 3339 date-time for Atom from an ISO date or date-time, else ``default``.

    >>> atom_date("2024-08-05"), atom_date("2024-08-05T03:00:00Z"), atom_date("soon")
    ('2024-08-05T00:00:00Z', '2024-08-05T03:00:00Z', '1970-01-01T00:00:00Z')
    """
    text = str(value or "").strip()
    if _DATETIME.fullmatch(text):
        return text
    if _DATE.fullmatch(text[:10]):
        return f"{text[:10]}T00:00:00Z"
    return default


def concept_entries(
    index: GraphIndex, concept: str, narrower: bool = True, limit: int | None = None
) -> list[ArticleHit]:
    """The articles about ``concept`` (``narrower`` concepts rolled up),
    newest first, each once: the same post carried by two feeds (same
    normalised URL, or same title and day) counts once.

    >>> from kgraph.query.examples import tiny_graph
    >>> [h.title for h in concept_entries(GraphIndex(tiny_graph()), "aws")]
    ['Lambda layers', 'S3 versioning', 'S3 replication']
    """
    cid = index.resolve_concept(concept)
    hits = sorted(
        index.articles_about(cid, narrower=narrower),
        key=lambda h: (h.published, h.article),
        reverse=True,
    )
    seen: set[str] = set()
    out = []
    for h in hits:
        keys = {f"t:{h.title.casefold().strip()}|{h.published[:10]}"}
        if h.url:
            keys.add(f"u:{_normalise_url(h.url)}")
        if keys & seen:
            continue
        seen |= keys
        out.append(h)
        if limit is not None and len(out) >= limit:
            break
    return out


def _entry_id(hit: ArticleHit) -> str:
    url = safe_url(hit.url)
    if url:
        return url
    return "urn:sha1:" + hashlib.sha1(hit.article.encode("utf-8")).hexdigest()


def render_concept_feed(
    index: GraphIndex,
    concept: str,
    narrower: bool = True,
    *,
    limit: int | None = None,
    page_url: str = "",
    hits: list[ArticleHit] | None = None,
) -> str:
    """The Atom feed of ``concept`` as a string: its newest ``limit`` articles
    (None: all; see :func:`concept_entries`, or ``hits`` if given: those
    entries, already chosen); ``page_url``, when an http(s) URL, is the
    feed's ``alternate`` link."""
    cid = index.resolve_concept(concept)
    name = index.concept_name(cid)
    if hits is None:
        hits = concept_entries(index, cid, narrower, limit)
    built = atom_date(index.graph.graph.get("built", ""))
    updated = max((atom_date(h.published, built) for h in hits), default=built)
    scope = " and narrower concepts" if narrower else ""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{esc(name)} (kgraph)</title>",
        f"  <subtitle>Articles about {esc(name)}{scope}, newest first</subtitle>",
        f"  <id>urn:kgraph:concept:{esc(quote(cid, safe=''))}</id>",
        f"  <updated>{updated}</updated>",
        "  <author><name>kgraph</name></author>",
        f'  <generator version="{esc(_version())}">kgraph</generator>',
    ]
    if safe_url(page_url):
        lines.append(f'  <link rel="alternate" type="text/html" href="{esc(safe_url(page_url))}"/>')
    for h in hits:
        lines.append("  <entry>")
        lines.append(f"    <title>{esc(h.title or h.url or h.article)}</title>")
        lines.append(f"    <id>{esc(_entry_id(h))}</id>")
        url = safe_url(h.url)
        if url:
            lines.append(f'    <link rel="alternate" href="{esc(url)}"/>')
        date = atom_date(h.published, built)
        lines.append(f"    <published>{date}</published>")
        lines.append(f"    <updated>{date}</updated>")
        for author in sorted(index.authors_of.get(h.article, ())):
            who = index.graph.nodes[author].get("name") or author.removeprefix("author:")
            lines.append(f"    <author><name>{esc(who)}</name></author>")
        lines.append(f'    <category term="{esc(h.matched)}" label="{esc(h.matched_name)}"/>')
        via = "" if h.matched == cid else f" (via {h.matched_name})"
        summary = h.evidence or f"Mentions {h.matched_name}."
        lines.append(f"    <summary>{esc(summary)}{esc(via)}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def write_concept_feed(
    index: GraphIndex,
    concept: str,
    path: str | os.PathLike[str],
    narrower: bool = True,
    *,
    page_url: str = "",
) -> Path:
    """Write the Atom feed of ``concept`` to ``path`` (atomically); return the path.

    >>> import tempfile
    >>> from kgraph.query.examples import tiny_graph
    >>> out = write_concept_feed(GraphIndex(tiny_graph()), "S3", Path(tempfile.mkdtemp()) / "s3.xml")
    >>> out.read_text(encoding="utf-8").count("<entry>")
    2
    """
    target = Path(path)
    text = render_concept_feed(index, concept, narrower, page_url=page_url)
    try:
        with atomic_open(target) as fh:
            fh.write(text)
    except OSError as err:
        raise GraphError(f"{target}: cannot write the feed ({err.strerror or err})") from err
    return target
