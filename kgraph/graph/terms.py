"""Stage 4c: the discovered terms a build shows, as concept nodes.

Each article's part carries its terms (:mod:`kgraph.extract.terms`);
:class:`TermNodes` gathers them as the builder adds the articles and, once
all are in, gives the nodes of the terms that hold up across the build
(:func:`kgraph.extract.terms.keeps`: ``type="term"``, ``curated="false"``)
and their ``mentions`` edges.

>>> t = TermNodes()
>>> t.add("article:a", (("promtail", 2, 0.5, "We run Promtail.", "Promtail", "cap+prose+title"),))
>>> nodes, edges = t.finish(set(), 7)
>>> [(n, a["type"], a["curated"]) for n, a in nodes], [e[:3] for e in edges]
([('concept:promtail', 'term', 'false')], [('article:a', 'concept:promtail', 'mentions-8')])
"""

from __future__ import annotations

from collections.abc import Container

from kgraph.extract.tally import TermStats, TermTally, keeps
from kgraph.extract.terms import TERM_MARK, TERM_TYPE
from kgraph.records import Mention

__all__ = ["TermNodes", "TermRow", "term_attrs"]

#: A term of one article as its part carries it: (id, count, weight, evidence, alias, how found).
TermRow = tuple[str, int, float, str, str, str]


def term_attrs(stats: TermStats) -> dict[str, str | int]:
    """The attributes of a discovered term's node: those of a concept node,
    with ``type="term"``, ``curated="false"``, no parents and no URL, and its
    other spellings as aliases.

    >>> from collections import Counter
    >>> a = term_attrs(TermStats(2, 3, {"cap", "prose"}, Counter({"Promtail": 3, "PromTail": 1})))
    >>> a["type"], a["curated"], a["label"], a["aliases"], a["article_count"]
    ('term', 'false', 'Promtail', 'PromTail', 2)
    """
    name = stats.name
    return {
        "kind": "concept",
        "label": name,
        "name": name,
        "type": TERM_TYPE,
        "aliases": "|".join(sorted(s for s in stats.spellings if s != name)),
        "parents": "",
        "url": "",
        "article_count": int(stats.articles),
        "curated": "false",
        "description": "",
    }


class TermNodes:
    """The terms of a build's articles, until the build knows which it shows."""

    def __init__(self) -> None:
        self._tally = TermTally()
        self._rows: list[tuple[str, tuple[TermRow, ...]]] = []

    def add(self, article_node: str, terms: tuple[TermRow, ...]) -> None:
        """Count one article's terms."""
        if terms:
            self._rows.append((article_node, terms))
            self._tally.add(
                Mention(t[0], t[1], t[2], t[3], t[4], ((TERM_MARK, t[5]),)) for t in terms
            )

    def finish(
        self, taken: Container[str], mentions: int
    ) -> tuple[list[tuple[str, dict[str, str | int]]], list[tuple[str, str, str, tuple]]]:
        """``(node id, attributes)`` of each term shown, by id, and its
        ``mentions`` edges ``(article, term node, key, values)`` keyed after the
        ``mentions`` edges already made, in the order the articles came. A
        term whose id is ``taken`` (a concept's, or the catalogue's) is left out."""
        kept = {
            cid: stats
            for cid, stats in self._tally.stats.items()
            if keeps(stats) and cid not in taken
        }
        nodes = [(f"concept:{cid}", term_attrs(kept[cid])) for cid in sorted(kept)]
        edges = []
        for article, terms in self._rows:
            for cid, count, weight, evidence, alias, _found in terms:
                if cid in kept:
                    mentions += 1
                    values = ("mentions", count, weight, evidence, alias)
                    edges.append((article, f"concept:{cid}", f"mentions-{mentions}", values))
        self._rows.clear()
        self._tally = TermTally()
        return nodes, edges
