"""Catalogue validation, size and tag resolution (issue 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgraph.catalogue.load import load_catalogue, models_dir
from kgraph.errors import CatalogueError
from kgraph.extract.evaluate import candidates, evaluate
from kgraph.records import Article


def write_catalogue(tmp_path: Path, entries: list[dict]) -> Path:
    folder = tmp_path / "models"
    (folder / "concepts").mkdir(parents=True)
    lines = ["// test catalogue"] + [json.dumps(e) for e in entries]
    (folder / "concepts" / "t.jsonl").write_text("\n".join(lines) + "\n")
    return folder


BASE = [
    {"id": "cloud", "name": "Cloud", "type": "topic", "aliases": ["cloud computing"]},
    {
        "id": "s3",
        "name": "Amazon S3",
        "type": "aws-service",
        "aliases": ["S3"],
        "parents": ["cloud"],
    },
]


@pytest.mark.issue(4)
def test_small_valid_catalogue_loads(tmp_path):
    cat = load_catalogue(write_catalogue(tmp_path, BASE))
    assert len(cat) == 2 and cat.lookup("s3 buckets") is None and cat.lookup("S3") == "s3"


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"id": "s3", "name": "Simple Storage", "type": "aws-service"}, "duplicate id 's3'"),
        (
            {"id": "s3b", "name": "S3 clone", "type": "tool", "aliases": ["S3"]},
            "alias 'S3' is also an alias of",
        ),
        (
            {"id": "x", "name": "X tool", "type": "tool", "parents": ["nowhere"]},
            "parent 'nowhere' is not in the catalogue",
        ),
        ({"id": "x", "name": "X tool", "type": "gadget"}, "unknown type 'gadget'"),
    ],
)
def test_bad_entries_are_rejected(tmp_path, extra, message):
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(write_catalogue(tmp_path, [*BASE, extra]))


@pytest.mark.issue(4)
def test_cycles_are_rejected(tmp_path):
    entries = [
        {"id": "a", "name": "Aaa", "type": "topic", "parents": ["b"]},
        {"id": "b", "name": "Bbb", "type": "topic", "parents": ["a"]},
    ]
    with pytest.raises(CatalogueError, match="cycle in parents"):
        load_catalogue(write_catalogue(tmp_path, entries))


@pytest.mark.issue(4)
def test_shared_alias_allowed_with_context_rules(tmp_path):
    entries = [
        *BASE,
        {"id": "py", "name": "Python", "type": "language"},
        {
            "id": "pyl",
            "name": "Python lambda",
            "type": "concept",
            "parents": ["py"],
            "ambiguous": [{"alias": "lambda", "needs": ["py"]}],
        },
        {
            "id": "awsl",
            "name": "AWS Lambda",
            "type": "aws-service",
            "ambiguous": [{"alias": "lambda", "needs": ["cloud"]}],
        },
    ]
    cat = load_catalogue(write_catalogue(tmp_path, entries))
    assert sorted(cid for cid, _ in cat.ambiguous_index["lambda"]) == ["awsl", "pyl"]


@pytest.mark.issue(4)
def test_real_catalogue_size(catalogue):
    aliases = sum(len(c.all_aliases) for c in catalogue)
    types = {c.type for c in catalogue}
    assert len(catalogue) >= 1500
    assert aliases >= 4000
    assert len(types) >= 12
    # a url wherever the source gives one (Pygments lexers and the names read
    # from StackOverflowNER come without)
    no_url_source = set()
    for path in (models_dir() / "concepts").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if '"source": "pygments"' in line or '"source": "stackoverflow-ner"' in line:
                no_url_source.add(json.loads(line)["id"])
    rest = [c for c in catalogue if c.id not in no_url_source]
    assert sum(bool(c.url) for c in rest) / len(rest) > 0.9
    aws = [c for c in catalogue if c.type == "aws-service"]
    assert len(aws) >= 400 and all("aws" in catalogue.ancestors(c.id) for c in aws)


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("#JWTAuthentication", "jwt"),
        ("S3-bucket", "amazon-s3"),
        ("golang", "go"),
        ("Go Language", "go"),
        ("ec2 instance", "amazon-ec2"),
        ("kubectl", "kubernetes"),
        ("aws-apigateway", "amazon-api-gateway"),
        ("Docker Containers", "docker"),
        ("GuardDuty", "amazon-guardduty"),
        ("BigQuery", "bigquery"),
        ("coding", ""),
        ("My Hero Academia", ""),
    ],
)
def test_tag_resolution(catalogue, tag, expected):
    assert catalogue.resolve(tag) == expected


@pytest.mark.issue(4)
def test_common_words_do_not_match_as_plain_aliases(catalogue):
    for word in ("backup", "shield", "glue", "support", "iot", "chef", "spring"):
        assert catalogue.lookup(word) is None, word


@pytest.mark.issue(4)
def test_evaluate_counts_named_and_missed_tags(catalogue):
    arts = [
        Article(
            id="1",
            title="Serverless on AWS",
            tags=("aws-lambda", "Docker", "anime"),
            html="<p>We deploy the handler as an AWS Lambda function.</p>",
        ),
        Article(id="2", title="Notes", tags=("Kubernetes",), html="<p>Nothing relevant.</p>"),
    ]
    rep = evaluate(arts, catalogue)
    assert rep.total["tags_resolved"] == 3
    assert rep.total["tags_found"] == 1
    assert rep.total["tags_named"] == 1 and rep.total["named_recall"] == 1.0
    assert rep.articles[0].unresolved == ["anime"]
    assert rep.articles[1].found == []


@pytest.mark.issue(4)
def test_candidates_lists_unknown_terms(catalogue):
    html = "<p>We moved to <code>frobnicatord</code> and FrobDB for storage.</p>"
    arts = [Article(id=str(i), title="t", html=html, tags=("zorblax",)) for i in range(3)]
    names = {c["name"]: c for c in candidates(arts, catalogue)}
    assert {"frobnicatord", "FrobDB", "zorblax"} <= set(names)
    assert names["FrobDB"]["type"] == "TODO" and "3 articles" in names["FrobDB"]["note"]
