"""Start-up (issue 24): ``kgraph build`` reads its first feed before the graph
libraries load, and ``kgraph --help``/``--version`` never load them.

Each check runs a new interpreter: what a module imports is only visible in a
process that has not imported it yet.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Made lazy for issue 24 (networkx, numpy: the graph stage and the queries;
#: feedparser: feeds the lxml reader declines) or lazy before it (the rest).
HEAVY = ("networkx", "numpy", "scipy", "matplotlib", "spacy", "feedparser", "bs4")

_AT_FIRST_FEED = """
import json, sys
import kgraph.ingest.fetch as fetch
HEAVY = {heavy!r}
def first(*args, **kwargs):
    print(json.dumps(sorted(m for m in HEAVY if m in sys.modules)), flush=True)
    raise SystemExit(0)
fetch.read_source = first
sys.argv = ["kgraph", "build", {feed!r}, "-q", "--no-cache", "-o", {out!r}]
from kgraph.__main__ import run
run()
"""


def _python(code: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout


def _loaded_after(imports: str) -> list[str]:
    code = f"import json, sys, {imports}; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    return json.loads(_python(code))


def test_the_command_line_imports_no_heavy_library():
    assert _loaded_after("kgraph.cli.app") == []
    assert _loaded_after("kgraph.api, kgraph.knowledge_graph") == []


def test_build_opens_its_first_feed_before_the_graph_libraries_load(tmp_path):
    feed = str(ROOT / "kgraph" / "samples" / "forem-kodecapsule.rss.xml")
    out = _python(_AT_FIRST_FEED.format(heavy=HEAVY, feed=feed, out=str(tmp_path / "out")))
    assert json.loads(out) == []


def test_help_and_version_stay_light():
    code = (
        "import json, sys\n"
        "from kgraph.cli.app import main\n"
        "try:\n"
        "    main([sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    for flag in ("--help", "--version"):
        lines = _python(code, flag).splitlines()
        assert json.loads(lines[-1]) == [], flag
        assert lines[0].startswith("kgraph, version " if flag == "--version" else "Usage:")
