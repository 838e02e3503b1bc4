"""Running feed tasks (:mod:`kgraph.pipeline.task`: feeds → text → extract, one
feed end to end) over a stream of feeds, in this process or on an engine's
workers.

The process that runs the build (:func:`run_feeds` and :func:`merge`) keeps
the input order (at most ``Engine.window`` feeds in flight, so memory stays
bounded), looks feeds up in the cache and stores the ones parsed, drops
duplicate articles, counts cache hits and misses, and stores the fresh
analyses: what the cache holds and counts is the same with any engine.

>>> engine = Engine(run=lambda task: None, workers=0, window=1)
>>> engine.ready(), engine.window
(True, 1)
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import dataclasses
import gc
import logging
import multiprocessing
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from kgraph.catalogue.concepts import Catalogue
from kgraph.errors import FeedError
from kgraph.extract.extractor import get_extractor
from kgraph.graph.parts import recode
from kgraph.pipeline.carryover import Carrier
from kgraph.pipeline.reading import Unchanged, reread
from kgraph.pipeline.task import Carry, Lookup, run_feed
from kgraph.records import ArticlePart, Feed, FeedDone, FeedFailed, FeedTask, Limits, Source

if TYPE_CHECKING:
    from kgraph.pipeline.cache import AnalysisReader, BuildCache
    from kgraph.pipeline.reading import Read

__all__ = [
    "Engine",
    "local_engine",
    "merge",
    "run_feeds",
    "run_task",
]

LOGGER = logging.getLogger(__name__)


# -- where tasks run --------------------------------------------------------------------------


def _always() -> bool:
    return True


@dataclasses.dataclass(frozen=True)
class Engine:
    """Where feed tasks run: ``run(task)`` returns a future (``.result()`` is
    a :class:`FeedDone` or :class:`FeedFailed`); ``window`` is how many tasks
    may be in flight beyond the one awaited. Until ``ready()`` is true (its
    workers are still starting) the build process runs tasks itself."""

    run: Callable[[FeedTask], Any]
    workers: int
    window: int
    ready: Callable[[], bool] = _always


_CATALOGUE: Catalogue | None = None
_READERS: dict[str, AnalysisReader] = {}
_CARRIERS: dict[str, Carrier] = {}


def _alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a zombie, killed but not yet
    reaped, is not).

    >>> _alive(os.getpid()), _alive(2**22 + 1)
    (True, False)
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rpartition(b")")[2].split()[0] != b"Z"
    except (OSError, IndexError):
        return True  # no /proc: kill(0) said it is there


def _watch_build(pid: int, interval: float = 0.5) -> None:
    """End this worker (at once, mid-task) soon after the build process
    ``pid`` is gone: killed with SIGKILL, it cannot stop its pool, and its
    workers went on (one for 17 minutes). The forkserver and the resource
    tracker end by themselves once the build and its workers are gone."""

    def watch() -> None:
        while _alive(pid):
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="kgraph-watch-build", daemon=True).start()


def _init_worker(catalogue_file: str, build_pid: int = 0) -> None:
    """Runs in each worker as it starts: watch the build process, load the
    catalogue (pickled to a file by the build process), then the extractor,
    then keep the collector from rescanning them (they live as long as the
    worker) on every full collection."""
    global _CATALOGUE
    if build_pid:
        _watch_build(build_pid)
    with open(catalogue_file, "rb") as f:
        _CATALOGUE = pickle.load(f)
    # a task allocates many objects and frees them by reference counting:
    # young-generation collections every 700 allocations are wasted work
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    with contextlib.suppress(Exception):  # if it cannot load, the first task says why
        get_extractor(_CATALOGUE, discover=True)
    gc.freeze()


def _reader(path: str) -> AnalysisReader:
    """A read-only view of the cache file at ``path``, opened once per process."""
    from kgraph.pipeline.cache import AnalysisReader

    reader = _READERS.get(path)
    if reader is None:
        reader = _READERS[path] = AnalysisReader(path)
    return reader


def cache_lookup(path: str) -> Lookup:
    """A read-only lookup in the cache file at ``path``, opened once per process."""
    return _reader(path).get


def cache_carry(path: str, catalogue: Catalogue) -> Carry:
    """Carrying analyses over from other catalogue versions, read-only, from the
    cache file at ``path`` (one per process and catalogue version)."""
    key = f"{path}\0{catalogue.version}"
    carrier = _CARRIERS.get(key)
    if carrier is None:
        reader = _reader(path)
        _CARRIERS.clear()
        carrier = _CARRIERS[key] = Carrier(catalogue, reader.previous, reader.signatures)
    return carrier


def run_task(task: FeedTask, catalogue: Catalogue) -> FeedDone | FeedFailed:
    """One feed, end to end, where an engine's worker runs it: analyses looked
    up in the task's cache file (or carried over from another catalogue
    version), the extractor built once per process."""
    if not task.cache_path:
        return run_feed(task, lambda: get_extractor(catalogue, discover=True), None, catalogue)
    lookup = cache_lookup(task.cache_path)
    carry = cache_carry(task.cache_path, catalogue)
    return run_feed(task, lambda: get_extractor(catalogue, discover=True), lookup, catalogue, carry)


def _work(task: FeedTask) -> FeedDone | FeedFailed:
    """Runs in a worker process: one feed, end to end."""
    assert _CATALOGUE is not None, "worker not initialised"
    return run_task(task, _CATALOGUE)


def _started() -> None:
    """A no-op task: it runs once a worker is up (``_init_worker`` done)."""


#: Whether the build process runs feed tasks itself while the workers start
#: (tests turn it off to be sure the workers do the work).
HELP_WHILE_STARTING = True


@contextlib.contextmanager
def local_engine(jobs: int, catalogue: Catalogue) -> Iterator[Engine]:
    """A pool of ``jobs`` worker processes, each running whole feed tasks.

    Workers start from a forkserver (never a fork of this process, which may
    have threads) and import only the pipeline's modules (not spaCy); each
    loads the catalogue once, from a file this process pickles it to. They
    are started in the background: until they are up, the build process runs
    the first tasks itself (``Engine.ready``) instead of waiting. (The forkserver does not preload
    kgraph: before Python 3.12 it would import it from the default
    ``sys.path``, not this process's, possibly another copy of kgraph.)
    """
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    # the catalogue goes to the workers as a file, not as an argument: a worker
    # reads its start-up arguments from a pipe only as fast as it imports the
    # modules they name, so a megabyte of catalogue held each start until the
    # one before it had imported kgraph, and the workers came up one by one
    fd, catalogue_file = tempfile.mkstemp(prefix="kgraph-catalogue-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(catalogue, f, protocol=pickle.HIGHEST_PROTOCOL)
        with cf.ProcessPoolExecutor(
            jobs,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(catalogue_file, os.getpid()),
        ) as pool:

            def start() -> None:
                # a pool that cannot start fails again at the first task, in the build
                with contextlib.suppress(Exception):
                    cf.wait([pool.submit(_started) for _ in range(jobs)])

            starter = threading.Thread(target=start, name="kgraph-start-workers", daemon=True)
            starter.start()
            if not HELP_WHILE_STARTING:
                starter.join()
            try:
                yield Engine(
                    run=lambda task: pool.submit(_work, task),
                    workers=jobs,
                    window=2 * jobs,
                    ready=lambda: not starter.is_alive(),
                )
            finally:
                starter.join()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(catalogue_file)


# -- the build process: order, cache, duplicates ---------------------------------------------


def run_feeds(
    reads: Iterable[tuple[Source, Read]],
    catalogue: Catalogue,
    limits: Limits,
    cache: BuildCache | None = None,
    engine: Engine | None = None,
) -> Iterator[tuple[Source, FeedDone | FeedError]]:
    """Each feed read by :func:`kgraph.pipeline.reading.read_all`, parsed and analysed,
    in input order. A feed the cache parsed before is taken from it (``results``
    None: its analyses are all in the cache); the others run as tasks, on the
    ``engine`` (at most ``engine.window`` ahead of the one awaited) or here,
    and are stored in the cache when they come back.
    """
    pending: collections.deque[tuple[Source, Any, str, str]] = collections.deque()

    def resolve(
        src: Source, item: Any, key: str, base_key: str
    ) -> tuple[Source, FeedDone | FeedError]:
        if not isinstance(item, FeedDone | FeedFailed | FeedError):
            item = item.result()
        if isinstance(item, FeedFailed):
            return src, FeedError(item.where, item.what)
        if cache is not None and key and isinstance(item, FeedDone):
            cache.put_feed(
                key,
                item.feed,
                item.ids,
                item.warnings,
                item.keys,
                item.parts,
                item.contents,
                base_key,
            )
        return src, item

    carry = (
        Carrier(catalogue, cache.previous_analyses, cache.signatures) if cache is not None else None
    )

    def here(task: FeedTask) -> FeedDone | FeedFailed:
        lookup = cache.lookup_analysis if cache is not None else None
        return run_feed(
            task, lambda: get_extractor(catalogue, discover=True), lookup, catalogue, carry
        )

    ahead = engine.window if engine is not None else 0
    store = cache if cache is not None and cache.enabled else None

    def cached(base_key: str) -> Hit | None:
        """The feed's parse for this catalogue, or carried over from another."""
        assert store is not None and carry is not None
        key = store.versioned(base_key)
        return store.get_feed(key) or _carry_feed(store, carry, catalogue, base_key, key)

    for src, got in reads:
        key = base_key = ""
        hit = None
        tried = ""
        if isinstance(got, Unchanged):  # a file the cache saw as it is: not read
            hit = cached(got.key) if store is not None else None
            if hit is None:  # its parse was dropped meanwhile: read it after all
                tried, got = got.key, reread(src, limits)
        item: Any = got
        if hit is None and not isinstance(got, FeedError | Unchanged):
            data, base, sig = got
            base_url = base if src.kind == "url" else ""
            if store is not None:
                base_key = store.feed_base_key(
                    data, f"{src.location}\n{src.name}", base_url, limits
                )
                key = store.versioned(base_key)
                if sig:
                    store.remember_file(src.location, sig, limits, base_key, src.name)
                hit = cached(base_key) if base_key != tried else None
            if hit is None:
                task = FeedTask(
                    data,
                    src.location,
                    limits,
                    base_url,
                    store.generation if store else "",
                    str(store.path) if store else "",
                    src.name,
                )
                on_engine = engine is not None and engine.ready()
                item = engine.run(task) if on_engine and engine else here(task)
        if hit is not None:
            feed, ids, warnings, keys, parts = hit
            item = FeedDone(feed, ids, keys, None, warnings, parts=parts)
            key = ""
        pending.append((src, item, key, base_key))
        while len(pending) > ahead:
            yield resolve(*pending.popleft())
    while pending:
        yield resolve(*pending.popleft())


#: A parsed feed from the cache: feed, articles' (id, URL), warnings, analysis keys, parts.
Hit = tuple[Feed, list[tuple[str, str]], list[str], list[str], list[ArticlePart]]


def _carry_feed(
    store: BuildCache, carry: Carrier, catalogue: Catalogue, base_key: str, key: str
) -> Hit | None:
    """The parse of the feed of ``base_key`` stored under another catalogue
    version, if the change leaves every one of its articles' analyses as it
    was (:mod:`kgraph.pipeline.carryover`): then its parts are recoded, and it and its
    analyses are stored under this version's keys (``key`` for the feed)."""
    from kgraph.pipeline.cache import analysis_key

    old = store.previous_feed(base_key, key)
    if old is None:
        return None
    generation, feed, ids, warnings, old_keys, parts, contents = old
    sketches = store.sketches(old_keys)
    if len(sketches) != len(set(old_keys)):  # some analysis is gone: parse the feed again
        return None
    if not carry.holds(generation, list(sketches.values())):
        return None
    keys = [analysis_key(store.generation, c) for c in contents]
    parts = [recode(p, catalogue) for p in parts]
    store.move_analyses(zip(old_keys, keys, strict=True))
    store.put_feed(key, feed, ids, warnings, keys, parts, contents, base_key)
    store.count_feed_carried()
    return feed, ids, warnings, keys, parts


def merge(
    done: FeedDone,
    keep: list[int],
    cache: BuildCache | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[ArticlePart]:
    """The graph parts of the articles of ``done`` at the indexes ``keep`` (the
    ones that are not duplicates). The cache counts their analyses as hits
    (all of them for a feed it had parsed before) and misses, and stores the
    task's fresh analyses; their warnings are logged and passed to ``warn``."""
    if done.analyses is None:  # a feed from the cache, with its articles' parts
        if cache is not None:
            cache.count_hits(len(keep))
        return [done.parts[i] for i in keep]
    keys = [done.keys[i] for i in keep]
    carried = [done.keys[i] for i in keep if done.carried and done.carried[i]]
    stored = cache.has_analysis(keys, carried) if cache is not None else set()
    fresh = []
    for i, key in zip(keep, keys, strict=True):
        if key in stored:
            continue
        note, packed = done.notes[i], done.analyses[i]
        if note:
            LOGGER.warning("%s", note)
            if warn:
                warn(note)
        if packed:
            fresh.append((key, done.contents[i], packed, done.sketches[i]))
    if fresh and cache is not None:
        cache.put_packed(fresh)
    return [done.parts[i] for i in keep]
