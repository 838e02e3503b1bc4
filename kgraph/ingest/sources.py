"""Stage 1: turn what the user names (files, folders, URLs, OPML lists) into
sources (the bytes are read by :mod:`kgraph.ingest.fetch`, within the
:class:`~kgraph.records.Limits` on what a build reads).

>>> from pathlib import Path
>>> [s.kind for s in expand([str(SAMPLES_DIR)])]
['file', 'file']
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from kgraph.errors import FeedError, one_line
from kgraph.fileio import read_bounded
from kgraph.records import Limits, Source

__all__ = ["FEED_SUFFIXES", "SAMPLES_DIR", "default_sources", "expand", "is_url"]

LOGGER = logging.getLogger(__name__)

#: The two real feeds bundled as sample data (used when no source is given).
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"

#: File name endings taken as feeds when a folder is walked.
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".feed")
OPML_SUFFIXES = (".opml",)


def is_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in {"http", "https"}


def expand(
    inputs: Iterable[str], errors: list[str] | None = None, warnings: list[str] | None = None
) -> list[Source]:
    """Expand user inputs into sources: folders are walked recursively,
    OPML lists are opened and their feed URLs listed; the sources come sorted
    by their names (see :class:`~kgraph.records.Source`), whatever the order
    of ``inputs``.

    Problems (missing paths, unreadable OPML) are appended to ``errors`` when
    it is given, else raised as :class:`FeedError`. Skipped entries (an OPML
    entry that is not an http(s) URL, a folder without feeds) are appended to
    ``warnings`` when it is given, and logged.

    >>> found = []
    >>> expand(["file:///etc/passwd"], errors=found), found
    ([], ["file:///etc/passwd: unsupported URL scheme 'file'; use http(s) or a local path"])
    """
    out: list[Source] = []
    seen: set[tuple[str, str]] = set()

    def warn(text: str) -> None:
        text = one_line(text)
        LOGGER.warning("%s", text)
        if warnings is not None:
            warnings.append(text)

    def fail(err: FeedError) -> None:
        if errors is None:
            raise err
        LOGGER.error("%s", err)
        errors.append(str(err))

    def add(src: Source) -> None:
        if (src.kind, src.location) not in seen:  # the first name a file is met by
            seen.add((src.kind, src.location))
            out.append(src)

    for item in inputs:
        try:
            for src in _expand_one(item, warn, fail):
                add(src)
        except FeedError as err:
            fail(err)
    return _in_name_order(out)


def _in_name_order(sources: list[Source]) -> list[Source]:
    """The sources sorted by name, so the graph (its edge keys, which feed's
    copy of an article is kept) does not depend on the order they were
    passed in; two files of one name (``a/feed.xml``, ``b/feed.xml`` passed as
    folders ``a`` and ``b``) are named by their full paths instead.

    >>> [s.name for s in _in_name_order([Source("file", "/b/x.xml", "x.xml"),
    ...     Source("url", "https://e.org/f", "https://e.org/f"), Source("file", "/a/x.xml", "x.xml")])]
    ['/a/x.xml', '/b/x.xml', 'https://e.org/f']
    """
    where: dict[str, set[str]] = {}
    for src in sources:
        where.setdefault(src.name or src.location, set()).add(src.location)
    named = [
        src
        if len(where[src.name or src.location]) == 1
        else Source(src.kind, src.location, src.location)
        for src in sources
    ]
    return sorted(named, key=lambda s: (s.name or s.location, s.kind, s.location))


def _expand_one(
    item: str, warn: Callable[[str], None], fail: Callable[[FeedError], None]
) -> Iterator[Source]:
    if is_url(item):
        yield Source("url", item, item)
        return
    if "://" in item:
        scheme = item.split("://", 1)[0]
        raise FeedError(item, f"unsupported URL scheme {scheme!r}; use http(s) or a local path")
    path = Path(item).expanduser()
    if path.is_dir():
        files = _files_under(path, fail)
        found = False
        for p in files:
            low = p.name.lower()
            if low.endswith(OPML_SUFFIXES) or (low.endswith(FEED_SUFFIXES) and _sniff_opml(p)):
                found = True
                try:  # a broken OPML list must not cost the rest of the folder
                    yield from _opml_sources(p, warn, fail)
                except FeedError as err:
                    fail(err)
            elif low.endswith(FEED_SUFFIXES):
                found = True
                yield Source("file", str(p.resolve()), p.relative_to(path).as_posix())
        if not found:  # a failed input, said always (a warning hid it behind -v)
            raise FeedError(item, f"folder holds no feed files ({', '.join(FEED_SUFFIXES)})")
        return
    if not path.exists():
        raise FeedError(item, "no such file or folder")
    if path.name.lower().endswith(OPML_SUFFIXES) or _sniff_opml(path):
        yield from _opml_sources(path, warn, fail)
        return
    yield Source("file", str(path.resolve()), path.name)


def _files_under(folder: Path, fail: Callable[[FeedError], None]) -> list[Path]:
    """Every file under ``folder``, sorted, walked with a list, not recursion
    (``Path.rglob`` raised RecursionError on a folder 1,000 levels deep).
    Symbolic links to folders are not followed (as ``rglob`` does not);
    a folder that cannot be listed is a failed input.

    >>> import tempfile
    >>> top = deep = Path(tempfile.mkdtemp())
    >>> for _ in range(3):
    ...     deep = deep / "d"; deep.mkdir()
    >>> _ = (deep / "f.xml").write_text("<rss/>"); _ = (top / "a.xml").write_text("<rss/>")
    >>> [p.relative_to(top).as_posix() for p in _files_under(top, print)]
    ['a.xml', 'd/d/d/f.xml']
    """
    found: list[Path] = []
    pending = [folder]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(Path(entry.path))
                        elif entry.is_file():
                            found.append(Path(entry.path))
                    except OSError:
                        continue
        except OSError as err:
            fail(FeedError(str(here), f"cannot list folder: {err.strerror or err}"))
    return sorted(found)


def _sniff_opml(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048).lower()
    except OSError:
        return False
    return b"<opml" in head


def _opml_sources(
    path: Path, warn: Callable[[str], None], fail: Callable[[FeedError], None]
) -> Iterator[Source]:
    """Feed URLs listed in an OPML file (``<outline xmlUrl=...>``), in order.

    Only http(s) URLs are taken: an OPML list must not make kgraph read local
    files (``file://``) or other schemes. Each subscription refused is a
    failed input (``fail``), as one that cannot be fetched is.
    """
    try:
        data = read_bounded(path, Limits().max_feed_bytes)
        root = safe_et.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as err:  # before ValueError: it is one
        raise FeedError(
            str(path), "OPML list refused: it declares a DTD or entities (never expanded)"
        ) from err
    except (OSError, ValueError) as err:
        raise FeedError(str(path), f"cannot read OPML list: {err}") from err
    except safe_et.ParseError as err:
        raise FeedError(str(path), f"not valid OPML/XML: {err}") from err
    if root.tag.lower() != "opml":
        raise FeedError(str(path), f"not an OPML list (root element <{root.tag}>)")
    count = refused = 0
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        if not is_url(url):
            refused += 1
            fail(
                FeedError(
                    str(path), f"feed {url[:100]!r} refused: only http(s) URLs are read from OPML"
                )
            )
            continue
        count += 1
        yield Source("url", url, url)
    if count == 0 and not refused:
        warn(f"{path}: OPML list names no feed URL")


def default_sources() -> list[str]:
    """The bundled sample feeds, as paths."""
    return [str(p) for p in sorted(SAMPLES_DIR.glob("*.xml"))]
