"""Issue 8: hostile XML and hostile text. Entity bombs are refused with
bounded memory, external entities never leak a local file into any output,
and GraphML from elsewhere is read with a hardened parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli.app import main
from kgraph.errors import GraphError
from kgraph.export.graphml import read_graphml

pytestmark = pytest.mark.issue(8)
ROOT = Path(__file__).resolve().parents[1]

BOMB_SCRIPT = r"""
import json, resource, sys, time
from kgraph.ingest.feeds import parse_feed
item = '<item><title>t</title><link>https://e.org/{n}</link><description>{body}</description></item>'
def rss(prolog, body):
    return (prolog + '<rss version="2.0"><channel><title>x</title>'
            + item.format(n=1, body=body) + '</channel></rss>').encode()
lol = "".join('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 12))
bombs = {
    # 10**11 'lol's if expanded
    "billion": rss('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">' + lol + ']>', "&l11;"),
    # 100 KB entity x 100,000 references: 10 GB if expanded
    "quadratic": rss('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "B" * 100_000 + '">]>',
                     "&a;" * 100_000),
    # the same with the subset hidden behind a long comment and a quoted ']>'
    "hidden": rss('<?xml version="1.0"?><!DOCTYPE rss [<!-- ' + "p" * 100_000 + ' ]> -->'
                  '<!ENTITY q "]>"><!ENTITY a "' + "B" * 100_000 + '">]>', "&a;" * 100_000),
}
out = {}
for name, data in bombs.items():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.process_time()
    feed, arts, warnings = parse_feed(data, name)
    out[name] = {
        "input": len(data),
        "body": max(len(a.html) for a in arts),
        "peak_growth_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before,
        "cpu": time.process_time() - t,
        "warned": any("declares XML entities" in w for w in warnings),
    }
print(json.dumps(out))
"""


def test_entity_bombs_refused_with_bounded_memory() -> None:
    """Parsed in a fresh process so that peak RSS (ru_maxrss) is this work's own."""
    done = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for name, r in result.items():
        assert r["warned"], name
        # nothing expanded: the body is at most the input re-escaped ('&a;' -> '&amp;a')
        assert r["body"] <= 2 * r["input"], (name, r)
        # peak memory grows by well under 200 MB (expanded, these need GBs)
        assert r["peak_growth_kb"] < 200 * 1024, (name, r)


def _xxe_feed(secret: Path) -> str:
    uri = secret.as_uri()
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{uri}"><!ENTITY % p SYSTEM "{uri}"> %p;]>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>Feed &x;</title><link>https://e.org/</link>"
        "<item><title>Go &x; leak</title><link>https://e.org/1</link>"
        "<dc:creator>Ann &x;</dc:creator><category>golang &x;</category>"
        "<description>Kubernetes and Go. &x; The end.</description></item>"
        "</channel></rss>"
    )


def test_xxe_never_reaches_any_output(tmp_path: Path) -> None:
    marker = "KGRAPH-SECRET-4b1d"
    secret = tmp_path / "secret.txt"
    secret.write_text(marker)
    feed = tmp_path / "xxe.xml"
    feed.write_text(_xxe_feed(secret))
    formats = ["graphml", "json"]
    try:
        import kgraph.export.html  # noqa: F401  (built on another branch)

        formats.append("html")
    except ImportError:
        pass
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(feed), "-o", str(out), "--format", ",".join(formats), "-v"]
    )
    assert result.exit_code == 0, result.output
    assert "declares XML entities in its DOCTYPE; they were ignored" in result.output
    assert marker not in result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"graph.{f}" for f in formats)
    for path in out.iterdir():
        assert marker not in path.read_text(encoding="utf-8"), path.name
    graph = read_graphml(out / "graph.graphml")
    # the reference stays as inert text (or is dropped); it is never resolved
    assert graph.nodes["article:https://e.org/1"]["title"] in ("Go &x; leak", "Go leak")


def test_xxe_html_output_guarded(tmp_path: Path) -> None:
    """graph.html (another branch's exporter) must not carry the file either."""
    html = pytest.importorskip("kgraph.export.html")
    import kgraph

    marker = "KGRAPH-SECRET-99e0"
    secret = tmp_path / "secret.txt"
    secret.write_text(marker)
    feed = tmp_path / "xxe.xml"
    feed.write_text(_xxe_feed(secret))
    kg = kgraph.build([str(feed)])
    page = html.write_html(kg.graph, tmp_path / "graph.html")
    assert marker not in Path(page).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "doc"),
    [
        (
            "billion-laughs",
            '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
            '<node id="&b;"/></graph></graphml>',
        ),
        (
            "xxe",
            '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
            '<node id="&x;"/></graph></graphml>',
        ),
        ("external-dtd", '<?xml version="1.0"?><!DOCTYPE g SYSTEM "http://127.0.0.1:9/g.dtd"><g/>'),
    ],
)
def test_foreign_graphml_with_dtd_refused(tmp_path: Path, name: str, doc: str) -> None:
    path = tmp_path / f"{name}.graphml"
    path.write_text(doc)
    with pytest.raises(GraphError, match="refused: the file declares a DTD or entities"):
        read_graphml(path)
