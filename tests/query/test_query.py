"""Queries over a graph: a hand-built graph, the bundled feeds, and loaded == built."""

from __future__ import annotations

import networkx as nx
import pytest

import kgraph
from kgraph.errors import QueryError
from kgraph.export.concept_map import write_concept_map
from kgraph.export.graphml import read_graphml
from kgraph.graph.relatedness import Weights
from kgraph.query import GraphIndex, communities_of
from kgraph.query.examples import tiny_graph

pytestmark = pytest.mark.issue(5)

REPL, VERS, LAYERS, CHAN = (
    f"article:https://e.org/{k}" for k in ("repl", "vers", "layers", "chan")
)


@pytest.fixture
def tiny() -> GraphIndex:
    return GraphIndex(tiny_graph())


# ---- related


def test_related_ranks_shared_concept_above_hierarchy_and_explains(tiny: GraphIndex) -> None:
    hits = tiny.related("S3 replication", k=5)
    assert [h.article for h in hits] == [VERS, LAYERS]  # Go channels shares nothing
    vers, layers = hits
    assert 1 >= vers.score > layers.score > 0
    assert vers.shared == ["amazon-s3"]
    assert vers.reasons[0].kind == "shared_concept" and vers.reasons[0].concept == "amazon-s3"
    hier = [r for r in layers.reasons if r.kind == "broader_concept"]
    # they meet at AWS: S3 replication names it, Lambda layers names AWS Lambda
    assert [(r.concept, r.detail) for r in hier] == [("aws", "via AWS Lambda")]
    # the score is the sum of its reasons (none is left out here)
    for h in hits:
        assert h.score == pytest.approx(sum(r.weight for r in h.reasons), abs=1e-3)
    assert {r.kind for r in layers.reasons} == {"broader_concept", "same_author"}
    assert vers.published == "2024-03-01T00:00:00Z"


def test_related_k_limits_and_zero(tiny: GraphIndex) -> None:
    assert [h.article for h in tiny.related(REPL, k=1)] == [VERS]
    assert tiny.related(REPL, k=0) == []


def test_shared_author_alone_does_not_relate(tiny: GraphIndex) -> None:
    assert tiny.related("Go channels") == []


def test_direct_link_relates_and_is_a_reason() -> None:
    g = tiny_graph()
    g.add_edge(CHAN, REPL, key="links_to-1", kind="links_to")
    idx = GraphIndex(g)
    hits = idx.related("Go channels")
    assert [h.article for h in hits] == [REPL]
    assert [r.kind for r in hits[0].reasons] == ["links_to"]
    back = {h.article: h for h in idx.related(REPL)}
    assert "linked_from" in {r.kind for r in back[CHAN].reasons}


def test_hierarchy_expansion_can_be_turned_off() -> None:
    idx = GraphIndex(tiny_graph(), weights=Weights(decay=0.0))
    # without expansion, S3 replication meets Lambda layers through nothing
    assert [h.article for h in idx.related(REPL)] == [VERS]


# ---- naming articles and concepts


@pytest.mark.parametrize(
    "name",
    [REPL, "https://e.org/repl", "HTTPS://E.ORG/repl/", "s3 REPLICATION", "replication"],
)
def test_resolve_article(tiny: GraphIndex, name: str) -> None:
    assert tiny.resolve_article(name) == REPL


def test_resolve_article_ambiguous_lists_matches(tiny: GraphIndex) -> None:
    with pytest.raises(QueryError, match="matches 2 articles") as info:
        tiny.resolve_article("S3")
    assert "S3 replication" in str(info.value) and "S3 versioning" in str(info.value)


def test_resolve_article_unknown_suggests(tiny: GraphIndex) -> None:
    with pytest.raises(QueryError, match="did you mean 'S3 replication'"):
        tiny.resolve_article("S3 replicaton guide")


@pytest.mark.parametrize(
    ("name", "cid"),
    [
        ("golang", "go"),
        ("GoLang", "go"),
        ("concept:go", "go"),
        ("go", "go"),
        ("S3", "amazon-s3"),
        ("simple storage service", "amazon-s3"),
        ("Lambda", "aws-lambda"),
        ("AWS", "aws"),
    ],
)
def test_resolve_concept(tiny: GraphIndex, name: str, cid: str) -> None:
    assert tiny.resolve_concept(name) == cid


def test_resolve_concept_unknown_and_ambiguous() -> None:
    g = tiny_graph()
    g.nodes["concept:go"]["aliases"] = "golang|Lambda"  # now two concepts claim "Lambda"
    idx = GraphIndex(g)
    with pytest.raises(QueryError, match=r"several concepts: AWS Lambda \(aws-lambda\), Go \(go\)"):
        idx.resolve_concept("lambda")
    with pytest.raises(QueryError, match=r"no concept 'golnag'.*did you mean 'Go'"):
        idx.resolve_concept("golnag")


def test_catalogue_resolves_tag_like_names_but_not_inside_other_words(sample_kg) -> None:
    idx = sample_kg.index
    assert idx.resolve_concept("#golang") == "go"
    assert idx.resolve_concept("S3-bucket") == "amazon-s3"
    with pytest.raises(QueryError, match="no concept 'Amazon S4'"):
        idx.resolve_concept("Amazon S4")
    with pytest.raises(QueryError, match="no article in this graph mentions it"):
        idx.resolve_concept("Rust")


# ---- other queries on the tiny graph


def test_articles_about_rolls_up_narrower_concepts(tiny: GraphIndex) -> None:
    hits = tiny.articles_about("Amazon Web Services")
    assert [(h.article, h.matched, h.via) for h in hits] == [
        (LAYERS, "aws-lambda", ["aws-lambda", "aws"]),
        (REPL, "amazon-s3", ["amazon-s3", "aws"]),
        (VERS, "amazon-s3", ["amazon-s3", "aws"]),
    ]
    assert [h.weight for h in hits] == [0.9, 0.9, 0.8]
    exact = tiny.articles_about("aws", narrower=False)
    assert [(h.article, h.matched, h.weight) for h in exact] == [(REPL, "aws", 0.5)]
    assert [h.article for h in tiny.articles_about("aws", limit=1)] == [LAYERS]


def test_concepts_of(tiny: GraphIndex) -> None:
    hits = tiny.concepts_of("S3 replication")
    assert [(h.concept, h.weight, h.type) for h in hits] == [
        ("amazon-s3", 0.9, "aws-service"),
        ("aws", 0.5, "platform"),
    ]
    assert hits[0].evidence == "S3 replication uses amazon-s3."


def test_neighbours_by_depth(tiny: GraphIndex) -> None:
    one = tiny.neighbours("S3")
    assert [(n.concept, n.relation, n.depth) for n in one] == [("aws", "broader", 1)]
    two = tiny.neighbours("S3", depth=2)
    assert [(n.concept, n.relation, n.depth, n.via) for n in two][1:] == [
        ("aws-lambda", "narrower", 2, "aws")
    ]


def test_path_prefers_cheapest_and_reports_none(tiny: GraphIndex) -> None:
    p = tiny.path("S3", "Lambda")
    assert p is not None
    assert [s.node for s in p.steps] == ["concept:amazon-s3", "concept:aws", "concept:aws-lambda"]
    assert [s.relation for s in p.steps] == ["", "broader", "narrower"]
    assert p.cost == 2.0
    assert p.explain() == "Amazon S3 -[broader]-> AWS -[narrower]-> AWS Lambda"
    assert tiny.path("S3", "golang") is None
    assert tiny.path("go", "go").steps[0].node == "concept:go"


def test_path_goes_through_a_salient_shared_article() -> None:
    g = tiny_graph()
    g.add_edge(CHAN, "concept:amazon-s3", key="m-x", kind="mentions", weight=0.9, count=1,
               evidence="Go writes to S3.", alias="S3")  # fmt: skip
    p = GraphIndex(g).path("go", "s3")
    assert [s.node for s in p.steps] == ["concept:go", CHAN, "concept:amazon-s3"]
    assert p.steps[2].evidence == "Go writes to S3."
    assert p.cost == pytest.approx((1.5 - 0.95) + (1.5 - 0.9))


def test_top_concepts_timeline_rising(tiny: GraphIndex) -> None:
    top = tiny.top_concepts(4)
    assert [(t.concept, t.articles, t.rolled_up) for t in top] == [
        ("amazon-s3", 2, 2),
        ("aws", 1, 3),
        ("aws-lambda", 1, 1),
        ("go", 1, 1),
    ]
    assert tiny.top_concepts(1, by="rolled_up")[0].concept == "aws"
    assert sum(tiny.pagerank().values()) < 1.0  # articles hold the rest
    # S3: two salient mentions and a broader edge outweigh AWS's one weak mention and two edges
    assert tiny.top_concepts(1, by="pagerank")[0].concept == "amazon-s3"
    with pytest.raises(QueryError, match="cannot rank"):
        tiny.top_concepts(by="size")
    tl = tiny.timeline("aws")
    assert [(m.month, m.articles) for m in tl.months] == [
        ("2024-01", 1),
        ("2024-02", 0),
        ("2024-03", 2),
    ]
    assert (tl.total, tl.undated) == (3, 0)
    assert tiny.timeline("go").undated == 1
    rising = tiny.rising(window=1, min_recent=1)
    assert {r.concept for r in rising} == {"amazon-s3", "aws-lambda"}


def test_pagerank_matches_networkx(tiny: GraphIndex) -> None:
    pytest.importorskip("scipy")  # networkx's pagerank needs it; ours does not
    g = nx.Graph()
    for a in tiny.articles:
        for cid, m in tiny.mentions[a].items():
            g.add_edge(a, f"concept:{cid}", weight=m[0])
    for c, parents in tiny.parents.items():
        for p in parents:
            g.add_edge(f"concept:{c}", f"concept:{p}", weight=1.0)
    expected = nx.pagerank(g, weight="weight", tol=1e-12)
    for cid, value in tiny.pagerank().items():
        assert value == pytest.approx(expected[f"concept:{cid}"], abs=1e-6)


def test_concept_map_npmi_hubs_and_communities(tiny: GraphIndex) -> None:
    m = tiny.concept_map(min_articles=1, min_support=1, max_share=0.5)
    assert m.graph["hubs"] == ""  # S3 is in 2 of 4 articles: not more than half
    m = tiny.concept_map(min_articles=1, min_support=1, max_share=0.4)
    assert m.graph["hubs"] == "amazon-s3"
    assert "concept:amazon-s3" not in m
    full = tiny.concept_map(min_articles=1, min_support=1, max_share=1.0)
    # S3 and AWS share one article (repl): NPMI(1, 2, 1, 4) = log(2)/log(4) = 0.5
    edges = [(u, v, d["weight"], d["articles"]) for u, v, d in full.edges(data=True)]
    assert edges == [("concept:amazon-s3", "concept:aws", 0.5, 1)]
    comm = {n: d["community"] for n, d in full.nodes(data=True)}
    assert comm["concept:amazon-s3"] == comm["concept:aws"]
    # Go shares no article with another concept: an isolated node is not drawn
    assert "concept:go" not in full and "go" in full.graph["isolated"].split("|")
    labels = [c.label for c in communities_of(full)]
    assert labels[0] == "AWS · Amazon S3"


# ---- the bundled feeds


S3_TITLES = (
    "How to Create an Amazon S3 Bucket",
    "Setting Up Amazon S3 Replication Rules",
    "Understanding Lifecycle rules in Amazon S3",
    "Understanding Object Lock for Amazon S3",
    "Understanding Versioning for Amazon S3 Buckets",
)


@pytest.mark.parametrize("title", S3_TITLES)
def test_hashnode_s3_articles_are_related_to_each_other(sample_kg, title: str) -> None:
    hits = sample_kg.related(title, k=3)
    assert len(hits) == 3
    assert all("S3" in h.title for h in hits), [h.title for h in hits]
    assert all("amazon-s3" in h.shared for h in hits)


def test_go_articles_relate(sample_kg) -> None:
    top = sample_kg.related("Go Channels", k=1)[0]
    assert top.title == "Understanding Goroutines & The Go Scheduler (GMP Model)"
    assert {"go-goroutine", "go-channel"} <= set(top.shared)


def test_articles_about_aliases_on_samples(sample_kg) -> None:
    go = sample_kg.articles_about("golang")
    assert go[0].title.startswith("Go Channels: Complete Guide")
    assert "Setting Up a Go Web Server on Amazon EC2" in [h.title for h in go]
    s3 = {h.title: h for h in sample_kg.articles_about("S3")}
    titles = " ".join(s3)
    assert all(t in titles for t in S3_TITLES)
    for t in ("Setting Up Amazon S3 Replication Rules", "Understanding Object Lock for Amazon S3"):
        assert s3[t].matched == "amazon-s3"
    lam = sample_kg.articles_about("Lambda")
    layers = [h for h in lam if h.title.startswith("Mastering AWS Lambda Layers")]
    assert layers and layers[0].matched == "lambda-layers"
    assert layers[0].via == ["lambda-layers", "aws-lambda"]


def test_aws_rolls_up_amazon_s3(sample_kg) -> None:
    aws = {h.article for h in sample_kg.articles_about("AWS")}
    aws_only = {h.article for h in sample_kg.articles_about("AWS", narrower=False)}
    s3 = {h.article for h in sample_kg.articles_about("Amazon S3")}
    assert s3 <= aws
    assert len(aws) > len(aws_only)
    weights = [h.weight for h in sample_kg.articles_about("AWS")]
    assert weights == sorted(weights, reverse=True)


def test_concept_map_on_samples_keeps_aws_out(sample_kg) -> None:
    m = sample_kg.concept_map()
    assert "aws" in m.graph["hubs"].split("|")
    assert "concept:aws" not in m
    assert all(d["weight"] > 0 and d["articles"] >= 2 for *_, d in m.edges(data=True))
    go_comm = m.nodes["concept:go"]["community"]
    assert m.nodes["concept:go-goroutine"]["community"] == go_comm


# ---- loaded == built


def _answers(kg: kgraph.KnowledgeGraph) -> dict:
    idx = kg.index
    out: dict = {}
    for a in idx.articles:
        out[f"related {a}"] = [h.to_dict() for h in kg.related(a, k=5)]
        out[f"concepts {a}"] = [h.to_dict() for h in kg.concepts_of(a)]
    for c in ("aws", "golang", "S3", "Lambda", "security", "docker"):
        out[f"about {c}"] = [h.to_dict() for h in kg.articles_about(c)]
        out[f"neighbours {c}"] = [n.to_dict() for n in kg.neighbours(c, depth=2)]
        out[f"timeline {c}"] = kg.timeline(c).to_dict()
    for a, b in (("go", "s3"), ("django", "terraform"), ("jwt", "nginx")):
        p = kg.path(a, b)
        out[f"path {a} {b}"] = p.to_dict() if p else None
    out["top"] = [t.to_dict() for t in kg.top_concepts(30, by="pagerank")]
    out["communities"] = [c.to_dict() for c in kg.communities()]
    m = kg.concept_map()
    out["map"] = (
        sorted(m.nodes(data=True)),
        sorted((u, v, d["weight"]) for u, v, d in m.edges(data=True)),
    )
    out["rising"] = [r.to_dict() for r in kg.rising()]
    return out


def test_loaded_graph_answers_like_built_graph(sample_kg, tmp_path) -> None:
    path = sample_kg.write_graphml(tmp_path / "g.graphml")
    loaded = kgraph.load(path)
    built = _answers(sample_kg)
    assert built["about golang"] and built["path go s3"]
    assert _answers(loaded) == built


def test_concept_map_graphml_round_trip(sample_kg, tmp_path) -> None:
    m = sample_kg.concept_map()
    written = write_concept_map(m, tmp_path, formats=["graphml"])
    back = read_graphml(written["graphml"])
    assert set(back) == set(m)
    for n, d in m.nodes(data=True):
        assert {k: back.nodes[n][k] for k in d} == d
        assert {"x", "y", "label_shown"} <= set(back.nodes[n])  # the layout, for Gephi
    assert back.graph["hubs"] == m.graph["hubs"]
    assert {d["community"] for _, d in back.nodes(data=True)} == set(range(m.graph["communities"]))


def test_concept_map_html() -> None:
    pytest.importorskip("kgraph.export.html")
    import tempfile
    from pathlib import Path

    out = Path(tempfile.mkdtemp())
    written = write_concept_map(GraphIndex(tiny_graph()).concept_map(1, 1, 1.0), out)
    html = written["html"].read_text(encoding="utf-8")
    assert "Amazon S3" in html


def test_index_is_built_once_and_follows_graph_replacement(sample_kg) -> None:
    kg = kgraph.KnowledgeGraph(sample_kg.graph, sample_kg.catalogue)
    assert kg.index is kg.index
    old = kg.index
    kg.graph = tiny_graph()
    assert kg.index is not old and len(kg.index.articles) == 4
