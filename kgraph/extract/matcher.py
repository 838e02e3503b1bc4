"""Stage 3a: the concept matcher. Compiles the catalogue's aliases into an
Aho-Corasick automaton (the fast engine; :mod:`kgraph.extract.spacy_component`
runs the same patterns in spaCy) and finds every match in a text.
:mod:`kgraph.extract.judge` then decides which matches count.

>>> from kgraph.catalogue.load import load_catalogue
>>> FastMatcher(load_catalogue()).find("Deploy with kubectl.", False)[0][2:4]
('kubectl', 'kubernetes')
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from operator import itemgetter
from typing import TYPE_CHECKING

import ahocorasick

from kgraph.catalogue import concepts as catalogue_module
from kgraph.catalogue import context as context_module
from kgraph.catalogue.concepts import Catalogue, normalise, surface_variants
from kgraph.catalogue.context import (
    common_words,
    plural_matches,
    word_rules,
)
from kgraph.extract.rules import compile_rules, word_key
from kgraph.extract.wordscan import is_word_char
from kgraph.memo import code_digest, memoised
from kgraph.records import ArticleText

if TYPE_CHECKING:
    pass

__all__ = [
    "EVIDENCE_MAX",
    "SENTENCE_MAX",
    "FastMatcher",
    "alias_patterns",
    "alias_table",
    "automaton_key",
    "camel_split",
    "same_length_lower",
    "searched_forms",
]

LOGGER = logging.getLogger(__name__)

EVIDENCE_MAX = 300
#: A "sentence" longer than this (a run-on block with no full stops) is cut to
#: a window around each match, so the work per match stays bounded.
SENTENCE_MAX = 1000


def alias_patterns(catalogue: Catalogue) -> list[tuple[str, str, bool]]:
    """Every surface form to match, as ``(form, match key, exact case?)``.

    Plain aliases and their variants are lowercase and keyed by concept id
    (a variant that is another concept's alias belongs to that concept), or
    by :func:`word_key` when the form needs context; ambiguous aliases are
    keyed ``"<concept>#<n>"`` by their rule.

    >>> from kgraph.catalogue.load import load_catalogue
    >>> ("goroutines", "go-goroutine", False) in alias_patterns(load_catalogue())
    True
    """
    out: dict[tuple[str, str, bool], None] = {}
    ambiguous = set(catalogue.ambiguous_index)
    words = word_rules(catalogue)
    common = common_words()
    for c in catalogue:
        for alias in (c.name, *c.aliases):
            if normalise(alias) in ambiguous:
                continue
            for form in surface_variants(alias, plural=plural_matches(alias, common)):
                key = normalise(form)
                if key and catalogue.index.get(key) == c.id:
                    low = " ".join(form.lower().split())
                    out[(low, word_key(c.id, low) if low in words else c.id, False)] = None
            for form in camel_split(alias) if c.hand_written else ():
                if catalogue.index.get(normalise(form), c.id) == c.id:
                    out[(form, c.id, True)] = None
        for n, rule in enumerate(c.ambiguous):
            rid = f"{c.id}#{n}"
            if rule.case_sensitive:
                out[(rule.alias, rid, True)] = None
            else:
                for form in surface_variants(rule.alias):
                    out[(" ".join(form.lower().split()), rid, False)] = None
    return sorted(out)


#: a CamelCase name's words: "TypeScript" -> Type, Script; "DynamoDB" -> Dynamo, DB
_CAMEL_WORDS = re.compile(r"[A-Z][a-z0-9]+|[A-Z]+(?![a-z])")


def camel_split(alias: str) -> list[str]:
    """A CamelCase name written as its words, as people often write it
    ("Type Script", "Dynamo DB", "Postgre SQL", "Git Hub"): matched in exactly
    that case only, only where the first word has three letters or more
    ("My SQL" and "Go Land" are ordinary words at the start of a sentence),
    and only for the hand-written catalogue's well-known names (a generated
    "SimpleDB" split is the title "A Simple DB in Rust").

    >>> camel_split("TypeScript"), camel_split("DynamoDB"), camel_split("MySQL")
    (['Type Script'], ['Dynamo DB'], [])
    >>> camel_split("macOS"), camel_split("Kubernetes"), camel_split("AWS")
    ([], [], [])
    >>> camel_split("GitHub Actions")
    ['Git Hub Actions']
    """
    tokens = alias.split(" ")
    split = [_camel_words(t) for t in tokens]
    if split == tokens:
        return []
    return [" ".join(split)]


def _camel_words(token: str) -> str:
    """One CamelCase word as its words ("GitHub" -> "Git Hub"), else as it is."""
    if not token.isalnum() or not token[:1].isupper():
        return token
    words = _CAMEL_WORDS.findall(token)
    if not 2 <= len(words) <= 3 or "".join(words) != token or len(words[0]) < 3:
        return token
    if not words[0][1:].islower():
        return token  # "AWSLambda", "IBMCloud": an acronym first is a name of its own
    return " ".join(words)


_LINE_END = re.compile(r"\n")
_WORDS = re.compile(r"\w+")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>\"']+|www\.[^\s<>\"']+|[\w.+-]+@[\w-]+\.[\w.-]+")
# a sentence ends after its full stop, closing quotes and spaces (only the
# match's end is used: starting at the stop, not behind it, lets the regex
# engine skip ahead to the next stop)
_SENT_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


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
#: edit both the matcher and the form signatures (:mod:`kgraph.pipeline.carryover`) need it.
_TABLE: dict[str, dict[str, _Entry]] = {}


def alias_table(catalogue: Catalogue) -> dict[str, _Entry]:
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
_ASCII_MARKS = bytes(i if is_word_char(chr(i)) else 0 for i in range(256))
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
    for form, (length, words, entries) in alias_table(catalogue).items():
        tail = is_word_char(form[-1])
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
    key = f"{catalogue.version}-{code_digest(__file__, catalogue_module.__file__, context_module.__file__)}"
    return memoised("matcher", key, lambda: _compile_matcher(catalogue), ahocorasick.Automaton)


class FastMatcher:
    """The same matches as :class:`ConceptMatcher`, found with an Aho-Corasick
    automaton over the raw text (pyahocorasick) instead of spaCy tokens.

    A match counts where the text has a word boundary at each end that is a
    word character in the alias (``\\b`` semantics), so ``S3`` matches in
    ``S3-bucket`` but not in ``S3X``; not in a dotted name (``danwebb.net``,
    ``index.html``) nor as the tail of a capitalised compound (``VA-API``). Overlaps resolve longest-first, as in
    the spaCy matcher. Sentences are found only in blocks that have a match.

    >>> from kgraph.catalogue.load import load_catalogue
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

        >>> from kgraph.catalogue.load import load_catalogue
        >>> m = FastMatcher(load_catalogue())
        >>> t = "AWS Lambda on S3, not S3X"
        >>> sorted((t[s:e], k) for s, e, _w, k in m.candidates(t))  # doctest: +NORMALIZE_WHITESPACE
        [('AWS', 'aws#w:aws'), ('AWS Lambda', 'aws-lambda'), ('Lambda', 'aws-lambda#0'),
         ('S3', 'amazon-s3#w:s3')]
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
                    # a name that starts with a dot (.NET) in a host name (danwebb.net)
                    or (start > 0 and text[start] == "." and w[start - 1].isalnum())
                ):
                    continue
                if (
                    # the tail of a capitalised compound (VA-API, X-Ray): another name
                    start > 1
                    and text[start - 1] == "-"
                    and (text[start - 2].isupper() or text[start - 2].isdigit())
                    and text[start].isalnum()
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
    lead, tail = is_word_char(form[0]), is_word_char(form[-1])
    return ("\x00" if lead else "") + _marked(form) + ("\x00" if tail else "")


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


def searched_forms(text: ArticleText) -> list[str]:
    """Each block of ``text`` as the automaton searches it (lower-cased, with
    the non-word characters marked): what :class:`FastMatcher` collects in
    ``marks``, for the build cache's sketches.

    >>> from kgraph.records import Block
    >>> searched_forms(ArticleText("a", (Block("code", "Go run"),)))
    ['go\\x00run']
    """
    return [_marked(_as_searched(b.text)) for b in text.blocks]
