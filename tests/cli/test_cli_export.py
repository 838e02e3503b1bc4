"""`kgraph export`, `python -m kgraph`, `--version` and `--help` (issue 9)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner

from kgraph.cli.app import main
from kgraph.export.formats import FORMATS

pytestmark = pytest.mark.issue(9)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph_file(sample_kg, tmp_path_factory) -> Path:
    return sample_kg.write_graphml(tmp_path_factory.mktemp("cli") / "graph.graphml")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_writes_each_format_next_to_the_graph(fmt, sample_kg, graph_file):
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--graph", str(graph_file)])
    assert result.exit_code == 0, result.output
    target = graph_file.parent / FORMATS[fmt].filename
    assert f"wrote {target}" in result.output
    n_nodes = sample_kg.graph.number_of_nodes()
    if fmt in ("graphml", "gexf"):
        reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
        assert reader(target).number_of_nodes() == n_nodes
    elif fmt in ("cytoscape", "json"):
        doc = json.loads(target.read_text(encoding="utf-8"))
        nodes = doc["elements"]["nodes"] if fmt == "cytoscape" else doc["nodes"]
        assert len(nodes) == n_nodes
    elif fmt == "html":
        from tests.export.test_export_html import page_data

        assert len(page_data(target.read_text(encoding="utf-8"))["nodes"]) == n_nodes
    elif fmt == "neo4j":
        rows = 0
        for p in target.glob("nodes_*.csv"):
            with open(p, encoding="utf-8", newline="") as fh:
                rows += sum(1 for _ in csv.DictReader(fh))
        assert rows == n_nodes
        assert "neo4j-admin database import full" in result.output
        assert "cypher-shell" in result.output
    elif fmt == "markdown":  # one note per article and per concept with an article
        n_articles = len(sample_kg.nodes_of("article"))
        assert n_articles < len(list(target.glob("*/*.md"))) < n_nodes
    else:
        rdf = rdflib.Graph().parse(target, format="turtle")
        assert len(rdf) > n_nodes


def test_export_to_a_chosen_file_with_an_iri_base(graph_file, tmp_path):
    out = tmp_path / "deep" / "kg.ttl"
    result = CliRunner().invoke(
        main,
        [
            "export",
            "-f",
            "turtle",
            "--graph",
            str(graph_file),
            "-o",
            str(out),
            "--base",
            "https://x.org/",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "<https://x.org/concept/aws-lambda>" in out.read_text(encoding="utf-8")


def test_export_errors_name_the_file_and_exit_nonzero(tmp_path):
    missing = tmp_path / "nope.graphml"
    result = CliRunner().invoke(main, ["export", "-f", "gexf", "--graph", str(missing)])
    assert result.exit_code == 2
    assert str(missing) in result.output and "kgraph build" in result.output
    result = CliRunner().invoke(main, ["export", "-f", "dot", "--graph", str(missing)])
    assert result.exit_code == 2 and "'dot' is not one of" in result.output


@pytest.mark.parametrize("command", [[], ["build"], ["info"], ["export"]])
def test_every_command_has_help_with_examples(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "kgraph " in result.output


def test_python_dash_m_kgraph_and_version_from_metadata():
    run = subprocess.run(
        [sys.executable, "-m", "kgraph", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"kgraph, version {version('kgraph')}"
    run = subprocess.run(
        [sys.executable, "-m", "kgraph", "export", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0 and "neo4j" in run.stdout


def test_py_typed_marker_is_in_the_package():
    assert (ROOT / "kgraph" / "py.typed").is_file()
