"""The straightforward pipeline of issue 7, for comparison with kgraph.

feedparser with its defaults, BeautifulSoup ``html.parser`` ``get_text()``,
and spaCy ``blank("en")`` + ``sentencizer`` + an ``EntityRuler`` with a phrase
pattern (matched on ``LOWER``) for every alias of the same catalogue kgraph
uses; mentions are counted per article into a networkx graph.

    python bench/naive.py FEED... [--limit 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
import networkx as nx
import spacy
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kgraph.catalogue.concepts import Catalogue
from kgraph.catalogue.load import load_catalogue


@dataclass
class NaiveResult:
    graph: nx.MultiDiGraph
    articles: int = 0
    words: int = 0
    #: seconds per stage: parse (feedparser), clean (BeautifulSoup), extract (spaCy), graph
    stage_seconds: dict[str, float] = field(
        default_factory=lambda: {"parse": 0.0, "clean": 0.0, "extract": 0.0, "graph": 0.0}
    )


def make_naive_nlp(catalogue: Catalogue) -> spacy.language.Language:
    """blank English + sentencizer + EntityRuler with every alias as a phrase pattern."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [
            {"label": concept.type, "pattern": alias, "id": concept.id}
            for concept in catalogue
            for alias in concept.all_aliases
        ]
    )
    return nlp


def naive_build(
    paths: Sequence[str | Path],
    catalogue: Catalogue | None = None,
    limit: int | None = None,
    nlp: spacy.language.Language | None = None,
) -> NaiveResult:
    """Build a graph (articles, concepts, ``mentions`` edges with counts) the naive way.

    ``nlp`` (from :func:`make_naive_nlp`) lets the caller keep the pipeline's
    set-up (~0.9 s for the catalogue's patterns) out of the timed part.
    """
    cat = catalogue or load_catalogue()
    nlp = nlp or make_naive_nlp(cat)
    result = NaiveResult(nx.MultiDiGraph())
    graph = result.graph
    secs = result.stage_seconds
    for path in paths:
        if limit is not None and result.articles >= limit:
            break
        t0 = time.perf_counter()
        parsed = feedparser.parse(str(path))
        secs["parse"] += time.perf_counter() - t0
        for entry in parsed.entries:
            if limit is not None and result.articles >= limit:
                break
            t0 = time.perf_counter()
            body = entry.content[0].value if "content" in entry else entry.get("summary", "")
            text = BeautifulSoup(body, "html.parser").get_text(" ")
            t1 = time.perf_counter()
            doc = nlp(f"{entry.get('title', '')}\n\n{text}")
            counts = Counter(ent.ent_id_ for ent in doc.ents)
            t2 = time.perf_counter()
            art = f"article:{entry.get('id') or entry.get('link')}"
            graph.add_node(art, kind="article", title=entry.get("title", ""))
            for concept, n in counts.items():
                graph.add_node(f"concept:{concept}", kind="concept")
                graph.add_edge(art, f"concept:{concept}", kind="mentions", count=n)
            t3 = time.perf_counter()
            secs["clean"] += t1 - t0
            secs["extract"] += t2 - t1
            secs["graph"] += t3 - t2
            result.articles += 1
            result.words += len(text.split())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("feeds", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, help="stop after this many articles")
    args = parser.parse_args()
    paths = sorted(p for f in args.feeds for p in (sorted(f.glob("*.xml")) if f.is_dir() else [f]))
    started = time.perf_counter()
    res = naive_build(paths, limit=args.limit)
    secs = time.perf_counter() - started
    print(
        f"naive: {res.articles} articles, {res.words} words in {secs:.1f}s "
        f"({res.articles / secs:.1f} articles/s, {res.words / secs:,.0f} words/s); "
        f"{res.graph.number_of_edges()} mention edges; "
        + ", ".join(f"{k} {v:.1f}s" for k, v in res.stage_seconds.items())
    )


if __name__ == "__main__":
    main()
