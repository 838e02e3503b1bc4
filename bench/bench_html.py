"""Benchmark the HTML page: write time and open-to-interactive time in headless Chromium.

Run on demand (never part of the tests), from the repository root:

    python bench/bench_html.py                  # 500, 2,000 and 5,000 nodes, 3 runs each
    python bench/bench_html.py --sizes 5000 --runs 5

Graphs are synthetic but follow the schema (docs/schema.md, "Graph"): a fixed
seed, 40% articles, 30% concepts, 22% tags, 6% authors, 2% feeds; each article
is written by one author, published by one feed, mentions 3-12 concepts drawn
with a Zipf-like popularity (with an evidence sentence), carries 1-5 tags and
sometimes links to an earlier article; concepts have broader parents and
co_occurs edges between concepts mentioned together.

"Interactive" is measured from the start of the navigation (``page.goto``) to
the moment both hold: the viewer has set ``window.kgraphReady`` (the first frame
drawn after the initial layout: immediately for pages that carry positions, after
vis-network's stabilisation iterations otherwise) and a search typed into the box
has listed its results (one round trip through the UI). The page's own
``performance.now()`` figures for the script start and the ready frame are shown
too. Needs Playwright for Python and Debian's Chromium (/usr/bin/chromium, or
KGRAPH_CHROMIUM).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's kgraph, not an installed one

import networkx as nx  # noqa: E402

from kgraph.export.html import HEADLESS_CHROMIUM_ARGS, write_html  # noqa: E402

TARGET_SECONDS = 3.0
CHROMIUM_ARGS = list(HEADLESS_CHROMIUM_ARGS)
TYPES = ["language", "framework", "library", "tool", "database", "protocol", "practice"]
TYPES += ["platform", "aws-service", "go-concept", "concept", "topic"]
WORDS = [
    "deploy",
    "cluster",
    "latency",
    "cache",
    "queue",
    "schema",
    "index",
    "request",
    "service",
    "function",
    "container",
    "pipeline",
    "runtime",
    "memory",
    "thread",
    "stream",
    "bucket",
    "policy",
    "gateway",
    "token",
]


def synthetic_graph(n_nodes: int, seed: int = 1729) -> nx.MultiDiGraph:
    """A deterministic graph of about ``n_nodes`` nodes following the kgraph schema."""
    rng = random.Random(seed)
    n_articles = round(0.40 * n_nodes)
    n_concepts = round(0.30 * n_nodes)
    n_tags = round(0.22 * n_nodes)
    n_feeds = max(1, round(0.02 * n_nodes))
    n_authors = n_nodes - n_articles - n_concepts - n_tags - n_feeds
    g = nx.MultiDiGraph(
        kgraph_version="0.1.0", catalogue_version="bench", built="2024-08-05T03:00:00Z"
    )

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."

    concepts = [f"c{i}" for i in range(n_concepts)]
    for i, c in enumerate(concepts):
        name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}"
        g.add_node(
            f"concept:{c}",
            kind="concept",
            label=name,
            name=name,
            type=TYPES[i % len(TYPES)],
            aliases=f"{name}|{c}|{name.lower().replace(' ', '-')}",
            parents="",
            url=f"https://docs.example.org/{c}",
            article_count=0,
        )
    # broader: 60% of concepts get a parent among the more popular (lower-numbered) ones
    for i in range(1, n_concepts):
        if rng.random() < 0.6:
            parent = concepts[rng.randrange(0, max(1, i // 4 + 1))]
            g.add_edge(f"concept:{concepts[i]}", f"concept:{parent}", kind="broader")
            g.nodes[f"concept:{concepts[i]}"]["parents"] = parent
    feeds = [f"https://blog{i}.example.org/feed.xml" for i in range(n_feeds)]
    for f in feeds:
        g.add_node(f"feed:{f}", kind="feed", label=f, title=f"Blog {f[12:14]}", url=f)
    authors = [f"author:a{i}" for i in range(n_authors)]
    for i, a in enumerate(authors):
        g.add_node(a, kind="author", label=f"Author {i}", name=f"Author {i}")
    tags = [f"tag:t{i}" for i in range(n_tags)]
    for i, t in enumerate(tags):
        g.add_node(t, kind="tag", label=f"tag{i}", name=f"tag{i}", concept="")

    # Zipf-like popularity: a few concepts and tags are everywhere, most are rare
    concept_weights = [1 / (i + 1) ** 0.9 for i in range(n_concepts)]
    tag_weights = [1 / (i + 1) ** 0.8 for i in range(n_tags)]
    co: dict[tuple[str, str], int] = {}
    articles = []
    for i in range(n_articles):
        aid = f"article:https://blog.example.org/post-{i}"
        feed = feeds[i % n_feeds]
        title = f"{sentence()[:60]} ({i})"
        g.add_node(
            aid,
            kind="article",
            label=title,
            url=aid[8:],
            title=title,
            published=f"20{18 + i % 7}-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00Z",
            feed=feed,
            word_count=rng.randint(300, 4000),
            summary=sentence() + " " + sentence(),
        )
        g.add_edge(authors[i % n_authors], aid, kind="wrote")
        g.add_edge(f"feed:{feed}", aid, kind="published")
        mentioned = sorted(set(rng.choices(concepts, concept_weights, k=rng.randint(3, 12))))
        for c in mentioned:
            g.add_edge(
                aid,
                f"concept:{c}",
                kind="mentions",
                count=rng.randint(1, 9),
                weight=round(rng.random(), 3),
                evidence=sentence(),
                alias=c,
            )
        for a, b in ((a, b) for k, a in enumerate(mentioned) for b in mentioned[k + 1 :]):
            co[(a, b)] = co.get((a, b), 0) + 1
        for t in sorted(set(rng.choices(tags, tag_weights, k=rng.randint(1, 5)))):
            g.add_edge(aid, t, kind="tagged")
        if articles and rng.random() < 0.05:
            g.add_edge(aid, rng.choice(articles), kind="links_to")
        articles.append(aid)
    for (a, b), shared in sorted(co.items()):
        if shared >= 2:  # the build keeps pairs seen in at least two articles
            g.add_edge(
                f"concept:{a}",
                f"concept:{b}",
                kind="co_occurs",
                weight=round(min(1.0, shared / 10), 3),
                articles=shared,
            )
    for c in concepts:
        g.nodes[f"concept:{c}"]["article_count"] = sum(
            1 for _, _, k in g.in_edges(f"concept:{c}", data="kind") if k == "mentions"
        )
    return g


def poll(page, expression: str, timeout: float = 120.0, step: float = 0.01) -> None:
    """Wait for a JS expression (page.wait_for_function needs eval; the CSP forbids it)."""
    deadline = time.perf_counter() + timeout
    while not page.evaluate(expression):
        if time.perf_counter() > deadline:
            raise TimeoutError(expression)
        time.sleep(step)


SEARCH = """q => { const box = document.getElementById('search'); const t = performance.now();
  box.value = q; box.dispatchEvent(new Event('input'));
  return [document.querySelectorAll('#search-results li').length, performance.now() - t]; }"""

SHOW_ALL = """async () => { const box = document.getElementById('top-only');
  if (!box.checked || box.closest('[hidden]')) { return null; }
  const t = performance.now();
  const drawn = new Promise(r => kgraphViewer.network.once('afterDrawing', r));
  box.click(); await drawn; return [kgraphViewer.nodeView.length, performance.now() - t]; }"""


def open_page(browser, url: str) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    poll(page, "window.kgraphReady === true")
    ready = time.perf_counter() - start
    hits, search_ms = page.evaluate(SEARCH, "1")
    interactive = time.perf_counter() - start
    if not hits:
        raise RuntimeError("search listed nothing")
    timings = page.evaluate("window.kgraphTimings")
    shown = page.evaluate("kgraphViewer.nodeView.length")
    show_all = page.evaluate(SHOW_ALL)
    page.close()
    if errors:
        raise RuntimeError(f"console errors: {errors}")
    return {
        "ready": ready,
        "interactive": interactive,
        "search_ms": search_ms,
        "script_ms": timings["script"],
        "ready_ms": timings["ready"],
        "shown": shown,
        "all_ms": show_all[1] if show_all else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the kgraph HTML page.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--runs", type=int, default=3, help="page opens per size (median)")
    args = parser.parse_args()
    chromium = os.environ.get("KGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for size in args.sizes:
            g = synthetic_graph(size)
            path = Path(tmp) / f"graph-{size}.html"
            t = time.perf_counter()
            write_html(g, path)
            write_s = time.perf_counter() - t
            runs = [open_page(browser, path.resolve().as_uri()) for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            rows.append((size, g.number_of_edges(), path.stat().st_size, write_s, med, runs))
            print(f"  {size} nodes done", file=sys.stderr)
        browser.close()

    print(f"\nkgraph HTML page, headless Chromium, median of {args.runs} opens per size")
    header = (
        f"{'nodes':>6} {'edges':>6} {'size MB':>7} {'write s':>7} {'script ms':>9} "
        f"{'ready ms':>8} {'search ms':>9} {'interactive s':>13} {'(max)':>6} "
        f"{'shown':>6} {'show all ms':>11}"
    )
    print(header)
    print("-" * len(header))
    for size, edges, nbytes, write_s, med, runs in rows:
        print(
            f"{size:>6} {edges:>6} {nbytes / 1e6:>7.1f} {write_s:>7.2f} {med['script_ms']:>9.0f} "
            f"{med['ready_ms']:>8.0f} {med['search_ms']:>9.1f} {med['interactive']:>13.2f} "
            f"{max(r['interactive'] for r in runs):>6.2f} {med['shown']:>6.0f} {med['all_ms']:>11.0f}"
        )
    last = [r for r in rows if r[0] == 5000]
    if last:
        t = last[0][4]["interactive"]
        print(
            f"\n5,000 nodes: interactive in {t:.2f} s = {t / TARGET_SECONDS:.2f} x the "
            f"{TARGET_SECONDS:.0f} s target ({'met' if t < TARGET_SECONDS else 'MISSED'})"
        )
    print(
        "script/ready ms: the page's performance.now() when the viewer script starts and "
        "when the first frame after the layout is drawn; interactive: goto() to ready plus "
        "a search listing results; show all: unticking 'Top concepts only' to the next frame"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
