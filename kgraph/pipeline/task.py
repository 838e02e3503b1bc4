"""One feed, one task, done end to end where it runs (in the build process or
on an engine's worker): parse the feed, look its articles' analyses up in the
build cache (read-only), clean and extract the others, and send back only
what the build needs: each article's id and URL (to drop duplicates), cache
key and graph part, and the new analyses (light text and mentions) packed
for the cache as bytes. The HTML never leaves the process that parsed it.
The records that go and come back (:class:`~kgraph.records.FeedTask`,
:class:`~kgraph.records.FeedDone`, :class:`~kgraph.records.FeedFailed`) are in
:mod:`kgraph.records`.

>>> from kgraph.records import Article
>>> [(a.id, [m.concept for m in ms][:2]) for a, _, ms in analyse([Article("x", html="<p>kubectl and Helm charts</p>")])]
[('x', ['helm', 'kubernetes'])]
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

from kgraph.catalogue.concepts import Catalogue
from kgraph.catalogue.load import load_catalogue
from kgraph.errors import FeedError, one_line
from kgraph.extract.extractor import Extractor, get_extractor
from kgraph.graph.parts import article_part
from kgraph.ingest.feeds import parse_feed_or_error
from kgraph.ingest.text import to_text
from kgraph.ingest.words import distinctive_terms
from kgraph.pipeline.sketch import sketch as sketch_of
from kgraph.records import (
    SUMMARY_MAX,
    Article,
    ArticleText,
    Block,
    FeedDone,
    FeedFailed,
    FeedTask,
    Mention,
)

__all__ = [
    "Analysed",
    "Carry",
    "Lookup",
    "analyse",
    "light_text",
    "run_feed",
]

LOGGER = logging.getLogger(__name__)

#: (article without its HTML, light text, mentions)
Analysed = tuple[Article, ArticleText, list[Mention]]

#: What analysing one article gives: light text, mentions, and a warning ("" if none).
Result = tuple[ArticleText, list[Mention], str]

#: Stored analyses among some cache keys: ``lookup(keys) -> {key: (text, mentions)}``.
Lookup = Callable[[list[str]], dict[str, tuple[ArticleText, list[Mention]]]]

#: Analyses of other catalogue versions that still hold (:class:`kgraph.pipeline.carryover.Carrier`):
#: ``carry(content keys, generation) -> {content key: (packed analysis, sketch)}``.
Carry = Callable[[Sequence[str], str], dict[str, tuple[bytes, bytes]]]


# -- one feed, end to end (runs in a worker, or in this process) ----------------------------


def light_text(text: ArticleText) -> ArticleText:
    """The part of an article's text the graph needs: title, enough prose for
    the summary, links, word count and distinctive words (code and the rest are dropped).

    >>> t = ArticleText("a", (Block("title", "T"), Block("paragraph", "x" * 400), Block("paragraph", "y")), word_count=2)
    >>> [b.text[:1] for b in light_text(t).blocks], light_text(t).word_count
    (['T', 'x'], 2)
    """
    keep: list[Block] = []
    prose, terms = 0, text.terms or distinctive_terms(text)
    for block in text.blocks:
        if block.kind == "title":
            keep.append(block)
        elif block.kind != "code" and prose < SUMMARY_MAX:
            keep.append(block)
            prose += len(block.text) + 1
    return dataclasses.replace(text, blocks=tuple(keep), code=(), terms=terms)


def _text_of(article: Article) -> tuple[ArticleText, str]:
    """Clean text of an article, or of its title alone (and a warning) when the
    HTML is pathological: one bad article never costs the build."""
    try:
        return to_text(article), ""
    except (RecursionError, ValueError) as err:
        msg = one_line(f"{article.feed}: article {article.id}: body unreadable ({err}); title only")
        return to_text(dataclasses.replace(article, html="")), msg


def _analyse_chunk(
    articles: list[Article], extractor: Extractor, sketch: bool = False
) -> tuple[list[Result], list[bytes], float]:
    """Clean and extract ``articles``; with their sketches (if ``sketch``: for
    the cache) and the seconds cleaning took."""
    started = time.perf_counter()
    texts, notes = zip(*(_text_of(a) for a in articles), strict=True) if articles else ((), ())
    cleaned = time.perf_counter()
    searched: list[list[str]] | None = [] if sketch else None
    found = extractor.extract_many(texts, searched=searched)
    results = [(light_text(t), ms, note) for t, ms, note in zip(texts, found, notes, strict=True)]
    return results, [sketch_of(marks) for marks in searched or ()], cleaned - started


def run_feed(
    task: FeedTask,
    extractor: Callable[[], Extractor],
    lookup: Lookup | None = None,
    catalogue: Catalogue | None = None,
    carry: Carry | None = None,
) -> FeedDone | FeedFailed:
    """Parse one feed, take the analyses ``lookup`` finds by cache key (and,
    for the others, those ``carry`` carries over from another catalogue
    version), clean and extract the other articles (``extractor()`` is called
    only if there are any), work out each article's graph part (with
    ``catalogue``, by default the extractor's) and drop the HTML."""
    from kgraph.pipeline.cache import (
        READ_ERRORS,
        analysis_key,
        content_key,
        pack_analysis,
        unpack_analysis,
    )

    started = time.perf_counter()
    parsed = parse_feed_or_error(task.data, task.where, task.limits, task.base_url, task.name)
    if isinstance(parsed, FeedError):
        return FeedFailed(parsed.where, parsed.what)
    parsed_at = time.perf_counter()
    arts = parsed.articles
    gen = task.generation
    contents = [content_key(a) for a in arts] if gen else [""] * len(arts)
    keys = [analysis_key(gen, c) for c in contents] if gen else [""] * len(arts)
    found = lookup(keys) if lookup is not None and gen and keys else {}
    carried: dict[str, tuple[tuple[ArticleText, list[Mention]], bytes, bytes]] = {}
    missing = [c for k, c in zip(keys, contents, strict=True) if k not in found]
    if carry is not None and gen and missing:
        for content, (packed, sketch) in carry(missing, gen).items():
            with contextlib.suppress(*READ_ERRORS):  # a damaged one is analysed again
                carried[content] = (unpack_analysis(packed), packed, sketch)
    todo = [
        a
        for a, k, c in zip(arts, keys, contents, strict=True)
        if k not in found and c not in carried
    ]
    analysed, fresh_sketches, clean_s = (
        _analyse_chunk(todo, extractor(), sketch=bool(gen)) if todo else ([], [], 0.0)
    )
    computed, sketched = iter(analysed), iter(fresh_sketches)
    results: list[Result] = []
    analyses: list[bytes] = []
    sketches: list[bytes] = []
    for k, c in zip(keys, contents, strict=True):
        if k in found:
            results.append((*found[k], ""))
            analyses.append(b"")
            sketches.append(b"")
        elif c in carried:
            (text, mentions), packed, sketch = carried[c]
            results.append((text, mentions, ""))
            analyses.append(packed)
            sketches.append(sketch)
        else:
            result = next(computed)
            results.append(result)
            analyses.append(pack_analysis(result[0], result[1]) if gen else b"")
            sketches.append(next(sketched) if gen else b"")
    cat = catalogue or extractor().catalogue
    parts = [article_part(a, t, ms, cat) for a, (t, ms, _) in zip(arts, results, strict=True)]
    # extraction, and the cache lookup that stands for it
    extract_s = time.perf_counter() - parsed_at - clean_s
    return FeedDone(
        parsed.feed,
        [(a.id, a.url) for a in arts],
        keys,
        analyses,
        parsed.warnings,
        (parsed_at - started, clean_s, extract_s),
        parts,
        [note for _, _, note in results],
        contents if gen else [],
        sketches if gen else [],
        [c in carried for c in contents] if carried else [],
    )


def analyse(articles: Iterable[Article], catalogue: Catalogue | None = None) -> Iterator[Analysed]:
    """Clean and extract each article in this process, in input order."""
    extractor = get_extractor(catalogue or load_catalogue(), discover=True)
    for art in articles:
        [(text, ms, note)], _sketches, _clean_s = _analyse_chunk([art], extractor)
        if note:
            LOGGER.warning("%s", note)
        yield dataclasses.replace(art, html=""), text, ms
