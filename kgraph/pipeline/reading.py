"""Reading many sources: bounded concurrent fetches in input order, with
conditional GETs from the build cache, and feed files the cache has seen
unchanged (same size, modification and change times, inode) not read at all.

Only the calling thread touches the cache: worker threads only do HTTP.

>>> from kgraph.ingest.sources import expand, SAMPLES_DIR
>>> [len(parsed.articles) for _src, parsed in parse_all(read_all(expand([str(SAMPLES_DIR)])))]
[11, 20]
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import dataclasses
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from kgraph.errors import FeedError
from kgraph.ingest.feeds import parse_feed_or_error
from kgraph.ingest.fetch import Fetched, fetch_url_conditional, read_source
from kgraph.records import Limits, ParsedFeed, Source

if TYPE_CHECKING:
    from kgraph.pipeline.cache import BuildCache

__all__ = ["FETCH_WORKERS", "Unchanged", "parse_all", "read_all"]

LOGGER = logging.getLogger(__name__)

#: HTTP fetches running at once (one build never opens more connections).
FETCH_WORKERS = 4


@dataclasses.dataclass(frozen=True)
class Unchanged:
    """A feed file not read because the build cache saw it as it is now:
    the base key of its parsed feed (:meth:`kgraph.pipeline.cache.BuildCache.unchanged_file`)."""

    key: str


#: What reading a source gives: its bytes, the URL or path to resolve links
#: against and the file's signature (:meth:`kgraph.pipeline.cache.BuildCache.file_signature`,
#: "" for a URL or without a cache); or an unchanged file; or the error.
Read = tuple[bytes, str, str] | Unchanged | FeedError

#: A source waiting its turn in :func:`read_all`: a file's signature (taken
#: before its bytes, so a change while reading shows next time), a fetch in
#: flight, or an unchanged file.
_Pending = str | cf.Future[Fetched] | Unchanged


def _finish_fetch(
    src: Source, future: cf.Future[Fetched], cache: BuildCache | None
) -> tuple[bytes, str]:
    fetched = future.result()  # raises FeedError
    if fetched.not_modified:
        stored = cache.get_http(src.location) if cache else None
        if stored is None:  # validators were sent, so this cannot happen unless the row vanished
            raise FeedError(src.location, "server said 304 Not Modified but no copy is cached")
        LOGGER.debug("%s: not modified, using the cached copy", src.location)
        return stored.body, stored.final_url
    if cache is not None and (fetched.etag or fetched.last_modified):
        from kgraph.pipeline.cache import HttpEntry

        cache.put_http(
            src.location,
            HttpEntry(fetched.etag, fetched.last_modified, fetched.final_url, fetched.body),
        )
    return fetched.body, fetched.final_url


def read_all(
    sources: Sequence[Source],
    limits: Limits = Limits(),
    cache: BuildCache | None = None,
    workers: int = FETCH_WORKERS,
) -> Iterator[tuple[Source, Read]]:
    """Each source with what reading it gave (:data:`Read`: bytes, base URL
    and signature; :class:`Unchanged`; or the :class:`FeedError` it raised),
    in input order. A file the ``cache`` saw as it is now is not read. URLs are fetched ``workers`` at a time (with
    ``If-None-Match``/``If-Modified-Since`` when the cache holds validators);
    files are read when their turn comes, so few bodies are held at once.
    """
    pending: collections.deque[tuple[Source, _Pending]] = collections.deque()

    def resolve(src: Source, future: _Pending) -> Read:
        if isinstance(future, Unchanged):
            return future
        if isinstance(future, str):
            return reread(src, limits, future)
        try:
            return (*_finish_fetch(src, future, cache), "")
        except FeedError as err:
            return err

    with cf.ThreadPoolExecutor(max(1, workers), thread_name_prefix="kgraph-fetch") as pool:
        for src in sources:
            future: _Pending = ""
            if src.kind == "file" and cache is not None:
                future = cache.file_signature(src.location)
                key = cache.unchanged_file(src.location, future, limits, src.name)
                if key:
                    future = Unchanged(key)
            elif src.kind == "url":
                stored = cache.get_http(src.location) if cache else None
                future = pool.submit(
                    fetch_url_conditional,
                    src.location,
                    limits,
                    stored.etag if stored else "",
                    stored.last_modified if stored else "",
                )
            pending.append((src, future))
            while len(pending) > workers:
                head, fut = pending.popleft()
                yield head, resolve(head, fut)
        while pending:
            head, fut = pending.popleft()
            yield head, resolve(head, fut)


def parse_all(
    reads: Iterable[tuple[Source, Read]], limits: Limits = Limits()
) -> Iterator[tuple[Source, ParsedFeed | FeedError]]:
    """Parse what :func:`read_all` read, in order, in this process (builds
    parse and analyse each feed in one task instead: see
    :func:`kgraph.pipeline.runner.run_feeds`)."""
    for src, got in reads:
        if isinstance(got, Unchanged):  # (read_all without a cache never says so)
            got = reread(src, limits)
        if isinstance(got, FeedError):
            yield src, got
            continue
        data, base, _sig = got
        base_url = base if src.kind == "url" else ""
        yield src, parse_feed_or_error(data, src.location, limits, base_url, src.name)


def reread(
    src: Source, limits: Limits = Limits(), sig: str = ""
) -> tuple[bytes, str, str] | FeedError:
    """Read a file source (with its signature ``sig``, taken before), or one
    :func:`read_all` skipped as unchanged whose cached parse is gone."""
    try:
        return (*read_source(src, limits), sig)
    except FeedError as err:
        return err
