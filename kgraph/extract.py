"""Stage 4: find the concepts an article discusses, with salience and evidence.

The spaCy pipeline needs no model download: a blank English tokenizer, the
rule-based ``sentencizer`` and the ``kgraph_concepts`` component, whose
phrase matchers are compiled from the catalogue in ``models/``. Matching is
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

import bisect
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .catalogue import AmbiguousAlias, Catalogue, load_catalogue, surface_variants
from .records import ArticleText, Mention

__all__ = ["EVIDENCE_MAX", "Extractor", "extract", "extract_many", "make_nlp"]

LOGGER = logging.getLogger(__name__)

EVIDENCE_MAX = 300
#: A "sentence" longer than this (a run-on block with no full stops) is cut to
#: a window around each match, so the work per match stays bounded.
SENTENCE_MAX = 1000
_PROSE = ("paragraph", "item", "quote", "table", "heading")
_WORDY = re.compile(r"^[\w ]+$")


@dataclass(frozen=True)
class _Rule:
    """An ambiguous alias rule compiled for fast checks on a sentence."""

    needs: frozenset[str]
    cue_re: re.Pattern[str] | None
    veto_re: re.Pattern[str] | None


def _phrase_re(phrases: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        esc = re.escape(p.strip() if p.strip() else p)
        if _WORDY.match(p.strip() or "x"):
            parts.append(rf"(?<!\w){esc}(?!\w)")
        else:
            parts.append(esc)
    return re.compile("|".join(parts), re.I) if parts else None


def _compile_rule(rule: AmbiguousAlias) -> _Rule:
    return _Rule(frozenset(rule.needs), _phrase_re(rule.cues), _phrase_re(rule.veto))


class ConceptMatcher:
    """Phrase matchers for every alias of the catalogue; sets ``doc.spans["concepts"]``.

    Each span has ``kb_id_`` = concept id, ``label_`` = concept type and
    ``id_`` = ``""`` for a plain alias or ``"<concept>#<n>"`` naming the
    ambiguous rule it needs checked.
    """

    def __init__(self, nlp: Language, catalogue: Catalogue, resolve: bool = True) -> None:
        self.catalogue = catalogue
        self.resolve = resolve
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.rules: dict[str, _Rule] = {}
        by_key: dict[str, list[str]] = defaultdict(list)
        for key, cid in catalogue.index.items():
            by_key[cid].append(key)
        make = nlp.make_doc
        for cid in sorted(by_key):
            self.lower.add(cid, [make(k) for k in sorted(by_key[cid])])
        for concept in catalogue:
            for n, rule in enumerate(concept.ambiguous):
                rid = f"{concept.id}#{n}"
                self.rules[rid] = _compile_rule(rule)
                if rule.case_sensitive:
                    self.exact.add(rid, [make(rule.alias)])
                else:
                    self.lower.add(rid, [make(v.lower()) for v in surface_variants(rule.alias)])

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
            hits = [_Hit(s.kb_id_, s.id_, 0, "paragraph", _sentence(s), s.text) for s in spans]
            keep = _judge(hits, self.rules, self.catalogue)
            spans = [s for s, ok in zip(spans, keep, strict=True) if ok]
        doc.spans["concepts"] = spans
        return doc


@Language.factory(
    "kgraph_concepts",
    default_config={"models": None, "resolve": True},
)
def _make_component(nlp: Language, name: str, models: str | None, resolve: bool) -> ConceptMatcher:
    """spaCy factory: ``nlp.add_pipe("kgraph_concepts")`` on any English pipeline."""
    return ConceptMatcher(nlp, load_catalogue(models), resolve=resolve)


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


@dataclass(frozen=True)
class _Hit:
    concept: str
    rule: str  # "" for a plain alias
    block: int
    kind: str
    sentence: str
    surface: str


def _sentence(span: Span) -> str:
    try:
        return span.sent.text
    except ValueError:  # no sentence boundaries set
        return span.doc.text


class _Sentences:
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


def _judge(hits: list[_Hit], rules: dict[str, _Rule], catalogue: Catalogue) -> list[bool]:
    """Which hits count: plain ones always; ambiguous ones when their context
    supports them, iterated until nothing changes (an accepted ambiguous hit
    can support another)."""
    keep = [not h.rule for h in hits]
    context: set[str] = set()

    def grow(cid: str) -> None:
        if cid not in context:
            context.add(cid)
            context.update(catalogue.ancestors(cid))

    for h, ok in zip(hits, keep, strict=True):
        if ok:
            grow(h.concept)
    vetoed = [
        bool(h.rule and rules[h.rule].veto_re and rules[h.rule].veto_re.search(h.sentence))
        for h in hits
    ]
    changed = True
    while changed:
        changed = False
        for i, h in enumerate(hits):
            if keep[i] or vetoed[i]:
                continue
            rule = rules[h.rule]
            if (rule.needs & context) or (rule.cue_re and rule.cue_re.search(h.sentence)):
                keep[i] = True
                grow(h.concept)
                changed = True
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


def _evidence_rank(h: _Hit) -> tuple[int, int]:
    if h.kind in ("paragraph", "item", "quote"):
        quality = 0 if 30 <= len(h.sentence) <= 400 else 1
    elif h.kind in ("heading", "table"):
        quality = 2
    elif h.kind == "title":
        quality = 3
    else:
        quality = 4
    return (quality, h.block)


def _mentions(hits: list[_Hit], n_blocks: int) -> list[Mention]:
    by_concept: dict[str, list[_Hit]] = defaultdict(list)
    for h in hits:
        by_concept[h.concept].append(h)
    out = []
    for cid, group in by_concept.items():
        best = min(group, key=_evidence_rank)
        out.append(
            Mention(
                concept=cid,
                count=len(group),
                weight=_salience(
                    any(h.kind == "title" for h in group),
                    sum(h.kind == "heading" for h in group),
                    len(group),
                    min(h.block for h in group) / max(n_blocks, 1),
                ),
                evidence=_trim(best.sentence, best.surface),
                alias=best.surface,
            )
        )
    out.sort(key=lambda m: (-m.weight, -m.count, m.concept))
    return out


class Extractor:
    """A compiled pipeline for one catalogue; reuse it for many articles.

    >>> ex = Extractor()
    >>> from kgraph.records import ArticleText, Block
    >>> [m.concept for m in ex.extract(ArticleText("a", (Block("paragraph", "Deploy with kubectl."),)))]
    ['kubernetes']
    """

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue or load_catalogue()
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.matcher = ConceptMatcher(self.nlp, self.catalogue, resolve=False)

    def extract(self, text: ArticleText) -> list[Mention]:
        """Concepts of one article (see :func:`extract`)."""
        return next(self.extract_many([text]))

    def extract_many(
        self, texts: Iterable[ArticleText], batch_size: int = 256
    ) -> Iterator[list[Mention]]:
        """Concepts of many articles, in order; blocks are streamed through spaCy in batches."""
        pending: list[tuple[ArticleText, list[_Hit]]] = []

        def blocks() -> Iterator[tuple[str, tuple[int, int]]]:
            for art in texts:
                pending.append((art, []))
                idx = len(pending) - 1
                if not art.blocks:
                    continue
                for b, block in enumerate(art.blocks):
                    # spaCy refuses texts over nlp.max_length (ValueError E088)
                    yield block.text[: self.nlp.max_length - 1], (idx, b)

        done = 0
        pipe = self.nlp.pipe(blocks(), as_tuples=True, batch_size=batch_size)
        for doc, (idx, b) in pipe:
            art, hits = pending[idx]
            kind = art.blocks[b].kind
            sentence_of = _Sentences(doc)
            for span in self.matcher.spans(doc):
                if kind == "code":
                    text = sentence_of.text
                    line_start = text.rfind("\n", 0, span.start_char) + 1
                    line_end = text.find("\n", span.end_char)
                    sentence = text[line_start : line_end if line_end >= 0 else None]
                else:
                    sentence = sentence_of(span)
                hits.append(_Hit(span.kb_id_, span.id_, b, kind, sentence, span.text))
            while done < idx:  # every article before idx is complete
                yield self._finish(*pending[done])
                pending[done] = (pending[done][0], [])
                done += 1
        while done < len(pending):
            yield self._finish(*pending[done])
            done += 1

    def _finish(self, art: ArticleText, hits: list[_Hit]) -> list[Mention]:
        keep = _judge(hits, self.matcher.rules, self.catalogue)
        return _mentions([h for h, ok in zip(hits, keep, strict=True) if ok], len(art.blocks))


@lru_cache(maxsize=4)
def _extractor_for(version: str, catalogue_id: int) -> Extractor:
    return Extractor(_catalogues[catalogue_id])


_catalogues: dict[int, Catalogue] = {}


def get_extractor(catalogue: Catalogue | None = None) -> Extractor:
    """A compiled :class:`Extractor` for the catalogue (built once, then reused)."""
    cat = catalogue or load_catalogue()
    _catalogues[id(cat)] = cat
    return _extractor_for(cat.version, id(cat))


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
