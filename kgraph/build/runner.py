"""Running the per-feed stages (feeds → text → extract) over a stream of feeds,
in this process or on an engine's workers.

One feed is one task, done end to end where it runs: parse the feed, look
its articles' analyses up in the build cache (read-only), clean and extract
the others, and send back only what the build needs: each article's id
and URL (to drop duplicates), cache key and graph part, and the new analyses
(light text and mentions) packed for the cache as bytes. The HTML never
leaves the process that parsed it.

The process that runs the build (:func:`run_feeds` and :func:`merge`) keeps
the input order (at most ``Engine.window`` feeds in flight, so memory stays
bounded), looks feeds up in the cache and stores the ones parsed, drops
duplicate articles, counts cache hits and misses, and stores the fresh
analyses: what the cache holds and counts is the same with any engine.

>>> from kgraph.records import Article
>>> [(a.id, [m.concept for m in ms][:2]) for a, _, ms in analyse([Article("x", html="<p>kubectl and Helm charts</p>")])]
[('x', ['helm', 'kubernetes'])]
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from kgraph.build.carryover import Carrier
from kgraph.build.reading import Unchanged, reread
from kgraph.build.sketch import sketch as sketch_of
from kgraph.catalogue.concepts import Catalogue
from kgraph.catalogue.load import load_catalogue
from kgraph.errors import FeedError, one_line
from kgraph.extract.extractor import Extractor, get_extractor
from kgraph.graph.parts import ArticlePart, article_part, recode
from kgraph.ingest.feeds import parse_feed_or_error
from kgraph.ingest.text import to_text
from kgraph.records import SUMMARY_MAX, Article, ArticleText, Block, Feed, Mention, Source

if TYPE_CHECKING:
    from kgraph.build.cache import AnalysisReader, BuildCache
    from kgraph.build.reading import Read
    from kgraph.ingest.sources import Limits

__all__ = [
    "Analysed",
    "Engine",
    "FeedDone",
    "FeedFailed",
    "FeedTask",
    "analyse",
    "light_text",
    "local_engine",
    "merge",
    "run_feed",
    "run_feeds",
    "run_task",
]

LOGGER = logging.getLogger(__name__)

#: (article without its HTML, light text, mentions)
Analysed = tuple[Article, ArticleText, list[Mention]]

#: What analysing one article gives: light text, mentions, and a warning ("" if none).
Result = tuple[ArticleText, list[Mention], str]

#: Stored analyses among some cache keys: ``lookup(keys) -> {key: (text, mentions)}``.
Lookup = Callable[[list[str]], dict[str, tuple[ArticleText, list[Mention]]]]

#: Analyses of other catalogue versions that still hold (:class:`kgraph.build.carryover.Carrier`):
#: ``carry(content keys, generation) -> {content key: (packed analysis, sketch)}``.
Carry = Callable[[Sequence[str], str], dict[str, tuple[bytes, bytes]]]


# -- records passed between the build process and the workers -----------------------------


@dataclasses.dataclass(frozen=True)
class FeedTask:
    """One feed to parse and analyse: its bytes, where they came from, the
    read limits, and the build cache (its ``generation``, which keys the
    analyses, and the file workers may read them from; both ``""``: no cache)."""

    data: bytes
    where: str
    limits: Limits
    base_url: str = ""
    generation: str = ""
    cache_path: str = ""


@dataclasses.dataclass(frozen=True)
class FeedDone:
    """A parsed and analysed feed. ``ids`` are its articles' (id, URL), all the
    build needs of the records to drop articles an earlier feed had; ``keys``
    are their cache keys (``""`` without a cache); ``analyses`` are
    the analyses the cache is to store, packed (:func:`kgraph.build.cache.pack_analysis`),
    in the same order (``b""`` for one the cache already holds, and for all
    without a cache), or None for a feed the cache had parsed before; ``parts``
    are what the graph takes from each article (:func:`kgraph.graph.parts.article_part`);
    ``notes`` each article's warning (``""`` if none). ``seconds`` is the time
    the task spent parsing, cleaning and extracting. With a cache, ``contents``
    are the articles' content keys, ``sketches`` the sketches to store with
    the analyses (:func:`kgraph.build.carryover.text_sketch`) and ``carried``
    tells which analyses were carried over from another catalogue version.
    Only bytes, strings, numbers and tuples cross from a worker: no record
    is unpickled one by one."""

    feed: Feed
    ids: list[tuple[str, str]]
    keys: list[str]
    analyses: list[bytes] | None
    warnings: list[str]
    seconds: tuple[float, float, float] = (0.0, 0.0, 0.0)
    parts: list[ArticlePart] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    contents: list[str] = dataclasses.field(default_factory=list)
    sketches: list[bytes] = dataclasses.field(default_factory=list)
    carried: list[bool] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class FeedFailed:
    """A feed that could not be parsed (a :class:`~kgraph.errors.FeedError`,
    whose two-argument constructor does not survive pickling)."""

    where: str
    what: str


# -- one feed, end to end (runs in a worker, or in this process) ----------------------------


def light_text(text: ArticleText) -> ArticleText:
    """The part of an article's text the graph needs: title, enough prose for
    the summary, links and word count (code and the rest are dropped).

    >>> t = ArticleText("a", (Block("title", "T"), Block("paragraph", "x" * 400), Block("paragraph", "y")), word_count=2)
    >>> [b.text[:1] for b in light_text(t).blocks], light_text(t).word_count
    (['T', 'x'], 2)
    """
    keep: list[Block] = []
    prose = 0
    for block in text.blocks:
        if block.kind == "title":
            keep.append(block)
        elif block.kind != "code" and prose < SUMMARY_MAX:
            keep.append(block)
            prose += len(block.text) + 1
    return dataclasses.replace(text, blocks=tuple(keep), code=())


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
    from kgraph.build.cache import (
        READ_ERRORS,
        analysis_key,
        content_key,
        pack_analysis,
        unpack_analysis,
    )

    started = time.perf_counter()
    parsed = parse_feed_or_error(task.data, task.where, task.limits, task.base_url)
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


def _init_worker(catalogue_file: str) -> None:
    """Runs in each worker as it starts: load the catalogue (pickled to a file
    by the build process), then the extractor, then keep the collector from
    rescanning them (they live as long as the worker) on every full collection."""
    global _CATALOGUE
    with open(catalogue_file, "rb") as f:
        _CATALOGUE = pickle.load(f)
    # a task allocates many objects and frees them by reference counting:
    # young-generation collections every 700 allocations are wasted work
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    with contextlib.suppress(Exception):  # if it cannot load, the first task says why
        get_extractor(_CATALOGUE)
    gc.freeze()


def _reader(path: str) -> AnalysisReader:
    """A read-only view of the cache file at ``path``, opened once per process."""
    from kgraph.build.cache import AnalysisReader

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
        return run_feed(task, lambda: get_extractor(catalogue), None, catalogue)
    lookup = cache_lookup(task.cache_path)
    carry = cache_carry(task.cache_path, catalogue)
    return run_feed(task, lambda: get_extractor(catalogue), lookup, catalogue, carry)


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
            jobs, mp_context=ctx, initializer=_init_worker, initargs=(catalogue_file,)
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
    """Each feed read by :func:`kgraph.build.reading.read_all`, parsed and analysed,
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
        return run_feed(task, lambda: get_extractor(catalogue), lookup, catalogue, carry)

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
                base_key = store.feed_base_key(data, src.location, base_url, limits)
                key = store.versioned(base_key)
                if sig:
                    store.remember_file(src.location, sig, limits, base_key)
                hit = cached(base_key) if base_key != tried else None
            if hit is None:
                task = FeedTask(
                    data,
                    src.location,
                    limits,
                    base_url,
                    store.generation if store else "",
                    str(store.path) if store else "",
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
    was (:mod:`kgraph.build.carryover`): then its parts are recoded, and it and its
    analyses are stored under this version's keys (``key`` for the feed)."""
    from kgraph.build.cache import analysis_key

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


def analyse(articles: Iterable[Article], catalogue: Catalogue | None = None) -> Iterator[Analysed]:
    """Clean and extract each article in this process, in input order."""
    extractor = get_extractor(catalogue or load_catalogue())
    for art in articles:
        [(text, ms, note)], _sketches, _clean_s = _analyse_chunk([art], extractor)
        if note:
            LOGGER.warning("%s", note)
        yield dataclasses.replace(art, html=""), text, ms
