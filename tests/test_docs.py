"""Every ```python example of the README and docs/ runs, offline, as written,
and so does every ``$ kgraph ...`` line of the README's console examples.

A block runs in a fresh folder holding ``feeds/`` (a copy of the bundled
sample feeds) and ``outputs/`` (their graph), after the blocks before it in
the same file (they share one namespace). A block that cannot run offline
says so on its first line: ``# doc-test: skip (why)``; ```py blocks need a
spaCy model kgraph does not ship and are not run.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

import kgraph
import kgraph.extract.spacy_component  # (registers the factory, as the entry point does)
from kgraph.ingest.sources import SAMPLES_DIR

pytestmark = pytest.mark.issue(9)

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP = "# doc-test: skip"


def python_blocks(doc: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", doc.read_text(encoding="utf-8"), flags=re.S | re.M)


@pytest.fixture(scope="module")
def sample_outputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    kgraph.build().write(folder / "outputs", ["graphml"])
    return folder / "outputs"


def run_examples(doc: Path, folder: Path, sample_outputs: Path, monkeypatch) -> tuple[dict, int]:
    """Run ``doc``'s blocks in ``folder``; the namespace and how many ran."""
    shutil.copytree(SAMPLES_DIR, folder / "feeds")
    shutil.copytree(sample_outputs, folder / "outputs")
    monkeypatch.chdir(folder)
    namespace: dict = {}
    ran = 0
    for block in python_blocks(doc):
        if block.startswith(SKIP):
            continue
        exec(compile(block, str(doc), "exec"), namespace)
        ran += 1
    return namespace, ran


@pytest.mark.issue(19)
@pytest.mark.parametrize("doc", [d for d in DOCS if python_blocks(d)], ids=lambda d: d.name)
def test_python_examples_run_as_written(doc, tmp_path, sample_outputs, monkeypatch):
    blocks = python_blocks(doc)
    namespace, ran = run_examples(doc, tmp_path, sample_outputs, monkeypatch)
    assert ran == len(blocks) - sum(b.startswith(SKIP) for b in blocks) >= 1
    if doc.name == "README.md":
        assert namespace["kg"].summary()["articles"] == 31
        assert {"go-goroutine", "go-channel"} <= {kb for _text, kb in namespace["found"]}
        assert (tmp_path / "outputs" / "graph.gexf").is_file()
        assert (tmp_path / "outputs" / "neo4j" / "load.cypher").is_file()


def test_skipped_examples_are_rare():
    blocks = [b for d in DOCS for b in python_blocks(d)]
    skipped = [b for b in blocks if b.startswith(SKIP)]
    assert len(skipped) <= 2 and len(blocks) >= 6
    assert all(re.match(r"# doc-test: skip \(.+\)", b) for b in skipped)  # each says why


def test_ecosystem_examples_print_what_the_doc_says(tmp_path, sample_outputs, monkeypatch, capsys):
    run_examples(ROOT / "docs" / "ecosystem.md", tmp_path, sample_outputs, monkeypatch)
    out = capsys.readouterr().out
    assert "('AWS Lambda functions', 'aws-lambda', 'aws-service')" in out
    assert "'concept:aws'" in out  # Amazon S3's broader concepts


@pytest.mark.issue(19)
def test_the_schema_is_in_the_project_and_nothing_points_outside_it():
    found = []
    for folder in ("kgraph", "docs", "bench", "scripts"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".md", ".txt") and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                found += [f"{path}: {m}" for m in re.findall(r"DESIGN\.md|\.\./shared", text)]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert found == [] and "DESIGN.md" not in readme and "../shared" not in readme
    assert "](docs/schema.md)" in readme
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for name in ("co_occurs", "links_to", "SOURCE_DATE_EPOCH", "article_count", "evidence"):
        assert name in schema


#: README command lines that cannot run offline here, by a word they hold: a
#: placeholder, the network, a Dask cluster, the [rdf] extra
OFFLINE_ONLY = ("|", "[-o", "~/", "https://", "--engine dask", "turtle")


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```console\n(.*?)^```", text, flags=re.S | re.M)
    lines = [line[2:] for b in blocks for line in b.splitlines() if line.startswith("$ kgraph ")]
    return [line.split("  #")[0].strip() for line in lines]


@pytest.mark.issue(19)
def test_readme_commands_run_as_written(tmp_path, monkeypatch):
    """The README's ``$ kgraph ...`` lines, in order, in a folder holding
    ``feeds/`` (the bundled samples); ``old/`` is a copy of the first build."""
    import webbrowser

    from click.testing import CliRunner

    from kgraph.cli.app import main

    monkeypatch.setattr(webbrowser, "get", lambda *a, **k: (_ for _ in ()).throw(webbrowser.Error))
    shutil.copytree(SAMPLES_DIR, tmp_path / "feeds")
    monkeypatch.chdir(tmp_path)
    commands = readme_commands()
    ran = []
    for command in commands:
        if any(word in command for word in OFFLINE_ONLY):
            continue
        result = CliRunner().invoke(main, shlex.split(command)[1:])
        assert result.exit_code == 0, f"{command}: {result.output}"
        ran.append(command)
        if command == "kgraph build":
            shutil.copytree(tmp_path / "outputs", tmp_path / "old")
    assert len(ran) >= len(commands) - 5 and "kgraph build" in ran
    assert (tmp_path / "docs" / "concept_map.svg").is_file()
    assert (tmp_path / "k8s.xml").is_file() and (tmp_path / "site" / "index.html").is_file()
