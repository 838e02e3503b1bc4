"""Stage 4: find the concepts an article discusses, with salience and evidence.

The spaCy pipeline needs no model download: a blank English tokenizer, the
rule-based ``sentencizer`` and the ``kgraph_concepts`` component
(:mod:`kgraph.spacy_component`), whose phrase matchers are compiled from the
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
import logging
import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import ahocorasick

from . import catalogue as catalogue_module
from ._io import cached_pickle, code_digest
from .catalogue import AmbiguousAlias, Catalogue, load_catalogue, normalise, surface_variants
from .discover import load_lexicon
from .records import ArticleText, Mention
from .terms import article_terms

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "EVIDENCE_MAX",
    "SKETCH_BITS",
    "Extractor",
    "automaton_key",
    "extract",
    "extract_many",
    "has_bits",
    "make_nlp",
    "same_length_lower",
    "sketch",
    "text_sketch",
    "trigram_bits",
]

LOGGER = logging.getLogger(__name__)

EVIDENCE_MAX = 300
#: A "sentence" longer than this (a run-on block with no full stops) is cut to
#: a window around each match, so the work per match stays bounded.
SENTENCE_MAX = 1000
_WORDY = re.compile(r"^[\w ]+$")


class _Phrases:
    """Phrases to look for in a sentence, case-insensitively; a phrase made of
    words and spaces only must stand as whole words (``in go`` is not in ``in going``).

    Plain substring search (C speed) with a boundary check, not one big regex:
    a rule is checked once per ambiguous match, thousands of times per article.

    >>> _Phrases(["in go", "go.mod"]).search("Written in Go, see go.mod")
    True
    >>> _Phrases(["in go"]).search("keep going in gold")
    False
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        stripped = sorted({p.strip().lower() for p in phrases if p.strip()})
        self.items = tuple((p, bool(_WORDY.match(p))) for p in stripped)

    def __bool__(self) -> bool:
        return bool(self.items)

    def search(self, sentence: str) -> bool:
        lower = sentence.lower()
        for phrase, whole_words in self.items:
            at = lower.find(phrase)
            while at >= 0:
                end = at + len(phrase)
                if not whole_words or (
                    (at == 0 or not _is_word(lower[at - 1]))
                    and (end == len(lower) or not _is_word(lower[end]))
                ):
                    return True
                at = lower.find(phrase, at + 1)
        return False


@dataclass(frozen=True)
class _Rule:
    """An ambiguous alias rule compiled for fast checks on a sentence."""

    needs: frozenset[str]
    cues: _Phrases
    veto: _Phrases


def _compile_rule(rule: AmbiguousAlias) -> _Rule:
    return _Rule(frozenset(rule.needs), _Phrases(rule.cues), _Phrases(rule.veto))


def compile_rules(catalogue: Catalogue) -> dict[str, _Rule]:
    """Every ambiguous alias rule, keyed ``"<concept>#<n>"``."""
    return {
        f"{c.id}#{n}": _compile_rule(rule) for c in catalogue for n, rule in enumerate(c.ambiguous)
    }


def alias_patterns(catalogue: Catalogue) -> list[tuple[str, str, bool]]:
    """Every surface form to match, as ``(form, match key, exact case?)``.

    Plain aliases and their variants are lowercase and keyed by concept id
    (a variant that is another concept's alias belongs to that concept);
    ambiguous aliases are keyed ``"<concept>#<n>"`` by their rule.

    >>> ("goroutines", "go-goroutine", False) in alias_patterns(load_catalogue())
    True
    """
    out: dict[tuple[str, str, bool], None] = {}
    ambiguous = set(catalogue.ambiguous_index)
    for c in catalogue:
        for alias in (c.name, *c.aliases):
            if normalise(alias) in ambiguous:
                continue
            for form in surface_variants(alias):
                key = normalise(form)
                if key and catalogue.index.get(key) == c.id:
                    out[(" ".join(form.lower().split()), c.id, False)] = None
        for n, rule in enumerate(c.ambiguous):
            rid = f"{c.id}#{n}"
            if rule.case_sensitive:
                out[(rule.alias, rid, True)] = None
            else:
                for form in surface_variants(rule.alias):
                    out[(" ".join(form.lower().split()), rid, False)] = None
    return sorted(out)


_LINE_END = re.compile(r"\n")
_WORDS = re.compile(r"\w+")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>\"']+|www\.[^\s<>\"']+|[\w.+-]+@[\w-]+\.[\w.-]+")
# a sentence ends after its full stop, closing quotes and spaces (only the
# match's end is used: starting at the stop, not behind it, lets the regex
# engine skip ahead to the next stop)
_SENT_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _as_searched(text: str) -> str:
    """``text`` as the automaton searches it, before marking: lowered
    (:func:`same_length_lower`), each URL and e-mail address blanked (no
    match is made in one)."""
    lower = same_length_lower(text)
    if "://" in lower or "@" in lower or "www." in lower:
        return _URL.sub(lambda m: " " * len(m.group(0)), lower)
    return lower


def same_length_lower(text: str) -> str:
    """``text`` lowercased, except the few characters whose lowercase is longer
    (``İ``), kept as they are: match offsets in the lowered text are offsets
    in ``text``.

    >>> same_length_lower("İstanbul GO")
    'İstanbul go'
    """
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lower


#: The value the automaton keeps for each form: (length, words, ((match key, exact form or None), ...)).
_Entry = tuple[int, int, tuple[tuple[str, "str | None"], ...]]


#: The last alias table worked out, by catalogue version: after a catalogue
#: edit both the matcher and the form signatures (:mod:`kgraph.carryover`) need it.
_TABLE: dict[str, dict[str, _Entry]] = {}


def _alias_table(catalogue: Catalogue) -> dict[str, _Entry]:
    """Every form to match (lowercase), with its length, word count and
    ``(match key, exact form or None)`` entries."""
    if catalogue.version and catalogue.version in _TABLE:
        return _TABLE[catalogue.version]
    table: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for form, key, is_exact in alias_patterns(catalogue):
        table[form.lower()].append((key, form if is_exact else None))
    out = {
        form: (len(form), len(_WORDS.findall(form)) or 1, tuple(entries))
        for form, entries in table.items()
    }
    if catalogue.version:
        _TABLE.clear()
        _TABLE[catalogue.version] = out
    return out


#: ASCII non-word bytes to NUL: ``bytes.translate`` is a plain table lookup,
#: three times faster than ``str.translate`` even on ASCII text.
_ASCII_MARKS = bytes(i if _is_word(chr(i)) else 0 for i in range(256))
_NON_WORD = re.compile(r"\W")  # the same as not _is_word, on every code point


def _marked(text: str) -> str:
    """``text`` with every non-word character replaced by NUL, same length.

    >>> _marked("Go's S3-bucket")
    'Go\\x00s\\x00S3\\x00bucket'
    >>> _marked("Ørsted’s café?")
    'Ørsted\\x00s\\x00café\\x00'
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_MARKS).decode("ascii")
    # Other text is mostly ASCII too, with a few curly quotes or dashes: mark
    # it as ASCII with every other character a "?" (so a NUL), then put back
    # the few of those that are word characters (é, ø). Where "?" is common
    # (text in another script), the regex does it in one pass.
    raw = text.encode("ascii", "replace")  # one "?" per non-ASCII character
    if raw.count(b"?") > len(raw) // 8:
        return _NON_WORD.sub("\x00", text)
    marked = raw.translate(_ASCII_MARKS).decode("ascii")
    pieces: list[str] = []
    done = 0
    at = raw.find(b"?")
    while at >= 0:
        ch = text[at]
        if ch.isalnum():  # not a real "?": a non-ASCII word character
            pieces += (marked[done:at], ch)
            done = at + 1
        at = raw.find(b"?", at + 1)
    if not pieces:
        return marked
    pieces.append(marked[done:])
    return "".join(pieces)


#: The (match key, exact form or None) pairs of one form.
_Entries = tuple[tuple[str, "str | None"], ...]
#: One way the forms of a key can end where the automaton reports it:
#: ``(end shift, length, words, entries, forms)``. A form of word characters
#: only has its ``entries`` and no ``forms``; otherwise ``entries`` is None
#: and ``forms`` maps every form of that span (``node.js``, ``node-js``) to
#: its entries, so the text is sliced and looked up once, not once per form.
_Variant = tuple[int, int, int, "_Entries | None", "dict[str, _Entries] | None"]


def _compile_matcher(catalogue: Catalogue) -> ahocorasick.Automaton:
    """The automaton of every alias form, keyed to run over marked text.

    The text is searched as ``NUL + marked text + NUL`` (:func:`_marked`:
    every non-word character a NUL), and a form is keyed as its marked self
    with a NUL before it if it starts with a word character and after it if
    it ends with one. The automaton then reports only matches with a word
    boundary at each word-character end: most raw hits of a short form (and
    nearly all of a letter such as R or C) are inside longer words, and
    rejecting them one by one in Python was most of the matching time.
    Marking blurs non-word characters (``node.js``, ``node-js`` and
    ``.node js`` share a key), so a form that has any is kept with its
    variant and checked against the text.
    """
    keyed: dict[str, list[_Variant]] = defaultdict(list)
    for form, (length, words, entries) in _alias_table(catalogue).items():
        tail = _is_word(form[-1])
        key = automaton_key(form)
        variants = keyed[key]
        if _WORDS.fullmatch(form):
            variants.append((int(tail), length, words, entries, None))
            continue
        # only a run of forms of one span shares a table: the candidates
        # then come out in the order the forms are listed (at most one of
        # a span's forms can equal the text; one marked key, one word count)
        last = variants[-1] if variants else None
        if last is not None and last[4] is not None and last[:2] == (int(tail), length):
            last[4][form] = entries
        else:
            variants.append((int(tail), length, words, None, {form: entries}))
    automaton = ahocorasick.Automaton()
    for key, variants in keyed.items():
        automaton.add_word(key, tuple(variants))
    automaton.make_automaton()
    return automaton


def _cached_matcher(catalogue: Catalogue) -> ahocorasick.Automaton:
    """The compiled matcher (:func:`_compile_matcher`), from the user's cache when the catalogue and the
    matching code are unchanged (compiling 20k+ alias forms takes about a second)."""
    if not catalogue.version:
        return _compile_matcher(catalogue)
    key = f"{catalogue.version}-{code_digest(__file__, catalogue_module.__file__)}"
    return cached_pickle("matcher", key, lambda: _compile_matcher(catalogue), ahocorasick.Automaton)


class FastMatcher:
    """The same matches as :class:`ConceptMatcher`, found with an Aho-Corasick
    automaton over the raw text (pyahocorasick) instead of spaCy tokens.

    A match counts where the text has a word boundary at each end that is a
    word character in the alias (``\\b`` semantics), so ``S3`` matches in
    ``S3-bucket`` but not in ``S3X``. Overlaps resolve longest-first, as in
    the spaCy matcher. Sentences are found only in blocks that have a match.

    >>> m = FastMatcher(load_catalogue())
    >>> [(text, key) for _s, _e, text, key, _sent in m.find("Go's goroutines talk on S3-buckets.")]
    [('Go', 'go#0'), ('goroutines', 'go-goroutine'), ('S3-buckets', 'amazon-s3')]
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.rules = compile_rules(catalogue)
        self.automaton = _cached_matcher(catalogue)

    def candidates(
        self, text: str, marks: list[str] | None = None
    ) -> list[tuple[int, int, int, str]]:
        """Every alias form in ``text`` with a word boundary at each end, as
        ``(start, end, words, match key)``, overlaps not resolved yet.

        >>> m = FastMatcher(load_catalogue())
        >>> t = "AWS Lambda on S3, not S3X"
        >>> sorted((t[s:e], k) for s, e, _w, k in m.candidates(t))  # doctest: +NORMALIZE_WHITESPACE
        [('AWS', 'aws'), ('AWS Lambda', 'aws-lambda'), ('Lambda', 'aws-lambda#0'),
         ('Lambda', 'python-lambda#0'), ('S3', 'amazon-s3')]
        """
        lower = _as_searched(text)
        found: list[tuple[int, int, int, str]] = []
        append = found.append
        n = len(text)
        # a dotted name's head or tail is not a match (see below); the test is
        # skipped in the third of the blocks that have no dot at all
        dotted = "." in text
        # word-character tests as C-level isalnum() on slices: "_" counts as a letter
        w = text.replace("_", "a") if dotted and "_" in text else text
        # the automaton reports only matches with word boundaries at their
        # word-character ends (see _compile_matcher); the marked text is the
        # lowered one shifted by its leading NUL
        marked = _marked(lower)
        if marks is not None:  # the words the text was searched for: its sketch
            marks.append(marked)
        for end_idx, variants in self.automaton.iter(f"\x00{marked}\x00"):
            for shift, length, words, entries, forms in variants:
                end = end_idx - shift
                start = end - length
                if dotted and (
                    # a dotted name's tail (index.html, s3.amazonaws) or head (deploy.yaml, Node.js)
                    (start > 1 and text[start - 1] == "." and w[start - 2].isalnum())
                    or (end + 1 < n and text[end] == "." and w[end + 1].isalnum())
                ):
                    continue
                if forms is not None:  # "node js" is not the form "node.js"
                    entries = forms.get(lower[start:end])
                    if entries is None:
                        continue
                for key, exact in entries:
                    if exact is None or text[start:end] == exact:
                        append((start, end, words, key))
        return found

    def find(
        self, text: str, lines: bool = False, marks: list[str] | None = None
    ) -> list[tuple[int, int, str, str, str]]:
        """Matches in ``text`` as ``(start, end, surface, match key, sentence)``;
        with ``lines`` (code), the line of the match stands for its sentence;
        ``marks`` gets the text as searched (:func:`sketch`)."""
        found = self.candidates(text, marks)
        n = len(text)
        if not found:
            return []
        # longest in words first (as spaCy's matcher counts tokens), then
        # earliest, then longest in characters: three stable sorts on C-level
        # keys cost less than one on a Python key function
        found.sort(key=_END, reverse=True)
        found.sort(key=_START)
        found.sort(key=_WORD_COUNT, reverse=True)
        kept = _without_overlaps(found)
        pattern = _LINE_END if lines else _SENT_END
        bounds = [0, *map(_MATCH_END, pattern.finditer(text)), n + 1]
        out = []
        # one string per sentence (or window) shown, by where it starts: a
        # start is inside one sentence, which fixes where the window ends
        sentences: dict[int, str] = {}
        for start, end, key in kept:
            i = bisect_right(bounds, start) - 1
            lo, hi = bounds[i], bounds[i + 1]
            if hi - lo > SENTENCE_MAX:  # a run-on block: a window around the match
                half = max((SENTENCE_MAX - (end - start)) // 2, 0)
                lo = max(lo, start - half)
                hi = min(hi, lo + SENTENCE_MAX)
            sentence = sentences.get(lo)
            if sentence is None:
                sentence = sentences[lo] = text[lo:hi].strip()
            out.append((start, end, text[start:end], key, sentence))
        return out


def automaton_key(form: str) -> str:
    """What the automaton looks for to find ``form`` (a lowercase alias form):
    the form marked (:func:`_marked`), with a NUL before it if it starts with a
    word character and after it if it ends with one (see :func:`_compile_matcher`).

    >>> automaton_key("node.js"), automaton_key("c++")
    ('\\x00node\\x00js\\x00', '\\x00c\\x00\\x00')
    """
    lead, tail = _is_word(form[0]), _is_word(form[-1])
    return ("\x00" if lead else "") + _marked(form) + ("\x00" if tail else "")


#: A sketch is a bitmap of ``2 ** SKETCH_BITS`` bits (1 KB): one bit per hashed
#: byte trigram of the text as the automaton searched it.
SKETCH_BITS = 13
_HASH = 2654435761  # Knuth's multiplicative hash, on 32-bit trigram codes


def trigram_bits(key: str) -> frozenset[int] | None:
    """The sketch bits a text must have set to contain ``key`` (an
    :func:`automaton_key`), or None for a key too short to tell (under three
    bytes: punctuation-only forms), which any text may contain.

    >>> len(trigram_bits(automaton_key("go")))  # NUL g o, g o NUL
    2
    """
    raw = key.encode("utf-8", "surrogatepass")
    if len(raw) < 3:
        return None
    shift = 32 - SKETCH_BITS
    return frozenset(
        (((raw[i] << 16 | raw[i + 1] << 8 | raw[i + 2]) * _HASH) & 0xFFFFFFFF) >> shift
        for i in range(len(raw) - 2)
    )


def sketch(marks: Iterable[str]) -> bytes:
    """A bitmap of the byte trigrams of texts as :meth:`FastMatcher.candidates`
    searched them (lowered, every non-word character a NUL: ``marks``, one per
    block, each between NULs): a text that contains an alias form has every
    bit of its :func:`trigram_bits` set, so :mod:`kgraph.carryover` can tell
    which articles a catalogue change may touch. (Text inside URLs, where
    nothing matches, is left out.) Numpy hashes the trigrams: 0.06 ms for an
    article of 1,200 words, where a set of its words took 0.17 ms.

    >>> bitmap = sketch([_marked("go; s3")])
    >>> len(bitmap), has_bits(bitmap, trigram_bits(automaton_key("s3")))
    (1024, True)
    """
    import numpy as np

    raw = ("\x00" + "\x00\x00".join(marks) + "\x00").encode("utf-8", "surrogatepass")
    data = np.frombuffer(raw, np.uint8).astype(np.uint32)
    codes = data[:-2] << 16 | data[1:-1] << 8 | data[2:]
    bits = np.zeros(1 << SKETCH_BITS, np.bool_)
    bits[(codes * np.uint32(_HASH)) >> np.uint32(32 - SKETCH_BITS)] = True
    return np.packbits(bits).tobytes()


def has_bits(bitmap: bytes, bits: Iterable[int] | None) -> bool:
    """Whether a :func:`sketch` has all of ``bits`` set (None: yes)."""
    if bits is None:
        return True
    if len(bitmap) != 1 << (SKETCH_BITS - 3):
        raise ValueError("not a sketch")
    return all(bitmap[b >> 3] & (0x80 >> (b & 7)) for b in bits)


def text_sketch(text: ArticleText) -> bytes:
    """:func:`sketch` of every block of ``text`` (title, prose, code), as the
    fast engine searches them.

    >>> from kgraph.records import Block
    >>> bitmap = text_sketch(ArticleText("a", (Block("code", "go run ."),)))
    >>> has_bits(bitmap, trigram_bits("\\x00run\\x00")), has_bits(bitmap, trigram_bits("\\x00rust\\x00"))
    (True, False)
    """
    return sketch(_marked(_as_searched(b.text)) for b in text.blocks)


_START, _END, _WORD_COUNT = itemgetter(0), itemgetter(1), itemgetter(2)
_MATCH_END = re.Match.end


def _without_overlaps(found: list[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    """The matches of ``found`` (in priority order) that overlap no match
    kept before them, other than one of the same span (two keys of one
    form), as ``(start, end, key)`` sorted by start and key.

    >>> _without_overlaps([(0, 9, 2, "aws-lambda"), (0, 3, 1, "aws"), (4, 9, 1, "l#0"), (4, 9, 1, "l#1")])
    [(0, 9, 'aws-lambda')]
    >>> _without_overlaps([(4, 6, 1, "b"), (0, 3, 1, "a"), (0, 3, 1, "a2")])
    [(0, 3, 'a'), (0, 3, 'a2'), (4, 6, 'b')]
    """
    # The spans kept are disjoint, so in order of start they are in order of
    # end too, and a span can overlap only the last of them that starts before
    # it ends: one bisection per match, however many are kept.
    starts: list[int] = []
    ends: list[int] = []
    kept: list[tuple[int, int, str]] = []
    for start, end, _words, key in found:
        i = bisect_left(starts, end)
        if i and ends[i - 1] > start:
            if starts[i - 1] != start or ends[i - 1] != end:
                continue  # overlaps a longer (or earlier) match
        else:
            starts.insert(i, start)
            ends.insert(i, end)
        kept.append((start, end, key))
    # spans kept are disjoint or equal: a start has one end, so tuple order
    # is the order of start and key
    return sorted(set(kept))


def make_nlp(models: str | None = None, resolve: bool = True) -> Language:
    """A ready spaCy pipeline: blank English tokenizer, sentencizer and the
    ``kgraph_concepts`` component (see :mod:`kgraph.spacy_component`, which
    is the only module that imports spaCy).

    >>> doc = make_nlp()("We store files in Amazon S3 and deploy with kubectl.")
    >>> [(s.text, s.kb_id_) for s in doc.spans["concepts"]]
    [('Amazon S3', 'amazon-s3'), ('kubectl', 'kubernetes')]
    """
    from .spacy_component import make_nlp as make

    return make(models, resolve)


def __getattr__(name: str) -> Any:
    """``ConceptMatcher`` and the factory ``_make_component`` (where an older
    ``spacy_factories`` entry point looks for it) live in
    :mod:`kgraph.spacy_component`, imported on first use."""
    if name in ("ConceptMatcher", "_make_component"):
        from . import spacy_component

        return getattr(spacy_component, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Hit(NamedTuple):
    """One match in an article (a named tuple: built for every match, so it
    must be cheap to make)."""

    concept: str
    rule: str  # "" for a plain alias
    block: int
    kind: str
    sentence: str
    surface: str


def _judge(hits: list[_Hit], rules: dict[str, _Rule], catalogue: Catalogue) -> list[bool]:
    """Which hits count: plain ones always; ambiguous ones when their context
    supports them, iterated until nothing changes (an accepted ambiguous hit
    can support another)."""
    keep = [not h.rule for h in hits]
    if all(keep):
        return keep  # nothing ambiguous to judge
    context: set[str] = set()

    def grow(cid: str) -> None:
        if cid not in context:
            context.update(catalogue.with_broader(cid))

    pending: list[tuple[int, _Hit, _Rule]] = []  # ambiguous hits not vetoed, in order
    for i, h in enumerate(hits):
        if not h.rule:
            if h.concept not in context:  # most hits repeat a concept: no call then
                grow(h.concept)
            continue
        rule = rules[h.rule]
        if not (rule.veto and rule.veto.search(h.sentence)):
            pending.append((i, h, rule))
    # Only the first pass looks for cues: a later one sees the same sentences,
    # and only the context can have grown since.
    rest: list[tuple[int, _Hit, _Rule]] = []
    for i, h, rule in pending:
        if not rule.needs.isdisjoint(context) or rule.cues.search(h.sentence):
            keep[i] = True
            grow(h.concept)
        else:
            rest.append((i, h, rule))
    while len(rest) < len(pending):  # something was accepted: its context may support more
        pending, rest = rest, []
        for i, h, rule in pending:
            if not rule.needs.isdisjoint(context):
                keep[i] = True
                grow(h.concept)
            else:
                rest.append((i, h, rule))
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


#: How good a hit's sentence is as evidence, lower is better, by block kind
#: (paragraphs, list items and quotes: 0, or 1 if too short or too long).
_QUALITY = {"paragraph": 0, "item": 0, "quote": 0, "heading": 2, "table": 2, "title": 3}
_OTHER_QUALITY = 4


class _Group:
    """What the mention of one concept is made of: its hits' count, where
    they are, and the hit with the best (quality, block) evidence (the first
    of them, as ``min`` picks)."""

    __slots__ = ("best", "count", "first", "headings", "in_title", "rank")

    def __init__(self, hit: _Hit, rank: tuple[int, int]) -> None:
        self.count = 1
        self.in_title = hit.kind == "title"
        self.headings = int(hit.kind == "heading")
        self.first = hit.block
        self.rank = rank
        self.best = hit


def _mentions(hits: list[_Hit], n_blocks: int) -> list[Mention]:
    # one pass over the hits (an article has thousands in all, its concepts
    # tens): every per-hit test once, in this loop
    groups: dict[str, _Group] = {}
    for h in hits:
        kind = h.kind
        quality = _QUALITY.get(kind, _OTHER_QUALITY)
        if quality == 0 and not 30 <= len(h.sentence) <= 400:
            quality = 1
        rank = (quality, h.block)
        group = groups.get(h.concept)
        if group is None:
            groups[h.concept] = _Group(h, rank)
            continue
        group.count += 1
        if kind == "title":
            group.in_title = True
        elif kind == "heading":
            group.headings += 1
        if h.block < group.first:
            group.first = h.block
        if rank < group.rank:
            group.rank, group.best = rank, h
    out = [
        Mention(
            concept=cid,
            count=g.count,
            weight=_salience(g.in_title, g.headings, g.count, g.first / max(n_blocks, 1)),
            evidence=_trim(g.best.sentence, g.best.surface),
            alias=g.best.surface,
        )
        for cid, g in groups.items()
    ]
    out.sort(key=lambda m: (-m.weight, -m.count, m.concept))
    return out


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
        #: also find the article's terms (:func:`kgraph.terms.article_terms`)
        self.discover = discover
        self.lexicon = load_lexicon() if discover else None
        # each match key as (concept, rule), worked out once per extractor
        self._split_keys: dict[str, tuple[str, str]] = {}
        if engine == "fast":
            self.fast = FastMatcher(self.catalogue)
            self.rules = self.fast.rules
        else:
            import spacy

            from .spacy_component import ConceptMatcher

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
        sketches: list[bytes] | None = None,
    ) -> Iterator[list[Mention]]:
        """Concepts of many articles, in order; ``sketches`` (if given) gets
        each article's :func:`sketch` as it is done."""
        if self.engine == "spacy":
            if sketches is None:
                yield from self._extract_spacy(texts, batch_size)
                return
            texts = list(texts)  # read twice: the pipeline, then the sketches
            for art, found in zip(texts, self._extract_spacy(texts, batch_size), strict=True):
                sketches.append(text_sketch(art))
                yield found
            return
        for art in texts:
            taken: dict[int, list[tuple[int, int]]] | None = {} if self.discover else None
            if sketches is None:
                yield self._finish(art, self._fast_hits(art, None, taken), taken)
                continue
            marks: list[str] = []
            hits = self._fast_hits(art, marks, taken)
            sketches.append(sketch(marks))
            yield self._finish(art, hits, taken)

    def _fast_hits(
        self,
        art: ArticleText,
        marks: list[str] | None = None,
        taken: dict[int, list[tuple[int, int]]] | None = None,
    ) -> list[_Hit]:
        """Every match of an article; ``taken`` (if given) gets each prose
        block's ``(start, end)`` spans, which a term may not overlap."""
        hits: list[_Hit] = []
        append = hits.append
        find = self.fast.find
        split = self._split_keys
        for b, block in enumerate(art.blocks):
            kind = block.kind
            found = find(block.text, kind == "code", marks)
            if taken is not None and found and kind != "code":
                taken[b] = [(m[0], m[1]) for m in found]
            for _start, _end, surface, key, sentence in found:
                parts = split.get(key)
                if parts is None:  # first seen: "go#0" is rule "go#0" of concept "go"
                    cid, sep, _n = key.partition("#")
                    parts = split[key] = (cid, key if sep else "")
                append(_Hit(parts[0], parts[1], b, kind, sentence, surface))
        return hits

    def matches(self, text: ArticleText) -> list[tuple[int, str, str]]:
        """Every match that counts, as ``(block index, surface text, concept id)``,
        in text order: what :meth:`extract` aggregates into mentions (fast engine).

        >>> from kgraph.records import Block
        >>> Extractor().matches(ArticleText("a", (Block("paragraph", "Let's go. Go has goroutines."),)))
        [(0, 'Go', 'go'), (0, 'goroutines', 'go-goroutine')]
        """
        hits = self._fast_hits(text)
        keep = _judge(hits, self.rules, self.catalogue)
        return [(h.block, h.surface, h.concept) for h, ok in zip(hits, keep, strict=True) if ok]

    def _extract_spacy(
        self, texts: Iterable[ArticleText], batch_size: int
    ) -> Iterator[list[Mention]]:
        from .spacy_component import _Sentences

        pending: list[tuple[ArticleText, list[_Hit], dict[int, list[tuple[int, int]]]]] = []

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
            sentence_of = _Sentences(doc)
            spans = self.matcher.spans(doc)
            if spans and kind != "code":
                taken[b] = [(s.start_char, s.end_char) for s in spans]
            for span in spans:
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
                pending[done] = (pending[done][0], [], {})
                done += 1
        while done < len(pending):
            yield self._finish(*pending[done])
            done += 1

    def _finish(
        self,
        art: ArticleText,
        hits: list[_Hit],
        taken: dict[int, list[tuple[int, int]]] | None = None,
    ) -> list[Mention]:
        keep = _judge(hits, self.rules, self.catalogue)
        found = _mentions([h for h, ok in zip(hits, keep, strict=True) if ok], len(art.blocks))
        if self.discover:
            found += article_terms(art, taken or {}, self.catalogue, self.lexicon, _salience)
        return found


#: compiled extractors by catalogue version (a hash of the catalogue's files)
#: and whether they discover terms
_EXTRACTORS: dict[tuple[str, bool], Extractor] = {}


def get_extractor(catalogue: Catalogue | None = None, discover: bool = False) -> Extractor:
    """A compiled :class:`Extractor` for the catalogue (built once, then reused);
    with ``discover``, its mentions end with the article's terms
    (:func:`kgraph.terms.article_terms`), as a build wants them.

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
