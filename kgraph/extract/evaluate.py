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
no tag. :func:`candidates` ranks frequent terms the catalogue does not know.

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


_CAMEL = re.compile(r"\b[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*\b|\b[A-Z]{2,}[a-z]+[A-Za-z0-9]*\b")
_MULTI = re.compile(r"(?<![.!?]\s)\b[A-Z][a-zA-Z0-9]+(?:\s+[A-Z][a-zA-Z0-9]+){1,3}\b")
_CODE_TERM = re.compile(r"^[A-Za-z_][\w.\-/]{2,40}$")
_STOP = {
    "The",
    "This",
    "That",
    "These",
    "In",
    "On",
    "For",
    "And",
    "But",
    "If",
    "When",
    "How",
    "What",
    "Why",
    "A",
    "An",
    "It",
    "We",
    "You",
    "I",
    "My",
}


def _terms(art: Article, text: ArticleText) -> Iterable[tuple[str, str]]:
    for span in text.code:
        span = span.strip()
        if _CODE_TERM.match(span):
            yield span, "code"
    prose = "\n".join(b.text for b in text.blocks if b.kind != "code")
    for m in _CAMEL.finditer(prose):
        yield m.group(0), "camelcase"
    for m in _MULTI.finditer(prose):
        words = m.group(0).split()
        while words and words[0] in _STOP:
            words = words[1:]
        if len(words) >= 2:
            yield " ".join(words), "name"
    for tag in art.tags:
        yield tag, "tag"


def candidates(
    articles: Sequence[Article], catalogue: Catalogue | None = None, min_articles: int = 2
) -> list[dict[str, Any]]:
    """Frequent terms the catalogue does not know, most widespread first.

    Each is an entry in the catalogue format with ``"type": "TODO"`` (which
    the loader rejects until a maintainer sets a real type) and a ``note``
    saying where it was seen. Unresolved tags count from one article on.
    """
    cat = catalogue or load_catalogue()
    docs: dict[str, set[str]] = defaultdict(set)
    count: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for art in articles:
        text = to_text(art)
        for term, kind in _terms(art, text):
            key = term.lower()
            if len(key) < 3 or cat.resolve(term):
                continue
            docs[key].add(art.id)
            count[key] += 1
            kinds[key][kind] += 1
            forms[key][term] += 1
    ranked = sorted(docs, key=lambda k: (-len(docs[k]), -count[k], k))
    out = []
    for key in ranked:
        is_tag = kinds[key]["tag"] > 0
        if len(docs[key]) < min_articles and not is_tag:
            continue
        name = forms[key].most_common(1)[0][0]
        others = [f for f in forms[key] if f != name]
        out.append(
            {
                "id": slugify(name),
                "name": name,
                "type": "TODO",
                "aliases": others,
                "parents": [],
                "url": "",
                "note": f"{len(docs[key])} articles, {count[key]} times, as "
                + ", ".join(sorted(kinds[key])),
            }
        )
    return out
