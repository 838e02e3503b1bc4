"""One format registry (kgraph.export.formats) for the API and the CLI (issue 19)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import kgraph
from kgraph.api import FORMATS as API_FORMATS
from kgraph.cli.app import main
from kgraph.errors import KgraphError
from kgraph.export.formats import FORMATS, check_formats

pytestmark = pytest.mark.issue(19)

# formats whose bytes do not depend on the graph having been read back from a file
# (GraphML keeps the decoration computed once; the page embeds its build stamp)
SAME_BYTES = ["gexf", "cytoscape", "json", "turtle"]


def test_the_api_and_the_cli_share_one_registry():
    assert API_FORMATS is FORMATS
    assert set(FORMATS) == {
        "graphml",
        "html",
        "json",
        "gexf",
        "cytoscape",
        "neo4j",
        "markdown",
        "turtle",
    }
    export = main.get_command(None, "export")
    choice = next(p for p in export.params if p.name == "fmt").type
    assert list(choice.choices) == list(FORMATS)
    build_help = CliRunner().invoke(main, ["build", "--help"]).output
    assert ", ".join(FORMATS) in " ".join(build_help.split())


@pytest.mark.parametrize("fmt", SAME_BYTES)
def test_kg_write_matches_kgraph_export(fmt, sample_kg, tmp_path):
    graph_file = sample_kg.write(tmp_path / "cli", ["json"])["json"]
    loaded = kgraph.load(graph_file)
    api_out = loaded.write(tmp_path / "api", [fmt])[fmt]
    assert api_out == tmp_path / "api" / FORMATS[fmt].filename
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--graph", str(graph_file)])
    assert result.exit_code == 0, result.output
    cli_out = graph_file.parent / FORMATS[fmt].filename
    assert api_out.read_bytes() == cli_out.read_bytes()


def test_kg_write_gexf_and_neo4j(sample_kg, tmp_path):
    written = sample_kg.write(tmp_path, ["gexf", "neo4j"])
    assert written == {"gexf": tmp_path / "graph.gexf", "neo4j": tmp_path / "neo4j"}
    assert b"<gexf" in written["gexf"].read_bytes()
    assert (tmp_path / "neo4j" / "load.cypher").is_file()


def test_build_writes_any_registered_format(tmp_path):
    result = CliRunner().invoke(
        main, ["build", "--format", "gexf,cytoscape", "-o", str(tmp_path), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.cyjs", "graph.gexf"]


def test_unknown_formats_are_named(sample_kg, tmp_path):
    with pytest.raises(KgraphError, match=r"unknown format\(s\) pdf, dot; choose from graphml"):
        sample_kg.write(tmp_path, ["json", "pdf", "dot"])
    assert list(tmp_path.iterdir()) == []  # checked before anything is written
    assert check_formats([" GEXF ", "", "json"]) == ["gexf", "json"]
    with pytest.raises(KgraphError, match=r"\(none\)"):
        check_formats([""])
