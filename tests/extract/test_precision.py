"""Precision and salience on the labelled mentions (issue 21).

``tests/data/mentions_labelled.jsonl`` holds mentions read by hand (correct,
wrong or trivial, with the evidence and a reason): 340 sampled at random from
real dev feeds (tags stripped) and every mention that ranked in an article's
top ten (later: top five) in the bundled sample feeds. The seed articles are
bundled, so they go through the real pipeline whole (feed, HTML to text,
extraction); a dev article is rebuilt from its labelled sentences, each in the
kind of block it came from (paragraph, list item, code...), as HTML.
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kgraph.api import read_articles
from kgraph.extract.extractor import Extractor
from kgraph.ingest.text import to_text
from kgraph.records import Article

DATA = Path(__file__).parents[1] / "data"
LABELS = [json.loads(line) for line in (DATA / "mentions_labelled.jsonl").read_text().splitlines()]
BY_KEY = {(r["url"], r["concept"]): r for r in LABELS}
SEED_FEEDS = ("forem-kodecapsule", "hashnode-arishahmad")
_TAG = {"paragraph": "p", "item": "li", "quote": "blockquote", "heading": "h2", "table": "td"}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_labelled_set_is_large_and_read():
    assert len(LABELS) >= 300
    verdicts = Counter(r["verdict"] for r in LABELS)
    assert set(verdicts) == {"correct", "wrong", "trivial"}
    assert verdicts["wrong"] >= 20 and verdicts["trivial"] >= 50
    assert len({(r["url"], r["concept"]) for r in LABELS}) == len(LABELS)
    for r in LABELS:
        assert r["evidence"] and r["concept"] and r["url"] and r["kind"]
        if r["verdict"] != "correct":
            assert r["reason"], r  # every wrong or trivial verdict says why
    dev = {r["feed"] for r in LABELS} - set(SEED_FEEDS)
    assert len(dev) >= 8  # judged on feeds nobody tuned for, not only the seeds


def _tally(verdicts: Counter[str]) -> tuple[float, float]:
    judged = verdicts["correct"] + verdicts["wrong"]
    total = judged + verdicts["trivial"]
    return verdicts["correct"] / judged, verdicts["trivial"] / total


def test_seed_articles_top_five_are_correct_and_not_trivial(extractor):
    """Each bundled article's five most salient concepts: precision >= 0.97
    (trivial ones left out) and at most 5% trivial. A top-five mention nobody
    labelled counts as unknown; more than a few fail the test (label them)."""
    _feeds, articles, _report = read_articles()
    verdicts: Counter[str] = Counter()
    unknown = []
    for art in articles:
        for m in extractor.extract(to_text(art))[:5]:
            label = BY_KEY.get((art.url, m.concept))
            if label is None:
                unknown.append((art.title, m.concept, m.evidence))
            else:
                verdicts[label["verdict"]] += 1
    assert len(unknown) <= 0.05 * (sum(verdicts.values()) + len(unknown)), unknown
    precision, trivial = _tally(verdicts)
    assert precision >= 0.97, (precision, verdicts)
    assert trivial <= 0.05, (trivial, verdicts)


def _dev_articles() -> dict[str, tuple[Article, list[dict]]]:
    """Each labelled dev article rebuilt as HTML from its labelled sentences."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in LABELS:
        if r["feed"] not in SEED_FEEDS:
            groups[r["url"]].append(r)
    out = {}
    for url, rows in groups.items():
        parts = []
        for r in rows:
            text = html.escape(r["evidence"].replace("…", " "))
            if r["kind"] == "code":
                parts.append(f"<pre>{text}</pre>")
            elif r["kind"] != "title":
                tag = _TAG.get(r["kind"], "p")
                parts.append(
                    f"<ul><li>{text}</li></ul>" if tag == "li" else f"<{tag}>{text}</{tag}>"
                )
        art = Article(id=url, url=url, title=rows[0]["title"], html="\n".join(parts))
        out[url] = (art, rows)
    return out


def test_dev_sentences_precision(extractor):
    """Re-extracted from their sentences, the labelled dev mentions: what is
    still found is correct (precision >= 0.97, trivial left out), the wrong
    ones are gone, and the correct ones stay found (no precision paid for by
    recall). A sentence alone has lost the rest of its article, which supports
    some words ("threads" beside a concurrency concept): 90% must stay."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong_found = []
    for art, rows in _dev_articles().values():
        concepts = {m.concept for m in extractor.extract(to_text(art))}
        for r in rows:
            total[r["verdict"]] += 1
            if r["concept"] in concepts:
                found[r["verdict"]] += 1
                if r["verdict"] == "wrong":
                    wrong_found.append((r["concept"], r["evidence"][:80]))
    precision, _trivial = _tally(found)
    assert precision >= 0.97, (precision, wrong_found)
    assert found["wrong"] <= 0.25 * total["wrong"], wrong_found
    assert found["correct"] >= 0.9 * total["correct"], (found, total)
