"""Stage 2, the concept catalogue: the records and text normalisation
(:mod:`~kgraph.catalogue.concepts`), validation (:mod:`~kgraph.catalogue.validate`)
and loading of ``models/concepts/*.jsonl`` (:mod:`~kgraph.catalogue.load`).
"""

from kgraph.catalogue.concepts import Catalogue, Concept
from kgraph.catalogue.load import load_catalogue

__all__ = ["Catalogue", "Concept", "load_catalogue"]
