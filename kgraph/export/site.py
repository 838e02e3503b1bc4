"""``kgraph site``: a built graph as a static site, one self-contained folder
that works from ``file://`` and on any static host (no server, no request
leaves the machine: every page carries the CSP of the HTML page).

::

    DIR/index.html               the concept map, top concepts, clusters,
                                 recent articles and a search box
    DIR/concepts/<concept>.html  one page per concept (see site_pages)
    DIR/articles/a-<hash>.html   one page per article
    DIR/authors/<author>.html    one page per author
    DIR/feeds/<concept>.xml      an Atom feed per concept (narrower included)
    DIR/concept_map.svg          the map picture the index shows

The search runs in the page (a hashed inline script over an inline JSON list
of concepts and aliases): it needs no network and no server.

>>> import tempfile
>>> from kgraph.query.examples import tiny_graph
>>> report = write_site(tiny_graph(), tempfile.mkdtemp(), concept_map=False)
>>> report.concepts, report.articles, report.authors, report.feeds
(4, 4, 1, 4)
"""

from __future__ import annotations

import base64
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kgraph.errors import GraphError
from kgraph.export.atom import concept_entries, render_concept_feed
from kgraph.export.folder import FolderWriter, folder_writer
from kgraph.export.page_data import json_for_script
from kgraph.export.safe_text import article_slug, esc, file_slug
from kgraph.export.site_pages import (
    SiteLinks,
    article_page,
    author_page,
    concept_page,
    outside_link,
    shell,
)
from kgraph.query.concept_map import communities_of
from kgraph.query.index import GraphIndex

__all__ = ["SEARCH_JS", "SiteReport", "write_site"]

LOGGER = logging.getLogger(__name__)

#: The index page's search: filters the inline list of concepts by name and
#: alias; builds its results with textContent (feed text is never HTML).
SEARCH_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("concept-data").textContent);
  var box = document.getElementById("q"), list = document.getElementById("hits");
  function norm(s) { return s.toLowerCase().replace(/[\\s_-]+/g, " ").trim(); }
  var rows = data.map(function (r) {
    return {slug: r[0], name: r[1], keys: [r[1]].concat(r[2]).map(norm), count: r[3]};
  });
  function show() {
    var q = norm(box.value);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!q) { return; }
    var found = [];
    rows.forEach(function (r) {
      var best = -1;
      r.keys.forEach(function (k, i) {
        var score = k === q ? 3 : k.indexOf(q) === 0 ? 2 : k.indexOf(q) > 0 ? 1 : -1;
        if (score >= 0 && i > 0) { score -= 0.5; }
        if (score > best) { best = score; }
      });
      if (best >= 0) { found.push([best, r]); }
    });
    found.sort(function (a, b) { return b[0] - a[0] || b[1].count - a[1].count; });
    found.slice(0, 30).forEach(function (f) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "concepts/" + f[1].slug + ".html";
      a.textContent = f[1].name;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" (" + f[1].count + ")"));
      list.appendChild(li);
    });
  }
  box.addEventListener("input", show);
  box.addEventListener("keydown", function (e) {
    var first = list.querySelector("a");
    if (e.key === "Enter" && first) { window.location.href = first.getAttribute("href"); }
  });
  show();
  window.kgraphSite = {ready: true, search: function (q) { box.value = q; show(); }};
})();
"""


@dataclass
class SiteReport:
    """What :func:`write_site` wrote: page and feed counts, and problems met
    (e.g. a concept map picture that could not be drawn)."""

    directory: Path
    concepts: int = 0
    articles: int = 0
    authors: int = 0
    feeds: int = 0
    problems: list[str] = field(default_factory=list)


#: What :func:`write_site` writes into its folder (and prunes there: see
#: :mod:`kgraph.export.folder`; the index is written last).
ENTRIES = ("index.html", "concept_map.svg", "concepts", "articles", "authors", "feeds")
#: The most entries a concept's feed on the site carries (the newest; a reader
#: keeps what it has seen). ``kgraph feed`` writes them all.
FEED_ENTRIES = 200
#: The index's concept map picture shows at most this many concepts (the
#: most mentioned): a bigger map is unreadable at page width.
MAP_CONCEPTS = 250


def write_site(
    graph: nx.MultiDiGraph,
    directory: str | os.PathLike[str],
    *,
    index: GraphIndex | None = None,
    concept_map: bool = True,
    top: int = 40,
    recent: int = 30,
) -> SiteReport:
    """Write the static site of ``graph`` into ``directory`` (see the module).

    Every concept with an article (its own or a narrower concept's) gets a
    page and a feed; every article and author a page. ``concept_map=False``
    leaves the map picture out (faster; small graphs have no map anyway).
    Raises :class:`GraphError` when the folder cannot be written.
    """
    root = Path(directory)
    idx = index or GraphIndex(graph)
    report = SiteReport(root)
    concepts = sorted(c for c in idx.concept_attrs if idx.rolled_up_count(c) > 0)
    authors = sorted(a for a in idx.articles_by if a in graph)
    links = SiteLinks(frozenset(concepts), frozenset(authors))
    # an article's ``feed`` is its feed node's id without the prefix
    feed_titles = {
        n.removeprefix("feed:"): str(d.get("title") or "")
        for n, d in graph.nodes(data=True)
        if d.get("kind") == "feed"
    }
    try:
        with folder_writer(root, ENTRIES) as out:
            write = out.write
            for cid in concepts:
                hits = concept_entries(idx, cid)
                desc = str(idx.concept_attrs[cid].get("description") or "")
                slug = file_slug(cid)
                page = concept_page(idx, cid, hits, links, feed_titles, desc)
                write(f"concepts/{slug}.html", page)
                feed = render_concept_feed(idx, cid, limit=FEED_ENTRIES, hits=hits[:FEED_ENTRIES])
                write(f"feeds/{slug}.xml", feed)
            for a in idx.articles:
                write(f"articles/{article_slug(a)}.html", article_page(idx, a, links, feed_titles))
            for node in authors:
                slug = file_slug(node.removeprefix("author:"))
                write(f"authors/{slug}.html", author_page(idx, node, links))
            picture, clusters = ("", "")
            if concept_map:
                picture, clusters = _map_parts(idx, out, links, report)
            write("index.html", _index_page(idx, concepts, links, picture, clusters, top, recent))
    except OSError as err:
        raise GraphError(f"{root}: cannot write the site ({err.strerror or err})") from err
    report.concepts, report.feeds = len(concepts), len(concepts)
    report.articles, report.authors = len(idx.articles), len(authors)
    return report


def _map_parts(
    idx: GraphIndex, out: FolderWriter, links: SiteLinks, report: SiteReport
) -> tuple[str, str]:
    """The concept map picture (an ``<img>`` of an inline SVG, also written
    as ``concept_map.svg``) and the list of its clusters."""
    try:
        from kgraph.export.map_picture import write_map_picture

        counts = sorted((len(p) for p in idx.postings.values()), reverse=True)
        floor = counts[MAP_CONCEPTS] + 1 if len(counts) > MAP_CONCEPTS else 2
        cmap = idx.concept_map(min_articles=max(floor, 2))
        if cmap.number_of_nodes() == 0:
            return "", ""
        path = write_map_picture(cmap, out.root / "concept_map.svg", "svg")
        out.written.add(path)
        svg = path.read_bytes()
    except (ImportError, GraphError, ValueError) as err:
        report.problems.append(f"no concept map picture: {err}")
        return "", ""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    picture = f'<div class="map"><img src="{uri}" alt="The concept map"></div>'
    rows = []
    for comm in communities_of(cmap)[:12]:
        members = ", ".join(links.concept(c, idx.concept_name(c), up="") for c in comm.concepts[:8])
        rows.append(
            f'<li><b style="color:{esc(comm.colour)}">●</b> <b>{esc(comm.label)}</b>'
            f' <span class="meta">({comm.size})</span>: {members}</li>'
        )
    return picture, f'<ul class="arts">{"".join(rows)}</ul>'


def _index_page(
    idx: GraphIndex,
    concepts: list[str],
    links: SiteLinks,
    picture: str,
    clusters: str,
    top: int,
    recent: int,
) -> str:
    g = idx.graph.graph
    search_rows = [
        [
            file_slug(c),
            idx.concept_name(c),
            [a for a in str(idx.concept_attrs[c].get("aliases") or "").split("|") if a][:30],
            idx.rolled_up_count(c),
        ]
        for c in concepts
    ]
    data = json_for_script({"c": search_rows})[len('{"c":') : -1]
    parts = [
        "<h1>Tech concepts in the feeds</h1>",
        f'<p class="meta">{len(idx.articles)} articles · {len(concepts)} concepts'
        f" · built {esc(str(g.get('built') or '')[:10] or 'at an unknown date')}</p>",
        '<h2 id="search">Search concepts and aliases</h2>',
        '<input type="search" id="q" placeholder="a concept or alias, e.g. golang"'
        ' autocomplete="off" aria-label="search concepts">',
        '<ul id="hits"></ul>',
        f'<script type="application/json" id="concept-data">{data}</script>',
    ]
    if picture:
        parts += ["<h2>Concept map</h2>", picture]
    shown = [t for t in idx.top_concepts(top * 2, by="articles") if t.concept in links.concepts]
    rows = [
        f"<li>{links.concept(t.concept, t.name, up='')} "
        f'<span class="meta">({t.articles})</span></li>'
        for t in shown[:top]
    ]
    parts += ["<h2>Top concepts</h2>", f'<ul class="inline">{"".join(rows)}</ul>']
    if clusters:
        parts += ["<h2>Clusters</h2>", clusters]
    newest = sorted(
        idx.articles,
        key=lambda a: (str(idx.article_attrs[a].get("published") or ""), a),
        reverse=True,
    )[:recent]
    items = []
    for a in newest:
        d = idx.article_attrs[a]
        items.append(
            f'<li><a href="articles/{article_slug(a)}.html">{esc(d.get("title") or a)}</a>'
            f' <span class="meta">{esc(str(d.get("published") or "")[:10] or "undated")} ·'
            f" {outside_link(str(d.get('url') or ''), 'original')}</span></li>"
        )
    parts += ["<h2>Recent articles</h2>", f'<ul class="arts">{"".join(items)}</ul>']
    return shell("kgraph: tech concepts", "\n".join(parts), up="", script=SEARCH_JS)
