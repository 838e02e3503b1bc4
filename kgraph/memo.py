"""The memo: results that are slow to build and depend only on their inputs
and code (the parsed catalogue, the compiled matcher, a catalogue's form
signatures), kept as pickles in the user's cache folder so the next process
loads them instead (:func:`memoised`). This is the one door to that folder:
a stage names what it builds and a key, and owns no cache code. (The build
cache of analyses and parsed feeds is another thing: :mod:`kgraph.pipeline.cache`.)

>>> import tempfile
>>> where = Path(tempfile.mkdtemp())
>>> memoised("demo", "k1", lambda: {"a": 1}, dict, folder=where)
{'a': 1}
>>> sorted(p.name for p in where.iterdir())
['demo-k1.pickle']
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from kgraph.fileio import atomic_open

__all__ = ["code_digest", "memo_dir", "memoised"]

LOGGER = logging.getLogger(__name__)

T = TypeVar("T")


def code_digest(*files: str | os.PathLike[str]) -> str:
    """A short hash of source files' bytes: cached results computed by that
    code are reused only while it is unchanged (a version number alone misses
    edits in a source checkout).

    >>> len(code_digest(__file__))
    12
    """
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()[:12]


def memo_dir() -> Path:
    """Where kgraph keeps caches: ``$KGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgraph``
    or ``~/.cache/kgraph``."""
    explicit = os.environ.get("KGRAPH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kgraph"


def memoised(
    kind: str,
    key: str,
    build: Callable[[], T],
    expected: type,
    keep: int = 3,
    folder: Path | None = None,
) -> T:
    """``build()``, kept in ``folder`` (the user's cache, :func:`memo_dir`)
    as ``<kind>-<key>.pickle``: a later call with the same ``key`` (a digest of
    every input and of the code that builds it) loads it instead. A file that
    cannot be read or is not an ``expected`` is built again; the ``keep``
    newest files of a kind are kept; a cache that cannot be written is only
    logged.

    >>> import tempfile
    >>> where = Path(tempfile.mkdtemp())
    >>> memoised("demo", "k1", lambda: [1, 2], list, folder=where)
    [1, 2]
    >>> memoised("demo", "k1", list, list, folder=where)  # not built again
    [1, 2]
    """
    path = (folder or memo_dir()) / f"{kind}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            loaded = pickle.load(fh)
        if isinstance(loaded, expected):
            return loaded  # type: ignore[return-value]
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, ImportError):
        pass
    built = build()
    try:
        with atomic_open(path, "wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        old = sorted(path.parent.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-keep]:
            stale.unlink(missing_ok=True)
    except OSError as err:
        LOGGER.debug("cannot cache %s at %s: %s", kind, path, err)
    return built
