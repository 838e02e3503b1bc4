"""The feeds of a build, one at a time: the sources expanded and read, each
feed parsed (and, for a build, analysed), with its articles that no earlier
feed had; what went wrong and how many were read counted in a
:class:`BuildReport` as it goes.

>>> from kgraph.ingest.sources import default_sources
>>> from kgraph.records import Limits
>>> report = BuildReport()
>>> [len(arts) for _feed, arts in read_feeds(default_sources(), Limits(), report)]
[11, 20]
>>> report.feeds, report.articles, report.errors
(2, 31, [])
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from kgraph.errors import FeedError
from kgraph.ingest.sources import expand
from kgraph.pipeline.reading import parse_all, read_all
from kgraph.pipeline.runner import Engine, merge, run_feeds
from kgraph.records import Article, ArticlePart, Feed, FeedDone, Limits, ParsedFeed, Source

if TYPE_CHECKING:
    from kgraph.catalogue.concepts import Catalogue
    from kgraph.pipeline.cache import BuildCache

__all__ = ["BuildReport", "Progress", "analysed_feeds", "read_feeds"]

LOGGER = logging.getLogger(__name__)

#: ``progress(stage, done, total)``, called as a build advances.
Progress = Callable[[str, int, int], None]

#: A feed as read (:class:`~kgraph.records.ParsedFeed`) or as analysed
#: (:class:`~kgraph.records.FeedDone`): both have ``feed`` and ``warnings``.
_F = TypeVar("_F", ParsedFeed, FeedDone)


@dataclass
class BuildReport:
    """What a build read and what went wrong, for the CLI's summary and exit code."""

    sources: int = 0
    feeds: int = 0
    articles: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: wall-clock seconds per stage: read (fetch + parse), clean, extract, analyse
    #: (clean + extract), graph
    stage_seconds: dict[str, float] = field(
        default_factory=lambda: {
            "read": 0.0,
            "clean": 0.0,
            "extract": 0.0,
            "analyse": 0.0,
            "graph": 0.0,
        }
    )
    #: build cache: articles whose analysis was reused / computed, feeds not parsed again
    cache_hits: int = 0
    cache_misses: int = 0
    cache_feed_hits: int = 0


def _is_new(aid: str, url: str, seen: set[str]) -> bool:
    """False for an article already read from an earlier feed (same id or URL)."""
    if (aid and aid in seen) or (url and url in seen):
        return False
    if aid:
        seen.add(aid)
    if url:
        seen.add(url)
    return True


def _sources(inputs: Sequence[str], report: BuildReport) -> list[Source]:
    """The sources ``inputs`` name (folders and OPML lists expanded); the ones
    that cannot be expanded go to ``report.errors``."""
    sources = expand(inputs, report.errors, report.warnings)
    report.sources = len(sources)
    return sources


def _fresh(
    results: Iterable[tuple[Source, _F | FeedError]],
    ids_of: Callable[[_F], list[tuple[str, str]]],
    total: int,
    report: BuildReport,
    progress: Progress | None,
) -> Iterator[tuple[_F, list[int]]]:
    """The one bookkeeping of reading feeds, for a build and for
    :func:`read_feeds` alike: each feed of ``results`` (of ``total`` sources)
    that could be read, with the positions of its articles no earlier feed had
    (the same id or URL); a feed that failed is logged and goes to
    ``report.errors``, the others' warnings to ``report.warnings``, and the
    feeds, articles and duplicates are counted."""
    seen: set[str] = set()
    for i, (_src, item) in enumerate(results, 1):
        if progress:
            progress("read", i, total)
        if isinstance(item, FeedError):
            LOGGER.error("%s", item)
            report.errors.append(str(item))
            continue
        report.warnings.extend(item.warnings)
        ids = ids_of(item)
        keep = [j for j, (aid, url) in enumerate(ids) if _is_new(aid, url, seen)]
        report.feeds += 1
        report.duplicates += len(ids) - len(keep)
        report.articles += len(keep)
        yield item, keep


def read_feeds(
    inputs: Sequence[str],
    limits: Limits,
    report: BuildReport,
    progress: Progress | None = None,
) -> Iterator[tuple[Feed, list[Article]]]:
    """Each readable feed with its new articles (duplicates across feeds
    dropped), parsed in this process, with their HTML: read, parsed and
    reported as a build reads them (:func:`analysed_feeds`), not analysed."""
    sources = _sources(inputs, report)
    parsed = parse_all(read_all(sources, limits), limits)
    for item, keep in _fresh(parsed, _article_ids, len(sources), report, progress):
        yield item.feed, [item.articles[j] for j in keep]


def _article_ids(parsed: ParsedFeed) -> list[tuple[str, str]]:
    return [(art.id, art.url) for art in parsed.articles]


def _done_ids(done: FeedDone) -> list[tuple[str, str]]:
    return done.ids


def analysed_feeds(
    inputs: Sequence[str],
    cat: Catalogue,
    limits: Limits,
    report: BuildReport,
    progress: Progress | None,
    cache: BuildCache | None = None,
    engine: Engine | None = None,
) -> Iterator[tuple[Feed, list[ArticlePart], bool]]:
    """Each readable feed with the graph parts of its new articles (duplicates
    across feeds dropped), analysed: parsed, cleaned and extracted by the
    ``engine``'s workers (or here), whole feeds at a time, in the order of the
    sources; and whether it was parsed (False: taken from the cache).

    ``report.stage_seconds`` gets the wall-clock time of this loop split into
    read (fetch + parse), clean and extract (and analyse: their sum) in the
    proportion the tasks spent on each.
    """
    sources = _sources(inputs, report)
    spent = [0.0, 0.0, 0.0]  # parse, clean, extract seconds of the tasks
    started = time.perf_counter()
    away = 0.0
    done = run_feeds(read_all(sources, limits, cache), cat, limits, cache, engine)
    for item, keep in _fresh(done, _done_ids, len(sources), report, progress):
        parts = merge(item, keep, cache, report.warnings.append)
        spent = [total + secs for total, secs in zip(spent, item.seconds, strict=True)]
        paused = time.perf_counter()
        yield item.feed, parts, item.analyses is not None
        away += time.perf_counter() - paused  # the caller's time (the graph stage)
    wall = time.perf_counter() - started - away
    total = sum(spent)
    shares = [secs / total for secs in spent] if total else [1.0, 0.0, 0.0]
    for stage, share in zip(("read", "clean", "extract"), shares, strict=True):
        report.stage_seconds[stage] = wall * share
    report.stage_seconds["analyse"] = wall * (shares[1] + shares[2])
