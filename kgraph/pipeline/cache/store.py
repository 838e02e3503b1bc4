"""The build cache's SQLite file: where it is, its tables, how it is opened,
moved aside when damaged and cleared, and the queries that the build's
:class:`~kgraph.pipeline.cache.buildcache.BuildCache` and the workers'
:class:`~kgraph.pipeline.cache.reader.AnalysisReader` share.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> db = connect(d / CACHE_FILE)
>>> sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'"))
['analysis', 'catalogues', 'feeds', 'files', 'http', 'meta']
>>> db.close(); clear_cache(d) > 0
True
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kgraph.pipeline.cache.codec import READ_ERRORS, unpack
from kgraph.pipeline.cache.keys import CACHE_FORMAT

__all__ = [
    "CACHE_FILE",
    "PAGE_SIZE",
    "Transaction",
    "WrongSchema",
    "analysis_rows",
    "clear_cache",
    "connect",
    "default_cache_dir",
    "deleted_for_space",
    "disk_full",
    "info",
    "move_aside",
    "previous",
    "prune",
    "signatures",
    "size",
]

LOGGER = logging.getLogger(__name__)

CACHE_FILE = "cache.sqlite"
#: SQLite page size of a new cache file: a re-run reads every unchanged feed's
#: parts, and 64 KiB pages read them 6x faster than the default 4 KiB (5,000
#: articles: 44 -> 7 ms). A file made before keeps its page size.
PAGE_SIZE = 65536

SCHEMA = """
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


class WrongSchema(sqlite3.DatabaseError):
    """A valid SQLite file whose tables are not the cache's: treated as damage
    (moved aside and started afresh), not as a passing problem."""


def _columns(db: sqlite3.Connection) -> dict[str, list[str]]:
    """Each table's column names."""
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: [c[1] for c in db.execute(f'PRAGMA table_info("{t}")')] for t in names}


def _expected_columns() -> dict[str, list[str]]:
    mem = sqlite3.connect(":memory:")
    try:
        mem.executescript(SCHEMA)
        return _columns(mem)
    finally:
        mem.close()


def _check_schema(db: sqlite3.Connection) -> None:
    """Raise :class:`WrongSchema` if a table of the cache's has other columns
    (a file of the current format: another format is emptied instead)."""
    found, expected = _columns(db), _expected_columns()
    wrong = sorted(t for t in expected if t in found and found[t] != expected[t])
    if wrong:
        raise WrongSchema(f"not a kgraph cache: table(s) {', '.join(wrong)} have other columns")


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create) the cache file at ``path``; a file of another
    :data:`~kgraph.pipeline.cache.keys.CACHE_FORMAT` is emptied, and a SQLite
    file whose tables are not the cache's raises :class:`WrongSchema`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        # before any table exists: a parsed feed (~200 kB) is read in 4 pages, not 50
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        meta = _columns(db).get("meta")
        if meta is not None and meta != ["name", "value"]:
            raise WrongSchema("not a kgraph cache: table meta has other columns")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = db.execute("SELECT value FROM meta WHERE name='format'").fetchone()
        if row is not None and row[0] != CACHE_FORMAT:  # another layout: start afresh
            db.executescript(
                "DROP TABLE IF EXISTS analysis; DROP TABLE IF EXISTS feeds; "
                "DROP TABLE IF EXISTS http; DROP TABLE IF EXISTS files; "
                "DROP TABLE IF EXISTS catalogues;"
            )
        _check_schema(db)
        db.executescript(SCHEMA)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
    except BaseException:
        db.close()
        raise
    return db


def disk_full(err: BaseException) -> bool:
    """SQLite's "database or disk is full" (SQLITE_FULL), or ENOSPC, EFBIG, EDQUOT.

    >>> disk_full(sqlite3.OperationalError("database or disk is full")), disk_full(OSError(28, "x"))
    (True, True)
    """
    if isinstance(err, sqlite3.Error):
        return getattr(err, "sqlite_errorcode", None) == 13 or "is full" in str(err)
    return isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def deleted_for_space(directory: Path, err: BaseException) -> str:
    """After ``err``: if the disk is full, delete the cache (and its WAL,
    which left there kept the disk full; a cache is rebuilt from the feeds)
    and say so, as the end of a message; else ``""``."""
    if not disk_full(err):
        return ""
    freed = 0
    with contextlib.suppress(OSError):
        freed = clear_cache(directory)
    return f"; the disk is full: the cache was deleted ({freed:,} bytes freed)"


def move_aside(path: Path) -> None:
    """Rename a damaged cache file (and its WAL files) to ``*.corrupt``, so
    the next build starts a new one."""
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{path}{suffix}")
        if p.exists():
            p.replace(Path(f"{path}{suffix}.corrupt"))


def analysis_rows(
    db: sqlite3.Connection, keys: Sequence[str], columns: str = "key, data, used"
) -> Iterator[list[Any]]:
    """The ``columns`` of the analyses among ``keys``, 500 keys a query."""
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), 500):
        part = unique[i : i + 500]
        marks = ",".join("?" * len(part))
        yield db.execute(f"SELECT {columns} FROM analysis WHERE key IN ({marks})", part).fetchall()


def previous(
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


def signatures(db: sqlite3.Connection | None, version: str, path: Path) -> dict[str, int] | None:
    """The form signatures kept for catalogue ``version`` (None if there are
    none or they cannot be read: the analyses of that version are then not
    carried over)."""
    if db is None:
        return None
    try:
        row = db.execute("SELECT data FROM catalogues WHERE version=?", (version,)).fetchone()
        return None if row is None else {form: sig for form, sig in unpack(row[0])}
    except READ_ERRORS as err:
        LOGGER.debug("%s: catalogue %s unreadable: %s", path, version, err)
        return None


class Transaction:
    """``with`` block running its statements in one SQLite transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def clear_cache(directory: str | os.PathLike[str]) -> int:
    """Delete the cache file(s) in ``directory`` (its WAL too); return the bytes freed.

    >>> import tempfile
    >>> d = tempfile.mkdtemp(); connect(Path(d) / CACHE_FILE).close(); clear_cache(d) > 0
    True
    """
    path = Path(directory) / CACHE_FILE
    freed = 0
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if p.exists():
            freed += p.stat().st_size
            p.unlink()
    return freed


def info(db: sqlite3.Connection | None, path: Path, generation: str) -> dict[str, Any]:
    """Where the cache file ``path`` is, its size and entry counts (current,
    of ``generation``, and stale)."""
    out: dict[str, Any] = {"path": str(path), "bytes": size(path)}
    if db is None:
        return out
    for table in ("analysis", "feeds"):
        total, current = db.execute(
            f"SELECT count(*), coalesce(sum(generation = ?), 0) FROM {table}",
            (generation,),
        ).fetchone()
        out[table] = {"entries": total, "current": current, "stale": total - current}
    for table in ("files", "http", "catalogues"):
        count = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out[table] = {"entries": count}
    return out


def prune(db: sqlite3.Connection, generation: str, catalogue_version: str, base: str) -> int:
    """Delete the entries not of ``generation`` (catalogue ``catalogue_version``
    under the ``base`` generation); return how many analyses and feeds went."""
    with Transaction(db):
        n = db.execute("DELETE FROM analysis WHERE generation != ?", (generation,)).rowcount
        n += db.execute("DELETE FROM feeds WHERE generation != ?", (generation,)).rowcount
        db.execute("DELETE FROM catalogues WHERE version != ?", (catalogue_version,))
        # (what files held, not counted: a file entry only points at a parsed feed)
        db.execute(
            "DELETE FROM files WHERE substr(context, 1, ?) != ?",
            (len(base) + 1, base + "|"),
        )
    db.execute("VACUUM")
    return n
