"""Stage 4: find the concepts an article discusses, with salience and evidence.

The spaCy pipeline needs no model download: a blank English tokenizer, the
rule-based ``sentencizer`` and the ``kgraph_concepts`` component
(:mod:`kgraph.extract.spacy_component`), whose phrase matchers are compiled from the
catalogue in ``models/``. Builds use the fast engine (an Aho-Corasick
automaton running the same patterns), which does not import spaCy. Matching is
case-insensitive for plain aliases and exact-case where the catalogue says so
(``Go`` the language, not ``go`` the verb). Ambiguous aliases are then judged
per article: they count only when a concept they need is found unambiguously
in the same article (or a narrower one is), or a cue occurs in the same
sentence, and never when a veto phrase does.

``extract(text, catalogue)`` is a pure function of the article text and the
catalogue version, so its results can be cached and computed in parallel.

>>> from kgraph.records import ArticleText, Block
>>> t = ArticleText("a", (Block("title", "Goroutines in Go"),
...     Block("paragraph", "A goroutine sends values on a channel."),))
>>> [(m.concept, m.count) for m in extract(t)]
[('go-goroutine', 2), ('go', 1), ('go-channel', 1)]
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from kgraph.catalogue.concepts import Catalogue
from kgraph.catalogue.load import load_catalogue
from kgraph.records import ArticleText, Mention

if TYPE_CHECKING:
    from spacy.language import Language

from kgraph.extract.code import glued_in_prose, names_in_block
from kgraph.extract.discover import load_lexicon
from kgraph.extract.judge import Hit, judge
from kgraph.extract.matcher import FastMatcher, searched_forms
from kgraph.extract.salience import broad_concepts, mentions, salience, specificity
from kgraph.extract.tally import alone
from kgraph.extract.terms import article_terms

__all__ = ["Extractor", "extract", "extract_many", "get_extractor", "make_nlp"]


def make_nlp(models: str | None = None, resolve: bool = True) -> Language:
    """A ready spaCy pipeline: blank English tokenizer, sentencizer and the
    ``kgraph_concepts`` component (see :mod:`kgraph.extract.spacy_component`, which
    is the only module that imports spaCy).

    >>> doc = make_nlp()("We store files in Amazon S3 and deploy with kubectl.")
    >>> [(s.text, s.kb_id_) for s in doc.spans["concepts"]]
    [('Amazon S3', 'amazon-s3'), ('kubectl', 'kubernetes')]
    """
    from kgraph.extract.spacy_component import make_nlp as make

    return make(models, resolve)


def __getattr__(name: str) -> Any:
    """``ConceptMatcher`` and the factory ``_make_component`` (where an older
    ``spacy_factories`` entry point looks for it) live in
    :mod:`kgraph.extract.spacy_component`, imported on first use."""
    if name in ("ConceptMatcher", "_make_component"):
        from kgraph.extract import spacy_component

        return getattr(spacy_component, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Extractor:
    """A compiled matcher for one catalogue; reuse it for many articles.

    ``engine="fast"`` (default) matches with an Aho-Corasick automaton;
    ``engine="spacy"`` runs the spaCy pipeline of :func:`make_nlp` (blank
    English tokenizer, sentencizer, ``kgraph_concepts``). Both apply the same
    patterns, context rules and salience; a test checks that they agree.

    >>> ex = Extractor()
    >>> from kgraph.records import ArticleText, Block
    >>> [m.concept for m in ex.extract(ArticleText("a", (Block("paragraph", "Deploy with kubectl."),)))]
    ['kubernetes']
    """

    def __init__(
        self, catalogue: Catalogue | None = None, engine: str = "fast", discover: bool = False
    ) -> None:
        if engine not in ("fast", "spacy"):
            raise ValueError(f"unknown extraction engine {engine!r}; use 'fast' or 'spacy'")
        self.catalogue = catalogue or load_catalogue()
        self.engine = engine
        #: also find the article's terms (:func:`kgraph.extract.terms.article_terms`)
        self.discover = discover
        self.lexicon = load_lexicon() if discover else None
        self.specificity = specificity(self.catalogue)
        self.broad = broad_concepts(self.catalogue)
        # each match key as (concept, rule), worked out once per extractor
        self._split_keys: dict[str, tuple[str, str]] = {}
        if engine == "fast":
            self.fast = FastMatcher(self.catalogue)
            self.rules = self.fast.rules
        else:
            import spacy

            from kgraph.extract.spacy_component import ConceptMatcher

            self.nlp = spacy.blank("en")
            self.nlp.add_pipe("sentencizer")
            self.matcher = ConceptMatcher(self.nlp, self.catalogue, resolve=False, discover=False)
            self.rules = self.matcher.rules

    def extract(self, text: ArticleText) -> list[Mention]:
        """Concepts of one article (see :func:`extract`)."""
        return next(self.extract_many([text]))

    def extract_many(
        self,
        texts: Iterable[ArticleText],
        batch_size: int = 256,
        searched: list[list[str]] | None = None,
    ) -> Iterator[list[Mention]]:
        """Concepts of many articles, in order; ``searched`` (if given) gets
        each article's text as the matcher searched it
        (:func:`~kgraph.extract.matcher.searched_forms`) as it is done."""
        if self.engine == "spacy":
            if searched is None:
                yield from self._extract_spacy(texts, batch_size)
                return
            texts = list(texts)  # read twice: the pipeline, then the searched forms
            for art, found in zip(texts, self._extract_spacy(texts, batch_size), strict=True):
                searched.append(searched_forms(art))
                yield found
            return
        for art in texts:
            taken: dict[int, list[tuple[int, int]]] | None = {} if self.discover else None
            if searched is None:
                yield self._finish(art, self._fast_hits(art, None, taken), taken)
                continue
            marks: list[str] = []
            hits = self._fast_hits(art, marks, taken)
            searched.append(marks)
            yield self._finish(art, hits, taken)

    def _fast_hits(
        self,
        art: ArticleText,
        marks: list[str] | None = None,
        taken: dict[int, list[tuple[int, int]]] | None = None,
    ) -> list[Hit]:
        """Every match of an article; ``taken`` (if given) gets each prose
        block's ``(start, end)`` spans, which a term may not overlap."""
        hits: list[Hit] = []
        append = hits.append
        find = self.fast.find
        split = self._split_keys
        for b, block in enumerate(art.blocks):
            kind = block.kind
            code = kind == "code"
            found = find(block.text, code, marks)
            if taken is not None and found and not code:
                taken[b] = [(m[0], m[1]) for m in found]
            for start, end, surface, key, sentence in found:
                if code:
                    if not names_in_block(block.text, start, end):
                        continue  # a string, key, flag, class or path: not code naming it
                elif glued_in_prose(block.text, start, end):
                    continue  # a symbol path or a host in prose: pkg.(*Type).Run()
                parts = split.get(key)
                if parts is None:  # first seen: "go#0" is rule "go#0" of concept "go"
                    cid, sep, _n = key.partition("#")
                    parts = split[key] = (cid, key if sep else "")
                append(Hit(parts[0], parts[1], b, kind, sentence, surface, start))
        return hits

    def matches(self, text: ArticleText) -> list[tuple[int, str, str]]:
        """Every match that counts, as ``(block index, surface text, concept id)``,
        in text order: what :meth:`extract` aggregates into mentions (fast engine).

        >>> from kgraph.records import Block
        >>> Extractor().matches(ArticleText("a", (Block("paragraph", "Let's go. Go has goroutines."),)))
        [(0, 'Go', 'go'), (0, 'goroutines', 'go-goroutine')]
        """
        hits = self._fast_hits(text)
        keep = judge(hits, self.rules, self.catalogue)
        return [(h.block, h.surface, h.concept) for h, ok in zip(hits, keep, strict=True) if ok]

    def _extract_spacy(
        self, texts: Iterable[ArticleText], batch_size: int
    ) -> Iterator[list[Mention]]:
        from kgraph.extract.spacy_component import Sentences

        pending: list[tuple[ArticleText, list[Hit], dict[int, list[tuple[int, int]]]]] = []

        def blocks() -> Iterator[tuple[str, tuple[int, int]]]:
            for art in texts:
                pending.append((art, [], {}))
                idx = len(pending) - 1
                for b, block in enumerate(art.blocks):
                    # spaCy refuses texts over nlp.max_length (ValueError E088)
                    yield block.text[: self.nlp.max_length - 1], (idx, b)

        done = 0
        for doc, (idx, b) in self.nlp.pipe(blocks(), as_tuples=True, batch_size=batch_size):
            art, hits, taken = pending[idx]
            kind = art.blocks[b].kind
            sentence_of = Sentences(doc)
            spans = self.matcher.spans(doc)
            if spans and kind != "code":
                taken[b] = [(s.start_char, s.end_char) for s in spans]
            for span in spans:
                if kind == "code":
                    text = sentence_of.text
                    if not names_in_block(text, span.start_char, span.end_char):
                        continue
                    line_start = text.rfind("\n", 0, span.start_char) + 1
                    line_end = text.find("\n", span.end_char)
                    sentence = text[line_start : line_end if line_end >= 0 else None].strip()
                elif glued_in_prose(art.blocks[b].text, span.start_char, span.end_char):
                    continue
                else:
                    sentence = sentence_of(span)
                hits.append(
                    Hit(span.kb_id_, span.id_, b, kind, sentence, span.text, span.start_char)
                )
            while done < idx:  # every article before idx is complete
                yield self._finish(*pending[done])
                pending[done] = (pending[done][0], [], {})
                done += 1
        while done < len(pending):
            yield self._finish(*pending[done])
            done += 1

    def _finish(
        self,
        art: ArticleText,
        hits: list[Hit],
        taken: dict[int, list[tuple[int, int]]] | None = None,
    ) -> list[Mention]:
        keep = judge(hits, self.rules, self.catalogue)
        found = mentions(
            [h for h, ok in zip(hits, keep, strict=True) if ok],
            [b.kind for b in art.blocks],
            self.specificity,
            self.broad,
        )
        if self.discover:
            terms = article_terms(art, taken or {}, self.catalogue, self.lexicon, _term_salience)
            if not found:
                # an article naming no catalogue concept (a record or book
                # review on a tech blog) may not be tech writing: its names
                # count as terms only if another article names them too
                terms = [alone(m) for m in terms]
            found += terms
        return found


def _term_salience(in_title: bool, headings: int, count: int, first: float) -> float:
    """A discovered term's salience: a catalogue concept's, from title, headings,
    prose count and first position (terms are not found in code)."""
    return salience(in_title, headings, count, 0, first, first == 0.0, 0.0)


#: compiled extractors by catalogue version (a hash of the catalogue's files)
#: and whether they discover terms
_EXTRACTORS: dict[tuple[str, bool], Extractor] = {}


def get_extractor(catalogue: Catalogue | None = None, discover: bool = False) -> Extractor:
    """A compiled :class:`Extractor` for the catalogue (built once, then reused);
    with ``discover``, its mentions end with the article's terms
    (:func:`kgraph.extract.terms.article_terms`), as a build wants them.

    >>> get_extractor() is get_extractor()
    True
    """
    cat = catalogue or load_catalogue()
    if not cat.version:  # built in memory without a content hash: nothing to key on
        return Extractor(cat, discover=discover)
    extractor = _EXTRACTORS.get((cat.version, discover))
    if extractor is None:
        if len(_EXTRACTORS) >= 4:  # a few catalogue versions at most
            _EXTRACTORS.pop(next(iter(_EXTRACTORS)))
        same = _EXTRACTORS.get((cat.version, not discover))
        if same is not None:  # the compiled matcher is the same: share it
            extractor = copy.copy(same)
            extractor.discover = discover
            extractor.lexicon = load_lexicon() if discover else None
        else:
            extractor = Extractor(cat, discover=discover)
        _EXTRACTORS[(cat.version, discover)] = extractor
    return extractor


def extract(text: ArticleText, catalogue: Catalogue | None = None) -> list[Mention]:
    """The concepts an article discusses, most salient first.

    Each :class:`~kgraph.records.Mention` has the canonical concept id, how
    often it is mentioned, its salience weight in 0..1 and one evidence
    sentence (at most 300 characters) containing the matched alias.
    """
    return get_extractor(catalogue).extract(text)


def extract_many(
    texts: Iterable[ArticleText], catalogue: Catalogue | None = None
) -> Iterator[list[Mention]]:
    """:func:`extract` over many articles, streamed in batches."""
    return get_extractor(catalogue).extract_many(texts)
