"""Tests for the self-contained HTML page (issue 6).

Test-only dependencies (browser tests, marked ``browser``; skipped if missing):
    pip install playwright        # Python package only; never `playwright install`
    apt-get install -y chromium   # the browser at /usr/bin/chromium
Set KGRAPH_CHROMIUM to use a Chromium binary somewhere else.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

import kgraph
from kgraph.errors import GraphError
from kgraph.export.html import HEADLESS_CHROMIUM_ARGS, render_html, write_html
from kgraph.export.page_layout import force_layout

XSS_IMG = "<img src=x onerror=\"window.__pwned='img'\">"
XSS_SCRIPT = "</script><script>window.__pwned='script'</script>"
XSS_COMMENT = "<!--<script>window.__pwned='comment'</script>"
XSS_LINK = "javascript:window.__pwned='link'"


def make_graph(
    *,
    title: str = "Goroutines and channels",
    author: str = "Ada Lovelace",
    tag: str = "golang",
    evidence: str = "Goroutines are cheap threads managed by the Go runtime.",
    url: str = "https://blog.example.org/goroutines",
    summary: str = "How goroutines and channels work.",
) -> nx.MultiDiGraph:
    """A small graph following docs/schema.md: 2 articles, 3 concepts, author, tag, feed."""
    g = nx.MultiDiGraph(
        kgraph_version="0.1.0", catalogue_version="2024.08", built="2024-08-05T03:00:00Z"
    )
    feed = "https://blog.example.org/feed.xml"
    g.add_node(
        f"feed:{feed}",
        kind="feed",
        label="Example blog",
        title="Example blog",
        url="https://blog.example.org/",
    )
    g.add_node(
        f"article:{url}",
        kind="article",
        label=title,
        url=url,
        title=title,
        published="2024-08-01T10:00:00Z",
        feed=feed,
        word_count=900,
        summary=summary,
    )
    g.add_node(
        "article:https://blog.example.org/lambda",
        kind="article",
        label="Serverless Go on AWS Lambda",
        url="https://blog.example.org/lambda",
        title="Serverless Go on AWS Lambda",
        published="2024-07-15T08:00:00Z",
        feed=feed,
        word_count=1200,
        summary="Running Go functions on Lambda.",
    )
    g.add_node(
        "concept:go",
        kind="concept",
        label="Go",
        name="Go",
        type="language",
        aliases="Go|golang|Go language",
        parents="",
        url="https://go.dev/",
        article_count=2,
    )
    g.add_node(
        "concept:go-goroutine",
        kind="concept",
        label="goroutine",
        name="goroutine",
        type="go-concept",
        aliases="goroutine|goroutines",
        parents="go",
        url="https://go.dev/tour/concurrency/1",
        article_count=1,
    )
    g.add_node(
        "concept:aws-lambda",
        kind="concept",
        label="AWS Lambda",
        name="AWS Lambda",
        type="aws-service",
        aliases="AWS Lambda|Lambda",
        parents="",
        url="https://aws.amazon.com/lambda/",
        article_count=1,
    )
    slug = re.sub(r"[^a-z0-9]+", "-", author.lower()).strip("-") or "x"
    g.add_node(f"author:{slug}", kind="author", label=author, name=author)
    g.add_node("tag:golang", kind="tag", label=tag, name=tag, concept="go")

    a1, a2 = f"article:{url}", "article:https://blog.example.org/lambda"
    g.add_edge(f"author:{slug}", a1, kind="wrote")
    g.add_edge(f"author:{slug}", a2, kind="wrote")
    g.add_edge(f"feed:{feed}", a1, kind="published")
    g.add_edge(f"feed:{feed}", a2, kind="published")
    g.add_edge(
        a1,
        "concept:go",
        kind="mentions",
        count=4,
        weight=0.9,
        evidence="Go makes concurrency easy.",
        alias="Go",
    )
    g.add_edge(
        a1,
        "concept:go-goroutine",
        kind="mentions",
        count=6,
        weight=0.8,
        evidence=evidence,
        alias="goroutines",
    )
    g.add_edge(
        a2,
        "concept:go",
        kind="mentions",
        count=2,
        weight=0.5,
        evidence="We wrote the handler in golang.",
        alias="golang",
    )
    g.add_edge(
        a2,
        "concept:aws-lambda",
        kind="mentions",
        count=5,
        weight=0.95,
        evidence="AWS Lambda runs the function on demand.",
        alias="AWS Lambda",
    )
    g.add_edge(a1, "tag:golang", kind="tagged")
    g.add_edge("concept:go-goroutine", "concept:go", kind="broader")
    g.add_edge("concept:aws-lambda", "concept:go", kind="co_occurs", weight=0.5, articles=1)
    g.add_edge("concept:go", "concept:go-goroutine", kind="co_occurs", weight=0.5, articles=1)
    g.add_edge(a2, a1, kind="links_to")
    return g


def make_graph_with_hub() -> nx.MultiDiGraph:
    """make_graph() plus six articles by a second author, all mentioning Go (a hub)."""
    g = make_graph()
    g.add_node("author:bob", kind="author", label="Bob", name="Bob")
    for i in range(6):
        aid = f"article:https://other.example.net/{i}"
        g.add_node(
            aid,
            kind="article",
            label=f"Go tip {i}",
            url=f"https://other.example.net/{i}",
            title=f"Go tip {i}",
            published=f"2023-0{i + 1}-01T00:00:00Z",
            feed="https://other.example.net/rss",
            word_count=300,
            summary="",
        )
        g.add_edge("author:bob", aid, kind="wrote")
        g.add_edge(
            aid,
            "concept:go",
            kind="mentions",
            count=1,
            weight=0.4,
            evidence=f"Tip {i} about Go.",
            alias="Go",
        )
    g.nodes["concept:go"]["article_count"] = 8
    return g


def make_hostile_graph() -> nx.MultiDiGraph:
    """Feed text trying to run script: in titles, tags, authors, evidence and links."""
    g = make_graph(
        title=XSS_IMG + XSS_SCRIPT,
        author=XSS_SCRIPT,
        tag=XSS_IMG,
        evidence=XSS_COMMENT + " \u2028 & " + XSS_IMG,
        url=XSS_LINK,
        summary=XSS_SCRIPT + XSS_IMG,
    )
    g.nodes["concept:go"]["url"] = "javascript:window.__pwned='docs'"
    g.nodes["concept:go"]["aliases"] = "Go|golang|" + XSS_IMG
    g.graph["built"] = XSS_SCRIPT
    return g


def make_large_graph(n_articles: int = 3500, n_concepts: int = 1500) -> nx.MultiDiGraph:
    """A 5,000-node graph: articles mentioning 3 concepts each (deterministic)."""
    g = nx.MultiDiGraph(built="2024-08-05T03:00:00Z")
    for c in range(n_concepts):
        g.add_node(
            f"concept:c{c}",
            kind="concept",
            label=f"Concept {c}",
            name=f"Concept {c}",
            type=("language", "tool", "database")[c % 3],
            aliases=f"Concept {c}|cc{c}",
            parents="",
            url="",
            article_count=0,
        )
    for a in range(n_articles):
        aid = f"article:https://e.org/{a}"
        g.add_node(
            aid,
            kind="article",
            label=f"Post {a}",
            url=f"https://e.org/{a}",
            title=f"Post {a}",
            published="2024-01-01T00:00:00Z",
            feed="f",
            word_count=100,
            summary="",
        )
        for j in (a % n_concepts, (a * 7 + 3) % n_concepts, (a * 13 + 5) % 50):
            g.add_edge(
                aid, f"concept:c{j}", kind="mentions", count=1, weight=0.5, evidence="x", alias="x"
            )
    for c in range(n_concepts):
        g.nodes[f"concept:c{c}"]["article_count"] = g.in_degree(f"concept:c{c}")
    return g


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))


def script_tags(page: str) -> list[dict[str, str | None]]:
    parser = _Tags()
    parser.feed(page)
    return parser.scripts


def page_data(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="kgraph-data">(.*?)</script>', page, re.S
    )
    assert match, "data block missing"
    return json.loads(match.group(1))


# -- unit tests ----------------------------------------------------------------


@pytest.mark.issue(6)
def test_write_html_returns_path_and_writes_page(tmp_path: Path) -> None:
    out = write_html(make_graph(), tmp_path / "sub" / "graph.html", title="My graph")
    assert out == tmp_path / "sub" / "graph.html"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>My graph</title>" in page
    assert not list(out.parent.glob(".*.tmp"))


@pytest.mark.issue(6)
def test_page_is_self_contained() -> None:
    page = render_html(make_graph())
    tags = re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", page, re.I)
    assert tags, "expected inline script tags"
    for tag in tags:
        assert not re.search(r"\b(?:src|href)\s*=", tag, re.I), tag
    assert not re.search(r"<link\b", page, re.I)
    assert "@import" not in page
    assert "vis-network" in page and "9.1.2" in page
    assert "Apache" in page and "MIT" in page  # licence notice kept
    assert "sourceMappingURL" not in page  # dev tools would fetch the .map file
    assert not re.search(r"url\(\s*(?!['\"]?data:)", page.split("<body>")[0])


def test_unwritable_path_raises_graph_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(GraphError, match="cannot write the HTML page"):
        write_html(make_graph(), blocker / "graph.html")


@pytest.mark.issue(6)
def test_csp_forbids_network() -> None:
    page = render_html(make_graph())
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert m
    csp = m.group(1).replace("&#x27;", "'")
    assert "default-src 'none'" in csp
    assert "img-src data:" in csp
    assert "http" not in csp and "*" not in csp
    # scripts are allowed by hash only: an injected inline handler would not run
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert csp.count("'sha256-") == 2


@pytest.mark.issue(6)
def test_title_is_escaped() -> None:
    page = render_html(make_graph(), title=XSS_SCRIPT)
    assert XSS_SCRIPT not in page
    assert "&lt;/script&gt;" in page


@pytest.mark.issue(6)
def test_hostile_text_cannot_leave_the_json_block() -> None:
    page = render_html(make_hostile_graph())
    body = page.split('id="kgraph-data">', 1)[1].split("</script>", 1)[0]
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in body
    # exactly three script elements, as an HTML parser sees them: data, vis, viewer
    assert script_tags(page) == [{"type": "application/json", "id": "kgraph-data"}, {}, {}]
    data = page_data(page)
    titles = {n["title"] for n in data["nodes"] if n["kind"] == "article"}
    assert XSS_IMG + XSS_SCRIPT in titles  # kept as text, exactly


@pytest.mark.issue(6)
def test_viewer_never_uses_innerhtml() -> None:
    from importlib import resources

    js = resources.files("kgraph.export").joinpath("_viewer", "viewer.js").read_text("utf-8")
    code = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code


@pytest.mark.issue(6)
def test_payload_follows_schema() -> None:
    data = page_data(render_html(make_graph()))
    meta = data["meta"]
    assert meta["counts"] == {
        "article": 2,
        "concept": 3,
        "author": 1,
        "tag": 1,
        "feed": 1,
        "edges": 13,
    }
    assert meta["built"] == "2024-08-05T03:00:00Z"
    assert meta["positions"] is False and meta["large"] is False
    nodes = {n["id"]: n for n in data["nodes"]}
    go = nodes["concept:go"]
    assert go["aliases"] == "Go|golang|Go language"
    assert go["articles"] == 2 and go["color"] == data["type_colours"]["language"]
    assert nodes["concept:aws-lambda"]["color"] != go["color"]
    assert go["size"] > nodes["concept:aws-lambda"]["size"]
    assert [n["id"] for n in data["nodes"]] == sorted(nodes)
    mentions = [e for e in data["edges"] if e["kind"] == "mentions"]
    assert {e["evidence"] for e in mentions} >= {"We wrote the handler in golang."}
    assert all("x" not in n for n in data["nodes"])


@pytest.mark.issue(6)
def test_output_is_deterministic(tmp_path: Path) -> None:
    g1 = make_graph()
    # the same graph, built in another order
    g2 = nx.MultiDiGraph(**g1.graph)
    g2.add_nodes_from(reversed(list(g1.nodes(data=True))))
    g2.add_edges_from(reversed(list(g1.edges(data=True))))
    a = write_html(g1, tmp_path / "a.html").read_bytes()
    b = write_html(g2, tmp_path / "b.html").read_bytes()
    assert a == b


@pytest.mark.issue(6)
def test_laid_out_graph_is_deterministic(tmp_path: Path) -> None:
    g = make_large_graph(n_articles=900, n_concepts=300)  # 1,200 nodes: layout in Python
    a = write_html(g, tmp_path / "a.html").read_bytes()
    b = write_html(g.copy(), tmp_path / "b.html").read_bytes()
    assert a == b
    assert page_data(a.decode("utf-8"))["meta"]["positions"] is True


def test_layout_does_not_depend_on_blas_threads() -> None:
    """Regression: BLAS matrix products changed the last bits with the thread count."""
    root = Path(__file__).resolve().parents[2]
    script = (
        "import hashlib, numpy as np\n"
        "from kgraph.export.page_layout import force_layout\n"
        "rng = np.random.default_rng(0)\n"
        "pairs = rng.integers(0, 1500, size=(4000, 2))\n"
        "print(hashlib.sha256(force_layout(1500, pairs).tobytes()).hexdigest())\n"
    )
    digests = set()
    for threads in ("1", "4"):
        env = dict(
            os.environ,
            PYTHONPATH=str(root),
            OPENBLAS_NUM_THREADS=threads,
            OMP_NUM_THREADS=threads,
            MKL_NUM_THREADS=threads,
        )
        run = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(run.stdout.strip())
    assert len(digests) == 1


@pytest.mark.issue(6)
def test_markers_in_feed_text_are_not_expanded() -> None:
    g = make_graph(title="@@VIS_JS@@ @@DATA@@")
    page = render_html(g, title="@@VIEWER_JS@@")
    assert "<title>@@VIEWER_JS@@</title>" in page
    titles = {n.get("title") for n in page_data(page)["nodes"]}
    assert "@@VIS_JS@@ @@DATA@@" in titles


@pytest.mark.issue(6)
def test_empty_graph_and_odd_values() -> None:
    data = page_data(render_html(nx.MultiDiGraph()))
    assert data["nodes"] == [] and data["meta"]["counts"]["edges"] == 0
    g = nx.MultiDiGraph()
    g.add_node("concept:x", kind="concept", article_count=float("nan"), weight=float("inf"))
    g.add_node(42, kind="mystery")
    data = page_data(render_html(g))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["concept:x"]["label"] == "concept:x"
    assert nodes["42"]["kind"] == "other"


@pytest.mark.issue(6)
def test_large_graph_gets_positions_and_no_physics(tmp_path: Path) -> None:
    g = make_large_graph()
    assert g.number_of_nodes() == 5000
    out = write_html(g, tmp_path / "big.html")
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["meta"]["positions"] is True and data["meta"]["large"] is True
    xs = [n["x"] for n in data["nodes"]]
    ys = [n["y"] for n in data["nodes"]]
    assert len(xs) == 5000 and len(set(zip(xs, ys, strict=True))) > 4500
    assert max(xs) - min(xs) > 1000


def test_force_layout_spreads_nodes_and_is_seeded() -> None:
    import numpy as np

    pairs = np.array([[i, i + 1] for i in range(199)])
    a = force_layout(200, pairs)
    b = force_layout(200, pairs)
    assert np.array_equal(a, b)
    assert a.shape == (200, 2) and float(np.abs(a).max()) <= 0.5 + 1e-9
    # neighbours in the chain end up closer than random pairs
    near = np.linalg.norm(a[1:] - a[:-1], axis=1).mean()
    far = np.linalg.norm(a[::-1] - a, axis=1).mean()
    assert near < far


# -- browser tests ---------------------------------------------------------------

CHROMIUM = os.environ.get("KGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = list(HEADLESS_CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="browser tests need: pip install playwright"
    )
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        yield context
        context.close()


class Page:
    """A page opened from file:// with every request, console error and dialog recorded."""

    def __init__(self, context, path: Path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.url = path.resolve().as_uri()
        self.page = context.new_page()
        self.page.add_init_script(
            "window.__alerts = []; window.alert = function (m) {"
            " window.__alerts.push(String(m)); };"
        )
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_function("window.kgraphViewer !== undefined", timeout=20000)

    def js(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    def wait_until(self, expression: str, timeout: float = 30.0) -> None:
        """Poll ``expression`` until it is truthy (page.wait_for_function needs eval,
        which the page's CSP forbids)."""
        deadline = time.monotonic() + timeout
        while not self.js(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    def non_local_requests(self) -> list[str]:
        """Requests whose scheme is not file:, data: or blob: (network traffic)."""
        return [u for u in self.requests if not u.startswith(("file:", "data:", "blob:"))]

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if u != self.url]


@pytest.mark.browser
def test_browser_request_log_catches_requests(browser, tmp_path: Path) -> None:
    """Control: the request log and CSP errors do see what a payload would fetch."""
    p = Page(browser, write_html(make_graph(), tmp_path / "graph.html"))
    assert p.requests == [p.url]
    p.js(
        "() => { const i = document.createElement('img'); i.src = 'x';"
        " document.body.appendChild(i); fetch('https://example.com/').catch(() => 0); }"
    )
    p.page.wait_for_timeout(300)
    assert (tmp_path / "x").as_uri() in p.foreign_requests()
    assert any("Content Security Policy" in e for e in p.errors)


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_loads_offline_and_shows_nodes(browser, tmp_path: Path) -> None:
    out = write_html(make_graph(), tmp_path / "graph.html", title="kgraph demo")
    p = Page(browser, out)
    p.page.wait_for_timeout(1500)
    assert p.js("kgraphViewer.nodeView.length") == 8
    assert p.js("kgraphViewer.edgeView.length") == 13
    assert p.js("Object.keys(kgraphViewer.network.body.nodes).length") >= 8
    assert "2 articles" in p.page.inner_text("#counts")
    assert "2024-08-05" in p.page.inner_text("#built")
    assert "language" in p.page.inner_text("#legend")
    shot = tmp_path / "graph.png"
    p.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert p.foreign_requests() == []
    assert p.errors == []


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_search_alias_focuses_concept(browser, tmp_path: Path) -> None:
    p = Page(browser, write_html(make_graph(), tmp_path / "graph.html"))
    p.page.fill("#search", "golang")
    assert p.page.inner_text("#search-results li:first-child").startswith("Go")
    p.page.press("#search", "Enter")
    assert p.js("kgraphViewer.network.getSelectedNodes()") == ["concept:go"]
    assert p.js("kgraphViewer.selected()") == "concept:go"
    panel = p.page.inner_text("#details")
    assert "Goroutines and channels" in panel and "Serverless Go on AWS Lambda" in panel
    assert p.errors == [] and p.foreign_requests() == []


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_clicking_concept_lists_articles(browser, tmp_path: Path) -> None:
    p = Page(browser, write_html(make_graph(), tmp_path / "graph.html"))
    p.page.wait_for_timeout(1500)
    # a real click on the node's canvas position
    p.js("kgraphViewer.network.stopSimulation()")
    pos = p.js(
        "(() => { const n = kgraphViewer.network;"
        " const c = n.canvasToDOM(n.getPositions(['concept:aws-lambda'])['concept:aws-lambda']);"
        " return [c.x, c.y]; })()"
    )
    box = p.page.locator("#network").bounding_box()
    p.page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    assert p.js("kgraphViewer.selected()") == "concept:aws-lambda"
    links = p.js(
        "Array.from(document.querySelectorAll('#details li a'))"
        ".map(a => [a.textContent, a.getAttribute('href'), a.target, a.rel])"
    )
    assert links == [
        [
            "Serverless Go on AWS Lambda",
            "https://blog.example.org/lambda",
            "_blank",
            "noopener noreferrer",
        ]
    ]
    assert "AWS Lambda runs the function on demand." in p.page.inner_text("#details")
    # clicking an article lists its concepts with evidence
    p.js("kgraphViewer.focusNode('article:https://blog.example.org/goroutines')")
    panel = p.page.inner_text("#details")
    assert "goroutine" in panel and "Goroutines are cheap threads" in panel
    # its neighbourhood stays lit, the rest is dimmed
    colour = "id => kgraphViewer.nodes.get(id).color.background"
    assert p.js(colour, "concept:aws-lambda") == "#eceff2"
    assert p.js(colour, "concept:go") != "#eceff2"
    # filters: concept map shows concepts and co_occurs edges only
    p.page.check("input[name=mode][value=map]")
    assert p.js("kgraphViewer.nodeView.length") == 3
    assert p.js("kgraphViewer.edgeView.length") == 2
    p.page.check("input[name=mode][value=full]")
    p.page.fill("#date-from", "2024-07-20")
    assert "article:https://blog.example.org/lambda" not in p.js("kgraphViewer.visibleIds()")
    assert p.errors == [] and p.foreign_requests() == []


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_hostile_graph_runs_no_script(browser, tmp_path: Path) -> None:
    out = write_html(make_hostile_graph(), tmp_path / "hostile.html", title=XSS_IMG)
    p = Page(browser, out)
    p.page.wait_for_timeout(1000)
    # render every node's details, and search results over the hostile text
    ids = p.js("kgraphViewer.nodes.getIds()")
    for node_id in ids:
        p.js("id => kgraphViewer.focusNode(id)", node_id)
        p.page.wait_for_timeout(20)
    p.page.fill("#search", "img")
    p.page.fill("#search", "script")
    p.js("kgraphViewer.focusNode('concept:go')")
    p.page.wait_for_timeout(300)
    assert p.js("window.__pwned === undefined")
    assert p.js("window.__alerts") == []
    assert p.dialogs == []
    assert p.js("document.querySelectorAll('#details img, #search-results img').length") == 0
    assert p.js("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    assert p.js("document.scripts.length") == 3
    # the payloads are displayed, as text
    p.js("kgraphViewer.focusNode('concept:go')")
    assert XSS_IMG + XSS_SCRIPT in p.page.inner_text("#details")
    p.js(f"kgraphViewer.focusNode({json.dumps('article:' + XSS_LINK)})")
    assert XSS_LINK in p.page.inner_text("#details")
    # hovering a node shows its tooltip as text
    p.page.wait_for_timeout(600)  # let the last focus animation end
    p.js("kgraphViewer.network.stopSimulation(); kgraphViewer.network.fit()")
    p.page.wait_for_timeout(300)
    article = "article:" + XSS_LINK
    pos = p.js(
        "id => { const n = kgraphViewer.network; const c = n.canvasToDOM(n.getPositions([id])[id]);"
        " return [c.x, c.y]; }",
        article,
    )
    assert p.js(f"kgraphViewer.network.getNodeAt({{x: {pos[0]}, y: {pos[1]}}})") == article
    box = p.page.locator("#network").bounding_box()
    p.page.mouse.move(box["x"] + 5, box["y"] + 5)
    p.page.mouse.move(box["x"] + pos[0], box["y"] + pos[1], steps=5)
    p.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    assert XSS_IMG in p.page.inner_text("div.vis-tooltip")
    assert p.js("document.querySelectorAll('div.vis-tooltip :not(br)').length") == 0
    p.page.screenshot(path=str(tmp_path / "hostile.png"))
    assert p.js("window.__pwned === undefined")
    assert p.foreign_requests() == []  # <img src=x> would have requested file:///.../x
    assert p.errors == []


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_large_graph_opens_on_top_concepts(browser, tmp_path: Path) -> None:
    out = write_html(make_large_graph(), tmp_path / "big.html")
    p = Page(browser, out)
    p.wait_until("window.kgraphReady === true", timeout=20)
    assert p.js("window.kgraphTimings.ready >= window.kgraphTimings.script")
    assert p.js("kgraphViewer.network.physics.options.enabled") is False
    assert p.js("kgraphViewer.nodeView.length") == 150
    p.page.fill("#search", "cc1234")
    p.page.press("#search", "Enter")
    assert p.js("kgraphViewer.selected()") == "concept:c1234"
    assert "concept:c1234" in p.js("kgraphViewer.visibleIds()")
    p.page.uncheck("#top-only")
    assert p.js("kgraphViewer.nodeView.length") == 1500  # the concept map: every concept
    p.page.check("input[name=mode][value=full]")  # expand to the articles, authors, tags
    assert p.js("kgraphViewer.nodeView.length") == 5000
    p.page.screenshot(path=str(tmp_path / "big.png"))
    assert p.errors == [] and p.foreign_requests() == []


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_filters(browser, tmp_path: Path) -> None:
    p = Page(browser, write_html(make_graph_with_hub(), tmp_path / "graph.html"))

    def shown() -> set[str]:
        return set(p.js("kgraphViewer.visibleIds()"))

    everything = shown()
    assert len(everything) == 15 and p.js("kgraphViewer.nodeView.length") == 15
    p.page.check("#hide-hubs")
    assert "concept:go" not in shown() and "concept:aws-lambda" in shown()
    p.page.uncheck("#hide-hubs")
    p.page.fill("#min-articles", "2")
    assert {i for i in shown() if i.startswith("concept:")} == {"concept:go"}
    p.page.fill("#min-articles", "0")
    # one box per palette group: "Languages" holds language and go-concept
    p.page.get_by_role("checkbox", name="Languages").uncheck()
    assert "concept:go" not in shown() and "concept:go-goroutine" not in shown()
    assert "concept:aws-lambda" in shown()
    p.page.get_by_role("checkbox", name="Articles", exact=True).uncheck()
    assert not any(i.startswith("article:") for i in shown())
    p.page.click("#reset")
    assert shown() == everything
    p.page.select_option("#author-filter", "author:bob")
    articles = {i for i in shown() if i.startswith("article:")}
    assert len(articles) == 6 and all("other.example.net" in a for a in articles)
    assert "concept:aws-lambda" not in shown()  # no visible article mentions it
    p.page.select_option("#author-filter", "")
    p.page.select_option("#feed-filter", "feed:https://blog.example.org/feed.xml")
    assert {i for i in shown() if i.startswith("article:")} == {
        "article:https://blog.example.org/goroutines",
        "article:https://blog.example.org/lambda",
    }
    p.page.select_option("#feed-filter", "")
    p.page.fill("#date-from", "2023-02-01")
    p.page.fill("#date-to", "2023-03-31")
    assert {i for i in shown() if i.startswith("article:")} == {
        "article:https://other.example.net/1",
        "article:https://other.example.net/2",
    }
    assert p.js("document.getElementById('top-row').offsetParent") is None  # small graph
    assert p.errors == [] and p.foreign_requests() == []


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_empty_graph_loads(browser, tmp_path: Path) -> None:
    p = Page(browser, write_html(nx.MultiDiGraph(), tmp_path / "empty.html"))
    p.wait_until("window.kgraphReady === true && window.kgraphStable === true", timeout=10)
    assert p.js("kgraphViewer.nodeView.length") == 0
    p.page.fill("#search", "go")
    assert p.errors == [] and p.foreign_requests() == []


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_sample_graph(browser, sample_kg: kgraph.KnowledgeGraph, tmp_path: Path) -> None:
    """The real sample graph (31 articles): offline, all nodes drawn, search, kind filter."""
    graph = sample_kg.graph
    out = write_html(graph, tmp_path / "graph.html", title="kgraph sample")
    p = Page(browser, out)
    p.wait_until("window.kgraphReady === true")
    n_nodes = graph.number_of_nodes()
    assert n_nodes > 200  # the sample is not a toy: 31 articles and their concepts and tags
    meta = p.js("JSON.parse(document.getElementById('kgraph-data').textContent).meta")
    assert meta["large"] is False
    # more than 150 nodes: the page opens on the labelled concept map (issue 23)
    concepts = {str(n) for n, d in graph.nodes(data=True) if d.get("kind") == "concept"}
    shown_first = set(p.js("kgraphViewer.visibleIds()"))
    assert shown_first <= concepts and len(shown_first) == min(len(concepts), 150)
    assert p.js("kgraphViewer.labelled().length") >= 10
    p.page.check("input[name=mode][value=full]")  # expand to every node
    assert p.js("kgraphViewer.nodes.length") == n_nodes
    assert p.js("kgraphViewer.nodeView.length") == n_nodes
    assert p.js("kgraphViewer.network.body.nodeIndices.length") == n_nodes
    assert p.js("kgraphViewer.edgeView.length") == graph.number_of_edges()
    # the title bar's counts add up to the graph's
    counts = p.js(
        "Array.from(document.querySelectorAll('#counts span'))"
        ".map(s => s.textContent.trim()).filter(Boolean)"
    )
    shown = {
        words[-1]: int(words[-2]) for words in (c.replace("showing ", "").split() for c in counts)
    }
    kinds = {"articles", "concepts", "authors", "tags", "feeds"}
    assert sum(shown[k] for k in kinds) == n_nodes
    assert shown["edges"] == graph.number_of_edges()
    assert shown["nodes"] == n_nodes  # "showing N nodes": the full graph shows all of them
    assert shown["articles"] == 31

    # search by alias
    p.page.fill("#search", "golang")
    assert p.js("document.querySelector('#search-results li button').textContent").startswith("Go")
    p.page.press("#search", "Enter")
    assert p.js("kgraphViewer.selected()") == "concept:go"
    assert p.js("kgraphViewer.network.getSelectedNodes()") == ["concept:go"]
    assert p.js("document.getElementById('details').dataset.node") == "concept:go"
    assert "Articles (" in p.page.inner_text("#details")

    # the Tags kind filter hides every tag node, and nothing else
    tags = {str(n) for n, d in graph.nodes(data=True) if d.get("kind") == "tag"}
    assert tags
    everything = set(p.js("kgraphViewer.visibleIds()"))
    p.page.get_by_role("checkbox", name="Tags", exact=True).uncheck()
    after = set(p.js("kgraphViewer.visibleIds()"))
    assert after == everything - tags
    assert set(p.js("kgraphViewer.nodeView.getIds()")) == after
    assert p.js("kgraphViewer.network.body.nodeIndices.length") == n_nodes - len(tags)
    p.page.get_by_role("checkbox", name="Tags", exact=True).check()
    assert p.js("kgraphViewer.nodeView.length") == n_nodes

    shot = tmp_path / "sample.png"
    p.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    assert p.non_local_requests() == []
    assert p.foreign_requests() == []  # not even a file: request besides the page
    assert p.errors == []


def with_positions(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Give every node Gephi-style x/y: on a circle, in Gephi units (y up)."""
    import math

    for i, n in enumerate(sorted(g.nodes, key=str)):
        angle = 2 * math.pi * i / g.number_of_nodes()
        g.nodes[n]["x"] = 500.0 * math.cos(angle) + 1000.0
        g.nodes[n]["y"] = 500.0 * math.sin(angle)
    return g


@pytest.mark.issue(6)
def test_existing_positions_are_used_not_recomputed() -> None:
    g = with_positions(make_graph())
    data = page_data(render_html(g))
    assert data["meta"]["positions"] is True
    nodes = {n["id"]: n for n in data["nodes"]}
    # same shape as the input: centred, y flipped, uniformly scaled
    for n, attrs in g.nodes(data=True):
        x, y = nodes[n]["x"], nodes[n]["y"]
        scale = x / (attrs["x"] - 1000.0) if abs(attrs["x"] - 1000.0) > 1 else None
        if scale:
            assert scale > 0
            assert y == pytest.approx(-attrs["y"] * scale, abs=0.2)
    # one node without a position (or a non-numeric one): the page lays out itself
    g.nodes["concept:go"]["x"] = "12"
    assert page_data(render_html(g))["meta"]["positions"] is False
    del g.nodes["concept:go"]["x"]
    assert page_data(render_html(g))["meta"]["positions"] is False


@pytest.mark.issue(6)
def test_existing_positions_skip_layout_on_large_graphs(monkeypatch) -> None:
    import numpy as np

    import kgraph.export.page_layout as layout_mod
    from kgraph.export.page_data import TOP_CONCEPTS

    g = with_positions(make_large_graph(n_articles=900, n_concepts=300))

    def no_layout(n, *args, **kwargs):
        # only the concept view's top concepts get a layout of their own (issue 23)
        if n > TOP_CONCEPTS:
            raise AssertionError("layout recomputed")
        return np.zeros((n, 2))

    monkeypatch.setattr(layout_mod, "force_layout", no_layout)
    data = page_data(render_html(g))
    assert data["meta"]["positions"] is True
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert all("mx" in n for n in data["nodes"] if n["kind"] == "concept")


@pytest.mark.browser
@pytest.mark.issue(6)
def test_browser_uses_given_positions(browser, tmp_path: Path) -> None:
    g = with_positions(make_graph())
    out = write_html(g, tmp_path / "graph.html")
    expected = {n["id"]: (n["x"], n["y"]) for n in page_data(out.read_text("utf-8"))["nodes"]}
    p = Page(browser, out)
    p.wait_until("window.kgraphReady === true", timeout=10)
    assert p.js("kgraphViewer.network.physics.options.enabled") is False
    p.page.wait_for_timeout(300)
    drawn = p.js("kgraphViewer.network.getPositions()")
    assert set(drawn) == set(expected)
    for node_id, (x, y) in expected.items():
        assert (drawn[node_id]["x"], drawn[node_id]["y"]) == pytest.approx(
            (x, y), abs=1
        )  # vis rounds
    assert p.errors == [] and p.foreign_requests() == []


# -- a page for a big graph: the most recent articles and the whole concept map --------------


def _dated(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g`` with distinct publication dates (article i on day i), an author
    per ten articles and a tag per article."""
    for i, n in enumerate(sorted(n for n, k in g.nodes(data="kind") if k == "article")):
        g.nodes[n]["published"] = (
            f"2024-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}T{i // 336:02d}:00:00Z"
        )
        author, tag = f"author:a{i // 10}", f"tag:t{i}"
        g.add_node(author, kind="author", label=author, name=author)
        g.add_node(tag, kind="tag", label=tag, name=tag, concept="")
        g.add_edge(author, n, kind="wrote")
        g.add_edge(n, tag, kind="tagged")
    return g


@pytest.mark.issue(7)
def test_page_of_a_big_graph_keeps_the_most_recent_articles_and_every_concept() -> None:
    from kgraph.export.html import page_graph

    g = _dated(make_large_graph(n_articles=120, n_concepts=50))
    by_date = sorted(
        (n for n, k in g.nodes(data="kind") if k == "article"),
        key=lambda n: g.nodes[n]["published"],
    )
    data = page_data(render_html(g, max_articles=50))
    shown = {n["id"] for n in data["nodes"]}
    assert {n for n in shown if n.startswith("article:")} == set(by_date[-50:])
    assert {n for n in g if n.startswith("concept:")} <= shown  # the concept map is whole
    # authors and tags of the articles shown, and no others
    wanted = {m for a in by_date[-50:] for m in nx.all_neighbors(g, a) if m[:4] in ("auth", "tag:")}
    assert {n for n in shown if n[:4] in ("auth", "tag:")} == wanted
    assert all(e["from"] in shown and e["to"] in shown for e in data["edges"])
    assert data["meta"]["articles_left_out"] == 70
    assert data["meta"]["counts"]["article"] == 50
    # concepts keep their count over the whole graph
    counts = {n["id"]: n["articles"] for n in data["nodes"]}
    assert all(counts[c] == g.nodes[c]["article_count"] for c in g if c.startswith("concept:"))
    # no limit, or a limit above the graph: everything, nothing left out
    for limit in (None, 120):
        whole = page_data(render_html(g, max_articles=limit))
        assert len(whole["nodes"]) == len(g) and whole["meta"]["articles_left_out"] == 0
    assert page_graph(g, 50)[0] is not g and page_graph(g, 120)[0] is g


@pytest.mark.browser
@pytest.mark.issue(7)
def test_browser_page_of_a_big_graph_says_what_it_leaves_out(browser, tmp_path: Path) -> None:
    g = _dated(make_large_graph(n_articles=120, n_concepts=50))
    out = write_html(g, tmp_path / "capped.html", max_articles=50)
    p = Page(browser, out)
    p.wait_until("window.kgraphReady === true", timeout=20)
    counts = p.page.inner_text("#counts")
    assert "50 articles" in counts and "70 older articles only in GraphML/JSON" in counts
    assert p.errors == [] and p.foreign_requests() == []
