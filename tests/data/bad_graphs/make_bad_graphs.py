"""Write the malformed graph files of this folder (run from anywhere):
``python tests/data/bad_graphs/make_bad_graphs.py``. Each must make every
query command print one ``error:`` line and exit 2 (tests/export/test_graph_loading.py)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
NS = 'xmlns="http://graphml.graphdrawing.org/xmlns"'
KEY = '<key id="d0" for="node" attr.name="kind" attr.type="string"/>'

FILES: dict[str, bytes | str] = {
    "rss.graphml": '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
    "no-graph.graphml": f'<?xml version="1.0"?><graphml {NS}>{KEY}</graphml>',
    "bare-graphml.graphml": "<graphml></graphml>",
    "two-graphs.graphml": f'<graphml {NS}><graph edgedefault="directed"/><graph/></graphml>',
    "nested-graph.graphml": f'<graphml {NS}><graph><node id="a"><graph/></node></graph></graphml>',
    "node-without-id.graphml": f"<graphml {NS}><graph><node/></graph></graphml>",
    "edge-without-target.graphml": f'<graphml {NS}><graph><edge source="a"/></graph></graphml>',
    "undeclared-key.graphml": f'<graphml {NS}><graph><node id="a"><data key="d9">x</data></node></graph></graphml>',
    "bad-long.graphml": f'<graphml {NS}><key id="d0" for="node" attr.name="n" attr.type="long"/>'
    '<graph><node id="a"><data key="d0">many</data></node></graph></graphml>',
    "bad-boolean.graphml": f'<graphml {NS}><key id="d0" for="node" attr.name="b" attr.type="boolean"/>'
    '<graph><node id="a"><data key="d0">perhaps</data></node></graph></graphml>',
    "unknown-type.graphml": f'<graphml {NS}><key id="d0" for="node" attr.name="n" attr.type="matrix"/>'
    "<graph/></graphml>",
    "reserved-name.graphml": f'<graphml {NS}><key id="d0" for="graph" attr.name="node_default" '
    'attr.type="string"/><graph><data key="d0">x</data></graph></graphml>',
    "truncated.graphml": f'<graphml {NS}>{KEY}<graph><node id="a"><data key="d0">con',
    "dtd.graphml": '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x "y">]>'
    f"<graphml {NS}><graph/></graphml>",
    "deep.graphml": f"<graphml {NS}><graph>" + "<x>" * 5000 + "</x>" * 5000 + "</graph></graphml>",
    "html.graphml": "<!doctype html><html><body>Not found</body></html>",
    "binary.graphml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "empty.graphml": b"",
    "latin1-garbage.graphml": b"<graphml \xff\xfe\x00>",
    "list.json": "[1, 2, 3]",
    "string.json": '"a graph"',
    "number.json": "42",
    "deep-arrays.json": "[" * 100_000 + "]" * 100_000,
    "deep-objects.json": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "no-nodes.json": '{"links": []}',
    "nodes-not-list.json": '{"nodes": {"a": 1}, "links": []}',
    "node-not-object.json": '{"nodes": ["a"], "links": []}',
    "node-without-id.json": '{"nodes": [{"kind": "concept"}], "links": []}',
    "node-list-id.json": '{"nodes": [{"id": [1]}], "links": []}',
    "node-nested-value.json": '{"nodes": [{"id": "a", "title": {"x": 1}}], "links": []}',
    "link-without-target.json": '{"nodes": [{"id": "a"}], "links": [{"source": "a"}]}',
    "link-list-key.json": '{"nodes": [], "links": [{"source": "a", "target": "b", "key": []}]}',
    "graph-not-object.json": '{"graph": [1], "nodes": [], "links": []}',
    "truncated.json": '{"nodes": [{"id": "a", "kind": "con',
    "invalid-utf8.json": b'{"nodes": [{"id": "\xff\xfe"}], "links": []}',
    "nan.json": '{"nodes": [{"id": NaN}], "links": []}',
}


def main() -> None:
    for name, content in FILES.items():
        data = content if isinstance(content, bytes) else content.encode()
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
