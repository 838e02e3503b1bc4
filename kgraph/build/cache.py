"""The build cache: per-article analysis results, parsed feeds and HTTP
validators in one SQLite file, so a re-run only redoes what changed.

The tables, each keyed by a SHA-256 of everything its result depends on:

- ``analysis``: an article's light text and mentions (what
  :func:`kgraph.build.runner.analyse` yields), keyed by the article's content
  (id, URL, title and HTML: :func:`content_key`) plus the catalogue version,
  :data:`CACHE_FORMAT` and the kgraph version; with the content key and the
  article's sketch (a bitmap of its text's trigrams: :func:`kgraph.extract.matcher.sketch`). Under a new catalogue
  version an analysis of another is carried over (moved) when none of the
  alias forms the change touches can occur in the article
  (:mod:`kgraph.build.carryover`): a catalogue change re-analyses exactly the
  articles it may change. An article keeps one analysis.
- ``catalogues``: the signature of every alias form of each catalogue version
  the cache has analyses of (:func:`kgraph.build.carryover.form_signatures`), to
  tell what changed from one version to the next.
- ``feeds``: a parsed feed (:class:`~kgraph.ingest.feeds.ParsedFeed`) without the
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
>>> cache = BuildCache(tempfile.mkdtemp(), load_catalogue().version)
>>> art = Article("a", html="<p>Helm</p>")
>>> cache.has_analysis([cache.article_key(art)]), cache.hits, cache.misses
(set(), 0, 1)
>>> cache.close()
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import logging
import marshal
import os
import sqlite3
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgraph.fileio import code_digest
from kgraph.graph.parts import ArticlePart
from kgraph.records import Article, ArticleText, Block, Feed, Mention
from kgraph.version import kgraph_version

__all__ = [
    "CACHE_FILE",
    "CACHE_FORMAT",
    "RACY_SECONDS",
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

LOGGER = logging.getLogger(__name__)

#: Bump when what is stored, or how an article is analysed, changes shape.
CACHE_FORMAT = "8"
CACHE_FILE = "cache.sqlite"
_DAY = 86400
#: A file changed this close to the time it was read is read again next time.
RACY_SECONDS = 2.0
#: SQLite page size of a new cache file: a re-run reads every unchanged feed's
#: parts, and 64 KiB pages read them 6x faster than the default 4 KiB (5,000
#: articles: 44 -> 7 ms). A file made before keeps its page size.
PAGE_SIZE = 65536

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS analysis (
    key TEXT PRIMARY KEY, generation TEXT NOT NULL, data BLOB NOT NULL, used INTEGER NOT NULL,
    content TEXT NOT NULL, sketch BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS analysis_used ON analysis(used);
CREATE INDEX IF NOT EXISTS analysis_content ON analysis(content);
CREATE TABLE IF NOT EXISTS catalogues (
    version TEXT PRIMARY KEY, data BLOB NOT NULL, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS feeds (
    key TEXT PRIMARY KEY, generation TEXT NOT NULL, data BLOB NOT NULL, used INTEGER NOT NULL,
    base TEXT NOT NULL, contents BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS feeds_used ON feeds(used);
CREATE INDEX IF NOT EXISTS feeds_base ON feeds(base);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, sig TEXT NOT NULL, context TEXT NOT NULL, read_ns INTEGER NOT NULL,
    feed_key TEXT NOT NULL, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS http (
    url TEXT PRIMARY KEY, etag TEXT NOT NULL, last_modified TEXT NOT NULL,
    final_url TEXT NOT NULL, body BLOB NOT NULL, used INTEGER NOT NULL);
"""


@functools.lru_cache(maxsize=1)
def _analysis_code() -> str:
    """Hash of the modules whose code decides a cached result (parsing, cleaning,
    extraction, an article's graph part), so an edited checkout never reuses
    results of older code."""
    # a few lines, not one per name: this module is over its length budget
    names = (  # noqa: SIM905
        "ingest.feeds ingest.text ingest.boilerplate extract.matcher extract.judge "
        "extract.extractor extract.code extract.salience build.sketch catalogue.concepts "
        "catalogue.validate catalogue.load catalogue.context build.runner graph.parts"
    ).split()
    modules = [importlib.import_module(f"kgraph.{name}") for name in names]
    return code_digest(*(m.__file__ or "" for m in modules))


def default_cache_dir(outdir: str | os.PathLike[str] = "outputs") -> Path:
    """``$KGRAPH_CACHE_DIR``, else ``.kgraph-cache`` beside the output folder.

    >>> expected = Path("site").absolute() / ".kgraph-cache"
    >>> default_cache_dir("site/graph") == expected or "KGRAPH_CACHE_DIR" in os.environ
    True
    """
    env = os.environ.get("KGRAPH_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(outdir).expanduser().absolute().parent / ".kgraph-cache"


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(raw).to_bytes(8, "little"))
        h.update(raw)
    return h.hexdigest()


def content_key(article: Article) -> str:
    """Hash of an article's content as analysed: its id, URL, title and HTML."""
    return _digest(article.id, article.url, article.title, article.html)


def analysis_key(generation: str, content: str) -> str:
    """The cache key of an analysis: the article's :func:`content_key` under
    the cache ``generation`` (format, kgraph and catalogue versions)."""
    return _digest(generation, content)


def article_key(generation: str, article: Article) -> str:
    """Hash of what an article's analysis depends on: its content
    (:func:`content_key`) and the cache ``generation``."""
    return analysis_key(generation, content_key(article))


#: Stored values are lists, tuples, strings and numbers in ``marshal`` form (its
#: format belongs to the Python version, which is part of every key), decoded
#: several times faster than JSON; a checksum refuses a damaged blob first:
#: zlib's for compressed analyses, Adler-32 before the uncompressed feeds, which
#: every re-run loads (inflating them was an eighth of a re-run's time).
_MARSHAL = f"py{sys.version_info[0]}.{sys.version_info[1]}-m{marshal.version}"
#: What reading a stored row can raise: SQLite, a damaged blob (zlib), bad
#: marshal data (ValueError, EOFError, TypeError) or a row of the wrong shape.
READ_ERRORS = (sqlite3.Error, zlib.error, ValueError, TypeError, EOFError)


#: First byte of an uncompressed blob (a zlib stream starts with 0x78).
_RAW = b"R"


def _pack(obj: Any, *, compress: bool = True) -> bytes:
    """``obj`` marshalled, and deflated or checksummed.

    >>> [_unpack(_pack([1, "a"], compress=c)) for c in (True, False)]
    [[1, 'a'], [1, 'a']]
    >>> _unpack(_pack([1, "a"], compress=False)[:-1] + b"b")
    Traceback (most recent call last):
    ...
    ValueError: checksum mismatch
    """
    data = marshal.dumps(obj)
    if compress:
        return zlib.compress(data, 1)
    return _RAW + zlib.adler32(data).to_bytes(4, "little") + data


def _unpack(blob: bytes) -> Any:
    if blob[:1] != _RAW:
        return marshal.loads(zlib.decompress(blob))
    data = memoryview(blob)[5:]
    if zlib.adler32(data).to_bytes(4, "little") != blob[1:5]:
        raise ValueError("checksum mismatch")
    return marshal.loads(data)


def pack_analysis(text: ArticleText, mentions: Sequence[Mention]) -> bytes:
    """An article's analysis as the cache stores it (:meth:`BuildCache.put_packed`):
    packed where it is made, so a worker sends bytes, not records, to the build."""
    return _pack(_analysis_row(text, mentions))


def _analysis_row(text: ArticleText, mentions: Sequence[Mention]) -> list[Any]:
    return [
        text.article_id,
        [[b.kind, b.text] for b in text.blocks],
        list(text.code),
        list(text.links),
        text.word_count,
        [[m.concept, m.count, m.weight, m.evidence, m.alias, m.extra] for m in mentions],
    ]


def unpack_analysis(blob: bytes) -> tuple[ArticleText, list[Mention]]:
    """An analysis packed by :func:`pack_analysis` (a damaged one raises one of
    ``zlib.error``, ``ValueError``, ``TypeError``, ``EOFError``)."""
    return _analysis_from_row(_unpack(blob))


def _analysis_from_row(obj: list[Any]) -> tuple[ArticleText, list[Mention]]:
    aid, blocks, code, links, words, mentions = obj
    text = ArticleText(aid, tuple(Block(k, t) for k, t in blocks), tuple(code), tuple(links), words)
    return text, [
        Mention(c, n, w, e, a, tuple(tuple(x) for x in extra)) for c, n, w, e, a, extra in mentions
    ]


@dataclass(frozen=True)
class HttpEntry:
    """A stored HTTP response: validators for the next conditional GET and the body."""

    etag: str
    last_modified: str
    final_url: str
    body: bytes


class BuildCache:
    """An open build cache for one catalogue version (see module doc).

    ``hits`` and ``misses`` count article analyses found and not found;
    ``feed_hits``/``feed_misses`` count parsed feeds; ``problems`` lists
    one-line notes about a cache that had to be reset or disabled.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        catalogue_version: str,
        *,
        max_age_days: float = 30,
    ) -> None:
        self.directory = Path(directory)
        self.path = self.directory / CACHE_FILE
        self.max_age_days = max_age_days
        self._kv = kgraph_version()
        self.catalogue_version = catalogue_version
        #: what keys every entry: the cache format, the Python, kgraph and
        #: analysis code versions (``base``), then the catalogue version
        self.base = _base_generation(self._kv)
        self.generation = f"{self.base}:{catalogue_version}"
        self.hits = self.misses = self.feed_hits = self.feed_misses = 0
        self.problems: list[str] = []
        self._today = int(time.time() // _DAY)
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except (sqlite3.OperationalError, OSError) as err:
            # locked by another build for too long, read-only, disk full: not damage
            msg = f"{self.path}: build cache not usable ({err}); building without it"
            LOGGER.warning("%s", msg)
            self.problems.append(msg)
        except sqlite3.DatabaseError as err:  # not a database, malformed: damage
            self._reset(err)

    # -- opening, resetting, closing -------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            # before any table exists: a parsed feed (~200 kB) is read in 4 pages, not 50
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            row = db.execute("SELECT value FROM meta WHERE name='format'").fetchone()
            if row is not None and row[0] != CACHE_FORMAT:  # another layout: start afresh
                db.executescript(
                    "DROP TABLE IF EXISTS analysis; DROP TABLE IF EXISTS feeds; "
                    "DROP TABLE IF EXISTS http; DROP TABLE IF EXISTS files; "
                    "DROP TABLE IF EXISTS catalogues;"
                )
            db.executescript(_SCHEMA)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
        except BaseException:
            db.close()
            raise
        return db

    def _reset(self, err: BaseException) -> None:
        """Move an unreadable cache file aside and start a new one (or run without)."""
        msg = f"{self.path}: build cache unreadable ({err}); it was reset and will be rebuilt"
        try:
            for suffix in ("", "-wal", "-shm"):
                p = Path(f"{self.path}{suffix}")
                if p.exists():
                    p.replace(Path(f"{self.path}{suffix}.corrupt"))
            self._db = self._open()
        except (sqlite3.Error, OSError) as err2:
            msg = f"{self.path}: build cache unusable ({err2}); building without it"
            self._db = None
        LOGGER.warning("%s", msg)
        self.problems.append(msg)

    def _failed(self, err: sqlite3.Error) -> None:
        """Run the rest of the build without the cache; a damaged file is moved
        aside (``cache.sqlite.corrupt``) so the next build starts a new one."""
        damaged = isinstance(err, sqlite3.DatabaseError) and not isinstance(
            err, sqlite3.OperationalError
        )
        msg = f"{self.path}: build cache failed ({err}); the rest of this build runs without it"
        LOGGER.warning("%s", msg)
        self.problems.append(msg)
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        if damaged:
            for suffix in ("", "-wal", "-shm"):
                p = Path(f"{self.path}{suffix}")
                if p.exists():
                    p.replace(Path(f"{self.path}{suffix}.corrupt"))

    @property
    def enabled(self) -> bool:
        """False once the cache has been disabled by an error."""
        return self._db is not None

    def close(self) -> None:
        """Drop entries unused for ``max_age_days`` and close the file."""
        if self._db is None:
            return
        try:
            cutoff = self._today - int(self.max_age_days)
            with self._tx():
                for table in ("analysis", "feeds", "http", "files", "catalogues"):
                    self._db.execute(f"DELETE FROM {table} WHERE used < ?", (cutoff,))
            self._db.close()
        except sqlite3.Error as err:
            self._failed(err)
        self._db = None

    def __enter__(self) -> BuildCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self) -> Any:
        assert self._db is not None
        return _Transaction(self._db)

    # -- article analyses ---------------------------------------------------------------

    def article_key(self, article: Article) -> str:
        """Hash of what an article's analysis depends on, for this catalogue version."""
        return article_key(self.generation, article)

    def has_analysis(self, keys: Sequence[str], carried: Iterable[str] = ()) -> set[str]:
        """Which of ``keys`` have a stored analysis (not loaded); counts hits and
        misses (a key of ``carried``, an analysis carried over from another
        catalogue version, counts as a hit)."""
        present: set[str] = set()
        if self._db is not None and keys:
            try:
                present = self._present(keys)
            except sqlite3.Error as err:
                self._failed(err)
        reused = present.union(carried)
        self.hits += sum(1 for k in keys if k in reused)
        self.misses += sum(1 for k in keys if k not in reused)
        return present

    def count_hits(self, n: int) -> None:
        """Count ``n`` analyses served with a cached feed (:meth:`get_feed`)."""
        self.hits += n

    def _present(self, keys: Sequence[str]) -> set[str]:
        """The stored keys among ``keys``, marked used today."""
        assert self._db is not None
        present: set[str] = set()
        for rows in _analysis_rows(self._db, keys, "key, used"):
            present.update(k for k, _ in rows)
            self._touch(rows)
        return present

    def _touch(self, rows: Sequence[Sequence[Any]]) -> None:
        """Mark the analyses of ``rows`` (key first, ``used`` last) used today."""
        assert self._db is not None
        stale = [(self._today, row[0]) for row in rows if row[-1] < self._today]
        if stale:
            with self._tx():
                self._db.executemany("UPDATE analysis SET used=? WHERE key=?", stale)

    def lookup_analysis(self, keys: Sequence[str]) -> dict[str, tuple[ArticleText, list[Mention]]]:
        """The stored analyses among ``keys``, not counted: what a build may
        skip analysing (:meth:`has_analysis` then counts them)."""
        if self._db is None or not keys:
            return {}
        try:
            return self._load_analyses(keys)
        except READ_ERRORS as err:
            self._failed(sqlite3.DatabaseError(str(err)))
            return {}

    def _load_analyses(self, keys: Sequence[str]) -> dict[str, tuple[ArticleText, list[Mention]]]:
        assert self._db is not None
        found: dict[str, tuple[ArticleText, list[Mention]]] = {}
        for rows in _analysis_rows(self._db, keys):
            for key, blob, _used in rows:
                found[key] = _analysis_from_row(_unpack(blob))
            self._touch(rows)
        return found

    def put_packed(self, items: Iterable[tuple[str, str, bytes, bytes]]) -> None:
        """Store analyses already packed by :func:`pack_analysis` (where they were
        made: a worker) as ``(key, content key, packed, sketch)``, all in one
        transaction. An article keeps one analysis: those of other catalogue
        versions are dropped (a catalogue edited again and again would
        otherwise pile up a copy of every analysis per version)."""
        rows = [
            (key, self.generation, blob, self._today, content, sketch)
            for key, content, blob, sketch in items
        ]
        if self._db is None or not rows:
            return
        base = self.base + ":"
        others = [(row[4], self.generation, len(base), base) for row in rows if row[4]]
        try:
            with self._tx():
                self._db.executemany(
                    "DELETE FROM analysis WHERE content=? AND generation != ? "
                    "AND substr(generation, 1, ?) = ?",
                    others,
                )
                self._db.executemany("INSERT OR REPLACE INTO analysis VALUES (?,?,?,?,?,?)", rows)
        except sqlite3.Error as err:
            self._failed(err)

    def previous_analyses(
        self, contents: Sequence[str], generation: str = ""
    ) -> dict[str, tuple[str, bytes, bytes]]:
        """Analyses of the articles ``contents`` (content keys) made under
        another catalogue version (of the same format and code), as ``{content:
        (generation, packed, sketch)}``, the most recently used of each."""
        if self._db is None or not contents:
            return {}
        try:
            return _previous(self._db, contents, generation or self.generation)
        except sqlite3.Error as err:
            self._failed(err)
            return {}

    # -- catalogue versions -----------------------------------------------------------

    def note_catalogue(self, version: str, signatures: Callable[[], dict[str, int]]) -> None:
        """Keep the form signatures of catalogue ``version`` (``signatures()``,
        called only if the cache has not got them) for later versions to
        compare with (:mod:`kgraph.build.carryover`)."""
        if self._db is None:
            return
        try:
            row = self._db.execute(
                "SELECT used FROM catalogues WHERE version=?", (version,)
            ).fetchone()
        except sqlite3.Error as err:
            self._failed(err)
            return
        if row is not None:
            if row[0] < self._today:
                self._store_update("catalogues", "version", version)
            return
        blob = _pack(sorted(signatures().items()))
        self._store("catalogues", [(version, blob, self._today)])

    def signatures(self, version: str) -> dict[str, int] | None:
        """The form signatures kept for catalogue ``version``, or None."""
        return _signatures(self._db, version, self.path)

    def _store_update(self, table: str, column: str, value: str) -> None:
        assert self._db is not None
        try:
            with self._tx():
                self._db.execute(
                    f"UPDATE {table} SET used=? WHERE {column}=?", (self._today, value)
                )
        except sqlite3.Error as err:
            self._failed(err)

    # -- parsed feeds ------------------------------------------------------------------------

    def feed_key(self, data: bytes, where: str, base_url: str, limits: object) -> str:
        """The key of a parsed feed's entry: :meth:`feed_base_key` under this
        catalogue version (:meth:`versioned`)."""
        return self.versioned(self.feed_base_key(data, where, base_url, limits))

    def feed_base_key(self, data: bytes, where: str, base_url: str, limits: object) -> str:
        """Hash of what parsing a feed depends on (not the catalogue, which only
        its articles' graph parts and analyses depend on)."""
        return _digest(self.base, where, base_url, repr(limits), data)

    def versioned(self, base_key: str) -> str:
        """A feed's entry key for this catalogue version."""
        return _digest(base_key, self.catalogue_version)

    def get_feed(
        self, key: str
    ) -> tuple[Feed, list[tuple[str, str]], list[str], list[str], list[ArticlePart]] | None:
        """The stored parse of a feed: the feed, its articles' (id, URL), its
        warnings, the articles' analysis keys and graph parts; or None. The
        articles' analyses are not needed (their parts are there), but they
        are kept as used as long as the feed is, for the day the feed changes.
        """
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT data, used FROM feeds WHERE key=?", (key,)).fetchone()
            if row is None:
                self.feed_misses += 1
                return None
            feed, ids, keys, parts, warnings = _unpack(row[0])
            if not len(ids) == len(keys) == len(parts):
                raise ValueError("columns of different lengths")
            parts = list(map(ArticlePart._make, parts))
            if row[1] < self._today:
                with self._tx():
                    self._db.execute("UPDATE feeds SET used=? WHERE key=?", (self._today, key))
                self._present(keys)
        except READ_ERRORS as err:
            self._failed(sqlite3.DatabaseError(str(err)))
            return None
        self.feed_hits += 1
        return Feed(*feed), list(ids), list(warnings), list(keys), parts

    def put_feed(
        self,
        key: str,
        feed: Feed,
        ids: Sequence[tuple[str, str]],
        warnings: Sequence[str],
        keys: Sequence[str],
        parts: Sequence[ArticlePart],
        contents: Sequence[str] = (),
        base_key: str = "",
    ) -> None:
        """Store a parsed feed: its articles' (id, URL), analysis keys and
        graph parts, as columns; with its :meth:`feed_base_key` and the
        articles' content keys, for a later catalogue version to carry it over
        (:meth:`previous_feed`)."""
        if self._db is None:
            return
        if not len(ids) == len(keys) == len(parts):
            raise ValueError("put_feed: ids, keys and parts differ in length")
        blob = _pack(
            [
                [feed.id, feed.title, feed.url],
                [tuple(i) for i in ids],
                list(keys),
                [tuple(p) for p in parts],
                list(warnings),
            ],
            compress=False,
        )
        row = (key, self.generation, blob, self._today, base_key, _pack(list(contents)))
        if self._db is None:
            return
        try:
            with self._tx():
                if base_key:  # one parse of a feed is kept, of the last catalogue version
                    self._db.execute("DELETE FROM feeds WHERE base=? AND key != ?", (base_key, key))
                self._db.execute("INSERT OR REPLACE INTO feeds VALUES (?,?,?,?,?,?)", row)
        except sqlite3.Error as err:
            self._failed(err)

    def previous_feed(
        self, base_key: str, key: str
    ) -> (
        tuple[str, Feed, list[tuple[str, str]], list[str], list[str], list[ArticlePart], list[str]]
        | None
    ):
        """The parse of the feed of ``base_key`` stored under another catalogue
        version than the one of ``key`` (a feed keeps one parse: :meth:`put_feed`),
        with its generation, feed, articles' (id, URL), warnings, analysis keys,
        graph parts and content keys; or None."""
        if self._db is None or not base_key:
            return None
        try:
            row = self._db.execute(
                "SELECT generation, data, contents FROM feeds WHERE base=? AND key != ?",
                (base_key, key),
            ).fetchone()
            if row is None:
                return None
            feed, ids, keys, parts, warnings = _unpack(row[1])
            contents = _unpack(row[2])
            if not len(ids) == len(keys) == len(parts) == len(contents):
                return None
            parsed = list(map(ArticlePart._make, parts))
        except READ_ERRORS as err:
            LOGGER.debug("%s: a stored feed is unreadable: %s", self.path, err)
            return None
        return row[0], Feed(*feed), list(ids), list(warnings), list(keys), parsed, list(contents)

    def sketches(self, keys: Sequence[str]) -> dict[str, bytes]:
        """``{key: sketch}`` of those of ``keys`` stored (not counted)."""
        found: dict[str, bytes] = {}
        if self._db is None or not keys:
            return found
        try:
            for rows in _analysis_rows(self._db, keys, "key, sketch"):
                found.update((k, bytes(sketch)) for k, sketch in rows)
        except sqlite3.Error as err:
            self._failed(err)
            return {}
        return found

    def move_analyses(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Move the analysis of each ``(old key, new key)`` to its new key and
        this generation (one carried over from another catalogue version), in
        SQLite, without reading it: an article keeps one analysis."""
        rows = [(new, self.generation, self._today, old) for old, new in pairs if old != new]
        if self._db is None or not rows:
            return
        try:
            with self._tx():
                self._db.executemany(
                    "UPDATE OR REPLACE analysis SET key=?, generation=?, used=? WHERE key=?",
                    rows,
                )
        except sqlite3.Error as err:
            self._failed(err)

    def count_feed_carried(self) -> None:
        """Count a feed that missed as carried over from another catalogue version: a hit."""
        self.feed_misses -= 1
        self.feed_hits += 1

    # -- feed files seen unchanged -------------------------------------------------------

    @staticmethod
    def file_signature(path: str) -> str:
        """``size:mtime_ns:ctime_ns:inode:device`` of a file ("" if it cannot be stat'ed)."""
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return ""
        return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"

    def _file_context(self, limits: object) -> str:
        return f"{self.base}|{limits!r}"

    def unchanged_file(self, path: str, sig: str, limits: object) -> str | None:
        """The :meth:`feed_base_key` of the file at ``path``, whose signature
        is now ``sig``, if it has not changed since it was read (see module
        doc), else None."""
        if self._db is None or not sig:
            return None
        try:
            row = self._db.execute(
                "SELECT sig, context, read_ns, feed_key, used FROM files WHERE path=?", (path,)
            ).fetchone()
            if row is None or row[0] != sig or row[1] != self._file_context(limits):
                return None
            _size, mtime, ctime, *_ = sig.split(":")
            if max(int(mtime), int(ctime)) >= row[2] - int(RACY_SECONDS * 1e9):
                return None
            if row[4] < self._today:
                with self._tx():
                    self._db.execute("UPDATE files SET used=? WHERE path=?", (self._today, path))
        except sqlite3.Error as err:
            self._failed(err)
            return None
        return str(row[3])

    def remember_file(self, path: str, sig: str, limits: object, feed_key: str) -> None:
        """Note that the file at ``path``, with signature ``sig`` (taken before
        it was read), holds the feed of ``feed_key`` (a :meth:`feed_base_key`)."""
        row = (path, sig, self._file_context(limits), time.time_ns(), feed_key, self._today)
        self._store("files", [row])

    # -- HTTP validators ------------------------------------------------------------------

    def get_http(self, url: str) -> HttpEntry | None:
        """The stored response for ``url`` (for If-None-Match / If-Modified-Since)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT etag, last_modified, final_url, body FROM http WHERE url=?", (url,)
            ).fetchone()
        except sqlite3.Error as err:
            self._failed(err)
            return None
        return HttpEntry(row[0], row[1], row[2], bytes(row[3])) if row else None

    def put_http(self, url: str, entry: HttpEntry) -> None:
        """Store (or refresh) the response for ``url``."""
        row = (url, entry.etag, entry.last_modified, entry.final_url, entry.body, self._today)
        self._store("http", [row])

    def _store(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """INSERT OR REPLACE ``rows`` into ``table`` in one transaction (an
        error disables the cache for the rest of the build)."""
        if self._db is None or not rows:
            return
        marks = ",".join("?" * len(rows[0]))
        try:
            with self._tx():
                self._db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", rows)
        except sqlite3.Error as err:
            self._failed(err)

    # -- maintenance ------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """Where the cache is, its size and entry counts (current and stale)."""
        out: dict[str, Any] = {"path": str(self.path), "bytes": _size(self.path)}
        if self._db is None:
            return out
        for table in ("analysis", "feeds"):
            total, current = self._db.execute(
                f"SELECT count(*), coalesce(sum(generation = ?), 0) FROM {table}",
                (self.generation,),
            ).fetchone()
            out[table] = {"entries": total, "current": current, "stale": total - current}
        for table in ("files", "http", "catalogues"):
            count = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            out[table] = {"entries": count}
        return out

    def prune_stale(self) -> int:
        """Delete entries of other catalogue/kgraph versions; return how many."""
        if self._db is None:
            return 0
        with self._tx():
            n = self._db.execute(
                "DELETE FROM analysis WHERE generation != ?", (self.generation,)
            ).rowcount
            n += self._db.execute(
                "DELETE FROM feeds WHERE generation != ?", (self.generation,)
            ).rowcount
            self._db.execute("DELETE FROM catalogues WHERE version != ?", (self.catalogue_version,))
            # (what files held, not counted: a file entry only points at a parsed feed)
            self._db.execute(
                "DELETE FROM files WHERE substr(context, 1, ?) != ?",
                (len(self.base) + 1, self.base + "|"),
            )
        self._db.execute("VACUUM")
        return n


class AnalysisReader:
    """Read-only access to the stored analyses of a cache file, for worker
    processes: no counting, no writing (the build's :class:`BuildCache` in the
    main process counts hits and misses and stores what was analysed). A cache
    that cannot be read is simply not used.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        try:
            if self.path.is_file():
                self._db = sqlite3.connect(
                    f"{self.path.absolute().as_uri()}?mode=ro", uri=True, timeout=5
                )
        except (sqlite3.Error, OSError, ValueError) as err:
            LOGGER.debug("%s: cache not readable here: %s", self.path, err)

    def previous(
        self, contents: Sequence[str], generation: str
    ) -> dict[str, tuple[str, bytes, bytes]]:
        """As :meth:`BuildCache.previous_analyses` (any error: none)."""
        if self._db is None or not contents:
            return {}
        try:
            return _previous(self._db, contents, generation)
        except sqlite3.Error as err:
            LOGGER.debug("%s: cache not readable here: %s", self.path, err)
            return {}

    def signatures(self, version: str) -> dict[str, int] | None:
        """As :meth:`BuildCache.signatures`."""
        return _signatures(self._db, version, self.path)

    def get(self, keys: Sequence[str]) -> dict[str, tuple[ArticleText, list[Mention]]]:
        """The stored analyses among ``keys`` (any error: none)."""
        if self._db is None or not keys:
            return {}
        found: dict[str, tuple[ArticleText, list[Mention]]] = {}
        try:
            for rows in _analysis_rows(self._db, keys):
                for key, blob, _used in rows:
                    found[key] = _analysis_from_row(_unpack(blob))
        except READ_ERRORS as err:
            LOGGER.debug("%s: cache not readable here: %s", self.path, err)
            self.close()
            return {}
        return found

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None


def _analysis_rows(
    db: sqlite3.Connection, keys: Sequence[str], columns: str = "key, data, used"
) -> Iterator[list[Any]]:
    """The ``columns`` of the analyses among ``keys``, 500 keys a query."""
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), 500):
        part = unique[i : i + 500]
        marks = ",".join("?" * len(part))
        yield db.execute(f"SELECT {columns} FROM analysis WHERE key IN ({marks})", part).fetchall()


def _base_generation(kgraph_version: str) -> str:
    """A generation without its catalogue version."""
    return f"{CACHE_FORMAT}:{_MARSHAL}:{kgraph_version}:{_analysis_code()}"


def _previous(
    db: sqlite3.Connection, contents: Sequence[str], generation: str
) -> dict[str, tuple[str, bytes, bytes]]:
    """``{content: (generation, packed, sketch)}`` of the analyses of ``contents``
    of the same base generation as ``generation`` but another catalogue version
    (the most recently used, then stored, of each)."""
    base = generation.rpartition(":")[0] + ":"
    found: dict[str, tuple[tuple[int, int], str, bytes, bytes]] = {}
    unique = list(dict.fromkeys(contents))
    for i in range(0, len(unique), 500):
        part = unique[i : i + 500]
        marks = ",".join("?" * len(part))
        rows = db.execute(
            "SELECT content, generation, data, sketch, used, rowid FROM analysis "
            f"WHERE content IN ({marks}) AND generation != ? AND substr(generation, 1, ?) = ?",
            (*part, generation, len(base), base),
        ).fetchall()
        for content, gen, data, sketch, used, rowid in rows:
            if content not in found or (used, rowid) > found[content][0]:
                found[content] = ((used, rowid), gen, bytes(data), bytes(sketch))
    return {c: (gen, data, sketch) for c, (_used, gen, data, sketch) in found.items()}


def _signatures(db: sqlite3.Connection | None, version: str, path: Path) -> dict[str, int] | None:
    """The form signatures kept for catalogue ``version`` (None if there are
    none or they cannot be read: the analyses of that version are then not
    carried over)."""
    if db is None:
        return None
    try:
        row = db.execute("SELECT data FROM catalogues WHERE version=?", (version,)).fetchone()
        return None if row is None else {form: sig for form, sig in _unpack(row[0])}
    except READ_ERRORS as err:
        LOGGER.debug("%s: catalogue %s unreadable: %s", path, version, err)
        return None


class _Transaction:
    """``with`` block running its statements in one SQLite transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def clear_cache(directory: str | os.PathLike[str]) -> int:
    """Delete the cache file(s) in ``directory``; return the bytes freed.

    >>> import tempfile
    >>> d = tempfile.mkdtemp(); BuildCache(d, "v1").close(); clear_cache(d) > 0
    True
    """
    path = Path(directory) / CACHE_FILE
    freed = 0
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if p.exists():
            freed += p.stat().st_size
            p.unlink()
    return freed
