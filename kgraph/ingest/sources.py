"""Stage 1: turn what the user names (files, folders, URLs, OPML lists) into
sources, and read each source's bytes within bounded limits.

>>> from pathlib import Path
>>> [s.kind for s in expand([str(SAMPLES_DIR)])]
['file', 'file']
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import socket
import stat
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from kgraph.errors import FeedError, one_line
from kgraph.fileio import read_bounded
from kgraph.records import Source

__all__ = ["FEED_SUFFIXES", "SAMPLES_DIR", "Limits", "expand", "fetch_url", "read_source"]

LOGGER = logging.getLogger(__name__)

#: The two real feeds bundled as sample data (used when no source is given).
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"

#: File name endings taken as feeds when a folder is walked.
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".feed")
OPML_SUFFIXES = (".opml",)

USER_AGENT = "kgraph/0.1 (+https://pypi.org/project/kgraph/)"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one build reads. Raise them with CLI options if needed."""

    #: Largest feed file, OPML list or HTTP response body read (bytes).
    max_feed_bytes: int = 30 * 1024 * 1024
    #: Most items read from one feed; the rest are dropped with a warning.
    max_items_per_feed: int = 5_000
    #: Longest article body (HTML characters) kept; longer ones are cut.
    max_article_chars: int = 1_000_000
    #: Seconds one URL fetch may take in all (connect, redirects, body).
    timeout: float = 20.0
    #: Most redirects followed for one URL.
    max_redirects: int = 5


#: Cloud metadata endpoints that are not link-local (AWS IPv6, Alibaba, Oracle).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)


def _is_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in {"http", "https"}


def expand(
    inputs: Iterable[str], errors: list[str] | None = None, warnings: list[str] | None = None
) -> list[Source]:
    """Expand user inputs into sources: folders are walked recursively (sorted),
    OPML lists are opened and their feed URLs listed.

    Problems (missing paths, unreadable OPML) are appended to ``errors`` when
    it is given, else raised as :class:`FeedError`. Skipped entries (an OPML
    entry that is not an http(s) URL, a folder without feeds) are appended to
    ``warnings`` when it is given, and logged.

    >>> found = []
    >>> expand(["file:///etc/passwd"], errors=found), found
    ([], ["file:///etc/passwd: unsupported URL scheme 'file'; use http(s) or a local path"])
    """
    out: list[Source] = []
    seen: set[Source] = set()

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
        if src not in seen:
            seen.add(src)
            out.append(src)

    for item in inputs:
        try:
            for src in _expand_one(item, warn, fail):
                add(src)
        except FeedError as err:
            fail(err)
    return out


def _expand_one(
    item: str, warn: Callable[[str], None], fail: Callable[[FeedError], None]
) -> Iterator[Source]:
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
            if low.endswith(OPML_SUFFIXES) or (low.endswith(FEED_SUFFIXES) and _sniff_opml(p)):
                found = True
                try:  # a broken OPML list must not cost the rest of the folder
                    yield from _opml_sources(p, warn)
                except FeedError as err:
                    fail(err)
            elif low.endswith(FEED_SUFFIXES):
                found = True
                yield Source("file", str(p.resolve()))
        if not found:
            warn(f"{item}: folder holds no feed files ({', '.join(FEED_SUFFIXES)})")
        return
    if not path.exists():
        raise FeedError(item, "no such file or folder")
    if path.name.lower().endswith(OPML_SUFFIXES) or _sniff_opml(path):
        yield from _opml_sources(path, warn)
        return
    yield Source("file", str(path.resolve()))


def _sniff_opml(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048).lower()
    except OSError:
        return False
    return b"<opml" in head


def _opml_sources(path: Path, warn: Callable[[str], None]) -> Iterator[Source]:
    """Feed URLs listed in an OPML file (``<outline xmlUrl=...>``), in order.

    Only http(s) URLs are taken: an OPML list must not make kgraph read local
    files (``file://``) or other schemes.
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
    count = 0
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        if not _is_url(url):
            warn(f"{path}: skipped feed {url[:100]!r}: only http(s) URLs are read from OPML")
            continue
        count += 1
        yield Source("url", url)
    if count == 0:
        warn(f"{path}: OPML list names no http(s) feed URL")


def read_source(source: Source, limits: Limits = Limits()) -> tuple[bytes, str]:
    """Return the raw bytes of a source and the URL or path to resolve links against.

    Raises :class:`FeedError` naming the source when it cannot be read.
    """
    if source.kind == "url":
        return fetch_url(source.location, limits)
    try:
        if not stat.S_ISREG(os.stat(source.location).st_mode):
            raise FeedError(source.location, "not a regular file (a device, pipe or socket)")
        return read_bounded(source.location, limits.max_feed_bytes), source.location
    except ValueError as err:
        raise FeedError(source.location, f"{err}; raise it with --max-feed-bytes") from err
    except OSError as err:
        raise FeedError(source.location, f"cannot read file: {err.strerror or err}") from err


def _resolve_host(host: str) -> set[str]:
    """Every address ``host`` resolves to (tests replace this to avoid DNS)."""
    return {str(ai[4][0]) for ai in socket.getaddrinfo(host, None)}


def _refused_address(addr: str) -> bool:
    """Link-local (169.254.0.0/16, fe80::/10, cloud metadata), multicast,
    unspecified and known metadata addresses, also as IPv4-mapped IPv6.

    >>> _refused_address("169.254.169.254"), _refused_address("::ffff:169.254.169.254")
    (True, True)
    >>> _refused_address("127.0.0.1"), _refused_address("93.184.216.34")
    (False, False)
    """
    ip = ipaddress.ip_address(addr.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip in METADATA_ADDRESSES


def _check_host(url: str) -> list[str]:
    """The addresses of the URL's host, IPv4 first; refuse hosts that resolve
    to link-local or cloud-metadata addresses.

    This runs before any connection is opened, on every redirect hop, and the
    connection goes to these addresses (:func:`_pinned`): the host is never
    resolved a second time, so a DNS answer cannot change between the check
    and the connection (DNS rebinding).
    """
    host = urlsplit(url).hostname or ""
    if not host:
        raise FeedError(url, "URL has no host name")
    try:
        addrs = _resolve_host(host)
    except (OSError, UnicodeError) as err:
        raise FeedError(url, f"cannot resolve host {host!r}: {err}") from err
    for addr in sorted(addrs):
        if _refused_address(addr):
            raise FeedError(
                url,
                f"refused: host {host!r} resolves to {addr}, a link-local or "
                "cloud-metadata address",
            )
    if not addrs:
        raise FeedError(url, f"cannot resolve host {host!r}: no address")
    return sorted(addrs, key=lambda a: (":" in a, a))


def _pinned(url: str, addr: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The request for ``url`` sent to ``addr``: the URL with the address as
    its host, the ``Host`` header, and (https) the TLS server name, against
    which the certificate is still verified.

    >>> _pinned("https://Blog.example.org:8443/feed?x=1#top", "93.184.216.34")
    ('https://93.184.216.34:8443/feed?x=1', {'Host': 'blog.example.org:8443'}, {'sni_hostname': 'blog.example.org'})
    >>> _pinned("http://[::1]/rss", "::1")[:2]
    ('http://[::1]/rss', {'Host': '[::1]'})
    """
    parts = urlsplit(url)
    try:
        name = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError) as err:
        raise FeedError(url, f"bad host or port: {err}") from err
    ip = addr.split("%", 1)[0]

    def bracket(h: str) -> str:
        return f"[{h}]" if ":" in h else h

    suffix = f":{port}" if port is not None else ""
    target = urlunsplit((parts.scheme, bracket(ip) + suffix, parts.path or "/", parts.query, ""))
    tls = {"sni_hostname": name} if parts.scheme == "https" else {}
    return target, {"Host": bracket(name) + suffix}, tls


def _over_limit(url: str, limits: Limits, size: str = "over the") -> FeedError:
    return FeedError(
        url,
        f"response is {size} {limits.max_feed_bytes:,}-byte limit; raise it with --max-feed-bytes",
    )


def fetch_url(url: str, limits: Limits = Limits()) -> tuple[bytes, str]:
    """GET a feed URL; return (body bytes, final URL).

    Bounded on every side: ``limits.timeout`` seconds in all (connection,
    every redirect and the whole body, so a server that drips bytes cannot
    hold a build), at most ``limits.max_feed_bytes`` of (decompressed) body,
    read as a stream and cut off at the cap, at most ``limits.max_redirects``
    redirects, http/https only and no link-local or metadata address, checked
    on every hop before connecting. Environment proxies are not used.

    Raises :class:`FeedError` naming the URL and the problem.
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
        # the encodings _read_body inflates within the size limit
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    import httpx  # here, not at the top: --jobs workers import this module and never fetch

    deadline = time.monotonic() + limits.timeout

    def check_deadline() -> None:
        if time.monotonic() > deadline:
            raise FeedError(url, f"timed out after {limits.timeout:g}s; raise it with --timeout")

    with httpx.Client(
        timeout=limits.timeout, follow_redirects=False, trust_env=False, verify=_TLS_VERIFY
    ) as client:
        for _hop in range(limits.max_redirects + 1):
            if not _is_url(current):
                raise FeedError(url, f"refused redirect to a non-http(s) URL {current[:100]!r}")
            addrs = _check_host(current)
            check_deadline()
            try:
                with _connect(client, current, addrs, headers) as resp:
                    if (
                        resp.status_code == 304
                    ):  # checked first: httpx counts every 3xx as a redirect
                        return Fetched(b"", current, etag, last_modified, not_modified=True)
                    if resp.is_redirect:
                        location = resp.headers.get("location", "")
                        current = urljoin(current, location.strip())
                        continue
                    if resp.status_code >= 400:
                        raise FeedError(url, f"HTTP {resp.status_code} {resp.reason_phrase}")
                    declared = resp.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limits.max_feed_bytes:
                        raise _over_limit(url, limits, f"{int(declared):,} bytes, over the")
                    body = _read_body(resp, url, limits, check_deadline)
                    return Fetched(
                        body,
                        current,
                        resp.headers.get("etag", ""),
                        resp.headers.get("last-modified", ""),
                    )
            except httpx.TimeoutException as err:
                raise FeedError(
                    url, f"timed out after {limits.timeout:g}s; raise it with --timeout"
                ) from err
            except httpx.HTTPError as err:
                raise FeedError(url, f"cannot fetch: {err}") from err
    raise FeedError(
        url, f"more than {limits.max_redirects} redirects; raise the limit with --max-redirects"
    )


#: What httpx verifies servers' certificates with (tests put a test CA here).
_TLS_VERIFY: Any = True


@contextlib.contextmanager
def _connect(client: Any, url: str, addrs: list[str], headers: dict[str, str]) -> Iterator[Any]:
    """The streamed response to ``GET url`` from the first of ``addrs`` that
    accepts a connection (the vetted addresses of its host: see
    :func:`_check_host`)."""
    import httpx

    parts = urlsplit(url)
    # credentials in the URL (a private feed) go as Basic auth, as httpx sends them
    auth = (
        httpx.BasicAuth(unquote(parts.username), unquote(parts.password or ""))
        if parts.username is not None
        else None
    )
    with contextlib.ExitStack() as stack:
        for i, addr in enumerate(addrs):
            target, host, tls = _pinned(url, addr)
            try:
                resp = stack.enter_context(
                    client.stream(
                        "GET", target, headers={**headers, **host}, extensions=tls, auth=auth
                    )
                )
                break
            except httpx.ConnectError:
                if i == len(addrs) - 1:
                    raise
        yield resp


def _read_body(resp: Any, url: str, limits: Limits, check_deadline: Callable[[], None]) -> bytes:
    """The body of an httpx streaming response, decoded, at most
    ``limits.max_feed_bytes``. gzip and deflate are inflated here, never more
    than the limit (+1 byte) at a time: httpx would inflate a whole received
    chunk first, and 64 KB of a gzip bomb is 64 MB. Other encodings (not
    asked for) are left to httpx."""
    codings = [
        c.strip()
        for c in resp.headers.get("content-encoding", "").lower().split(",")
        if c.strip() not in ("", "identity")
    ]
    limit = limits.max_feed_bytes
    chunks: list[bytes] = []
    size = 0

    def take(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        if size > limit:
            raise _over_limit(url, limits)
        chunks.append(piece)

    if codings and codings not in (["gzip"], ["x-gzip"], ["deflate"]):
        for piece in resp.iter_bytes():  # br, zstd: a server that ignored Accept-Encoding
            take(piece)
            check_deadline()
        return b"".join(chunks)
    inflate = None
    for raw in resp.iter_raw():
        check_deadline()
        if not codings:
            take(raw)
            continue
        if inflate is None:
            inflate = _inflater(codings[0], raw)
        try:
            while raw and not inflate.eof:
                take(inflate.decompress(raw, limit - size + 1))
                raw = inflate.unconsumed_tail
        except zlib.error as err:
            raise FeedError(url, f"cannot decode the {codings[0]} body: {err}") from err
    if inflate is not None:
        take(inflate.flush())
    return b"".join(chunks)


def _inflater(coding: str, first: bytes) -> Any:
    """A decompressor for a gzip or deflate body. "deflate" is zlib-wrapped by
    the standard and raw from some servers: the body's first bytes tell."""
    if coding != "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        zlib.decompressobj().decompress(first, 1)  # reads the zlib header, if any
    except zlib.error:
        return zlib.decompressobj(-zlib.MAX_WBITS)
    return zlib.decompressobj()


def default_sources() -> list[str]:
    """The bundled sample feeds, as paths."""
    return [str(p) for p in sorted(SAMPLES_DIR.glob("*.xml"))]
