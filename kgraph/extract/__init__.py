"""Stage 3, extraction: find catalogue concepts in article text. The
:mod:`~kgraph.extract.matcher` finds every alias, :mod:`~kgraph.extract.judge`
decides which matches count and how salient they are,
:mod:`~kgraph.extract.extractor` puts the two together (or runs the
:mod:`~kgraph.extract.spacy_component`), and :mod:`~kgraph.extract.evaluate`
compares the result with the authors' tags.
"""

from kgraph.extract.extractor import Extractor, extract, extract_many, get_extractor, make_nlp

__all__ = ["Extractor", "extract", "extract_many", "get_extractor", "make_nlp"]
