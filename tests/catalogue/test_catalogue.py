from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgraph.catalogue.concepts import normalise, surface_variants
from kgraph.catalogue.load import load_catalogue
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


def test_variants():
    assert "autoscaling" in surface_variants("Auto Scaling".lower())
    assert "S3 buckets" in surface_variants("S3 bucket")
    assert surface_variants("policy") == ["policy", "policies"]


@given(st.text(max_size=60))
def test_normalise_is_idempotent_and_lowercase(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.lower()


def test_a_loaded_catalogue_is_kept_in_the_user_cache_and_follows_edits(tmp_path, monkeypatch):
    """A new process loads the catalogue from the user's cache instead of
    parsing and indexing it again; an edited file, or a damaged cache file,
    gives the catalogue the files hold."""
    import kgraph.catalogue.load as catalogue_module

    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    entries = [
        {"id": "go", "name": "Go", "type": "language", "aliases": ["golang"]},
        {"id": "rust", "name": "Rust", "type": "language"},
    ]
    models = write_catalogue(tmp_path, entries)
    first = load_catalogue(models)
    assert len(list((tmp_path / "cache").glob("catalogue-*.pickle"))) == 1

    def no_parsing(*args, **kwargs):
        raise AssertionError("the catalogue was parsed again")

    catalogue_module._load_cached.cache_clear()  # as in a new process
    with monkeypatch.context() as m:
        m.setattr(catalogue_module, "build_catalogue", no_parsing)
        again = load_catalogue(models)
    assert (again.version, again.concepts, again.index) == (
        first.version,
        first.concepts,
        first.index,
    )
    assert again.lookup("golang") == "go"

    entries[1]["aliases"] = ["rust-lang"]
    (models / "concepts" / "c.jsonl").write_text("\n".join(json.dumps(e) for e in entries) + "\n")
    catalogue_module._load_cached.cache_clear()
    edited = load_catalogue(models)
    assert edited.version != first.version and edited.lookup("rust-lang") == "rust"

    (current,) = (tmp_path / "cache").glob(f"catalogue-{edited.version}-*.pickle")
    current.write_bytes(b"not a pickle")
    catalogue_module._load_cached.cache_clear()
    assert load_catalogue(models).lookup("rust-lang") == "rust"


def test_concepts_carry_what_their_open_source_says_they_are(tmp_path):
    """Generated concepts keep their source's description, hand-written ones get
    the description of the topic folded into them (models/descriptions.jsonl),
    and a concept's own description is never replaced."""
    from kgraph.catalogue.load import load_catalogue

    cat = load_catalogue()
    assert cat["kubernetes"].description.startswith("Kubernetes is")
    assert sum(1 for c in cat if c.description) > 1000
    folder = tmp_path / "models"
    (folder / "concepts").mkdir(parents=True)
    (folder / "concepts" / "a.jsonl").write_text(
        '{"id": "x", "name": "X", "type": "tool", "description": "Its own words."}\n'
        '{"id": "y", "name": "Y", "type": "tool"}\n'
    )
    (folder / "descriptions.jsonl").write_text(
        '// generated\n{"id": "x", "description": "Other words."}\n{"id": "y", "description": "Y is a tool."}\n'
    )
    small = load_catalogue(folder)
    assert (small["x"].description, small["y"].description) == ("Its own words.", "Y is a tool.")
