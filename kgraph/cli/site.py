"""Follow a concept (issue 25): ``kgraph site``, ``kgraph feed``, ``kgraph diff``
and ``kgraph digest``. Thin commands over :mod:`kgraph.export.site`,
:mod:`kgraph.export.atom`, :mod:`kgraph.query.diff` and
:mod:`kgraph.export.digest`; they follow the exit-code policy of
:mod:`kgraph.cli.exits` and are registered on the group in :mod:`kgraph.cli.app`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from kgraph import api
from kgraph.cli.exits import error, fail, failing_on, finish
from kgraph.cli.options import graph_option, period_error

__all__ = ["SITE_COMMANDS"]


def _load(graph_path: str) -> api.KnowledgeGraph:
    with failing_on():
        return api.load(graph_path)


@click.command(name="site")
@graph_option
@click.option(
    "-o",
    "--output",
    "outdir",
    default="outputs/site",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the site to.",
)
@click.option("--no-map", is_flag=True, help="Leave the concept map picture out of the index.")
def site_cmd(graph_path: str, outdir: str, no_map: bool) -> None:
    """Write a static site: an index with the concept map and a search box,
    a page per concept, article and author, and an Atom feed per concept.

    The folder works from file:// and on any static host; no page makes a
    request off the machine.

    \b
    Examples:
      kgraph site -o site/
      kgraph site --graph other/graph.json -o /var/www/concepts
    """
    from kgraph.export.site import write_site
    from kgraph.query.index import GraphIndex

    kg = _load(graph_path)
    start = time.perf_counter()
    with failing_on(OSError, prefix=f"{outdir}: cannot write: "):
        # no catalogue: the site names no concept from user input (saves loading it)
        report = write_site(kg.graph, outdir, index=GraphIndex(kg.graph), concept_map=not no_map)
    for msg in report.problems:
        error(msg)
    click.echo(
        f"wrote {report.concepts} concept pages and feeds, {report.articles} article pages, "
        f"{report.authors} author pages in {time.perf_counter() - start:.1f}s\n"
        f"open {Path(outdir) / 'index.html'}"
    )
    finish(len(report.problems))


@click.command(name="feed")
@click.argument("concept")
@click.option("--include-narrower", is_flag=True, help="Also the articles about narrower concepts.")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="Atom file to write [default: <concept>.xml next to --graph].",
)
@graph_option
def feed_cmd(concept: str, include_narrower: bool, output: str | None, graph_path: str) -> None:
    """Write the Atom feed of CONCEPT (id, name or alias): its articles,
    newest first, each with its link, date and evidence sentence.

    \b
    Examples:
      kgraph feed Kubernetes --include-narrower -o kubernetes.xml
      kgraph feed golang
    """
    from kgraph.export.atom import concept_entries, write_concept_feed
    from kgraph.export.digest import term_text
    from kgraph.export.safe_text import file_slug

    kg = _load(graph_path)
    with failing_on():
        cid = kg.index.resolve_concept(concept)
    target = Path(output) if output else Path(graph_path).parent / f"{file_slug(cid)}.xml"
    with failing_on(OSError):
        write_concept_feed(kg.index, cid, target, narrower=include_narrower)
    count = len(concept_entries(kg.index, cid, include_narrower))
    name = term_text(kg.index.concept_name(cid))  # a discovered term's name is feed text
    click.echo(f"wrote {target}: {count} article(s) about {name}")


@click.command(name="diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "-n",
    "n",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many concepts whose counts rose or fell most, and new pairs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print stable JSON.")
def diff_cmd(old: str, new: str, n: int, as_json: bool) -> None:
    """What changed between two builds (GraphML or JSON): articles, concepts
    and authors added and removed, the concepts whose article counts rose or
    fell most, and new co-occurring pairs.

    \b
    Examples:
      kgraph diff last-week/graph.graphml outputs/graph.graphml
      kgraph diff old.json new.json --json
    """
    from kgraph.export.digest import diff_text
    from kgraph.query.diff import diff_graphs

    before, after = _load(old), _load(new)
    result = diff_graphs(before.graph, after.graph, top=n)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(diff_text(result))


@click.command(name="digest")
@click.option(
    "--since",
    required=True,
    metavar="DATE",
    help="Articles published on or after DATE (YYYY[-MM[-DD]]).",
)
@click.option("--until", metavar="DATE", help="And on or before DATE (YYYY[-MM[-DD]]).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "html"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="File to write [default: print it].",
)
@graph_option
def digest_cmd(
    since: str, until: str | None, fmt: str, output: str | None, graph_path: str
) -> None:
    """What appeared in the feeds since DATE: the articles, the concepts
    they discuss most and the concepts seen for the first time.

    \b
    Examples:
      kgraph digest --since 2024-09
      kgraph digest --since 2024-09-01 --format html -o digest.html
    """
    from kgraph.export.digest import render_digest
    from kgraph.query.diff import digest

    problem = period_error(since, until)
    if problem:
        fail(problem)
    kg = _load(graph_path)
    result = digest(kg.index, since, until)
    text = render_digest(result, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    from kgraph.fileio import atomic_open

    with failing_on(OSError, prefix=f"{output}: cannot write: "), atomic_open(output) as fh:
        fh.write(text)
    click.echo(f"wrote {output}: {len(result.articles)} article(s) since {since}")


#: Registered on ``kgraph.cli.app.main``.
SITE_COMMANDS = (site_cmd, feed_cmd, diff_cmd, digest_cmd)
