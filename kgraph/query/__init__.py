"""Stage 5, queries over a built graph: related articles, concept cards, paths and the
concept map. Computes results; never writes files (:mod:`kgraph.export` does).

>>> from kgraph.query.examples import tiny_graph
>>> [r.title for r in GraphIndex(tiny_graph()).related("Replication", k=2)]
['S3 versioning', 'Lambda layers']
"""

from kgraph.query.concept_map import communities_of, concept_map
from kgraph.query.index import GraphIndex
from kgraph.query.results import (
    ArticleHit,
    ArticleRef,
    Community,
    ConceptCard,
    ConceptHit,
    ConceptPath,
    ConceptRef,
    MonthCount,
    Neighbour,
    PathStep,
    Reason,
    Related,
    Rising,
    Scoring,
    Timeline,
    TopConcept,
)

__all__ = [
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
    "communities_of",
    "concept_map",
]
