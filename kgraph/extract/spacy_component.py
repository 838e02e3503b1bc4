"""The ``kgraph_concepts`` spaCy component: the catalogue's phrase matchers
as a pipeline component, registered with spaCy when this module is imported
(the ``spacy_factories`` entry point of an installed kgraph points here, so
``nlp.add_pipe("kgraph_concepts")`` and ``spacy.load`` find it).

Builds do not need spaCy (they use the Aho-Corasick engine of
:mod:`kgraph.extract.matcher`), so only this module imports it: worker processes of
``kgraph build --jobs N`` never pay for importing spaCy.

>>> doc = make_nlp()("We store files in Amazon S3 and deploy with kubectl.")
>>> [s.kb_id_ for s in doc.spans["concepts"]]
['amazon-s3', 'kubernetes']

Names the catalogue lacks (:mod:`kgraph.extract.discover`) go in ``doc.spans["terms"]``:

>>> doc = make_nlp()("Logs go through Promtail and a FlowGuard tunnel to Amazon S3.")
>>> [(s.text, s.label_, s.kb_id_) for s in doc.spans["terms"]]
[('Promtail', 'cap', 'promtail'), ('FlowGuard', 'camel', 'flowguard')]
"""

from __future__ import annotations

import bisect
from collections import defaultdict

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kgraph.catalogue.concepts import Catalogue, normalise, slugify
from kgraph.catalogue.load import load_catalogue
from kgraph.extract.discover import Lexicon, find_terms, load_lexicon
from kgraph.extract.judge import Hit, judge
from kgraph.extract.matcher import SENTENCE_MAX, alias_patterns
from kgraph.extract.rules import compile_rules

__all__ = ["ConceptMatcher", "make_nlp"]


class ConceptMatcher:
    """Phrase matchers for every alias of the catalogue; sets ``doc.spans["concepts"]``.

    As a pipeline component (``nlp.add_pipe("kgraph_concepts")``) it sets
    ``doc.spans["concepts"]``: one span per accepted mention, with ``kb_id_``
    and ``id_`` (``ent_id_`` once in ``doc.ents``) = concept id and ``label_`` =
    concept type. With ``set_ents`` it also adds them to ``doc.ents``: existing
    entities win over overlapping concepts (``overwrite_ents`` reverses that)
    and non-overlapping ones are always kept, as with spaCy's EntityRuler.
    It works with or without sentence boundaries (ambiguous aliases are then
    judged on the whole text). With ``discover`` (the default) it also sets
    ``doc.spans["terms"]``: the names no catalogue entry holds
    (:func:`kgraph.extract.discover.find_terms`, never overlapping a concept span),
    ``label_`` = how the name is shaped (``camel``, ``acronym``, ``digits``,
    ``dotted``, ``cap``) and ``kb_id_`` = its term id.

    :meth:`spans` (used by :class:`Extractor`) returns the raw matches, whose
    ``id_`` is ``""`` for a plain alias or ``"<concept>#<n>"`` naming the
    ambiguous rule it needs checked.
    """

    def __init__(
        self,
        nlp: Language,
        catalogue: Catalogue,
        resolve: bool = True,
        set_ents: bool = False,
        overwrite_ents: bool = False,
        discover: bool = True,
    ) -> None:
        self.catalogue = catalogue
        self.lexicon: Lexicon | None = load_lexicon() if discover else None
        self.resolve = resolve
        self.set_ents = set_ents
        self.overwrite_ents = overwrite_ents
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.rules = compile_rules(catalogue)
        lower: dict[str, list[str]] = defaultdict(list)
        exact: dict[str, list[str]] = defaultdict(list)
        for form, key, is_exact in alias_patterns(catalogue):
            (exact if is_exact else lower)[key].append(form)
        make = nlp.make_doc
        for key in sorted(lower):
            self.lower.add(key, [make(f) for f in lower[key]])
        for key in sorted(exact):
            self.exact.add(key, [make(f) for f in exact[key]])

    def spans(self, doc: Doc) -> list[Span]:
        """All matches, overlaps resolved longest-first (ties: all candidates kept)."""
        strings = doc.vocab.strings
        raw: dict[tuple[int, int], list[str]] = defaultdict(list)
        for match_id, start, end in [*self.lower(doc), *self.exact(doc)]:
            raw[(start, end)].append(strings[match_id])
        taken: set[int] = set()
        out: list[Span] = []
        for (start, end), keys in sorted(
            raw.items(), key=lambda kv: (kv[0][0] - kv[0][1], kv[0][0])
        ):
            if any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            for key in dict.fromkeys(keys):
                cid, _, _n = key.partition("#")
                span = Span(doc, start, end, label=self.catalogue[cid].type, kb_id=cid)
                span.id_ = key if _n else ""
                out.append(span)
        out.sort(key=lambda s: (s.start, s.kb_id_))
        return out

    def __call__(self, doc: Doc) -> Doc:
        spans = self.spans(doc)
        if self.resolve:
            sentence_of = Sentences(doc)
            hits = [
                Hit(s.kb_id_, s.id_, 0, "paragraph", sentence_of(s), s.text, s.start_char)
                for s in spans
            ]
            keep = judge(hits, self.rules, self.catalogue)
            spans = [s for s, ok in zip(spans, keep, strict=True) if ok]
        # a plain alias and an ambiguous rule may match the same text: one span each
        unique = {(s.start, s.end, s.kb_id_): s for s in spans}
        spans = sorted(unique.values(), key=lambda s: (s.start, s.kb_id_))
        for span in spans:
            span.id_ = span.kb_id_
        doc.spans["concepts"] = spans
        if self.lexicon is not None:
            doc.spans["terms"] = self._terms(doc, spans)
        if self.set_ents:
            old = list(doc.ents)
            first, second = (spans, old) if self.overwrite_ents else (old, spans)
            taken = {i for s in first for i in range(s.start, s.end)}
            rest = [s for s in second if not taken.intersection(range(s.start, s.end))]
            doc.ents = filter_spans([*first, *rest])
        return doc

    def _terms(self, doc: Doc, concepts: list[Span]) -> list[Span]:
        """The names in ``doc`` no catalogue entry holds, as token spans."""
        taken = [(s.start_char, s.end_char) for s in concepts]
        busy = {i for s in concepts for i in range(s.start, s.end)}
        out: list[Span] = []
        index = self.catalogue.index
        for found in find_terms(doc.text, taken, self.lexicon):
            key = normalise(found.surface)
            if key in index or key in self.catalogue.ambiguous_index:
                continue
            span = doc.char_span(found.start, found.end, alignment_mode="expand")
            if span is None or busy.intersection(range(span.start, span.end)):
                continue
            out.append(
                Span(doc, span.start, span.end, label=found.kind, kb_id=slugify(found.surface))
            )
        return out


class Sentences:
    """Sentence of a span in one doc, in O(log n) per span (``span.sent``
    walks the doc each time, quadratic on a long block with many matches),
    cut to a window of ``SENTENCE_MAX`` characters around the match."""

    def __init__(self, doc: Doc) -> None:
        self.text = doc.text  # Doc.text joins every token on each access: read it once
        try:
            bounds = [(s.start_char, s.end_char) for s in doc.sents]
        except ValueError:  # no sentence boundaries set
            bounds = [(0, len(self.text))]
        self.bounds = bounds or [(0, len(self.text))]
        self.starts = [b[0] for b in self.bounds]

    def __call__(self, span: Span) -> str:
        at = max(bisect.bisect_right(self.starts, span.start_char) - 1, 0)
        start, end = self.bounds[at]
        if end - start > SENTENCE_MAX:
            half = (SENTENCE_MAX - (span.end_char - span.start_char)) // 2
            start = max(start, span.start_char - max(half, 0))
            end = min(end, start + SENTENCE_MAX)
        return self.text[start:end]


@Language.factory(
    "kgraph_concepts",
    default_config={
        "models": None,
        "resolve": True,
        "set_ents": False,
        "overwrite_ents": False,
        "discover": True,
    },
)
def _make_component(
    nlp: Language,
    name: str,
    models: str | None,
    resolve: bool,
    set_ents: bool,
    overwrite_ents: bool,
    discover: bool,
) -> ConceptMatcher:
    """spaCy factory: ``nlp.add_pipe("kgraph_concepts")`` on any English pipeline.

    ``models`` is a catalogue folder (default: the bundled one); ``resolve``
    judges ambiguous aliases in context; ``set_ents`` also writes ``doc.ents``
    and ``overwrite_ents`` lets concepts replace overlapping entities;
    ``discover`` also sets ``doc.spans["terms"]`` (names the catalogue lacks).
    """
    return ConceptMatcher(
        nlp,
        load_catalogue(models),
        resolve=resolve,
        set_ents=set_ents,
        overwrite_ents=overwrite_ents,
        discover=discover,
    )


def make_nlp(models: str | None = None, resolve: bool = True) -> Language:
    """A ready pipeline: blank English tokenizer, sentencizer and ``kgraph_concepts``.

    >>> doc = make_nlp()("We store files in Amazon S3 and deploy with kubectl.")
    >>> [(s.text, s.kb_id_) for s in doc.spans["concepts"]]
    [('Amazon S3', 'amazon-s3'), ('kubectl', 'kubernetes')]
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgraph_concepts", config={"models": models, "resolve": resolve})
    return nlp
