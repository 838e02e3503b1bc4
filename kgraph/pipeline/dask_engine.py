"""The Dask engine: parse, clean and extract feeds on a Dask distributed cluster.

The client (the ``kgraph build`` process) reads the feeds' bytes (files
locally, URLs with the cache's conditional GETs) and sends each feed not in
the build cache to the cluster as one task (:func:`kgraph.pipeline.task.run_feed`):
the worker parses it, cleans and extracts its articles with its own copy of
the catalogue (sent once, with ``scatter(broadcast=True)``) and returns the
articles without HTML, light texts and mentions, which the client merges
into the graph in input order. A worker on the client's machine skips the
articles whose analyses the cache file holds (read-only); elsewhere it
analyses them all. The client counts and stores as with the local engine,
and the result is the same graph.

With no scheduler address a :class:`distributed.LocalCluster` is started
(worker processes on this machine); with one, an existing cluster is used::

    dask scheduler                          # on the scheduler host, port 8786
    dask worker tcp://HOST:8786             # on each worker host (kgraph installed)
    kgraph build feeds/ --engine dask --scheduler tcp://HOST:8786

Dask is an optional extra (``pip install 'kgraph[dask]'``); importing kgraph
does not need it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from kgraph.catalogue.concepts import Catalogue
from kgraph.errors import KgraphError
from kgraph.pipeline.runner import Engine, run_task
from kgraph.records import FeedTask

__all__ = ["dask_submit"]

LOGGER = logging.getLogger(__name__)


def _import_dask() -> Any:
    try:
        import distributed
    except ImportError as err:
        raise KgraphError(
            "the dask engine needs Dask distributed, which is not installed; "
            "run: pip install 'kgraph[dask]' (or use --engine local)"
        ) from err
    return distributed


@contextlib.contextmanager
def dask_submit(
    catalogue: Catalogue, scheduler: str | None = None, workers: int = 2
) -> Iterator[Engine]:
    """Connect to ``scheduler`` (or start a local cluster of ``workers``
    processes) and yield an :class:`~kgraph.pipeline.runner.Engine` whose futures
    run on the cluster: feeds are parsed and their articles analysed there.
    The cluster is closed on exit (a remote one is only disconnected from).

    Raises :class:`~kgraph.errors.KgraphError` if Dask is missing or the
    scheduler cannot be reached.
    """
    distributed = _import_dask()
    if not LOGGER.isEnabledFor(logging.INFO):
        # importing distributed sets its loggers to INFO; keep them as quiet as kgraph's
        logging.getLogger("distributed").setLevel(logging.WARNING)
    cluster = None
    try:
        if scheduler:
            client = distributed.Client(scheduler, timeout="20s")
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: 8787 may be taken
                # dask's own handlers print INFO lines; kgraph's verbosity decides
                silence_logs=logging.DEBUG if LOGGER.isEnabledFor(logging.DEBUG) else logging.ERROR,
            )
            client = distributed.Client(cluster)
    except (OSError, TimeoutError) as err:
        if cluster is not None:
            cluster.close()
        where = scheduler or "a local cluster"
        raise KgraphError(
            f"cannot connect to the Dask scheduler at {where}: {err}; "
            "check the address (tcp://HOST:8786) and that `dask scheduler` is running"
        ) from err
    LOGGER.info("dask engine: %s", client)
    try:
        cat = client.scatter(catalogue, broadcast=True)

        def run(task: FeedTask) -> Any:
            return client.submit(run_task, task, cat, pure=False)

        yield Engine(run=run, workers=workers, window=2 * workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
