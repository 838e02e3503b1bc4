"""CLI pieces for builds at scale: the build cache options and ``kgraph cache``,
and the engine options of ``kgraph build``.

    kgraph build feeds/                 # uses ./.kgraph-cache/ beside outputs/
    kgraph build feeds/ --no-cache
    kgraph build feeds/ --engine dask --scheduler tcp://10.0.0.5:8786
    kgraph cache info
    kgraph cache clear [--stale]
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from kgraph.catalogue.load import load_catalogue
from kgraph.cli.exits import PolicyGroup, failing_on
from kgraph.pipeline import BuildCache, clear_cache, default_cache_dir

__all__ = ["build_perf_options", "cache", "open_cache"]

_CACHE_DIR_HELP = (
    "Build cache folder (default: $KGRAPH_CACHE_DIR, else .kgraph-cache beside the output folder)."
)


def build_perf_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--no-cache``, ``--cache-dir``, ``--engine`` and ``--scheduler`` options."""
    options = [
        click.option(
            "--no-cache",
            is_flag=True,
            help="Analyse every article again; do not read or write the cache.",
        ),
        click.option("--cache-dir", type=click.Path(file_okay=False), help=_CACHE_DIR_HELP),
        click.option(
            "--engine",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
            help="Where cleaning and extraction run: this machine, or a Dask cluster.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask scheduler (tcp://HOST:8786) for --engine dask; default: a local cluster of --jobs workers.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@contextlib.contextmanager
def open_cache(no_cache: bool, cache_dir: str | None, outdir: str) -> Iterator[BuildCache | None]:
    """The build cache for a build writing into ``outdir`` (None with --no-cache)."""
    if no_cache:
        yield None
        return
    cache = BuildCache(cache_dir or default_cache_dir(outdir), load_catalogue().version)
    try:
        yield cache
    finally:
        cache.close()


@click.group(cls=PolicyGroup)
def cache() -> None:
    """Inspect or clear the build cache."""


def _dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "-o",
        "--output",
        "outdir",
        default="outputs",
        show_default=True,
        help="Output folder of the builds (the cache sits beside it).",
    )(func)
    return click.option("--cache-dir", type=click.Path(file_okay=False), help=_CACHE_DIR_HELP)(func)


@cache.command()
@_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(cache_dir: str | None, outdir: str, as_json: bool) -> None:
    """Where the cache is, its size and its entries (current catalogue or stale)."""
    folder = Path(cache_dir) if cache_dir else default_cache_dir(outdir)
    if not (folder / "cache.sqlite").exists():
        out: dict[str, Any] = {"path": str(folder / "cache.sqlite"), "bytes": 0}
    else:
        with (
            failing_on(OSError, prefix=f"{folder}: cannot read the cache: "),
            BuildCache(folder, load_catalogue().version, max_age_days=10**6) as c,
        ):
            out = c.info()
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(f"{out['path']}: {out['bytes'] / 1e6:.1f} MB")
    for table in ("analysis", "feeds"):
        if table in out:
            t = out[table]
            click.echo(f"  {table:10} {t['entries']:7} entries ({t['stale']} stale)")
    for table in ("files", "http", "catalogues"):
        if table in out:
            click.echo(f"  {table:10} {out[table]['entries']:7} entries")


@cache.command()
@_dir_option
@click.option(
    "--stale", is_flag=True, help="Only drop entries of other catalogue or kgraph versions."
)
def clear(cache_dir: str | None, outdir: str, stale: bool) -> None:
    """Delete the build cache (or only its stale entries)."""
    folder = Path(cache_dir) if cache_dir else default_cache_dir(outdir)
    with failing_on(OSError, prefix=f"{folder}: cannot clear the cache: "):
        if stale:
            with BuildCache(folder, load_catalogue().version, max_age_days=10**6) as c:
                n = c.prune_stale()
            click.echo(f"removed {n} stale entries from {folder / 'cache.sqlite'}")
            return
        freed = clear_cache(folder)
    click.echo(f"cleared {folder / 'cache.sqlite'} ({freed / 1e6:.1f} MB)")
