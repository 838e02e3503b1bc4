"""Stage 5c: each article's most related articles as ``related`` edges, and
same-story copies as ``same_story`` edges, worked out from the finished graph
(:mod:`kgraph.graph.relatedness` scores them, :mod:`kgraph.graph.reasons`
explains them).

Everything is read from node and edge attributes (an article's ``terms``,
``word_count`` and ``feed``, its ``mentions``, ``wrote`` and ``links_to``
edges, the ``broader`` hierarchy), so a cold build, a cached build and a
loaded graph give the same edges and the same on-the-fly answers.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> for n, t in enumerate(["bucket:3 versioning:2", "bucket:2 replication:2", "channel:4"]):
...     g.add_node(f"article:{n}", kind="article", title=f"t{n}", terms=t, word_count=400, feed="f")
>>> add_related(g)
>>> [(u, v, d["score"], d["reasons"]) for u, v, d in g.edges(data=True)][:1]
[('article:0', 'article:1', 0.4159, '[["shared_terms", 0.2159, "", "bucket"], ["same_feed", 0.2, "f", ""]]')]
"""

from __future__ import annotations

import json
from collections import defaultdict
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

import networkx as nx
import numpy as np

from kgraph.graph.compact import CompactMultiDiGraph, shared_names
from kgraph.graph.reasons import explain_many, round4
from kgraph.graph.relatedness import Corpus, Doc, Weights
from kgraph.ingest.words import parse_many_terms

__all__ = ["RELATED_STORED", "add_related", "corpus_of", "decode_reasons", "encode_reasons"]

_RELATED = shared_names(("kind", "rank", "score", "shared", "reasons"))
_SAME_STORY = shared_names(("kind", "score"))

#: Related articles stored per article (``kg.related(k)`` beyond this computes).
RELATED_STORED = 10


def corpus_of(graph: nx.MultiDiGraph, weights: Weights | None = None) -> tuple[Corpus, list[str]]:
    """The relatedness corpus of ``graph``'s articles, and their node ids (its positions)."""
    attrs = graph.nodes
    articles = sorted(n for n, d in graph.nodes(data="kind") if d == "article")
    pos = {a: i for i, a in enumerate(articles)}
    concepts: dict[str, dict[str, float]] = defaultdict(dict)
    authors: dict[str, list[str]] = defaultdict(list)
    links: dict[str, list[int]] = defaultdict(list)
    parents: dict[str, list[str]] = defaultdict(list)
    for u, v, d in graph.edges(data=True):
        kind = d.get("kind")
        if kind == "mentions" and u in pos:
            cid = v.removeprefix("concept:")
            w = float(d.get("weight", 0.0) or 0.0)
            concepts[u][cid] = max(w, concepts[u].get(cid, 0.0))
        elif kind == "wrote" and v in pos:
            authors[v].append(u.removeprefix("author:"))
        elif kind == "links_to" and u in pos and v in pos:
            links[u].append(pos[v])
        elif kind == "broader":
            parents[u.removeprefix("concept:")].append(v.removeprefix("concept:"))
    terms = parse_many_terms(attrs[a].get("terms") for a in articles)
    docs = [
        Doc(
            str(attrs[a].get("title") or ""),
            terms[n],
            concepts.get(a, {}),
            str(attrs[a].get("feed") or ""),
            tuple(sorted(authors.get(a, ()))),
            int(attrs[a].get("word_count") or 0),
            tuple(sorted(set(links.get(a, ())))),
        )
        for n, a in enumerate(articles)
    ]
    return Corpus(docs, {c: sorted(p) for c, p in parents.items()}, weights), articles


def _refuse(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


#: the C encoder of ``json.dumps(..., ensure_ascii=False)`` (tuples as lists),
#: made once: ``json.dumps`` makes one for every call, a third of its time here
_ENCODE = (
    c_make_encoder(None, _refuse, encode_basestring, None, ": ", ", ", False, False, True)
    if c_make_encoder is not None
    else None
)


def encode_reasons(reasons: list[tuple[str, float, str, str]]) -> str:
    """Reasons (:func:`~kgraph.graph.relatedness.explain`) as an edge attribute (JSON).

    >>> encode_reasons([("same_feed", 0.2, "f", "")]) == json.dumps([["same_feed", 0.2, "f", ""]])
    True
    """
    if _ENCODE is None:
        return json.dumps([list(r) for r in reasons], ensure_ascii=False)
    return "".join(_ENCODE(reasons, 0))


def decode_reasons(value: object) -> list[tuple[str, float, str, str]]:
    """The reasons of a ``related`` edge attribute written by :func:`encode_reasons`."""
    try:
        rows = json.loads(str(value or "[]"))
    except ValueError:
        return []
    return [(str(k), float(w), str(key), str(detail)) for k, w, key, detail in rows]


def add_related(
    graph: nx.MultiDiGraph, k: int = RELATED_STORED, weights: Weights | None = None
) -> None:
    """Add to ``graph`` each article's ``k`` most related articles (``related``
    edges: ``rank`` 1..k, ``score`` in 0..1, ``shared`` concepts ``|``-joined,
    ``reasons`` as JSON) and a ``same_story`` edge (``score``: word cosine) per pair of copies;
    ``graph.graph["related_stored"] = k``."""
    corpus, articles = corpus_of(graph, weights)
    tops = corpus.all_top(k)
    first = [i for i, (best, _) in enumerate(tops) for _ in best]
    second = [j for best, _ in tops for j, _ in best]
    why = explain_many(
        corpus, np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
    )
    scores = round4(np.asarray([score for best, _ in tops for _, score in best], dtype=np.float64))
    ranks = [rank for best, _ in tops for rank in range(1, len(best) + 1)]
    related = [
        (
            articles[i],
            articles[j],
            f"related-{n}",
            (
                "related",
                rank,
                score,
                "|".join([key for kind, _, key, _ in reasons if kind == "shared_concept"]),
                encode_reasons(reasons),
            ),
        )
        for n, (i, j, rank, score, reasons) in enumerate(
            zip(first, second, ranks, scores, why, strict=True), 1
        )
    ]
    stories = [(i, j) for i, (_, copies) in enumerate(tops) for j in copies if i < j]
    copies = [
        (
            articles[i],
            articles[j],
            f"same_story-{n}",
            ("same_story", round(corpus.word_cosine(i, j), 4)),
        )
        for n, (i, j) in enumerate(stories, 1)
    ]
    if isinstance(graph, CompactMultiDiGraph):  # the build's graph: its bulk path
        graph.add_edges_fast(_RELATED, related)
        graph.add_edges_fast(_SAME_STORY, copies)
    else:
        for names, edges in ((_RELATED, related), (_SAME_STORY, copies)):
            for u, v, key, values in edges:
                graph.add_edge(u, v, key=key, **dict(zip(names, values, strict=True)))
    graph.graph["related_stored"] = k
