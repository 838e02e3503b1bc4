"""Query commands of the ``kgraph`` CLI: related, articles, concepts, show, path, map.

Each command loads the graph (``--graph``, default ``outputs/graph.graphml``),
calls one :class:`~kgraph.api.KnowledgeGraph` method and prints a table, or
with ``--json`` the stable JSON documented in docs/queries.md. A name that
matches nothing (or several things), or a missing graph, is one ``error:``
line and exit code 2 (the policy of :mod:`kgraph.cli.exits`).
The commands are registered on the group in :mod:`kgraph.cli.app` (import that).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kgraph import api
from kgraph.cli.exits import error, fail, failing_on, finish
from kgraph.cli.options import graph_option, period_error
from kgraph.cli.terminal import one_line, say, say_json
from kgraph.errors import KgraphError
from kgraph.export import MAP_FORMATS

if TYPE_CHECKING:  # kgraph.query (networkx) is imported by the commands that query
    from kgraph.query import ArticleRef, Reason

__all__ = ["QUERY_COMMANDS"]

_json_option = click.option("--json", "as_json", is_flag=True, help="Print stable JSON.")


def _load(graph_path: str) -> api.KnowledgeGraph:
    """The graph at ``graph_path``; a missing or unreadable file exits 2."""
    with failing_on():
        return api.load(graph_path)


def _run(func: Callable[[], Any]) -> Any:
    """Call a query; a KgraphError (unknown or ambiguous name) exits 2."""
    with failing_on():
        return func()


def _print_json(data: Any) -> None:
    say_json(json.dumps(data, indent=2, ensure_ascii=False))


def _cut(text: str, width: int) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]) -> None:
    """Print rows as aligned columns; each column is cut to its maximum width."""
    cells = [[_cut(str(c), w) for c, w in zip(row, widths, strict=True)] for row in rows]
    sizes = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(s) for h, s in zip(headers, sizes, strict=True)).rstrip()
    say(line)
    say("  ".join("-" * s for s in sizes))
    for r in cells:
        say("  ".join(c.ljust(s) for c, s in zip(r, sizes, strict=True)).rstrip())


def _article_ref(kg: api.KnowledgeGraph, article: str) -> ArticleRef:
    return kg.index.article_ref(_run(lambda: kg.index.resolve_article(article)))


@click.command()
@click.argument("article")
@click.option("-k", "k", type=click.IntRange(min=1), default=5, show_default=True, help="How many.")
@graph_option
@_json_option
def related(article: str, k: int, graph_path: str, as_json: bool) -> None:
    """Articles related to ARTICLE (a URL, guid or part of its title), with why.

    \b
    Examples:
      kgraph related "Versioning for Amazon S3" -k 3
      kgraph related https://blog.example.org/post --json
    """
    kg = _load(graph_path)
    ref = _article_ref(kg, article)
    hits = _run(lambda: kg.related(ref.article, k=k))
    if as_json:
        _print_json({"article": ref.to_dict(), "related": [h.to_dict() for h in hits]})
        return
    say(f'Related to "{one_line(ref.title)}" ({one_line(ref.url or ref.article)})\n')
    if not hits:
        say("no related article: it shares no concept, word, link or author with another")
        return
    rows = [(f"{h.score:.3f}", h.title, h.published[:10], _because(h.reasons)) for h in hits]
    _table(("score", "article", "date", "because of"), rows, (6, 56, 10, 80))


def _because(reasons: list[Reason]) -> str:
    """One line of reasons: concepts (most specific first), shared words, link, author or feed.

    >>> from kgraph.query import Reason
    >>> _because([Reason("shared_concept", 0.2, "amazon-s3", "Amazon S3"),
    ...           Reason("broader_concept", 0.1, "aws", "AWS", "via AWS Lambda"),
    ...           Reason("shared_terms", 0.3, detail="bucket, versioning"), Reason("links_to", 0.08),
    ...           Reason("same_author", 0.2, detail="Ann")])
    'Amazon S3, AWS (via AWS Lambda); words: bucket, versioning; links to it; same author (Ann)'
    """
    concepts, rest = [], []
    for r in reasons:
        if r.kind == "shared_concept":
            concepts.append(r.name)
        elif r.kind == "broader_concept":
            concepts.append(f"{r.name} ({r.detail})" if r.detail else r.name)
        elif r.kind == "shared_terms":
            rest.append(f"words: {r.detail}")
        elif r.kind == "links_to":
            rest.append("links to it")
        elif r.kind == "linked_from":
            rest.append("linked from it")
        else:
            rest.append(f"{r.kind.replace('_', ' ')} ({r.detail})" if r.detail else r.kind)
    return "; ".join(([", ".join(concepts[:4])] if concepts else []) + rest)


@click.command()
@click.argument("concept")
@click.option("--exact", is_flag=True, help="Only the concept itself, not narrower ones.")
@click.option("-n", "limit", type=click.IntRange(min=1), default=None, help="At most N articles.")
@graph_option
@_json_option
def articles(concept: str, exact: bool, limit: int | None, graph_path: str, as_json: bool) -> None:
    """Articles about CONCEPT (id, name or any alias), narrower concepts included.

    \b
    Examples:
      kgraph articles golang
      kgraph articles AWS --exact -n 10
    """
    kg = _load(graph_path)
    cid = _run(lambda: kg.index.resolve_concept(concept))
    hits = _run(lambda: kg.articles_about(cid, narrower=not exact, limit=limit))
    name = kg.index.concept_name(cid)
    if as_json:
        _print_json(
            {
                "concept": {"concept": cid, "name": name},
                "narrower": not exact,
                "articles": [h.to_dict() for h in hits],
            }
        )
        return
    say(f"{len(hits)} article(s) about {one_line(name)} ({one_line(cid)})\n")
    rows = [
        (
            f"{h.weight:.2f}",
            h.published[:10],
            h.title,
            "" if h.matched == cid else f"via {h.matched_name}",
        )
        for h in hits
    ]
    _table(("weight", "published", "article", "matched"), rows, (6, 10, 70, 40))


@click.command()
@click.argument("article", required=False)
@click.option(
    "--by",
    type=click.Choice(["articles", "rolled_up", "pagerank"]),
    default="articles",
    show_default=True,
    help="Ranking of the top concepts (without ARTICLE).",
)
@click.option(
    "-n", "n", type=click.IntRange(min=1), default=20, show_default=True, help="How many."
)
@graph_option
@_json_option
def concepts(article: str | None, by: str, n: int, graph_path: str, as_json: bool) -> None:
    """Concepts ARTICLE mentions; without ARTICLE, the graph's top concepts.

    \b
    Examples:
      kgraph concepts "Go Channels"
      kgraph concepts --by pagerank -n 10
    """
    kg = _load(graph_path)
    if article is None:
        top = _run(lambda: kg.top_concepts(n, by=by))
        if as_json:
            _print_json({"by": by, "concepts": [t.to_dict() for t in top]})
            return
        rows = [
            (t.articles, t.rolled_up, f"{t.pagerank:.4f}", t.name, t.concept, t.type) for t in top
        ]
        _table(
            ("articles", "rolled-up", "pagerank", "concept", "id", "type"),
            rows,
            (8, 9, 8, 30, 30, 14),
        )
        return
    ref = _article_ref(kg, article)
    hits = _run(lambda: kg.concepts_of(ref.article))
    if as_json:
        _print_json({"article": ref.to_dict(), "concepts": [h.to_dict() for h in hits]})
        return
    say(f'Concepts of "{one_line(ref.title)}"\n')
    rows = [(f"{h.weight:.2f}", h.count, h.name, h.type, h.evidence) for h in hits]
    _table(("weight", "count", "concept", "type", "evidence"), rows, (6, 5, 30, 14, 70))


@click.command()
@click.argument("concept")
@graph_option
@_json_option
def show(concept: str, graph_path: str, as_json: bool) -> None:
    """A concept card: names, type, hierarchy, top articles and neighbours.

    \b
    Example:
      kgraph show S3
    """
    kg = _load(graph_path)
    card = _run(lambda: kg.concept_card(concept))
    if as_json:
        _print_json(card.to_dict())
        return
    say(f"{one_line(card.name)}  ({one_line(card.concept)}, {one_line(card.type)})")
    if card.url:
        say(f"  docs:      {one_line(card.url)}")
    if card.aliases:
        say(f"  aliases:   {_cut(', '.join(card.aliases), 100)}")
    say(f"  broader:   {', '.join(one_line(p.name) for p in card.parents) or '-'}")
    say(f"  narrower:  {_cut(', '.join(c.name for c in card.children), 100) or '-'}")
    say(f"  articles:  {card.articles} ({card.rolled_up} with narrower concepts)")
    if card.top_articles:
        say("\nTop articles")
        for h in card.top_articles:
            via = "" if h.matched == card.concept else f"  [via {one_line(h.matched_name)}]"
            say(f"  {h.weight:.2f}  {_cut(h.title, 80)}{via}")
    if card.neighbours:
        say("\nOften together with")
        say("  " + ", ".join(f"{one_line(nb.name)} ({nb.articles})" for nb in card.neighbours))


@click.command()
@click.argument("a")
@click.argument("b")
@graph_option
@_json_option
def path(a: str, b: str, graph_path: str, as_json: bool) -> None:
    """How concepts A and B connect, through articles and the concept hierarchy.

    \b
    Example:
      kgraph path golang S3
    """
    kg = _load(graph_path)
    found = _run(lambda: kg.path(a, b))
    if found is None:
        src, dst = kg.index.resolve_concept(a), kg.index.resolve_concept(b)
        if as_json:
            _print_json(
                {"source": src, "target": dst, "cost": None, "steps": [], "explanation": ""}
            )
        else:
            say(
                f"{one_line(kg.index.concept_name(src))} and {one_line(kg.index.concept_name(dst))}"
                " are not connected"
            )
        return
    if as_json:
        _print_json({**found.to_dict(), "explanation": found.explain()})
        return
    say(one_line(found.explain()) + "\n")
    for i, step in enumerate(found.steps):
        arrow = f"-[{step.relation}]-> " if step.relation else ""
        label = f'"{one_line(step.label)}"' if step.kind == "article" else one_line(step.label)
        say(f"  {i}. {arrow}{label}")
        if step.evidence:
            say(f"       “{_cut(step.evidence, 110)}”")


@click.command(name="map")
@click.option(
    "--min-articles",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Concepts mentioned by fewer articles are left out.",
)
@click.option(
    "--min-support",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Articles two concepts must share for an edge.",
)
@click.option(
    "--max-share",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Concepts in more than this share of the articles (hubs) are left out.",
)
@click.option(
    "-o",
    "--output",
    "outdir",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder to write the map to. Default: the folder of --graph.",
)
@click.option(
    "--format",
    "formats",
    default="graphml,html",
    show_default=True,
    help="Comma-separated: graphml, html, svg, png.",
)
@click.option(
    "--keep-generic",
    is_flag=True,
    help="Also draw generic concepts (umbrella topics, names dropped in passing, a blog's boilerplate).",
)
@click.option(
    "--since", metavar="DATE", help="Only articles published on or after DATE (YYYY[-MM[-DD]])."
)
@click.option(
    "--until", metavar="DATE", help="Only articles published on or before DATE (YYYY[-MM[-DD]])."
)
@graph_option
@_json_option
def concept_map(
    min_articles: int,
    min_support: int,
    max_share: float,
    outdir: str | None,
    formats: str,
    keep_generic: bool,
    since: str | None,
    until: str | None,
    graph_path: str,
    as_json: bool,
) -> None:
    """Write the concept map: the backbone of the concepts' co-occurrence, in named
    clusters, coloured by concept type.

    Writes concept_map.graphml, .html, .svg and/or .png into the output folder
    (by default the folder of the graph file).

    \b
    Examples:
      kgraph map
      kgraph map --format svg,png -o docs/
      kgraph map --since 2024-01 --until 2024-06 --format html
    """
    fmts = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in fmts if f not in MAP_FORMATS]
    if bad or not fmts:
        fail(
            f"unknown format(s) {', '.join(bad) or '(none)'}; choose from {', '.join(MAP_FORMATS)}"
        )
    problem = period_error(since, until)
    if problem:
        fail(problem)
    from kgraph.export.concept_map import write_concept_map  # networkx: imported on use
    from kgraph.query import communities_of

    kg = _load(graph_path)
    if outdir is None:  # beside the graph, as `kgraph export` writes
        outdir = str(Path(graph_path).parent)
    cmap = kg.concept_map(
        min_articles, min_support, max_share, keep_generic=keep_generic, since=since, until=until
    )
    written: dict[str, str] = {}
    problems: list[str] = []
    for fmt in fmts:
        try:
            paths = write_concept_map(cmap, outdir, [fmt])
            written.update({k: str(v) for k, v in paths.items()})
        except (ImportError, KgraphError, OSError) as err:
            problems.append(f"cannot write {fmt}: {err}")
    comms = communities_of(cmap)
    hubs = [h for h in str(cmap.graph.get("hubs", "")).split("|") if h]
    if as_json:
        _print_json(
            {
                "files": written,
                "concepts": cmap.number_of_nodes(),
                "edges": cmap.number_of_edges(),
                "hubs": hubs,
                "generic": [h for h in str(cmap.graph.get("generic", "")).split("|") if h],
                "communities": [c.to_dict() for c in comms],
                "errors": problems,
            }
        )
    else:
        say(
            f"concept map: {cmap.number_of_nodes()} concepts, {cmap.number_of_edges()} edges, "
            f"{len(comms)} clusters; coloured by concept type"
        )
        if hubs:
            say(f"hubs left out: {', '.join(one_line(kg.index.concept_name(h)) for h in hubs)}")
        generic = [g for g in str(cmap.graph.get("generic", "")).split("|") if g]
        if generic:
            names = ", ".join(one_line(kg.index.concept_name(g)) for g in generic[:12])
            more = f" and {len(generic) - 12} more" if len(generic) > 12 else ""
            say(f"generic concepts hidden (--keep-generic shows them): {names}{more}")
        for c in comms[:10]:
            say(f"  {c.colour}  {c.size:3}  {one_line(c.label)}")
        for fmt, p in written.items():
            say(f"wrote {fmt:8} {p}")
    for msg in problems:
        error(msg)
    finish(len(problems), written=bool(written))


#: Registered on ``kgraph.cli.app.main``.
QUERY_COMMANDS = (related, articles, concepts, show, path, concept_map)
