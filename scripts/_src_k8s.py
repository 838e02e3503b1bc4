"""Kubernetes API kinds, from the models of the ``kubernetes`` Python client.

Every model class with ``kind`` and ``metadata`` attributes is an API object
kind (``V1Deployment`` -> Deployment). Each kind is its own concept under
Kubernetes: one workload kind is never an alias of another. A kind that is an
English word (Deployment, Service, Job, Role) is named "Kubernetes <Kind>" and
its bare word is an exact-case ambiguous alias that needs a Kubernetes context.

>>> _split("HorizontalPodAutoscaler")
'Horizontal Pod Autoscaler'
"""

from __future__ import annotations

import re

from _gen_open import Candidate

from kgraph.catalogue.concepts import slugify

SOURCE = "kubernetes-client"
LICENSE = "Apache-2.0"
URL = "https://kubernetes.io/docs/reference/generated/kubernetes-api/"
CUES = ["kubernetes", "k8s", "kubectl", "kind:", "apiversion", "manifest", "cluster"]
#: kinds that are request/response objects, not things one writes about
SKIP = {
    "Binding",
    "ComponentStatus",
    "Eviction",
    "Scale",
    "Status",
    "LocalSubjectAccessReview",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "SubjectAccessReview",
    "TokenReview",
    "ControllerRevision",
    "DeviceTaintRule",
    "StorageVersionMigration",
}
#: well-known short names (kubectl api-resources) that mean exactly the kind
SHORT = {
    "PersistentVolumeClaim": ["PVC", "PVCs"],
    "PersistentVolume": ["PV"],
    "HorizontalPodAutoscaler": ["HPA"],
    "CustomResourceDefinition": ["CRD", "CRDs"],
    "DaemonSet": [],
    "PodDisruptionBudget": ["PDB"],
    "NetworkPolicy": [],
}


#: kinds that roll up to a narrower concept than Kubernetes
PARENTS = {
    "Role": ["k8s-rbac"],
    "ClusterRole": ["k8s-rbac"],
    "RoleBinding": ["k8s-rbac"],
    "ClusterRoleBinding": ["k8s-rbac"],
    "CustomResourceDefinition": ["k8s-operator"],
}
#: kinds whose bare name a hand-written entry also reads, in its own context
#: ("cronjob" is a Unix cron job too): both stay ambiguous, exact-case here
SHARED = {"CronJob"}


def _split(kind: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", kind)


def kinds() -> list[str]:
    import kubernetes.client.models as models

    found = set()
    for name in dir(models):
        m = re.match(r"V\d+([A-Z]\w+)$", name)  # generally available kinds only
        cls = getattr(models, name)
        attrs = getattr(cls, "attribute_map", {})
        if m and "kind" in attrs and "metadata" in attrs and not m.group(1).endswith("List"):
            found.add(m.group(1))
    return sorted(found - SKIP)


def candidates() -> list[Candidate]:
    out = []
    for kind in kinds():
        words = _split(kind)
        aliases = [f"Kubernetes {kind}", f"k8s {kind}", f"kind: {kind}"]
        if words != kind:
            aliases += [words, f"Kubernetes {words}"]
        aliases += SHORT.get(kind, [])
        # "Runtime class", "Network Policy": everyday words that mean the kind
        # only in a Kubernetes context; "RuntimeClass" as written is the kind
        name, guarded = kind, [words]
        if " " not in words or kind in SHARED:
            guarded = [kind]
        if kind in SHARED:
            name, aliases = (
                f"Kubernetes {kind}",
                [kind, *aliases[1:]],
            )  # a plain English word: name the concept after Kubernetes
            name, aliases = f"Kubernetes {kind}", [kind, *aliases[1:]]
        out.append(
            Candidate(
                id=f"k8s-{slugify(kind)}",
                name=name,
                type="concept",
                parents=["kubernetes", *PARENTS.get(kind, [])],
                url=URL,
                source=SOURCE,
                license=LICENSE,
                aliases=aliases,
                cues=CUES,
                needs=["kubernetes"],
                keys=[kind.lower()],
                guarded=guarded,
                share=[kind] if kind in SHARED else [],
            )
        )
    return out
