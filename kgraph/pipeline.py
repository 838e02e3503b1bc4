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
import dataclasses
import itertools
import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator

from .catalogue import Catalogue, load_catalogue
from .errors import one_line
from .extract import Extractor, get_extractor
from .records import Article, ArticleText, Block, Mention
from .text import to_text

__all__ = ["Analysed", "analyse", "light_text"]

LOGGER = logging.getLogger(__name__)

#: (article without its HTML, light text, mentions)
Analysed = tuple[Article, ArticleText, list[Mention]]
SUMMARY_CHARS = 300


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
        elif block.kind != "code" and prose < SUMMARY_CHARS:
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
    articles: list[Article], extractor: Extractor
) -> list[tuple[ArticleText, list[Mention], str]]:
    texts, notes = zip(*(_text_of(a) for a in articles), strict=True) if articles else ((), ())
    found = extractor.extract_many(texts)
    return [(light_text(t), ms, note) for t, ms, note in zip(texts, found, notes, strict=True)]


_WORKER: Extractor | None = None


def _init_worker(catalogue: Catalogue) -> None:
    global _WORKER
    _WORKER = Extractor(catalogue)


def _work(articles: list[Article]) -> list[tuple[ArticleText, list[Mention], str]]:
    assert _WORKER is not None, "worker not initialised"
    return _analyse_chunk(articles, _WORKER)


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def analyse(
    articles: Iterable[Article],
    catalogue: Catalogue | None = None,
    *,
    jobs: int = 1,
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
    warnings: list[str] | None = None,
) -> Iterator[Analysed]:
    """Clean and extract each article, in input order.

    ``jobs`` > 1 runs extraction in that many worker processes; results are
    the same as with one. ``progress(n)`` is called with the running count;
    problems with single articles are logged and appended to ``warnings``.
    """
    cat = catalogue or load_catalogue()
    done = 0

    def note(msg: str) -> None:
        if msg:
            LOGGER.warning("%s", msg)
            if warnings is not None:
                warnings.append(msg)

    if jobs <= 1:
        extractor = get_extractor(cat)
        for chunk in _chunks(articles, chunk_size):
            for art, (text, ms, msg) in zip(chunk, _analyse_chunk(chunk, extractor), strict=True):
                note(msg)
                yield dataclasses.replace(art, html=""), text, ms
            done += len(chunk)
            if progress:
                progress(done)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    in_flight: collections.deque[tuple[list[Article], cf.Future]] = collections.deque()
    with cf.ProcessPoolExecutor(
        jobs, mp_context=ctx, initializer=_init_worker, initargs=(cat,)
    ) as pool:
        chunks = _chunks(articles, chunk_size)
        for chunk in itertools.chain(chunks, [None]):
            if chunk is not None:
                in_flight.append(
                    ([dataclasses.replace(a, html="") for a in chunk], pool.submit(_work, chunk))
                )
            while in_flight and (chunk is None or len(in_flight) > 2 * jobs):
                stripped, future = in_flight.popleft()
                for art, (text, ms, msg) in zip(stripped, future.result(), strict=True):
                    note(msg)
                    yield art, text, ms
                done += len(stripped)
                if progress:
                    progress(done)
