"""Stage 3b: judge the matches of one article. Ambiguous aliases count only when
their context supports them; the matches that count become
:class:`~kgraph.records.Mention` records with a salience weight and one
evidence sentence.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from kgraph.catalogue.concepts import Catalogue
from kgraph.records import Mention

if TYPE_CHECKING:
    pass

from kgraph.extract.matcher import EVIDENCE_MAX, Rule

__all__ = ["Hit", "judge", "mentions"]


class Hit(NamedTuple):
    """One match in an article (a named tuple: built for every match, so it
    must be cheap to make)."""

    concept: str
    rule: str  # "" for a plain alias
    block: int
    kind: str
    sentence: str
    surface: str


def judge(hits: list[Hit], rules: dict[str, Rule], catalogue: Catalogue) -> list[bool]:
    """Which hits count: plain ones always; ambiguous ones when their context
    supports them, iterated until nothing changes (an accepted ambiguous hit
    can support another)."""
    keep = [not h.rule for h in hits]
    if all(keep):
        return keep  # nothing ambiguous to judge
    context: set[str] = set()

    def grow(cid: str) -> None:
        if cid not in context:
            context.update(catalogue.with_broader(cid))

    pending: list[tuple[int, Hit, Rule]] = []  # ambiguous hits not vetoed, in order
    for i, h in enumerate(hits):
        if not h.rule:
            if h.concept not in context:  # most hits repeat a concept: no call then
                grow(h.concept)
            continue
        rule = rules[h.rule]
        if not (rule.veto and rule.veto.search(h.sentence)):
            pending.append((i, h, rule))
    # Only the first pass looks for cues: a later one sees the same sentences,
    # and only the context can have grown since.
    rest: list[tuple[int, Hit, Rule]] = []
    for i, h, rule in pending:
        if not rule.needs.isdisjoint(context) or rule.cues.search(h.sentence):
            keep[i] = True
            grow(h.concept)
        else:
            rest.append((i, h, rule))
    while len(rest) < len(pending):  # something was accepted: its context may support more
        pending, rest = rest, []
        for i, h, rule in pending:
            if not rule.needs.isdisjoint(context):
                keep[i] = True
                grow(h.concept)
            else:
                rest.append((i, h, rule))
    return keep


def _trim(sentence: str, surface: str) -> str:
    """Cut a sentence to EVIDENCE_MAX characters, keeping the matched text."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= EVIDENCE_MAX:
        return sentence
    at = sentence.lower().find(surface.lower())
    at = max(at, 0)
    start = max(0, min(at - EVIDENCE_MAX // 3, len(sentence) - (EVIDENCE_MAX - 2)))
    piece = sentence[start : start + EVIDENCE_MAX - 2].strip()
    return (
        ("…" if start > 0 else "")
        + piece
        + ("…" if start + EVIDENCE_MAX - 2 < len(sentence) else "")
    )


def _salience(in_title: bool, headings: int, count: int, first: float) -> float:
    """Salience in 0..1 from title, headings, frequency and first position.

    >>> _salience(True, 2, 10, 0.0) > _salience(False, 0, 1, 0.9)
    True
    """
    score = 2.0 * in_title + 0.8 * min(headings, 3) + math.log2(1 + count) + 0.6 * (1 - first)
    return round(1 - math.exp(-score / 3), 3)


#: How good a hit's sentence is as evidence, lower is better, by block kind
#: (paragraphs, list items and quotes: 0, or 1 if too short or too long).
_QUALITY = {"paragraph": 0, "item": 0, "quote": 0, "heading": 2, "table": 2, "title": 3}
_OTHER_QUALITY = 4


class _Group:
    """What the mention of one concept is made of: its hits' count, where
    they are, and the hit with the best (quality, block) evidence (the first
    of them, as ``min`` picks)."""

    __slots__ = ("best", "count", "first", "headings", "in_title", "rank")

    def __init__(self, hit: Hit, rank: tuple[int, int]) -> None:
        self.count = 1
        self.in_title = hit.kind == "title"
        self.headings = int(hit.kind == "heading")
        self.first = hit.block
        self.rank = rank
        self.best = hit


def mentions(hits: list[Hit], n_blocks: int) -> list[Mention]:
    # one pass over the hits (an article has thousands in all, its concepts
    # tens): every per-hit test once, in this loop
    groups: dict[str, _Group] = {}
    for h in hits:
        kind = h.kind
        quality = _QUALITY.get(kind, _OTHER_QUALITY)
        if quality == 0 and not 30 <= len(h.sentence) <= 400:
            quality = 1
        rank = (quality, h.block)
        group = groups.get(h.concept)
        if group is None:
            groups[h.concept] = _Group(h, rank)
            continue
        group.count += 1
        if kind == "title":
            group.in_title = True
        elif kind == "heading":
            group.headings += 1
        if h.block < group.first:
            group.first = h.block
        if rank < group.rank:
            group.rank, group.best = rank, h
    out = [
        Mention(
            concept=cid,
            count=g.count,
            weight=_salience(g.in_title, g.headings, g.count, g.first / max(n_blocks, 1)),
            evidence=_trim(g.best.sentence, g.best.surface),
            alias=g.best.surface,
        )
        for cid, g in groups.items()
    ]
    out.sort(key=lambda m: (-m.weight, -m.count, m.concept))
    return out
