"""Stage 1: turn what the user names (files, folders, URLs, OPML lists) into
sources, and read each source's bytes within bounded limits.

>>> from pathlib import Path
>>> [s.kind for s in expand([str(SAMPLES_DIR)])]
['file', 'file']
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as safe_et
import httpx
from defusedxml import DefusedXmlException

from ._io import read_bounded
from .errors import FeedError
from .records import Source

__all__ = ["FEED_SUFFIXES", "SAMPLES_DIR", "Limits", "expand", "fetch_url", "read_source"]

LOGGER = logging.getLogger(__name__)

#: The two real feeds bundled as sample data (used when no source is given).
SAMPLES_DIR = Path(__file__).parent / "samples"

#: File name endings taken as feeds when a folder is walked.
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".feed")
OPML_SUFFIXES = (".opml",)

USER_AGENT = "kgraph/0.1 (+https://pypi.org/project/kgraph/)"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one build reads. Raise them with CLI options if needed."""

    max_feed_bytes: int = 30 * 1024 * 1024
    max_items_per_feed: int = 5_000
    max_article_chars: int = 1_000_000
    timeout: float = 20.0
    max_redirects: int = 5


def _is_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in {"http", "https"}


def expand(inputs: Iterable[str], errors: list[str] | None = None) -> list[Source]:
    """Expand user inputs into sources: folders are walked recursively (sorted),
    OPML lists are opened and their feed URLs listed.

    Problems (missing paths, unreadable OPML) are appended to ``errors`` when
    it is given, else raised as :class:`FeedError`.
    """
    out: list[Source] = []
    seen: set[Source] = set()

    def add(src: Source) -> None:
        if src not in seen:
            seen.add(src)
            out.append(src)

    for item in inputs:
        try:
            for src in _expand_one(item):
                add(src)
        except FeedError as err:
            if errors is None:
                raise
            LOGGER.error("%s", err)
            errors.append(str(err))
    return out


def _expand_one(item: str) -> Iterator[Source]:
    if _is_url(item):
        yield Source("url", item)
        return
    if "://" in item:
        scheme = item.split("://", 1)[0]
        raise FeedError(item, f"unsupported URL scheme {scheme!r}; use http(s) or a local path")
    path = Path(item).expanduser()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        found = False
        for p in files:
            low = p.name.lower()
            if low.endswith(OPML_SUFFIXES):
                found = True
                yield from _opml_sources(p)
            elif low.endswith(FEED_SUFFIXES):
                found = True
                yield Source("file", str(p.resolve()))
        if not found:
            LOGGER.warning("%s: folder holds no feed files (%s)", item, ", ".join(FEED_SUFFIXES))
        return
    if not path.exists():
        raise FeedError(item, "no such file or folder")
    if path.name.lower().endswith(OPML_SUFFIXES) or _sniff_opml(path):
        yield from _opml_sources(path)
        return
    yield Source("file", str(path.resolve()))


def _sniff_opml(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048).lower()
    except OSError:
        return False
    return b"<opml" in head


def _opml_sources(path: Path) -> Iterator[Source]:
    """Feed URLs listed in an OPML file (``<outline xmlUrl=...>``), in order.

    Only http(s) URLs are taken: an OPML list must not make kgraph read local
    files (``file://``) or other schemes.
    """
    try:
        data = read_bounded(path, Limits().max_feed_bytes)
        root = safe_et.fromstring(data, forbid_dtd=True)
    except (OSError, ValueError) as err:
        raise FeedError(str(path), f"cannot read OPML list: {err}") from err
    except DefusedXmlException as err:
        raise FeedError(str(path), f"OPML list refused: {err.__class__.__name__}") from err
    except safe_et.ParseError as err:
        raise FeedError(str(path), f"not valid OPML/XML: {err}") from err
    if root.tag.lower() != "opml":
        raise FeedError(str(path), f"not an OPML list (root element <{root.tag}>)")
    count = 0
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        if not _is_url(url):
            LOGGER.warning("%s: skipped feed %r: only http(s) URLs are read from OPML", path, url)
            continue
        count += 1
        yield Source("url", url)
    if count == 0:
        LOGGER.warning("%s: OPML list names no http(s) feed URL", path)


def read_source(source: Source, limits: Limits = Limits()) -> tuple[bytes, str]:
    """Return the raw bytes of a source and the URL or path to resolve links against.

    Raises :class:`FeedError` naming the source when it cannot be read.
    """
    if source.kind == "url":
        return fetch_url(source.location, limits)
    try:
        return read_bounded(source.location, limits.max_feed_bytes), source.location
    except ValueError as err:
        raise FeedError(source.location, f"{err}; raise it with --max-feed-bytes") from err
    except OSError as err:
        raise FeedError(source.location, f"cannot read file: {err.strerror or err}") from err


def _check_host(url: str) -> None:
    """Refuse hosts that resolve to link-local (cloud metadata) addresses."""
    host = urlsplit(url).hostname or ""
    try:
        addrs = {ai[4][0] for ai in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError) as err:
        raise FeedError(url, f"cannot resolve host {host!r}: {err}") from err
    for addr in addrs:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
        if ip.is_link_local or ip.is_multicast or ip.is_unspecified:
            raise FeedError(url, f"refused: host {host!r} resolves to {ip}, a link-local address")


def fetch_url(url: str, limits: Limits = Limits()) -> tuple[bytes, str]:
    """GET a feed URL with a timeout, a size cap, a redirect limit and an
    http/https-only allow-list checked on every hop. Returns (bytes, final URL).
    """
    fetched = fetch_url_conditional(url, limits)
    return fetched.body, fetched.final_url


@dataclass(frozen=True)
class Fetched:
    """One HTTP GET's outcome: ``not_modified`` is True for a 304 (empty body)."""

    body: bytes
    final_url: str
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


def fetch_url_conditional(
    url: str, limits: Limits = Limits(), etag: str = "", last_modified: str = ""
) -> Fetched:
    """Like :func:`fetch_url`, sending ``If-None-Match``/``If-Modified-Since``
    when validators from an earlier fetch are given; a ``304`` comes back as
    ``Fetched(not_modified=True)``.
    """
    current = url
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with httpx.Client(timeout=limits.timeout, follow_redirects=False, trust_env=False) as client:
        for _hop in range(limits.max_redirects + 1):
            if not _is_url(current):
                raise FeedError(url, f"redirected to a non-http(s) URL {current!r}")
            _check_host(current)
            try:
                with client.stream("GET", current, headers=headers) as resp:
                    if (
                        resp.status_code == 304
                    ):  # checked first: httpx counts every 3xx as a redirect
                        return Fetched(b"", str(resp.url), etag, last_modified, not_modified=True)
                    if resp.is_redirect:
                        location = resp.headers.get("location", "")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code >= 400:
                        raise FeedError(url, f"HTTP {resp.status_code} {resp.reason_phrase}")
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > limits.max_feed_bytes:
                        raise FeedError(
                            url,
                            f"response is {int(declared):,} bytes, over the "
                            f"{limits.max_feed_bytes:,}-byte limit; raise it with --max-feed-bytes",
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > limits.max_feed_bytes:
                            raise FeedError(
                                url,
                                f"response is over the {limits.max_feed_bytes:,}-byte limit; "
                                "raise it with --max-feed-bytes",
                            )
                        chunks.append(chunk)
                    return Fetched(
                        b"".join(chunks),
                        str(resp.url),
                        resp.headers.get("etag", ""),
                        resp.headers.get("last-modified", ""),
                    )
            except httpx.TimeoutException as err:
                raise FeedError(url, f"timed out after {limits.timeout:g}s") from err
            except httpx.HTTPError as err:
                raise FeedError(url, f"cannot fetch: {err}") from err
    raise FeedError(url, f"more than {limits.max_redirects} redirects")


def default_sources() -> list[str]:
    """The bundled sample feeds, as paths."""
    return [str(p) for p in sorted(SAMPLES_DIR.glob("*.xml"))]


def is_local(location: str) -> bool:
    """True if ``location`` is a local path rather than a URL."""
    return not _is_url(location) and os.path.exists(location)
