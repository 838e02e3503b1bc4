"""The Dask engine gives the local engine's graph (issue 7)."""

from __future__ import annotations

import sys

import pytest

import kgraph

pytestmark = pytest.mark.issue(7)


def _extractor_versions() -> list[str]:
    """Runs on each worker: the catalogue versions it built an extractor for
    (extractors are kept by catalogue version and whether they discover terms)."""
    module = sys.modules.get("kgraph.extract.extractor")
    return sorted({version for version, _discover in module._EXTRACTORS}) if module else []


def test_dask_engine_equals_local_engine(tmp_path, monkeypatch):
    distributed = pytest.importorskip(
        "distributed", reason="Dask is not installed (pip install 'kgraph[dask]')"
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    local = kgraph.build().write_json(tmp_path / "local.json")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        kg = kgraph.build(engine="dask", scheduler=cluster.scheduler_address)
        with distributed.Client(cluster) as client:
            # the work really ran on the cluster's worker processes
            ran = client.run(_extractor_versions)
    assert kg.report.articles == 31
    assert local.read_bytes() == kg.write_json(tmp_path / "dask.json").read_bytes()
    assert len(ran) == 2
    assert any(versions == [kg.catalogue.version] for versions in ran.values())


def test_missing_dask_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    with pytest.raises(kgraph.KgraphError, match=r"pip install 'kgraph\[dask\]'"):
        kgraph.build(engine="dask")


def test_unreachable_scheduler_is_a_kgraph_error():
    pytest.importorskip("distributed", reason="Dask is not installed")
    with pytest.raises(kgraph.KgraphError, match="cannot connect to the Dask scheduler"):
        kgraph.build(engine="dask", scheduler="tcp://127.0.0.1:9")


def test_unknown_engine():
    with pytest.raises(kgraph.KgraphError, match="unknown engine 'spark'"):
        kgraph.build(engine="spark")
