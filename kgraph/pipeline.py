"""Running the per-article stages (text → extract) over a stream of articles,
in this process or in worker processes.

Articles are streamed: each one's HTML is dropped as soon as it is analysed,
and only a light text (title, the first prose blocks for the summary, links,
word count) and its mentions are kept for the graph. With ``jobs > 1`` chunks
of articles go to worker processes, at most a few chunks in flight at a time,
so memory stays bounded however many articles there are.

>>> from kgraph.records import Article
>>> [(a.id, [m.concept for m in ms][:2]) for a, _, ms in analyse([Article("x", html="<p>kubectl and Helm charts</p>")])]
[('x', ['helm', 'kubernetes'])]
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import dataclasses
import itertools
import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .catalogue import Catalogue, load_catalogue
from .errors import one_line
from .extract import Extractor, get_extractor
from .records import SUMMARY_MAX, Article, ArticleText, Block, Mention
from .text import to_text

if TYPE_CHECKING:
    from .cache import BuildCache

__all__ = ["Analysed", "Engine", "analyse", "light_text", "local_engine", "parse_job"]

LOGGER = logging.getLogger(__name__)

#: (article without its HTML, light text, mentions)
Analysed = tuple[Article, ArticleText, list[Mention]]


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


def _analyse_chunk(articles: list[Article], extractor: Extractor) -> list[Result]:
    texts, notes = zip(*(_text_of(a) for a in articles), strict=True) if articles else ((), ())
    found = extractor.extract_many(texts)
    return [(light_text(t), ms, note) for t, ms, note in zip(texts, found, notes, strict=True)]


_WORKER: Extractor | None = None


def _init_worker(catalogue: Catalogue) -> None:
    global _WORKER
    _WORKER = Extractor(catalogue)


def _work(articles: list[Article]) -> list[Result]:
    assert _WORKER is not None, "worker not initialised"
    return _analyse_chunk(articles, _WORKER)


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


#: What analysing one article gives: light text, mentions, and a warning ("" if none).
Result = tuple[ArticleText, list[Mention], str]


class _Done:
    """An already computed result with the ``result()`` of a future."""

    def __init__(self, value: list[Result]) -> None:
        self._value = value

    def result(self) -> list[Result]:
        return self._value


#: Sends a chunk of articles to be analysed; returns something with ``.result()``.
Submit = Callable[[list[Article]], Any]


def _ordered(
    chunks: Iterable[list[Article]],
    submit: Submit,
    window: int,
    cache: BuildCache | None,
    progress: Callable[[int], None] | None,
    warn: Callable[[str], None] | None = None,
) -> Iterator[Analysed]:
    """Look each chunk up in the cache, submit what is missing, and yield the
    results in input order with at most ``window`` chunks waiting; a freshly
    analysed article's warning goes to ``warn``."""
    in_flight: collections.deque[tuple[list[Article], list[str], dict, Any]] = collections.deque()
    done = 0
    for chunk in itertools.chain(chunks, [None]):
        if chunk is not None:
            keys = [cache.article_key(a) for a in chunk] if cache else []
            found = cache.get_analysis(keys) if cache else {}
            todo = (
                [a for a, k in zip(chunk, keys, strict=True) if k not in found] if cache else chunk
            )
            future = submit(todo) if todo else _Done([])
            in_flight.append(
                ([dataclasses.replace(a, html="") for a in chunk], keys, found, future)
            )
        while in_flight and (chunk is None or len(in_flight) > window):
            stripped, keys, found, future = in_flight.popleft()
            computed = iter(future.result())
            results: list[Analysed] = []
            fresh = []
            for i, art in enumerate(stripped):
                if cache is not None and keys[i] in found:
                    text, ms = found[keys[i]]
                else:
                    text, ms, note = next(computed)
                    if note:
                        LOGGER.warning("%s", note)
                        if warn:
                            warn(note)
                    if cache is not None:
                        fresh.append((keys[i], text, ms))
                results.append((art, text, ms))
            if fresh and cache is not None:
                cache.put_analysis(fresh)
            yield from results
            done += len(stripped)
            if progress:
                progress(done)


def analyse(
    articles: Iterable[Article],
    catalogue: Catalogue | None = None,
    *,
    jobs: int = 1,
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
    cache: BuildCache | None = None,
    submit: Submit | None = None,
    window: int = 2,
    warnings: list[str] | None = None,
) -> Iterator[Analysed]:
    """Clean and extract each article, in input order.

    ``jobs`` > 1 runs extraction in that many worker processes; results are
    the same as with one. ``progress(n)`` is called with the running count.
    With a ``cache`` (:class:`~kgraph.cache.BuildCache`), articles analysed
    before (same content, same catalogue version) are taken from it and only
    the others are analysed, then stored. ``submit`` replaces the local
    engine: it is called with each chunk of articles still to analyse and
    returns a future of ``[(light text, mentions, warning), ...]`` (see
    :mod:`kgraph.engine_dask`), with at most ``window`` chunks in flight.
    Problems with single articles are logged and appended to ``warnings``.
    """
    cat = catalogue or load_catalogue()
    chunks = _chunks(articles, chunk_size)
    warn = warnings.append if warnings is not None else None
    if submit is not None:
        yield from _ordered(chunks, submit, window, cache, progress, warn)
        return
    if jobs <= 1:
        # built on first use: a build whose articles all come from the cache needs none
        yield from _ordered(
            chunks,
            lambda todo: _Done(_analyse_chunk(todo, get_extractor(cat))),
            0,
            cache,
            progress,
            warn,
        )
        return
    with local_engine(jobs, cat) as engine:
        yield from _ordered(chunks, engine.submit, 2 * jobs, cache, progress, warn)


@dataclasses.dataclass(frozen=True)
class Engine:
    """Where work runs: ``submit(articles)`` analyses a chunk, ``parse(data,
    where, limits, base_url)`` parses a feed; both return futures (``.result()``).
    A parse future's result is a :class:`~kgraph.feeds.ParsedFeed` or a
    ``(where, what)`` tuple for a :class:`~kgraph.errors.FeedError`."""

    submit: Submit
    parse: Callable[..., Any]
    workers: int


def parse_job(data: bytes, where: str, limits: Any, base_url: str) -> Any:
    """Parse one feed in a worker; a FeedError comes back as ``(where, what)``
    (its two-argument constructor does not survive pickling)."""
    from .errors import FeedError
    from .feeds import parse_feed

    try:
        return parse_feed(data, where, limits, base_url=base_url)
    except FeedError as err:
        return (err.where, err.what)
    except Exception as err:  # one bad feed must never cost the rest of the build
        return (where, f"unexpected {err.__class__.__name__}: {err}")


@contextlib.contextmanager
def local_engine(jobs: int, catalogue: Catalogue) -> Iterator[Engine]:
    """A pool of ``jobs`` worker processes that parse feeds and analyse chunks."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with cf.ProcessPoolExecutor(
        jobs, mp_context=ctx, initializer=_init_worker, initargs=(catalogue,)
    ) as pool:
        yield Engine(
            submit=lambda todo: pool.submit(_work, todo),
            parse=lambda *args: pool.submit(parse_job, *args),
            workers=jobs,
        )
