"""Term discovery, the words: names in prose that no catalogue entry holds.

The catalogue cannot know every tool people write about. While an article is
analysed, :func:`find_terms` also finds the words and short phrases of its
prose that are clearly names by their shape (docs/catalogue.md, "Names the
catalogue lacks"): CamelCase (``WireGuard``), acronyms (``COFF``), letters
with digits (``Spinn3r``, ``PE32``), dotted or hyphened names (``Node.js``,
``MS-DOS``) and capitalised words that are no common English word
(``Promtail``), continued by a following capitalised name or product word
(``TwiML Bin``). Left out: common English (``models/common-words-en.txt``,
derived from wordfreq), the stop list (``models/discover/stoplist.toml``:
greetings, months, weekdays, generic interface words and acronyms, shell
built-ins, identifier patterns, person-name cues), sentence openers, code
identifiers, people's names, and anything a catalogue match covers.
`kgraph.extract.terms` adds names from code and gathers an article's terms.

>>> [f.surface for f in find_terms("We ship logs with Promtail and WireGuard tunnels.")]
['Promtail', 'WireGuard']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import tomllib

from kgraph.catalogue.concepts import normalise
from kgraph.catalogue.load import models_dir
from kgraph.extract.wordscan import word_count

__all__ = [
    "ACRONYM_ZIPF",
    "COMMON_ZIPF",
    "Found",
    "Lexicon",
    "find_terms",
    "load_lexicon",
    "opens_sentence",
    "title_case",
]

#: A capitalised word at or above this Zipf frequency is common English.
COMMON_ZIPF = 3.0
#: A sentence opener as common as this (The, Then, With) may stand before a
#: name; a rarer capitalised word there (Matt, Vladimir) makes it a person's.
_OPENER_ZIPF = 5.5
#: An acronym whose lowercase is this common is a shouted word (NOT, CODE).
ACRONYM_ZIPF = 4.0


@dataclass(frozen=True)
class Lexicon:
    """Common English words (lowercase -> Zipf frequency) and the stop list."""

    english: dict[str, float]
    stop: frozenset[str]
    commands: frozenset[str]
    prefixes: frozenset[str]
    joiners: frozenset[str]
    continuations: frozenset[str]
    person_before: frozenset[str]
    person_after: frozenset[str]
    #: the shape of each word met so far (words recur: "The" thousands of times)
    shapes: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    #: the same by a word as the scan meets it, trailing dots and hyphens included
    raw: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def shape(self, word: str) -> str | None:
        """The kind of name ``word`` is by its shape (not opening a sentence), or None.

        >>> load_lexicon().shape("WireGuard"), load_lexicon().shape("Storage")
        ('camel', None)
        """
        kind = self.shapes.get(word, "")
        if kind == "":
            if len(self.shapes) > 1 << 16:
                self.shapes.clear()
                self.raw.clear()
            kind = self.shapes[word] = _shape(word, self)
        return kind

    def zipf(self, word: str) -> float:
        """Zipf frequency of a word (0 if rarer than the list's threshold)."""
        return self.english.get(word.lower(), 0.0)

    def common(self, word: str, threshold: float = COMMON_ZIPF) -> bool:
        """Whether ``word`` (or its singular or stem) is common English.

        >>> lex = load_lexicon()
        >>> lex.common("Directories"), lex.common("Promtail")
        (True, False)
        """
        lower = word.lower()
        if self.english.get(lower, 0.0) >= threshold:
            return True
        return any(self.english.get(stem, 0.0) >= threshold + 0.5 for stem in _stems(lower))


def _stems(word: str) -> Iterator[str]:
    if word.endswith("ies") and len(word) > 4:
        yield word[:-3] + "y"
    if word.endswith("es") and len(word) > 4:
        yield word[:-2]
    if word.endswith("s") and len(word) > 3:
        yield word[:-1]
    for suffix in ("ed", "ing", "er", "ers"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            yield word[: -len(suffix)]
            yield word[: -len(suffix)] + "e"


@functools.lru_cache(maxsize=4)
def load_lexicon(folder: str | None = None) -> Lexicon:
    """Common English (``<models>/common-words-en.txt``) and the stop list
    (``<models>/discover/stoplist.toml``) of a models folder (default: the
    bundled one), loaded once.

    >>> load_lexicon().zipf("the") > 7
    True
    """
    base = Path(folder) if folder else models_dir()
    english: dict[str, float] = {}
    with (base / "common-words-en.txt").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            word, _, z = line.rstrip("\n").partition("\t")
            english[word] = float(z)
    stop = tomllib.loads((base / "discover" / "stoplist.toml").read_text(encoding="utf-8"))

    def words(*keys: str) -> frozenset[str]:
        return frozenset(w.lower() for k in keys for w in stop.get(k, ()))

    return Lexicon(
        english,
        words("words", "calendar", "ui", "acronyms"),
        words("commands"),
        words("identifier_prefixes"),
        words("identifier_joiners"),
        words("name_continuations"),
        words("person_before"),
        words("person_after"),
    )


class Found(NamedTuple):
    """A name found in a text: where, as written, and its shape."""

    start: int
    end: int
    surface: str
    kind: str  # camel, acronym, digits, dotted, cap


_HAS_UPPER = re.compile(r"[A-Z]")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_DIGITS = re.compile(r"[A-Z][A-Za-z]+[0-9][A-Za-z0-9]*")
_INNER = re.compile(r"[A-Za-z][a-z0-9]*[A-Z]")
_HUMP = re.compile(r"[A-Z][a-z0-9]+|[A-Z]+(?![a-z])|^[a-z]+")
_PLAIN_CAP = re.compile(r"[A-Z][a-z]+")
_MAC = re.compile(r"Ma?c[A-Z][a-z]+")
_ENGLISH_END = re.compile(
    r"..(?:ing|ed|tion|sion|ment|ness|ity|able|ible|ly|ance|ence|ive|ous|ful|less|ship|ism|ist|ize|ise)s?$"
)


def _plain_cap(word: str) -> bool:
    """A capitalised plain word: Vadim, Michaël (not WireGuard, not PE)."""
    return len(word) > 1 and word.isalpha() and word.istitle()


def opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence, a line or the text
    (quotes, brackets, bullets and spaces before it aside).

    >>> opens_sentence("Yes. Then", 5), opens_sentence("say Then", 4), opens_sentence('He said: "Then', 10)
    (True, False, True)
    """
    i = start - 1
    while i >= 0 and text[i] in _LEADING:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


_LEADING = frozenset(" \t\"'“‘([*•-–—")
_SENTENCE_END = frozenset(".!?:;\n…")


def _identifier(word: str, lex: Lexicon) -> bool:
    """Whether a CamelCase word is a code identifier (``sendLoop``,
    ``SizeOfImage``, ``ParseFile``) rather than a name (``WireGuard``, ``iOS``)."""
    humps = _HUMP.findall(word)
    if word[0].islower() and len(humps[0]) > 2:
        return (
            True  # lowerCamel with a word before the first capital: sendLoop, not iOS or wxWidgets
        )
    if len(humps) >= 3 and sum(1 for h in humps if h[0].isupper() and h[1:].islower()) >= 3:
        return True  # three capitalised words run together
    lowered = [h.lower() for h in humps]
    if lowered[0] in lex.prefixes and len(humps) > 1:
        return True
    return any(h in lex.joiners for h in lowered[1:])


#: file name extensions: ``Chart.yaml`` is a file, not a name
_EXTENSIONS = frozenset(
    [
        "yaml",
        "yml",
        "json",
        "py",
        "rb",
        "go",
        "txt",
        "md",
        "html",
        "htm",
        "xml",
        "conf",
        "cfg",
        "ini",
        "toml",
        "sh",
        "cpp",
        "c",
        "h",
        "hpp",
        "java",
        "cs",
        "php",
        "pl",
        "log",
        "csv",
        "sql",
        "tf",
        "lock",
        "dmg",
        "exe",
        "zip",
        "tar",
        "gz",
        "tgz",
        "pkg",
        "deb",
        "rpm",
        "msi",
        "iso",
        "img",
        "jar",
        "war",
        "apk",
        "pdf",
        "png",
        "jpg",
        "svg",
    ]
)


def _dotted(word: str, lex: Lexicon) -> str | None:
    """``Node.js``, ``ASP.NET``, ``MS-DOS``, ``PE-bear``: a dotted or hyphened
    word is a name when a part of it is shaped like one and it is no file name
    or member access (``Chart.yaml``, ``Event.addBehavior``, ``r.EventChan``)."""
    parts = re.split(r"[.\-]", word)
    if "." in word:
        tail = word.rsplit(".", 1)[1]
        if tail.lower() in _EXTENSIONS or any(p[:1].islower() and _INNER.match(p) for p in parts):
            return None
        if len(parts[0]) == 1 or any(_identifier(p, lex) for p in parts if _INNER.match(p)):
            return None
        if tail.islower() and len(tail) <= 3 and word[0].isupper():
            return "dotted"  # Node.js, Socket.io
    if parts[-1].lower() in lex.stop:
        return None  # SUP-IDs, URL-encoded
    shapes = [lex.shape(p) for p in parts]
    if any(k in ("camel", "acronym", "digits") for k in shapes):
        return "dotted"
    return None


def _shape(word: str, lex: Lexicon) -> str | None:
    """The kind of name ``word`` is by its shape, or None (see :meth:`Lexicon.shape`)."""
    if len(word) < 2 or not _HAS_UPPER.search(word) or word.lower() in lex.stop:
        return None
    if _ACRONYM.fullmatch(word):
        if sum(c.isalpha() for c in word) < 2 or lex.zipf(word) >= ACRONYM_ZIPF:
            return None
        return "acronym"
    if word[-1] == "s" and _ACRONYM.fullmatch(word[:-1]) and word[:-2].isupper():
        return _shape(word[:-1], lex)  # plural: IDs, DTOs
    if _DIGITS.fullmatch(word):
        if (word.isupper() and len(word) > 8) or _identifier(word, lex):
            return None  # GO15VENDOREXPERIMENT, AmazonEC2ReadOnlyAccess
        return "digits"
    if "." in word or "-" in word:
        return _dotted(word, lex)
    if _MAC.fullmatch(word):
        word = word[0] + word[1:].lower()  # McLellan: a surname, judged as a plain capitalised word
    elif _INNER.match(word) and not word.isupper():
        return None if _identifier(word, lex) else "camel"
    if _PLAIN_CAP.fullmatch(word):
        if lex.common(word) or _ENGLISH_END.search(word):
            return None
        return "cap"
    return None


def find_terms(
    text: str,
    taken: Sequence[tuple[int, int]] = (),
    lexicon: Lexicon | None = None,
    heading: bool = False,
    people: set[str] | None = None,
    lower_text: str | None = None,
) -> list[Found]:
    """Names in one piece of prose that overlap none of the ``taken``
    ``(start, end)`` spans (catalogue matches), in text order.

    ``heading``: the text is a title or heading, where every word may be
    capitalised (a capital at its start is then no sentence opener).
    ``people`` (if given) gets the names left out as a person's.
    ``lower_text``: the whole document (default: ``text``); a capitalised
    word written in lowercase there as often is an ordinary word (a name
    mostly capitalised, ``Nokogiri`` beside ``require 'nokogiri'``, stays).

    >>> [(f.surface, f.kind) for f in find_terms("Tunnels: set up WireGuard and a TwiML Bin on a PE32 box.")]
    [('WireGuard', 'camel'), ('TwiML Bin', 'camel'), ('PE32', 'acronym')]
    >>> find_terms("Then we met Quentin Hardy and Vadim said so.")
    []
    """
    lex = lexicon or load_lexicon()
    words, capitals = _words(text, lex.shape)
    if not words:
        return []
    spans = sorted(taken) if taken else ()
    shouted: bool | None = None  # worked out at the first acronym

    def blocked(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in spans)

    out: list[Found] = []
    i, n = 0, len(words)
    while i < n:
        start, end, word, kind = words[i]
        i += 1
        if spans and blocked(start, end):
            continue
        if kind == "cap" and not heading and opens_sentence(text, start):
            continue  # a capital opening a sentence says nothing
        if kind == "acronym":
            if shouted is None:
                # a text written in capitals (INSERT BUFFER AND ADAPTIVE HASH INDEX) shows no acronyms
                caps = sum(1 for w in capitals if len(w) > 2 and w.isupper())
                shouted = caps >= 3 and caps > 0.4 * (text.count(" ") + 1)
            if shouted:
                continue
        if kind in ("camel", "acronym") and _field(text, start, end):
            continue
        while text[end : end + 1] == " ":  # a capitalised word right after may continue the name
            m = _TOKEN.match(text, end + 1)
            if m is None or not m.group()[0].isupper() or (spans and blocked(m.start(), m.end())):
                break
            nxt = m.group()
            if nxt.lower() not in lex.continuations and lex.shape(nxt) is None:
                break
            if kind == "acronym" and _ACRONYM.fullmatch(nxt):
                break  # OEM STEC: two names, or shouting
            end = m.end()
            while i < n and words[i][0] < end:
                i += 1
        surface = text[start:end]
        if kind == "cap":
            if _ordinary(lower_text if lower_text is not None else text, word):
                continue
            if _person(text, start, end, surface, heading, lex):
                if people is not None:
                    people.add(normalise(surface))
                continue
        out.append(Found(start, end, surface, kind))
    return out


def _words(
    text: str, shapes: Callable[[str], str | None]
) -> tuple[list[tuple[int, int, str, str]], list[str]]:
    """``(start, end, word, kind)`` of every word of ``text`` that starts with
    a capital and is shaped like a name (``shapes``: :meth:`Lexicon.shape`):
    letters and digits, inner dots or hyphens (``Node.js``, ``MS-DOS``), a
    final ``++`` or ``#``; never part of a path, an e-mail address, a URL, a
    longer dotted name or an identifier with underscores.

    Speed matters here (every capitalised word of every article): one
    ``findall`` in C, a dict lookup per word, positions only for the few
    shaped like names. (Names that start in lowercase, ``iOS``, are the
    catalogue's to know.) Also returns every capitalised word as found.

    >>> lex = load_lexicon()
    >>> words, _ = _words("Use Node.js and FerretDB; see /usr/FooDB, a@B.org, x.YzDB, MAX_LEN.", lex.shape)
    >>> [w for _, _, w, _ in words]
    ['Node.js', 'FerretDB']
    """
    out = []
    pos = 0
    known = shapes.__self__.raw if hasattr(shapes, "__self__") else {}
    found = _CAPITAL_RUN.findall(text)
    for word in found:
        kind = known.get(word, "")
        if kind is None:
            continue  # the common case: one dict lookup
        w = word
        if w[-1] in ".-+":
            w = w.rstrip(".-")
            if w.endswith("+") and not w.endswith("++"):
                w = w.rstrip("+")
        if kind == "":
            kind = known[word] = shapes(w)
            if kind is None:
                continue
        start = text.find(word, pos)
        while start > 0 and text[start - 1].isalnum():  # inside a longer word: the next one
            start = text.find(word, start + 1)
        if start < 0:
            continue
        end = start + len(w)
        pos = start + len(word)
        if (start and text[start - 1] in _NOT_BEFORE) or (
            end < len(text) and text[end] in _NOT_AFTER
        ):
            continue
        if "_" in w or not _TOKEN.fullmatch(w):
            continue
        out.append((start, end, w, kind))
    return out, found


_CAPITAL_RUN = re.compile(r"[A-Z][\w.+#-]*")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*(?:\+\+|#)?")
_NOT_BEFORE = frozenset("_@/\\$%.:-")
_NOT_AFTER = frozenset("@/\\_")


def _ordinary(text: str, word: str) -> bool:
    """Whether a capitalised ``word`` is an ordinary word of ``text``: written
    in lowercase there, as a word of a sentence (not ``config/promtail.yaml``
    or ``logging=promtail``), at least as often as capitalised.

    >>> _ordinary("Slop is fun. We like slop.", "Slop")
    True
    >>> _ordinary("Promtail ships logs: see config/promtail.yaml and logging=promtail.", "Promtail")
    False
    """
    low = word.lower()
    if low not in text:  # the usual case, found by a plain scan
        return False
    lower = sum(1 for _ in _as_prose(low).finditer(text))
    return lower > 0 and lower >= word_count(text, word)


@functools.lru_cache(maxsize=4096)
def _as_prose(word: str) -> re.Pattern[str]:
    """``word`` between spaces or sentence punctuation, as prose writes it."""
    return re.compile(rf"(?:^|(?<=[\s(\"'“‘]))({re.escape(word)})(?=$|[\s,;:!?)\"'”’]|\.(?!\w))")


def _field(text: str, start: int, end: int) -> bool:
    """Whether a word opens its text followed by a colon: a field or member
    described (``LoaderFlags: A reserved field...``), or the text is the word."""
    return not text[:start].strip() and (text[end:].lstrip()[:1] in (":", ""))


def _person(text: str, start: int, end: int, surface: str, heading: bool, lex: Lexicon) -> bool:
    """Whether a plain capitalised name looks like a person's: next to another
    capitalised word (Quentin Hardy), after a title or cue (Mr, thanks), or
    before a verb of saying (Vadim says)."""
    before = text[max(0, start - 20) : start].split()
    after = text[end : end + 20].split()
    if before and before[-1].lower().strip(".,") in lex.person_before:
        return True
    if any(
        w.lower().strip(".,") in lex.person_after for w in [x.strip(".,:;!?") for x in after[:2]]
    ):
        return True  # Vadim says, Midoriya once said
    if text[end : end + 2] in ("'s", "’s") and " " not in surface:
        return True  # Vadim's query
    if heading:
        return False
    if after and _plain_cap(after[0].strip(".,;:")) and text[end : end + 1] == " ":
        return True
    if before and _plain_cap(before[-1]):
        at = start - len(before[-1]) - 1
        if not opens_sentence(text, at) or lex.zipf(before[-1]) < _OPENER_ZIPF:
            return True  # Matt Mullenweg, even at the start of a sentence (not "Then Promtail")
    words = surface.split()
    # two or more plain capitalised words, none a product word: Stephane Maarek
    return (
        len(words) > 1
        and all(_plain_cap(w) for w in words)
        and words[-1].lower() not in lex.continuations
    )


def title_case(text: str) -> bool:
    """Whether most words of a title or heading are capitalised, as in
    "Getting Started With Promtail": its capitals then say nothing of names.

    >>> title_case("Getting Started With Promtail"), title_case("Shipping the logs with Promtail")
    (True, False)
    """
    words = [w for w in text.split() if w[:1].isalpha() and len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
