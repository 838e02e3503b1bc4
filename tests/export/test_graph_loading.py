"""Issue 26: any file passed as a graph gives one clear error and exit 2, within
bounded memory, and nothing a graph holds can drive the terminal."""

from __future__ import annotations

import contextlib
import json
import tracemalloc
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgraph.cli.app import main
from kgraph.errors import GraphError
from kgraph.export.graphml import write_graphml
from kgraph.export.json import write_json
from kgraph.export.loading import load_graph

pytestmark = pytest.mark.issue(26)

BAD = Path(__file__).resolve().parents[1] / "data" / "bad_graphs"
CORPUS = sorted(p for p in BAD.iterdir() if p.suffix in (".graphml", ".json"))


def run(*args: str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr, result.exception


def test_the_corpus_is_what_its_script_writes() -> None:
    import runpy

    files = runpy.run_path(str(BAD / "make_bad_graphs.py"))["FILES"]
    assert sorted(files) == [p.name for p in CORPUS]
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode()
        assert (BAD / name).read_bytes() == data, name


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
@pytest.mark.parametrize("command", [["info"], ["related", "x"], ["show", "Go"]])
def test_bad_graph_file_is_one_error_and_exit_2(path: Path, command: list[str]) -> None:
    code, out, err, exc = run(*command, "--graph", str(path))
    assert code == 2 and isinstance(exc, SystemExit), (err, exc)
    assert out == "" and err.count("\n") == 1 and err.startswith(f"error: {path}: "), err
    assert "Traceback" not in err


def _graphml_bytes() -> st.SearchStrategy[bytes]:
    """Mutations of a small valid GraphML file: pieces cut, swapped or repeated."""
    good = (
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="d0" for="node" attr.name="kind" attr.type="string"/>'
        '<key id="d1" for="edge" attr.name="weight" attr.type="double"/>'
        '<graph edgedefault="directed"><node id="a"><data key="d0">concept</data></node>'
        '<node id="b"/><edge source="a" target="b" id="e1"><data key="d1">0.5</data></edge>'
        "</graph></graphml>"
    )
    pieces = [p for p in good.replace(">", ">\x00").split("\x00") if p]
    return st.lists(
        st.sampled_from([*pieces, "<graph>", "</node>", "&amp;", "<", '"']), max_size=30
    ).map(lambda ps: "".join(ps).encode())


_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5))
_json_value = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["id", "source", "target", "key", "kind", "nodes", "links", "graph"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        _graphml_bytes(), _json_value.map(lambda v: json.dumps(v).encode()), st.binary(max_size=64)
    )
)
def test_fuzzed_graph_files_load_or_raise_graph_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.graph"
    path.write_bytes(data)
    try:
        graph = load_graph(path)
    except GraphError as err:
        assert str(err).startswith(f"{path}: ")
    else:
        assert isinstance(graph, nx.MultiDiGraph)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    doc=st.fixed_dictionaries(
        {"nodes": st.lists(_json_value, max_size=4), "links": st.lists(_json_value, max_size=4)},
        optional={"graph": _json_value},
    )
)
def test_fuzzed_node_link_shapes(tmp_path: Path, doc: dict) -> None:
    path = tmp_path / "g.json"
    path.write_text(json.dumps(doc))
    with contextlib.suppress(GraphError):
        load_graph(path)


def _many_nodes(n: int) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for i in range(n):
        g.add_node(f"concept:c{i}", kind="concept", name=f"C{i}")
        if i:
            g.add_edge(f"concept:c{i}", f"concept:c{i - 1}", key=f"e{i}", kind="broader")
    return g


@pytest.mark.parametrize("fmt", ["graphml", "json"])
def test_node_limit_is_a_clear_error(tmp_path: Path, monkeypatch, fmt: str) -> None:
    g = _many_nodes(500)
    path = (write_graphml if fmt == "graphml" else write_json)(g, tmp_path / f"g.{fmt}")
    assert load_graph(path).number_of_nodes() == 500
    monkeypatch.setenv("KGRAPH_MAX_GRAPH_NODES", "100")
    with pytest.raises(GraphError, match=r"100 nodes.*raise it with KGRAPH_MAX_GRAPH_NODES"):
        load_graph(path)
    code, _, err, _ = run("related", "x", "--graph", str(path))
    assert code == 2 and "KGRAPH_MAX_GRAPH_NODES" in err


def test_byte_limit_is_checked_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = write_graphml(_many_nodes(50), tmp_path / "g.graphml")
    monkeypatch.setenv("KGRAPH_MAX_GRAPH_BYTES", "1000")
    with pytest.raises(GraphError, match=r"over the 1,000-byte limit.*KGRAPH_MAX_GRAPH_BYTES"):
        load_graph(path)


def test_graphml_over_the_node_limit_stops_in_bounded_memory(tmp_path: Path, monkeypatch) -> None:
    """A GraphML file of 200,000 nodes (the shape of the 1,000,000-node file
    that took 3.9 GB) stops at the limit, having held little more than it."""
    path = tmp_path / "big.graphml"
    with path.open("w") as fh:
        fh.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>')
        for i in range(200_000):
            fh.write(f'<node id="n{i}"/>')
        fh.write("</graph></graphml>")
    monkeypatch.setenv("KGRAPH_MAX_GRAPH_NODES", "2000")
    tracemalloc.start()
    try:
        with pytest.raises(GraphError, match="more than 2,000 nodes"):
            load_graph(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak:,} bytes"


def test_stream_reader_matches_networkx(sample_kg, tmp_path: Path) -> None:
    path = sample_kg.write_graphml(tmp_path / "g.graphml")
    ours = load_graph(path)
    theirs = nx.read_graphml(path, force_multigraph=True)
    for key in ("node_default", "edge_default"):
        theirs.graph.pop(key, None)
    assert ours.graph == theirs.graph
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True))
    assert sorted(ours.edges(keys=True, data=True), key=str) == sorted(
        theirs.edges(keys=True, data=True), key=str
    )


ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e\x7f"


@pytest.fixture(scope="module")
def hostile_graph(sample_kg, tmp_path_factory) -> Path:
    g = sample_kg.graph.copy()
    for n, d in g.nodes(data=True):
        if d.get("kind") == "article":
            d["title"] = f"{ESCAPES}{d['title']}{ESCAPES}"
            d["url"] = f"{d.get('url', '')}{ESCAPES}"
        elif d.get("kind") == "concept":
            d["name"] = f"{d.get('name', n)}{ESCAPES}"
    return write_json(g, tmp_path_factory.mktemp("hostile") / "graph.json")


@pytest.mark.parametrize(
    "command",
    [
        ["related", "Versioning for Amazon S3"],
        ["show", "amazon-s3"],
        ["articles", "amazon-s3"],
        ["concepts", "Versioning for Amazon S3"],
        ["path", "amazon-s3", "aws-lambda"],
        ["info"],
        ["related", "Amazon"],  # an ambiguous name: the error lists titles
    ],
)
def test_no_terminal_escape_reaches_the_terminal(hostile_graph: Path, command: list[str]) -> None:
    _, out, err, exc = run(*command, "--graph", str(hostile_graph))
    assert isinstance(exc, SystemExit) or exc is None, exc
    assert out or err
    for ch in "\x1b\x07\x9b\u202e\x7f":
        assert ch not in out and ch not in err, (command, ch)


def test_json_output_escapes_what_it_cannot_print(hostile_graph: Path) -> None:
    code, out, _, _ = run(
        "related", "Versioning for Amazon S3", "--graph", str(hostile_graph), "--json"
    )
    assert code == 0
    assert "\x9b" not in out and "\x1b" not in out and "\\u009b" in out
    # the data is whole (the writer already dropped the C0 controls XML forbids)
    assert "\x9b31m\u202e\x7fUnderstanding" in json.loads(out)["article"]["title"]


def test_a_folder_or_pipe_is_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "graph.graphml"
    os.mkfifo(fifo)  # opening it to read would wait for a writer for ever
    code, _, err, _ = run("info", "--graph", str(fifo))
    assert code == 2 and "not a regular file" in err
    with pytest.raises(GraphError, match="not a regular file"):
        load_graph(tmp_path)


def test_json_of_millions_of_tiny_nodes_is_refused_before_parsing(
    tmp_path: Path, monkeypatch
) -> None:
    """Node-link JSON is parsed whole: 5,000,000 nodes of 14 bytes took 1.4 GB
    before the node count was checked. Its objects are counted first."""
    path = tmp_path / "tiny.json"
    nodes = ",".join(f'{{"id":"n{i}"}}' for i in range(3000))
    path.write_text(f'{{"directed": true, "multigraph": true, "nodes": [{nodes}], "links": []}}')
    monkeypatch.setenv("KGRAPH_MAX_GRAPH_NODES", "300")

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed before counting")

    monkeypatch.setattr("kgraph.export.loading.json.loads", never)
    with pytest.raises(GraphError, match=r"3,001 JSON objects, more than a graph of 300 nodes"):
        load_graph(path)
    code, _, err, _ = run("info", "--graph", str(path))
    assert code == 2 and "KGRAPH_MAX_GRAPH_NODES" in err and err.count("\n") == 1


def test_a_line_break_in_a_graph_string_adds_no_line(tmp_path: Path) -> None:
    """A name or title holding a line break could forge lines of output."""
    g = _many_nodes(3)
    g.nodes["concept:c1"]["name"] = "C1\nerror: forged\r\nline"
    path = write_json(g, tmp_path / "g.json")
    for command in (["show", "C1"], ["show", "c2"], ["path", "c0", "c2"]):
        code, out, err, _ = run(*command, "--graph", str(path))
        assert "\nerror: forged" not in out and "\nline" not in out, (command, out, err)
        if command == ["show", "C1"]:
            assert code == 0 and out.startswith("C1 error: forged line  ("), out
