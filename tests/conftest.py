"""Shared fixtures: the bundled sample feeds and a graph built from them once."""

from __future__ import annotations

from pathlib import Path

import pytest

import kgraph
from kgraph.sources import SAMPLES_DIR

DATA = Path(__file__).parent / "data"
DEV_FEEDS = Path(__file__).resolve().parents[2] / "shared" / "feeds" / "dev"


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory):
    """Tests never read or write the user's kgraph cache."""
    import os

    old = os.environ.get("KGRAPH_CACHE_DIR")
    os.environ["KGRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("kgraph-cache"))
    yield
    if old is None:
        os.environ.pop("KGRAPH_CACHE_DIR", None)
    else:
        os.environ["KGRAPH_CACHE_DIR"] = old


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


@pytest.fixture
def feed_server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving tests/data/feeds plus special routes.

    Yields the base URL. Routes: ``/redirect/N`` (redirect chain), ``/loop``,
    ``/to-file`` (redirect to file://), ``/big`` (endless body), ``/missing`` (404).
    """
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def do_GET(self):
            path = self.path
            if path.startswith("/redirect/"):
                n = int(path.rsplit("/", 1)[1])
                self.send_response(302)
                self.send_header("Location", f"/redirect/{n - 1}" if n > 1 else "/rss2.xml")
                self.end_headers()
            elif path == "/loop":
                self.send_response(301)
                self.send_header("Location", "/loop")
                self.end_headers()
            elif path == "/to-file":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
            elif path == "/big":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                try:
                    for _ in range(4096):
                        self.wfile.write(b"<!-- padding -->" * 1024)
                except (BrokenPipeError, ConnectionResetError):
                    pass
            else:
                f = FEEDS / path.lstrip("/")
                if not f.is_file():
                    self.send_response(404)
                    self.end_headers()
                    return
                body = f.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (KGRAPH_REQUIRE_BROWSER=1) a skipped browser test is a failure."""
    import os

    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and item.get_closest_marker("browser")
        and os.environ.get("KGRAPH_REQUIRE_BROWSER") == "1"
    ):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped but KGRAPH_REQUIRE_BROWSER=1: {report.longrepr}"
