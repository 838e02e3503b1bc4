"""The one palette of every picture kgraph draws: GraphML/GEXF/Cytoscape/Neo4j
colours, the HTML page, the concept map and its SVG/PNG.

Ten colours (Tableau 10), each a *group*: concept types are grouped where one
colour per type would give near-duplicates (17 types do not fit in ten
distinguishable colours), and the node kinds other than concepts share the
last two (the page tells them apart by shape). So a concept has the same
colour in Gephi, in ``graph.html``, in ``concept_map.html`` and in the picture.

>>> colour_of({"kind": "concept", "type": "aws-service"}) == colour_of({"kind": "concept", "type": "platform"})
True
>>> group_of({"kind": "concept", "type": "library"})
'Frameworks & libraries'
>>> len(set(GROUP_COLOURS.values()))
10
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "DEFAULT_COLOUR",
    "GROUP_COLOURS",
    "KIND_COLOURS",
    "KIND_GROUPS",
    "TYPE_COLOURS",
    "TYPE_GROUPS",
    "colour_of",
    "group_of",
    "hex_to_rgb",
]

#: The colour of each group, in legend order.
GROUP_COLOURS: dict[str, str] = {
    "Languages": "#4e79a7",
    "Frameworks & libraries": "#f28e2b",
    "Tools": "#59a14f",
    "Data & formats": "#e15759",
    "Cloud & platforms": "#76b7b2",
    "Protocols & standards": "#edc948",
    "Practices & ideas": "#b07aa1",
    "Other concepts": "#9c755f",
    "Articles": "#bab0ac",
    "Authors, tags & feeds": "#ff9da7",
}
#: The group of each concept type (a type not listed is in "Other concepts").
TYPE_GROUPS: dict[str, str] = {
    "language": "Languages",
    "go-concept": "Languages",
    "framework": "Frameworks & libraries",
    "library": "Frameworks & libraries",
    "tool": "Tools",
    "os": "Tools",
    "database": "Data & formats",
    "format": "Data & formats",
    "aws-service": "Cloud & platforms",
    "cloud-service": "Cloud & platforms",
    "platform": "Cloud & platforms",
    "protocol": "Protocols & standards",
    "standard": "Protocols & standards",
    "certification": "Protocols & standards",
    "practice": "Practices & ideas",
    "architecture": "Practices & ideas",
    "concept": "Practices & ideas",
    "topic": "Practices & ideas",
    "company": "Other concepts",
    "term": "Other concepts",
}
#: The group of each node kind other than concepts.
KIND_GROUPS: dict[str, str] = {
    "article": "Articles",
    "author": "Authors, tags & feeds",
    "tag": "Authors, tags & feeds",
    "feed": "Authors, tags & feeds",
}
#: Colour of each concept type.
TYPE_COLOURS: dict[str, str] = {t: GROUP_COLOURS[g] for t, g in TYPE_GROUPS.items()}
#: Colour of each node kind (a concept of unknown type gets ``concept``'s).
KIND_COLOURS: dict[str, str] = {
    **{k: GROUP_COLOURS[g] for k, g in KIND_GROUPS.items()},
    "concept": GROUP_COLOURS["Other concepts"],
}
#: Colour of a node whose kind is unknown.
DEFAULT_COLOUR = "#888888"


def group_of(attrs: Mapping[str, object]) -> str:
    """The palette group of a node from its attributes (concept type, else kind);
    ``""`` for an unknown kind."""
    kind = str(attrs.get("kind", ""))
    if kind == "concept":
        return TYPE_GROUPS.get(str(attrs.get("type", "")), "Other concepts")
    return KIND_GROUPS.get(kind, "")


def colour_of(attrs: Mapping[str, object]) -> str:
    """The palette colour of a node from its attributes (concept type, else kind).

    >>> colour_of({"kind": "concept", "type": "unheard-of"}), colour_of({})
    ('#9c755f', '#888888')
    """
    group = group_of(attrs)
    return GROUP_COLOURS[group] if group else DEFAULT_COLOUR


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as an ``(r, g, b)`` tuple of ints.

    >>> hex_to_rgb("#4e79a7")
    (78, 121, 167)
    """
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
