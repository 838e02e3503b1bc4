"""Shared fixtures: the bundled sample feeds and a graph built from them once."""

from __future__ import annotations

import contextlib
import functools
import gzip
import os
import ssl
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

import kgraph
from kgraph.ingest.sources import SAMPLES_DIR

DATA = Path(__file__).parent / "data"

# Property tests draw the same examples on every run of the suite ("repeatable",
# the default: a CI run's verdict depends on the code, not on the draw), or new
# ones each run with more of them ("explore": HYPOTHESIS_PROFILE=explore pytest
# tests/...), which is how new failing inputs are hunted; each one found is then
# pinned with @example in its test.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=1000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory):
    """Tests never read or write the user's kgraph cache."""
    old = os.environ.get("KGRAPH_CACHE_DIR")
    os.environ["KGRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("kgraph-cache"))
    yield
    if old is None:
        os.environ.pop("KGRAPH_CACHE_DIR", None)
    else:
        os.environ["KGRAPH_CACHE_DIR"] = old


@pytest.fixture
def feeds(tmp_path) -> Path:
    """A private copy of the two bundled feeds (31 articles: 11 + 20)."""
    import shutil

    folder = tmp_path / "feeds"
    shutil.copytree(SAMPLES_DIR, folder)
    return folder


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def sample_kg() -> kgraph.KnowledgeGraph:
    """The graph of the two bundled feeds, built once per test session."""
    return kgraph.build()


@pytest.fixture(scope="session")
def catalogue() -> kgraph.Catalogue:
    return kgraph.load_catalogue()


FEEDS = DATA / "feeds"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (KGRAPH_REQUIRE_BROWSER=1) a skipped browser test is a failure."""
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and item.get_closest_marker("browser")
        and os.environ.get("KGRAPH_REQUIRE_BROWSER") == "1"
    ):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped but KGRAPH_REQUIRE_BROWSER=1: {report.longrepr}"


class _FeedServer:
    """What the loopback HTTP server serves, and what it saw."""

    def __init__(self) -> None:
        self.base = ""
        self.sent: dict[str, int] = {}
        self.hits: list[str] = []
        self.hosts: list[str] = []  # the Host header of each request
        self.auth: list[str] = []  # the Authorization header of each request


@functools.lru_cache(maxsize=1)
def _bomb() -> bytes:
    return gzip.compress(b" " * (64 * 1024 * 1024), 9)


def _feed_handler(state: _FeedServer, feed: bytes):
    import gzip
    import time
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _send(self, code: int, body: bytes = b"", **headers: str) -> None:
            self.send_response(code)
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            if "Content_Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            state.hits.append(path)
            state.hosts.append(self.headers.get("Host", ""))
            state.auth.append(self.headers.get("Authorization", ""))
            if path == "/feed.xml":
                self._send(200, feed, Content_Type="application/rss+xml")
            elif path == "/gzip.xml":
                self._send(200, gzip.compress(feed), Content_Encoding="gzip")
            elif path == "/bomb.gz":  # 64 MiB of spaces in ~64 KB
                self._send(200, _bomb(), Content_Encoding="gzip")
            elif path in ("/deflate-zlib.xml", "/deflate-raw.xml"):
                wbits = zlib.MAX_WBITS if path == "/deflate-zlib.xml" else -zlib.MAX_WBITS
                packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
                body = packer.compress(feed) + packer.flush()
                self._send(200, body, Content_Encoding="deflate")
            elif path == "/html":
                self._send(200, b"<!DOCTYPE html><html><body>blog</body></html>")
            elif path == "/relative.xml":
                body = feed.replace(b"<link>https://forem.com/kodecapsule/", b"<link>posts/")
                self._send(200, body)
            elif path.startswith("/status/"):
                self._send(int(path.rsplit("/", 1)[1]), b"nope")
            elif path == "/loop":
                self._send(302, Location="/loop")
            elif path.startswith("/hops/"):
                n = int(path.rsplit("/", 1)[1])
                self._send(302, Location=f"/hops/{n - 1}" if n > 1 else "/feed.xml")
            elif path == "/to-file":
                self._send(302, Location="file:///etc/passwd")
            elif path == "/declared-huge":
                self._send(200, b"<rss>", Content_Length=str(10**10))
            elif path in ("/endless", "/drip"):
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                chunk, pause = (b"x" * 65536, 0.0) if path == "/endless" else (b" ", 0.2)
                sent = 0
                try:
                    while sent < 200 * 1024 * 1024:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        sent += len(chunk)
                        state.sent[path] = sent
                        if pause:
                            time.sleep(pause)
                except OSError:  # the client hung up: what we want to see
                    return
            elif path == "/drip-headers":  # the status line, then a header byte a second
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                try:
                    for _ in range(60):
                        self.wfile.write(b"a")
                        self.wfile.flush()
                        state.sent[path] = state.sent.get(path, 0) + 1
                        time.sleep(1.0)
                except OSError:
                    return
            elif path.startswith("/slow-hops/"):  # each hop answers after 1.8 s
                n = int(path.rsplit("/", 1)[1])
                time.sleep(1.8)
                try:
                    self._send(302, Location=f"/slow-hops/{n - 1}" if n > 1 else "/feed.xml")
                except OSError:
                    return
            else:
                self._send(404)

    return Handler


@contextlib.contextmanager
def serve_feeds(samples_dir: Path, tls: ssl.SSLContext | None = None) -> Iterator[_FeedServer]:
    """A threaded HTTP server on 127.0.0.1 (HTTPS with ``tls``) serving feeds
    and misbehaving on purpose (redirect loops, endless bodies, slow drips,
    errors)."""
    import threading
    from http.server import ThreadingHTTPServer

    state = _FeedServer()
    feed = (samples_dir / "forem-kodecapsule.rss.xml").read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _feed_handler(state, feed))
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls is not None else "http"
    state.base = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def feed_server(samples_dir: Path):
    """A threaded HTTP server on 127.0.0.1 (see :func:`serve_feeds`)."""
    with serve_feeds(samples_dir) as state:
        yield state
