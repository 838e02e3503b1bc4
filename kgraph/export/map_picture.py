"""The concept map as a picture (SVG or PNG), for a slide, a README or a report.

Drawn with matplotlib (a maintained plotting library; its SVG keeps text as
``<text>``, so the labels are selectable and searchable, and it escapes the
text it writes). Feed text is never read as markup: math parsing is off for
every label. Same map in, same picture out (no date, fixed ids).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from kgraph.errors import GraphError
from kgraph.export.map_layout import CAPTION_FONT, MapLayout, map_layout
from kgraph.fileio import atomic_open
from kgraph.graph.palette import GROUP_COLOURS, colour_of, group_of

__all__ = ["write_map_picture"]

#: Width of the legend beside the map (px).
LEGEND_WIDTH = 300.0
#: Pixels per inch of the PNG (twice the SVG's 72: sharp on a slide).
PNG_DPI = 144
#: Behind a label: a white box, so a label over an edge or a node stays legible.
HALO = {"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}


def write_map_picture(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    fmt: str,
    *,
    layout: MapLayout | None = None,
    title: str = "kgraph concept map",
) -> Path:
    """Draw the concept map ``graph`` into ``path`` as ``fmt`` (``svg`` or ``png``)."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure
    except ImportError as err:  # pragma: no cover - a core dependency
        raise GraphError(f"cannot draw the picture ({err}); pip install matplotlib") from err
    lay = layout or map_layout(graph)
    fig = _draw(Figure, graph, lay, title)
    target = Path(path)
    metadata: dict[str, Any] = (
        {"Date": None, "Creator": "kgraph"} if fmt == "svg" else {"Software": "kgraph"}
    )
    try:
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kgraph"}):
            mode = "w" if fmt == "svg" else "wb"
            with atomic_open(target, mode) as fh:
                fig.savefig(fh, format=fmt, dpi=72 if fmt == "svg" else PNG_DPI, metadata=metadata)
    except OSError as err:
        raise GraphError(f"{target}: cannot write the picture ({err.strerror or err})") from err
    return target


def _draw(figure_cls: Any, graph: nx.MultiDiGraph, lay: MapLayout, title: str) -> Any:
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import Circle

    attrs = dict(graph.nodes(data=True))
    width = lay.width + LEGEND_WIDTH
    height = max(lay.height, 520.0)
    fig = figure_cls(figsize=(width / 72, height / 72), dpi=72, facecolor="white")
    ax = fig.add_axes((0, 0, lay.width / width, 1))
    ax.set_xlim(0, lay.width)
    ax.set_ylim(height, 0)  # y down, as the layout
    ax.set_aspect("equal", adjustable="box", anchor="NW")
    ax.axis("off")

    def text(x: float, y: float, s: str, size: float, **kw: Any) -> None:
        ax.text(x, y, s, fontsize=size, parse_math=False, **kw)

    ax.add_collection(
        PatchCollection(
            [Circle((c.x, c.y), c.r) for c in lay.clusters],
            facecolor="#f3f4f6",
            edgecolor="#d0d7de",
            linewidth=0.8,
            zorder=0,
        )
    )
    where = {n: int(attrs[n].get("community", 0)) for n in graph}
    inside, across = [], []
    for u, v in sorted({(u, v) for u, v in graph.edges() if u != v}, key=str):
        (inside if where[u] == where[v] else across).append([lay.pos[u], lay.pos[v]])
    ax.add_collection(LineCollection(inside, colors="#8c959f", linewidths=0.7, zorder=1))
    ax.add_collection(
        LineCollection(across, colors="#afb8c1", linewidths=0.6, linestyles="dashed", zorder=1)
    )
    nodes = sorted(graph, key=str)
    ax.add_collection(
        PatchCollection(
            [Circle(lay.pos[n], lay.radius[n]) for n in nodes],
            facecolor=[colour_of(attrs[n]) for n in nodes],
            edgecolor="#ffffff",
            linewidth=0.8,
            zorder=2,
        )
    )
    for c in lay.clusters:
        cap = c.caption()
        for k, part in enumerate(cap.text.split("\n")):  # one <text> per line
            text(cap.x, cap.y + k * cap.size * 1.25, part, cap.size, ha="center", va="top",
                 weight="bold", color="#24292f", zorder=4)  # fmt: skip
    for label in lay.labels.values():
        text(label.x, label.y, label.text, label.size, ha="center", va="top",
             color="#1f2328", zorder=3, bbox=HALO)  # fmt: skip

    # the legend: title, counts, clusters, colours
    leg = fig.add_axes((lay.width / width, 0, LEGEND_WIDTH / width, 1))
    leg.set_xlim(0, LEGEND_WIDTH)
    leg.set_ylim(height, 0)
    leg.axis("off")
    y = 24.0

    def line(s: str, size: float = 11.0, **kw: Any) -> None:
        nonlocal y
        leg.text(8, y, s, fontsize=size, parse_math=False, va="top", **kw)
        y += size * 1.45

    line(title, CAPTION_FONT, weight="bold")
    g = graph.graph
    period = " to ".join(p for p in (str(g.get("since") or ""), str(g.get("until") or "")) if p)
    line(
        f"{graph.number_of_nodes()} concepts, {graph.number_of_edges()} links, "
        f"{len(lay.clusters)} clusters" + (f"\n{period}" if period else ""),
        9.5,
        color="#57606a",
    )
    y += 14 if period else 4
    line("Clusters", 11.5, weight="bold")
    for c in lay.clusters[:14]:
        line(f"{_cut(c.name, 34)}  ({len(c.members)})", 10.5)
    if len(lay.clusters) > 14:
        line(f"… and {len(lay.clusters) - 14} more", 9.5, color="#57606a")
    y += 6
    line("Colour: concept type", 11.5, weight="bold")
    used = Counter(group_of(attrs[n]) for n in graph)
    for group, colour in GROUP_COLOURS.items():
        if used.get(group):
            leg.add_patch(Circle((15, y + 6), 5, facecolor=colour, edgecolor="none"))
            leg.text(26, y, f"{group} ({used[group]})", fontsize=10.5, va="top", parse_math=False)
            y += 15
    y += 6
    line("Size: articles · dashed: between clusters", 8.5, color="#57606a")
    return fig


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
