"""Benchmark of kgraph's queries: relatedness quality and speed (run on demand).

    python bench/bench_queries.py              # both parts, on the bundled samples
    python bench/bench_queries.py quality [FEED_OR_FOLDER...]
    python bench/bench_queries.py speed [--articles 50000]

Quality: for every article with resolvable author tags, rank the other
articles with ``kg.related(article, k=5)`` and with a plain TF-IDF cosine over
the article texts (scikit-learn; ``pip install -e .[bench]``), and score both
with nDCG@5 against the author tags: the graded relevance of a pair is the
number of tags they share once resolved to concepts (also shown: raw tag-slug
overlap). The tags are only the yardstick; ``related()`` never reads them.

Speed: a synthetic graph of N articles following the schema (real catalogue
concepts and hierarchy, Zipf-distributed mentions and authors, a few links)
is written as GraphML, loaded with ``kgraph.load`` and indexed; then
``related()`` and ``articles_about()`` are timed on random articles/concepts.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kgraph  # noqa: E402
from kgraph.graph.builder import article_node, concept_attrs  # noqa: E402
from kgraph.graph.related import RELATED_STORED, add_related  # noqa: E402
from kgraph.ingest.feeds import parse_feed  # noqa: E402
from kgraph.ingest.fetch import read_source  # noqa: E402
from kgraph.ingest.sources import default_sources, expand  # noqa: E402
from kgraph.ingest.text import to_text  # noqa: E402
from kgraph.ingest.words import format_terms  # noqa: E402
from kgraph.records import Limits  # noqa: E402

K = 5


# --------------------------------------------------------------------------- quality


def read_texts(inputs: Sequence[str]) -> dict[str, str]:
    """Article node id -> title + plain text, read the way ``kgraph.build`` reads."""
    texts: dict[str, str] = {}
    for src in expand(inputs):
        data, base = read_source(src, Limits())
        parsed = parse_feed(
            data, src.location, Limits(), base_url=base if src.kind == "url" else ""
        )
        for art in parsed.articles:
            node = article_node(art)
            if node not in texts:
                texts[node] = f"{art.title}\n\n{to_text(art).plain}"
    return texts


def tag_sets(graph: nx.MultiDiGraph) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per article: its tags resolved to concepts, and its raw tag slugs."""
    resolved: dict[str, set[str]] = defaultdict(set)
    raw: dict[str, set[str]] = defaultdict(set)
    for u, v, kind in graph.edges(data="kind"):
        if kind == "tagged":
            raw[u].add(v)
            concept = graph.nodes[v].get("concept") or ""
            if concept:
                resolved[u].add(concept)
    return resolved, raw


def ndcg(ranked: Sequence[str], gains: dict[str, float], k: int = K) -> float:
    """nDCG@k with linear gains; the ideal ranking is over every candidate."""
    dcg = sum(gains.get(a, 0.0) / math.log2(i + 2) for i, a in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def tfidf_ranker(texts: dict[str, str], articles: Sequence[str]) -> Callable[[str], list[str]]:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import linear_kernel
    except ImportError:
        sys.exit("scikit-learn is needed for the baseline: pip install -e '.[bench]'")
    docs = [texts.get(a, "") for a in articles]
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(docs)
    sims = linear_kernel(matrix)
    pos = {a: i for i, a in enumerate(articles)}

    def rank(a: str) -> list[str]:
        i = pos[a]
        order = sorted(range(len(articles)), key=lambda j: (-sims[i, j], articles[j]))
        return [articles[j] for j in order if j != i][:K]

    return rank


def quality(inputs: Sequence[str]) -> dict[str, float]:
    started = time.perf_counter()
    kg = kgraph.build(list(inputs))
    texts = read_texts(inputs)
    articles = sorted(kg.index.articles)
    resolved, raw = tag_sets(kg.graph)
    tfidf = tfidf_ranker(texts, articles)
    feed_of = {}
    for a in articles:
        feed = str(kg.graph.nodes[a].get("feed") or "")
        node = kg.graph.nodes.get(f"feed:{feed}", {})
        feed_of[a] = str(node.get("title") or Path(feed).name or feed)
    print(
        f"quality: {len(articles)} articles from {len(set(feed_of.values()))} feeds, "
        f"built in {time.perf_counter() - started:.1f}s"
    )
    results: dict[str, float] = {}
    for name, truth in (("resolved tags", resolved), ("raw tag slugs", raw)):
        scores: dict[str, list[float]] = defaultdict(list)
        per_feed: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for a in articles:
            gains = {
                b: float(len(truth.get(a, set()) & truth.get(b, set()))) for b in articles if b != a
            }
            gains = {b: g for b, g in gains.items() if g > 0}
            if not gains:
                continue
            ranked = {
                "kgraph": [h.article for h in kg.related(a, k=K)],
                "tfidf": tfidf(a),
            }
            for method, ranking in ranked.items():
                value = ndcg(ranking, gains)
                scores[method].append(value)
                per_feed[feed_of[a]][method].append(value)
        kg_mean = statistics.fmean(scores["kgraph"])
        tf_mean = statistics.fmean(scores["tfidf"])
        print(f"\n  nDCG@{K} against {name} ({len(scores['kgraph'])} query articles)")
        print(f"    kgraph related()  {kg_mean:.4f}")
        print(f"    TF-IDF cosine     {tf_mean:.4f}")
        print(f"    ratio             {kg_mean / tf_mean:.3f}")
        for feed, by in sorted(per_feed.items()):
            print(
                f"      {feed[:45]:45} n={len(by['kgraph']):3}  kgraph {statistics.fmean(by['kgraph']):.3f}"
                f"  tfidf {statistics.fmean(by['tfidf']):.3f}"
            )
        results[f"{name} kgraph"] = kg_mean
        results[f"{name} tfidf"] = tf_mean
    return results


def ablation(inputs: Sequence[str]) -> None:
    """nDCG@5 (resolved tags) of related() for other Scoring settings: what each
    signal is worth. The defaults are not fitted to this table."""
    from kgraph.query import GraphIndex, Scoring

    kg = kgraph.build(list(inputs))
    resolved, _ = tag_sets(kg.graph)
    articles = sorted(kg.index.articles)
    print("ablation: nDCG@5 against resolved tags")
    for decay in (0.0, 0.25, 0.5, 0.75):
        for author in (0.0, 0.05, 0.1):
            idx = GraphIndex(kg.graph, kg.catalogue, Scoring(decay=decay, author_bonus=author))
            values = []
            for a in articles:
                gains = {
                    b: float(len(resolved.get(a, set()) & resolved.get(b, set())))
                    for b in articles
                    if b != a
                }
                gains = {b: g for b, g in gains.items() if g > 0}
                if gains:
                    values.append(ndcg([h.article for h in idx.related(a, k=K)], gains))
            print(f"  decay {decay:4}  author_bonus {author:4}  {statistics.fmean(values):.4f}")


# --------------------------------------------------------------------------- speed


def synthetic_graph(n_articles: int, seed: int = 7) -> nx.MultiDiGraph:
    """A graph following the schema: real catalogue concepts and hierarchy,
    Zipf-popular mentions (5-15 per article), Zipf-prolific authors, 1% links."""
    rng = random.Random(seed)
    cat = kgraph.load_catalogue()
    concepts = sorted(cat.concepts)
    rng.shuffle(concepts)
    popularity = [1.0 / (rank + 1) ** 0.9 for rank in range(len(concepts))]
    g = nx.MultiDiGraph()
    g.graph.update(
        kgraph_version="bench", catalogue_version=cat.version, built="2026-01-01T00:00:00Z"
    )
    for cid in sorted(concepts):
        g.add_node(f"concept:{cid}", **concept_attrs(cat[cid]))
    count = 0
    for cid in sorted(concepts):
        for p in cat[cid].parents:
            count += 1
            g.add_edge(f"concept:{cid}", f"concept:{p}", key=f"broader-{count}", kind="broader")
    n_authors = max(n_articles // 25, 1)
    author_weights = [1.0 / (r + 1) for r in range(n_authors)]
    for i in range(n_authors):
        g.add_node(f"author:a{i}", kind="author", label=f"Author {i}", name=f"Author {i}")
    df: dict[str, int] = defaultdict(int)
    mention_no = 0
    # words: each article draws 300 from a Zipf vocabulary of 200,000 (the
    # 500 commonest left out, as stop words and max_df would) and keeps its
    # 64 most frequent, as kgraph.ingest.words does
    vocab = [f"w{r}" for r in range(200_000)]
    word_weights = list(itertools.accumulate(1.0 / (r + 500) for r in range(len(vocab))))
    for i in range(n_articles):
        node = f"article:https://bench.example/{i}"
        month = 1 + i % 12
        g.add_node(
            node,
            kind="article",
            label=f"Article {i}",
            url=f"https://bench.example/{i}",
            title=f"Article {i}",
            published=f"{2020 + i % 6}-{month:02d}-01T00:00:00Z",
            feed=f"bench-{i % 100}",
            word_count=800,
            summary="",
            terms=format_terms(
                tuple(
                    sorted(
                        Counter(rng.choices(vocab, cum_weights=word_weights, k=300)).items(),
                        key=lambda wc: (-wc[1], wc[0]),
                    )[:64]
                )
            ),
        )
        author = rng.choices(range(n_authors), author_weights)[0]
        g.add_edge(f"author:a{author}", node, key=f"wrote-{i}", kind="wrote")
        chosen = set(rng.choices(concepts, popularity, k=rng.randint(5, 15)))
        for cid in sorted(chosen):
            mention_no += 1
            df[cid] += 1
            g.add_edge(
                node,
                f"concept:{cid}",
                key=f"mentions-{mention_no}",
                kind="mentions",
                count=rng.randint(1, 20),
                weight=round(rng.uniform(0.28, 0.98), 3),
                evidence=f"Sentence about {cid}.",
                alias=cid,
            )
    for j in range(n_articles // 100):
        a, b = rng.sample(range(n_articles), 2)
        g.add_edge(
            f"article:https://bench.example/{a}",
            f"article:https://bench.example/{b}",
            key=f"links_to-{j}",
            kind="links_to",
        )
    for cid, n in df.items():
        g.nodes[f"concept:{cid}"]["article_count"] = n
    t = time.perf_counter()
    add_related(g)
    print(f"  related edges    {time.perf_counter() - t:6.1f} s ({RELATED_STORED} per article)")
    return g


def timed(func: Callable[[], object], repeat: int = 1) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t)
    return best


def summary_ms(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"median {statistics.median(ms):7.2f} ms  p95 {p95:7.2f} ms  max {ms[-1]:7.2f} ms"


def speed(n_articles: int, samples: int = 200, via_graphml: bool = True) -> dict[str, float]:
    rng = random.Random(1)
    t = time.perf_counter()
    g = synthetic_graph(n_articles)
    print(
        f"speed: synthetic graph, {n_articles:,} articles, {g.number_of_nodes():,} nodes, "
        f"{g.number_of_edges():,} edges, generated in {time.perf_counter() - t:.1f}s"
    )
    if via_graphml:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.graphml"
            t = time.perf_counter()
            kgraph.KnowledgeGraph(g).write_graphml(path)
            print(
                f"  write GraphML    {time.perf_counter() - t:6.1f} s ({path.stat().st_size / 1e6:.0f} MB)"
            )
            t = time.perf_counter()
            kg = kgraph.load(path)
            print(f"  kgraph.load()    {time.perf_counter() - t:6.1f} s")
    else:
        kg = kgraph.KnowledgeGraph(g)
    t = time.perf_counter()
    idx = kg.index
    print(f"  build index      {time.perf_counter() - t:6.1f} s (once per graph)")
    arts = rng.sample(idx.articles, samples)
    rel = [timed(lambda a=a: kg.related(a, k=5)) for a in arts]
    t = time.perf_counter()
    kg.related(arts[0], k=RELATED_STORED + 1)
    first = time.perf_counter() - t
    beyond = [timed(lambda a=a: kg.related(a, k=RELATED_STORED + 10)) for a in arts[:50]]
    cids = sorted(idx.postings)
    about_ids = rng.sample(cids, min(samples, len(cids)))
    names = [idx.concept_name(c) for c in about_ids]
    about = [timed(lambda c=c: kg.articles_about(c)) for c in names]
    sizes = [len(kg.articles_about(c)) for c in names]
    about20 = [timed(lambda c=c: kg.articles_about(c, limit=20)) for c in names]
    hub = max(cids, key=lambda c: idx.rolled_up_count(c))
    hub_all = timed(lambda: kg.articles_about(hub), repeat=3)
    hub_20 = timed(lambda: kg.articles_about(hub, limit=20), repeat=3)
    med_rel = statistics.median(rel) * 1000
    med_about = statistics.median(about) * 1000
    print(
        f"  related(k=5)              {summary_ms(rel)}   target 20 ms: median/target {med_rel / 20:.3f}"
    )
    print(
        f"  related(k={RELATED_STORED + 10}) computed    {summary_ms(beyond)}"
        f"   (after {first:.1f} s to index the words, once)"
    )
    print(
        f"  articles_about()          {summary_ms(about)}   target 10 ms: median/target {med_about / 10:.3f}"
    )
    print(
        f"    (returns a median of {statistics.median(sizes):,.0f} articles, max {max(sizes):,}; "
        f"{sum(about) / sum(sizes) * 1e6:.1f} µs per returned article)"
    )
    print(f"  articles_about(limit=20)  {summary_ms(about20)}")
    print(
        f"  largest roll-up: {idx.concept_name(hub)} ({idx.rolled_up_count(hub):,} articles): "
        f"all {hub_all * 1000:.1f} ms, limit=20 {hub_20 * 1000:.2f} ms"
    )
    return {"related_median_ms": med_rel, "articles_about_median_ms": med_about}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "part", nargs="?", choices=["quality", "ablation", "speed", "all"], default="all"
    )
    parser.add_argument(
        "feeds",
        nargs="*",
        help="feed files or folders for the quality part (default: the bundled samples)",
    )
    parser.add_argument("--articles", type=int, default=50_000, help="synthetic graph size")
    parser.add_argument(
        "--no-graphml", action="store_true", help="index the synthetic graph in memory"
    )
    args = parser.parse_args(argv)
    if args.part in ("quality", "all"):
        feeds = args.feeds or default_sources()
        quality(feeds)
        print()
    if args.part == "ablation":
        ablation(args.feeds or default_sources())
    if args.part in ("speed", "all"):
        speed(args.articles, via_graphml=not args.no_graphml)


if __name__ == "__main__":
    main()
