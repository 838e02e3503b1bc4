"""``kgraph eval`` and ``kgraph candidates``: check and grow the concept catalogue."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from kgraph import api
from kgraph.cli.exits import error, fail, failing_on, finish
from kgraph.extract.evaluate import candidates, evaluate
from kgraph.records import Article


def _read(sources: Sequence[str]) -> tuple[list[Article], int]:
    """The articles of ``sources`` and how many sources failed (each printed
    as an ``error:`` line); exits 2 if no article could be read."""
    with failing_on():
        _feeds, found, report = api.read_articles(list(sources))
    for msg in report.errors:
        error(msg)
    if not found:
        fail("no articles could be read")
    return found, len(report.errors)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


@click.command("eval")
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--articles/--no-articles", default=True, help="Print one line per article.")
def eval_cmd(sources: tuple[str, ...], as_json: bool, articles: bool) -> None:
    """Compare the authors' tags of SOURCES with the concepts found in the text.

    \b
    Examples:
      kgraph eval                      # the bundled sample feeds
      kgraph eval feeds/ --json
    """
    found, failed = _read(sources)
    report = evaluate(found)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        finish(failed)
    if articles:
        for a in report.articles:
            click.echo(
                f"{len(a.found)}/{len(a.resolved)} tags found, {len(a.named)} named  {a.title[:70]}"
            )
            if a.missed_named:
                click.echo(f"    missed (named in text): {', '.join(a.missed_named)}")
            if a.unresolved:
                click.echo(f"    unresolved: {', '.join(a.unresolved)}")
            if a.untagged:
                click.echo(f"    salient, untagged: {', '.join(a.untagged)}")
    t = report.total
    click.echo(
        f"{t['articles']} articles, {t['tags']} tags, {t['tags_resolved']} resolve to a concept\n"
        f"tag recall (raw):             {_pct(t['tag_recall'])} ({t['tags_found']}/{t['tags_resolved']})\n"
        f"recall over tags text names:  {_pct(t['named_recall'])} ({t['tags_named_found']}/{t['tags_named']})\n"
        f"unresolved tags: {', '.join(t['unresolved_tags']) or '-'}"
    )
    finish(failed)


@click.command("candidates")
@click.argument("sources", nargs=-1)
@click.option(
    "--min-articles",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Seen in at least this many articles.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Print at most this many.",
)
def candidates_cmd(sources: tuple[str, ...], min_articles: int, limit: int) -> None:
    """Print the names in SOURCES the catalogue does not know, as JSONL.

    The discovered terms a build shows (concept nodes of type term), most
    widespread first, then authors' tags that resolve to no concept. Each
    line is a catalogue entry with type TODO and a note (where and how it was
    seen, one evidence sentence): set the type, parents and url, drop the
    note, then paste it into models/concepts/<file>.jsonl.

    \b
    Examples:
      kgraph candidates feeds/ --limit 20
    """
    found, failed = _read(sources)
    for entry in candidates(found, min_articles=min_articles)[:limit]:
        click.echo(json.dumps(entry, ensure_ascii=False))
    finish(failed)
