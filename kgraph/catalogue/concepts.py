"""The concept catalogue: load, validate and normalise the data in ``models/``.

Concepts live in ``models/concepts/*.jsonl``, one JSON object per line, so a
change to one concept is a one-line diff::

    {"id": "aws-lambda", "name": "AWS Lambda", "type": "aws-service",
     "aliases": ["Amazon Lambda"], "parents": ["aws", "serverless"],
     "url": "https://docs.aws.amazon.com/lambda/",
     "ambiguous": [{"alias": "Lambda", "needs": ["aws"], "cues": ["function"],
                    "veto": ["lambda x", "python lambda"]}]}

``aliases`` are unambiguous surface forms, matched case-insensitively with
hyphen/space/joined and plural variants generated here. ``ambiguous`` aliases
count only when their context supports them: one of ``needs`` (concept ids,
or their narrower concepts) is found unambiguously in the same article, or one
of ``cues`` occurs in the same sentence; a ``veto`` phrase in the sentence
rules the match out. ``"case": "exact"`` matches only that exact spelling
(``Go`` but not ``go``).

>>> from kgraph.catalogue.load import load_catalogue
>>> cat = load_catalogue()
>>> cat.resolve("golang"), cat.resolve("S3-bucket"), cat.resolve("#JWTAuthentication")
('go', 'amazon-s3', 'jwt')
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

__all__ = [
    "CONCEPT_TYPES",
    "AmbiguousAlias",
    "Catalogue",
    "Concept",
    "normalise",
    "slugify",
    "surface_variants",
]

CONCEPT_TYPES = frozenset(
    {
        "aws-service",
        "cloud-service",
        "go-concept",
        "language",
        "framework",
        "library",
        "tool",
        "database",
        "protocol",
        "standard",
        "practice",
        "architecture",
        "concept",
        "platform",
        "company",
        "topic",
        "certification",
        "os",
        "format",
    }
)
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEP_RE = re.compile(r"[\s_]+")
_EDGE_PUNCT = " \t,;:!?()[]{}\"'`*"


def slugify(text: str) -> str:
    """Lowercase slug for node ids.

    >>> slugify("Amazon S3"), slugify("  C++ / Go!  ")
    ('amazon-s3', 'c++-go')
    """
    out = re.sub(r"[^a-z0-9+#.]+", "-", text.lower()).strip("-.")
    return out or "x"


def normalise(text: str, split_camel: bool = False) -> str:
    """The key an alias or tag is looked up by: lowercase, ``#`` and edge
    punctuation dropped, ``_`` and runs of spaces made one space.

    >>> normalise("  #Go_Language ")
    'go language'
    >>> normalise("JWTAuthentication", split_camel=True)
    'jwt authentication'
    """
    text = text.strip()
    if split_camel and " " not in text:
        text = _CAMEL_RE.sub(" ", text.lstrip("#@"))
    previous = None
    while text != previous:  # edge characters can uncover one another
        previous = text
        text = _SEP_RE.sub(" ", text).lstrip("#@").strip(_EDGE_PUNCT).rstrip(".")
    return text.lower()


def _plural(word: str) -> str | None:
    if len(word) < 2 or not word.isalpha() or word[-1] in "sS":
        return None
    if word.isupper():
        return word + "s"
    if word[-1] in "yY" and word[-2].lower() not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("x", "ch", "sh", "z")):
        return word + "es"
    return word + "s"


def _joined(parts: Sequence[str], seps: Sequence[str]) -> str:
    """``parts`` joined by ``seps`` in turn: ``("a", "b", "c"), ("-", " ")`` -> ``"a-b c"``."""
    return parts[0] + "".join(sep + part for sep, part in zip(seps, parts[1:], strict=True))


def surface_variants(alias: str, plural: bool = True) -> list[str]:
    """Spelling variants of an alias: space/hyphen/joined forms of multi-word
    aliases and the plural of the last word.

    >>> surface_variants("auto scaling")
    ['auto scaling', 'auto scalings', 'auto-scaling', 'auto-scalings', 'autoscaling', 'autoscalings']
    >>> surface_variants("goroutine")
    ['goroutine', 'goroutines']
    """
    alias = " ".join(alias.split())
    forms = [alias]
    parts = re.split(r"[ -]", alias)
    if len(parts) > 1 and all(parts):
        forms += [" ".join(parts), "-".join(parts)]
        if len(parts) in (3, 4):
            # a compound modifier is hyphenated before its noun ("an
            # auto-scaling group", "a Go-to-market plan"): each mix of the two
            forms += [
                _joined(parts, seps) for seps in itertools.product(" -", repeat=len(parts) - 1)
            ]
        if len(parts) <= 3 and all(p.isalpha() for p in parts):
            forms.append("".join(parts))
    out: list[str] = []
    for form in dict.fromkeys(forms):
        out.append(form)
        if plural:
            head, _, last = form.rpartition(" ") if " " in form else form.rpartition("-")
            sep = form[len(head)] if head else ""
            pl = _plural(last)
            if pl:
                out.append(f"{head}{sep}{pl}")
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class AmbiguousAlias:
    """An alias that counts only in a supporting context (see module doc)."""

    alias: str
    case_sensitive: bool = False
    needs: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    veto: tuple[str, ...] = ()


#: the catalogue files written by the generators in ``scripts/`` (each opens
#: with a ``// generated by`` line; a test holds this list to those files):
#: the rest are written and reviewed by hand, alias by alias
GENERATED_FILES = (
    "aws-services.jsonl",
    "cncf-landscape.jsonl",
    "cwe.jsonl",
    "gcp-services.jsonl",
    "github-topics.jsonl",
    "google-apis.jsonl",
    "kubernetes-kinds.jsonl",
    "open-broad.jsonl",
    "pygments-lexers.jsonl",
    "python-frameworks.jsonl",
    "python-stdlib.jsonl",
    "spdx-licenses.jsonl",
    "stackoverflow-ner-names.jsonl",
)


@dataclass(frozen=True)
class Concept:
    """One canonical concept of the catalogue."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    url: str = ""
    ambiguous: tuple[AmbiguousAlias, ...] = ()
    source: str = field(default="", compare=False)
    #: what the concept is, in a sentence or two (from its source, where it gives one)
    description: str = field(default="", compare=False)

    @property
    def hand_written(self) -> bool:
        """Whether the entry comes from a file written by hand (not generated).

        >>> Concept("go", "Go", "language", source="languages.jsonl:3").hand_written
        True
        """
        return not self.source.startswith(GENERATED_FILES)

    @property
    def all_aliases(self) -> tuple[str, ...]:
        """Name, aliases and ambiguous aliases, in that order, without repeats."""
        seen = dict.fromkeys([self.name, *self.aliases, *(a.alias for a in self.ambiguous)])
        return tuple(seen)


@dataclass
class Catalogue:
    """All concepts, with lookup indexes built from their aliases."""

    concepts: dict[str, Concept]
    version: str
    #: normalised alias -> concept id, for unambiguous aliases and variants
    index: dict[str, str] = field(default_factory=dict)
    #: normalised alias -> list of (concept id, rule), for ambiguous aliases
    ambiguous_index: dict[str, list[tuple[str, AmbiguousAlias]]] = field(default_factory=dict)
    #: concept id -> it and its broader concepts, filled by :meth:`with_broader`
    #: (a catalogue is not changed once loaded)
    _with_broader: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: concept id -> its position in the catalogue, filled by :meth:`codes`
    _codes: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: tag -> what :meth:`resolve` gives for it
    _resolved: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts.values())

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts

    def __getitem__(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def ancestors(self, concept_id: str) -> set[str]:
        """Every broader concept of ``concept_id`` (transitively)."""
        return set(_ancestors(self, concept_id))

    def with_broader(self, concept_id: str) -> frozenset[str]:
        """``concept_id`` and every broader concept, computed once per concept
        (extraction asks for it for each concept of every article).

        >>> from kgraph.catalogue.load import load_catalogue
        >>> sorted(load_catalogue().with_broader("amazon-s3"))
        ['amazon', 'amazon-s3', 'aws', 'cloud-computing', 'object-storage']
        """
        found = self._with_broader.get(concept_id)
        if found is None:
            found = frozenset({concept_id, *_ancestors(self, concept_id)})
            self._with_broader[concept_id] = found
        return found

    def codes(self) -> dict[str, int]:
        """Each concept id's position in the catalogue: a small int standing for
                it (the same for the same catalogue version).

                >>> from kgraph.catalogue.load import load_catalogue
        >>> cat = load_catalogue(); ids = list(cat.concepts)
                >>> ids[cat.codes()["go"]]
                'go'
        """
        if len(self._codes) != len(self.concepts):
            self._codes.clear()
            self._codes.update((cid, i) for i, cid in enumerate(self.concepts))
        return self._codes

    def lookup(self, text: str) -> str | None:
        """The concept an unambiguous alias names, or None.

        >>> from kgraph.catalogue.load import load_catalogue
        >>> load_catalogue().lookup("Amazon S3")
        'amazon-s3'
        """
        return self.index.get(normalise(text))

    def resolve(self, tag: str) -> str:
        """Resolve an author's tag (or any short name) to a concept id, or ``""``.

        Tries the whole tag as an alias (ambiguous aliases included: a tag is a
        topic label), then its CamelCase-split form, then the longest alias it
        contains (so ``"ec2 instance"`` -> Amazon EC2, ``"#JWTtokens"`` -> JWT).
        """
        found = self._resolved.get(tag)
        if found is None:
            found = self._resolved[tag] = self._resolve(tag)
        return found

    def _resolve(self, tag: str) -> str:
        for key in dict.fromkeys([normalise(tag), normalise(tag, split_camel=True)]):
            if not key:
                continue
            for cand in (key, key.replace("-", " "), key.replace(" ", "-")):
                if cand in self.index:
                    return self.index[cand]
                if cand in self.ambiguous_index:
                    return self.ambiguous_index[cand][0][0]
        words = normalise(re.sub(r"[-/]", " ", tag), split_camel=True).split()
        best: tuple[int, int, str] | None = None
        for size in range(min(len(words), 6), 0, -1):
            for start in range(len(words) - size + 1):
                key = " ".join(words[start : start + size])
                if key in self.index:
                    hit = (size, -start, self.index[key])
                    best = max(best, hit) if best else hit
            if best:
                return best[2]
        # a tag is a topic label: an ambiguous alias in it counts unless vetoed,
        # preferring one whose context the rest of the tag supports
        text = " ".join(words)
        found: list[tuple[int, int, str]] = []
        for size in range(min(len(words), 6), 0, -1):
            for start in range(len(words) - size + 1):
                key = " ".join(words[start : start + size])
                for cid, rule in self.ambiguous_index.get(key, []):
                    if any(v in text for v in rule.veto):
                        continue
                    others = set(words) - {key}
                    support = any(self.index.get(w) in rule.needs or w in rule.cues for w in others)
                    found.append((int(support), size, cid))
        if found:
            return max(found, key=lambda f: (f[0], f[1]))[2]
        return ""


def _ancestors(cat: Catalogue, concept_id: str) -> Iterator[str]:
    stack = list(cat.concepts[concept_id].parents) if concept_id in cat.concepts else []
    seen: set[str] = set()
    while stack:
        cid = stack.pop()
        if cid in seen or cid not in cat.concepts:
            continue
        seen.add(cid)
        yield cid
        stack.extend(cat.concepts[cid].parents)
