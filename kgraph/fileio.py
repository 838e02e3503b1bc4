"""Small I/O helpers shared by the stages: atomic writes and bounded reads."""

from __future__ import annotations

import contextlib
import contextvars
import glob
import logging
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

LOGGER = logging.getLogger(__name__)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; rename it into place on success.

    If the block raises (or the process dies), ``path`` keeps its previous
    content and the temporary file is removed (or left as ``.name.*.tmp``,
    never under the final name; such leftovers of ``path`` untouched for an
    hour, :data:`STALE_SECONDS`, are removed by its next write).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_open(p) as fh:
    ...     _ = fh.write("hello")
    >>> p.read_text()
    'hello'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file 0600; give it the mode the file had, or the
        # mode a plain open() would give (so a web server can still serve it)
        os.chmod(tmp, _mode_for(target))
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        pending = _PENDING.get()
        if pending is None:
            os.replace(tmp, target)
        else:  # inside all_or_nothing(): renamed with the others at its end
            pending.append((tmp, target))
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(err, OSError) and err.filename is None and err.errno is not None:
            # "No space left on device" named no file: name the one being written
            raise OSError(err.errno, err.strerror, str(target)) from err
        raise


#: The (temporary file, target) pairs an :func:`all_or_nothing` block holds back.
_PENDING: contextvars.ContextVar[list[tuple[str, Path]] | None] = contextvars.ContextVar(
    "kgraph_pending_renames", default=None
)


@contextlib.contextmanager
def all_or_nothing() -> Iterator[None]:
    """Files written with :func:`atomic_open` in the block replace their
    targets together, when it ends without an error; if it raises, none of
    them does and their temporary files are removed. (A set of outputs is
    then never half old, half new; blocks inside one join it.)

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> try:
    ...     with all_or_nothing():
    ...         with atomic_open(d / "a.txt") as fh:
    ...             _ = fh.write("a")
    ...         raise OSError("disk full")
    ... except OSError:
    ...     pass
    >>> sorted(p.name for p in d.iterdir())
    []
    """
    if _PENDING.get() is not None:
        yield
        return
    pending: list[tuple[str, Path]] = []
    token = _PENDING.set(pending)
    try:
        yield
    except BaseException:
        _discard(pending)
        raise
    finally:
        _PENDING.reset(token)
    for i, (tmp, target) in enumerate(pending):
        try:
            os.replace(tmp, target)
        except BaseException:
            _discard(pending[i:])
            raise


def _discard(pending: list[tuple[str, Path]]) -> None:
    for tmp, _target in pending:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


#: A temporary file of an atomic write untouched for this long was left by a
#: writer that died (a write in progress keeps its file's mtime fresh).
STALE_SECONDS = 3600


def _remove_stale(target: Path) -> None:
    """Remove the temporary files a killed writer left next to ``target``."""
    cutoff = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for tmp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if tmp.is_file() and tmp.stat().st_mtime < cutoff:
                    tmp.unlink()


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """Read at most ``limit`` bytes of a file; raise ``ValueError`` if it is larger.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
    >>> _ = p.write_bytes(b"12345")
    >>> read_bounded(p, 10)
    b'12345'
    """
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than the {limit:,}-byte limit")
    return data
