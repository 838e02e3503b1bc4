"""Salience and evidence: from an article's accepted matches to its mentions.

An article's top three concepts should be its subject (issue 21), so a
concept's weight grows with

- position: in the title, in headings, in the lead (the first two paragraphs),
  and how early it first comes;
- frequency in prose (a match in a code block counts a quarter: a shell
  snippet's package manager is not the subject; one in a list of four or more
  concepts, half) and spread (the share of the article's blocks it is in);
- specificity: a broad concept ranks below a specific one. From the catalogue,
  not a list: the more concepts sit below a concept the broader it is (AWS,
  Database, Security, API), and topics, practices and architectures are
  broader than the products of the same standing.

The evidence is the sentence that best shows the concept: from prose of a
readable length before a heading, the title or code, a sentence that says
what the concept is ("X is a ...") before one that only names it, then the
earliest.

>>> from types import SimpleNamespace as H
>>> hits = [H(concept="go", block=0, kind="title", sentence="Go tips", surface="Go"),
...         H(concept="api", block=1, kind="paragraph", sentence="Go has a small API surface.", surface="API")]
>>> [m.concept for m in mentions(hits, ["title", "paragraph"], {"go": 1.0, "api": 0.6})]
['go', 'api']
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

from kgraph.catalogue.concepts import Catalogue
from kgraph.extract.matcher import EVIDENCE_MAX
from kgraph.records import Mention

__all__ = ["EVIDENCE_MAX", "broad_concepts", "mentions", "salience", "specificity", "trim"]

#: types whose concepts are broad by nature (what an article is about is
#: rarely "Security" or "Documentation", even when it names them) or named in
#: passing (a company: "Google's report", "used by Airbnb")
_BROAD_TYPES = frozenset({"topic", "practice", "architecture", "concept", "company"})
#: spread is the share of an article's blocks with a match, out of at least
#: this many: in a post of four paragraphs one mention is no spread
_SPREAD_MIN_BLOCKS = 10
#: a concept that is one item of an enumeration (a run of commas) in a
#: sentence naming this many concepts is listed: it counts half there
_LIST_MIN = 3
#: a step of a click-through ("Select ACLs enabled", "Copy the Public IPv4
#: address"): what it names is a setting on the way, counted like a list
_UI_STEP = re.compile(
    r"^\W*(?:\d+[.)]\s*)?(?:select|click|choose|copy|paste|replace|scroll|enter|type|check|uncheck|"
    r"tick|press|hit|fill|leave|toggle)\b",
    re.I,
)
_THANKS = re.compile(
    r"\b(?:thanks|thank you|kudos|shout-?outs?|grateful|acknowledge?ments?|credits? to)\b", re.I
)


#: code hosts: named as where a post's code or page lives ("on my GitHub",
#: "their GitHub repository", "the project's GitHub page") they say where, not
#: what the article discusses
_HOSTS = frozenset({"github", "gitlab", "bitbucket"})
_HOST_AFTER = re.compile(
    r"\s*(?:repositor(?:y|ies)|repos?|page|pages|profile|account|org|organi[sz]ation|gist)\b", re.I
)
_HOST_BEFORE = re.compile(
    r"\b(?:on|at|from|to|in)\s+(?:(?:my|our|the|their|his|her|its|your|[\w-]+['’]s)\s+)?$", re.I
)


def _hosted_at(concept: str, sentence: str, surface: str) -> bool:
    """Whether a code host is named only as the place where something lives.

    >>> _hosted_at("github", "The code can be found on my github profile.", "github")
    True
    >>> _hosted_at("github", "Read the report on the Working Group's GitHub page.", "GitHub")
    True
    >>> _hosted_at("github", "If you store keys in GitHub Secrets, rotate them.", "GitHub Secrets")
    False
    >>> _hosted_at("github", "I need to work with Github, build and deploy.", "Github")
    False
    """
    if concept not in _HOSTS:
        return False
    low = surface.lower()
    if low.endswith(("repository", "repo", ".com", ".org")):
        return True
    if low != concept:  # a longer name: GitHub Secrets, GitLab CI
        return False
    at = sentence.find(surface)
    if at < 0:
        return False
    return (
        _HOST_AFTER.match(sentence, at + len(surface)) is not None
        or _HOST_BEFORE.search(sentence, 0, at) is not None
    )


#: a sentence pointing the reader to documentation ("see their documentation",
#: "as described by Microsoft documentation", "consult the provider's
#: documentation"): it names where to read more, not the practice
_POINTER = re.compile(
    r"\b(?:see|check(?:ing)?|consult(?:ing)?|refer(?:ring)? to|view|read|look(?:ing)? at|"
    r"head over to|follow(?:ing)?|described (?:by|in)|as per|according to|stud(?:y|ying)|"
    r"found (?:in|on)|more (?:in|on)|available (?:in|on)|details? in|with the help of|"
    r"documentation (?:says|describes|explains|states|shows|lists))\b",
    re.I,
)


def _points_to_docs(concept: str, sentence: str, surface: str) -> bool:
    """Whether "documentation" is named only as where to read more.

    >>> _points_to_docs("documentation", "To learn more about charts, view their documentation.", "documentation")
    True
    >>> _points_to_docs("documentation", "Good documentation is a product feature.", "documentation")
    False
    """
    return (
        concept == "documentation"
        and surface.lower() == "documentation"
        and _POINTER.search(sentence) is not None
    )


def _named_as_a_place(h: Any) -> bool:
    """Whether a hit names a code host or documentation only as where to look
    (:func:`_hosted_at`, :func:`_points_to_docs`); a title or heading
    ("... in GitLab") says what the post is about, so it always counts."""
    if h.kind in ("title", "heading"):
        return False
    return _hosted_at(h.concept, h.sentence, h.surface) or _points_to_docs(
        h.concept, h.sentence, h.surface
    )


def _thanks(sentence: str) -> bool:
    """Whether a sentence is a list of thanks (a thanks word and two commas or more).

    >>> _thanks("Thanks to Ann for the clang patches, Bob for FreeBSD, and the people of Red Hat.")
    True
    >>> _thanks("Thanks to Kubernetes, scaling is easy.")
    False
    """
    return sentence.count(",") >= 2 and _THANKS.search(sentence) is not None


#: matches in code beyond this many add nothing (a tool on every line of a
#: shell session is still a tool the session uses)
_CODE_MAX = 8
#: specificity factor of a broad concept named only in lists
_LISTED_ONLY = 0.3
_PROSE = frozenset({"paragraph", "item", "quote", "table"})
#: How good a hit's sentence is as evidence, lower is better, by block kind
#: (paragraphs, list items and quotes: 0, or 1 if too short or too long).
_QUALITY = {"paragraph": 0, "item": 0, "quote": 0, "heading": 2, "table": 2, "title": 3}
_OTHER_QUALITY = 4
#: below this salience a concept is only named in passing (once, late, in a
#: snippet's shell line, a manifest's ``kind:``, a footer link): read on the
#: dev feeds, such mentions are trivial or wrong far more often than not, so
#: they are not kept where the article has a subject (:data:`SUBJECT_MIN`
#: concepts at :data:`SUBJECT_WEIGHT` or more); a short snippet alone keeps them
MIN_WEIGHT = 0.08
SUBJECT_WEIGHT = 0.3
SUBJECT_MIN = 3
_DEFINES = re.compile(r" ?(?:is an? |is the |are |stands for |lets |allows |provides )")


def specificity(cat: Catalogue) -> dict[str, float]:
    """Each concept's specificity in (0, 1]: less the more concepts are
    narrower than it (transitively), steeply for a broad type (topic,
    practice, architecture, concept: Security, Documentation, API, and a
    company, named mostly in passing: these also start at 0.7), gently for a
    product (JavaScript, AWS: often the subject).
    Computed once per catalogue.

    >>> from kgraph.catalogue.load import load_catalogue
    >>> spec = specificity(load_catalogue())
    >>> spec["amazon-s3"] > spec["aws"], spec["go-goroutine"] > spec["concurrency"]
    (True, True)
    """
    children: dict[str, list[str]] = {}
    for c in cat:
        for p in c.parents:
            children.setdefault(p, []).append(c.id)
    below: dict[str, int] = {}

    def count(cid: str, trail: frozenset[str]) -> int:
        if cid in below:
            return below[cid]
        seen: set[str] = set()
        stack = list(children.get(cid, ()))
        while stack:
            x = stack.pop()
            if x in seen or x in trail:
                continue
            seen.add(x)
            stack.extend(children.get(x, ()))
        below[cid] = len(seen)
        return below[cid]

    out: dict[str, float] = {}
    for c in cat:
        # whole powers of two: one concept more below rarely changes a value,
        # so a catalogue edit rarely changes the weights of other articles
        level = math.floor(math.log2(1 + count(c.id, frozenset())))
        # a product is often the subject, however many sit below it
        broad = c.type in _BROAD_TYPES
        s = 0.7 / (1.0 + 0.12 * level) if broad else 1.0 / (1.0 + 0.04 * level)
        out[c.id] = round(s, 3)
    return out


def broad_concepts(cat: Catalogue) -> frozenset[str]:
    """The concepts of a broad type (topic, practice, architecture, concept,
    company).

    >>> from kgraph.catalogue.load import load_catalogue
    >>> b = broad_concepts(load_catalogue())
    >>> "security" in b, "amazon-s3" in b
    (True, False)
    """
    return frozenset(c.id for c in cat if c.type in _BROAD_TYPES)


def salience(
    in_title: bool,
    headings: int,
    prose: float,
    code: int,
    first: float,
    lead: bool,
    spread: float,
    spec: float = 1.0,
) -> float:
    """Salience in 0..1 (see the module doc): ``prose`` and ``code`` are the
    match counts in each, ``first`` the position of the first match (0..1),
    ``spread`` the share of the article's blocks with a match.

    >>> salience(True, 2, 10, 0, 0.0, True, 0.5) > salience(False, 0, 1, 0, 0.9, False, 0.05)
    True
    >>> salience(False, 0, 0, 6, 0.5, False, 0.1) < salience(False, 0, 2, 0, 0.5, False, 0.1)
    True
    """
    score = (
        2.0 * in_title
        + 0.7 * min(headings, 3)
        + math.log2(1 + prose + 0.25 * min(code, _CODE_MAX))
        + 0.5 * (1 - first)
        + 0.4 * lead
        + 1.0 * math.sqrt(max(spread, 0.0))
    )
    if not prose and not in_title and not headings:
        score *= 0.5  # only in code: a tool the snippet uses, not the subject
    return round(1 - math.exp(-score * spec / 3), 3)


def trim(sentence: str, surface: str) -> str:
    """Cut a sentence to EVIDENCE_MAX characters, keeping the matched text.

    >>> len(trim("word " * 100 + "Kafka" + " word" * 100, "Kafka")) <= EVIDENCE_MAX
    True
    """
    sentence = " ".join(sentence.split())
    if len(sentence) <= EVIDENCE_MAX:
        return sentence
    at = max(sentence.lower().find(surface.lower()), 0)
    start = max(0, min(at - EVIDENCE_MAX // 3, len(sentence) - (EVIDENCE_MAX - 2)))
    piece = sentence[start : start + EVIDENCE_MAX - 2].strip()
    return (
        ("…" if start > 0 else "")
        + piece
        + ("…" if start + EVIDENCE_MAX - 2 < len(sentence) else "")
    )


_AND_OR = re.compile(r"\b(?:and|or|&)$", re.I)


def _in_enumeration(sentence: str, surface: str) -> bool:
    """Whether ``surface`` is an item of a comma-separated enumeration of the
    sentence ("such as AWS, Azure, GCP, Kubernetes, Docker etc.").

    >>> s = "S3 is an object storage service that offers scalability, availability, security, and performance."
    >>> _in_enumeration(s, "object storage"), _in_enumeration(s, "security")
    (False, True)
    """
    if sentence.count(",") < 2:
        return False
    at = sentence.find(surface)
    if at < 0:
        return False
    before = sentence[max(0, at - 16) : at].rstrip()
    after = sentence[at + len(surface) : at + len(surface) + 8].lstrip()
    return before.endswith(",") or after.startswith(",") or _AND_OR.search(before) is not None


def _defines(sentence: str, surface: str) -> bool:
    """Whether the sentence says what the matched concept is ("X is a ...")."""
    at = sentence.find(surface)
    if at < 0:
        return False
    tail = sentence[at + len(surface) : at + len(surface) + 40]
    tail = tail.split(")", 1)[-1] if "(" in tail[:3] else tail
    return _DEFINES.match(tail) is not None


class _Group:
    """What the mention of one concept is made of."""

    __slots__ = (
        "best",
        "blocks",
        "code",
        "count",
        "discussed",
        "first",
        "headings",
        "in_title",
        "lead",
        "prose",
        "rank",
    )

    def __init__(self) -> None:
        self.count = 0
        #: named at least once outside a list of examples
        self.discussed = False
        self.prose = 0.0
        self.code = 0
        self.in_title = False
        self.headings = 0
        self.lead = False
        self.first = 1 << 30
        self.blocks: set[int] = set()
        self.rank: tuple[int, int, int] | None = None
        self.best: Any = None


def mentions(
    hits: Iterable[Any],
    kinds: Sequence[str],
    spec: Mapping[str, float],
    broad: Container[str] = (),
) -> list[Mention]:
    """Aggregate an article's accepted hits (``concept``, ``block``, ``kind``,
    ``sentence``, ``surface``) into mentions, most salient first; ``kinds`` is
    the kind of each of the article's blocks, ``spec`` :func:`specificity`.
    A concept in ``broad`` (:func:`broad_concepts`) named only in lists of
    examples (sentences naming four or more concepts: "use cases such as data
    lakes, websites, cloud-native applications, backups, machine learning")
    is not what the article discusses: it comes last (kept, with a small
    weight, for what it says about the article's topics). In an article
    with a subject, a concept whose salience stays under :data:`MIN_WEIGHT`
    is left out."""
    n_blocks = max(len(kinds), 1)
    lead_blocks: set[int] = set()
    for i, kind in enumerate(kinds):
        if kind in _PROSE:
            lead_blocks.add(i)
            if len(lead_blocks) == 2:
                break
    # a list of thanks ("thanks to A for the clang patches, the people from
    # B, C for ...") names people's affiliations and gifts, not the subject
    hits = [h for h in hits if not _thanks(h.sentence) and not _named_as_a_place(h)]
    # a sentence that names many concepts is a list of examples ("such as AWS,
    # Azure, GCP, Kubernetes, Docker"): each is named in passing there
    per_sentence: dict[tuple[int, str], set[str]] = {}
    for h in hits:
        per_sentence.setdefault((h.block, h.sentence), set()).add(h.concept)
    groups: dict[str, _Group] = {}
    steps: dict[str, bool] = {}  # sentence -> is it a click-through step
    for h in hits:
        sentence = h.sentence
        listed = len(per_sentence[(h.block, sentence)]) >= _LIST_MIN and _in_enumeration(
            sentence, h.surface
        )
        if not listed and h.kind in _PROSE:
            step = steps.get(sentence)
            if step is None:
                step = steps[sentence] = _UI_STEP.match(sentence) is not None
            listed = step
        g = groups.get(h.concept)
        if g is None:
            g = groups[h.concept] = _Group()
        kind, block = h.kind, h.block
        g.count += 1
        if kind == "code":
            g.code += 1
        elif kind == "title":
            g.in_title = True
        elif kind == "heading":
            g.headings += 1
        else:
            g.prose += 0.5 if listed else 1.0
        if block in lead_blocks and not listed:
            g.lead = True
        if not listed or kind in ("title", "heading"):
            g.discussed = True
        if kind != "code":
            g.blocks.add(block)  # spread is through the prose
        if block < g.first:
            g.first = block
        quality = _QUALITY.get(kind, _OTHER_QUALITY)
        if quality == 0 and not 30 <= len(h.sentence) <= 400:
            quality = 1
        if g.rank is not None and (quality, 0) > g.rank[:2]:
            continue  # a worse kind of sentence: no need to read it
        rank = (quality, 0 if quality <= 1 and _defines(h.sentence, h.surface) else 1, block)
        if g.rank is None or rank < g.rank:
            g.rank, g.best = rank, h
    out = [
        Mention(
            concept=cid,
            count=g.count,
            weight=salience(
                g.in_title,
                g.headings,
                g.prose,
                g.code,
                g.first / n_blocks,
                g.lead,
                len(g.blocks) / max(n_blocks, _SPREAD_MIN_BLOCKS),
                spec.get(cid, 1.0) * (1.0 if g.discussed or cid not in broad else _LISTED_ONLY),
            ),
            evidence=trim(g.best.sentence, g.best.surface),
            alias=g.best.surface,
        )
        for cid, g in groups.items()
    ]
    if sum(m.weight >= SUBJECT_WEIGHT for m in out) >= SUBJECT_MIN:
        out = [m for m in out if m.weight >= MIN_WEIGHT]
    out.sort(key=lambda m: (-m.weight, -m.count, m.concept))
    return out
