"""Follow a concept (issue 25): the static site, the Atom feed per concept and
the Markdown vault. Every page parses, every feed parses with feedparser with
no bozo flag, every entry of a concept's feed mentions the concept (or a
narrower one), hostile feed text stays text, and the site opens in Chromium
from file:// with no request off the machine and no console error."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import networkx as nx
import pytest

import kgraph
from kgraph.export.atom import concept_entries, render_concept_feed
from kgraph.export.markdown import write_markdown
from kgraph.export.safe_text import article_slug, file_slug, safe_url
from kgraph.export.site import write_site
from kgraph.graph.builder import normalise_url
from kgraph.query.index import GraphIndex
from tests.export.test_export_html import (  # noqa: F401  (browser: a fixture)
    XSS_IMG,
    XSS_LINK,
    browser,
    make_graph,
    make_hostile_graph,
)

pytestmark = pytest.mark.issue(25)

VOID = {"meta", "link", "br", "img", "input", "hr"}


class _Checker(HTMLParser):
    """Strict nesting: every element closed, in order (void elements aside)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-3:]}")
        else:
            self.stack.pop()


def check_page(path: Path) -> _Checker:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(text)
    checker.close()
    assert checker.problems == [] and checker.stack == [], (path, checker.problems)
    assert "default-src 'none'" in html.unescape(text)  # the page's CSP discipline
    for href in checker.hrefs:  # outside links are http(s); the rest stay in the folder
        assert href.startswith(("http://", "https://")) or not re.match(r"[a-z]+:", href), href
        if not href.startswith(("http", "#")):
            assert (path.parent / href.split("#")[0]).resolve().is_file(), (path, href)
    return checker


def check_feed(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    assert parsed.version == "atom10"
    return parsed


@pytest.fixture(scope="module")
def sample_site(sample_kg: kgraph.KnowledgeGraph, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    report = write_site(sample_kg.graph, out, index=sample_kg.index)
    assert report.problems == []
    return out


def test_every_page_parses_and_every_feed_validates(sample_kg, sample_site: Path) -> None:
    idx = sample_kg.index
    pages = sorted(sample_site.rglob("*.html"))
    concepts = [c for c in idx.concept_attrs if idx.rolled_up_count(c) > 0]
    assert len(list((sample_site / "concepts").iterdir())) == len(concepts)
    assert len(list((sample_site / "articles").iterdir())) == len(idx.articles) == 31
    assert len(list((sample_site / "feeds").iterdir())) == len(concepts)
    for page in pages:
        check_page(page)
    for feed in sorted((sample_site / "feeds").iterdir()):
        check_feed(feed)


def test_every_entry_of_a_concept_feed_is_about_the_concept(sample_kg, sample_site: Path) -> None:
    idx = sample_kg.index
    checked = 0
    for cid in idx.concept_attrs:
        if not idx.rolled_up_count(cid):
            continue
        parsed = check_feed(sample_site / "feeds" / f"{file_slug(cid)}.xml")
        scope = set(idx.descendants(cid))
        assert parsed.entries, cid
        for entry in parsed.entries:
            article = idx.by_url[normalise_url(entry.link)]
            assert scope & set(idx.mentions[article]), (cid, entry.link)
            assert entry.summary and entry.published_parsed
            checked += 1
        dates = [e.published for e in parsed.entries]
        assert dates == sorted(dates, reverse=True)  # newest first
    assert checked > 300


def test_kubernetes_feed_without_narrower_is_only_direct_mentions(sample_kg) -> None:
    idx = sample_kg.index
    top = idx.top_concepts(1, by="rolled_up")[0].concept
    narrow = feedparser.parse(render_concept_feed(idx, top, narrower=False))
    wide = feedparser.parse(render_concept_feed(idx, top, narrower=True))
    assert not narrow.bozo and not wide.bozo
    assert 0 < len(narrow.entries) <= len(wide.entries)
    for entry in narrow.entries:
        assert top in idx.mentions[idx.by_url[normalise_url(entry.link)]]


def test_concept_page_shows_what_it_is_and_its_articles(sample_kg, sample_site: Path) -> None:
    idx = sample_kg.index
    page = (sample_site / "concepts" / "amazon-s3.html").read_text(encoding="utf-8")
    assert "<h1>Amazon S3</h1>" in page and "aws-service" in page
    assert 'href="../feeds/amazon-s3.xml"' in page
    assert "<svg" in page  # the chart
    hits = concept_entries(idx, "amazon-s3")
    first, last = page.index(hits[0].title[:30]), page.index(hits[-1].title[:30])
    assert first < last  # newest first
    assert "Broader:" in page and 'href="aws.html"' not in page and "../concepts/aws.html" in page
    index = (sample_site / "index.html").read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64," in index and "concepts/amazon-s3.html" in index
    article = hits[0].article
    assert (sample_site / "articles" / f"{article_slug(article)}.html").is_file()


def test_the_same_post_in_two_feeds_is_one_entry() -> None:
    g = make_graph()
    twin = "article:https://mirror.example.net/copy"
    src = "article:https://blog.example.org/goroutines"
    g.add_node(twin, **{**g.nodes[src], "url": "https://blog.example.org/goroutines/"})
    for _u, v, d in list(g.out_edges(src, data=True)):
        g.add_edge(twin, v, **d)
    idx = GraphIndex(g)
    titles = [h.title for h in concept_entries(idx, "go")]
    assert len(titles) == len(set(titles))


def test_hostile_feed_text_stays_text(tmp_path: Path) -> None:
    g = make_hostile_graph()
    write_site(g, tmp_path, concept_map=False)
    for page in tmp_path.rglob("*.html"):
        checker = check_page(page)
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>window" not in text
        assert "javascript:" not in " ".join(checker.hrefs)
        assert len(checker.scripts) == (2 if page.name == "index.html" else 0)
    for feed in (tmp_path / "feeds").iterdir():
        parsed = check_feed(feed)
        for entry in parsed.entries:
            assert not entry.get("link", "").startswith("javascript")
    notes = write_markdown(g, tmp_path / "vault")
    for note in notes:
        body = note.read_text(encoding="utf-8").split("---\n", 2)[2]
        assert "<img" not in body and "<script" not in body and "](javascript" not in body
    assert safe_url(XSS_LINK) == ""


def test_markdown_vault_has_notes_wikilinks_and_front_matter(sample_kg, tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")

    notes = write_markdown(sample_kg.graph, tmp_path, index=sample_kg.index)
    names = {p.stem for p in notes}
    assert len(names) == len(notes)  # one name per note across the vault
    s3 = (tmp_path / "Concepts" / "Amazon S3.md").read_text(encoding="utf-8")
    front = yaml.safe_load(s3.split("---\n")[1])
    assert front["id"] == "amazon-s3" and front["type"] == "aws-service"
    assert "S3" in front["aliases"] and front["url"].startswith("https://")
    links = re.findall(r"\[\[([^\]]+)\]\]", s3)
    assert links and all(link in names for link in links)
    for note in notes:
        text = note.read_text(encoding="utf-8")
        assert yaml.safe_load(text.split("---\n")[1])["id"]
        assert all(link in names for link in re.findall(r"\[\[([^\]]+)\]\]", text))


# -- browser ------------------------------------------------------------------------


@pytest.mark.browser
def test_browser_site_opens_offline_and_searches(browser, sample_site: Path) -> None:  # noqa: F811
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((sample_site / "index.html").resolve().as_uri(), wait_until="load")
    assert page.evaluate("window.kgraphSite && window.kgraphSite.ready") is True
    page.fill("#q", "golang")
    assert page.inner_text("#hits li:first-child").startswith("Go")
    page.press("#q", "Enter")
    page.wait_for_url("**/concepts/go.html")
    assert page.inner_text("h1") == "Go"
    assert "articles over time" in page.inner_text("main").lower()
    page.click("ul.arts li a")  # the newest article's page
    page.wait_for_url("**/articles/a-*.html")
    assert "concepts" in page.inner_text("main").lower()
    page.click("main ul.arts li a")  # back to a concept
    page.wait_for_url("**/concepts/*.html")
    for path in sorted((sample_site / "authors").iterdir())[:2]:
        page.goto(path.resolve().as_uri(), wait_until="load")
    assert [u for u in requests if not u.startswith("file:")] == []
    assert errors == []
    page.close()


@pytest.mark.browser
def test_browser_hostile_site_runs_no_script(browser, tmp_path: Path) -> None:  # noqa: F811
    write_site(make_hostile_graph(), tmp_path, concept_map=False)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(d.message), d.dismiss()))
    for path in sorted(tmp_path.rglob("*.html")):
        page.goto(path.resolve().as_uri(), wait_until="load")
        assert page.evaluate("window.__pwned === undefined"), path
    page.goto((tmp_path / "index.html").resolve().as_uri(), wait_until="load")
    page.fill("#q", "img")
    assert page.inner_text("#hits").startswith("Go")  # found by its hostile alias
    assert page.evaluate("document.querySelectorAll('#hits img, #hits script').length") == 0
    page.goto((tmp_path / "articles").iterdir().__next__().resolve().as_uri())
    assert page.evaluate("window.__pwned === undefined")
    assert errors == []
    page.close()


def test_empty_graph_site(tmp_path: Path) -> None:
    report = write_site(nx.MultiDiGraph(), tmp_path)
    assert (report.concepts, report.articles) == (0, 0)
    check_page(tmp_path / "index.html")


def test_a_second_site_in_the_same_folder_drops_stale_pages_and_keeps_other_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "graph.graphml").write_text("mine")
    write_site(make_graph(), tmp_path, concept_map=False)
    smaller = make_graph()
    smaller.remove_node("article:https://blog.example.org/lambda")
    smaller.remove_node("concept:aws-lambda")
    write_site(smaller, tmp_path, concept_map=False)
    assert (tmp_path / "graph.graphml").read_text() == "mine"
    assert not (tmp_path / "concepts" / "aws-lambda.html").exists()
    assert not (tmp_path / "feeds" / "aws-lambda.xml").exists()
    assert len(list((tmp_path / "articles").iterdir())) == 1
    for page in tmp_path.rglob("*.html"):
        check_page(page)  # no link to a page that is gone
