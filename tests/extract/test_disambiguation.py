"""Precision and recall of ambiguous-alias judgement on a labelled set (issue 4).

tests/data/ambiguous.jsonl holds sentences with an ambiguous word, an optional
article context, and the concept the word names there (or null).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgraph.catalogue.concepts import normalise
from kgraph.extract.extractor import Extractor, make_nlp
from kgraph.records import ArticleText, Block

DATA = Path(__file__).resolve().parents[1] / "data"

CASES = [json.loads(line) for line in (DATA / "ambiguous.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def predict(nlp, case: dict) -> str | None:
    """The concept the extractor gives the alias inside ``text`` (context before it)."""
    context = case.get("context", "")
    doc = nlp(f"{context}\n\n{case['text']}" if context else case["text"])
    start = len(context) + 2 if context else 0
    alias = normalise(case["alias"])
    for span in doc.spans["concepts"]:
        if span.start_char >= start and alias in normalise(span.text):
            return span.kb_id_
    return None


@pytest.mark.issue(4)
def test_labelled_set_is_large_and_balanced():
    assert len(CASES) >= 150
    positives = sum(c["expected"] is not None for c in CASES)
    assert 50 <= positives <= len(CASES) - 50


def predict_fast(extractor, case: dict) -> str | None:
    """The same with the build's engine: context and text as two paragraphs."""
    blocks = [Block("paragraph", case["text"])]
    if case.get("context"):
        blocks.insert(0, Block("paragraph", case["context"]))
    alias = normalise(case["alias"])
    for block, surface, concept in extractor.matches(ArticleText("case", tuple(blocks))):
        if block == len(blocks) - 1 and alias in normalise(surface):
            return concept
    return None


@pytest.mark.issue(4)
@pytest.mark.parametrize("engine", ["spacy", "fast"])
def test_precision_and_recall(nlp, engine):
    extractor = Extractor() if engine == "fast" else None
    tp = fp = fn = 0
    wrong = []
    for case in CASES:
        got = predict(nlp, case) if extractor is None else predict_fast(extractor, case)
        exp = case["expected"]
        if got and got == exp:
            tp += 1
        else:
            if got:
                fp += 1
            if exp:
                fn += 1
            wrong.append((case["text"], exp, got))
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision >= 0.95, (precision, wrong)
    assert recall >= 0.9, (recall, wrong)
