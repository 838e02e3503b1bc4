"""The feeds of a build, one at a time: the sources expanded and read, each
feed parsed (and, for a build, analysed), with its articles that no earlier
feed had; what went wrong and how many were read counted in a
:class:`BuildReport` as it goes.

>>> from kgraph.ingest.sources import Limits, default_sources
>>> report = BuildReport()
>>> [len(arts) for _feed, arts in read_feeds(default_sources(), Limits(), report)]
[11, 20]
>>> report.feeds, report.articles, report.errors
(2, 31, [])
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kgraph.errors import FeedError
from kgraph.ingest.sources import Limits, expand
from kgraph.pipeline.reading import parse_all, read_all
from kgraph.pipeline.runner import Engine, merge, run_feeds
from kgraph.records import Article, Feed

if TYPE_CHECKING:
    from kgraph.catalogue.concepts import Catalogue
    from kgraph.graph.parts import ArticlePart
    from kgraph.pipeline.cache import BuildCache

__all__ = ["BuildReport", "Progress", "analysed_feeds", "read_feeds"]

LOGGER = logging.getLogger(__name__)

#: ``progress(stage, done, total)``, called as a build advances.
Progress = Callable[[str, int, int], None]


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


def read_feeds(
    inputs: Sequence[str], limits: Limits, report: BuildReport
) -> Iterator[tuple[Feed, list[Article]]]:
    """Each readable feed with its new articles (duplicates across feeds
    dropped), parsed in this process, with their HTML."""
    sources = expand(inputs, report.errors, report.warnings)
    report.sources = len(sources)
    seen: set[str] = set()
    for _src, parsed in parse_all(read_all(sources, limits), limits):
        if isinstance(parsed, FeedError):
            LOGGER.error("%s", parsed)
            report.errors.append(str(parsed))
            continue
        report.warnings.extend(parsed.warnings)
        report.feeds += 1
        fresh = [art for art in parsed.articles if _is_new(art.id, art.url, seen)]
        report.duplicates += len(parsed.articles) - len(fresh)
        report.articles += len(fresh)
        yield parsed.feed, fresh


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
    sources = expand(inputs, report.errors, report.warnings)
    report.sources = len(sources)
    seen: set[str] = set()
    spent = [0.0, 0.0, 0.0]  # parse, clean, extract seconds of the tasks
    started = time.perf_counter()
    away = 0.0
    done = run_feeds(read_all(sources, limits, cache), cat, limits, cache, engine)
    for i, (_src, item) in enumerate(done, 1):
        if progress:
            progress("read", i, len(sources))
        if isinstance(item, FeedError):
            LOGGER.error("%s", item)
            report.errors.append(str(item))
            continue
        report.warnings.extend(item.warnings)
        keep = [j for j, (aid, url) in enumerate(item.ids) if _is_new(aid, url, seen)]
        parts = merge(item, keep, cache, report.warnings.append)
        spent = [total + secs for total, secs in zip(spent, item.seconds, strict=True)]
        report.feeds += 1
        report.duplicates += len(item.ids) - len(keep)
        report.articles += len(keep)
        paused = time.perf_counter()
        yield item.feed, parts, item.analyses is not None
        away += time.perf_counter() - paused  # the caller's time (the graph stage)
    wall = time.perf_counter() - started - away
    total = sum(spent)
    shares = [secs / total for secs in spent] if total else [1.0, 0.0, 0.0]
    for stage, share in zip(("read", "clean", "extract"), shares, strict=True):
        report.stage_seconds[stage] = wall * share
    report.stage_seconds["analyse"] = wall * (shares[1] + shares[2])
