"""The concept map's page and the graph page's opening view in Chromium
(issue 23): labels that do not overlap, counts of its own, Esc and an empty
click that clear the selection, a sparkline, nothing fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.export.concept_map import write_concept_map
from kgraph.export.html import write_html
from tests.export.test_export_html import Page, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.issue(23)]

# every label vis-network drew, as [id, left, top, right, bottom] in canvas units
LABEL_BOXES = """() => {
  const net = kgraphViewer.network;
  return kgraphViewer.labelled().map(id => {
    const s = net.body.nodes[id].labelModule.size;
    return [id, s.left, s.top, s.left + s.width, s.top + s.height];
  });
}"""


def _overlapping(boxes: list) -> list:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
                found.append((a[0], b[0]))
    return found


def _open_map(browser, sample_kg, tmp_path: Path) -> tuple[Page, object]:  # noqa: F811
    m = sample_kg.concept_map()
    page = write_concept_map(m, tmp_path, ["html"])["html"]
    p = Page(browser, page)
    p.wait_until("window.kgraphReady === true")
    p.page.wait_for_timeout(400)
    return p, m


def test_concept_map_page_is_readable(browser, sample_kg, tmp_path: Path) -> None:  # noqa: F811
    p, m = _open_map(browser, sample_kg, tmp_path)
    shot = tmp_path / "concept_map_page.png"
    p.page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    # the header counts are the map's own, and match it
    counts = p.page.inner_text("#counts")
    assert f"{m.number_of_nodes()} concepts" in counts
    assert f"{m.number_of_edges()} links" in counts
    assert f"{m.graph['communities']} clusters" in counts
    assert "0 articles" not in counts and "authors" not in counts
    assert p.js("kgraphViewer.nodeView.length") == m.number_of_nodes()
    assert p.js("kgraphViewer.edgeView.length") == m.number_of_edges()
    # only filters that work: no feed, author, date, hub or kind filter on a map
    for row in ("feed-row", "author-row", "date-row", "hubs-row", "view-section", "kind-filter"):
        assert p.js(f"document.getElementById('{row}').offsetParent") is None, row
    # the top concept of every cluster is labelled, and no two labels overlap
    best = {n for n, d in m.nodes(data=True) if d["cluster_rank"] == 0}
    labelled = set(p.js("kgraphViewer.labelled()"))
    assert best <= labelled
    boxes = p.js(LABEL_BOXES)
    assert len(boxes) == len(labelled) >= len(best)
    assert _overlapping(boxes) == []
    assert len(p.js("kgraphViewer.clusterNames()")) == m.graph["communities"]
    # the legend lists the clusters and the colours
    legend = p.page.inner_text("#legend")
    assert all(name in legend for name in m.graph["cluster_labels"].split("|"))
    assert "Colour: concept type" in legend
    assert p.non_local_requests() == [] and p.foreign_requests() == []
    assert p.errors == []


def test_escape_and_empty_click_clear_the_selection(browser, sample_kg, tmp_path: Path) -> None:  # noqa: F811
    p, m = _open_map(browser, sample_kg, tmp_path)
    node = next(n for n, d in m.nodes(data=True) if d["cluster_rank"] == 0)
    p.js(f"kgraphViewer.focusNode({node!r})")
    p.page.wait_for_timeout(400)
    assert p.js("kgraphViewer.selected()") == node
    assert p.js("document.getElementById('details').dataset.node") == node
    # the concept's articles over time
    assert p.js("document.querySelectorAll('#details .sparkline rect').length") >= 1
    shot = tmp_path / "concept_selected.png"
    p.page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    p.page.keyboard.press("Escape")
    assert p.js("kgraphViewer.selected()") is None
    assert p.js("kgraphViewer.network.getSelectedNodes()") == []
    assert p.js("document.getElementById('details').dataset.node") is None
    assert "Click a node" in p.page.inner_text("#details")
    # select again, then click on empty canvas (a corner of the network area)
    p.js(f"kgraphViewer.focusNode({node!r})")
    p.page.wait_for_timeout(400)
    box = p.page.locator("#network").bounding_box()
    p.page.mouse.click(box["x"] + 5, box["y"] + box["height"] - 5)
    assert p.js("kgraphViewer.selected()") is None
    assert "Click a node" in p.page.inner_text("#details")
    assert p.errors == [] and p.non_local_requests() == []


def test_graph_page_opens_on_labelled_concepts(browser, sample_kg, tmp_path: Path) -> None:  # noqa: F811
    p = Page(browser, write_html(sample_kg.graph, tmp_path / "graph.html"))
    p.wait_until("window.kgraphReady === true")
    p.page.wait_for_timeout(400)
    shot = tmp_path / "graph_page.png"
    p.page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    ids = p.js("kgraphViewer.visibleIds()")
    assert ids and all(i.startswith("concept:") for i in ids)
    boxes = p.js(LABEL_BOXES)
    assert len(boxes) >= 20
    assert _overlapping(boxes) == []
    # the palette's colours: at most ten groups in the type filter
    assert p.js("document.querySelectorAll('#type-filter input').length") <= 10
    p.page.check("input[name=mode][value=full]")
    assert p.js("kgraphViewer.nodeView.length") == sample_kg.graph.number_of_nodes()
    assert p.errors == [] and p.non_local_requests() == []


# every visible node's disc, as [id, x, y, radius] in canvas units
DISCS = """() => {
  const net = kgraphViewer.network, pos = net.getPositions(kgraphViewer.visibleIds());
  return Object.keys(pos).map(id => [id, pos[id].x, pos[id].y, net.body.nodes[id].options.size]);
}"""


def _overlapping_discs(discs: list) -> int:
    return sum(
        1
        for i, a in enumerate(discs)
        for b in discs[i + 1 :]
        if (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2 < (a[3] + b[3]) ** 2
    )


def test_big_graph_opens_on_concepts_laid_out_apart(
    browser,  # noqa: F811
    sample_kg,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A big graph's page (positions from the GraphML layout, physics off) opens
    on its top concepts laid out on their own, not crowded in the middle of the
    whole graph's layout; the full graph gets its own layout back."""
    from kgraph.export import page_data
    from kgraph.export.style import decoration

    monkeypatch.setattr(page_data, "LAYOUT_NODE_LIMIT", 100)  # the sample graph counts as big
    graph = sample_kg.graph
    page = write_html(graph, tmp_path / "graph.html", positions=decoration(graph).positions())
    p = Page(browser, page)
    p.wait_until("window.kgraphReady === true")
    p.page.wait_for_timeout(400)
    shot = tmp_path / "big_graph_page.png"
    p.page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    assert p.js("kgraphViewer.network.physics.options.enabled") is False
    discs = p.js(DISCS)
    assert len(discs) == 150 and all(d[0].startswith("concept:") for d in discs)
    assert _overlapping_discs(discs) <= len(discs) // 20
    boxes = p.js(LABEL_BOXES)
    assert len(boxes) >= 40 and _overlapping(boxes) == []
    concept = discs[0][0]
    data = p.js(f"kgraphViewer.nodes.get({concept!r})")
    here = p.js(f"kgraphViewer.network.getPositions([{concept!r}])[{concept!r}]")
    p.page.check("input[name=mode][value=full]")  # the whole graph's layout again
    there = p.js(f"kgraphViewer.network.getPositions([{concept!r}])[{concept!r}]")
    assert (round(there["x"]), round(there["y"])) != (round(here["x"]), round(here["y"]))
    assert p.js(f"kgraphViewer.nodes.get({concept!r}).x") != data["x"]
    p.page.check("input[name=mode][value=map]")
    back = p.js(f"kgraphViewer.network.getPositions([{concept!r}])[{concept!r}]")
    assert (round(back["x"]), round(back["y"])) == (round(here["x"]), round(here["y"]))
    assert p.errors == [] and p.non_local_requests() == []
