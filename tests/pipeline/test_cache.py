"""The build cache: identical rebuilds, exact invalidation, corrupt files,
conditional GETs and bounded concurrent fetches (issue 7)."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kgraph
from kgraph.catalogue.context import word_frequencies
from kgraph.catalogue.load import load_catalogue, models_dir
from kgraph.cli.app import main
from kgraph.ingest.sources import SAMPLES_DIR
from kgraph.pipeline.cache import CACHE_FILE, BuildCache, default_cache_dir

pytestmark = pytest.mark.issue(7)

HASHNODE = "hashnode-arishahmad.rss.xml"


@pytest.fixture(autouse=True)
def _pinned_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _build(feeds: Path, cache_dir: Path, catalogue=None) -> kgraph.KnowledgeGraph:
    cat = catalogue or load_catalogue()
    with BuildCache(cache_dir, cat.version) as cache:
        return kgraph.build([str(feeds)], catalogue=cat, cache=cache)


def _outputs(kg: kgraph.KnowledgeGraph, folder: Path) -> dict[str, bytes]:
    written = kg.write(folder, ["graphml", "json"])
    return {fmt: path.read_bytes() for fmt, path in written.items()}


def test_cached_rebuild_is_byte_identical(feeds, tmp_path):
    plain = _outputs(kgraph.build([str(feeds)]), tmp_path / "plain")
    cold = _build(feeds, tmp_path / "cache")
    assert (cold.report.cache_hits, cold.report.cache_misses) == (0, 31)
    warm = _build(feeds, tmp_path / "cache")
    assert (warm.report.cache_hits, warm.report.cache_misses) == (31, 0)
    assert warm.report.cache_feed_hits == 2
    assert _outputs(cold, tmp_path / "cold") == plain
    assert _outputs(warm, tmp_path / "warm") == plain


def test_changing_one_article_reanalyses_only_it(feeds, tmp_path):
    _build(feeds, tmp_path / "cache")
    path = feeds / HASHNODE
    text = path.read_text(encoding="utf-8")
    assert text.count("Introduction to Concurrency in Go") >= 1
    path.write_text(
        text.replace("Introduction to Concurrency in Go", "Introduction to Parallel Work in Go"),
        encoding="utf-8",
    )
    again = _build(feeds, tmp_path / "cache")
    assert (again.report.cache_hits, again.report.cache_misses) == (30, 1)
    assert again.report.cache_feed_hits == 1  # the other feed was not parsed again
    assert _outputs(again, tmp_path / "a") == _outputs(kgraph.build([str(feeds)]), tmp_path / "b")


def test_new_feed_is_the_only_work(feeds, tmp_path):
    (feeds / HASHNODE).rename(tmp_path / HASHNODE)
    first = _build(feeds, tmp_path / "cache")
    assert (first.report.cache_hits, first.report.cache_misses) == (0, 11)
    (tmp_path / HASHNODE).rename(feeds / HASHNODE)
    second = _build(feeds, tmp_path / "cache")
    assert (second.report.cache_hits, second.report.cache_misses) == (11, 20)


def _edit_catalogue(models: Path, edit) -> None:
    """Rewrite every catalogue entry through ``edit(entry) -> entry or None``."""
    for path in sorted((models / "concepts").glob("*.jsonl")):
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("//"):  # blank lines and comments
                lines.append(line)
                continue
            entry = edit(json.loads(line))
            if entry is not None:
                lines.append(json.dumps(entry))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _add_concept(models: Path, name: str) -> None:
    tools = models / "concepts" / "tools.jsonl"
    entry = {"id": "kgraph-test-tool", "name": name, "type": "tool", "parents": ["devops"]}
    tools.write_text(tools.read_text(encoding="utf-8") + json.dumps(entry) + "\n", encoding="utf-8")


def _articles_with_word(feeds: Path) -> dict[str, int]:
    """Each word of the sample articles' clean text: in how many articles."""
    from kgraph.ingest.text import to_text

    counts: dict[str, int] = {}
    for art in kgraph.read_articles([str(feeds)])[1]:
        text = " ".join(b.text for b in to_text(art).blocks).lower()
        # words of dotted names and URLs (s3.amazonaws.com) are never matched
        text = re.sub(r"\S*\w\.\w\S*", " ", text)
        for word in set(re.findall(r"\w+", text)):
            counts[word] = counts.get(word, 0) + 1
    return counts


def test_catalogue_change_reanalyses_only_what_it_may_change(feeds, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(models_dir(), models)
    original = load_catalogue(models)
    _build(feeds, tmp_path / "cache", original)
    # a concept no article names: every analysis is carried over to the new version
    _add_concept(models, "Frobnicator")
    changed = load_catalogue(models)
    assert changed.version != original.version
    kg = _build(feeds, tmp_path / "cache", changed)
    assert (kg.report.cache_hits, kg.report.cache_misses) == (31, 0)
    assert kg.report.cache_feed_hits == 2  # nor parsed again: their parts recoded
    cold = kgraph.build([str(feeds)], catalogue=changed)
    assert _outputs(kg, tmp_path / "a") == _outputs(cold, tmp_path / "b")
    again = _build(feeds, tmp_path / "cache", changed)  # now stored under the new version
    assert (again.report.cache_hits, again.report.cache_feed_hits) == (31, 2)
    assert _outputs(again, tmp_path / "c") == _outputs(cold, tmp_path / "b")
    # an article keeps one analysis, a feed one parse: carried back and forth,
    # the cache does not grow with every catalogue version
    back = _build(feeds, tmp_path / "cache", original)
    assert (back.report.cache_hits, back.report.cache_misses) == (31, 0)
    assert back.report.cache_feed_hits == 2
    with BuildCache(tmp_path / "cache", original.version) as cache:
        assert cache.info()["analysis"] == {"entries": 31, "current": 31, "stale": 0}
        assert cache.info()["feeds"] == {"entries": 2, "current": 2, "stale": 0}
        assert cache.info()["catalogues"] == {"entries": 2}
    with BuildCache(tmp_path / "cache", changed.version) as cache:
        assert cache.prune_stale() == 31 + 2  # analyses and parsed feeds of the other version
        assert cache.info()["analysis"]["entries"] == 0
        assert cache.info()["catalogues"] == {"entries": 1}


def test_a_new_alias_reanalyses_exactly_the_articles_with_its_words(feeds, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(models_dir(), models)
    original = load_catalogue(models)
    counts = _articles_with_word(feeds)
    # a long word some articles have and the catalogue does not
    word = min(
        w
        for w, n in counts.items()
        if 2 <= n <= 8
        and len(w) >= 8
        and w.isalpha()
        and original.lookup(w) is None
        # not an English word: an everyday word would count only with context
        # (issue 21), so not every article with it would mention the tool
        and w not in word_frequencies()
    )
    _build(feeds, tmp_path / "cache", original)
    _add_concept(models, word.capitalize())
    changed = load_catalogue(models)
    kg = _build(feeds, tmp_path / "cache", changed)
    # (a sketch may also send back an article whose other words hold all the
    # word's trigrams; none of the bundled articles does for this word)
    assert (kg.report.cache_hits, kg.report.cache_misses) == (31 - counts[word], counts[word])
    assert kg.graph.nodes["concept:kgraph-test-tool"]["article_count"] == counts[word]
    cold = kgraph.build([str(feeds)], catalogue=changed)
    assert _outputs(kg, tmp_path / "a") == _outputs(cold, tmp_path / "b")


@pytest.mark.parametrize(
    "change",
    ["parents", "rule", "alias removed", "concept removed"],
)
def test_a_catalogue_edit_gives_the_graph_of_a_cold_build(feeds, tmp_path, change):
    models = tmp_path / "models"
    shutil.copytree(models_dir(), models)
    _build(feeds, tmp_path / "cache", load_catalogue(models))

    def edit(entry: dict) -> dict | None:
        if change == "parents" and entry["id"] == "amazon-s3":
            entry["parents"] = ["aws"]
        elif change == "rule" and entry["id"] == "docker":
            entry["ambiguous"][0]["cues"] = ["registry"]
        elif change == "alias removed" and entry["id"] == "amazon-s3":
            entry["aliases"] = [a for a in entry["aliases"] if a != "S3"]
        elif change == "concept removed":
            if entry["id"] == "amazon-cloudfront":
                return None
            gone = "amazon-cloudfront"
            entry["parents"] = [p for p in entry.get("parents", []) if p != gone]
            for rule in entry.get("ambiguous", []):
                rule["needs"] = [n for n in rule.get("needs", []) if n != gone]
        return entry

    _edit_catalogue(models, edit)
    changed = load_catalogue(models)
    kg = _build(feeds, tmp_path / "cache", changed)
    # some articles are analysed again, not all
    assert 0 < kg.report.cache_misses < 31
    assert kg.report.cache_hits + kg.report.cache_misses == 31
    cold = kgraph.build([str(feeds)], catalogue=changed)
    assert _outputs(kg, tmp_path / "a") == _outputs(cold, tmp_path / "b")


def test_a_cached_feed_builds_without_its_analyses(feeds, tmp_path):
    """A cached feed carries its articles' graph parts: it needs no analysis.
    Once it changes, its articles whose analyses are gone are analysed again."""
    expected = _outputs(kgraph.build([str(feeds)]), tmp_path / "plain")
    _build(feeds, tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        conn.execute("DELETE FROM analysis")
    kg = _build(feeds, tmp_path / "cache")
    assert kg.report.cache_feed_hits == 2
    assert (kg.report.cache_hits, kg.report.cache_misses) == (31, 0)
    assert _outputs(kg, tmp_path / "out") == expected
    path = feeds / HASHNODE
    path.write_text(
        path.read_text(encoding="utf-8").replace("Concurrency in Go", "Parallel Work in Go"),
        encoding="utf-8",
    )
    changed = _build(feeds, tmp_path / "cache")
    assert changed.report.cache_feed_hits == 1
    assert (changed.report.cache_hits, changed.report.cache_misses) == (11, 20)
    assert _outputs(changed, tmp_path / "a") == _outputs(kgraph.build([str(feeds)]), tmp_path / "b")


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_cache_is_reported_once_and_rebuilt(feeds, tmp_path, damage):
    cache_dir = tmp_path / "cache"
    _build(feeds, cache_dir)
    db = cache_dir / CACHE_FILE
    if damage == "garbage":
        db.write_bytes(b"this is not a database" * 100)
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.write_bytes(db.read_bytes()[:6000])
    expected = _outputs(kgraph.build([str(feeds)]), tmp_path / "plain")
    kg = _build(feeds, cache_dir)
    problems = [w for w in kg.report.warnings if "build cache" in w]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert str(db) in problems[0]
    assert _outputs(kg, tmp_path / "out") == expected
    again = _build(feeds, cache_dir)
    assert not [w for w in again.report.warnings if "build cache" in w]
    assert again.report.cache_hits == 31


@pytest.mark.parametrize("table", ["feeds", "analysis"])
def test_a_damaged_stored_value_is_refused_not_used(feeds, tmp_path, table):
    """A bit flipped inside a stored blob (feeds are stored uncompressed with a
    checksum, analyses deflated) is caught, reported once, and the build comes
    out as without the cache."""
    cache_dir = tmp_path / "cache"
    _build(feeds, cache_dir)
    with sqlite3.connect(cache_dir / CACHE_FILE) as conn:
        for key, data in conn.execute(f"SELECT key, data FROM {table}").fetchall():
            middle = len(data) // 2
            bad = data[:middle] + bytes([data[middle] ^ 0x10]) + data[middle + 1 :]
            conn.execute(f"UPDATE {table} SET data=? WHERE key=?", (bad, key))
    if table == "analysis":  # analyses are read when a feed is parsed again
        (feeds / HASHNODE).write_text(
            (feeds / HASHNODE).read_text(encoding="utf-8").replace("</channel>", " </channel>"),
            encoding="utf-8",
        )
    expected = _outputs(kgraph.build([str(feeds)]), tmp_path / "plain")
    kg = _build(feeds, cache_dir)
    problems = [w for w in kg.report.warnings if "build cache" in w]
    assert len(problems) == 1 and "\n" not in problems[0], problems
    assert _outputs(kg, tmp_path / "out") == expected


def test_default_cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("KGRAPH_CACHE_DIR", raising=False)
    assert default_cache_dir(tmp_path / "site" / "graph") == tmp_path / "site" / ".kgraph-cache"
    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_dir(tmp_path / "out") == tmp_path / "elsewhere"


def test_cli_uses_cache_by_default_and_cache_commands(feeds, tmp_path, monkeypatch):
    monkeypatch.delenv("KGRAPH_CACHE_DIR", raising=False)
    runner = CliRunner()
    out = tmp_path / "site" / "out"
    first = runner.invoke(main, ["build", str(feeds), "-o", str(out), "--format", "json"])
    assert first.exit_code == 0, first.output
    assert "cache: 0 articles reused, 31 analysed" in first.output
    assert (tmp_path / "site" / ".kgraph-cache" / CACHE_FILE).is_file()
    second = runner.invoke(main, ["build", str(feeds), "-o", str(out), "--format", "json"])
    assert "cache: 31 articles reused, 0 analysed" in second.output
    info = runner.invoke(main, ["cache", "info", "-o", str(out), "--json"])
    assert info.exit_code == 0, info.output
    assert '"current": 31' in info.output
    assert json.loads(info.output)["files"] == {"entries": 2}  # the two feed files read
    text = runner.invoke(main, ["cache", "info", "-o", str(out)]).output
    assert re.search(r"files\s+2 entries", text), text
    cleared = runner.invoke(main, ["cache", "clear", "-o", str(out)])
    assert cleared.exit_code == 0 and "cleared" in cleared.output
    assert not (tmp_path / "site" / ".kgraph-cache" / CACHE_FILE).exists()
    other = tmp_path / "other-cache"
    nocache = runner.invoke(
        main, ["build", str(feeds), "-o", str(out), "--no-cache", "--cache-dir", str(other)]
    )
    assert nocache.exit_code == 0, nocache.output
    assert "cache:" not in nocache.output
    assert not other.exists()
    assert not (tmp_path / "site" / ".kgraph-cache" / CACHE_FILE).exists()


# -- URL sources: conditional GET and bounded concurrency -------------------------------


@pytest.fixture
def etag_server():
    """Serves the sample feeds at /<n>/<name> with ETags; counts requests,
    304 answers and the most requests in flight at once."""
    stats = {"requests": 0, "not_modified": 0, "in_flight": 0, "max_in_flight": 0}
    lock = threading.Lock()
    bodies = {p.name: p.read_bytes() for p in SAMPLES_DIR.glob("*.xml")}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            with lock:
                stats["requests"] += 1
                stats["in_flight"] += 1
                stats["max_in_flight"] = max(stats["max_in_flight"], stats["in_flight"])
            try:
                time.sleep(0.05)
                name = self.path.rsplit("/", 1)[-1]
                body = bodies.get(name)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                tag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if self.headers.get("If-None-Match") == tag:
                    with lock:
                        stats["not_modified"] += 1
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", tag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            finally:
                with lock:
                    stats["in_flight"] -= 1

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", stats
    finally:
        server.shutdown()
        server.server_close()


def test_conditional_get_reuses_the_stored_body(etag_server, tmp_path):
    base, stats = etag_server
    urls = [f"{base}/{i}/{HASHNODE}" for i in range(3)]
    cat = load_catalogue()
    with BuildCache(tmp_path / "cache", cat.version) as cache:
        first = kgraph.build(urls, cache=cache)
    assert (stats["requests"], stats["not_modified"]) == (3, 0)
    with BuildCache(tmp_path / "cache", cat.version) as cache:
        second = kgraph.build(urls, cache=cache)
    assert (stats["requests"], stats["not_modified"]) == (6, 3)
    assert second.report.errors == [] and second.report.articles == first.report.articles == 20
    assert second.report.cache_hits == 20
    assert _outputs(first, tmp_path / "a") == _outputs(second, tmp_path / "b")


def test_fetches_are_bounded_and_ordered(etag_server, tmp_path):
    base, stats = etag_server
    names = sorted(p.name for p in SAMPLES_DIR.glob("*.xml"))
    # 12 URLs (6 of each feed); the first URL of each feed wins, duplicates are skipped
    urls = [f"{base}/{i}/{names[i % 2]}" for i in range(12)]
    kg = kgraph.build(urls)
    assert stats["requests"] == 12
    assert 1 <= stats["max_in_flight"] <= 4
    assert kg.report.feeds == 12 and kg.report.duplicates == 31 * 5
    feeds_by_article = {
        d["feed"] for _, d in kg.graph.nodes(data=True) if d.get("kind") == "article"
    }
    # deterministic order: each article belongs to the first URL that served it
    assert feeds_by_article == {f"{base}/0/{names[0]}", f"{base}/1/{names[1]}"}


def test_parallel_cached_builds_parse_in_workers_and_report_bad_feeds(feeds, tmp_path):
    """jobs=2 parses feeds in the worker processes: results, errors and the cache
    are the same as with one process."""
    (feeds / "not-a-feed.xml").write_text("<html><body>a blog page</body></html>")
    plain = kgraph.build([str(feeds)])
    assert len(plain.report.errors) == 1 and "not-a-feed.xml" in plain.report.errors[0]
    cat = load_catalogue()
    with BuildCache(tmp_path / "cache", cat.version) as cache:
        two = kgraph.build([str(feeds)], catalogue=cat, jobs=2, cache=cache)
    assert two.report.errors == plain.report.errors
    assert (two.report.cache_hits, two.report.cache_misses) == (0, 31)
    with BuildCache(tmp_path / "cache", cat.version) as cache:
        again = kgraph.build([str(feeds)], catalogue=cat, jobs=2, cache=cache)
    assert (again.report.cache_hits, again.report.cache_misses, again.report.cache_feed_hits) == (
        31,
        0,
        2,
    )
    expected = _outputs(plain, tmp_path / "plain")
    assert _outputs(two, tmp_path / "two") == expected
    assert _outputs(again, tmp_path / "again") == expected


def test_locked_cache_is_skipped_not_reset(feeds, tmp_path, monkeypatch):
    """A cache another build holds locked is not damage: it is left alone."""
    cat = load_catalogue()
    BuildCache(tmp_path / "cache", cat.version).close()
    holder = sqlite3.connect(tmp_path / "cache" / CACHE_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    connect = sqlite3.connect
    # do not wait the cache's 30 s for the lock in a test
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **kw: connect(*a, **{**kw, "timeout": 0.1}))
    try:
        cache = BuildCache(tmp_path / "cache", cat.version)
        monkeypatch.undo()
        assert not cache.enabled
        assert len(cache.problems) == 1 and "not usable" in cache.problems[0]
        kg = kgraph.build([str(feeds)], catalogue=cat, cache=cache)
        assert kg.report.articles == 31 and kg.report.cache_hits == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not list((tmp_path / "cache").glob("*.corrupt"))
    with BuildCache(tmp_path / "cache", cat.version) as cache:
        assert cache.enabled and cache.info()["analysis"]["entries"] == 0


def test_cached_results_are_tied_to_the_analysis_code(monkeypatch, tmp_path):
    """An edited checkout (same version, different extraction code) must not
    reuse results computed by the old code."""
    from kgraph.pipeline.cache import BuildCache, keys

    first = BuildCache(tmp_path, "catv1")
    monkeypatch.setattr(keys, "_analysis_code", lambda: "other-code")
    second = BuildCache(tmp_path, "catv1")
    assert first.generation != second.generation
    assert "catv1" in first.generation and "catv1" in second.generation


def _count_reads(monkeypatch) -> list[str]:
    from kgraph.pipeline import reading

    reads: list[str] = []
    real = reading.read_source

    def counting(src, limits):
        reads.append(Path(src.location).name)
        return real(src, limits)

    monkeypatch.setattr(reading, "read_source", counting)
    return reads


def test_unchanged_feed_files_are_not_read_again(feeds, tmp_path, monkeypatch):
    """A file whose size, times and inode are as when it was read (and was
    not changed just before) is not read: its parsed feed comes from the cache."""
    from kgraph.pipeline.cache import buildcache

    monkeypatch.setattr(buildcache, "RACY_SECONDS", 0.0)
    reads = _count_reads(monkeypatch)
    plain = _outputs(kgraph.build([str(feeds)]), tmp_path / "plain")
    reads.clear()
    _build(feeds, tmp_path / "cache")
    assert sorted(reads) == sorted(p.name for p in feeds.iterdir())
    reads.clear()
    warm = _build(feeds, tmp_path / "cache")
    assert reads == [] and warm.report.cache_feed_hits == 2
    assert _outputs(warm, tmp_path / "warm") == plain

    # same size, modification time put back: the change time still shows the edit
    path = feeds / HASHNODE
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "Concurrency in Go" in text
    path.write_text(text.replace("Concurrency in Go", "Concurrency in Og"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    edited = _build(feeds, tmp_path / "cache")
    assert reads == [HASHNODE]
    assert (edited.report.cache_hits, edited.report.cache_misses) == (30, 1)
    assert _outputs(edited, tmp_path / "a") == _outputs(kgraph.build([str(feeds)]), tmp_path / "b")


def test_a_file_changed_just_before_it_was_read_is_read_again(feeds, tmp_path, monkeypatch):
    reads = _count_reads(monkeypatch)
    _build(feeds, tmp_path / "cache")  # the copies were made just now: too recent to trust
    reads.clear()
    kg = _build(feeds, tmp_path / "cache")
    assert sorted(reads) == sorted(p.name for p in feeds.iterdir())
    assert kg.report.cache_feed_hits == 2  # read and hashed, still not parsed


def test_unchanged_bad_feed_is_reported_every_time(feeds, tmp_path, monkeypatch):
    from kgraph.pipeline.cache import buildcache

    monkeypatch.setattr(buildcache, "RACY_SECONDS", 0.0)
    (feeds / "broken.xml").write_text("this is not a feed\n", encoding="utf-8")
    for _ in range(2):
        kg = _build(feeds, tmp_path / "cache")
        assert [e for e in kg.report.errors if "broken.xml" in e], kg.report.errors
        assert kg.report.articles == 31


def test_unchanged_file_whose_parse_was_dropped_is_read(feeds, tmp_path, monkeypatch):
    from kgraph.pipeline.cache import buildcache

    monkeypatch.setattr(buildcache, "RACY_SECONDS", 0.0)
    reads = _count_reads(monkeypatch)
    expected = _outputs(kgraph.build([str(feeds)]), tmp_path / "plain")
    _build(feeds, tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as conn:
        conn.execute("DELETE FROM feeds")
    reads.clear()
    kg = _build(feeds, tmp_path / "cache")
    assert sorted(reads) == sorted(p.name for p in feeds.iterdir())
    assert (kg.report.cache_hits, kg.report.cache_misses) == (31, 0)
    assert _outputs(kg, tmp_path / "out") == expected


def test_workers_carry_analyses_over_too(feeds, tmp_path, monkeypatch):
    from kgraph.pipeline import runner as pipeline

    monkeypatch.setattr(pipeline, "HELP_WHILE_STARTING", False)  # the workers do every feed
    models = tmp_path / "models"
    shutil.copytree(models_dir(), models)
    _build(feeds, tmp_path / "cache", load_catalogue(models))
    _add_concept(models, "Frobnicator")
    changed = load_catalogue(models)
    with BuildCache(tmp_path / "cache", changed.version) as cache:
        kg = kgraph.build([str(feeds)], catalogue=changed, cache=cache, jobs=2)
    assert (kg.report.cache_hits, kg.report.cache_misses) == (31, 0)
    cold = kgraph.build([str(feeds)], catalogue=changed)
    assert _outputs(kg, tmp_path / "a") == _outputs(cold, tmp_path / "b")


_EDITS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["Invalidation", "Frobnicator", "Bucket Policy"])),
    st.tuples(st.just("drop alias"), st.sampled_from(["amazon-s3", "aws-iam", "docker", "go"])),
    st.tuples(st.just("reparent"), st.sampled_from(["amazon-ec2", "aws-lambda", "json"])),
    st.tuples(st.just("cues"), st.sampled_from(["docker", "go", "aws-lambda"])),
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(_EDITS, min_size=1, max_size=3))
def test_random_catalogue_edits_give_the_graph_of_a_cold_build(tmp_path_factory, edits):
    """Any sequence of edits: the cached build after them equals a cold build."""
    tmp = tmp_path_factory.mktemp("edits")
    feeds = tmp / "feeds"
    shutil.copytree(SAMPLES_DIR, feeds)
    models = tmp / "models"
    shutil.copytree(models_dir(), models)
    _build(feeds, tmp / "cache", load_catalogue(models))

    def edit(entry: dict, what: str, arg: str) -> dict:
        if entry["id"] != arg:
            return entry
        if what == "drop alias" and entry.get("aliases"):
            entry["aliases"] = entry["aliases"][1:]
        elif what == "reparent":
            entry["parents"] = ["devops"]
        elif what == "cues" and entry.get("ambiguous"):
            entry["ambiguous"][0]["cues"] = [*entry["ambiguous"][0].get("cues", []), "bucket"]
        return entry

    for n, (what, arg) in enumerate(edits):
        if what == "add":
            entry = {"id": f"kgraph-test-{n}", "name": f"{arg} {n}", "type": "tool"}
            tools = models / "concepts" / "tools.jsonl"
            tools.write_text(tools.read_text("utf-8") + json.dumps(entry) + "\n", "utf-8")
        else:
            _edit_catalogue(models, lambda e, what=what, arg=arg: edit(e, what, arg))
    changed = load_catalogue(models)
    kg = _build(feeds, tmp / "cache", changed)
    assert kg.report.cache_hits + kg.report.cache_misses == 31
    cold = kgraph.build([str(feeds)], catalogue=changed)
    assert _outputs(kg, tmp / "a") == _outputs(cold, tmp / "b")
