"""Stage 4b: which cached analyses a catalogue change leaves valid.

An article's mentions depend on its text and on what the catalogue says about
the alias forms that occur in it: each form's concepts and exact case, the
rules of its ambiguous aliases (needs, cues, veto) or its word rule (a plain
form that needs context), its concepts' broader concepts (which support
ambiguous aliases) and their types and specificity (which weigh them). Nothing else in the catalogue
reaches :meth:`kgraph.extract.matcher.Extractor.extract` (see :mod:`kgraph.extract.matcher`).

So the build cache keeps, for each catalogue version, a 64-bit signature of
every form (:func:`form_signatures`), and for each analysed article a
*sketch*: a 1 KB bitmap of the byte trigrams of its text as the matcher
searched it (:func:`kgraph.extract.matcher.sketch`). When the catalogue changes, the
forms whose signature changed (added, removed or changed) are the only ones
that can change a result (:func:`changed_forms`); an article whose sketch
lacks a trigram of each of them cannot contain any
(:meth:`CatalogueChange.affects`), and its analysis is carried over to the
new version instead of being redone. The check errs one way only: an article
is re-analysed if it *may* contain a changed form (all its trigrams' bits are
set, which a short form's may be by chance: about 1 in 70 for a two-letter
word in an article of 1,200 words).

>>> from kgraph.catalogue.load import load_catalogue
>>> from kgraph.records import ArticleText, Block
>>> cat = load_catalogue()
>>> sketch = text_sketch(ArticleText("a", (Block("paragraph", "Frobnicate S3-buckets."),)))
>>> new = dict(form_signatures(cat), frobnicate=1)  # a catalogue with one more form
>>> change = CatalogueChange(form_signatures(cat), new)
>>> change.affects(sketch), change.affects(text_sketch(ArticleText("b", (Block("title", "Go"),))))
(True, False)
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kgraph.catalogue.concepts import Catalogue
from kgraph.catalogue.context import word_rules
from kgraph.extract.matcher import alias_table, automaton_key
from kgraph.extract.rules import compile_rules
from kgraph.extract.salience import specificity
from kgraph.memo import code_digest, memoised
from kgraph.pipeline.sketch import SKETCH_BITS, has_bits, text_sketch, trigram_bits

__all__ = [
    "Carrier",
    "CatalogueChange",
    "changed_forms",
    "form_signatures",
    "text_sketch",
]


def _signatures(catalogue: Catalogue) -> dict[str, int]:
    rules: dict[str, Any] = {
        f"{c.id}#{n}": dataclasses.astuple(rule)
        for c in catalogue
        for n, rule in enumerate(c.ambiguous)
    }
    # a plain form that needs context has a word rule; a concept's weight
    # depends on its type and on how many concepts sit below it
    for key, rule in compile_rules(catalogue).items():
        if rule.word:
            rules[key] = (sorted(rule.needs), rule.case_form, rule.case_any, rule.short)
    spec = specificity(catalogue)
    out: dict[str, int] = {}
    for form, (_length, _words, entries) in alias_table(catalogue).items():
        meaning = []
        for key, exact in entries:
            cid = key.partition("#")[0]
            kind = (catalogue[cid].type, spec.get(cid)) if cid in catalogue else None
            meaning.append((key, exact, rules.get(key), sorted(catalogue.with_broader(cid)), kind))
        digest = hashlib.blake2b(repr(meaning).encode("utf-8", "surrogatepass"), digest_size=8)
        out[form] = int.from_bytes(digest.digest(), "little")
    return out


_SIGNATURES: dict[str, dict[str, int]] = {}


def form_signatures(catalogue: Catalogue) -> dict[str, int]:
    """Each alias form the matcher looks for (lowercase), with a 64-bit digest
    of what a match of it means: its match keys and exact forms, their
    ambiguous-alias rules and their concepts' broader concepts. Kept per
    catalogue version (in memory and in the user's cache).

    >>> from kgraph.catalogue.load import load_catalogue
    >>> sigs = form_signatures(load_catalogue())
    >>> "amazon s3" in sigs, sigs["golang"] == sigs["golang"]
    (True, True)
    """
    if not catalogue.version:
        return _signatures(catalogue)
    found = _SIGNATURES.get(catalogue.version)
    if found is None:
        modules = (
            sys.modules[__name__],
            sys.modules[alias_table.__module__],
            sys.modules[Catalogue.__module__],
            sys.modules[specificity.__module__],
            sys.modules[word_rules.__module__],
        )
        code = code_digest(*(m.__file__ or "" for m in modules))
        found = memoised(
            "forms", f"{catalogue.version}-{code}", lambda: _signatures(catalogue), dict
        )
        _SIGNATURES.clear()  # one version at a time is enough
        _SIGNATURES[catalogue.version] = found
    return found


def changed_forms(old: Mapping[str, int], new: Mapping[str, int]) -> list[str]:
    """The forms whose signature differs between two catalogues (added and
    removed forms included), sorted.

    >>> changed_forms({"node.js": 1, "s3": 2}, {"node.js": 1, "s3": 3, "aws lambda": 4})
    ['aws lambda', 's3']
    """
    return sorted(f for f in old.keys() | new.keys() if old.get(f) != new.get(f))


class CatalogueChange:
    """The change from one catalogue version's form signatures to another's:
    :meth:`affects` tells whether an article (its sketch) may analyse
    differently under the new one."""

    def __init__(self, old: Mapping[str, int], new: Mapping[str, int]) -> None:
        self.forms = changed_forms(old, new)
        bits = [trigram_bits(automaton_key(form)) for form in self.forms]
        # a form too short to tell (punctuation only) could be anywhere
        self.everything = any(b is None for b in bits)
        self._bits = [sorted(b) for b in bits if b is not None]
        self._flat: Any = None  # many forms: all their bits in one array, and where each starts
        if len(self._bits) > 32:
            import numpy as np

            self._flat = np.array([b for bits in self._bits for b in bits], np.intp)
            self._starts = np.cumsum([0] + [len(b) for b in self._bits[:-1]])

    def __bool__(self) -> bool:
        return bool(self.forms)

    def affects(self, sketch: bytes) -> bool:
        """Whether an article with this sketch may contain a changed form
        (a sketch that is not one raises ``ValueError``)."""
        if not self.forms:
            return False
        if self.everything:
            return True
        if self._flat is None:
            return any(has_bits(sketch, bits) for bits in self._bits)
        import numpy as np

        if len(sketch) != 1 << (SKETCH_BITS - 3):
            raise ValueError("not a sketch")
        present = np.unpackbits(np.frombuffer(sketch, np.uint8)).view(np.bool_)[self._flat]
        return bool(np.logical_and.reduceat(present, self._starts).any())


#: ``previous(contents, generation) -> {content: (generation, packed, sketch)}``:
#: analyses of other catalogue versions (:meth:`kgraph.pipeline.cache.BuildCache.previous_analyses`).
Previous = Callable[[Sequence[str], str], dict[str, tuple[str, bytes, bytes]]]
#: ``signatures(version) -> form signatures or None`` (:meth:`kgraph.pipeline.cache.BuildCache.signatures`).
Signatures = Callable[[str], "dict[str, int] | None"]


class Carrier:
    """Finds, for articles the cache has no analysis of under this catalogue,
    analyses of another catalogue version that the change cannot have touched
    (see the module doc). Changes are worked out once per old version."""

    def __init__(self, catalogue: Catalogue, previous: Previous, signatures: Signatures) -> None:
        self.catalogue = catalogue
        self._previous = previous
        self._signatures = signatures
        self._changes: dict[str, CatalogueChange | None] = {}

    def __call__(self, contents: Sequence[str], generation: str) -> dict[str, tuple[bytes, bytes]]:
        """``{content: (packed analysis, sketch)}`` for those of ``contents``
        (content keys) whose earlier analysis still holds under ``generation``."""
        return {
            content: (packed, sketch)
            for content, (old, packed, sketch) in self._previous(contents, generation).items()
            if self.holds(old, [sketch])
        }

    def holds(self, generation: str, sketches: Sequence[bytes]) -> bool:
        """Whether analyses made under ``generation`` of articles with these
        sketches all hold under this catalogue (not if that version's form
        signatures are not kept, or a sketch is damaged)."""
        change = self._change(generation.rpartition(":")[2])
        if change is None:
            return False
        try:
            return not any(change.affects(sketch) for sketch in sketches)
        except ValueError:  # a damaged sketch: analyse again
            return False

    def _change(self, version: str) -> CatalogueChange | None:
        if version not in self._changes:
            old = self._signatures(version)
            self._changes[version] = (
                None if old is None else CatalogueChange(old, form_signatures(self.catalogue))
            )
        return self._changes[version]
