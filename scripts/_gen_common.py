"""Helpers shared by the catalogue generators in ``scripts/``.

The generators read a maintained machine-readable source (botocore's service
metadata, Google's API discovery documents), turn each service into one
catalogue entry and write it to ``models/concepts/<name>.jsonl``. They never
claim a surface form that another catalogue file already owns: the hand-written
entries win, and a generated service whose names a hand-written entry already
holds is folded into that entry (left out of the generated file).

Whether a bare product word may be a plain alias is decided from its English
word frequency (``wordfreq``): "Lightsail" can be, "Glue" only in an AWS context,
"Backup" never on its own.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kgraph.catalogue.concepts import normalise, surface_variants  # noqa: E402

CONCEPTS = ROOT / "models" / "concepts"

#: the generator of the open-source parts, which runs last and reads the others
OPEN_GENERATOR = "scripts/gen_open_concepts.py"
#: Zipf frequency (wordfreq, English) at and above which a bare word is too
#: common to be a plain alias: 2.2 is roughly "once per 150 million words".
RARE = 2.2
#: at and above this, a bare word counts only with a cue in the same sentence
COMMON = 3.5


def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def claims(
    exclude: str | Iterable[str],
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Keys already owned by the other catalogue files (all but ``exclude``,
    one file name or several).

    Returns (plain key -> concept id, ambiguous key -> concept id,
    concept id -> type).
    """
    skip = {exclude} if isinstance(exclude, str) else set(exclude)
    plain: dict[str, str] = {}
    amb: dict[str, str] = {}
    types: dict[str, str] = {}
    for path in sorted(CONCEPTS.glob("*.jsonl")):
        if path.name in skip:
            continue
        if OPEN_GENERATOR in path.read_text(encoding="utf-8").split("\n", 1)[0]:
            continue  # generated after the AWS/GCP files, from them: never their input
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            obj = json.loads(line)
            types[obj["id"]] = obj["type"]
            for alias in [obj["name"], *obj.get("aliases", [])]:
                for form in surface_variants(alias):
                    plain.setdefault(normalise(form), obj["id"])
            for rule in obj.get("ambiguous", []):
                amb.setdefault(normalise(rule["alias"]), obj["id"])
    return plain, amb, types


def is_distinctive(phrase: str) -> bool:
    """True when a phrase without a vendor prefix is safe as a plain alias:
    it has an inner capital (``GuardDuty``), a digit, or a rare word.

    >>> is_distinctive("GuardDuty"), is_distinctive("Lightsail"), is_distinctive("Backup")
    (True, True, False)
    >>> is_distinctive("IoT"), is_distinctive("VPC Lattice"), is_distinctive("WorkSpaces")
    (False, True, False)
    """
    words = phrase.split()
    for w in words:
        if re.search(r"\d", w):
            return True
        # an inner capital is distinctive only when the word is rare once
        # lowercased: matching ignores case, so "WorkSpaces" reads "workspaces"
        if len(w) >= 5 and re.search(r"[a-z][A-Z]", w) and zipf(w.lower()) < RARE:
            return True
        if len(words) > 1 and len(w) >= 3 and w.isupper() and w.isalpha():
            return True  # "VPC Lattice", "SSO OIDC"
        if w.isalpha() and len(w) > 3 and zipf(w) < RARE:
            return True
    return False


def write_jsonl(path: Path, header: str, entries: list[dict]) -> None:
    lines = [f"// {header}"]
    lines += [json.dumps(e, ensure_ascii=False) for e in entries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
