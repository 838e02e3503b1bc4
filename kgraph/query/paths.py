"""Neighbours of a concept and paths between two concepts (through articles
and the broader/narrower hierarchy) for :class:`~kgraph.query.index.GraphIndex`."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable

from kgraph.query.results import ConceptPath, Neighbour, PathStep, concept_id

__all__ = ["Paths"]


class Paths:
    """The neighbour and path queries of :class:`~kgraph.query.index.GraphIndex`
    (a mixin: it uses the index's adjacency and names)."""

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
            return ConceptPath(concept_id(src), concept_id(dst), 0.0, [self._step(src, "", "")])
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
        return ConceptPath(concept_id(src), concept_id(dst), round(dist[dst], 4), steps[::-1])

    def _path_edges(self, node: str) -> Iterable[tuple[str, float, str, str]]:
        if node.startswith("concept:"):
            cid = concept_id(node)
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
            return PathStep(
                node, "concept", self.concept_name(concept_id(node)), relation, evidence
            )
        return PathStep(node, "article", self.article_ref(node).title or node, relation, evidence)
