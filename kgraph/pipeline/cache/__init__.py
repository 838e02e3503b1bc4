"""The build cache: per-article analysis results, parsed feeds and HTTP
validators in one SQLite file, so a re-run only redoes what changed.

The tables, each keyed by a SHA-256 of everything its result depends on:

- ``analysis``: an article's light text and mentions (what
  :func:`kgraph.pipeline.task.analyse` yields), keyed by the article's content
  (id, URL, title and HTML: :func:`content_key`) plus the catalogue version,
  :data:`CACHE_FORMAT` and the kgraph version; with the content key and the
  article's sketch (a bitmap of its text's trigrams: :func:`kgraph.extract.matcher.sketch`). Under a new catalogue
  version an analysis of another is carried over (moved) when none of the
  alias forms the change touches can occur in the article
  (:mod:`kgraph.pipeline.carryover`): a catalogue change re-analyses exactly the
  articles it may change. An article keeps one analysis.
- ``catalogues``: the signature of every alias form of each catalogue version
  the cache has analyses of (:func:`kgraph.pipeline.carryover.form_signatures`), to
  tell what changed from one version to the next.
- ``feeds``: a parsed feed (:class:`~kgraph.records.ParsedFeed`) without the
  articles' HTML but with each article's analysis key, content key and graph
  part (:func:`kgraph.graph.parts.article_part`), keyed by its base key (the feed's
  bytes, where it came from, the parsing limits and the same versions but
  the catalogue's) under the catalogue version, so an unchanged feed is
  neither parsed nor analysed again: its parts go into the graph as they
  are; under a new catalogue version, recoded (:func:`kgraph.graph.parts.recode`)
  if all its articles' analyses carry over. A feed keeps one parse.
- ``http``: the body, ``ETag`` and ``Last-Modified`` of each fetched URL, for
  conditional GETs (a ``304 Not Modified`` reuses the stored body).
- ``files``: each feed file's signature (size, modification and change times,
  inode, device) when it was read, with its parsed feed's key: a file whose
  signature is the same is not even read again. As in git's index, a file
  changed less than :data:`RACY_SECONDS` before it was read is read again
  next time (a second change within the same clock tick would keep its
  signature); the change time cannot be set back, so a rewrite that restores
  the modification time is seen too.

Only the process that opened the cache writes to it and counts hits and
misses; ``kgraph build --jobs N`` workers (and Dask workers on this machine)
read analyses from it, read-only (:class:`AnalysisReader`), to skip work. A cache that cannot be read (a corrupt file) is
reported once, moved aside and started afresh: a cache is never fatal.
Entries not used for ``max_age_days`` are dropped when the cache is closed.

The default location is ``$KGRAPH_CACHE_DIR`` if set, else the folder
``.kgraph-cache/`` next to the output folder (``outputs/`` →
``./.kgraph-cache/cache.sqlite``).

>>> import tempfile
>>> from kgraph.records import Article
>>> from kgraph.catalogue.load import load_catalogue
>>> from kgraph.pipeline.cache import BuildCache
>>> cache = BuildCache(tempfile.mkdtemp(), load_catalogue().version)
>>> art = Article("a", html="<p>Helm</p>")
>>> cache.has_analysis([cache.article_key(art)]), cache.hits, cache.misses
(set(), 0, 1)
>>> cache.close()

The package: :mod:`~kgraph.pipeline.cache.keys` (what an entry is keyed by),
:mod:`~kgraph.pipeline.cache.codec` (how a row is encoded),
:mod:`~kgraph.pipeline.cache.store` (the SQLite file: schema, opening, the
queries shared by writer and readers), :mod:`~kgraph.pipeline.cache.buildcache`
(:class:`BuildCache`, the build's read-write cache) and
:mod:`~kgraph.pipeline.cache.reader` (:class:`AnalysisReader`, a worker's
read-only view).
"""

from kgraph.pipeline.cache.buildcache import RACY_SECONDS, BuildCache
from kgraph.pipeline.cache.codec import READ_ERRORS, HttpEntry, pack_analysis, unpack_analysis
from kgraph.pipeline.cache.keys import CACHE_FORMAT, analysis_key, article_key, content_key
from kgraph.pipeline.cache.reader import AnalysisReader
from kgraph.pipeline.cache.store import CACHE_FILE, clear_cache, default_cache_dir

__all__ = [
    "CACHE_FILE",
    "CACHE_FORMAT",
    "RACY_SECONDS",
    "READ_ERRORS",
    "AnalysisReader",
    "BuildCache",
    "HttpEntry",
    "analysis_key",
    "article_key",
    "clear_cache",
    "content_key",
    "default_cache_dir",
    "pack_analysis",
    "unpack_analysis",
]
