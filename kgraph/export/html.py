"""Write the graph as one self-contained, interactive HTML page.

The page is built on vis-network (the copy pyvis ships, inlined at write time)
and a small viewer script from ``kgraph/export/_viewer/``. Everything the page
needs is inside the file, and its Content-Security-Policy forbids every network
request, so it opens from ``file://`` and nothing leaves the machine.

Feed text is hostile input: titles, tags, authors and evidence go into the page
only as escaped JSON data and are shown with ``textContent``, never as HTML.

Same graph in, same bytes out: nodes and edges are sorted, the layout (for big
graphs) uses a fixed seed, and the only timestamp is the graph's own ``built``.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("concept:go", kind="concept", label="Go", name="Go", type="language",
...            aliases="Go|golang", parents="", url="https://go.dev", article_count=1)
>>> page = render_html(g, title="demo")
>>> page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import logging
import os
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kgraph.errors import GraphError
from kgraph.export import PAGE_MAX_ARTICLES
from kgraph.export.page_data import (
    LARGE_VIEW_LIMIT,
    LAYOUT_NODE_LIMIT,
    TOP_CONCEPTS,
    VIS_VERSION,
    data_chunks,
    payload,
    text,
)
from kgraph.fileio import atomic_open
from kgraph.graph.analytics import edge_count

__all__ = [
    "HEADLESS_CHROMIUM_ARGS",
    "LARGE_VIEW_LIMIT",
    "LAYOUT_NODE_LIMIT",
    "TOP_CONCEPTS",
    "VIS_VERSION",
    "page_graph",
    "render_html",
    "write_html",
]

LOGGER = logging.getLogger(__name__)

#: Flags for opening the page in a headless Chromium (tests, benchmarks, the
#: README screenshot): no sandbox (root in CI), and none of Chromium's own
#: background traffic, so every request seen is the page's.
HEADLESS_CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_VIS_NOTICE = (
    "vis-network {version} (https://github.com/visjs/vis-network), "
    "(c) 2011-2017 Almende B.V, (c) 2017-2019 visjs contributors. "
    "Dual licensed under the Apache License 2.0 and the MIT License; "
    "inlined from the copy shipped by pyvis (source-map comment removed)."
)


def write_html(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    title: str = "kgraph",
    positions: Mapping[Any, tuple[float, float]] | None = None,
    max_articles: int | None = PAGE_MAX_ARTICLES,
) -> Path:
    """Write ``graph`` as one self-contained interactive HTML page.

    Args:
        graph: a graph following the schema in docs/schema.md.
        path: where to write the page (parent folders are created). The file is
            replaced atomically: a failed write leaves the old page in place.
        title: shown in the browser tab and the title bar.
        positions: ``x``/``y`` of every node in Gephi units (y up), e.g. those
            of :func:`kgraph.export.style.decoration`; used instead of the
            graph's own ``x``/``y`` attributes or a computed layout.
        max_articles: the most articles the page shows (None: all), see
            :func:`page_graph`; the page says how many it leaves out.

    Returns:
        The path written, as a :class:`pathlib.Path`.

    Raises:
        GraphError: the page could not be written, or the vis-network files
            pyvis ships could not be found.

    Example:

    >>> import networkx as nx, tempfile, pathlib
    >>> g = nx.MultiDiGraph(built="2024-08-05T03:00:00Z")
    >>> g.add_node("tag:go", kind="tag", label="go", name="go", concept="")
    >>> out = write_html(g, pathlib.Path(tempfile.mkdtemp()) / "graph.html")
    >>> out.name, "2024-08-05" in out.read_text(encoding="utf-8")
    ('graph.html', True)
    """
    target = Path(path)
    parts = _page_parts(graph, title, positions, max_articles)
    try:
        with atomic_open(target) as fh:
            for part in parts:
                fh.write(part)
    except OSError as err:
        raise GraphError(
            f"{target}: cannot write the HTML page ({err.strerror or err}); "
            "check that the folder exists and is writable"
        ) from err
    if LOGGER.isEnabledFor(logging.INFO):
        LOGGER.info("Wrote %s (%d nodes, %d edges)", target, len(graph), edge_count(graph))
    return target


def render_html(
    graph: nx.MultiDiGraph,
    *,
    title: str = "kgraph",
    positions: Mapping[Any, tuple[float, float]] | None = None,
    max_articles: int | None = PAGE_MAX_ARTICLES,
) -> str:
    """Return the page for ``graph`` as a string (what :func:`write_html` writes)."""
    return "".join(_page_parts(graph, title, positions, max_articles))


def page_graph(
    graph: nx.MultiDiGraph, max_articles: int | None = PAGE_MAX_ARTICLES
) -> tuple[nx.MultiDiGraph, int]:
    """The part of ``graph`` a page shows, and how many articles it leaves out.

    The page of a 100,000-article graph would be some 500 MB, more than a
    browser opens. Above ``max_articles`` articles (None: no limit) the page
    keeps the most recent ``max_articles`` (by ``published``, then node id),
    the authors and tags of those, and every concept and feed with the edges
    between them: the concept map stays whole, and concepts keep their
    ``article_count`` over the whole graph. The GraphML and JSON files hold
    everything.

    >>> g = nx.MultiDiGraph()
    >>> for i in range(3):
    ...     g.add_node(f"article:{i}", kind="article", published=f"2024-01-0{i + 1}")
    ...     _ = g.add_edge(f"author:{i}", f"article:{i}", kind="wrote")
    ...     g.nodes[f"author:{i}"]["kind"] = "author"
    >>> sub, left_out = page_graph(g, 2)
    >>> sorted(sub), left_out
    (['article:1', 'article:2', 'author:1', 'author:2'], 1)
    """
    kinds = dict(graph.nodes(data="kind", default=""))
    articles = sorted(n for n, kind in kinds.items() if kind == "article")
    if max_articles is None or len(articles) <= max_articles:
        return graph, 0
    published = graph.nodes(data="published", default="")
    articles.sort(key=lambda n: text(published[n]), reverse=True)  # stable: ids ascending
    shown = set(articles[: max(max_articles, 0)])
    keep = set(shown)
    for n, kind in kinds.items():
        if kind in ("author", "tag"):
            if any(m in shown for m in nx.all_neighbors(graph, n)):
                keep.add(n)
        elif kind != "article":
            keep.add(n)
    return graph.subgraph(keep), len(articles) - len(shown)


def _page_parts(
    graph: nx.MultiDiGraph,
    title: str,
    positions: Mapping[Any, tuple[float, float]] | None,
    max_articles: int | None = PAGE_MAX_ARTICLES,
) -> Iterator[str]:
    """The page in pieces, the graph's data in chunks: the file is written
    without holding the page, its data or one record per edge in memory."""
    graph, left_out = page_graph(graph, max_articles)
    data, edges = payload(graph, title, positions, left_out)
    vis_js, vis_css = _vis_assets()
    viewer_js = _asset("viewer.js")
    viewer_css = _asset("viewer.css")
    template = _asset("page.html")

    notice = _VIS_NOTICE.format(version=VIS_VERSION)
    vis_script = f"\n/* {notice} */\n{_safe_in_tag(vis_js, 'script')}\n"
    viewer_script = f"\n{_safe_in_tag(viewer_js, 'script')}\n"
    styles = f"\n/* {notice} */\n{_safe_in_tag(vis_css, 'style')}\n{viewer_css}\n"
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_csp_hash(vis_script)} {_csp_hash(viewer_script)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    replacements = {
        "@@CSP@@": html.escape(csp, quote=True),
        "@@TITLE@@": html.escape(title),
        "@@STYLE@@": _safe_in_tag(styles, "style"),
        "@@VIS_JS@@": vis_script,
        "@@VIEWER_JS@@": viewer_script,
    }
    # One pass, so text inserted for one marker is never searched for another:
    # the odd pieces of the split are the markers.
    for i, piece in enumerate(re.split(r"(@@[A-Z_]+@@)", template)):
        if i % 2 == 0:
            yield piece
        elif piece == "@@DATA@@":
            yield from data_chunks(data, edges)
        else:
            yield replacements[piece]


# -- assets


def _asset(name: str) -> str:
    return resources.files("kgraph.export").joinpath("_viewer", name).read_text(encoding="utf-8")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the installed pyvis package."""
    try:
        # find the package without importing it (pyvis imports IPython, jinja2...)
        spec = importlib.util.find_spec("pyvis")
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("No module named 'pyvis'")
        base = Path(next(iter(spec.submodule_search_locations)), "lib", f"vis-{VIS_VERSION}")
        js = base.joinpath("vis-network.min.js").read_text(encoding="utf-8")
        css = base.joinpath("vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError) as err:
        raise GraphError(
            f"cannot read vis-network {VIS_VERSION} from the pyvis package ({err}); "
            "install it with: pip install 'pyvis==0.3.2'"
        ) from err
    if f"@version {VIS_VERSION}" not in js[:2000]:
        raise GraphError(
            f"pyvis ships a vis-network other than {VIS_VERSION}; "
            "install the tested version with: pip install 'pyvis==0.3.2'"
        )
    # Drop source-map comments: developer tools would try to fetch the .map file.
    js = re.sub(r"^//# sourceMappingURL=\S*\s*$", "", js, flags=re.M)
    css = re.sub(r"/\*# sourceMappingURL=\S*\s*\*/", "", css)
    return js, css


def _safe_in_tag(text: str, tag: str) -> str:
    """Refuse text that would close its ``<script>``/``<style>`` element early."""
    if f"</{tag}" in text.lower():
        raise GraphError(f"inlined asset contains '</{tag}'; it cannot be embedded safely")
    return text


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
