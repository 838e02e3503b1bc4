from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgraph.catalogue import load_catalogue, normalise, surface_variants
from kgraph.errors import CatalogueError


def write_catalogue(tmp_path, entries):
    folder = tmp_path / "models" / "concepts"
    folder.mkdir(parents=True)
    (folder / "c.jsonl").write_text("\n".join(json.dumps(e) for e in entries) + "\n")
    return tmp_path / "models"


def test_real_catalogue_loads_and_has_versions(catalogue):
    assert len(catalogue) >= 150
    assert len(catalogue.version) == 12
    assert catalogue["amazon-s3"].name == "Amazon S3"
    assert "aws" in catalogue.ancestors("lambda-layers")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("#JWTAuthentication", "jwt"),
        ("S3-bucket", "amazon-s3"),
        ("golang", "go"),
        ("Go Language", "go"),
        ("ec2 instance", "amazon-ec2"),
        ("aws-apigateway", "amazon-api-gateway"),
        ("Docker Containers", "docker"),
        ("coding", ""),
        ("My Hero Academia", ""),
    ],
)
def test_tags_resolve_through_the_catalogue(catalogue, tag, expected):
    assert catalogue.resolve(tag) == expected


def test_every_problem_is_reported_at_once(tmp_path):
    models = write_catalogue(
        tmp_path,
        [
            {"id": "a", "name": "Alpha", "type": "tool", "aliases": ["shared"], "parents": ["b"]},
            {"id": "b", "name": "Beta", "type": "tool", "aliases": ["shared"], "parents": ["a"]},
            {"id": "a", "name": "Again", "type": "tool"},
            {"id": "c", "name": "Gamma", "type": "nonsense", "parents": ["zzz"]},
        ],
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(models)
    text = str(err.value)
    assert "duplicate id 'a'" in text
    assert "alias 'shared' is also an alias of 'a'" in text
    assert "parent 'zzz' is not in the catalogue" in text
    assert "unknown type 'nonsense'" in text
    assert "cycle in parents" in text


def test_shared_alias_with_context_rules_is_allowed(tmp_path):
    models = write_catalogue(
        tmp_path,
        [
            {
                "id": "a",
                "name": "Alpha",
                "type": "tool",
                "ambiguous": [{"alias": "shared", "cues": ["alpha"]}],
            },
            {
                "id": "b",
                "name": "Beta",
                "type": "tool",
                "ambiguous": [{"alias": "shared", "cues": ["beta"]}],
            },
        ],
    )
    cat = load_catalogue(models)
    assert [cid for cid, _ in cat.ambiguous_index["shared"]] == ["a", "b"]


def test_variants():
    assert "autoscaling" in surface_variants("Auto Scaling".lower())
    assert "S3 buckets" in surface_variants("S3 bucket")
    assert surface_variants("policy") == ["policy", "policies"]


@given(st.text(max_size=60))
def test_normalise_is_idempotent_and_lowercase(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.lower()
