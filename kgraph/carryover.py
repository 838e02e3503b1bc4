"""Stage 4b: which cached analyses a catalogue change leaves valid.

An article's mentions depend on its text and on what the catalogue says about
the alias forms that occur in it: each form's concepts and exact case, the
rules of its ambiguous aliases (needs, cues, veto) and its concepts' broader
concepts (which support ambiguous aliases). Nothing else in the catalogue
reaches :meth:`kgraph.extract.Extractor.extract` (see :mod:`kgraph.extract`).

So the build cache keeps, for each catalogue version, a 64-bit signature of
every form (:func:`form_signatures`), and for each analysed article a
*sketch*: the distinct words of its text, as the matcher splits them
(:func:`kgraph.extract.sketch`). When the catalogue changes, the forms whose
signature changed (added, removed or changed) are the only ones that can
change a result (:func:`changed_forms`); an article whose sketch lacks a word
of each of them cannot contain any (:meth:`CatalogueChange.affects`), and its
analysis is carried over to the new version instead of being redone. The
check errs one way only: an article is re-analysed if it *may* contain a
changed form (all its words occur, in any order).

>>> from kgraph.catalogue import load_catalogue
>>> from kgraph.records import ArticleText, Block
>>> cat = load_catalogue()
>>> sketch = text_sketch(ArticleText("a", (Block("paragraph", "Frobnicate S3-buckets."),)))
>>> sorted(words_of(sketch))
['buckets', 'frobnicate', 's3']
>>> new = dict(form_signatures(cat), frobnicate=1)  # a catalogue with one more form
>>> change = CatalogueChange(form_signatures(cat), new)
>>> change.affects(sketch), change.affects(text_sketch(ArticleText("b", (Block("title", "Go"),))))
(True, False)
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import zlib
from collections.abc import Callable, Mapping, Sequence

from ._io import cached_pickle, code_digest
from .catalogue import Catalogue
from .extract import _alias_table, _marked, same_length_lower, text_sketch

__all__ = [
    "Carrier",
    "CatalogueChange",
    "changed_forms",
    "form_signatures",
    "text_sketch",
    "words_of",
]


def _words(text: str) -> list[str]:
    """The words of ``text`` as the matcher sees them: lowered (length kept),
    split at every non-word character."""
    return _marked(same_length_lower(text)).split("\x00")


def words_of(sketch: bytes) -> set[str]:
    """The words a sketch holds (a damaged one raises ``zlib.error``)."""
    raw = zlib.decompress(sketch).decode("utf-8", "surrogatepass")
    return set(raw.split("\x00")) if raw else set()


def _signatures(catalogue: Catalogue) -> dict[str, int]:
    rules = {
        f"{c.id}#{n}": dataclasses.astuple(rule)
        for c in catalogue
        for n, rule in enumerate(c.ambiguous)
    }
    out: dict[str, int] = {}
    for form, (_length, _words, entries) in _alias_table(catalogue).items():
        meaning = [
            (key, exact, rules.get(key), sorted(catalogue.with_broader(key.partition("#")[0])))
            for key, exact in entries
        ]
        digest = hashlib.blake2b(repr(meaning).encode("utf-8", "surrogatepass"), digest_size=8)
        out[form] = int.from_bytes(digest.digest(), "little")
    return out


_SIGNATURES: dict[str, dict[str, int]] = {}


def form_signatures(catalogue: Catalogue) -> dict[str, int]:
    """Each alias form the matcher looks for (lowercase), with a 64-bit digest
    of what a match of it means: its match keys and exact forms, their
    ambiguous-alias rules and their concepts' broader concepts. Kept per
    catalogue version (in memory and in the user's cache).

    >>> from kgraph.catalogue import load_catalogue
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
            sys.modules[_alias_table.__module__],
            sys.modules[Catalogue.__module__],
        )
        code = code_digest(*(m.__file__ or "" for m in modules))
        found = cached_pickle(
            "forms", f"{catalogue.version}-{code}", lambda: _signatures(catalogue), dict
        )
        _SIGNATURES.clear()  # one version at a time is enough
        _SIGNATURES[catalogue.version] = found
    return found


def changed_forms(old: Mapping[str, int], new: Mapping[str, int]) -> list[tuple[str, ...]]:
    """The words of each form whose signature differs between two catalogues
    (added and removed forms included), sorted.

    >>> changed_forms({"node.js": 1, "s3": 2}, {"node.js": 1, "s3": 3, "aws lambda": 4})
    [('aws', 'lambda'), ('s3',)]
    """
    forms = {f for f in old.keys() | new.keys() if old.get(f) != new.get(f)}
    return sorted(tuple(w for w in _words(form) if w) for form in forms)


class CatalogueChange:
    """The change from one catalogue version's form signatures to another's:
    :meth:`affects` tells whether an article (its sketch) may analyse
    differently under the new one."""

    def __init__(self, old: Mapping[str, int], new: Mapping[str, int]) -> None:
        self.forms = changed_forms(old, new)
        # a form with no word at all (punctuation only) could be anywhere
        self.everything = any(not words for words in self.forms)

    def __bool__(self) -> bool:
        return bool(self.forms)

    def affects(self, sketch: bytes) -> bool:
        """Whether an article with this sketch may contain a changed form."""
        if not self.forms:
            return False
        if self.everything:
            return True
        if len(self.forms) > 16:  # many forms: one set of the sketch's words
            words = words_of(sketch)
            return any(all(w in words for w in form) for form in self.forms)
        # a few (the usual edit): look each word up in the sketch's text
        raw = "\x00" + zlib.decompress(sketch).decode("utf-8", "surrogatepass") + "\x00"
        return any(all(f"\x00{w}\x00" in raw for w in form) for form in self.forms)


#: ``previous(contents, generation) -> {content: (generation, packed, sketch)}``:
#: analyses of other catalogue versions (:meth:`kgraph.cache.BuildCache.previous_analyses`).
Previous = Callable[[Sequence[str], str], dict[str, tuple[str, bytes, bytes]]]
#: ``signatures(version) -> form signatures or None`` (:meth:`kgraph.cache.BuildCache.signatures`).
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
        out: dict[str, tuple[bytes, bytes]] = {}
        for content, (old_generation, packed, sketch) in self._previous(
            contents, generation
        ).items():
            change = self._change(old_generation.rpartition(":")[2])
            if change is None:
                continue
            try:
                if change.affects(sketch):
                    continue
            except (zlib.error, UnicodeDecodeError):  # a damaged sketch: analyse again
                continue
            out[content] = (packed, sketch)
        return out

    def holds(self, generation: str, sketches: Sequence[bytes]) -> bool:
        """Whether analyses made under ``generation`` of articles with these
        sketches all hold under this catalogue."""
        change = self._change(generation.rpartition(":")[2])
        if change is None:
            return False
        try:
            return not any(change.affects(sketch) for sketch in sketches)
        except (zlib.error, UnicodeDecodeError):
            return False

    def _change(self, version: str) -> CatalogueChange | None:
        if version not in self._changes:
            old = self._signatures(version)
            self._changes[version] = (
                None if old is None else CatalogueChange(old, form_signatures(self.catalogue))
            )
        return self._changes[version]
