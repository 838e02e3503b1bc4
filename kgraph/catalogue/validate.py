"""Validate catalogue entries and index them into a :class:`~kgraph.catalogue.concepts.Catalogue`.

Every problem is collected and reported at once: :class:`~kgraph.errors.CatalogueError`
lists each bad entry by file and line.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kgraph.catalogue.concepts import (
    CONCEPT_TYPES,
    AmbiguousAlias,
    Catalogue,
    Concept,
    normalise,
    surface_variants,
)
from kgraph.errors import CatalogueError

__all__ = ["build_catalogue", "read_entries"]

LOGGER = logging.getLogger(__name__)

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.+#-]*$")


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
        "id", "name", "type", "aliases", "parents", "url", "ambiguous", "note", "source", "license",
        "description",
    }  # fmt: skip
    for key in (
        "source",
        "license",
        "description",
    ):  # where a generated entry comes from, and its terms
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
        description=str(obj.get("description") or "").strip(),
    )


def read_entries(paths: Iterable[Path], problems: list[str]) -> Iterator[Concept]:
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
