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

>>> cat = load_catalogue()
>>> cat.resolve("golang"), cat.resolve("S3-bucket"), cat.resolve("#JWTAuthentication")
('go', 'amazon-s3', 'jwt')
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ._io import cached_pickle, code_digest
from .errors import CatalogueError

__all__ = [
    "CONCEPT_TYPES",
    "AmbiguousAlias",
    "Catalogue",
    "Concept",
    "load_catalogue",
    "models_dir",
    "normalise",
    "slugify",
    "surface_variants",
]

LOGGER = logging.getLogger(__name__)

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
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.+#-]*$")
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEP_RE = re.compile(r"[\s_]+")
_EDGE_PUNCT = " \t,;:!?()[]{}\"'`*"


def models_dir() -> Path:
    """The folder holding the catalogue: inside the installed package, or the
    ``models/`` folder of a source checkout."""
    packaged = Path(__file__).parent / "models"
    if (packaged / "concepts").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "models"


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


def _as_tuple(value: object, where: str, key: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v for v in value if v.strip())
    problems.append(f"{where}: {key!r} must be a list of strings")
    return ()


def _parse_entry(obj: object, where: str, problems: list[str]) -> Concept | None:
    if not isinstance(obj, dict):
        problems.append(f"{where}: entry must be a JSON object")
        return None
    cid, name, ctype = obj.get("id"), obj.get("name"), obj.get("type")
    ok = True
    for key, val in (("id", cid), ("name", name), ("type", ctype)):
        if not isinstance(val, str) or not val.strip():
            problems.append(f"{where}: missing or empty {key!r}")
            ok = False
    if not ok:
        return None
    assert isinstance(cid, str) and isinstance(name, str) and isinstance(ctype, str)
    if not _ID_RE.match(cid):
        problems.append(f"{where}: id {cid!r} is not a lowercase slug (a-z, 0-9, -, ., +, #)")
    if ctype not in CONCEPT_TYPES:
        problems.append(
            f"{where}: {cid}: unknown type {ctype!r}; use one of {sorted(CONCEPT_TYPES)}"
        )
    unknown = set(obj) - {
        "id", "name", "type", "aliases", "parents", "url", "ambiguous", "note", "source", "license"
    }  # fmt: skip
    for key in ("source", "license"):  # where a generated entry comes from, and its terms
        if key in obj and (not isinstance(obj[key], str) or not obj[key].strip()):
            problems.append(f"{where}: {cid}: {key!r} must be a non-empty string")
    if unknown:
        problems.append(f"{where}: {cid}: unknown field(s) {sorted(unknown)}")
    rules = []
    for i, rule in enumerate(obj.get("ambiguous") or []):
        rwhere = f"{where}: {cid}: ambiguous[{i}]"
        if not isinstance(rule, dict) or not isinstance(rule.get("alias"), str):
            problems.append(f"{rwhere}: must be an object with an 'alias' string")
            continue
        extra = set(rule) - {"alias", "case", "needs", "cues", "veto"}
        if extra:
            problems.append(f"{rwhere}: unknown field(s) {sorted(extra)}")
        needs = _as_tuple(rule.get("needs"), rwhere, "needs", problems)
        cues = tuple(c.lower() for c in _as_tuple(rule.get("cues"), rwhere, "cues", problems))
        if not needs and not cues:
            problems.append(
                f"{rwhere}: alias {rule['alias']!r} has neither 'needs' nor 'cues', "
                "so it could never match; add context or make it a plain alias"
            )
        rules.append(
            AmbiguousAlias(
                alias=rule["alias"],
                case_sensitive=rule.get("case") == "exact",
                needs=needs,
                cues=cues,
                veto=tuple(
                    v.lower() for v in _as_tuple(rule.get("veto"), rwhere, "veto", problems)
                ),
            )
        )
    url = obj.get("url") or ""
    if url and not str(url).startswith(("https://", "http://")):
        problems.append(f"{where}: {cid}: url must be http(s), got {url!r}")
    return Concept(
        id=cid,
        name=name.strip(),
        type=ctype,
        aliases=_as_tuple(obj.get("aliases"), where, "aliases", problems),
        parents=_as_tuple(obj.get("parents"), where, "parents", problems),
        url=str(url),
        ambiguous=tuple(rules),
        source=where,
    )


def _read_entries(paths: Iterable[Path], problems: list[str]) -> Iterator[Concept]:
    for path in paths:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            where = f"{path.name}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                problems.append(f"{where}: invalid JSON: {err.msg} at column {err.colno}")
                continue
            concept = _parse_entry(obj, where, problems)
            if concept:
                yield concept


def build_catalogue(
    concepts: Iterable[Concept], version: str = "", problems: list[str] | None = None
) -> Catalogue:
    """Validate concepts and build the alias indexes; raise :class:`CatalogueError`
    listing every problem (duplicate ids, aliases claimed twice without a
    context rule, unknown parents, cycles), including ``problems`` found earlier."""
    problems = list(problems or [])
    by_id: dict[str, Concept] = {}
    for c in concepts:
        if c.id in by_id:
            problems.append(f"{c.source}: duplicate id {c.id!r} (first at {by_id[c.id].source})")
            continue
        by_id[c.id] = c
    return _index(by_id, version, problems)


def _index(by_id: dict[str, Concept], version: str, problems: list[str]) -> Catalogue:
    cat = Catalogue(concepts=dict(sorted(by_id.items())), version=version)
    owner: dict[str, str] = {}
    ambiguous_keys = {normalise(r.alias) for c in by_id.values() for r in c.ambiguous}
    for c in cat.concepts.values():
        for p in c.parents:
            if p not in by_id:
                problems.append(f"{c.source}: {c.id}: parent {p!r} is not in the catalogue")
            if p == c.id:
                problems.append(f"{c.source}: {c.id}: is its own parent")
        explicit = [a for a in (c.name, *c.aliases) if normalise(a) not in ambiguous_keys]
        for alias in explicit:
            key = normalise(alias)
            if key in owner and owner[key] != c.id:
                problems.append(
                    f"{c.source}: {c.id}: alias {alias!r} is also an alias of {owner[key]!r}; "
                    "remove one or move both under 'ambiguous' with context rules"
                )
                continue
            owner[key] = c.id
        for rule in c.ambiguous:
            for p in rule.needs:
                if p not in by_id:
                    problems.append(
                        f"{c.source}: {c.id}: ambiguous alias {rule.alias!r} needs "
                        f"unknown concept {p!r}"
                    )
            cat.ambiguous_index.setdefault(normalise(rule.alias), []).append((c.id, rule))
    # variants never override an explicit alias of another concept
    cat.index = dict(owner)
    for c in cat.concepts.values():
        for alias in (c.name, *c.aliases):
            if normalise(alias) in ambiguous_keys:
                continue
            for form in surface_variants(alias)[1:]:
                key = normalise(form)
                if key not in owner and key not in ambiguous_keys:
                    cat.index.setdefault(key, c.id)
    # cycles in the parent relation
    state: dict[str, int] = {}

    def visit(cid: str, trail: list[str]) -> None:
        state[cid] = 1
        for p in by_id[cid].parents:
            if p not in by_id:
                continue
            if state.get(p) == 1:
                problems.append("cycle in parents: " + " -> ".join([*trail, cid, p]))
            elif p not in state:
                visit(p, [*trail, cid])
        state[cid] = 2

    for cid in cat.concepts:
        if cid not in state:
            visit(cid, [])
    if problems:
        raise CatalogueError(problems)
    return cat


def catalogue_files(directory: Path | None = None) -> list[Path]:
    """The catalogue's JSONL files, sorted."""
    folder = (directory or models_dir()) / "concepts"
    return sorted(folder.glob("*.jsonl"))


@lru_cache(maxsize=8)
def _load_cached(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> Catalogue:
    files = catalogue_files(Path(directory))
    if not files:
        raise CatalogueError([f"{directory}/concepts: no *.jsonl catalogue files found"])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    version = digest.hexdigest()[:12]

    def build() -> Catalogue:
        problems: list[str] = []
        concepts = list(_read_entries(files, problems))
        return build_catalogue(concepts, version, problems)

    # parsing, validating and indexing take ~0.1 s, a fifth of a re-run: a
    # valid catalogue is kept in the user's cache, keyed by its files' bytes,
    # its folder (concepts name their source file) and this module's code
    where = hashlib.sha256(directory.encode()).hexdigest()[:8]
    return cached_pickle(
        "catalogue", f"{version}-{where}-{code_digest(__file__)}", build, Catalogue
    )


def load_catalogue(directory: str | Path | None = None) -> Catalogue:
    """Load and validate the catalogue (cached per folder and file stamps).

    Raises :class:`~kgraph.errors.CatalogueError` listing every bad entry.
    """
    folder = Path(directory) if directory else models_dir()
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in catalogue_files(folder))
    return _load_cached(str(folder.resolve()), stamp)
