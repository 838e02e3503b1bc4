"""What queries return: small frozen dataclasses with ``to_dict()`` for JSON.

>>> ConceptRef("go", "Go").to_dict()
{'concept': 'go', 'name': 'Go'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ArticleHit",
    "ArticleRef",
    "Community",
    "ConceptCard",
    "ConceptHit",
    "ConceptPath",
    "ConceptRef",
    "MonthCount",
    "Neighbour",
    "PathStep",
    "Reason",
    "Related",
    "Rising",
    "Scoring",
    "Timeline",
    "TopConcept",
    "concept_id",
    "split_list",
]


class Result:
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the stable ``--json`` format)."""
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class ArticleRef(Result):
    """An article, as results name it: node id, title, URL and date."""

    article: str
    title: str
    url: str
    published: str

    @classmethod
    def of(cls, article: str, attrs: Mapping[str, Any]) -> ArticleRef:
        """The reference of article node ``article`` from its attributes.

        >>> ArticleRef.of("article:x", {"title": "X", "published": "2024-01-02"}).url
        ''
        """
        return cls(
            article,
            str(attrs.get("title") or ""),
            str(attrs.get("url") or ""),
            str(attrs.get("published") or ""),
        )


@dataclass(frozen=True, slots=True)
class ConceptRef(Result):
    """A concept, as results name it: id (no ``concept:`` prefix) and name."""

    concept: str
    name: str


@dataclass(frozen=True, slots=True)
class Reason(Result):
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
class Related(Result):
    """An article related to the query article, with its score and reasons."""

    article: str
    title: str
    url: str
    score: float
    shared: list[str] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    published: str = ""


@dataclass(frozen=True, slots=True)
class ArticleHit(Result):
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
class ConceptHit(Result):
    """A concept an article mentions, with the mention's salience and evidence."""

    concept: str
    name: str
    type: str
    weight: float
    count: int
    alias: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Neighbour(Result):
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
class PathStep(Result):
    """One node of a path; ``relation`` is how it is reached from the previous
    node (empty for the first) and ``evidence`` the sentence behind a mention."""

    node: str
    kind: str
    label: str
    relation: str = ""
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ConceptPath(Result):
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
class TopConcept(Result):
    """A concept with the number of articles mentioning it (``articles``), with
    its narrower concepts rolled up (``rolled_up``) and its PageRank."""

    concept: str
    name: str
    type: str
    articles: int
    rolled_up: int
    pagerank: float


@dataclass(frozen=True, slots=True)
class Community(Result):
    """A cluster of concepts of the concept map, labelled by its top concepts."""

    id: int
    label: str
    size: int
    concepts: list[str]
    colour: str


@dataclass(frozen=True, slots=True)
class MonthCount(Result):
    month: str
    articles: int


@dataclass(frozen=True, slots=True)
class Timeline(Result):
    """Articles about a concept (narrower ones included) per month ``YYYY-MM``;
    months without any are listed with 0; ``undated`` have no date."""

    concept: str
    name: str
    total: int
    undated: int
    months: list[MonthCount]


@dataclass(frozen=True, slots=True)
class Rising(Result):
    """A concept whose share of articles grew: ``recent``/``earlier`` article
    counts in the last ``window`` months versus before, and the share ratio."""

    concept: str
    name: str
    recent: int
    earlier: int
    growth: float


@dataclass(frozen=True, slots=True)
class ConceptCard(Result):
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


def split_list(value: Any) -> list[str]:
    return [p for p in str(value or "").split("|") if p]


def concept_id(node: str) -> str:
    return node.removeprefix("concept:")
