"""Stage 6: answer questions about a built graph, fast and with reasons.

:class:`GraphIndex` is built once from a ``networkx.MultiDiGraph`` that follows
the schema in DESIGN.md. It reads only node and edge attributes (plus,
optionally, the concept catalogue to resolve free-form concept names), so a
graph just built and the same graph loaded from GraphML give the same answers.

Relatedness is a cosine over concept vectors: each article's mentioned
concepts, weighted by salience, are expanded to their broader concepts
(damped by ``Scoring.decay`` per level) and weighted by IDF, so rare shared
concepts count more than hubs such as AWS, and two articles about S3
replication and S3 versioning meet at Amazon S3. Direct links between the
articles add ``Scoring.link_bonus`` and a shared author ``Scoring.author_bonus``
(only on top of some shared concept). Every score is split into its reasons.

>>> g = tiny_graph()
>>> idx = GraphIndex(g)
>>> [r.title for r in idx.related("Replication", k=2)]
['S3 versioning', 'Lambda layers']
>>> idx.related("Replication", k=1)[0].reasons[0].concept
'amazon-s3'
>>> [(a.title, a.matched) for a in idx.articles_about("Amazon Web Services")]
[('Lambda layers', 'aws-lambda'), ('S3 replication', 'amazon-s3'), ('S3 versioning', 'amazon-s3')]
"""

from __future__ import annotations

import difflib
import heapq
import itertools
import logging
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from .catalogue import Catalogue, normalise
from .errors import QueryError
from .graph import normalise_url
from .related_edges import corpus_of, decode_reasons
from .relatedness import Corpus, Weights, explain

__all__ = [
    "MAP_PALETTE",
    "ArticleHit",
    "ArticleRef",
    "Community",
    "ConceptCard",
    "ConceptHit",
    "ConceptPath",
    "ConceptRef",
    "GraphIndex",
    "MonthCount",
    "Neighbour",
    "PathStep",
    "Reason",
    "Related",
    "Rising",
    "Scoring",
    "Timeline",
    "TopConcept",
    "concept_map",
    "tiny_graph",
    "write_concept_map",
]

LOGGER = logging.getLogger(__name__)

#: Community colours of the concept map (colour-blind-safe first, then more).
MAP_PALETTE = (
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (240, 228, 66),
    (120, 94, 240),
    (100, 143, 255),
    (254, 97, 0),
    (128, 128, 128),
    (153, 79, 0),
)


# --------------------------------------------------------------------------- results


class _Result:
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the stable ``--json`` format)."""
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class ArticleRef(_Result):
    """An article, as results name it: node id, title, URL and date."""

    article: str
    title: str
    url: str
    published: str


@dataclass(frozen=True, slots=True)
class ConceptRef(_Result):
    """A concept, as results name it: id (no ``concept:`` prefix) and name."""

    concept: str
    name: str


@dataclass(frozen=True, slots=True)
class Reason(_Result):
    """One part of a relatedness score.

    ``kind`` is ``shared_concept`` (both articles mention it), ``broader_concept``
    (they meet at it through the hierarchy; ``detail``: ``via`` the concepts
    they mention), ``shared_terms`` (``detail``: the distinctive words both
    use, most telling first), ``links_to`` / ``linked_from`` (a direct link),
    ``same_author`` or ``same_feed`` (``detail``: who or which). ``weight`` is
    its part of the score.
    """

    kind: str
    weight: float
    concept: str = ""
    name: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Related(_Result):
    """An article related to the query article, with its score and reasons."""

    article: str
    title: str
    url: str
    score: float
    shared: list[str] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    published: str = ""


@dataclass(frozen=True, slots=True)
class ArticleHit(_Result):
    """An article about a concept: ``matched`` is the concept it mentions (the
    query concept or a narrower one, reached through ``via``), ``weight`` the
    salience of that mention and ``evidence`` a sentence showing it."""

    article: str
    title: str
    url: str
    published: str
    matched: str
    matched_name: str
    weight: float
    via: list[str] = field(default_factory=list)
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ConceptHit(_Result):
    """A concept an article mentions, with the mention's salience and evidence."""

    concept: str
    name: str
    type: str
    weight: float
    count: int
    alias: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Neighbour(_Result):
    """A concept near another: ``relation`` (``broader``, ``narrower`` or
    ``co_occurs``) links it to ``via`` at ``depth`` steps from the start."""

    concept: str
    name: str
    relation: str
    depth: int
    via: str
    weight: float = 1.0
    articles: int = 0


@dataclass(frozen=True, slots=True)
class PathStep(_Result):
    """One node of a path; ``relation`` is how it is reached from the previous
    node (empty for the first) and ``evidence`` the sentence behind a mention."""

    node: str
    kind: str
    label: str
    relation: str = ""
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ConceptPath(_Result):
    """The cheapest connection between two concepts through articles and the
    concept hierarchy; ``cost`` is lower for salient mentions."""

    source: str
    target: str
    cost: float
    steps: list[PathStep]

    def explain(self) -> str:
        """One line: ``Go -[mentioned in]-> "Title" -[mentions]-> Amazon EC2``."""
        parts = [self.steps[0].label] if self.steps else []
        for step in self.steps[1:]:
            label = f'"{step.label}"' if step.kind == "article" else step.label
            parts.append(f"-[{step.relation}]-> {label}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class TopConcept(_Result):
    """A concept with the number of articles mentioning it (``articles``), with
    its narrower concepts rolled up (``rolled_up``) and its PageRank."""

    concept: str
    name: str
    type: str
    articles: int
    rolled_up: int
    pagerank: float


@dataclass(frozen=True, slots=True)
class Community(_Result):
    """A cluster of concepts of the concept map, labelled by its top concepts."""

    id: int
    label: str
    size: int
    concepts: list[str]
    colour: str


@dataclass(frozen=True, slots=True)
class MonthCount(_Result):
    month: str
    articles: int


@dataclass(frozen=True, slots=True)
class Timeline(_Result):
    """Articles about a concept (narrower ones included) per month ``YYYY-MM``;
    months without any are listed with 0; ``undated`` have no date."""

    concept: str
    name: str
    total: int
    undated: int
    months: list[MonthCount]


@dataclass(frozen=True, slots=True)
class Rising(_Result):
    """A concept whose share of articles grew: ``recent``/``earlier`` article
    counts in the last ``window`` months versus before, and the share ratio."""

    concept: str
    name: str
    recent: int
    earlier: int
    growth: float


@dataclass(frozen=True, slots=True)
class ConceptCard(_Result):
    """Everything ``kgraph show`` prints about one concept."""

    concept: str
    name: str
    type: str
    url: str
    aliases: list[str]
    parents: list[ConceptRef]
    children: list[ConceptRef]
    articles: int
    rolled_up: int
    top_articles: list[ArticleHit]
    neighbours: list[Neighbour]


@dataclass(frozen=True, slots=True)
class Scoring:
    """Knobs of :meth:`GraphIndex.related` (defaults measured in bench/)."""

    #: weight kept per step up the concept hierarchy (0 = no expansion)
    decay: float = 0.5
    #: added when one article links to the other
    link_bonus: float = 0.15
    #: added for a shared author, only on top of a shared concept
    author_bonus: float = 0.05


# --------------------------------------------------------------------------- index


@dataclass(frozen=True, slots=True)
class _Rollup:
    """Articles about one concept, best first: positions into
    ``GraphIndex.articles``, salience, matched concept (position in ``parts``)
    and evidence, as parallel arrays."""

    parts: list[str]
    arts: np.ndarray
    weights: np.ndarray
    matched: np.ndarray
    evidence: np.ndarray


def _split(value: Any) -> list[str]:
    return [p for p in str(value or "").split("|") if p]


def _cid(node: str) -> str:
    return node.removeprefix("concept:")


class GraphIndex:
    """Indexes over a kgraph graph, built once; every query is a lookup.

    ``catalogue`` (optional) lets free-form names such as ``"S3-bucket"``
    resolve through :meth:`Catalogue.resolve`; ids, names and the aliases stored
    on concept nodes work without it.

    >>> idx = GraphIndex(tiny_graph())
    >>> idx.resolve_concept("S3"), idx.resolve_article("https://e.org/repl")
    ('amazon-s3', 'article:https://e.org/repl')
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        catalogue: Catalogue | None = None,
        scoring: Scoring | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.graph = graph
        self.catalogue = catalogue
        self.scoring = scoring or Scoring()
        self._read_nodes(graph)
        self._read_edges(graph)
        self._build_vectors()
        self._build_rollups()
        self._pagerank: dict[str, float] | None = None
        self.weights = weights
        self._related_corpus: tuple[Corpus, list[str]] | None = None

    # ---- reading the graph

    def _read_nodes(self, graph: nx.MultiDiGraph) -> None:
        self.articles: list[str] = []
        self.article_attrs: dict[str, dict[str, Any]] = {}
        self.concept_attrs: dict[str, dict[str, Any]] = {}
        for node, d in graph.nodes(data=True):
            kind = d.get("kind")
            if kind == "article":
                self.article_attrs[node] = d
            elif kind == "concept":
                self.concept_attrs[_cid(node)] = d
        self.articles = sorted(self.article_attrs)
        self.art_index = {a: i for i, a in enumerate(self.articles)}
        self.by_url: dict[str, str] = {}
        for a in self.articles:
            url = str(self.article_attrs[a].get("url") or "")
            if url:
                self.by_url.setdefault(normalise_url(url), a)
        self.alias_index: dict[str, set[str]] = defaultdict(set)
        self.name_index: dict[str, str] = {}
        for cid, d in sorted(self.concept_attrs.items()):
            self.name_index.setdefault(normalise(cid), cid)
            self.name_index.setdefault(normalise(str(d.get("name") or cid)), cid)
            for alias in _split(d.get("aliases")):
                self.alias_index[normalise(alias)].add(cid)

    def _read_edges(self, graph: nx.MultiDiGraph) -> None:
        # article -> concept -> (weight, count, evidence, alias)
        self.mentions: dict[str, dict[str, tuple[float, int, str, str]]] = defaultdict(dict)
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.children: dict[str, set[str]] = defaultdict(set)
        self.co_occurs: dict[str, dict[str, tuple[float, int]]] = defaultdict(dict)
        self.links_out: dict[str, set[str]] = defaultdict(set)
        self.links_in: dict[str, set[str]] = defaultdict(set)
        self.authors_of: dict[str, set[str]] = defaultdict(set)
        self.articles_by: dict[str, set[str]] = defaultdict(set)
        for u, v, d in graph.edges(data=True):
            kind = d.get("kind")
            if kind == "mentions" and u in self.article_attrs and _cid(v) in self.concept_attrs:
                cid = _cid(v)
                entry = (
                    float(d.get("weight", 0.0) or 0.0),
                    int(d.get("count", 1) or 1),
                    str(d.get("evidence") or ""),
                    str(d.get("alias") or ""),
                )
                old = self.mentions[u].get(cid)
                if old is None or entry > old:
                    self.mentions[u][cid] = entry
            elif kind == "broader":
                self.parents[_cid(u)].add(_cid(v))
                self.children[_cid(v)].add(_cid(u))
            elif kind == "co_occurs":
                w = float(d.get("weight", 0.0) or 0.0)
                n = int(d.get("articles", 0) or 0)
                self.co_occurs[_cid(u)][_cid(v)] = (w, n)
                self.co_occurs[_cid(v)][_cid(u)] = (w, n)
            elif kind == "links_to" and u in self.article_attrs and v in self.article_attrs:
                self.links_out[u].add(v)
                self.links_in[v].add(u)
            elif kind == "wrote" and v in self.article_attrs:
                self.authors_of[v].add(u)
                self.articles_by[u].add(v)
        # postings: concept -> [(article, weight)] by salience, best first
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for a in self.articles:
            for cid, (w, *_rest) in self.mentions.get(a, {}).items():
                self.postings[cid].append((a, w))
        for plist in self.postings.values():
            plist.sort(key=lambda p: (-p[1], p[0]))

    def _expand(self, article: str) -> dict[str, tuple[float, str]]:
        """Concept -> (value, direct concept it comes from) for one article:
        its mentions (value = salience) and their broader concepts, damped."""
        decay = self.scoring.decay
        out: dict[str, tuple[float, str]] = {
            cid: (m[0], cid) for cid, m in sorted(self.mentions.get(article, {}).items())
        }
        if decay <= 0:
            return out
        frontier = sorted(out.items())
        while frontier:
            nxt = []
            for cid, (val, src) in frontier:
                for p in sorted(self.parents.get(cid, ())):
                    pv = val * decay
                    if pv > out.get(p, (0.0, ""))[0] + 1e-12:
                        out[p] = (pv, src)
                        nxt.append((p, (pv, src)))
            frontier = nxt
        return out

    def _build_vectors(self) -> None:
        n = len(self.articles)
        expanded = [self._expand(a) for a in self.articles]
        df: Counter[str] = Counter()
        for vec in expanded:
            df.update(vec.keys())
        self.concept_ids = sorted(set(df) | set(self.concept_attrs))
        self.idf = {c: math.log((1 + n) / (1 + df[c])) for c in df}
        cols: dict[str, list[int]] = defaultdict(list)
        vals: dict[str, list[float]] = defaultdict(list)
        self.rows: list[dict[str, float]] = []
        for i, vec in enumerate(expanded):
            row = {c: v * self.idf[c] for c, (v, _src) in vec.items() if self.idf[c] > 0}
            norm = math.sqrt(sum(x * x for x in row.values())) or 1.0
            row = {c: x / norm for c, x in row.items()}
            self.rows.append(row)
            for c, x in row.items():
                cols[c].append(i)
                vals[c].append(x)
        self.post_idx = {c: np.asarray(cols[c], dtype=np.int64) for c in cols}
        self.post_val = {c: np.asarray(vals[c], dtype=np.float64) for c in cols}
        # concept -> article positions and salience, best first (articles_about)
        self.mention_arts = {
            c: np.asarray([self.art_index[a] for a, _ in p], dtype=np.int64)
            for c, p in self.postings.items()
        }
        self.mention_weights = {
            c: np.asarray([w for _, w in p], dtype=np.float64) for c, p in self.postings.items()
        }
        self.mention_evidence = {
            c: np.asarray([self.mentions[a][c][2] for a, _ in p], dtype=object)
            for c, p in self.postings.items()
        }
        self.article_info = [
            (
                str(self.article_attrs[a].get("title") or ""),
                str(self.article_attrs[a].get("url") or ""),
                str(self.article_attrs[a].get("published") or ""),
            )
            for a in self.articles
        ]
        self.author_idx = {
            au: np.asarray(sorted(self.art_index[a] for a in arts), dtype=np.int64)
            for au, arts in self.articles_by.items()
        }

    # ---- naming things

    def _ref(self, article: str) -> ArticleRef:
        d = self.article_attrs[article]
        return ArticleRef(
            article,
            str(d.get("title") or ""),
            str(d.get("url") or ""),
            str(d.get("published") or ""),
        )

    def concept_name(self, cid: str) -> str:
        """Display name of a concept id (the id itself if the graph has no name)."""
        return str(self.concept_attrs.get(cid, {}).get("name") or cid)

    def resolve_article(self, name: str) -> str:
        """The article node named by a node id, URL, guid or title fragment.

        Raises :class:`QueryError` with the closest titles when no article or
        more than one matches.
        """
        text = name.strip()
        if not text:
            raise QueryError("no article named: give a URL, guid or part of a title")
        for cand in (text, f"article:{text}"):
            if cand in self.article_attrs:
                return cand
        by_url = self.by_url.get(normalise_url(text))
        if by_url:
            return by_url
        needle = text.casefold()
        titles = {a: str(self.article_attrs[a].get("title") or "") for a in self.articles}
        exact = [a for a, t in titles.items() if t.casefold() == needle]
        if len(exact) == 1:
            return exact[0]
        found = exact or [a for a, t in titles.items() if needle in t.casefold()]
        if len(found) == 1:
            return found[0]
        if found:
            shown = "; ".join(
                f'"{titles[a]}" ({self.article_attrs[a].get("url") or a})' for a in found[:5]
            )
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            raise QueryError(
                f"{text!r} matches {len(found)} articles: {shown}{more}; "
                "give more of the title or the URL"
            )
        by_title = {t.casefold(): t for t in titles.values() if t}
        close = difflib.get_close_matches(needle, list(by_title), n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(repr(by_title[c]) for c in close)}?" if close else ""
        raise QueryError(
            f"no article matches {text!r} (by URL, guid or title){hint} "
            "List articles with `kgraph articles CONCEPT`."
        )

    def resolve_concept(self, name: str) -> str:
        """The concept id named by an id, name or alias (case-insensitive), or
        anything the catalogue resolves (``"#golang"``, ``"S3-bucket"``).

        Raises :class:`QueryError` with the closest names when no concept of
        this graph matches, or an alias names several.
        """
        text = name.strip().removeprefix("concept:")
        key = normalise(text)
        if not key:
            raise QueryError("no concept named: give a concept id, name or alias")
        for cand in (key, key.replace(" ", "-"), key.replace("-", " ")):
            if cand in self.name_index:
                return self.name_index[cand]
        matches = sorted(
            set().union(*(self.alias_index.get(c, set()) for c in (key, key.replace("-", " "))))
        )
        resolved = self._catalogue_lookup(text)
        if len(matches) == 1:
            return matches[0]
        if resolved and (resolved in matches or (not matches and resolved in self.concept_attrs)):
            return resolved
        if matches:
            names = ", ".join(f"{self.concept_name(c)} ({c})" for c in matches)
            raise QueryError(f"{text!r} names several concepts: {names}; use one of the ids")
        if resolved:
            raise QueryError(
                f"{text!r} is the catalogue concept {resolved!r}, but no article in this graph "
                "mentions it"
            )
        choices: dict[str, str] = {}
        for cid, d in self.concept_attrs.items():
            for label in (cid, str(d.get("name") or ""), *_split(d.get("aliases"))):
                if label:
                    choices.setdefault(label.casefold(), self.concept_name(cid))
        close = difflib.get_close_matches(text.casefold(), list(choices), n=6, cutoff=0.6)
        names = list(dict.fromkeys(choices[c] for c in close))[:3]
        hint = f"; did you mean {', '.join(repr(n) for n in names)}?" if names else ""
        raise QueryError(
            f"no concept {text!r} in this graph{hint} List concepts with `kgraph concepts`."
        )

    def _catalogue_lookup(self, text: str) -> str:
        """The catalogue concept ``text`` names as a whole (an alias, its
        CamelCase split or a spelling variant), or ``""``. Unlike
        :meth:`Catalogue.resolve` it does not pick an alias *inside* the text:
        "Amazon S4" must not silently become Amazon."""
        cat = self.catalogue
        if cat is None:
            return ""
        for key in dict.fromkeys([normalise(text), normalise(text, split_camel=True)]):
            for cand in (key, key.replace("-", " "), key.replace(" ", "-")):
                if cand in cat.index:
                    return cat.index[cand]
                if cand in cat.ambiguous_index:
                    return cat.ambiguous_index[cand][0][0]
        return ""

    # ---- queries

    def related(self, article: str, k: int = 5) -> list[Related]:
        """The ``k`` articles most related to ``article``, best first, each with
        its score (0..1) and reasons (:mod:`kgraph.relatedness`). Same-story
        copies are left out; articles with nothing in common too.

        A built or loaded graph holds each article's best
        ``graph.graph["related_stored"]`` as ``related`` edges: up to that
        ``k`` they are read, beyond it the answer is computed (the same way).
        """
        a = self.resolve_article(article)
        if k <= 0:
            return []
        stored = int(self.graph.graph.get("related_stored", 0) or 0)
        if k <= stored:
            edges = sorted(
                (int(d.get("rank", 0)), v, d)
                for _, v, d in self.graph.out_edges(a, data=True)
                if d.get("kind") == "related"
            )[:k]
            return [
                self._related(v, float(d.get("score", 0.0)), decode_reasons(d.get("reasons")))
                for _, v, d in edges
            ]
        corpus, articles = self._corpus()
        i = self.art_index[a]
        return [
            self._related(articles[j], score, explain(corpus, i, j))
            for j, score in corpus.top(i, k)
        ]

    def same_story(self, article: str) -> list[ArticleRef]:
        """The copies of ``article`` (cross-posts, the same post in two feeds)."""
        a = self.resolve_article(article)
        out = {
            v if u == a else u
            for u, v, d in (*self.graph.out_edges(a, data=True), *self.graph.in_edges(a, data=True))
            if d.get("kind") == "same_story"
        }
        return [self._ref(b) for b in sorted(out)]

    def _corpus(self) -> tuple[Corpus, list[str]]:
        if self._related_corpus is None:
            self._related_corpus = corpus_of(self.graph, self.weights)
        return self._related_corpus

    def _related(self, b: str, score: float, reasons: list[tuple[str, float, str, str]]) -> Related:
        out = []
        for kind, weight, key, detail in reasons:
            if kind in ("shared_concept", "broader_concept"):
                via = ", ".join(self.concept_name(c) for c in detail.split("|") if c)
                out.append(
                    Reason(kind, weight, key, self.concept_name(key), f"via {via}" if via else "")
                )
            elif kind == "shared_terms":
                out.append(Reason(kind, weight, detail=", ".join(detail.split("|"))))
            elif kind == "same_author":
                node = self.graph.nodes.get(f"author:{key}", {})
                out.append(Reason(kind, weight, detail=str(node.get("label") or key)))
            elif kind == "same_feed":
                node = self.graph.nodes.get(f"feed:{key}", {})
                out.append(Reason(kind, weight, detail=str(node.get("title") or key)))
            else:
                out.append(Reason(kind, weight))
        ref = self._ref(b)
        shared = [r.concept for r in out if r.kind == "shared_concept"]
        return Related(b, ref.title, ref.url, round(score, 4), shared, out, ref.published)

    def concepts_of(self, article: str) -> list[ConceptHit]:
        """The concepts an article mentions, most salient first."""
        a = self.resolve_article(article)
        hits = []
        for cid, (w, count, evidence, alias) in self.mentions.get(a, {}).items():
            d = self.concept_attrs.get(cid, {})
            hits.append(
                ConceptHit(
                    cid, self.concept_name(cid), str(d.get("type") or ""), w, count, alias, evidence
                )
            )
        hits.sort(key=lambda h: (-h.weight, h.concept))
        return hits

    def descendants(self, cid: str) -> dict[str, list[str]]:
        """Narrower concepts of ``cid`` (transitively), each with its path up to ``cid``."""
        out: dict[str, list[str]] = {cid: [cid]}
        queue = [cid]
        while queue:
            nxt = []
            for c in queue:
                for child in sorted(self.children.get(c, ())):
                    if child not in out:
                        out[child] = [child, *out[c]]
                        nxt.append(child)
            queue = nxt
        return out

    def articles_about(
        self, concept: str, narrower: bool = True, limit: int | None = None
    ) -> list[ArticleHit]:
        """Articles mentioning ``concept`` (any alias), with narrower concepts
        rolled up when ``narrower``; most salient first; at most ``limit``.
        The order is precomputed: a call only builds the results it returns."""
        cid = self.resolve_concept(concept)
        roll = self._rollups[cid] if narrower else self._direct_rollup(cid)
        stop = len(roll.arts) if limit is None else max(min(limit, len(roll.arts)), 0)
        scope = self.descendants(cid) if narrower else {cid: [cid]}
        vias = [scope[c] for c in roll.parts]
        names = [self.concept_name(c) for c in roll.parts]
        info, articles, parts = self.article_info, self.articles, roll.parts
        return [
            ArticleHit(articles[i], *info[i], parts[m], names[m], w, vias[m], ev)
            for i, w, m, ev in zip(
                roll.arts[:stop].tolist(),
                roll.weights[:stop].tolist(),
                roll.matched[:stop].tolist(),
                roll.evidence[:stop].tolist(),
                strict=True,
            )
        ]

    def _direct_rollup(self, cid: str) -> _Rollup:
        arts = self.mention_arts.get(cid, np.zeros(0, dtype=np.int64))
        return _Rollup(
            [cid],
            arts,
            self.mention_weights.get(cid, np.zeros(0)),
            np.zeros(len(arts), dtype=np.int64),
            self.mention_evidence.get(cid, np.zeros(0, dtype=object)),
        )

    def _build_rollups(self) -> None:
        """For every concept, its articles with the narrower concepts' merged in:
        ordered by salience, then article id; each article once, with its best
        match (the concept itself on a tie)."""
        self._rollups: dict[str, _Rollup] = {}
        for cid in self.concept_ids:
            parts = [cid, *sorted(c for c in self.descendants(cid) if c != cid)]
            rolls = [self._direct_rollup(c) for c in parts]
            arts = np.concatenate([r.arts for r in rolls])
            weights = np.concatenate([r.weights for r in rolls])
            evidence = np.concatenate([r.evidence for r in rolls])
            matched = np.concatenate(
                [np.full(len(r.arts), i, dtype=np.int64) for i, r in enumerate(rolls)]
            )
            if len(parts) > 1:
                # matched position 0 is the concept itself: direct matches win ties
                order = np.lexsort((matched, arts, -weights))
                _, first = np.unique(arts[order], return_index=True)
                keep = order[np.sort(first)]
                arts, weights, matched, evidence = (
                    arts[keep],
                    weights[keep],
                    matched[keep],
                    evidence[keep],
                )
            self._rollups[cid] = _Rollup(parts, arts, weights, matched, evidence)

    def neighbours(self, concept: str, depth: int = 1) -> list[Neighbour]:
        """Concepts within ``depth`` steps of ``concept`` through broader,
        narrower and co-occurrence edges; nearest first, then by relation
        (broader, narrower, co_occurs) and weight."""
        start = self.resolve_concept(concept)
        seen = {start}
        frontier = [start]
        out: list[Neighbour] = []
        order = {"broader": 0, "narrower": 1, "co_occurs": 2}
        for level in range(1, max(depth, 0) + 1):
            found: dict[str, Neighbour] = {}
            for c in frontier:
                cands = [(p, "broader", 1.0, 0) for p in self.parents.get(c, ())]
                cands += [(ch, "narrower", 1.0, 0) for ch in self.children.get(c, ())]
                cands += [(o, "co_occurs", w, n) for o, (w, n) in self.co_occurs.get(c, {}).items()]
                for other, rel, w, n in cands:
                    if other in seen or other not in self.concept_attrs:
                        continue
                    nb = Neighbour(other, self.concept_name(other), rel, level, c, w, n)
                    old = found.get(other)
                    if old is None or (order[rel], -w, c) < (
                        order[old.relation],
                        -old.weight,
                        old.via,
                    ):
                        found[other] = nb
            level_list = sorted(
                found.values(), key=lambda x: (order[x.relation], -x.weight, x.concept)
            )
            out.extend(level_list)
            seen.update(found)
            frontier = sorted(found)
        return out

    def path(self, a: str, b: str) -> ConceptPath | None:
        """Cheapest path between two concepts through articles (mention edges,
        cheaper the more salient), the hierarchy and article links; None if
        they are not connected. Ties are broken by node id, so the answer does
        not depend on the order the graph was built in."""
        src, dst = f"concept:{self.resolve_concept(a)}", f"concept:{self.resolve_concept(b)}"
        if src == dst:
            return ConceptPath(_cid(src), _cid(dst), 0.0, [self._step(src, "", "")])
        dist = {src: 0.0}
        prev: dict[str, tuple[str, str, str]] = {}
        heap = [(0.0, src)]
        done: set[str] = set()
        while heap:
            d, node = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            if node == dst:
                break
            for other, cost, rel, ev in self._path_edges(node):
                nd = round(d + cost, 9)
                if other not in done and nd < dist.get(other, math.inf):
                    dist[other] = nd
                    prev[other] = (node, rel, ev)
                    heapq.heappush(heap, (nd, other))
        if dst not in done:
            return None
        steps = []
        node = dst
        while node != src:
            p, rel, ev = prev[node]
            steps.append(self._step(node, rel, ev))
            node = p
        steps.append(self._step(src, "", ""))
        return ConceptPath(_cid(src), _cid(dst), round(dist[dst], 4), steps[::-1])

    def _path_edges(self, node: str) -> Iterable[tuple[str, float, str, str]]:
        if node.startswith("concept:"):
            cid = _cid(node)
            for a, w in self.postings.get(cid, ()):
                yield a, 1.5 - w, "mentioned in", self.mentions[a][cid][2]
            for p in self.parents.get(cid, ()):
                yield f"concept:{p}", 1.0, "broader", ""
            for ch in self.children.get(cid, ()):
                yield f"concept:{ch}", 1.0, "narrower", ""
        else:
            for cid, m in self.mentions.get(node, {}).items():
                yield f"concept:{cid}", 1.5 - m[0], "mentions", m[2]
            for b in self.links_out.get(node, ()):
                yield b, 1.0, "links to", ""
            for b in self.links_in.get(node, ()):
                yield b, 1.0, "linked from", ""

    def _step(self, node: str, relation: str, evidence: str) -> PathStep:
        if node.startswith("concept:"):
            return PathStep(node, "concept", self.concept_name(_cid(node)), relation, evidence)
        return PathStep(node, "article", self._ref(node).title or node, relation, evidence)

    def pagerank(self) -> dict[str, float]:
        """PageRank of concepts on the article–concept graph (mentions weighted
        by salience, broader edges weight 1), computed once."""
        if self._pagerank is None:
            nodes = [*self.articles, *(f"concept:{c}" for c in self.concept_ids)]
            pos = {n: i for i, n in enumerate(nodes)}
            src: list[int] = []
            dst: list[int] = []
            wts: list[float] = []
            for a in self.articles:
                for cid, m in self.mentions.get(a, {}).items():
                    src.append(pos[a])
                    dst.append(pos[f"concept:{cid}"])
                    wts.append(m[0])
            for c in self.concept_ids:
                for p in self.parents.get(c, ()):
                    if f"concept:{p}" in pos:
                        src.append(pos[f"concept:{c}"])
                        dst.append(pos[f"concept:{p}"])
                        wts.append(1.0)
            pr = _pagerank(len(nodes), src, dst, wts)
            self._pagerank = {c: float(pr[pos[f"concept:{c}"]]) for c in self.concept_ids}
        return self._pagerank

    def top_concepts(self, n: int = 20, by: str = "articles") -> list[TopConcept]:
        """The ``n`` top concepts ``by`` article count (``articles``), rolled-up
        article count (``rolled_up``) or ``pagerank``."""
        if by not in ("articles", "rolled_up", "pagerank"):
            raise QueryError(f"cannot rank concepts by {by!r}; use articles, rolled_up or pagerank")
        pr = self.pagerank()
        out = [
            TopConcept(
                c,
                self.concept_name(c),
                str(self.concept_attrs.get(c, {}).get("type") or ""),
                len(self.postings.get(c, ())),
                self.rolled_up_count(c),
                round(pr.get(c, 0.0), 6),
            )
            for c in self.concept_attrs
        ]
        out.sort(key=lambda t: (-getattr(t, by), -t.articles, t.concept))
        return out[:n]

    def rolled_up_count(self, cid: str) -> int:
        """Articles mentioning ``cid`` or any narrower concept."""
        arts: set[str] = set()
        for c in self.descendants(cid):
            arts.update(a for a, _ in self.postings.get(c, ()))
        return len(arts)

    def timeline(self, concept: str, narrower: bool = True) -> Timeline:
        """Articles about ``concept`` per month, gaps filled with 0."""
        cid = self.resolve_concept(concept)
        hits = self.articles_about(cid, narrower=narrower)
        months = Counter(h.published[:7] for h in hits if len(h.published) >= 7)
        undated = sum(1 for h in hits if len(h.published) < 7)
        return Timeline(cid, self.concept_name(cid), len(hits), undated, _fill_months(months))

    def rising(self, n: int = 10, window: int = 6, min_recent: int = 2) -> list[Rising]:
        """Concepts whose share of articles in the last ``window`` months (up to
        the newest article) grew most against the months before."""
        dated = {a: str(d.get("published") or "")[:7] for a, d in self.article_attrs.items()}
        dated = {a: m for a, m in dated.items() if len(m) == 7}
        if not dated:
            return []
        last = max(dated.values())
        y, mo = int(last[:4]), int(last[5:7])
        start_idx = y * 12 + mo - 1 - (window - 1)
        cut = f"{start_idx // 12:04d}-{start_idx % 12 + 1:02d}"
        recent_total = sum(1 for m in dated.values() if m >= cut)
        earlier_total = len(dated) - recent_total
        out = []
        for c, plist in self.postings.items():
            recent = sum(1 for a, _ in plist if dated.get(a, "") >= cut)
            earlier = sum(1 for a, _ in plist if a in dated and dated[a] < cut)
            if recent < min_recent:
                continue
            share_r = recent / max(recent_total, 1)
            share_e = (earlier + 0.5) / max(earlier_total + 1, 1)
            out.append(
                Rising(c, self.concept_name(c), recent, earlier, round(share_r / share_e, 3))
            )
        out.sort(key=lambda r: (-r.growth, -r.recent, r.concept))
        return out[:n]

    def card(self, concept: str, top: int = 5) -> ConceptCard:
        """Everything about one concept: names, hierarchy, top articles, neighbours."""
        cid = self.resolve_concept(concept)
        d = self.concept_attrs[cid]

        def refs(ids: Iterable[str]) -> list[ConceptRef]:
            return [ConceptRef(c, self.concept_name(c)) for c in sorted(ids)]

        return ConceptCard(
            cid,
            self.concept_name(cid),
            str(d.get("type") or ""),
            str(d.get("url") or ""),
            _split(d.get("aliases")),
            refs(self.parents.get(cid, ())),
            refs(self.children.get(cid, ())),
            len(self.postings.get(cid, ())),
            self.rolled_up_count(cid),
            self.articles_about(cid, limit=top),
            [nb for nb in self.neighbours(cid) if nb.relation == "co_occurs"][:10],
        )

    # ---- concept map

    def concept_map(
        self,
        min_articles: int = 2,
        min_support: int = 2,
        max_share: float = 0.5,
        seed: int = 42,
    ) -> nx.MultiDiGraph:
        """The concept-only projection: concepts mentioned by at least
        ``min_articles`` articles, joined when at least ``min_support`` articles
        mention both and they co-occur more than chance (NPMI > 0, the edge
        ``weight``). Hubs, concepts in more than ``max_share`` of the articles,
        are left out (listed in the graph attribute ``hubs``) so they do not
        pull every cluster together. Louvain communities (fixed ``seed``) are
        the node attribute ``community``, with its colour in ``r``, ``g``, ``b``.
        """
        return concept_map(self, min_articles, min_support, max_share, seed)


def _pagerank(
    n: int, src: list[int], dst: list[int], wts: list[float], alpha: float = 0.85
) -> np.ndarray:
    """PageRank on an undirected weighted graph (each edge both ways), numpy only."""
    if n == 0:
        return np.zeros(0)
    s = np.asarray(src + dst, dtype=np.int64)
    t = np.asarray(dst + src, dtype=np.int64)
    w = np.asarray(wts + wts, dtype=np.float64)
    out_w = np.bincount(s, weights=w, minlength=n)
    share = np.divide(w, out_w[s], out=np.zeros_like(w), where=out_w[s] > 0)
    dangling = out_w == 0
    x = np.full(n, 1.0 / n)
    for _ in range(100):
        nxt = alpha * np.bincount(t, weights=share * x[s], minlength=n)
        nxt += (alpha * x[dangling].sum() + 1.0 - alpha) / n
        if np.abs(nxt - x).sum() < 1e-10:
            x = nxt
            break
        x = nxt
    return x


def _fill_months(counts: Counter[str]) -> list[MonthCount]:
    if not counts:
        return []
    first, last = min(counts), max(counts)
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        out.append(MonthCount(key, counts.get(key, 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _npmi(n_ab: int, n_a: int, n_b: int, n: int) -> float:
    """Normalised PMI in -1..1 (0 = independent, 1 = always together).

    >>> _npmi(5, 5, 5, 10), round(_npmi(1, 5, 5, 10), 3)
    (1.0, -0.398)
    """
    p_ab, p_a, p_b = n_ab / n, n_a / n, n_b / n
    if p_ab <= 0:
        return -1.0
    if p_ab >= 1.0 or p_ab == p_a == p_b:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def concept_map(
    index: GraphIndex,
    min_articles: int = 2,
    min_support: int = 2,
    max_share: float = 0.5,
    seed: int = 42,
) -> nx.MultiDiGraph:
    """See :meth:`GraphIndex.concept_map`.

    >>> m = concept_map(GraphIndex(tiny_graph()), min_articles=1, min_support=1, max_share=1.0)
    >>> sorted(m.nodes), m.graph["communities"]
    (['concept:amazon-s3', 'concept:aws', 'concept:aws-lambda', 'concept:go'], 3)
    """
    n = len(index.articles)
    df = {c: len(p) for c, p in index.postings.items()}
    kept = sorted(c for c, k in df.items() if k >= min_articles)
    hubs = sorted(c for c in kept if n and df[c] / n > max_share)
    if len(hubs) < len(kept):
        kept = [c for c in kept if c not in hubs]
    else:
        hubs = []
    keep = set(kept)
    pairs: Counter[tuple[str, str]] = Counter()
    for a in index.articles:
        ids = sorted(c for c in index.mentions.get(a, {}) if c in keep)
        pairs.update(itertools.combinations(ids, 2))
    undirected = nx.Graph()
    undirected.add_nodes_from(kept)
    weights: dict[tuple[str, str], tuple[float, int]] = {}
    for (x, y), count in sorted(pairs.items()):
        if count < min_support:
            continue
        w = _npmi(count, df[x], df[y], n)
        if w > 0:
            weights[(x, y)] = (round(w, 4), count)
            undirected.add_edge(x, y, weight=round(w, 4))
    parts = nx.community.louvain_communities(undirected, weight="weight", seed=seed)
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    community = {c: i for i, p in enumerate(parts) for c in p}
    out = nx.MultiDiGraph()
    out.graph.update(
        kind="concept_map",
        articles=n,
        min_articles=min_articles,
        min_support=min_support,
        max_share=max_share,
        hubs="|".join(hubs),
        communities=len(parts),
        **{
            k: v
            for k, v in index.graph.graph.items()
            if k in ("kgraph_version", "catalogue_version", "built")
        },
    )
    for c in kept:
        d = index.concept_attrs.get(c, {})
        r, g, b = MAP_PALETTE[community[c] % len(MAP_PALETTE)]
        out.add_node(
            f"concept:{c}",
            kind="concept",
            label=index.concept_name(c),
            name=index.concept_name(c),
            type=str(d.get("type") or ""),
            aliases=str(d.get("aliases") or ""),
            parents=str(d.get("parents") or ""),
            url=str(d.get("url") or ""),
            article_count=df[c],
            community=community[c],
            size=float(round(4 + 4 * math.sqrt(df[c]), 2)),
            r=r,
            g=g,
            b=b,
        )
    for i, ((x, y), (w, count)) in enumerate(sorted(weights.items()), start=1):
        out.add_edge(
            f"concept:{x}",
            f"concept:{y}",
            key=f"co_occurs-{i}",
            kind="co_occurs",
            weight=w,
            articles=count,
        )
    return out


def communities_of(concept_map_graph: nx.MultiDiGraph, top: int = 3) -> list[Community]:
    """The communities of a concept map, largest first, labelled by their
    ``top`` concepts by article count."""
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for node, d in concept_map_graph.nodes(data=True):
        members[int(d["community"])].append((int(d.get("article_count", 0)), node))
    out = []
    for cid, items in sorted(members.items()):
        items.sort(key=lambda x: (-x[0], x[1]))
        nodes = [node for _, node in items]
        d = concept_map_graph.nodes[nodes[0]]
        label = " / ".join(str(concept_map_graph.nodes[x]["label"]) for x in nodes[:top])
        colour = f"#{int(d['r']):02x}{int(d['g']):02x}{int(d['b']):02x}"
        out.append(Community(cid, label, len(nodes), [_cid(x) for x in nodes], colour))
    return out


def write_concept_map(
    graph: nx.MultiDiGraph,
    directory: str | os.PathLike[str],
    formats: Sequence[str] = ("graphml", "html"),
    title: str = "kgraph concept map",
) -> dict[str, Path]:
    """Write a concept map as ``concept_map.graphml`` and ``concept_map.html``
    into ``directory``; return the paths written by format."""
    from .export.graphml import write_graphml

    out = Path(directory)
    written: dict[str, Path] = {}
    for fmt in formats:
        if fmt == "graphml":
            # the map carries its own colours, sizes and communities: written as they are
            written[fmt] = write_graphml(graph, out / "concept_map.graphml", decorated=False)
        elif fmt == "html":
            from .export.html import write_html  # another stage; imported when needed

            written[fmt] = Path(write_html(graph, out / "concept_map.html", title=title))
        else:
            raise QueryError(f"unknown concept map format {fmt!r}; use graphml or html")
    return written


def tiny_graph() -> nx.MultiDiGraph:
    """A four-article graph following the schema, for examples and tests."""
    g = nx.MultiDiGraph()
    concepts = {
        "aws": ("AWS", "platform", "Amazon Web Services", ""),
        "amazon-s3": ("Amazon S3", "aws-service", "S3|Simple Storage Service", "aws"),
        "aws-lambda": ("AWS Lambda", "aws-service", "Lambda|Lambda function", "aws"),
        "go": ("Go", "language", "golang", ""),
    }
    for cid, (name, typ, aliases, parents) in concepts.items():
        g.add_node(
            f"concept:{cid}",
            kind="concept",
            label=name,
            name=name,
            type=typ,
            aliases=aliases,
            parents=parents,
            url="",
            article_count=0,
        )
    arts = {
        "repl": ("S3 replication", "2024-01-05T00:00:00Z", {"amazon-s3": 0.9, "aws": 0.5}),
        "vers": ("S3 versioning", "2024-03-01T00:00:00Z", {"amazon-s3": 0.8}),
        "layers": ("Lambda layers", "2024-03-09T00:00:00Z", {"aws-lambda": 0.9}),
        "chan": ("Go channels", "", {"go": 0.95}),
    }
    for key, (title, published, mentions) in arts.items():
        node = f"article:https://e.org/{key}"
        g.add_node(
            node,
            kind="article",
            label=title,
            url=f"https://e.org/{key}",
            title=title,
            published=published,
            feed="f.xml",
            word_count=100,
            summary="",
        )
        g.add_edge("author:ann", node, key=f"wrote-{key}", kind="wrote")
        for cid, w in mentions.items():
            g.add_edge(
                node,
                f"concept:{cid}",
                key=f"mentions-{key}-{cid}",
                kind="mentions",
                count=1,
                weight=w,
                evidence=f"{title} uses {cid}.",
                alias=cid,
            )
    g.add_node("author:ann", kind="author", label="Ann", name="Ann")
    for child in ("amazon-s3", "aws-lambda"):
        g.add_edge(f"concept:{child}", "concept:aws", key=f"broader-{child}", kind="broader")
    return g
