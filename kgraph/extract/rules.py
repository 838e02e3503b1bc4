"""The context rules of ambiguous aliases and of words that need context,
compiled once per catalogue for the judge (:mod:`kgraph.extract.judge`): the
words needed in the article, the cue and veto phrases of the sentence, and
the spellings that count as written.

>>> from kgraph.catalogue.load import load_catalogue
>>> rules = compile_rules(load_catalogue())
>>> rules["microsoft-excel#1"].proper, rules["microsoft-excel#1"].case_form
(True, 'Excel')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kgraph.catalogue.concepts import AmbiguousAlias, Catalogue, normalise
from kgraph.catalogue.context import WordRule, word_frequencies, word_rules
from kgraph.extract.wordscan import is_word_char

__all__ = ["GENERATED_PRODUCT_FILES", "PROPER_ZIPF", "Rule", "compile_rules", "word_key"]

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
                    (at == 0 or not is_word_char(lower[at - 1]))
                    and (end == len(lower) or not is_word_char(lower[end]))
                ):
                    return True
                at = lower.find(phrase, at + 1)
        return False


@dataclass(frozen=True)
class Rule:
    """An ambiguous alias rule compiled for fast checks on a sentence.

    A word rule (:mod:`kgraph.catalogue.context`: a plain alias that is a
    common word or three letters or fewer) also counts with its exact spelling
    (``case_form``: anywhere if ``case_any``, else not at a sentence start nor
    in a title or heading), in code as a command or import, and (a common
    word, not a ``short`` alias) beside two other concepts named in its
    sentence."""

    needs: frozenset[str]
    cues: _Phrases
    veto: _Phrases
    case_form: str = ""
    case_any: bool = False
    word: bool = False
    short: bool = False
    #: a generated product name (Excel, Jasmine) that also counts written as
    #: a proper noun: capitalised inside a sentence of prose
    proper: bool = False


_NO_PHRASES = _Phrases(())


#: catalogue files generated from lists of software names (StackOverflowNER,
#: GitHub topics, the CNCF landscape), whose rules were not written for each word
GENERATED_PRODUCT_FILES = (
    "stackoverflow-ner-names.jsonl",
    "github-topics.jsonl",
    "cncf-landscape.jsonl",
)
#: a name whose lowercase word is rarer than this reads as the product when
#: capitalised inside a sentence ("opened it in Excel"); commoner words
#: (Word, Office, Storm) need their context as written in the catalogue
PROPER_ZIPF = 4.5


def _compile_rule(rule: AmbiguousAlias, proper: bool = False) -> Rule:
    return Rule(
        frozenset(rule.needs),
        _Phrases(rule.cues),
        _Phrases(rule.veto),
        case_form=rule.alias if proper else "",
        proper=proper,
    )


def _proper(source: str, rule: AmbiguousAlias, freq: Mapping[str, float]) -> bool:
    """Whether a rule's alias is a generated product name that also counts as
    a proper noun (see :attr:`Rule.proper`): one capitalised word (Excel) or
    acronym (XAML) of a generated file whose lowercase is no common word."""
    a = rule.alias
    return (
        # hand-written rules say all the context their word needs
        source.startswith(GENERATED_PRODUCT_FILES)
        and rule.case_sensitive
        and a[:1].isupper()
        and a[1:].isalpha()
        and (a[1:].islower() or (a.isupper() and len(a) >= 3))
        and freq.get(a.lower(), 0.0) < PROPER_ZIPF
    )


def _compile_word_rule(rule: WordRule) -> Rule:
    return Rule(
        rule.support,
        _NO_PHRASES,
        _NO_PHRASES,
        case_form=rule.form if rule.case else "",
        case_any=rule.case == "any",
        word=True,
        short=rule.reason == "short",
    )


def word_key(concept: str, form: str) -> str:
    """The match key of a plain alias form that needs context (its word rule).

    >>> word_key("containers", "container")
    'containers#w:container'
    """
    return f"{concept}#w:{form}"


def compile_rules(catalogue: Catalogue) -> dict[str, Rule]:
    """Every ambiguous alias rule, keyed ``"<concept>#<n>"``, and every word
    rule, keyed by :func:`word_key`."""
    freq = word_frequencies()
    rules = {
        f"{c.id}#{n}": _compile_rule(rule, _proper(c.source, rule, freq))
        for c in catalogue
        for n, rule in enumerate(c.ambiguous)
    }
    for form, rule in word_rules(catalogue).items():
        cid = catalogue.index.get(normalise(rule.form))
        if cid is not None:
            rules[word_key(cid, form)] = _compile_word_rule(rule)
    return rules
