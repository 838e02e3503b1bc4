from __future__ import annotations

from collections import Counter

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from kgraph.catalogue.concepts import normalise, surface_variants
from kgraph.catalogue.load import load_catalogue
from kgraph.graph.builder import GraphBuilder
from kgraph.graph.parts import article_part
from kgraph.records import Article, ArticleText, Feed, Mention

NODE_ATTRS = {
    "article": {
        "kind",
        "label",
        "url",
        "title",
        "published",
        "feed",
        "word_count",
        "summary",
        "terms",
    },
    "concept": {
        "kind",
        "label",
        "name",
        "type",
        "aliases",
        "parents",
        "url",
        "article_count",
        "curated",
        "description",
    },
    "author": {"kind", "label", "name"},
    "tag": {"kind", "label", "name", "concept"},
    "feed": {"kind", "label", "title", "url"},
}
EDGE_ENDS = {
    "wrote": ("author", "article"),
    "published": ("feed", "article"),
    "mentions": ("article", "concept"),
    "tagged": ("article", "tag"),
    "broader": ("concept", "concept"),
    "co_occurs": ("concept", "concept"),
    "links_to": ("article", "article"),
    "related": ("article", "article"),
    "same_story": ("article", "article"),
}


def test_schema_of_every_node_and_edge(sample_kg):
    g = sample_kg.graph
    assert isinstance(g, nx.MultiDiGraph)
    for node, data in g.nodes(data=True):
        kind = data["kind"]
        assert node.startswith(f"{kind}:")
        assert set(data) == NODE_ATTRS[kind], node
        if kind == "concept":  # a discovered term is no catalogue concept
            assert data["curated"] == ("false" if data["type"] == "term" else "true"), node
        assert all(isinstance(v, str | int | float) for v in data.values())
    keys = [k for _, _, k in g.edges(keys=True)]
    assert len(keys) == len(set(keys)), "edge keys must be unique in the graph"
    for u, v, data in g.edges(data=True):
        assert (g.nodes[u]["kind"], g.nodes[v]["kind"]) == EDGE_ENDS[data["kind"]]
        if data["kind"] == "co_occurs":
            assert u < v and 0 < data["weight"] <= 1 and data["articles"] >= 1
        if data["kind"] == "mentions":
            assert data["count"] >= 1 and 0 < data["weight"] <= 1


def test_every_kind_of_edge_is_present(sample_kg):
    kinds = Counter(k for *_, k in sample_kg.graph.edges(data="kind"))
    assert set(kinds) == set(EDGE_ENDS) - {"same_story"}  # no post twice in the sample feeds
    assert kinds["wrote"] == kinds["published"] == 31


def test_one_node_per_concept_and_broader_edges_follow_parents(sample_kg, catalogue):
    g = sample_kg.graph
    for node, data in g.nodes(data=True):
        if data["kind"] != "concept":
            continue
        cid = node.removeprefix("concept:")
        parents = {
            v.removeprefix("concept:")
            for _, v, k in g.out_edges(node, data="kind")
            if k == "broader"
        }
        if data["type"] == "term":  # discovered, in no catalogue entry: no parents
            assert cid not in catalogue and not parents
            continue
        assert parents == set(catalogue[cid].parents)
    names = [d["name"] for _, d in g.nodes(data=True) if d["kind"] == "concept"]
    assert len(names) == len(set(names))


def test_mention_evidence_shows_an_alias_of_its_concept(sample_kg, catalogue):
    g = sample_kg.graph
    count = 0
    for u, v, data in g.edges(data=True):
        if data["kind"] != "mentions":
            continue
        cid = v.removeprefix("concept:")
        alias = data["alias"]
        assert alias.lower() in data["evidence"].lower(), (u, v)
        if g.nodes[v]["type"] == "term":  # a discovered term: its spellings are its own
            assert alias in {g.nodes[v]["name"], *g.nodes[v]["aliases"].split("|")}
            continue
        c = catalogue[cid]
        forms = {normalise(f) for a in c.all_aliases for f in surface_variants(a)}
        assert normalise(alias) in forms or catalogue.lookup(alias) == cid, (alias, cid)
        assert len(data["evidence"]) <= 300
        count += 1
    assert count > 200


def test_tags_resolve_to_concepts(sample_kg):
    g = sample_kg.graph
    assert g.nodes["tag:golang"]["concept"] == "go"
    assert g.nodes["tag:s3-bucket"]["concept"] == "amazon-s3"
    assert g.nodes["tag:coding"]["concept"] == ""


def _edge_set(g: nx.MultiDiGraph) -> Counter:
    return Counter((u, v, tuple(sorted(d.items()))) for u, v, d in g.edges(data=True))


def test_streamed_build_equals_build_graph_but_for_key_numbering():
    """build() adds articles to a GraphBuilder as they are analysed (input
    order); build_graph() adds them sorted. Same nodes, same edges and
    attributes; only the numbers in the edge keys may differ."""
    import kgraph
    from kgraph.graph.builder import build_graph
    from kgraph.pipeline.task import analyse

    kg = kgraph.build()
    feeds, articles, _ = kgraph.read_articles()
    texts, mentions = {}, {}
    for art, text, found in analyse(articles):
        texts[art.id], mentions[art.id] = text, found
    ref = build_graph(feeds, articles, texts, mentions)
    assert dict(kg.graph.nodes(data=True)) == dict(ref.nodes(data=True))
    assert _edge_set(kg.graph) == _edge_set(ref)
    assert sorted(k for *_, k in kg.graph.edges(keys=True)) == sorted(
        k for *_, k in ref.edges(keys=True)
    )


def test_builder_finishes_once_and_build_restores_gc():
    import gc

    import pytest

    import kgraph
    from kgraph.graph.builder import GraphBuilder

    builder = GraphBuilder()
    builder.finish()
    with pytest.raises(RuntimeError):
        builder.finish()
    assert gc.isenabled()
    kgraph.build()
    assert gc.isenabled()


_CONCEPTS = ["go", "aws", "amazon-s3", "kubernetes", "docker", "python", "helm"]
_URLS = ["https://a.dev/one-two-three-four-post", "https://b.dev/one-two-three-four-post", ""]
_MENTION = st.builds(
    Mention,
    st.sampled_from(_CONCEPTS),
    st.integers(1, 3),
    st.sampled_from([0.1, 0.5, 0.9]),
    st.sampled_from(["Go and AWS.", "S3 buckets.", ""]),
    st.sampled_from(["Go", "S3", "k8s"]),
)
# ids, URLs, authors and tags that collide (same node id, slug or link target)
_ARTICLE = st.tuples(
    st.sampled_from(["a1", "a2", "a3", "https://a.dev/x"]),
    st.sampled_from(_URLS),
    st.lists(st.sampled_from(["Ann", "ann", "Bob"]), max_size=2),
    st.lists(st.sampled_from(["golang", "AWS", "aws", "Docker", "misc"]), max_size=3),
    st.lists(_MENTION, max_size=14, unique_by=lambda m: m.concept),
    st.lists(st.sampled_from([*_URLS[:2], "https://c.dev/about"]), max_size=3),
).map(
    lambda t: (
        Article(t[0], t[1], "T", tuple(t[2]), feed="f.xml", tags=tuple(t[3])),
        ArticleText(t[0], links=tuple(t[5]), word_count=3),
        t[4],
    )
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ARTICLE, max_size=8), st.integers(0, 8))
def test_adding_parts_in_a_batch_is_adding_them_one_by_one(items, split):
    """add_parts batches a feed's edges; every node, edge, key, attribute and
    the order networkx lists them in must be what one-by-one adding gives."""
    cat = load_catalogue()
    parts = [article_part(a, t, ms, cat) for a, t, ms in items]
    one, batched = GraphBuilder(cat), GraphBuilder(cat)
    for b in (one, batched):
        b.add_feed(Feed("f.xml", "F"))
    for p in parts:
        one.add_part(p)
    batched.add_parts(parts[:split])
    batched.add_parts(parts[split:])
    g1, g2 = one.finish(), batched.finish()
    assert list(g1.nodes(data=True)) == list(g2.nodes(data=True))
    e1 = [(u, v, k, dict(d)) for u, v, k, d in g1.edges(keys=True, data=True)]
    e2 = [(u, v, k, dict(d)) for u, v, k, d in g2.edges(keys=True, data=True)]
    assert e1 == e2
    assert [list(g1.pred[n]) for n in g1] == [list(g2.pred[n]) for n in g2]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), max_size=12), max_size=30), st.integers(8, 64))
def test_pair_counts_count_what_a_counter_counts(chunks, fold_bytes):
    """PairCounts folds raw pairs into sorted counts every few bytes: whatever
    the folding points, the counts are a Counter's."""
    from array import array

    from kgraph.graph.counts import PairCounts

    counts = PairCounts()
    counts.FOLD_BYTES = fold_bytes  # fold every one to eight pairs
    for chunk in chunks:
        counts.add(array("q", chunk).tobytes())
    keys, seen = counts.arrays()
    expected = Counter(p for chunk in chunks for p in chunk)
    assert keys.tolist() == sorted(expected)
    assert dict(zip(keys.tolist(), seen.tolist(), strict=True)) == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(_ARTICLE, min_size=1, max_size=20))
def test_co_occurrence_edges_are_npmi_of_the_top_concepts_pair_by_pair(items):
    """co_occurs edges (counted and weighted in numpy) against a reference that
    counts each article's top-concept pairs and works out NPMI one pair at a
    time: the same pairs, in (id, id) order, with the same keys and weights,
    whatever order the catalogue lists its concepts in (pairs are coded by it)."""
    import itertools
    import math
    from array import array

    from kgraph.catalogue.concepts import Catalogue

    loaded = load_catalogue()
    backwards = Catalogue(
        dict(reversed(loaded.concepts.items())),
        loaded.version,
        loaded.index,
        loaded.ambiguous_index,
    )
    for cat in (loaded, backwards):
        parts = [article_part(a, t, ms, cat) for a, t, ms in items]
        builder = GraphBuilder(cat)
        builder.add_feed(Feed("f.xml", "F"))
        builder.add_parts(parts)
        g = builder.finish()
        n, top_df, pairs = len(parts), Counter(), Counter()
        ids = list(cat.concepts)
        for p in parts:
            top = [ids[c] for c in array("i", p.top)]
            assert top == sorted(top)
            top_df.update(top)
            pairs.update(itertools.combinations(top, 2))
        support = 1 if n < 10 else 2
        expected = []
        frequent = sorted(x for x in pairs.items() if x[1] >= support)
        for i, ((a, b), count) in enumerate(frequent, 1):
            p_ab, p_a, p_b = count / n, top_df[a] / n, top_df[b] / n
            npmi = 1.0 if p_ab >= 1.0 else math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)
            expected.append(
                (f"concept:{a}", f"concept:{b}", f"co_occurs-{i}", round((npmi + 1) / 2, 4), count)
            )
        got = [
            (u, v, k, d["weight"], d["articles"])
            for u, v, k, d in g.edges(keys=True, data=True)
            if d["kind"] == "co_occurs"
        ]
        assert sorted(got, key=lambda row: int(row[2].rsplit("-", 1)[1])) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), max_size=12), max_size=30), st.integers(4, 32))
def test_code_counts_count_what_a_counter_counts(chunks, fold_bytes):
    """CodeCounts (concept and top-concept article counts) at any folding point."""
    from array import array

    from kgraph.graph.counts import CodeCounts

    counts = CodeCounts(10)
    counts.FOLD_BYTES = fold_bytes
    for chunk in chunks:
        counts.add(array("i", chunk).tobytes())
    expected = Counter(c for chunk in chunks for c in chunk)
    assert counts.array().tolist() == [expected[c] for c in range(10)]
