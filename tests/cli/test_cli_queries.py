"""The query commands, run with click's CliRunner on a graph written to a temp folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli.app import main
from kgraph.export.graphml import read_graphml

pytestmark = pytest.mark.issue(5)


@pytest.fixture(scope="module")
def graph_file(sample_kg, tmp_path_factory) -> str:
    return str(sample_kg.write_graphml(tmp_path_factory.mktemp("q") / "graph.graphml"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> dict:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_related_json(graph_file: str) -> None:
    data = run_json("related", "Versioning for Amazon S3", "-k", "3", "--graph", graph_file)
    assert data["article"]["title"] == "Understanding Versioning for Amazon S3 Buckets"
    assert len(data["related"]) == 3
    first = data["related"][0]
    assert set(first) == {"article", "title", "url", "score", "shared", "reasons", "published"}
    assert all("S3" in r["title"] for r in data["related"])
    assert first["reasons"][0]["kind"] == "shared_concept"
    shared = [r for r in first["reasons"] if r["kind"] == "shared_concept"]
    assert {
        "kind": "shared_concept",
        "weight": next(r["weight"] for r in shared if r["concept"] == "amazon-s3"),
        "concept": "amazon-s3",
        "name": "Amazon S3",
        "detail": "",
    } in shared


def test_related_table(graph_file: str) -> None:
    code, out, _ = run("related", "Go Channels", "-k", "2", "--graph", graph_file)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith('Related to "Go Channels: Complete Guide')
    assert lines[2].split() == ["score", "article", "date", "because", "of"]
    assert "Understanding Goroutines" in lines[4] and "Goroutine" in lines[4]
    assert "2026-03-01" in lines[4] and "words: goroutines" in lines[4]
    score = float(lines[4].split()[0])
    assert 0 < score <= 1


def test_articles_by_alias(graph_file: str) -> None:
    data = run_json("articles", "golang", "--graph", graph_file)
    assert data["concept"] == {"concept": "go", "name": "Go"}
    assert data["articles"][0]["title"].startswith("Go Channels")
    code, out, _ = run("articles", "Lambda", "--graph", graph_file)
    assert code == 0 and "about AWS Lambda (aws-lambda)" in out
    assert "via AWS Lambda layers" in out


def test_articles_exact_and_limit(graph_file: str) -> None:
    rolled = run_json("articles", "AWS", "--graph", graph_file)["articles"]
    exact = run_json("articles", "AWS", "--exact", "--graph", graph_file)["articles"]
    assert len(rolled) > len(exact)
    assert all(a["matched"] == "aws" for a in exact)
    assert len(run_json("articles", "AWS", "-n", "2", "--graph", graph_file)["articles"]) == 2


def test_concepts_of_article_and_top(graph_file: str) -> None:
    data = run_json("concepts", "Go Channels", "--graph", graph_file)
    assert data["concepts"][0]["concept"] == "go-channel"
    top = run_json("concepts", "-n", "3", "--graph", graph_file)
    assert top["by"] == "articles"
    assert top["concepts"][0]["concept"] == "aws"
    assert len(top["concepts"]) == 3
    code, out, _ = run("concepts", "--by", "pagerank", "-n", "2", "--graph", graph_file)
    assert code == 0 and out.splitlines()[0].split()[:3] == ["articles", "rolled-up", "pagerank"]


def test_show_card(graph_file: str) -> None:
    code, out, _ = run("show", "S3", "--graph", graph_file)
    assert code == 0
    assert out.splitlines()[0] == "Amazon S3  (amazon-s3, aws-service)"
    assert "broader:   AWS, Object storage" in out
    assert "Top articles" in out
    card = run_json("show", "golang", "--graph", graph_file)
    assert card["name"] == "Go" and "golang" in [a.lower() for a in card["aliases"]]
    assert {c["concept"] for c in card["children"]} >= {"go-goroutine", "go-channel"}


def test_path(graph_file: str) -> None:
    data = run_json("path", "golang", "S3", "--graph", graph_file)
    assert data["steps"][0]["node"] == "concept:go"
    assert data["steps"][-1]["node"] == "concept:amazon-s3"
    assert data["explanation"].startswith("Go -[")
    code, out, _ = run("path", "golang", "S3", "--graph", graph_file)
    assert code == 0 and out.splitlines()[0] == data["explanation"]


def test_map_graphml(graph_file: str, tmp_path: Path) -> None:
    data = run_json(
        "map",
        "--min-articles",
        "2",
        "-o",
        str(tmp_path),
        "--format",
        "graphml",
        "--graph",
        graph_file,
    )
    assert data["hubs"] == ["aws"]
    assert data["errors"] == []
    g = read_graphml(data["files"]["graphml"])
    assert g.number_of_nodes() == data["concepts"] > 10
    assert {d["community"] for _, d in g.nodes(data=True)} == {c["id"] for c in data["communities"]}
    bigger = run_json(
        "map",
        "--min-articles",
        "3",
        "-o",
        str(tmp_path),
        "--format",
        "graphml",
        "--graph",
        graph_file,
    )
    assert bigger["concepts"] < data["concepts"]


def test_map_html(graph_file: str, tmp_path: Path) -> None:
    pytest.importorskip("kgraph.export.html")
    code, _, err = run("map", "-o", str(tmp_path), "--graph", graph_file)
    assert code == 0, err
    assert (tmp_path / "concept_map.html").stat().st_size > 0
    assert (tmp_path / "concept_map.graphml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("articles", "kubernetess"), "did you mean 'Kubernetes'"),
        (("related", "Understanding"), "matches 5 articles"),
        (("related", "no such article at all"), "no article matches"),
        (("show", "Rust"), "no article in this graph mentions it"),
        (("map", "--format", "pdf"), "unknown format(s) pdf"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    graph_file: str, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(*args, "--graph", graph_file)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert message in err


def test_missing_graph_file(tmp_path: Path) -> None:
    code, _, err = run("concepts", "--graph", str(tmp_path / "none.graphml"))
    assert code == 2
    assert "cannot read graph" in err and "kgraph build" in err


@pytest.mark.issue(26)
def test_map_writes_beside_the_graph(graph_file: str, tmp_path: Path, monkeypatch) -> None:
    """Like `kgraph export`, `kgraph map --graph DIR/graph.graphml` writes into DIR."""
    import shutil

    folder = tmp_path / "site"
    folder.mkdir()
    graph = shutil.copy(graph_file, folder / "graph.graphml")
    monkeypatch.chdir(tmp_path)
    code, _, err = run("map", "--graph", str(graph), "--format", "graphml")
    assert code == 0, err
    assert (folder / "concept_map.graphml").exists()
    assert not (tmp_path / "outputs").exists()
