"""``kgraph eval`` and ``kgraph candidates``: check and grow the concept catalogue."""

from __future__ import annotations

import json

import click

from kgraph import api
from kgraph.errors import KgraphError
from kgraph.extract.evaluate import candidates, evaluate


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
    try:
        report = evaluate(api.read_articles(list(sources))[1])
    except KgraphError as err:
        raise click.ClickException(str(err)) from err
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
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


@click.command("candidates")
@click.argument("sources", nargs=-1)
@click.option(
    "--min-articles", default=2, show_default=True, help="Seen in at least this many articles."
)
@click.option("--limit", default=50, show_default=True, help="Print at most this many.")
def candidates_cmd(sources: tuple[str, ...], min_articles: int, limit: int) -> None:
    """Print frequent terms of SOURCES the catalogue does not know, as JSONL.

    Each line is a catalogue entry with type TODO: set the type, parents and
    url, then paste it into models/concepts/<file>.jsonl.

    \b
    Examples:
      kgraph candidates feeds/ --limit 20
    """
    try:
        found = candidates(api.read_articles(list(sources))[1], min_articles=min_articles)
    except KgraphError as err:
        raise click.ClickException(str(err)) from err
    for entry in found[:limit]:
        click.echo(json.dumps(entry, ensure_ascii=False))
