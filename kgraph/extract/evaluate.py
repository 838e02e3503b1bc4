"""Tag-versus-text evaluation and catalogue candidates.

Authors' tags are an imperfect yardstick: a corporate blog tags "Containers &
Kubernetes" on posts that never name Kubernetes. :func:`evaluate` therefore
reports two recalls per article and in total:

- ``tag_recall``: of the tags that resolve to a concept, the share whose
  concept the extractor found in the text (the concept itself or a narrower
  one: a tag "AWS" is found when the text discusses Amazon S3);
- ``named_recall``: the same, over only the tags whose concept the text names
  by one of its aliases (a plain case-insensitive word search of the
  catalogue's aliases in the article, independent of the extractor): the part a
  text-based extractor can reach.

It also lists tags that resolve to no concept and salient concepts that carry
no tag. :func:`candidates` ranks the names the catalogue does not know
(discovered terms, :mod:`kgraph.extract.terms`, and unresolved tags) for promotion.

>>> from kgraph.records import Article
>>> art = Article(id="a", title="Goroutines in Go", tags=("golang", "coding"),
...     html="<p>A goroutine sends values on a channel.</p>")
>>> rep = evaluate([art])
>>> rep.total["tags_resolved"], rep.total["tags_found"], rep.articles[0].unresolved
(1, 1, ['coding'])
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from kgraph.catalogue.concepts import Catalogue, slugify
from kgraph.catalogue.load import load_catalogue
from kgraph.extract.extractor import get_extractor
from kgraph.extract.tally import TermTally
from kgraph.ingest.text import to_text
from kgraph.records import Article, ArticleText

__all__ = ["ArticleEval", "EvalReport", "candidates", "evaluate"]

#: mentions at or above this weight count as what the article is about
SALIENT = 0.6


@dataclass
class ArticleEval:
    """Tag-versus-text result for one article."""

    article: str
    title: str
    #: tag -> concept id, for tags that resolve
    resolved: dict[str, str] = field(default_factory=dict)
    #: resolved tags whose concept (or a narrower one) the extractor found
    found: list[str] = field(default_factory=list)
    #: resolved tags whose concept the text names by an alias
    named: list[str] = field(default_factory=list)
    #: named tags the extractor missed
    missed_named: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    #: salient extracted concepts that no tag names (nor a narrower tag)
    untagged: list[str] = field(default_factory=list)


@dataclass
class EvalReport:
    """Per-article results and the totals (see module doc)."""

    articles: list[ArticleEval]
    total: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "articles": [asdict(a) for a in self.articles]}


def _alias_re(aliases: Iterable[str]) -> re.Pattern[str]:
    parts = sorted({a.strip() for a in aliases if a.strip()}, key=len, reverse=True)
    return re.compile("|".join(rf"(?<!\w){re.escape(a)}(?!\w)" for a in parts), re.I)


def _names_concept(cat: Catalogue, cid: str, text: str, cache: dict[str, re.Pattern[str]]) -> bool:
    if cid not in cache:
        cache[cid] = _alias_re(cat[cid].all_aliases)
    return bool(cache[cid].search(text))


def _full_text(art: Article, text: ArticleText) -> str:
    return "\n".join([art.title, *(b.text for b in text.blocks), *text.code])


def evaluate(articles: Sequence[Article], catalogue: Catalogue | None = None) -> EvalReport:
    """Compare each article's tags with the concepts extracted from its text."""
    cat = catalogue or load_catalogue()
    texts = [to_text(a) for a in articles]
    found_all = get_extractor(cat).extract_many(texts)
    cache: dict[str, re.Pattern[str]] = {}
    out: list[ArticleEval] = []
    for art, text, mentions in zip(articles, texts, found_all, strict=True):
        ev = ArticleEval(article=art.id, title=art.title)
        extracted = {m.concept for m in mentions}
        covered = set(extracted)
        for cid in extracted:
            covered |= cat.ancestors(cid)
        body = _full_text(art, text)
        for tag in dict.fromkeys(art.tags):
            cid = cat.resolve(tag)
            if not cid:
                ev.unresolved.append(tag)
                continue
            ev.resolved[tag] = cid
            hit = cid in covered
            if hit:
                ev.found.append(tag)
            if _names_concept(cat, cid, body, cache):
                ev.named.append(tag)
                if not hit:
                    ev.missed_named.append(tag)
        tagged = set(ev.resolved.values())
        tag_scope = tagged | {a for t in tagged for a in cat.ancestors(t)}
        ev.untagged = [
            m.concept
            for m in mentions
            if m.weight >= SALIENT
            and m.concept not in tag_scope
            and not (cat.ancestors(m.concept) & tagged)
        ]
        out.append(ev)
    return EvalReport(out, _totals(out))


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _totals(evals: list[ArticleEval]) -> dict[str, Any]:
    resolved = sum(len(e.resolved) for e in evals)
    found = sum(len(e.found) for e in evals)
    named = sum(len(e.named) for e in evals)
    named_found = named - sum(len(e.missed_named) for e in evals)
    unresolved = Counter(t for e in evals for t in e.unresolved)
    untagged = Counter(c for e in evals for c in e.untagged)
    return {
        "articles": len(evals),
        "tags": resolved + sum(unresolved.values()),
        "tags_resolved": resolved,
        "tags_found": found,
        "tag_recall": _ratio(found, resolved),
        "tags_named": named,
        "tags_named_found": named_found,
        "named_recall": _ratio(named_found, named),
        "unresolved_tags": dict(unresolved.most_common()),
        "untagged_salient_concepts": dict(untagged.most_common(30)),
    }


def candidates(
    articles: Sequence[Article], catalogue: Catalogue | None = None, min_articles: int = 1
) -> list[dict[str, Any]]:
    """Names the catalogue lacks, ranked for promotion into it: the terms a
    build shows (:func:`kgraph.extract.terms.keeps`), most widespread first, then the
    authors' tags that resolve to no concept, in at least ``min_articles``
    articles each.

    Each is an entry in the catalogue format with ``"type": "TODO"`` (which
    the loader rejects until a maintainer sets a real type) and a ``note``
    saying where and how it was seen, with one evidence sentence.
    """
    cat = catalogue or load_catalogue()
    tally = TermTally()
    tags: dict[str, Counter[str]] = defaultdict(Counter)  # unresolved tag -> spellings
    for art, mentions in zip(
        articles,
        get_extractor(cat, discover=True).extract_many(to_text(a) for a in articles),
        strict=True,
    ):
        tally.add(mentions)
        for tag in dict.fromkeys(art.tags):
            if tag.strip() and not cat.resolve(tag):
                tags[tag.strip().lower()][tag.strip()] += 1
    out = []
    names = set()
    for cid, t in tally.ranked():
        if t.articles < min_articles:
            continue
        name = t.name
        names.add(name.lower())
        found = ", ".join(sorted(t.kinds))
        out.append(
            _entry(
                cid,
                name,
                [s for s in sorted(t.spellings) if s != name],
                f'{t.articles} articles, {t.count} times, found as {found}; e.g. "{t.evidence}"',
            )
        )
    ranked_tags = sorted(tags.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    for key, spellings in ranked_tags:
        n = sum(spellings.values())
        if n < min_articles or key in names:
            continue
        name = min(spellings, key=lambda s: (-spellings[s], s))
        others = sorted(s for s in spellings if s != name)
        out.append(_entry(slugify(name), name, others, f"{n} articles, as an author's tag"))
    return out


def _entry(cid: str, name: str, aliases: list[str], note: str) -> dict[str, Any]:
    return {
        "id": cid,
        "name": name,
        "type": "TODO",
        "aliases": aliases,
        "parents": [],
        "url": "",
        "note": note,
    }
