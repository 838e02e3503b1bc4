"""Issue 8: property-based tests (hypothesis). Random Unicode, including
control characters and lone surrogates, must never crash feed parsing, HTML
cleaning, alias normalisation or the GraphML/JSON export, and what is
written must always read back."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgraph.catalogue.concepts import normalise
from kgraph.errors import FeedError
from kgraph.export.graphml import clean_value, read_graphml, write_graphml
from kgraph.export.json import read_json, write_json
from kgraph.graph.builder import build_graph
from kgraph.ingest.feeds import parse_feed
from kgraph.ingest.sources import SAMPLES_DIR
from kgraph.ingest.text import to_text
from kgraph.records import SUMMARY_MAX, Article, Feed, Mention

pytestmark = pytest.mark.issue(8)

# every code point, surrogates and C0/C1 controls included
ANY_TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=200)
HOSTILE = st.one_of(
    ANY_TEXT,
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "</script><script>alert(2)</script>",
            "\x00\x01\x1b[31m\ud800\udfff\ufffe\uffff",
            "]]><!--",
            "&amp;&lt;&#0;&#xD800;",
        ]
    ),
)
SAMPLE = (SAMPLES_DIR / "forem-kodecapsule.rss.xml").read_bytes()


def _check_messages(warnings: list[str]) -> None:
    for w in warnings:
        assert "\n" not in w and "\r" not in w and "\x1b" not in w


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_parse_feed_random_bytes(data: bytes) -> None:
    try:
        parsed = parse_feed(data, "random.xml")
    except FeedError as err:
        assert str(err).startswith("random.xml: ") and "\n" not in str(err)
        return
    _check_messages(parsed.warnings)
    for art in parsed.articles:
        assert art.id and art.feed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_parse_feed_mutated_real_feed(seed: int, n: int) -> None:
    """Byte flips, cuts, duplicated spans and inserted junk in a real feed."""
    rng = random.Random(seed)
    data = bytearray(SAMPLE)
    junk = [
        b"<",
        b">",
        b"&",
        b"]]>",
        b"<![CDATA[",
        b"\x00",
        b"\xff\xfe",
        b"&#xD800;",
        b"<!DOCTYPE x [",
        b"</item>",
    ]
    for _ in range(n):
        at = rng.randrange(len(data))
        op = rng.randrange(4)
        if op == 0:
            data[at] = rng.randrange(256)
        elif op == 1:
            del data[at : at + rng.randrange(1, 200)]
        elif op == 2:
            data[at:at] = rng.choice(junk)
        else:
            span = data[at : at + rng.randrange(1, 300)]
            data[at:at] = span
    try:
        parsed = parse_feed(bytes(data), "mutated.xml")
    except FeedError:
        return
    _check_messages(parsed.warnings)
    assert len(parsed.articles) <= 11 + n


HTML_BITS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "<pre>",
        "</pre>",
        "<code>",
        "<a href='/x'>",
        "<a href='javascript:x'>",
        "</a>",
        "<script>",
        "</script>",
        "<br>",
        "<li>",
        "<!--",
        "-->",
        "<![CDATA[",
        "&nbsp;",
        "&#0;",
        "<svg><style>",
        "<table><td>",
        "<h1>",
        "<",
        ">",
        "&",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(HTML_BITS, ANY_TEXT), max_size=40))
def test_to_text_random_html(parts: list[str]) -> None:
    html = "".join(parts)
    text = to_text(Article(id="a", url="https://e.org/p", title="T", html=html))
    for block in text.blocks:
        assert block.text
        if block.kind != "code":
            assert block.text == block.text.strip()
            assert not any(c in block.text for c in "\x00\x01\x1b\n\t")
    for link in text.links:
        assert link.startswith(("http://", "https://"))
    assert text.word_count >= 0


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.booleans())
def test_normalise_random_text(text: str, camel: bool) -> None:
    out = normalise(text, split_camel=camel)
    assert out == out.strip()
    assert "  " not in out and "_" not in out
    assert normalise(out) == normalise(normalise(out))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=HOSTILE,
    author=HOSTILE,
    tag=HOSTILE,
    evidence=HOSTILE,
    body=HOSTILE,
    guid=HOSTILE,
)
def test_graph_export_round_trips_hostile_text(
    catalogue, title: str, author: str, tag: str, evidence: str, body: str, guid: str
) -> None:
    art = Article(
        id=guid or "g",
        url="",
        title=title,
        authors=(author,) if author.strip() else (),
        feed="feed.xml",
        tags=(tag,) if tag.strip() else (),
        html=f"<p>{body}</p>",
    )
    text = to_text(art)
    graph = build_graph(
        [Feed("feed.xml", title)],
        [art],
        {art.id: text},
        {art.id: [Mention("go", 1, 0.5, evidence[:300], "Go")]},
        catalogue,
    )
    with tempfile.TemporaryDirectory() as tmp:
        gml = write_graphml(graph, Path(tmp) / "g.graphml")
        js = write_json(graph, Path(tmp) / "g.json")
        back, back_json = read_graphml(gml), read_json(js)
    expected_nodes = sorted(str(clean_value(n)) for n in graph.nodes)
    assert sorted(back.nodes) == sorted(set(expected_nodes))
    assert sorted(back_json.nodes) == sorted(back.nodes)
    assert back.number_of_edges() == graph.number_of_edges() == back_json.number_of_edges()
    node = str(clean_value(f"article:{art.id}"))
    assert back.nodes[node]["title"] == clean_value(title)
    assert len(back.nodes[node]["summary"]) <= SUMMARY_MAX
    for _, _, data in back.edges(data=True):
        if data["kind"] == "mentions":
            assert len(data["evidence"]) <= 300
            assert data["evidence"] == clean_value(evidence[:300])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(HOSTILE, st.just(" Go and Kubernetes "), st.just("x" * 400)), max_size=12)
)
def test_extracted_evidence_and_summary_stay_bounded(catalogue, parts: list[str]) -> None:
    """The schema (docs/schema.md) bounds evidence and summary to 300 characters, whatever the input."""
    from kgraph.extract.extractor import get_extractor

    html = "<p>" + "".join(parts) + " Go is used with Kubernetes. " + "".join(parts) + "</p>"
    art = Article(id="a", url="https://e.org/a", title="Go", html=html)
    text = to_text(art)
    mentions = get_extractor(catalogue).extract(text)
    for m in mentions:
        assert 0 < len(m.evidence) <= 300
    graph = build_graph([], [art], {"a": text}, {"a": mentions}, catalogue)
    assert len(graph.nodes["article:https://e.org/a"]["summary"]) <= 300
