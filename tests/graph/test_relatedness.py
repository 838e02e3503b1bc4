"""Related articles (issue 22): scores in 0..1 from words, concepts, links and
source; short posts not favoured; same-story copies marked; reasons without
boilerplate; ``related`` edges stored in the graph and read back."""

from __future__ import annotations

import networkx as nx
import pytest

import kgraph
from kgraph.export.graphml import read_graphml, write_graphml
from kgraph.export.json import read_json, write_json
from kgraph.graph.reasons import explain
from kgraph.graph.related import RELATED_STORED, add_related, decode_reasons
from kgraph.graph.relatedness import Corpus, Doc, Weights
from kgraph.ingest.words import distinctive_terms, format_terms, parse_terms
from kgraph.query import GraphIndex
from kgraph.records import ArticleText, Block

pytestmark = pytest.mark.issue(22)

S3 = "bucket versioning object storage replication region lifecycle"


def text(title: str, *paragraphs: str) -> ArticleText:
    return ArticleText("a", (Block("title", title), *(Block("paragraph", p) for p in paragraphs)))


def doc(title, words, concepts=None, feed="f", authors=("ann",), length=None, links=()):
    terms = distinctive_terms(text(title, words))
    return Doc(title, terms, concepts or {}, feed, authors, length or len(words.split()), links)


def filler(n: int, seed: str) -> str:
    return " ".join(f"{seed}{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(n))


# ---- the words of an article


def test_terms_are_counted_words_without_stop_words_or_code():
    t = ArticleText(
        "a",
        (
            Block("title", "Buckets"),
            Block("paragraph", "The bucket and the buckets, using S3."),
            Block("code", "bucket = 1"),
        ),
    )
    assert distinctive_terms(t) == (("buckets", 3), ("bucket", 1))
    assert parse_terms(format_terms(distinctive_terms(t))) == distinctive_terms(t)
    assert parse_terms("") == () and parse_terms(None) == ()


# ---- scores


def test_scores_are_between_0_and_1_and_symmetric():
    docs = [
        doc("S3 versioning", f"{S3} {S3} versioning", {"amazon-s3": 1.0}, links=(1,)),
        doc("S3 replication", f"{S3} replication replication", {"amazon-s3": 1.0}, links=(0,)),
        doc("S3 lifecycle", f"{S3} lifecycle", {"amazon-s3": 0.9}, feed="g", authors=("bob",)),
        doc("Go channels", "channel goroutine select", {"go": 1.0}, feed="g", authors=("bob",)),
    ]
    corpus = Corpus(docs, {"amazon-s3": ["aws"]})
    for i in range(len(docs)):
        for j, score in corpus.top(i, 10):
            assert 0.0 < score <= 1.0
            assert dict(corpus.top(j, 10))[i] == pytest.approx(score)
    # everything in common (words, concept, link, author, feed): 1 at most
    words = f"{S3} {S3} versioning"
    twins = [doc("S3", words, {"amazon-s3": 1.0}, length=500, links=(1 - n,)) for n in (0, 1)]
    other = doc("Go", "channel goroutine", {"go": 1.0}, feed="g", authors=("bob",))
    corpus = Corpus([*twins, other], {}, Weights(same_story=2.0))
    assert corpus.top(0, 1)[0][1] == pytest.approx(1.0)


def test_a_short_post_does_not_outrank_a_long_one_on_the_same_subject():
    long_post = f"{S3} " * 20 + filler(400, "x")
    docs = [
        doc("S3 bucket versioning explained", f"{S3} {S3} " + filler(300, "q"), {"amazon-s3": 0.9}),
        doc("Bucket versioning, the full guide", long_post, {"amazon-s3": 0.9}),
        doc("Versioning outage", "bucket versioning outage", {"amazon-s3": 0.9}),
    ]
    corpus = Corpus(docs, {})
    assert [j for j, _ in corpus.top(0, 2)] == [1, 2]


def test_near_duplicates_are_marked_and_not_each_others_related():
    body = f"{S3} retention policy compliance audit " * 5
    docs = [
        doc("Object Lock in S3", body, {"amazon-s3": 1.0}, feed="f"),
        doc(
            "Object Lock in S3",
            body + " crossposted",
            {"amazon-s3": 1.0},
            feed="g",
            authors=("bob",),
        ),
        doc("S3 lifecycle rules", f"{S3} lifecycle expiration", {"amazon-s3": 1.0}),
    ]
    corpus = Corpus(docs, {})
    ((best, copies),) = corpus.top_rows(0, 1, 5)
    assert copies == [1]
    assert [j for j, _ in best] == [2]
    assert 1 in [j for j, _ in corpus.top(0, 5, with_same_story=True)]


def test_reasons_skip_template_concepts_and_never_explain_a_concept_by_itself():
    # "twitter" is in every article of feed f and never salient: a share button
    docs = [
        doc(f"S3 post {n}", f"{S3} {word} " * 3, {"amazon-s3": 0.9, "twitter": 0.28, "aws": 0.5})
        for n, word in enumerate(["alpha", "beta", "gamma", "delta"])
    ] + [
        doc(f"Go {w}", f"channel goroutine {w}", {"go": 1.0}, feed="g", authors=("bob",))
        for w in "abcde"
    ]
    corpus = Corpus(docs, {"amazon-s3": ["aws"]})
    for i in range(len(docs)):
        for j, _ in corpus.top(i, 5):
            reasons = explain(corpus, i, j)
            assert "twitter" not in [key for kind, _, key, _ in reasons if kind.endswith("concept")]
            for kind, _, key, detail in reasons:
                if kind == "broader_concept":
                    assert detail and key not in detail.split("|")
    reasons = explain(corpus, 0, 1)
    assert reasons[0][0] == "shared_concept" and reasons[0][2] == "amazon-s3"
    assert any(k == "shared_terms" and "bucket" in d.split("|") for k, _, _, d in reasons)
    assert reasons[-1][0] == "same_author" and reasons[-1][2] == "ann"


def test_block_and_single_article_answers_agree():
    docs = [
        doc(f"t{n}", f"{S3} w{n % 3}x v{n % 5}x", {"amazon-s3": 0.5 + n / 40}) for n in range(12)
    ]
    corpus = Corpus(docs, {})
    assert corpus.all_top(4, block=5) == [corpus.top_rows(i, i + 1, 4)[0] for i in range(12)]


# ---- in the graph


def test_stored_related_edges_round_trip_through_graphml_and_json(sample_kg, tmp_path):
    g = sample_kg.graph
    assert g.graph["related_stored"] == RELATED_STORED

    def edges(graph: nx.MultiDiGraph) -> list[tuple]:
        return sorted(
            (u, v, d["score"], d["shared"], d["reasons"])
            for u, v, d in graph.edges(data=True)
            if d.get("kind") == "related"
        )

    built = edges(g)
    assert built and all(0 < e[2] <= 1 for e in built)
    for *_, reasons in built[:20]:
        assert decode_reasons(reasons)
    for loaded in (
        read_graphml(write_graphml(g, tmp_path / "g.graphml")),
        read_json(write_json(g, tmp_path / "g.json")),
    ):
        assert edges(loaded) == built
        assert int(loaded.graph["related_stored"]) == RELATED_STORED
        a = "article:https://blog.arishahmad.in/understanding-versioning-for-amazon-s3-buckets"
        assert GraphIndex(loaded).related(a, k=5) == sample_kg.related(a, k=5)


def test_beyond_the_stored_k_the_answer_is_computed_the_same_way(sample_kg):
    for a in sample_kg.index.articles[:8]:
        stored = sample_kg.related(a, k=RELATED_STORED)
        computed = sample_kg.related(a, k=RELATED_STORED + 5)[: len(stored)]
        assert [(h.article, h.score, h.reasons) for h in stored] == [
            (h.article, h.score, h.reasons) for h in computed
        ]


def test_reasons_in_the_sample_graph_name_no_boilerplate(sample_kg):
    for a in sample_kg.index.articles:
        for hit in sample_kg.related(a, k=RELATED_STORED):
            for r in hit.reasons:
                assert r.concept not in {"twitter", "reddit", "youtube", "email", "linkedin"}
                if r.kind == "broader_concept":  # never "X (via X)"
                    assert r.name not in r.detail.removeprefix("via ").split(", ")
            assert 0 < hit.score <= 1


def test_the_same_post_in_two_feeds_is_one_story(tmp_path):
    item = (
        "<item><title>{title}</title><link>https://{host}/object-lock-in-amazon-s3</link>"
        "<description>{body}</description></item>"
    )
    body = " ".join(
        ["Object Lock keeps S3 objects from being deleted or overwritten for a retention period."]
        * 6
    )
    other = "Lifecycle rules move S3 objects to cheaper storage classes and expire old versions."
    for name, host, extra in (("a", "a.dev", other), ("b", "b.dev", "Kubernetes pods restart.")):
        (tmp_path / f"{name}.xml").write_text(
            "<rss version='2.0'><channel><title>{}</title>{}{}</channel></rss>".format(
                name,
                item.format(title="Object Lock in Amazon S3", host=host, body=body),
                item.format(title=f"More from {name}", host=f"{host}/x", body=extra * 3),
            )
        )
    kg = kgraph.build([str(tmp_path / "a.xml"), str(tmp_path / "b.xml")])
    stories = [(u, v) for u, v, k in kg.graph.edges(data="kind") if k == "same_story"]
    assert stories == [
        (
            "article:https://a.dev/object-lock-in-amazon-s3",
            "article:https://b.dev/object-lock-in-amazon-s3",
        )
    ]
    a, b = stories[0]
    assert b not in [h.article for h in kg.related(a, k=5)]
    assert [r.article for r in kg.index.same_story(a)] == [b]


def test_add_related_reads_only_graph_attributes():
    g = nx.MultiDiGraph()
    for n, t in enumerate(["bucket:3 versioning:2", "bucket:2 replication:2", "channel:4"]):
        g.add_node(f"article:{n}", kind="article", title=f"t{n}", terms=t, word_count=400, feed="f")
    add_related(g)
    related = [(u, v) for u, v, k in g.edges(data="kind") if k == "related"]
    assert related == [("article:0", "article:1"), ("article:1", "article:0")]


def _drawn_docs(shared: int, draws: int, varied: bool = False) -> list:
    """40 articles drawing ``draws`` words from a pool of ``shared`` (every
    article paired with most others, or with few), with feeds, authors and
    links; ``varied``: some without a feed or with one author, more links."""
    import random

    rng = random.Random(shared)
    pool = [f"word{c}" for c in range(shared)]
    return [
        doc(
            f"t{n}",
            " ".join(rng.choice(pool) for _ in range(draws)) + " " + filler(20, f"own{n}x"),
            {f"c{rng.randrange(5 if draws > 10 else 400)}": 0.5},
            feed=f"f{n % 3}" if n % 5 or not varied else "",
            authors=(f"a{n % 4}", f"b{n % 5}")
            if n % 2
            else (f"a{n % 4}",)
            if n % 3 and varied
            else (),
            links=((n + 1, (n * 7) % 40) if varied else (n + 1,))
            if n % 7 == 0 and n + 1 < 40
            else (),
        )
        for n in range(40)
    ]


# every article paired with most others, or with few
@pytest.mark.parametrize(("shared", "draws"), [(3, 30), (3000, 4)])
def test_the_best_of_each_article_are_its_best_pairs_in_order(shared, draws):
    docs = _drawn_docs(shared, draws)
    corpus = Corpus(docs, {"c1": ("c0",)})
    i, j, score = corpus.pairs(0, corpus.n)
    got = corpus.top_rows(0, corpus.n, 6, with_same_story=True)
    for a in range(corpus.n):
        mine = [
            (-round(float(s) * 1e9), int(b), float(s))
            for x, b, s in zip(i, j, score, strict=True)
            if x == a
        ]
        want = [(b, s) for _, b, s in sorted(mine)[:6]]
        assert got[a][0] == want


@pytest.mark.parametrize(("shared", "draws"), [(3, 30), (3000, 4)])
def test_a_block_scored_as_a_dense_table_has_the_same_best_pairs(shared, draws, monkeypatch):
    from kgraph.graph import relatedness

    docs = _drawn_docs(shared, draws, varied=True)
    corpus = Corpus(docs, {"c1": ("c0",)})
    got = {}
    for dense in (0.0, 2.0):  # every block as a table, none
        monkeypatch.setattr(relatedness, "DENSE", dense)
        got[dense] = [corpus.top_rows(a, min(40, a + 16), 6) for a in range(0, 40, 16)]
    assert got[0.0] == got[2.0]


@pytest.mark.parametrize("width", [40, 3])  # more columns than picked, fewer
def test_the_best_in_a_table_are_the_best_of_its_pairs_ties_and_roundings_included(width):
    import numpy as np

    from kgraph.graph.runs import best_in_table, best_per_row

    rng = np.random.default_rng(5)
    # scores on a coarse grid, some a hair apart (the same to 9 decimals), some 0
    score = rng.integers(0, 6, size=(30, width)) / 8
    score += rng.choice([0, 4e-10, -4e-10], size=(30, width))
    score[score < 0.1] = 0.0
    r, j = np.nonzero(score > 1e-9)
    want = best_per_row(r, j, score[r, j], 30, width, 5)
    got = best_in_table(score, 5)
    assert all((a == b).all() for a, b in zip(got, want, strict=True))
