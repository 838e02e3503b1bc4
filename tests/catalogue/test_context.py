"""Ambiguity worked out from data (issue 21): common words, short aliases and
vendor-neutral words count only with context evidence."""

from __future__ import annotations

import time

import pytest

from kgraph.catalogue.concepts import Concept
from kgraph.catalogue.context import (
    catalogue_warnings,
    context_reason,
    word_frequencies,
    word_rules,
)
from kgraph.catalogue.load import load_catalogue
from kgraph.catalogue.validate import build_catalogue
from kgraph.extract.extractor import Extractor
from kgraph.records import ArticleText, Block


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def concepts(extractor: Extractor, *blocks: tuple[str, str]) -> set[str]:
    text = ArticleText("a", tuple(Block(kind, body) for kind, body in blocks))
    return {m.concept for m in extractor.extract(text)}


def test_which_aliases_need_context_comes_from_word_frequencies():
    words = word_frequencies()
    assert context_reason("container", words) == "common"  # an everyday word
    assert context_reason("Kubernetes", words, "tool") is None  # rare in English
    assert context_reason("apt", words, "tool") == "short"
    assert context_reason("C#", words, "language") is None  # symbols are distinctive
    # a product's name counts as common only when it is an everyday word
    assert context_reason("Python", words, "language") is None
    assert context_reason("Windows", words, "os") == "common"
    rules = word_rules(load_catalogue())
    assert rules["container"].support == frozenset({"containers"})
    assert rules["windows"].case == "mid" and rules["aws"].case == "any"


def test_common_word_needs_a_related_concept(extractor):
    alone = ("paragraph", "A layer is a special container, a .zip file archive with your code.")
    assert "containers" not in concepts(extractor, alone)
    with_docker = ("paragraph", "We build the image with Docker and push it to a registry.")
    assert "containers" in concepts(extractor, alone, with_docker)


def test_case_tells_a_name_from_a_word(extractor):
    assert "windows" in concepts(extractor, ("paragraph", "The service runs on Windows and macOS."))
    assert "windows" not in concepts(extractor, ("paragraph", "Close the windows before it rains."))
    # a capital at the start of a sentence tells nothing
    assert "windows" not in concepts(extractor, ("paragraph", "Windows were open all night."))


def test_short_alias_counts_as_a_command_not_as_a_word(extractor):
    prose = ("paragraph", "Send it to 735 Jasmine Village Apt. 009 by noon.")
    assert "apt" not in concepts(extractor, prose)
    assert "apt" in concepts(extractor, ("code", "sudo apt install nginx"))


def test_one_span_two_concepts_the_sentence_decides(extractor):
    found = concepts(
        extractor,
        ("paragraph", "The handler is written in Python 3."),
        ("paragraph", "Open the Lambda console and invoke the function."),
    )
    assert "aws-lambda" in found and "python-lambda" not in found


def test_vendor_neutral_words_resolve_to_the_vendor_in_the_article(extractor):
    gcp = concepts(
        extractor,
        ("paragraph", "Create a Virtual Private Cloud (VPC) for the cluster in Google Cloud."),
    )
    assert "amazon-vpc" not in gcp and {"virtual-private-cloud", "gcp-vpc"} & gcp
    aws = concepts(extractor, ("paragraph", "Launch the EC2 instance into your VPC on AWS."))
    assert "amazon-vpc" in aws
    cpp = concepts(extractor, ("paragraph", "We ran the C++ tests under a data race detector."))
    assert "data-race-detector" in cpp and "go-race-detector" not in cpp


def test_narrower_products_are_not_folded_into_siblings(extractor):
    found = concepts(
        extractor, ("paragraph", "The tasks run on AWS Fargate behind a security group.")
    )
    assert {"aws-fargate", "aws-security-group"} <= found
    assert "amazon-ecs" not in found and "amazon-vpc" not in found
    keys = concepts(extractor, ("paragraph", "Keep the private key out of the repository."))
    assert "public-key-cryptography" in keys and "rsa" not in keys


def _concept(cid: str, name: str, ctype: str = "topic", **kw) -> Concept:
    return Concept(id=cid, name=name, type=ctype, source="test.jsonl", **kw)


def test_validation_reports_a_common_word_with_no_rule():
    lonely = build_catalogue([_concept("weather", "Weather")], version="")
    assert [w for w in catalogue_warnings(lonely) if "'Weather'" in w]
    # a narrower concept (or a specific parent, or a rule) gives it context
    fine = build_catalogue(
        [
            _concept("weather", "Weather"),
            _concept("rain-radar", "Rain radar", parents=("weather",)),
        ],
        version="",
    )
    assert catalogue_warnings(fine) == []
    assert catalogue_warnings(load_catalogue()) == []


def test_validation_stays_fast_on_a_large_catalogue():
    words = [w for w, z in word_frequencies().items() if z > 3.5][:6000]
    many = [
        _concept(
            f"c{i}",
            word.title(),
            "tool" if i % 2 else "concept",
            parents=(f"c{i // 10}",) if i >= 10 else (),
        )
        for i, word in enumerate(words)
    ]
    cat = build_catalogue(many, version="big")
    start = time.perf_counter()
    rules = word_rules(cat)
    warnings = catalogue_warnings(cat)
    assert time.perf_counter() - start < 5.0
    assert len(rules) > 1000 and isinstance(warnings, list)
