"""The ``kgraph`` command line: a thin layer over the Python API.

Each command parses its options, calls one API function, prints, and exits
0 (success), 1 (some inputs failed but outputs were written) or 2 (usage
error, missing input, or nothing could be built): the policy of
:mod:`kgraph.cli.exits`, which every command follows.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from kgraph import api
from kgraph.cli.cache import build_perf_options, open_cache
from kgraph.cli.exits import PolicyGroup, error, fail, failing_on, finish
from kgraph.cli.options import graph_option
from kgraph.cli.progress import StageBar
from kgraph.cli.terminal import one_line, say, say_json
from kgraph.errors import KgraphError
from kgraph.export import PAGE_MAX_ARTICLES
from kgraph.export.formats import FORMATS, check_formats
from kgraph.records import Limits
from kgraph.version import kgraph_version


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    # per-item problems are summarised by the build command; show them with -v
    if not verbose:
        logging.getLogger("kgraph").setLevel(logging.CRITICAL)
    # kgraph's warnings and errors are in the build report, which the command
    # prints itself (as "warning: ..."): logged too, -v printed each twice
    for handler in logging.getLogger().handlers:
        if type(handler) is logging.StreamHandler and not any(
            isinstance(f, _InTheReport) for f in handler.filters
        ):
            handler.addFilter(_InTheReport())


class _InTheReport(logging.Filter):
    """Drops kgraph's warning and error records (the report has them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        reported = logging.WARNING <= record.levelno < logging.CRITICAL
        return not (reported and record.name.startswith("kgraph"))


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version is looked up only when asked for (importlib.metadata)."""
    if value and not ctx.resilient_parsing:
        click.echo(f"kgraph, version {kgraph_version()}")
        ctx.exit()


@click.group(cls=PolicyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """Build a knowledge graph of tech concepts from tech-blog feeds.

    \b
    Examples:
      kgraph build                         # the bundled sample feeds
      kgraph build feeds/ https://blog.example.org/rss.xml -o outputs
      kgraph build subscriptions.opml --format graphml,json
    """


@main.command()
@click.argument("sources", nargs=-1)
@click.option(
    "-o",
    "--output",
    "outdir",
    default="outputs",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the graph files to.",
)
@click.option(
    "--format",
    "formats",
    default="graphml,html,json",
    show_default=True,
    help=f"Comma-separated output formats: {', '.join(FORMATS)}.",
)
@click.option(
    "--max-feed-bytes",
    type=click.IntRange(1),
    default=Limits.max_feed_bytes,
    show_default=True,
    help="Largest feed file or HTTP response read.",
)
@click.option(
    "--max-items",
    type=click.IntRange(1),
    default=Limits.max_items_per_feed,
    show_default=True,
    help="Most items read from one feed.",
)
@click.option(
    "--max-article-chars",
    type=click.IntRange(1),
    default=Limits.max_article_chars,
    show_default=True,
    help="Longest article body kept (characters).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=Limits.timeout,
    show_default=True,
    help="Seconds before an HTTP fetch gives up.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Worker processes for parsing, cleaning and extraction (with --engine dask and no --scheduler: local cluster workers).",
)
@click.option(
    "--max-redirects",
    type=click.IntRange(0),
    default=Limits.max_redirects,
    show_default=True,
    help="Most HTTP redirects followed per URL.",
)
@click.option(
    "--page-articles",
    type=click.IntRange(0),
    default=PAGE_MAX_ARTICLES,
    show_default=True,
    help="Most articles the HTML page shows, the most recent (0: all); GraphML and JSON keep all.",
)
@click.option(
    "--no-discover",
    is_flag=True,
    help="Leave out the names no catalogue entry holds (concept nodes of type term).",
)
@build_perf_options
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", count=True, help="Print every warning (-vv: debug).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def build(
    sources: tuple[str, ...],
    outdir: str,
    formats: str,
    max_feed_bytes: int,
    max_items: int,
    max_article_chars: int,
    timeout: float,
    jobs: int,
    max_redirects: int,
    page_articles: int,
    no_discover: bool,
    no_cache: bool,
    cache_dir: str | None,
    engine: str,
    scheduler: str | None,
    quiet: bool,
    verbose: int,
    as_json: bool,
) -> None:
    """Build the graph from SOURCES (feed files, folders, URLs, OPML lists).

    With no SOURCE, the two bundled sample feeds are used. Writes
    graph.graphml, graph.html and graph.json into the output folder.

    \b
    Examples:
      kgraph build
      kgraph build ~/feeds/ -o site/graph --format html
      kgraph build https://dev.to/feed/someone --timeout 10
      kgraph build ~/feeds/ --no-discover      # catalogue concepts only
    """
    _setup_logging(verbose, quiet)
    try:
        fmts = check_formats(formats.split(","))
    except KgraphError as err:
        raise click.UsageError(str(err)) from err
    limits = Limits(
        max_feed_bytes=max_feed_bytes,
        max_items_per_feed=max_items,
        max_article_chars=max_article_chars,
        timeout=timeout,
        max_redirects=max_redirects,
    )

    # a bar per stage, writing included, on a terminal only (never with -q or --json)
    progress = StageBar(None if not (quiet or as_json) else False)
    with failing_on(), open_cache(no_cache, cache_dir, outdir) as cache, progress:
        kg = api.build(
            list(sources),
            limits=limits,
            jobs=jobs,
            progress=progress,
            cache=cache,
            engine=engine,
            scheduler=scheduler,
            discover=not no_discover,
        )
    report = kg.report
    # a reset cache is worth one line always; the others are counted unless -v
    shown = [] if verbose else [m for m in report.warnings if "build cache" in m]
    for msg in shown:
        say(f"warning: {msg}", err=True)
    for msg in report.errors:
        error(msg)
    if verbose:
        for msg in report.warnings:
            say(f"warning: {msg}", err=True)
    elif len(report.warnings) > len(shown) and not quiet:
        hidden = len(report.warnings) - len(shown)
        say(f"{hidden} warning(s); run with -v to see them", err=True)
    if report.articles == 0:
        fail("no articles could be read; nothing was written")
    with failing_on(OSError, prefix="cannot write outputs: "), progress:
        written = kg.write(outdir, fmts, page_articles=page_articles or None, progress=progress)
    summary = kg.build_summary(written)
    if as_json:
        say_json(json.dumps(summary, indent=2))
    elif not quiet:
        say(
            f"{summary['articles']} articles from {summary['feeds']} feeds "
            f"({report.duplicates} duplicates skipped) in {report.seconds:.1f}s\n"
            f"{summary['mentioned_concepts']} concepts mentioned ({summary['concepts']} with broader ones), "
            f"{summary['authors']} authors, {summary['tags']} tags, {summary['edges']} edges"
        )
        top = ", ".join(f"{one_line(c['name'])} ({c['articles']})" for c in summary["top_concepts"])
        say(f"top concepts: {top}")
        if report.cache_hits or report.cache_misses:
            say(f"cache: {report.cache_hits} articles reused, {report.cache_misses} analysed")
        for fmt, path in written.items():
            say(f"wrote {fmt:8} {path}")
    finish(len(report.errors))


@main.command()
@graph_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(graph_path: str, as_json: bool) -> None:
    """Summarise a built graph: counts per kind and the top concepts.

    \b
    Examples:
      kgraph info
      kgraph info --graph site/graph.graphml --json
    """
    with failing_on():
        kg = api.load(graph_path)
    summary = kg.summary()
    summary.update(
        {k: kg.graph.graph.get(k, "") for k in ("kgraph_version", "catalogue_version", "built")}
    )
    if as_json:
        say_json(json.dumps(summary, indent=2))
        return
    say(f"{Path(graph_path)}: built {summary['built']} by kgraph {summary['kgraph_version']}")
    for key in ("articles", "concepts", "authors", "tags", "feeds", "edges"):
        say(f"  {key:9} {summary[key]}")
    for c in summary["top_concepts"]:
        say(f"  {c['articles']:4}  {one_line(c['name'])}")


@main.command()
@click.argument("path", default="outputs/graph.html", type=click.Path(dir_okay=False))
def view(path: str) -> None:
    """Open the graph's HTML page in your browser (or print its path).

    \b
    Examples:
      kgraph view
      kgraph view site/graph/graph.html
    """
    import webbrowser

    page = Path(path)
    if not page.is_file():
        fail(f"{path}: no such page; write one with `kgraph build --format html`")
    uri = page.resolve().as_uri()
    try:
        opened = webbrowser.get().open(uri)
    except webbrowser.Error:
        opened = False
    click.echo(f"opened {uri}" if opened else f"no browser found; open this file: {page.resolve()}")


# Commands that live in their own modules; imported last because they use main
# from this one.
from kgraph.cli.cache import cache as _cache_group  # noqa: E402
from kgraph.cli.catalogue import candidates_cmd, eval_cmd  # noqa: E402
from kgraph.cli.export import export  # noqa: E402
from kgraph.cli.queries import QUERY_COMMANDS  # noqa: E402
from kgraph.cli.site import SITE_COMMANDS  # noqa: E402

for _command in (eval_cmd, candidates_cmd, export, _cache_group, *QUERY_COMMANDS, *SITE_COMMANDS):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
