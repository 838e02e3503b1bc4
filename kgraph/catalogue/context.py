"""Which aliases count only with context, worked out from the catalogue's data.

An alias is ambiguous when it is a common English word (``container``,
``spring``: its Zipf frequency in ``models/common-words-en.txt``, derived from
wordfreq, is at least :data:`COMMON_ZIPF`), when it is three letters or fewer
(``apt``, ``SAM``), or when two concepts share it (those must already be
``ambiguous`` entries with rules). A plain alias of the first two kinds gets a
*word rule* here, so no list of words is kept by hand and a catalogue of any
size is covered: it counts only with evidence,

- its exact spelling where case matters: a product name (not a topic or a
  practice) written with its capitals, not at the start of a sentence
  (``Docker`` in mid-sentence, not ``docker``), or an acronym or a name with an
  inner capital or digit anywhere (``AWS``, ``iOS``, ``S3``);
- in code, a command or an import naming it (``pip install``, ``import json``);
- or a related concept found in the same article: a narrower one, a parent
  that is not a broad topic (and so a sibling under it), or a concept its
  rules need.

>>> from kgraph.catalogue.load import load_catalogue
>>> cat = load_catalogue()
>>> rules = word_rules(cat)
>>> rules["container"].reason, rules["container"].case, sorted(rules["container"].support)
('common', '', ['containers'])
>>> rules["pip"].reason, sorted(rules["pip"].support), rules["aws"].case
('short', ['pip', 'python'], 'any')
>>> "kubernetes" in rules   # rare as an English word: a plain alias
False
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kgraph.catalogue.concepts import Catalogue, Concept, normalise, surface_variants
from kgraph.catalogue.load import models_dir

__all__ = [
    "COMMON_ZIPF",
    "SHORT",
    "WordRule",
    "catalogue_warnings",
    "common_words",
    "context_reason",
    "plural_matches",
    "word_frequencies",
    "word_rules",
    "words_file",
]

#: Zipf frequency at and above which a one-word alias is a common English word
#: (3.0: once per million words; "container" 4.0, "stateless" 2.9 is not).
COMMON_ZIPF = 3.0
#: The same for a product's name, which wordfreq counts high because the web
#: talks about it ("python" 3.8, "linux" 4.0): only an everyday word this
#: frequent is ambiguous as a product name ("windows" 4.7, "assembly" 4.6)...
PRODUCT_ZIPF = 4.5
#: ...and for a company's, between the two ("uber" 4.0, "zoom" 3.8)
COMPANY_ZIPF = 3.5
#: aliases of at most this many letters and digits are ambiguous
SHORT = 3
#: types whose names are proper nouns: their capitals are evidence
PROPER_TYPES = frozenset(
    {
        "aws-service",
        "cloud-service",
        "language",
        "framework",
        "library",
        "tool",
        "database",
        "protocol",
        "standard",
        "platform",
        "company",
        "os",
        "format",
        "certification",
    }
)
_ONE_WORD = re.compile(r"[a-z]+")


def words_file(directory: Path | None = None) -> Path:
    """The word-frequency list shipped in ``models/``."""
    return (directory or models_dir()) / "common-words-en.txt"


@lru_cache(maxsize=4)
def _read_words(path: str) -> dict[str, float]:
    out: dict[str, float] = {}
    file = Path(path)
    if not file.is_file():
        return out
    for line in file.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, zipf = line.partition("\t")
            out[word] = float(zipf or 0)
    return out


def word_frequencies(directory: Path | None = None) -> Mapping[str, float]:
    """Every word of the shipped list with its Zipf frequency.

    >>> word_frequencies()["container"] > 3.5
    True
    """
    return _read_words(str(words_file(directory)))


@lru_cache(maxsize=4)
def common_words(directory: Path | None = None, min_zipf: float = COMMON_ZIPF) -> frozenset[str]:
    """English words at least as frequent as ``min_zipf``.

    >>> words = common_words()
    >>> "spring" in words, "kubernetes" in words
    (True, False)
    """
    freq = _read_words(str(words_file(directory)))
    return frozenset(w for w, z in freq.items() if z >= min_zipf)


def _threshold(ctype: str) -> float:
    if ctype == "company":
        return COMPANY_ZIPF
    return PRODUCT_ZIPF if ctype in PROPER_TYPES else COMMON_ZIPF


def context_reason(form: str, words: Mapping[str, float], ctype: str = "concept") -> str | None:
    """Why a surface form needs context: ``"short"``, ``"common"`` or None.

    >>> w = word_frequencies()
    >>> context_reason("apt", w), context_reason("container", w), context_reason("Kubernetes", w)
    ('short', 'common', None)
    >>> context_reason("Python", w, "language"), context_reason("Windows", w, "os")
    (None, 'common')
    >>> context_reason("C++", w), context_reason("S3", w)
    (None, 'short')
    """
    key = form.strip().lower()
    if len(key) <= SHORT and key.isalnum():  # C++, C#, .NET: symbols make it distinctive
        return "short"
    if _ONE_WORD.fullmatch(key) and words.get(key, 0.0) >= _threshold(ctype):
        return "common"
    return None


def plural_matches(alias: str, words: frozenset[str]) -> bool:
    """Whether the plural variant of a name of several words may be matched.
    Not when its last word is a capitalised common word: "AWS Supports" would
    match the verb in "AWS supports six types of policies".

    >>> w = common_words()
    >>> plural_matches("AWS Support", w), plural_matches("Lambda function", w)
    (False, True)
    """
    parts = _SPLIT.split(alias.strip())
    if len(parts) < 2:
        return True
    last = parts[-1]
    return not (last[:1].isupper() and last[1:].islower() and last.lower() in words)


@dataclass(frozen=True)
class WordRule:
    """The implicit rule of a plain alias form that needs context."""

    #: the catalogue spelling the form comes from
    form: str
    #: "short" or "common"
    reason: str
    #: concepts whose presence in the article (or a narrower one's) supports it
    support: frozenset[str]
    #: whether its exact capitalised spelling is evidence, and where
    case: str  # "" (never), "mid" (not at a sentence start), "any"


def _case_evidence(concept: Concept, spelling: str) -> str:
    """Whether the exact spelling of an alias tells a name from a word."""
    if spelling.lower() == spelling:
        return ""  # nothing to tell by case
    inner = any(ch.isupper() or ch.isdigit() for ch in spelling[1:])
    if inner:  # AWS, iOS, GitHub, S3: never an everyday word's capitalisation
        return "any"
    return "mid" if concept.type in PROPER_TYPES else ""


def support_of(cat: Catalogue, concept: Concept) -> frozenset[str]:
    """The concepts whose presence supports an ambiguous alias of ``concept``:
    itself (a narrower concept found counts), its parents that are not broad
    topics (a sibling found counts) and what its rules need.

    >>> from kgraph.catalogue.load import load_catalogue
    >>> sorted(support_of(load_catalogue(), load_catalogue()["pip"]))
    ['pip', 'python']
    """
    ids = {concept.id}
    ids.update(p for p in concept.parents if p in cat and cat[p].type != "topic")
    for rule in concept.ambiguous:
        ids.update(n for n in rule.needs if n in cat)
    return frozenset(ids)


def word_rules(cat: Catalogue, directory: Path | None = None) -> dict[str, WordRule]:
    """Every plain alias form (lowercase, as matched) that needs context, with
    its rule. Computed once per catalogue version: a dictionary lookup per
    form, so it stays fast at 6,000+ concepts."""
    key = (cat.version, str(directory))
    cached = _RULES.get(key) if cat.version else None
    if cached is not None:
        return cached
    words = word_frequencies(directory)
    out: dict[str, WordRule] = {}
    ambiguous = set(cat.ambiguous_index)
    for c in cat:
        support: frozenset[str] | None = None
        for alias in (c.name, *c.aliases):
            key = normalise(alias)
            if key in ambiguous:
                continue
            for form in _candidate_forms(alias, key):
                low = " ".join(form.lower().split())
                if low in out or cat.index.get(normalise(form)) != c.id:
                    continue
                reason = context_reason(form, words, c.type)
                if reason is None:
                    continue
                if support is None:
                    support = support_of(cat, c)
                out[low] = WordRule(form, reason, support, _case_evidence(c, form))
    if cat.version:
        if len(_RULES) >= 4:
            _RULES.pop(next(iter(_RULES)))
        _RULES[key] = out
    return out


_RULES: dict[tuple[str, str], dict[str, WordRule]] = {}
_SPLIT = re.compile(r"[ -]")


def _candidate_forms(alias: str, key: str) -> list[str]:
    """The surface forms of an alias that can be one word or short: the alias
    and its plural when it is one word or short, the joined form of a two- or
    three-word alias (``auto scaling`` -> ``autoscaling``) and its plural.
    Other forms (a phrase of several words) never need a word rule, and
    skipping them keeps this a few microseconds per alias.

    >>> _candidate_forms("Container", "container"), _candidate_forms("auto scaling", "auto scaling")
    (['Container', 'Containers'], ['autoscaling', 'autoscalings'])
    """
    if _ONE_WORD.fullmatch(key) or (len(key) <= SHORT and key.isalnum()):
        return surface_variants(alias)
    parts = _SPLIT.split(" ".join(alias.split()))
    if 1 < len(parts) <= 3 and all(p.isalpha() for p in parts):
        return surface_variants("".join(parts))
    return []


def _has_route(cat: Catalogue, cid: str, rules: dict[str, WordRule], children: set[str]) -> bool:
    """Whether an alias of ``cid`` needing context can ever count: some other
    evidence than the concept's own name exists."""
    c = cat[cid]
    if len(support_of(cat, c)) > 1 or cid in children:
        return True
    return any(
        " ".join(f.lower().split()) not in rules
        for a in (c.name, *c.aliases)
        for f in surface_variants(a)[:1]
    )


def catalogue_warnings(cat: Catalogue, directory: Path | None = None) -> list[str]:
    """Aliases that need context but have no rule that could ever supply it:
    the concept has no parent but broad topics, nothing narrower, no rule and no
    other alias, and the alias has no capitals to tell it by. They can never
    count; give them ``ambiguous`` rules (cues, needs) or a distinctive alias.

    >>> from kgraph.catalogue.load import load_catalogue
    >>> catalogue_warnings(load_catalogue())
    []
    """
    rules = word_rules(cat, directory)
    children = {p for c in cat for p in c.parents}
    out: list[str] = []
    for _form, rule in sorted(rules.items()):
        cid = cat.index.get(normalise(rule.form))
        if cid is None or rule.case:  # its capitals tell it by
            continue
        if not _has_route(cat, cid, rules, children):
            out.append(
                f"{cat[cid].source}: {cid}: alias {rule.form!r} is a {rule.reason} word with no "
                "context to tell it by (no specific parent, nothing narrower, no rule, no other "
                "alias): add an 'ambiguous' rule with cues or needs"
            )
    return out
