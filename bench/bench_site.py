"""Benchmark ``kgraph site`` (issue 25): a static site of 5,000 articles in under 30 s.

Run on demand (never part of the tests), from the repository root:

    python bench/bench_site.py                          # 5,000 articles, 2 runs
    python bench/bench_site.py --size 2000 --runs 3
    python bench/bench_site.py --graph outputs/graph.graphml   # an existing build

Without ``--graph`` it writes the synthetic corpus of ``make_corpus.py``
(``--size`` articles in feeds of 100) to a temporary folder, builds it once
(``kgraph.build``, one process, no cache; not timed) and writes the graph as
node-link JSON and GraphML. Each run is then ``kgraph site --graph
graph.json -o DIR`` into an empty folder, in a fresh process,
timed end to end as a user sees it (start-up, loading the graph, the query
index, the concept map picture, every page and feed), and once in this
process part by part; one more run reads the GraphML instead (networkx's
GraphML reader is several times slower than the JSON one: it is reported
apart). Prints the figures and the ratio to the target.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's kgraph, not an installed one
sys.path.insert(0, str(ROOT / "bench"))

import kgraph  # noqa: E402
from kgraph.export.site import write_site  # noqa: E402
from kgraph.query.index import GraphIndex  # noqa: E402

TARGET_SECONDS = 30.0


def _graph(size: int, work: Path) -> Path:
    from make_corpus import make_corpus

    feeds = make_corpus(work / "corpus", size)
    start = time.perf_counter()
    kg = kgraph.build([str(p) for p in feeds])
    print(f"built {kg.summary()['articles']} articles in {time.perf_counter() - start:.1f}s")
    return kg.write(work / "graph", ["graphml", "json"])["json"]


def _cli_run(graph: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "kgraph", "site", "--graph", str(graph), "-o", str(out)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode:  # 1: written, with problems (printed); 2: failed
        print(f"kgraph site exited {done.returncode}: {done.stderr.strip()}")
        if done.returncode > 1:
            raise SystemExit(done.returncode)
    return seconds


def _parts(graph: Path, out: Path) -> dict[str, float]:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    kg = kgraph.load(graph)
    t1 = time.perf_counter()
    idx = GraphIndex(kg.graph)
    t2 = time.perf_counter()
    write_site(kg.graph, out, index=idx, concept_map=False)
    t3 = time.perf_counter()
    write_site(kg.graph, out / "with-map", index=idx, concept_map=True)
    t4 = time.perf_counter()
    return {
        "load": t1 - t0,
        "index": t2 - t1,
        "pages+feeds": t3 - t2,
        "pages+feeds+map": t4 - t3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=5000, help="articles in the corpus")
    parser.add_argument("--runs", type=int, default=2, help="timed `kgraph site` runs")
    parser.add_argument("--graph", type=Path, help="an existing graph (skips the corpus)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus, graph and site")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kgraph-bench-site-"))
    print(f"working in {work}")
    try:
        graph = args.graph or _graph(args.size, work)
        kg = kgraph.load(graph)
        summary = kg.summary()
        out = work / "site"
        times = [_cli_run(graph, out) for _ in range(args.runs)]
        files = sum(1 for p in out.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(
            f"{summary['articles']} articles, {summary['concepts']} concepts, "
            f"{summary['authors']} authors: {files} files, {size / 2**20:.1f} MiB"
        )
        best = min(times)
        print(
            f"kgraph site: best {best:.1f}s, median {statistics.median(times):.1f}s "
            f"of {len(times)} (target < {TARGET_SECONDS:.0f}s: "
            f"{'met' if best < TARGET_SECONDS else 'MISSED'}, {TARGET_SECONDS / best:.1f}x margin)"
        )
        graphml = graph.with_suffix(".graphml")
        if graphml.is_file() and graph.suffix == ".json":
            print(f"kgraph site --graph {graphml.name}: {_cli_run(graphml, out):.1f}s")
        parts = _parts(graph, work / "parts")
        print("in one process: " + ", ".join(f"{k} {v:.1f}s" for k, v in parts.items()))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
