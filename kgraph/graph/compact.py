"""A ``networkx.MultiDiGraph`` that stores edges in less memory.

In a plain ``MultiDiGraph`` every edge costs two dicts: its attributes and the
one-entry ``{key: attributes}`` dict between its two nodes (about 400 bytes
before any value). A knowledge graph of 100,000 articles has millions of
edges, so :class:`CompactMultiDiGraph` swaps them, through networkx's own
factory hooks, for two small mappings with ``__slots__``:

- :class:`EdgeAttrs`: attribute names in a tuple shared by every edge with
  the same names, values in a tuple of their own;
- :class:`EdgeKeys`: a single edge in two slots, several in a dict.

Both are ``MutableMapping``\\ s, so everything that works on a graph works
the same: views, algorithms, ``copy()``, pickling, the readers and writers.
``attrs.copy()`` gives a plain dict; ``json.dumps`` needs ``dict(attrs)``.

>>> g = CompactMultiDiGraph()
>>> g.add_edge("a", "b", key="e1", kind="mentions", weight=0.5)
'e1'
>>> g.edges["a", "b", "e1"]["weight"], dict(g["a"]["b"]["e1"])
(0.5, {'kind': 'mentions', 'weight': 0.5})
"""

from __future__ import annotations

from collections.abc import (
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    MutableMapping,
    ValuesView,
)
from typing import Any

import networkx as nx

__all__ = [
    "CompactMultiDiGraph",
    "EdgeAttrs",
    "EdgeKeys",
    "attr_columns",
    "edge_columns",
    "shared_names",
]

#: One tuple object per distinct tuple of attribute names.
_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}


def shared_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """The one tuple object kept for these attribute names."""
    return _NAMES.setdefault(names, names)


class EdgeAttrs(MutableMapping[str, Any]):
    """An edge's attributes: a mapping held in two tuples.

    >>> a = EdgeAttrs(kind="tagged")
    >>> a["weight"] = 1.0
    >>> del a["kind"]
    >>> a, len(a), "weight" in a, a.get("kind", "-")
    ({'weight': 1.0}, 1, True, '-')
    """

    __slots__ = ("_names", "_values")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._names: tuple[str, ...] = ()
        self._values: tuple[Any, ...] = ()
        if args or kwargs:
            self.update(*args, **kwargs)

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        names = self._names
        return self._values[names.index(name)] if name in names else default

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __setitem__(self, name: str, value: Any) -> None:
        names = self._names
        if name in names:
            i = names.index(name)
            self._values = (*self._values[:i], value, *self._values[i + 1 :])
        else:
            self._names = shared_names((*names, name))
            self._values = (*self._values, value)

    def __delitem__(self, name: str) -> None:
        try:
            i = self._names.index(name)
        except ValueError:
            raise KeyError(name) from None
        self._names = shared_names(self._names[:i] + self._names[i + 1 :])
        self._values = self._values[:i] + self._values[i + 1 :]

    def update(self, other: Any = (), /, **kwargs: Any) -> None:  # one rebuild, not one per name
        merged = self.copy()
        merged.update(other, **kwargs)
        self._names = shared_names(tuple(merged))
        self._values = tuple(merged.values())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def keys(self) -> KeysView[str]:
        return self.copy().keys()

    def values(self) -> ValuesView[Any]:
        return self.copy().values()

    def items(self) -> ItemsView[str, Any]:
        return self.copy().items()

    def copy(self) -> dict[str, Any]:
        """A plain dict of the attributes (what ``dict.copy`` gives)."""
        return dict(zip(self._names, self._values, strict=True))

    def __repr__(self) -> str:
        return repr(self.copy())

    def __getstate__(self) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        return self._names, self._values

    def __setstate__(self, state: tuple[tuple[str, ...], tuple[Any, ...]]) -> None:
        self._names, self._values = shared_names(tuple(state[0])), tuple(state[1])


_new_attrs = object.__new__
_EMPTY = object()
_MANY = object()


class EdgeKeys(MutableMapping[Any, Any]):
    """The ``{key: attributes}`` of the edges from one node to another: one
    edge in two slots (the usual case), several in a dict.

    >>> k = EdgeKeys()
    >>> k["e1"] = {"kind": "a"}
    >>> k["e2"] = {"kind": "b"}
    >>> del k["e1"]
    >>> list(k.items()), len(k)
    ([('e2', {'kind': 'b'})], 1)
    """

    __slots__ = ("_data", "_key")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._key: Any = _EMPTY
        self._data: Any = None
        if args or kwargs:
            self.update(*args, **kwargs)

    def __getitem__(self, key: Any) -> Any:
        if self._key is _MANY:
            return self._data[key]
        if self._key is not _EMPTY and self._key == key:
            return self._data
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if self._key is _MANY:
            return key in self._data
        return self._key is not _EMPTY and self._key == key

    def __setitem__(self, key: Any, data: Any) -> None:
        if self._key is _MANY:
            self._data[key] = data
        elif self._key is _EMPTY or self._key == key:
            self._key, self._data = key, data
        else:
            self._data = {self._key: self._data, key: data}
            self._key = _MANY

    def __delitem__(self, key: Any) -> None:
        if self._key is _MANY:
            del self._data[key]
            if len(self._data) == 1:
                ((self._key, self._data),) = self._data.items()
        elif self._key is not _EMPTY and self._key == key:
            self._key, self._data = _EMPTY, None
        else:
            raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        if self._key is _MANY:
            return iter(self._data)
        return iter(()) if self._key is _EMPTY else iter((self._key,))

    def __len__(self) -> int:
        if self._key is _MANY:
            return len(self._data)
        return 0 if self._key is _EMPTY else 1

    def items(self) -> ItemsView[Any, Any]:
        # every edge listing (graph.edges(data=True)) calls this once per node pair
        key = self._key
        if key is _MANY:
            return self._data.items()
        return ({} if key is _EMPTY else {key: self._data}).items()

    def copy(self) -> dict[Any, Any]:
        """A plain dict of key -> attributes (the attribute mappings are not copied)."""
        if self._key is _MANY:
            return dict(self._data)
        return {} if self._key is _EMPTY else {self._key: self._data}

    def __repr__(self) -> str:
        return repr(self.copy())

    def __getstate__(self) -> dict[Any, Any]:
        return self.copy()

    def __setstate__(self, state: Mapping[Any, Any]) -> None:
        self._key, self._data = _EMPTY, None
        for key, data in state.items():
            self[key] = data


def attr_columns(attrs: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """An edge's attribute names and values as two tuples: an :class:`EdgeAttrs`'
    own (the names tuple shared by every edge with those names), without a copy.

    >>> attr_columns(EdgeAttrs(kind="x", weight=0.5)), attr_columns({"kind": "y"})
    ((('kind', 'weight'), ('x', 0.5)), (('kind',), ('y',)))
    """
    if type(attrs) is EdgeAttrs:
        return attrs._names, attrs._values
    return tuple(attrs), tuple(attrs.values())


def edge_columns(
    graph: nx.MultiDiGraph,
) -> Iterator[tuple[Any, Any, Any, tuple[str, ...], tuple[Any, ...]]]:
    """Every edge of a multigraph as ``(source, target, key, names, values)``
    (see :func:`attr_columns`), in the order of ``graph.edges(keys=True)``;
    without a mapping made per node pair or per edge for a
    :class:`CompactMultiDiGraph`'s edges.

    >>> g = CompactMultiDiGraph()
    >>> g.add_edge("a", "b", key="e1", kind="x")
    'e1'
    >>> list(edge_columns(g))
    [('a', 'b', 'e1', ('kind',), ('x',))]
    """
    # attr_columns inlined: a call per edge doubles the time of a listing
    # (7 -> 13 ms for 30,000 edges), and the writers list the edges three times
    for u, nbrs in graph.adjacency():
        for v, keys in nbrs.items():
            if type(keys) is EdgeKeys and keys._key is not _MANY:
                if keys._key is _EMPTY:
                    continue
                attrs = keys._data
                if type(attrs) is EdgeAttrs:
                    yield u, v, keys._key, attrs._names, attrs._values
                else:
                    yield u, v, keys._key, tuple(attrs), tuple(attrs.values())
                continue
            for key, attrs in keys.items():
                if type(attrs) is EdgeAttrs:
                    yield u, v, key, attrs._names, attrs._values
                else:
                    yield u, v, key, tuple(attrs), tuple(attrs.values())


class CompactMultiDiGraph(nx.MultiDiGraph):
    """A ``networkx.MultiDiGraph`` whose edges take about half the memory
    (see the module docstring); it behaves as one in every other way.

    >>> g = CompactMultiDiGraph([("a", "b"), ("a", "b")])
    >>> sorted(g.edges(keys=True)), type(g.copy()).__name__
    ([('a', 'b', 0), ('a', 'b', 1)], 'CompactMultiDiGraph')
    """

    edge_key_dict_factory = EdgeKeys
    edge_attr_dict_factory = EdgeAttrs

    def add_edges_fast(
        self, names: tuple[str, ...], edges: Iterable[tuple[Any, Any, Any, tuple[Any, ...]]]
    ) -> None:
        """Add ``(u, v, key, values)`` edges between nodes already in the
        graph, each under a key not used between its two nodes, with attributes
        ``names`` = ``values`` (distinct names; a tuple from :func:`shared_names`,
        so that all edges hold the same one), in one loop without ``add_edge``'s
        checks: the bulk path of :class:`kgraph.graph.builder.GraphBuilder`.

        >>> g = CompactMultiDiGraph([("a", "b"), ("b", "c")])
        >>> g.add_edges_fast(shared_names(("kind",)), [("a", "b", "x-1", ("x",)), ("a", "c", "x-2", ("x",))])
        >>> sorted((u, v, k, dict(d)) for u, v, k, d in g.edges(keys=True, data=True) if k != 0)
        [('a', 'b', 'x-1', {'kind': 'x'}), ('a', 'c', 'x-2', {'kind': 'x'})]
        """
        succ, pred, new = self._succ, self._pred, _new_attrs
        for u, v, key, values in edges:
            data = new(EdgeAttrs)
            data._names = names
            data._values = values
            out = succ[u]
            keys = out.get(v)
            if keys is None:  # a single edge: two slots
                keys = out[v] = pred[v][u] = new(EdgeKeys)
                keys._key = key
                keys._data = data
            else:
                keys[key] = data
