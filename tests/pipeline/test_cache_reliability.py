"""Issue 26: a cache of the wrong schema is reset once, and a full disk is
freed of the failed cache; a write that fails names its file."""

from __future__ import annotations

import errno
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph.fileio import atomic_open
from kgraph.pipeline.cache import CACHE_FILE, BuildCache

pytestmark = pytest.mark.issue(26)


@pytest.mark.parametrize(
    "tables",
    [
        ["CREATE TABLE meta (a, b)"],
        ["CREATE TABLE analysis (x INTEGER)"],
        ["CREATE TABLE feeds (key TEXT PRIMARY KEY)", "CREATE TABLE unrelated (y)"],
    ],
)
def test_valid_sqlite_of_another_schema_is_reset_once(tmp_path: Path, tables: list[str]) -> None:
    db = sqlite3.connect(tmp_path / CACHE_FILE)
    for sql in tables:
        db.execute(sql)
    db.commit()
    db.close()
    first = BuildCache(tmp_path, "v1")
    assert first.enabled
    assert len(first.problems) == 1 and "it was reset and will be rebuilt" in first.problems[0]
    first.close()
    assert (tmp_path / f"{CACHE_FILE}.corrupt").exists()
    again = BuildCache(tmp_path, "v1")
    assert again.enabled and again.problems == []  # reported once, not on every build
    again.close()


def test_disk_full_deletes_the_failed_cache_and_its_wal(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "v1")
    cache.remember_file(str(tmp_path / "f.xml"), "sig", None, "key")
    assert (tmp_path / f"{CACHE_FILE}-wal").exists()
    cache._failed(sqlite3.OperationalError("database or disk is full"))
    assert not cache.enabled
    assert "the disk is full: the cache was deleted" in cache.problems[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_failed_write_names_its_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.graphml"
    full = r"No space left on device: '.*graph\.graphml'"
    with pytest.raises(OSError, match=full), atomic_open(target) as fh:
        fh.write("x")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []


SCRIPT = """
set -e
mount -t tmpfs -o size=2m tmpfs "$1"
cd "$1"
"$2" -m kgraph build -o "$1/out" --cache-dir "$1/cache" 2>"$1/err" || echo "exit $?" >> "$1/err"
cat "$1/err"
ls -a "$1/cache" 2>/dev/null || true
df -k "$1" | tail -1
"""


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_a_build_on_a_full_disk_leaves_it_as_it_found_it(tmp_path: Path) -> None:
    """A 2 MB tmpfs (in a private mount namespace): the cache fills it, is
    deleted, and the output error names the file it could not write."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    cmd = ["unshare", "-rm", "sh", "-c", SCRIPT, "sh", str(mnt), sys.executable]
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no user and mount namespaces here")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if "mount:" in proc.stderr:
        pytest.skip(f"cannot mount a tmpfs: {proc.stderr.strip()}")
    out = proc.stdout
    assert "exit 2" in out, out
    assert "the disk is full: the cache was deleted" in out
    assert "No space left on device: '" in out and "/out/graph." in out
    assert "cache.sqlite" not in out.split("the cache was deleted")[-1].split("\n", 2)[-1]
    used = int(out.strip().splitlines()[-1].split()[2])
    assert used < 100, out  # kilobytes: nothing of the build is left
