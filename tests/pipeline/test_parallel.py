"""--jobs N: whole feeds run in worker processes; the graph, the cache and the
report are the same as with one process (issue 7)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import kgraph
from kgraph.catalogue.load import load_catalogue
from kgraph.extract.extractor import get_extractor
from kgraph.ingest.sources import SAMPLES_DIR
from kgraph.pipeline import runner as pipeline
from kgraph.pipeline.cache import CACHE_FILE, AnalysisReader, BuildCache
from kgraph.pipeline.task import run_feed
from kgraph.records import FeedDone, FeedFailed, FeedTask, Limits

pytestmark = pytest.mark.issue(7)

HASHNODE = "hashnode-arishahmad.rss.xml"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _pinned_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture(autouse=True)
def _workers_only(monkeypatch):
    """The build process would run the first feeds itself while the workers
    start (all of them, with so few feeds): here the workers do all the work."""
    monkeypatch.setattr(pipeline, "HELP_WHILE_STARTING", False)


def _build(feeds: Path, jobs: int, cache_dir: Path | None = None) -> kgraph.KnowledgeGraph:
    cat = load_catalogue()
    if cache_dir is None:
        return kgraph.build([str(feeds)], catalogue=cat, jobs=jobs)
    with BuildCache(cache_dir, cat.version) as cache:
        return kgraph.build([str(feeds)], catalogue=cat, jobs=jobs, cache=cache)


def _json(kg: kgraph.KnowledgeGraph, path: Path) -> bytes:
    return kg.write_json(path).read_bytes()


def _counts(kg: kgraph.KnowledgeGraph) -> tuple[int, int, int]:
    r = kg.report
    return r.cache_hits, r.cache_misses, r.cache_feed_hits


def test_cold_warm_and_incremental_caches_count_the_same_with_two_jobs(feeds, tmp_path):
    one_cold = _build(feeds, 1, tmp_path / "c1")
    two_cold = _build(feeds, 2, tmp_path / "c2")
    assert _counts(one_cold) == _counts(two_cold) == (0, 31, 0)
    expected = _json(one_cold, tmp_path / "one.json")
    assert _json(two_cold, tmp_path / "two.json") == expected

    one_warm = _build(feeds, 1, tmp_path / "c1")
    two_warm = _build(feeds, 2, tmp_path / "c2")
    assert _counts(one_warm) == _counts(two_warm) == (31, 0, 2)
    assert _json(two_warm, tmp_path / "two-warm.json") == expected

    # one article changed: its feed is parsed again in a worker, which takes the
    # other articles' analyses from the cache; the main process counts them
    path = feeds / HASHNODE
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Introduction to Concurrency in Go", "Introduction to Parallel Work in Go"),
        encoding="utf-8",
    )
    one_inc = _build(feeds, 1, tmp_path / "c1")
    two_inc = _build(feeds, 2, tmp_path / "c2")
    assert _counts(one_inc) == _counts(two_inc) == (30, 1, 1)
    assert _json(two_inc, tmp_path / "b.json") == _json(one_inc, tmp_path / "a.json")
    # and the cache written by the workers' build serves a later one-process build
    assert _counts(_build(feeds, 1, tmp_path / "c2")) == (31, 0, 2)


def test_bad_feed_and_duplicates_among_good_ones_with_two_jobs(feeds, tmp_path):
    (feeds / "a-not-a-feed.xml").write_text("<html><body>a blog page</body></html>")
    (feeds / "z-empty.xml").write_bytes(b"")
    shutil.copy(feeds / HASHNODE, feeds / "y-copy.xml")  # every article a duplicate
    one, two = _build(feeds, 1), _build(feeds, 2)
    assert two.report.errors == one.report.errors
    assert len(two.report.errors) == 2
    assert all("\n" not in e for e in two.report.errors)
    assert "a-not-a-feed.xml" in two.report.errors[0]
    assert (two.report.feeds, two.report.articles, two.report.duplicates) == (
        one.report.feeds,
        31,
        one.report.duplicates,
    )
    assert two.report.duplicates == 20
    assert two.report.warnings == one.report.warnings
    assert _json(two, tmp_path / "two.json") == _json(one, tmp_path / "one.json")


def test_stage_seconds_split_parse_clean_and_extract_with_one_or_two_jobs(feeds, tmp_path):
    """The bench's per-stage figures: read (parse), clean and extract apart,
    analyse their sum, from the tasks' own timings in workers too; a warm
    build analyses nothing."""
    for jobs in (1, 2):
        stages = _build(feeds, jobs, tmp_path / f"c{jobs}").report.stage_seconds
        assert set(stages) == {"read", "clean", "extract", "analyse", "graph"}
        assert all(stages[k] > 0 for k in stages), stages
        assert stages["analyse"] == pytest.approx(stages["clean"] + stages["extract"])
    warm = _build(feeds, 1, tmp_path / "c1").report.stage_seconds
    assert warm["clean"] == 0


def test_a_feed_task_skips_what_the_cache_holds(tmp_path):
    cat = load_catalogue()
    data = (SAMPLES_DIR / HASHNODE).read_bytes()
    with BuildCache(tmp_path / "cache", cat.version) as cache:
        generation = cache.generation
        task = FeedTask(data, HASHNODE, Limits(), "", generation, str(cache.path))
        cold = run_feed(task, get_extractor, None)
        assert isinstance(cold, FeedDone) and cold.analyses is not None
        assert len(cold.ids) == len(cold.keys) == 20 and cold.ids[0][1].startswith("https://")
        # the task sends each analysis packed for the cache, as bytes
        assert all(isinstance(b, bytes) and b for b in cold.analyses)
        assert all(isinstance(b, bytes) and b for b in cold.sketches)
        assert len(cold.contents) == 20 and not cold.carried
        cache.put_packed(zip(cold.keys, cold.contents, cold.analyses, cold.sketches, strict=True))
        stored = cache.lookup_analysis(cold.keys)
    assert sorted(stored) == sorted(cold.keys)
    text, mentions = stored[cold.keys[0]]
    assert text.word_count > 0 and mentions

    def no_extractor():
        raise AssertionError("nothing should be analysed")

    reader = AnalysisReader(tmp_path / "cache" / CACHE_FILE)
    warm = run_feed(task, no_extractor, reader.get, cat)
    assert isinstance(warm, FeedDone) and warm.keys == cold.keys
    assert warm.analyses == [b""] * 20  # nothing new to store
    assert warm.parts == cold.parts
    reader.close()
    plain = run_feed(FeedTask(data, HASHNODE, Limits()), get_extractor, None, cat)
    assert isinstance(plain, FeedDone) and plain.analyses == [b""] * 20  # no cache: nothing packed
    assert plain.parts == cold.parts


def test_a_feed_task_reports_a_bad_feed_as_one_line():
    task = FeedTask(b"<html>no feed</html>", "page.xml", Limits())
    failed = run_feed(task, get_extractor)
    assert isinstance(failed, FeedFailed) and failed.where == "page.xml"
    assert "\n" not in failed.what


def test_analysis_reader_never_fails(tmp_path):
    assert AnalysisReader(tmp_path / "missing.sqlite").get(["k"]) == {}
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    assert AnalysisReader(junk).get(["k"]) == {}
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    assert AnalysisReader(empty).get(["k"]) == {}  # no table
    assert AnalysisReader(empty).previous(["c"], "g:v") == {}
    assert AnalysisReader(empty).signatures("v") is None


def _loaded_after(imports: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after ``import <imports>``."""
    code = f"import json, sys, {imports}; print(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return json.loads(out)


def test_pipeline_workers_import_only_what_they_need():
    modules = ("spacy", "networkx", "httpx", "kgraph.api")
    assert _loaded_after("kgraph.pipeline.runner, kgraph.pipeline.dask_engine", modules) == []


def test_the_kgraph_script_imports_only_the_package_until_it_runs():
    # --jobs workers import the main script again (as __mp_main__): for the
    # `kgraph` command that must not mean the whole command line
    assert (
        _loaded_after("kgraph.__main__", ("kgraph.cli.app", "kgraph.api", "networkx", "click"))
        == []
    )
    version = subprocess.run(
        [sys.executable, "-m", "kgraph", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert version.startswith("kgraph, version ")


def test_workers_get_the_catalogue_through_a_file_removed_after_the_build(
    feeds, tmp_path, monkeypatch
):
    import tempfile

    from kgraph.catalogue.load import models_dir

    models = tmp_path / "models"
    shutil.copytree(models_dir(), models)
    tools = models / "concepts" / "tools.jsonl"
    tools.write_text(
        tools.read_text(encoding="utf-8")
        + '{"id": "kgraph-test-tool", "name": "Frobnicator", "type": "tool"}\n',
        encoding="utf-8",
    )
    (feeds / "extra.rss").write_text(
        '<rss version="2.0"><channel><title>X</title><item><title>T</title>'
        "<link>https://x.example/1</link><description>We ran the Frobnicator."
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    kg = kgraph.build([str(feeds)], catalogue=load_catalogue(models), jobs=2)
    # the workers matched with this build's catalogue, not the bundled one
    assert ("article:https://x.example/1", "concept:kgraph-test-tool") in kg.graph.edges()
    assert list(scratch.glob("kgraph-*")) == []  # (multiprocessing keeps its pymp-* folder)
