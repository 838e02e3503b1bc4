"""The `kgraph_concepts` spaCy component on a user's own pipeline (issue 9)."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span

import kgraph.extract.spacy_component  # noqa: F401  (registers the factory, as the entry point does)
from kgraph.extract.extractor import extract
from kgraph.records import ArticleText, Block

pytestmark = pytest.mark.issue(9)

TEXT = "We deploy AWS Lambda functions with Terraform. A goroutine sends values on a channel in Go."


def _nlp(sentencizer: bool, **config) -> Language:
    nlp = spacy.blank("en")
    if sentencizer:
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgraph_concepts", config=config)
    return nlp


@pytest.mark.parametrize("sentencizer", [True, False])
def test_blank_pipeline_sets_concept_spans(sentencizer):
    doc = _nlp(sentencizer)(TEXT)
    found = [(s.text, s.kb_id_, s.id_, s.label_) for s in doc.spans["concepts"]]
    assert ("Terraform", "terraform", "terraform", "tool") in found
    assert ("goroutine", "go-goroutine", "go-goroutine", "go-concept") in found
    assert ("Go", "go", "go", "language") in found
    # "channel" is ambiguous: accepted here because the text is about Go
    assert ("channel", "go-channel", "go-channel", "go-concept") in found
    assert next(s for s in doc.spans["concepts"] if s.kb_id_ == "aws-lambda").text.startswith(
        "AWS Lambda"
    )
    assert len({(s.start, s.end, s.kb_id_) for s in doc.spans["concepts"]}) == len(found)
    assert doc.ents == ()  # ents only with set_ents


@pytest.mark.parametrize("sentencizer", [True, False])
def test_ambiguous_alias_needs_context_without_sentences_too(sentencizer):
    doc = _nlp(sentencizer)("Tune in to our channel for more videos.")
    assert [s.kb_id_ for s in doc.spans["concepts"]] == []


@pytest.mark.parametrize("sentencizer", [True, False])
def test_set_ents_writes_doc_ents_with_ent_id(sentencizer):
    doc = _nlp(sentencizer, set_ents=True)(TEXT)
    ents = [(e.text, e.ent_id_, e.kb_id_, e.label_) for e in doc.ents]
    assert ("Terraform", "terraform", "terraform", "tool") in ents
    assert ("Go", "go", "go", "language") in ents
    assert [t.ent_id_ for t in doc if t.text == "goroutine"] == ["go-goroutine"]


@Language.component("_test_fake_ner")
def _fake_ner(doc):
    """Stands in for a statistical NER: 'AWS Lambda' as ORG, the first token as PERSON."""
    doc.ents = [Span(doc, 0, 1, label="PERSON"), Span(doc, 2, 4, label="ORG")]
    return doc


def _with_ner(**config) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("_test_fake_ner")
    nlp.add_pipe("kgraph_concepts", config={"set_ents": True, **config})
    return nlp


def test_existing_entities_are_kept():
    doc = _with_ner()("Ann uses AWS Lambda with Terraform daily.")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("Ann", "PERSON", ""),
        ("AWS Lambda", "ORG", ""),
        ("Terraform", "tool", "terraform"),
    ]
    # the concept is still in the span group even where an entity won
    assert "aws-lambda" in {s.kb_id_ for s in doc.spans["concepts"]}


@Language.component("_test_long_ner")
def _long_ner(doc):
    """An entity longer than the concept inside it: 'uses AWS Lambda' as EVENT."""
    doc.ents = [Span(doc, 1, 4, label="EVENT")]
    return doc


def test_overwrite_ents_wins_even_against_a_longer_entity():
    nlp = spacy.blank("en")
    nlp.add_pipe("_test_long_ner")
    nlp.add_pipe("kgraph_concepts", config={"set_ents": True, "overwrite_ents": True})
    doc = nlp("Ann uses AWS Lambda with Terraform daily.")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [
        ("AWS Lambda", "aws-lambda"),
        ("Terraform", "terraform"),
    ]


def test_overwrite_ents_lets_concepts_replace_overlapping_entities():
    doc = _with_ner(overwrite_ents=True)("Ann uses AWS Lambda with Terraform daily.")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("Ann", "PERSON", ""),
        ("AWS Lambda", "aws-service", "aws-lambda"),
        ("Terraform", "tool", "terraform"),
    ]


def test_saved_pipeline_loads_back(tmp_path):
    nlp = _nlp(True, set_ents=True)
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert again.pipe_names == ["sentencizer", "kgraph_concepts"]
    assert [e.ent_id_ for e in again(TEXT).ents] == [e.ent_id_ for e in nlp(TEXT).ents]


def test_extract_is_unchanged_by_the_component_options():
    text = ArticleText(
        "a",
        (
            Block("title", "Goroutines in Go"),
            Block("paragraph", "A goroutine sends values on a channel."),
        ),
    )
    assert [(m.concept, m.count) for m in extract(text)] == [
        ("go-goroutine", 2),
        ("go", 1),
        ("go-channel", 1),
    ]
