"""Stage 1, reading: the bytes of a source, a file or an http(s) URL, within
bounded limits. A URL is fetched with its host's addresses checked (no
link-local, multicast or cloud metadata endpoint) and pinned, redirects
followed one by one (each checked), the body read up to the size limit and
the whole fetch under one deadline; conditional GETs reuse a stored body.

>>> from kgraph.ingest.sources import SAMPLES_DIR, expand
>>> data, base = read_source(expand([str(SAMPLES_DIR)])[0])
>>> data.lstrip().startswith(b"<")
True
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import stat
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from kgraph.errors import FeedError
from kgraph.fileio import read_bounded
from kgraph.ingest.sources import is_url
from kgraph.records import Limits, Source

__all__ = ["USER_AGENT", "Fetched", "fetch_url", "fetch_url_conditional", "read_source"]

USER_AGENT = "kgraph/0.1 (+https://pypi.org/project/kgraph/)"


#: Cloud metadata endpoints that are not link-local (AWS IPv6, Alibaba, Oracle).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)


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
        timeout=limits.timeout,
        follow_redirects=False,
        trust_env=False,
        transport=_deadline_transport(deadline),
    ) as client:
        for _hop in range(limits.max_redirects + 1):
            if not is_url(current):
                raise FeedError(url, f"refused redirect to a non-http(s) URL {current[:100]!r}")
            try:
                addrs = _check_host(current)
            except FeedError as err:  # named by the URL passed, the hop in the message
                if current == url:
                    raise
                raise FeedError(url, f"redirected to {current[:100]!r}: {err.what}") from err
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


def _deadline_transport(deadline: float) -> Any:
    """An httpx transport whose every socket operation (connect, TLS
    handshake, each read and write) waits at most until ``deadline``.

    httpx's timeouts are per operation: a server sending one header byte a
    second never trips a 3 s read timeout, and held a ``--timeout 3`` build
    for a minute. Here each ``recv`` gets only the time left of the whole
    fetch, headers included, so the fetch ends by the deadline.
    """
    import httpcore
    import httpx

    transport = httpx.HTTPTransport(verify=_TLS_VERIFY, trust_env=False)
    # the pool httpx would make, with the deadline-bound network backend
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(verify=_TLS_VERIFY, trust_env=False),
        network_backend=_DeadlineBackend(deadline),
    )
    return transport


def _left(deadline: float, timeout: float | None) -> float:
    """The smaller of ``timeout`` and the time left before ``deadline``;
    past the deadline, httpcore's ``ReadTimeout``."""
    import httpcore

    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the fetch's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream:
    """A network stream whose operations end by a deadline (see :func:`_deadline_transport`)."""

    def __init__(self, inner: Any, deadline: float) -> None:
        self.inner, self.deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self.inner.read(max_bytes, _left(self.deadline, timeout))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _left(self.deadline, timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _DeadlineStream:
        tls = self.inner.start_tls(ssl_context, server_hostname, _left(self.deadline, timeout))
        return _DeadlineStream(tls, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _DeadlineBackend:
    """httpcore's sync network backend, its streams bound by a deadline."""

    def __init__(self, deadline: float) -> None:
        import httpcore

        self.inner, self.deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _DeadlineStream:
        stream = self.inner.connect_tcp(
            host, port, _left(self.deadline, timeout), local_address, socket_options
        )
        return _DeadlineStream(stream, self.deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> Any:
        raise NotImplementedError("feeds are fetched over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, max(0.0, self.deadline - time.monotonic())))


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
