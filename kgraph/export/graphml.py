"""Write and read the graph as GraphML (Gephi, Cytoscape, yEd, networkx).

Writing is deterministic (nodes and edges sorted, edge ids = the graph's unique
edge keys), atomic (temporary file renamed into place) and safe: characters
XML does not allow are removed from every value, so the file always reads back.
The file carries Gephi's visual attributes (``size``, ``r``/``g``/``b``,
``x``/``y``, ``community``, ``pagerank``; edge ``weight``), added to a copy by
:func:`kgraph.export.style.decorate`. Each attribute name is declared with one
type in the whole file, so Gephi and Cytoscape import every column.
Reading goes through defusedxml first, so a GraphML file from elsewhere cannot
expand entities or load external ones; it returns the attributes with the
types they were written with (``long`` -> int, ``double`` -> float).

>>> import networkx as nx, tempfile, pathlib
>>> g = nx.MultiDiGraph(); g.add_node("concept:go", kind="concept", label="Go\\x00")
>>> g.add_edge("concept:go", "concept:go", key="e-1", kind="broader")
'e-1'
>>> p = write_graphml(g, pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
>>> h = read_graphml(p); h.nodes["concept:go"]["label"], list(h.edges(keys=True))
('Go', [('concept:go', 'concept:go', 'e-1')])
>>> h.nodes["concept:go"]["r"], h.nodes["concept:go"]["x"], h.edges["concept:go", "concept:go", "e-1"]["weight"]
(225, 0.0, 1.0)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as safe_et
import networkx as nx
from defusedxml import DefusedXmlException

from .._io import atomic_open
from ..errors import GraphError
from .style import decorate

__all__ = ["clean_value", "read_graphml", "sorted_copy", "write_graphml"]

# XML 1.0 allows tab, LF, CR and U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_GRAPHML_BYTES = 2 * 1024 * 1024 * 1024


def clean_value(value: Any) -> str | int | float:
    """A GraphML-safe attribute value: str/int/float only, no XML-invalid chars.

    >>> clean_value("a\\x01b"), clean_value(None), clean_value(["x", "y"]), clean_value(True)
    ('ab', '', 'x|y', 1)
    >>> clean_value("a\\r\\nb\\rc\\ud800")
    'a\\nb\\nc'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return "|".join(str(clean_value(v)) for v in value)
    # XML parsers turn CR and CRLF into LF on reading: write LF, so values round-trip
    return _XML_BAD.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")


def sorted_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with nodes and edges in sorted order and GraphML-safe values."""
    out = nx.MultiDiGraph()
    out.graph.update({k: clean_value(v) for k, v in sorted(graph.graph.items())})
    for node in sorted(graph.nodes, key=str):
        attrs = graph.nodes[node]
        out.add_node(clean_value(node), **{k: clean_value(v) for k, v in sorted(attrs.items())})
    edges = sorted(
        graph.edges(keys=True, data=True), key=lambda e: (str(e[2]), str(e[0]), str(e[1]))
    )
    for u, v, key, attrs in edges:
        out.add_edge(
            clean_value(u),
            clean_value(v),
            key=clean_value(key),
            **{k: clean_value(val) for k, val in sorted(attrs.items())},
        )
    return out


def _check_types(graph: nx.MultiDiGraph) -> None:
    """Give each attribute name one type across graph, nodes and edges.

    int stays int only if every value of that name is an int; a mix of ints
    and floats becomes float; anything else mixed becomes str. GraphML
    declares a key per (name, domain, type), and Gephi refuses a name declared
    twice with different types (``weight`` as ``long`` and as ``double``).
    """
    items = [
        graph.graph,
        *(d for _, d in graph.nodes(data=True)),
        *(d for _, _, d in graph.edges(data=True)),
    ]
    kinds: dict[str, set[type]] = {}
    for d in items:
        for k, v in d.items():
            kinds.setdefault(k, set()).add(type(v))
    for k, types in kinds.items():
        if len(types) > 1:
            target = float if types <= {int, float} else str
            for d in items:
                if k in d:
                    d[k] = target(d[k])


def write_graphml(
    graph: nx.MultiDiGraph, path: str | os.PathLike[str], *, decorated: bool = True
) -> Path:
    """Write ``graph`` as GraphML at ``path`` (atomically); return the path.

    With ``decorated`` (the default) the file also has the viewers' attributes
    of :func:`~kgraph.export.style.decorate`; ``graph`` itself is not changed.
    """
    out = sorted_copy(decorate(graph) if decorated else graph)
    _check_types(out)
    target = Path(path)
    with atomic_open(target, "wb") as fh:
        nx.write_graphml_xml(
            out,
            fh,
            encoding="utf-8",
            prettyprint=True,
            named_key_ids=False,
            edge_id_from_attribute=None,
        )
    return target


def read_graphml(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a GraphML file as a ``MultiDiGraph``, refusing DTDs and entities.

    Raises :class:`~kgraph.errors.GraphError` naming the file and the problem.
    """
    try:
        size = os.path.getsize(path)
        if size > MAX_GRAPHML_BYTES:
            raise GraphError(
                f"{path}: file is {size:,} bytes, over the {MAX_GRAPHML_BYTES:,} limit"
            )
        data = Path(path).read_bytes()
        safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        graph = nx.parse_graphml(data, force_multigraph=True)
    except OSError as err:
        raise GraphError(
            f"{path}: cannot read graph: {err.strerror or err}; build one first with `kgraph build`"
        ) from err
    except DefusedXmlException as err:
        raise GraphError(f"{path}: refused: the file declares a DTD or entities") from err
    except (safe_et.ParseError, nx.NetworkXError, ValueError, KeyError) as err:
        raise GraphError(f"{path}: not a readable GraphML file: {err}") from err
    if not graph.is_directed():
        graph = nx.MultiDiGraph(graph)
    for key in ("node_default", "edge_default"):  # added by networkx's reader
        if graph.graph.get(key) == {}:
            del graph.graph[key]
    return graph
