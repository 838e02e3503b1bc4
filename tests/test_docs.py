"""The ```python examples of docs/ecosystem.md run (```py blocks need a model we do not ship)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kgraph.extract.spacy_component  # noqa: F401  (registers the factory, as the entry point does)

pytestmark = pytest.mark.issue(9)

DOC = Path(__file__).resolve().parents[1] / "docs" / "ecosystem.md"


def test_python_examples_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})
    out = capsys.readouterr().out
    assert "('AWS Lambda functions', 'aws-lambda', 'aws-service')" in out
    assert "'concept:aws'" in out  # Amazon S3's broader concepts


ROOT = Path(__file__).resolve().parents[1]


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
