from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kgraph.extract.extractor import extract, make_nlp
from kgraph.extract.matcher import EVIDENCE_MAX
from kgraph.records import ArticleText, Block


def concepts(*blocks: tuple[str, str]) -> dict:
    t = ArticleText("a", tuple(Block(k, s) for k, s in blocks))
    return {m.concept: m for m in extract(t)}


def test_go_the_verb_is_not_the_language():
    found = concepts(("paragraph", "Let's go through the steps. You can go ahead and deploy."))
    assert "go" not in found


def test_go_the_language_with_context():
    found = concepts(
        ("title", "Goroutines explained"), ("paragraph", "Go makes concurrency simple.")
    )
    assert {"go", "go-goroutine"} <= set(found)


def test_python_lambda_is_not_aws_lambda():
    found = concepts(
        ("paragraph", "In Python, sorted(xs, key=lambda x: x[1]) uses a lambda expression.")
    )
    assert "aws-lambda" not in found
    assert "python" in found


def test_aws_lambda_in_aws_context():
    found = concepts(
        ("paragraph", "We deploy the handler to AWS and invoke the Lambda function nightly.")
    )
    assert "aws-lambda" in found


def test_salience_prefers_title_and_frequency_over_a_passing_mention():
    found = concepts(
        ("title", "Terraform modules in practice"),
        ("paragraph", "Terraform modules group resources. We run terraform plan."),
        ("paragraph", "Some teams also use Ansible."),
    )
    assert found["terraform"].weight > found["ansible"].weight
    assert 0 < found["ansible"].weight < 1


def test_evidence_is_a_sentence_with_the_alias_and_bounded():
    long = "Intro words " * 60 + "then Amazon S3 stores the objects " + "and more words " * 60 + "."
    found = concepts(("paragraph", "Nothing here. " + long))
    m = found["amazon-s3"]
    assert "Amazon S3" in m.evidence and m.alias == "Amazon S3"
    assert len(m.evidence) <= EVIDENCE_MAX
    assert not m.evidence.startswith("Nothing here")


def test_code_blocks_carry_signals():
    found = concepts(
        ("paragraph", "Deploy it:"), ("code", "kubectl apply -f deploy.yaml\nimport boto3")
    )
    assert {"kubernetes", "boto3"} <= set(found)
    assert found["kubernetes"].evidence == "kubectl apply -f deploy.yaml"


def test_spacy_component_on_blank_pipeline():
    doc = make_nlp()("Build it in Go with goroutines, then store it in Amazon S3.")
    ids = [s.kb_id_ for s in doc.spans["concepts"]]
    assert ids == ["go", "go-goroutine", "amazon-s3"]


def test_fast_engine_finds_what_the_spacy_pipeline_finds(catalogue):
    """The Aho-Corasick engine used by builds keeps what the spaCy pipeline
    finds; it may find a little more (e.g. ``time.After(d)`` or ``AWS S3,Azure``,
    which spaCy keeps as one token), never much more."""
    from kgraph.extract.extractor import Extractor
    from kgraph.ingest.feeds import parse_feed
    from kgraph.ingest.sources import default_sources
    from kgraph.ingest.text import to_text

    texts = [
        to_text(a) for p in default_sources() for a in parse_feed(Path(p).read_bytes(), p).articles
    ]
    fast = [{m.concept for m in ms} for ms in Extractor(catalogue, "fast").extract_many(texts)]
    slow = [{m.concept for m in ms} for ms in Extractor(catalogue, "spacy").extract_many(texts)]
    pairs = sum(len(s) for s in slow)
    kept = sum(len(f & s) for f, s in zip(fast, slow, strict=True))
    extra = sum(len(f - s) for f, s in zip(fast, slow, strict=True))
    assert kept / pairs >= 0.98
    assert extra / pairs <= 0.08


def test_compiled_matcher_is_cached_and_a_corrupt_cache_is_rebuilt(
    catalogue, tmp_path, monkeypatch
):
    from kgraph.extract.matcher import FastMatcher

    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(tmp_path))
    first = FastMatcher(catalogue)
    (cached,) = tmp_path.glob("matcher-*.pickle")
    assert catalogue.version in cached.name
    stamp = cached.stat().st_mtime_ns
    second = FastMatcher(catalogue)
    assert cached.stat().st_mtime_ns == stamp  # read, not rewritten
    text = "Goroutines in Go write to Amazon S3."
    assert [m[3] for m in second.find(text)] == [m[3] for m in first.find(text)]
    cached.write_bytes(b"not a pickle")
    third = FastMatcher(catalogue)
    assert [m[3] for m in third.find(text)] == [m[3] for m in first.find(text)]
    assert cached.read_bytes() != b"not a pickle"


# -- the automaton against the boundary rules, spelled out ---------------------------------


def _reference_candidates(table, text: str) -> list[tuple[int, int, int, str]]:
    """Every form of ``table`` found by brute force under the rules the matcher
    documents: case-insensitive (exact forms as written), a word boundary at
    each end that is a word character in the form, no dotted name's head or
    tail (``deploy.yaml``, ``index.html``, ``.net`` in ``danwebb.net``), no tail
    of a capitalised compound (``API`` in ``VA-API``), nothing inside a URL or an email
    address."""
    from kgraph.extract.matcher import _URL

    def word(ch: str) -> bool:
        return ch.isalnum() or ch == "_"

    lower, n = _URL.sub(lambda m: " " * len(m.group(0)), text.lower()), len(text)
    out = []
    for form, (length, words, entries) in table.items():
        at = lower.find(form)
        while at >= 0:
            s, e = at, at + length
            ok = not (s > 0 and word(text[s - 1]) and word(text[s]))
            ok = ok and not (e < n and word(text[e - 1]) and word(text[e]))
            ok = ok and not (s > 1 and text[s - 1] == "." and word(text[s - 2]))
            ok = ok and not (e + 1 < n and text[e] == "." and word(text[e + 1]))
            ok = ok and not (s > 0 and text[s] == "." and word(text[s - 1]))  # danwebb.net
            ok = ok and not (  # VA-API, X-Ray
                s > 1
                and text[s - 1] == "-"
                and (text[s - 2].isupper() or text[s - 2].isdigit())
                and text[s].isalnum()
            )
            if ok:
                out += [(s, e, words, k) for k, exact in entries if exact in (None, text[s:e])]
            at = lower.find(form, at + 1)
    return sorted(out)


def test_matcher_candidates_follow_the_boundary_rules(catalogue):
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from kgraph.extract.matcher import FastMatcher, alias_table

    table = alias_table(catalogue)
    matcher = FastMatcher(catalogue)
    # forms of every shape: words only, inner punctuation (node.js), non-word
    # ends (.net, c#), single letters (R, C), and their neighbours
    forms = sorted(table)
    shaped = [f for f in forms if not f.isalnum()][:400] + [f for f in forms if len(f) <= 2]
    piece = st.one_of(
        st.sampled_from(shaped),
        st.sampled_from(forms),
        st.sampled_from(
            [" ", ".", "-", "_", "x", "é", "’", "\u00a0", "/", "#", "+", "\n", "ß", "@", "://"]
        ),
    )
    case = st.sampled_from([str, str.upper, str.title])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.tuples(piece, case), min_size=1, max_size=10))
    @example([("#!/bin/bash", str), ("@pytest.fixture", str)])  # an email-like run, blanked
    @example([("see https://", str), ("docs.aws", str), (" and AWS", str)])
    def check(parts):
        text = "".join(f(p) for p, f in parts)
        if len(text.lower()) != len(text):
            return  # the matcher lowers such text char by char; not this reference's job
        assert sorted(matcher.candidates(text)) == _reference_candidates(table, text)

    check()


def test_overlap_resolution_matches_the_per_character_owner_rule():
    """A match is kept when no character it covers belongs to a match kept
    before it with another span, whether the spans are few or many."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kgraph.extract.matcher import _without_overlaps

    def reference(found, n):
        owner, kept = [None] * n, []
        for start, end, _w, key in found:
            seg = owner[start:end]
            if all(o is None for o in seg) or all(o == (start, end) for o in seg):
                owner[start:end] = [(start, end)] * (end - start)
                kept.append((start, end, key))
        return sorted(dict.fromkeys(kept), key=lambda k: (k[0], k[2]))

    match = st.tuples(
        st.integers(0, 60), st.integers(1, 8), st.integers(1, 3), st.sampled_from("abc")
    ).map(lambda t: (t[0], t[0] + t[1], t[2], t[3]))

    @settings(max_examples=300, deadline=None)
    @given(st.lists(match, max_size=80))
    def check(found):
        found.sort(key=lambda f: (-f[2], f[0], f[0] - f[1]))
        assert _without_overlaps(found) == reference(found, 70)

    check()


def test_marking_is_the_non_word_rule_on_any_text():
    """The fast paths of ``_marked`` (ASCII bytes, mostly-ASCII text with a
    few others put back) agree with the one-regex definition."""
    import sys

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kgraph.extract.matcher import _NON_WORD, _marked

    every = "".join(chr(i) for i in range(sys.maxunicode + 1))  # mostly not ASCII
    assert _marked(every) == _NON_WORD.sub("\x00", every)
    sparse = "".join(f"{chr(i)} in a text. " for i in range(sys.maxunicode + 1))
    assert _marked(sparse) == _NON_WORD.sub("\x00", sparse)
    char = st.one_of(
        st.characters(max_codepoint=127),
        st.sampled_from("?’é–ø_ ßİ\u00a0\ud800"),
        st.characters(),
    )

    @settings(max_examples=300, deadline=None)
    @given(st.lists(char, max_size=60).map("".join))
    def check(text):
        assert _marked(text) == _NON_WORD.sub("\x00", text)

    check()


def test_judging_with_a_shared_cache_of_broader_concepts_changes_nothing(catalogue):
    from kgraph.extract.judge import Hit, judge
    from kgraph.extract.matcher import FastMatcher

    matcher = FastMatcher(catalogue)
    blocks = [
        "Let's go. Go has goroutines and channels.",
        "Deploy AWS Lambda functions; in Python a lambda is an expression.",
        "We use R and C for stats. Written in Go, see go.mod.",
    ]
    hits = [
        Hit(key.partition("#")[0], key if "#" in key else "", b, "paragraph", sentence, surface)
        for b, text in enumerate(blocks)
        for _s, _e, surface, key, sentence in matcher.find(text)
    ]
    assert any(h.rule for h in hits)
    fresh = dataclasses.replace(catalogue)  # same concepts, nothing memoised yet
    first = judge(hits, matcher.rules, fresh)
    assert fresh._with_broader  # filled, then reused
    assert judge(hits, matcher.rules, fresh) == first
    assert judge(hits, matcher.rules, dataclasses.replace(catalogue)) == first
    for cid, closure in fresh._with_broader.items():
        assert closure == {cid, *catalogue.ancestors(cid)}


@pytest.mark.parametrize(
    ("sentence", "concept"),
    [
        ("We created an auto-scaling group for the web tier.", "aws-auto-scaling"),
        ("I stored the sessions in Dynamo DB.", "amazon-dynamodb"),
        ("The orders live in Postgre SQL.", "postgresql"),
        ("We wrote the parser in Type Script.", "typescript"),
        ("Run the tests with Git Hub Actions.", "github-actions"),
    ],
)
def test_spelling_variants_people_write(sentence, concept):
    """A compound hyphenated before its noun, and a CamelCase name written as
    its words, are the concept (not a shorter name inside them: "Java" in
    "Java Script")."""
    found = {m.concept for m in extract(ArticleText("t", (Block("paragraph", sentence),)))}
    assert concept in found


def test_camel_split_needs_the_names_case_and_a_hand_written_entry():
    found = {
        m.concept
        for m in extract(
            ArticleText(
                "t",
                (Block("paragraph", "My SQL skills and a type script grew; A Simple DB in Rust."),),
            )
        )
    }
    assert not found & {"mysql", "typescript", "amazon-simpledb"}
