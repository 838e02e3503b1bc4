"""Generate ``models/concepts/gcp-services.jsonl`` from Google's API discovery documents.

Source: the discovery documents shipped with ``google-api-python-client``
(``googleapiclient/discovery_cache/documents/*.json``: ``name``, ``title``,
``documentationLink``). Only APIs documented under cloud.google.com are Google
Cloud services; the rest (YouTube, Gmail, ...) are left out. The runtime never
imports the client; re-run this script to refresh::

    /work/venv/bin/pip install google-api-python-client wordfreq
    /work/venv/bin/python scripts/gen_gcp_concepts.py

Each API becomes a ``cloud-service`` concept with parent ``gcp``, named after
its title without the "API" suffix ("Cloud Build API" -> Cloud Build), with
"Google Cloud <name>" and "GCP <name>" aliases. A name made only of common
words ("Cloud Build", "Batch") is an ambiguous alias that needs a Google Cloud
context; distinctive names ("BigQuery", "Dataproc") are plain aliases.
Services that a hand-written entry (``gcp.jsonl``) already covers are folded
into it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from _gen_common import CONCEPTS, claims, is_distinctive, write_jsonl

from kgraph.catalogue.concepts import normalise, slugify

OUT = "gcp-services.jsonl"
SUFFIX_RE = re.compile(r"\s*(\(Deprecated\)|Admin API|JSON API|API|Service API)\s*$", re.I)
# generic product words that are no service on their own
SKIP = {"Connectors", "Genomics", "Lakehouse", "Policy Troubleshooter", "Google Play Grouping"}
# rare words that still name something else in prose (a topic, a company)
NOT_DISTINCTIVE = {"Observability", "Recommender", "Transcoder", "NetApp", "API Keys", "API hub"}


def documents() -> list[dict]:
    import googleapiclient

    folder = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    best: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "name" not in doc or "cloud.google.com" not in doc.get("documentationLink", ""):
            continue
        best[doc["name"]] = doc  # later files are newer versions
    return list(best.values())


def _name(title: str) -> str:
    name = title
    for _ in range(2):
        name = SUFFIX_RE.sub("", name).strip()
    name = re.sub(r"\s*\([^)]*\)$", "", name)
    return name.replace("Google Cloud ", "Cloud ")


def build_entries() -> tuple[list[dict], dict[str, str]]:
    plain, amb, types = claims(exclude=OUT)
    taken = set(plain) | set(amb)
    entries, folded = [], {}
    ids = set(types)
    for doc in documents():
        name = _name(doc.get("title", doc["name"]))
        if not name or name in SKIP or len(name) < 3:
            continue
        base = re.sub(r"^(Cloud|Google) ", "", name)
        forms = [name, f"Google Cloud {base}", f"GCP {base}", f"Google {name}"]
        if name.startswith("Cloud "):
            forms.append(f"Google {name}")
        hits = [plain[normalise(f)] for f in forms if normalise(f) in plain]
        hit = next(
            (
                h
                for h in hits
                if types.get(h) != "aws-service" and not h.startswith(("aws", "amazon"))
            ),
            None,
        )
        if (
            hit is None
            and normalise(name) in amb
            and not amb[normalise(name)].startswith(("aws", "amazon"))
        ):
            hit = amb[normalise(name)]
        if hit:
            folded[doc["name"]] = hit
            continue
        distinctive = is_distinctive(name) and name not in NOT_DISTINCTIVE
        cid = slugify(f"gcp {base}") if not distinctive else slugify(name)
        if cid in ids:
            folded[doc["name"]] = cid
            continue
        aliases, ambiguous = [], []
        for f in dict.fromkeys(forms[1:]):
            if normalise(f) not in taken and normalise(f) != normalise(name):
                aliases.append(f)
        display = name
        if not distinctive or normalise(name) in taken:
            display = f"Google Cloud {base}" if name.startswith("Cloud ") or base == name else name
            aliases = [a for a in aliases if normalise(a) != normalise(display)]
            if normalise(name) not in taken:
                ambiguous.append(
                    {
                        "alias": name,
                        "case": "exact",
                        "needs": ["gcp"],
                        "cues": ["google cloud", "gcp", "gcloud"],
                    }
                )
        entry = {
            "id": cid,
            "name": display,
            "type": "cloud-service",
            "aliases": aliases,
            "parents": ["gcp"],
            "url": doc["documentationLink"].replace("http://", "https://"),
        }
        if ambiguous:
            entry["ambiguous"] = ambiguous
        taken |= {normalise(a) for a in [display, *aliases]} | {
            normalise(r["alias"]) for r in ambiguous
        }
        ids.add(cid)
        entries.append(entry)
    return entries, folded


def main() -> None:
    from importlib.metadata import version

    entries, folded = build_entries()
    header = (
        f"generated by scripts/gen_gcp_concepts.py from the discovery documents of "
        f"google-api-python-client {version('google-api-python-client')} (APIs documented under "
        f"cloud.google.com; {len(entries)} services, {len(folded)} folded into gcp.jsonl). "
        "Do not edit: change the script or gcp.jsonl and re-run it."
    )
    write_jsonl(CONCEPTS / OUT, header, entries)
    print(f"wrote {len(entries)} services; folded: {sorted(folded.items())}")


if __name__ == "__main__":
    main()
