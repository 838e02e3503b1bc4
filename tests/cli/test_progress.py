"""The build's progress bar (issue 24): one bar per stage, writing included,
on a terminal only; ``-q`` and ``--json`` keep it off."""

from __future__ import annotations

import pytest

from kgraph.cli.progress import StageBar


@pytest.mark.issue(24)
def test_a_bar_per_stage_writing_included(capsys: pytest.CaptureFixture[str]) -> None:
    with StageBar(enabled=True) as bar:
        for done in range(4):
            bar("read", done, 3)
        bar("graph", 0, 1)
        bar("graph", 1, 1)
        for done in range(3):
            bar("write", done, 2)
    err = capsys.readouterr().err
    for label in ("reading feeds", "building graph", "writing files"):
        assert label in err
    assert "0/3" in err and "0/2" in err


@pytest.mark.issue(24)
def test_off_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with StageBar() as bar:  # pytest's stderr is no terminal
        bar("read", 1, 2)
    assert capsys.readouterr().err == ""
    with StageBar(enabled=False) as bar:  # -q, --json
        bar("read", 1, 2)
    assert capsys.readouterr().err == ""
