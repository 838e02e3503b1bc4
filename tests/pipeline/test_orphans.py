"""Issue 26: a `--jobs 2` build killed with SIGKILL leaves no process behind
(its workers went on, one for 17 minutes, with the multiprocessing helpers)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgraph.ingest.sources import SAMPLES_DIR

pytestmark = [
    pytest.mark.issue(26),
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc"),
]


def _group(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group ``pgid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rpartition(b")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":
            found.append(int(entry))
    return found


def test_sigkill_of_a_jobs_2_build_leaves_no_process(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(40):  # enough work that the workers are busy when it is killed
        for p in SAMPLES_DIR.glob("*.xml"):
            shutil.copy(p, corpus / f"{i:02d}-{p.name}")
    cmd = [sys.executable, "-m", "kgraph", "build", str(corpus), "--jobs", "2"]
    proc = subprocess.Popen(
        [*cmd, "-o", str(tmp_path / "out"), "--no-cache"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the build and all it starts
    )
    pgid = proc.pid
    try:
        deadline = time.monotonic() + 90
        # the build, the forkserver and two workers (and the resource tracker)
        while len(_group(pgid)) < 4 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None, "the build ended before it could be killed"
        time.sleep(1.0)  # the workers at work
        assert len(_group(pgid)) >= 4, _group(pgid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        killed = time.monotonic()
        while _group(pgid) and time.monotonic() - killed < 5.0:
            time.sleep(0.1)
        left = _group(pgid)
        assert left == [], f"still running {time.monotonic() - killed:.1f}s after the kill: {left}"
    finally:
        for pid in _group(pgid):  # never leave a failing test's processes behind
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
