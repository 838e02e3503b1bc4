from __future__ import annotations

import shutil

import pytest

from kgraph.errors import FeedError
from kgraph.ingest.fetch import read_source
from kgraph.ingest.sources import expand
from kgraph.records import Limits
from tests.conftest import FEEDS


def test_folder_is_walked_recursively_and_sorted(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(FEEDS / "rss2.xml", tmp_path / "a" / "b" / "z.xml")
    shutil.copy(FEEDS / "atom.xml", tmp_path / "a" / "feed.atom")
    (tmp_path / "notes.txt").write_text("not a feed")
    sources = expand([str(tmp_path)])
    assert [s.location.rsplit("/", 1)[1] for s in sources] == ["z.xml", "feed.atom"]
    assert {s.kind for s in sources} == {"file"}


def test_missing_path_is_one_clear_error():
    errors: list[str] = []
    assert expand(["/no/such/feed.xml"], errors) == []
    assert errors == ["/no/such/feed.xml: no such file or folder"]


def test_unsupported_scheme_is_refused():
    with pytest.raises(FeedError, match="unsupported URL scheme 'ftp'"):
        expand(["ftp://example.org/feed.xml"])


def test_file_size_cap(tmp_path):
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(FeedError, match="larger than the 1,000-byte limit"):
        read_source(expand([str(big)])[0], Limits(max_feed_bytes=1000))
