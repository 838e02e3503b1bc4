"""Stage 3b: judge the matches of one article. Ambiguous aliases, and plain
aliases that need context (:mod:`kgraph.catalogue.context`), count only when
their context supports them; :mod:`kgraph.extract.salience` then makes the
matches that count into :class:`~kgraph.records.Mention` records.

>>> from kgraph.catalogue.load import load_catalogue
>>> from kgraph.extract.rules import compile_rules
>>> cat = load_catalogue()
>>> hits = [Hit("docker", "", 0, "paragraph", "We ship it with Docker.", "Docker", 16),
...         Hit("containers", "containers#w:container", 1, "paragraph", "Each container is small.", "container", 5)]
>>> judge(hits, compile_rules(cat), cat)
[True, True]
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from kgraph.catalogue.concepts import Catalogue
from kgraph.extract.code import is_command
from kgraph.extract.rules import Rule

__all__ = ["Hit", "judge"]


class Hit(NamedTuple):
    """One match in an article (a named tuple: built for every match, so it
    must be cheap to make)."""

    concept: str
    rule: str  # "" for a plain alias
    block: int
    kind: str
    sentence: str
    surface: str
    start: int = -1  # in the block's text: tells two concepts of one span apart


_PROSE_KINDS = frozenset({"paragraph", "item", "quote", "table"})
_LEADING = " \t\"'“‘(*-•>#"


def _direct_evidence(h: Hit, rule: Rule, named: dict[tuple[int, str], set[str]]) -> bool:
    """Evidence for an ambiguous hit in its own sentence: a cue; for a word
    rule, its exact spelling where case tells (see :class:`Rule`), in code
    the command or import it is, or, for a common word, two other concepts
    named in the sentence (``named``: every hit's concept by block and
    sentence; a list: "AI, MCP, containers, open-source"). Not for a short
    alias: with thousands of concepts, any sentence names one ("Apt." beside
    Jasmine)."""
    if rule.cues and rule.cues.search(h.sentence):
        return True
    if rule.proper and h.kind in _PROSE_KINDS and h.surface == rule.case_form:
        return _proper_noun(h.sentence, h.surface) and not _title_run_after(h.sentence, h.surface)
    if not rule.word:
        return False
    others = named.get((h.block, h.sentence))
    if not rule.short and others and len(others - {h.concept}) >= 2:
        return True
    if rule.case_any:
        if h.surface == rule.case_form:
            return True
    elif (
        rule.case_form
        and h.surface[:1] == rule.case_form[:1]
        and h.surface[1:2].islower()
        and h.kind in _PROSE_KINDS
        # a name as written (Docker, WordPress or Wordpress), not DOCKER nor docker,
        # capitalised not because a sentence starts there nor inside a title-case
        # run ("Agile Web Development with Rails", a book)
        and _proper_noun(h.sentence, h.surface)
        and not _title_run_after(h.sentence, h.surface)
    ):
        return True
    if h.kind == "code":
        at = h.sentence.find(h.surface)
        return at >= 0 and is_command(h.sentence, at, at + len(h.surface))
    return False


def _proper_noun(sentence: str, surface: str) -> bool:
    """Whether ``surface`` stands in ``sentence`` as a proper noun of its own:
    capitalised inside the sentence, not right after a capitalised word (not
    the tail of a title-case label: "the Command Palette").

    >>> _proper_noun("I opened it in Excel.", "Excel"), _proper_noun("Open the Command Palette.", "Palette")
    (True, False)
    """
    at = sentence.find(surface)
    before = sentence[:at].rstrip()
    if at <= 0 or not before.strip(_LEADING):
        return False  # a capital opening the sentence says nothing
    prev = before.rsplit(None, 1)[-1].strip(_LEADING)
    return not (prev[:1].isupper() and prev[1:2].islower())  # "I", "VBA" are fine


def _title_run_after(sentence: str, surface: str) -> bool:
    """Whether a title-case word follows ``surface`` ("Agile Web ...").

    >>> _title_run_after("Agile Web Development with Rails", "Agile"), _title_run_after("Use Agile now", "Agile")
    (True, False)
    """
    at = sentence.find(surface) + len(surface)
    if sentence[at : at + 1] != " ":
        return False
    nxt = sentence[at + 1 : at + 3]
    return nxt[:1].isupper() and nxt[1:2].islower()


def judge(hits: list[Hit], rules: dict[str, Rule], catalogue: Catalogue) -> list[bool]:
    """Which hits count: plain ones always; ambiguous ones when their context
    supports them, iterated until nothing changes (an accepted ambiguous hit
    can support another). Where two concepts are accepted for one span
    (``Lambda``: AWS Lambda or a Python lambda), the one with evidence in its
    own sentence wins over one supported by the article only."""
    keep = [not h.rule for h in hits]
    if all(keep):
        return keep  # nothing ambiguous to judge
    context: set[str] = set()

    def grow(cid: str) -> None:
        if cid not in context:
            context.update(catalogue.with_broader(cid))

    pending: list[tuple[int, Hit, Rule]] = []  # ambiguous hits not vetoed, in order
    named: dict[tuple[int, str], set[str]] = defaultdict(set)  # concepts by sentence
    for i, h in enumerate(hits):
        named[(h.block, h.sentence)].add(h.concept)
        if not h.rule:
            if h.concept not in context:  # most hits repeat a concept: no call then
                grow(h.concept)
            continue
        rule = rules[h.rule]
        if not (rule.veto and rule.veto.search(h.sentence)):
            pending.append((i, h, rule))
    # Only the first pass looks for evidence in the sentence: a later one sees
    # the same sentences, and only the context can have grown since.
    strong: set[int] = set()
    rest: list[tuple[int, Hit, Rule]] = []
    for i, h, rule in pending:
        if _direct_evidence(h, rule, named):
            keep[i] = True
            strong.add(i)
            grow(h.concept)
        elif not rule.needs.isdisjoint(context):
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
    if strong:
        # one span, several concepts accepted: keep those with direct evidence
        spans: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, h in enumerate(hits):
            if keep[i] and h.rule and h.start >= 0:
                spans[(h.block, h.start)].append(i)
        for group in spans.values():
            if len(group) > 1 and any(i in strong for i in group):
                for i in group:
                    if i not in strong:
                        keep[i] = False
    return keep
