"""CNCF Cloud Native Landscape (``scripts/sources/cncf-landscape.jsonl``).

Attribution: CNCF Cloud Native Landscape, cncf/landscape (Apache 2.0; the
landscape data CC BY 4.0).

Member companies ("CNCF Members") and training partners are left out; the
Kubernetes Certified Service Providers are kept as ``company`` concepts. The category and
subcategory give the type and the parents (``PLACES``): a Kubernetes
distribution or installer sits under Kubernetes, an observability tool under
observability, a service mesh under service mesh. The url is the project's
homepage; a one-word name that is an English word ("Flux", "Harbor") counts
only in a cloud-native context.

>>> place("Observability and Analysis", "Observability")
('tool', ['observability'])
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from _gen_common import zipf
from _gen_open import UMBRELLA, Candidate

from kgraph.catalogue.concepts import slugify

SOURCE = "cncf-landscape"
LICENSE = "Apache-2.0"
FILE = Path(__file__).parent / "sources" / "cncf-landscape.jsonl"
SKIP_CATEGORIES = {"CNCF Members"}
SKIP_SUB = {"Kubernetes and Cloud Native Training Partner"}

K8S = ["kubernetes"]
#: (category, subcategory) or category -> (type, parents)
PLACES: dict[tuple[str, str] | str, tuple[str, list[str]]] = {
    "AI Agent": ("framework", ["ai-agents"]),
    ("AI Agent", "Vector Database"): ("database", ["vector-database"]),
    ("AI Agent", "RAG"): ("framework", ["rag"]),
    ("AI Agent", "Protocol"): ("protocol", ["ai-agents"]),
    "AI Native Infra": ("tool", ["mlops"]),
    ("App Definition and Development", "Application Definition & Image Build"): (
        "tool",
        ["containers"],
    ),
    ("App Definition and Development", "Continuous Integration & Delivery"): ("tool", ["ci-cd"]),
    ("App Definition and Development", "Database"): ("database", ["database"]),
    ("App Definition and Development", "Streaming & Messaging"): ("tool", ["message-queue"]),
    ("Data", "Data Architecture"): ("tool", ["data-engineering"]),
    ("Data", "Data Science"): ("tool", ["data-science"]),
    "Inference": ("tool", ["mlops", "llm"]),
    ("Observability and Analysis", "Chaos Engineering"): ("tool", ["chaos-engineering"]),
    ("Observability and Analysis", "Continuous Optimization"): ("tool", ["cost-optimization"]),
    ("Observability and Analysis", "Feature Flagging"): ("tool", ["release-engineering"]),
    ("Observability and Analysis", "Observability"): ("tool", ["observability"]),
    ("Orchestration & Management", "API Gateway"): ("tool", ["api-gateway-pattern"]),
    ("Orchestration & Management", "Coordination & Service Discovery"): (
        "tool",
        ["service-discovery"],
    ),
    ("Orchestration & Management", "Remote Procedure Call"): ("framework", ["api"]),
    ("Orchestration & Management", "Scheduling & Orchestration"): (
        "tool",
        ["container-orchestration"],
    ),
    ("Orchestration & Management", "Service Mesh"): ("tool", ["service-mesh"]),
    ("Orchestration & Management", "Service Proxy"): ("tool", ["reverse-proxy"]),
    ("Platform", "Certified Kubernetes - Distribution"): ("platform", K8S),
    ("Platform", "Certified Kubernetes - Hosted"): ("cloud-service", K8S),
    ("Platform", "Certified Kubernetes - Installer"): ("tool", K8S),
    ("Platform", "PaaS/Container Service"): ("platform", ["paas", "containers"]),
    ("Provisioning", "Automation & Configuration"): ("tool", ["infrastructure-as-code"]),
    ("Provisioning", "Container Registry"): ("tool", ["container-registry"]),
    ("Provisioning", "Key Management"): ("tool", ["secrets-management"]),
    ("Provisioning", "Security & Compliance"): ("tool", ["security", "cloud-native"]),
    ("Runtime", "Cloud Native Network"): ("tool", ["networking", "cloud-native"]),
    ("Runtime", "Cloud Native Storage"): ("tool", ["cloud-native"]),
    ("Runtime", "Container Runtime"): ("tool", ["containers"]),
    "Serverless": ("tool", ["serverless"]),
    ("Serverless", "Hosted Platform"): ("cloud-service", ["serverless"]),
    ("Special", "Certified CNFs"): ("tool", ["networking", "cloud-native"]),
    # service providers are companies a cloud-native blog names (not CNCF's member list)
    ("Special", "Kubernetes Certified Service Provider"): ("company", ["company", "kubernetes"]),
    "Training": ("tool", ["machine-learning"]),
    "Wasm": ("tool", ["webassembly"]),
    ("Wasm", "Languages"): ("language", ["webassembly", "programming-language"]),
    ("Wasm", "Runtimes"): ("platform", ["webassembly"]),
}
CUES = {
    "kubernetes": ["kubernetes", "k8s", "cluster", "kubectl", "helm"],
    "observability": ["metrics", "tracing", "logs", "monitoring", "observability", "dashboard"],
    "database": ["database", "sql", "query", "queries", "storage"],
    "webassembly": ["wasm", "webassembly"],
}
BASE_CUES = ["cncf", "cloud native", "cloud-native"]
#: landscape areas whose projects are not Kubernetes add-ons (the rest are read
#: as the project where the article is about Kubernetes: "cert-manager",
#: "external-secrets" in a post that names Kubernetes)
NOT_K8S = {"Wasm", "Serverless", "AI Agent", "AI Native Infra", "Inference", "Training", "Data"}


def place(category: str, subcategory: str) -> tuple[str, list[str]]:
    ctype, parents = PLACES.get((category, subcategory)) or PLACES[category]
    return ctype, list(parents)


def rows() -> list[dict]:
    return [json.loads(line) for line in FILE.read_text(encoding="utf-8").splitlines() if line]


def _name(raw: str) -> tuple[str, list[str]]:
    """Display name and the aliases its own text gives ("Foo (FOO)")."""
    name = " ".join(raw.split())
    m = re.match(r"^(.*?)\s*\(([^)]+)\)$", name)
    if m:
        return m.group(1).strip(), [m.group(2).strip()]
    return name, []


def candidates() -> list[Candidate]:
    out = []
    seen: set[str] = set()
    for row in rows():
        if row["category"] in SKIP_CATEGORIES or row["subcategory"] in SKIP_SUB:
            continue
        name, aliases = _name(row["name"])
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        ctype, parents = place(row["category"], row["subcategory"])
        desc = row.get("description", "") or ""
        words = re.findall(r"[a-z][a-z+#.-]*[a-z0-9+#]", desc.lower())
        cues = [w for w in dict.fromkeys(words) if len(w) >= 5 and zipf(w) < 4.0][:4]
        for p in parents:
            cues += CUES.get(p, [])
        cues += [row["subcategory"].lower()] if len(row["subcategory"]) < 30 else []
        repo = row.get("repo_url", "")
        if repo.startswith("https://github.com/"):
            project = repo.rstrip("/").rsplit("/", 1)[-1]
            if project.lower() != name.lower() and project.lower() == re.sub(
                r"[^a-z0-9-]", "", name.lower().replace(" ", "-")
            ):
                aliases.append(project)
        out.append(
            Candidate(
                id=slugify(name),
                name=name,
                type=ctype,
                parents=parents,
                url=row.get("homepage_url") or repo,
                source=SOURCE,
                license=LICENSE,
                description=" ".join((row.get("description") or "").split())[:400],
                aliases=aliases,
                cues=[*dict.fromkeys([*cues, *BASE_CUES])],
                keys=[name.lower()],
                needs=None
                if row["category"] in NOT_K8S or "kubernetes" in parents
                else [*(p for p in parents if p not in UMBRELLA), "kubernetes"],
            )
        )
    return out
