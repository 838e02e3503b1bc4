"""The build's read-write build cache (:class:`BuildCache`): analyses, parsed
feeds, feed files seen unchanged, HTTP validators and catalogue versions,
with hit and miss counts; a cache error never stops a build.

>>> import tempfile
>>> from kgraph.records import Article
>>> cache = BuildCache(tempfile.mkdtemp(), "v1")
>>> cache.has_analysis([cache.article_key(Article("a", html="<p>Helm</p>"))])
set()
>>> cache.misses, cache.enabled
(1, True)
>>> cache.close()
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kgraph.pipeline.cache import keys
from kgraph.pipeline.cache.codec import (
    READ_ERRORS,
    HttpEntry,
    analysis_from_row,
    pack,
    pack_feed,
    unpack,
    unpack_feed,
)
from kgraph.pipeline.cache.keys import article_key, digest
from kgraph.pipeline.cache.store import (
    CACHE_FILE,
    Transaction,
    analysis_rows,
    connect,
    deleted_for_space,
    info,
    move_aside,
    previous,
    prune,
    signatures,
)
from kgraph.records import Article, ArticlePart, ArticleText, Feed, Mention
from kgraph.version import kgraph_version

__all__ = ["RACY_SECONDS", "BuildCache"]

LOGGER = logging.getLogger(__name__)

_DAY = 86400
#: A file changed this close to the time it was read is read again next time.
RACY_SECONDS = 2.0


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
        self.base = keys.base_generation(self._kv)
        self.generation = f"{self.base}:{catalogue_version}"
        self.hits = self.misses = self.feed_hits = self.feed_misses = 0
        self.problems: list[str] = []
        self._today = int(time.time() // _DAY)
        self._db: sqlite3.Connection | None = None
        try:
            self._db = connect(self.path)
        except (sqlite3.OperationalError, OSError) as err:
            # locked by another build for too long, read-only, disk full: not damage
            msg = f"{self.path}: build cache not usable ({err}); building without it"
            msg += deleted_for_space(self.directory, err)
            LOGGER.warning("%s", msg)
            self.problems.append(msg)
        except sqlite3.DatabaseError as err:  # not a database, malformed: damage
            self._reset(err)

    # -- opening, resetting, closing -------------------------------------------------

    def _reset(self, err: BaseException) -> None:
        """Move an unreadable cache file aside and start a new one (or run without)."""
        msg = f"{self.path}: build cache unreadable ({err}); it was reset and will be rebuilt"
        try:
            move_aside(self.path)
            self._db = connect(self.path)
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
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        freed = deleted_for_space(self.directory, err)
        msg += freed
        if damaged and not freed:
            move_aside(self.path)
        LOGGER.warning("%s", msg)
        self.problems.append(msg)

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
        return Transaction(self._db)

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
        for rows in analysis_rows(self._db, keys, "key, used"):
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
        for rows in analysis_rows(self._db, keys):
            for key, blob, _used in rows:
                found[key] = analysis_from_row(unpack(blob))
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
            return previous(self._db, contents, generation or self.generation)
        except sqlite3.Error as err:
            self._failed(err)
            return {}

    # -- catalogue versions -----------------------------------------------------------

    def note_catalogue(self, version: str, signatures: Callable[[], dict[str, int]]) -> None:
        """Keep the form signatures of catalogue ``version`` (``signatures()``,
        called only if the cache has not got them) for later versions to
        compare with (:mod:`kgraph.pipeline.carryover`)."""
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
        blob = pack(sorted(signatures().items()))
        self._store("catalogues", [(version, blob, self._today)])

    def signatures(self, version: str) -> dict[str, int] | None:
        """The form signatures kept for catalogue ``version``, or None."""
        return signatures(self._db, version, self.path)

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
        return digest(self.base, where, base_url, repr(limits), data)

    def versioned(self, base_key: str) -> str:
        """A feed's entry key for this catalogue version."""
        return digest(base_key, self.catalogue_version)

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
            feed, ids, keys, parts, warnings = unpack_feed(row[0])
            if row[1] < self._today:
                with self._tx():
                    self._db.execute("UPDATE feeds SET used=? WHERE key=?", (self._today, key))
                self._present(keys)
        except READ_ERRORS as err:
            self._failed(sqlite3.DatabaseError(str(err)))
            return None
        self.feed_hits += 1
        return feed, ids, warnings, keys, parts

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
        blob = pack_feed(feed, ids, keys, parts, warnings)
        row = (key, self.generation, blob, self._today, base_key, pack(list(contents)))
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
            feed, ids, keys, parts, warnings = unpack_feed(row[1])
            contents = unpack(row[2])
            if len(contents) != len(ids):
                return None
        except READ_ERRORS as err:
            LOGGER.debug("%s: a stored feed is unreadable: %s", self.path, err)
            return None
        return row[0], feed, ids, warnings, keys, parts, list(contents)

    def sketches(self, keys: Sequence[str]) -> dict[str, bytes]:
        """``{key: sketch}`` of those of ``keys`` stored (not counted)."""
        found: dict[str, bytes] = {}
        if self._db is None or not keys:
            return found
        try:
            for rows in analysis_rows(self._db, keys, "key, sketch"):
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

    def _file_context(self, limits: object, name: str) -> str:
        return f"{self.base}|{limits!r}|{name}"

    def unchanged_file(self, path: str, sig: str, limits: object, name: str = "") -> str | None:
        """The :meth:`feed_base_key` of the file at ``path``, whose signature
        is now ``sig``, if it has not changed since it was read as the source
        named ``name`` (see module doc), else None."""
        if self._db is None or not sig:
            return None
        try:
            row = self._db.execute(
                "SELECT sig, context, read_ns, feed_key, used FROM files WHERE path=?", (path,)
            ).fetchone()
            if row is None or row[0] != sig or row[1] != self._file_context(limits, name):
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

    def remember_file(self, path: str, sig: str, limits: object, key: str, name: str = "") -> None:
        """Note that the file at ``path``, with signature ``sig`` (taken before it was
        read as the source named ``name``), holds the feed of ``key`` (a feed base key)."""
        row = (path, sig, self._file_context(limits, name), time.time_ns(), key, self._today)
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
        return info(self._db, self.path, self.generation)

    def prune_stale(self) -> int:
        """Delete entries of other catalogue/kgraph versions; return how many."""
        if self._db is None:
            return 0
        return prune(self._db, self.generation, self.catalogue_version, self.base)
