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
