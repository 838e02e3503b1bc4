"""Issue 8: nothing half-written. Builds and writers are killed with SIGKILL
at random moments; the previous graph.graphml and graph.json must stay
intact and valid every time."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgraph.export.graphml import read_graphml
from kgraph.export.json import read_json

pytestmark = [
    pytest.mark.issue(8),
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]
ROOT = Path(__file__).resolve().parents[2]

# Writes a large graph over and over, each time with a new `version`, and says
# "ready" once the first full pair of files is in place.
WRITER = r"""
import sys
import networkx as nx
from kgraph.export.graphml import write_graphml
from kgraph.export.json import write_json
out = sys.argv[1]
g = nx.MultiDiGraph()
for i in range(6000):
    g.add_node(f"article:https://e.org/{i}", kind="article", label="T" * 50, summary="s" * 300)
    g.add_edge(f"article:https://e.org/{i}", f"article:https://e.org/{(i * 7) % 6000}",
               key=f"links_to-{i}", kind="links_to")
version = 0
while True:
    version += 1
    g.graph["version"] = version
    write_graphml(g, f"{out}/graph.graphml")
    write_json(g, f"{out}/graph.json")
    if version == 1:
        print("ready", flush=True)
"""


def _check_outputs(out: Path, nodes: int) -> tuple[int, int]:
    """Both files read back whole; return their versions."""
    gml, js = read_graphml(out / "graph.graphml"), read_json(out / "graph.json")
    assert gml.number_of_nodes() == js.number_of_nodes() == nodes
    assert gml.number_of_edges() == js.number_of_edges() == nodes
    return int(gml.graph["version"]), int(js.graph["version"])


def test_writer_killed_at_random_moments_leaves_valid_files(tmp_path: Path) -> None:
    rng = random.Random(os.getpid())
    out = tmp_path / "out"
    out.mkdir()
    last = 0
    for _run in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            if last == 0:  # first run: wait until a first pair of files exists
                assert proc.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 2.5))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        gml_version, json_version = _check_outputs(out, 6000)
        assert gml_version >= 1 and json_version >= 1
        last = gml_version
    # temporary files may be left by a kill, but never under the final names
    names = {p.name for p in out.iterdir()}
    assert {"graph.graphml", "graph.json"} <= names
    assert all(
        n.startswith((".graph.graphml.", ".graph.json."))
        for n in names - {"graph.graphml", "graph.json"}
    )


def _big_feed(path: Path, items: int) -> None:
    body = "<p>" + "Go and Kubernetes run on AWS Lambda with Docker and PostgreSQL. " * 40 + "</p>"
    body = body.replace("<", "&lt;").replace(">", "&gt;")
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
        "<link>https://big.example/</link>"
        + "".join(
            f"<item><title>Post {i}</title><link>https://big.example/{i}</link>"
            f"<description>{body}</description></item>"
            for i in range(items)
        )
        + "</channel></rss>"
    )


def test_cli_build_killed_keeps_previous_outputs(tmp_path: Path) -> None:
    """A real `kgraph build` killed mid-run (reading, extracting or writing):
    the previous outputs are still there, whole and readable."""
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run(
        [sys.executable, "-m", "kgraph", "build", "-o", str(out), "--format", "graphml,json", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    feed = tmp_path / "big.xml"
    _big_feed(feed, 1500)
    rng = random.Random()
    for _run in range(2):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kgraph",
                "build",
                str(feed),
                "-o",
                str(out),
                "--format",
                "graphml,json",
                "-q",
            ],
            cwd=ROOT,
            env=env,
        )
        time.sleep(rng.uniform(1.0, 8.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for name in ("graph.graphml", "graph.json"):
            data = (out / name).read_bytes()
            # either the previous build's file, untouched, or the new one, whole
            if data != before[name]:
                assert data.rstrip().endswith(b"</graphml>" if name.endswith("graphml") else b"}")
        gml, js = read_graphml(out / "graph.graphml"), read_json(out / "graph.json")
        assert gml.number_of_nodes() > 0 and js.number_of_nodes() > 0
        json.loads((out / "graph.json").read_text(encoding="utf-8"))


def test_atomic_write_keeps_a_readable_mode(tmp_path: Path) -> None:
    """mkstemp makes 0600 files; outputs get the umask default, or keep the old mode."""
    from kgraph.fileio import atomic_open

    umask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        with atomic_open(new) as fh:
            fh.write("x")
        assert new.stat().st_mode & 0o777 == 0o644
        new.chmod(0o640)
        with atomic_open(new) as fh:
            fh.write("y")
        assert new.stat().st_mode & 0o777 == 0o640 and new.read_text() == "y"
    finally:
        os.umask(umask)


def test_next_write_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    """A killed build leaves ``.graph.json.*.tmp``; the next write of that file
    removes such leftovers once they are an hour old, and nothing else."""
    from kgraph.fileio import STALE_SECONDS, atomic_open

    old = time.time() - STALE_SECONDS - 60
    stale = tmp_path / ".graph.json.abc123.tmp"
    fresh = tmp_path / ".graph.json.def456.tmp"  # another writer, still at work
    other = tmp_path / ".graph.graphml.abc123.tmp"  # another file's: its own write cleans it
    for path in (stale, fresh, other):
        path.write_text("partial")
    for path in (stale, other):
        os.utime(path, (old, old))
    with atomic_open(tmp_path / "graph.json") as fh:
        fh.write("{}")
    assert not stale.exists() and fresh.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".graph.graphml.abc123.tmp",
        ".graph.json.def456.tmp",
        "graph.json",
    ]


def test_outputs_are_replaced_as_a_set(tmp_path: Path, monkeypatch) -> None:
    """kg.write() renames the three files into place together, after all are
    written: a writer failing on the last one leaves all previous files as
    they were (no newer GraphML beside an older page), and no temporary file."""
    import dataclasses

    import kgraph
    from kgraph.errors import GraphError
    from kgraph.export.formats import FORMATS

    sample_kg = kgraph.build()
    out = tmp_path / "out"
    sample_kg.write(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["graph.graphml", "graph.html", "graph.json"]

    sample_kg.graph.graph["built"] = "2030-01-01T00:00:00Z"  # every file would change

    def failing_html(graph, path, options):
        raise GraphError(f"{path}: cannot write the HTML page (disk full)")

    html = dataclasses.replace(FORMATS["html"], writer=failing_html)
    monkeypatch.setitem(FORMATS, "html", html)  # the registry kg.write() uses
    with pytest.raises(GraphError):
        sample_kg.write(out, ["graphml", "json", "html"])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    monkeypatch.undo()
    sample_kg.write(out)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(after) == sorted(before)
    assert all(b"2030-01-01" in data for data in after.values())
