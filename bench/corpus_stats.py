"""Markup density of feeds: how much HTML a word of article text carries.

The cost of feedparser's sanitiser, of BeautifulSoup and of kgraph's own
cleaning grows with the tags, attributes and entities of the article HTML,
not only with its words, so a benchmark corpus is only realistic if its
markup is. This prints, per feed and for all of them, the words per article
and, per word of text, the HTML bytes, tags, attributes, entities and
``<span>`` elements (syntax-highlighted code), and code blocks per article:

    python bench/corpus_stats.py ../shared/feeds/dev/*.xml kgraph/samples/*.xml
    python bench/corpus_stats.py /tmp/kgraph-corpus-1000-*/feed-0000[0-2].xml
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kgraph.ingest.feeds import _richest_body

_TAG = re.compile(r"<[a-zA-Z]")
_ATTR = re.compile(r"""\s[a-zA-Z-]+=["']""")
_ENTITY = re.compile(r"&#?[a-zA-Z0-9]+;")
_ANY_TAG = re.compile(r"<[^>]*>")


@dataclass
class Density:
    articles: int = 0
    html_bytes: int = 0
    words: int = 0
    tags: int = 0
    attrs: int = 0
    entities: int = 0
    spans: int = 0
    code_blocks: int = 0

    def add(self, body: str) -> None:
        self.articles += 1
        self.html_bytes += len(body.encode())
        self.words += len(_ANY_TAG.sub(" ", body).split())
        self.tags += len(_TAG.findall(body))
        self.attrs += len(_ATTR.findall(body))
        self.entities += len(_ENTITY.findall(body))
        self.spans += body.count("<span")
        self.code_blocks += body.count("<pre")

    def merge(self, other: Density) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self, label: str) -> str:
        w = max(1, self.words)
        n = max(1, self.articles)
        return (
            f"{label:<40} {self.articles:>6} {self.words / n:>7.0f} {self.html_bytes / w:>7.2f}"
            f" {self.tags / w:>6.3f} {self.attrs / w:>6.3f} {self.entities / w:>6.3f}"
            f" {self.spans / w:>6.3f} {self.code_blocks / n:>6.1f}"
        )


HEADER = f"{'feed':<40} {'items':>6} {'words':>7} {'B/word':>7} {'tags':>6} {'attrs':>6} {'ents':>6} {'spans':>6} {'pre':>6}"


def feed_density(path: Path) -> Density:
    """Markup density of one feed's article bodies (the richest body of each
    item, as kgraph reads it)."""
    parsed = feedparser.parse(str(path), sanitize_html=False, resolve_relative_uris=False)
    d = Density()
    for entry in parsed.entries:
        d.add(_richest_body(entry))
    return d


def density(paths: Iterable[Path]) -> Density:
    """Markup density of several feeds together."""
    total = Density()
    for path in paths:
        total.merge(feed_density(path))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("feeds", nargs="+", type=Path)
    args = parser.parse_args()
    print(HEADER)
    print("(words per item; B/word .. spans per word of text; pre per item)")
    total = Density()
    for path in args.feeds:
        d = feed_density(path)  # each feed parsed once, for its line and the total
        print(d.line(path.name[:40]))
        total.merge(d)
    print(total.line("all"))


if __name__ == "__main__":
    main()
