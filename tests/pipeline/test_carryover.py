"""Carrying analyses over a catalogue change (issue 7): article sketches hold
every word a match can be made of, and form signatures change exactly where
the catalogue's meaning of a form does."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgraph.catalogue.concepts import AmbiguousAlias, Concept
from kgraph.catalogue.load import load_catalogue
from kgraph.catalogue.validate import build_catalogue
from kgraph.extract.extractor import Extractor
from kgraph.extract.matcher import automaton_key, same_length_lower
from kgraph.pipeline.carryover import CatalogueChange, changed_forms, form_signatures
from kgraph.pipeline.sketch import has_bits, sketch, text_sketch, trigram_bits
from kgraph.records import ArticleText, Block

pytestmark = pytest.mark.issue(7)

CATALOGUE = load_catalogue()
EXTRACTOR = Extractor(CATALOGUE)
ALIASES = sorted({a for c in list(CATALOGUE)[:400] for a in c.all_aliases})
# one spelling per form (forms are lowercased: "AWS Textract" and "aws textract" are one)
FORMS = sorted({" ".join(a.lower().split()) for a in ALIASES})

# text made of catalogue aliases, other words, URLs and punctuation, in any case
pieces = st.one_of(
    st.sampled_from(ALIASES),
    st.sampled_from(["the", "Go", "go", "S3-bucket", "node.js", "İstanbul", "café", "x_y"]),
    st.sampled_from(["https://aws.amazon.com/s3/", "a@b.io", "www.docker.com"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
)
seps = st.sampled_from([" ", ". ", ", ", "\n", "-", "/", "(", ") ", ": "])
texts = st.lists(st.tuples(pieces, seps), max_size=25).map(
    lambda parts: "".join(p + s for p, s in parts)
)
kinds = st.sampled_from(["title", "paragraph", "heading", "code", "item"])
articles = st.lists(st.tuples(kinds, texts), min_size=1, max_size=4).map(
    lambda blocks: ArticleText("a", tuple(Block(k, t) for k, t in blocks))
)


@settings(max_examples=150, deadline=None)
@given(articles)
def test_every_match_has_its_bits_in_the_sketch(text):
    searched: list[list[str]] = []
    list(EXTRACTOR.extract_many([text], searched=searched))
    sketched = [sketch(marks) for marks in searched]
    assert sketched == [text_sketch(text)]  # what the matcher searched, block by block
    for _block, surface, _concept in EXTRACTOR.matches(text):
        # what the automaton found: the surface as searched, between word boundaries
        key = automaton_key(same_length_lower(surface))
        assert has_bits(sketched[0], trigram_bits(key)), surface


@settings(max_examples=60, deadline=None)
@given(articles, st.sampled_from(ALIASES))
def test_an_article_a_changed_form_occurs_in_is_affected(text, alias):
    old = form_signatures(CATALOGUE)
    new = dict(old)
    form = " ".join(alias.lower().split())
    new[form] = new.get(form, 0) + 1  # the form's meaning changed
    change = CatalogueChange(old, new)
    assert change.forms == [form]
    lower = " ".join(b.text for b in text.blocks).lower()
    if change.affects(text_sketch(text)):
        return
    # not affected: then no match of the form can be in the text
    hits = EXTRACTOR.fast.find("\n".join(b.text for b in text.blocks))
    assert all(" ".join(h[2].lower().split()) != form for h in hits), lower


def _catalogue(*concepts: Concept):
    return build_catalogue(concepts, "")  # no version: signatures not cached


BASE = (
    Concept("cloud", "Cloud computing", "topic"),
    Concept("aws", "AWS", "cloud-provider", ("Amazon Web Services",), ("cloud",)),
    Concept("s3", "Amazon S3", "aws-service", ("S3",), ("aws",)),
    Concept(
        "go",
        "Go",
        "language",
        ("golang",),
        (),
        ambiguous=(AmbiguousAlias("Go", True, ("goroutine",), ("package",)),),
    ),
    Concept("goroutine", "goroutine", "go-concept", (), ("go",)),
)


def _changed(*concepts: Concept) -> set[str]:
    old = form_signatures(_catalogue(*BASE))
    # spelled with spaces: "s3-bucket" and "s3 bucket" are two forms of one alias
    return {
        re.sub(r"\W+", " ", f) for f in changed_forms(old, form_signatures(_catalogue(*concepts)))
    }


def test_form_signatures_change_exactly_where_a_form_means_something_else():
    assert _changed(*BASE) == set()
    # a new alias: its forms only (singular and plural variants)
    s3 = dataclasses.replace(BASE[2], aliases=("S3", "S3 bucket"))
    assert _changed(*BASE[:2], s3, *BASE[3:]) == {"s3 bucket", "s3 buckets"}
    # new parents change every form of the concept and of its narrower ones
    # (and the forms of the old parent, whose weight depends on how many
    # concepts sit below it: issue 21)
    aws = dataclasses.replace(BASE[1], parents=())
    assert _changed(BASE[0], aws, *BASE[2:]) == {
        "aws",
        "amazon web services",
        "amazonwebservices",
        "amazon s3",
        "s3",
        "cloud computing",
        "cloud computings",
        "cloudcomputing",
        "cloudcomputings",
    }
    # a rule's cues: the forms of that rule
    rule = dataclasses.replace(BASE[3].ambiguous[0], cues=("module",))
    go = dataclasses.replace(BASE[3], ambiguous=(rule,))
    assert _changed(*BASE[:3], go, BASE[4]) == {"go"}
    # a concept removed: its forms, and those of the rule that needed it
    rule = dataclasses.replace(BASE[3].ambiguous[0], needs=())
    go = dataclasses.replace(BASE[3], ambiguous=(rule,))
    # (and golang: Go has nothing below it now, so it weighs as more specific)
    assert _changed(*BASE[:3], go) == {"goroutine", "goroutines", "go", "golang", "golangs"}
    # a concept added under another: its own forms, and those of a broader
    # concept whose count of narrower ones reaches a new power of two (its
    # weight: issue 21) -- here cloud computing's, 3 -> 4 below it, not AWS's
    ec2 = Concept("ec2", "Amazon EC2", "aws-service", ("EC2",), ("aws",))
    cloud = {"cloud computing", "cloud computings", "cloudcomputing", "cloudcomputings"}
    assert _changed(*BASE, ec2) == {"amazon ec2", "ec2", *cloud}


@settings(max_examples=40, deadline=None)
@given(articles, st.lists(st.sampled_from(FORMS), min_size=33, max_size=60, unique=True))
def test_many_changed_forms_are_checked_as_one_by_one(text, aliases):
    old = form_signatures(CATALOGUE)
    forms = {" ".join(a.lower().split()) for a in aliases}
    new = {**old, **{f: old.get(f, 0) + 1 for f in forms}}
    change = CatalogueChange(old, new)
    assert change._flat is not None  # the numpy path
    sketch = text_sketch(text)
    one_by_one = any(has_bits(sketch, trigram_bits(automaton_key(f))) for f in change.forms)
    assert change.affects(sketch) == one_by_one
    with pytest.raises(ValueError):
        change.affects(b"not a sketch")


def test_both_engines_give_the_same_sketches():
    texts = [
        ArticleText("a", (Block("title", "Goroutines in Go"), Block("code", "go run main.go"))),
        ArticleText("b", (Block("paragraph", "See https://aws.amazon.com/s3/ for S3-buckets."),)),
    ]
    fast: list[list[str]] = []
    slow: list[list[str]] = []
    found = list(EXTRACTOR.extract_many(texts, searched=fast))
    assert list(Extractor(CATALOGUE, engine="spacy").extract_many(texts, searched=slow)) == found
    assert fast == slow
    assert [sketch(marks) for marks in fast] == [text_sketch(t) for t in texts]
