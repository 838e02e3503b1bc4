"""One alias, one meaning (issue 21): a name an open source gives a concept
of its own is never an alias of a different hand-written concept, unless
it was reviewed as the same thing under another name.

The generator folds a GitHub topic or CNCF entry whose name a hand-written
concept already owns into that concept (`scripts/_gen_open.py`). That is right
for a synonym ("Golang" is Go) and wrong for a narrower or sibling product,
which then vanishes into the broader one: "End-to-End Encryption" was an
alias of Encryption at rest, "ANTLR" of Parser generator, "Cloudflare Workers"
of Cloudflare, "Userscripts" of Greasemonkey. A new fold fails this test
until it is reviewed: either split the concept or add the pair below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgraph.catalogue.concepts import GENERATED_FILES, normalise

SOURCES = Path(__file__).parents[2] / "scripts" / "sources"
#: cloud SDK files are generated too, by their own scripts
_GENERATED = {*GENERATED_FILES, "aws-services.jsonl", "gcp-services.jsonl"}

#: (source name, hand-written concept) pairs reviewed as one concept
SAME = {
    ("ai agent", "ai-agents"),
    ("amazon web services", "aws"),
    ("angular cli", "angular"),
    ("ansible roles", "ansible"),
    ("assembly", "assembly"),
    ("avro", "avro"),
    ("azure", "azure"),
    ("behavior-driven development", "bdd"),
    ("bug bounty", "bug-bounty"),
    ("cassandra", "cassandra"),
    ("chat bot", "chatbot"),
    ("chef infra", "chef"),
    ("chrome extension", "browser-extension"),
    ("cybersecurity", "security"),
    ("data analysis", "data-analytics"),
    ("deep neural networks", "deep-learning"),
    ("docker image", "docker"),
    ("eclipse vert.x", "vertx"),
    ("flink", "flink"),
    ("golang", "go"),
    ("google cloud run", "cloud-run"),
    ("gluster", "glusterfs"),
    ("google maps", "google-maps-platform"),
    ("gui", "gui"),
    ("integration testing", "integration-test"),
    ("json web tokens", "jwt"),
    ("jupyter notebook", "jupyter"),
    ("low code", "low-code"),
    ("maven", "maven"),
    ("microservice", "microservices"),
    ("mvc", "mvc"),
    ("no code", "no-code"),
    ("nuxt.js", "nuxt"),
    ("openapi specification", "openapi"),
    ("openid connect (oidc", "oidc"),
    ("operating system", "operating-systems"),
    ("producthunt", "product-hunt"),
    ("pwa", "pwa"),
    ("rancher kubernetes", "rancher"),
    ("red hat openshift", "openshift"),
    ("rss feed", "rss"),
    ("salt project", "saltstack"),
    ("software engineering", "software-development"),
    ("sql-server", "sql-server"),
    ("sre", "sre"),
    ("sso", "sso"),
    ("static code analysis", "static-analysis"),
    ("test coverage", "code-coverage"),
    ("test-driven development", "tdd"),
    ("unit testing", "unit-test"),
    ("user interface design", "ui-design"),
    ("userscripts", "userscript"),
    ("vae", "vae"),
    ("virtual private network", "vpn"),
    ("windows", "windows"),
    ("windows subsystem for linux", "wsl"),
}


def _source_names() -> list[str]:
    names = []
    for line in (SOURCES / "github-explore-topics.jsonl").read_text(encoding="utf-8").splitlines():
        names.append(json.loads(line)["display_name"])
    for line in (SOURCES / "cncf-landscape.jsonl").read_text(encoding="utf-8").splitlines():
        names.append(json.loads(line).get("name", ""))
    return [n for n in names if n]


@pytest.mark.issue(21)
def test_an_open_source_name_is_no_alias_of_another_hand_written_concept(catalogue):
    folded = set()
    for name in _source_names():
        key = normalise(name)
        cid = catalogue.index.get(key)
        if cid is None:
            continue
        concept = catalogue[cid]
        if str(concept.source).split(":")[0] in _GENERATED or normalise(concept.name) == key:
            continue
        folded.add((key, cid))
    assert folded - SAME == set(), "review these folds: split the concept or add the pair to SAME"
    assert SAME - folded == set(), "these reviewed pairs no longer occur: drop them from SAME"
