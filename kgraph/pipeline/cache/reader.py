"""A worker's read-only view of the build cache's analyses.

>>> import tempfile
>>> reader = AnalysisReader(Path(tempfile.mkdtemp()) / "cache.sqlite")
>>> reader.get(["no-such-key"]), reader.signatures("v1")
({}, None)
>>> reader.close()
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from kgraph.pipeline.cache.codec import READ_ERRORS, analysis_from_row, unpack
from kgraph.pipeline.cache.store import analysis_rows, previous, signatures
from kgraph.records import ArticleText, Mention

__all__ = ["AnalysisReader"]

LOGGER = logging.getLogger(__name__)


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
            return previous(self._db, contents, generation)
        except sqlite3.Error as err:
            LOGGER.debug("%s: cache not readable here: %s", self.path, err)
            return {}

    def signatures(self, version: str) -> dict[str, int] | None:
        """As :meth:`BuildCache.signatures`."""
        return signatures(self._db, version, self.path)

    def get(self, keys: Sequence[str]) -> dict[str, tuple[ArticleText, list[Mention]]]:
        """The stored analyses among ``keys`` (any error: none)."""
        if self._db is None or not keys:
            return {}
        found: dict[str, tuple[ArticleText, list[Mention]]] = {}
        try:
            for rows in analysis_rows(self._db, keys):
                for key, blob, _used in rows:
                    found[key] = analysis_from_row(unpack(blob))
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
