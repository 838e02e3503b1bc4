"""Term discovery, the build: which terms a build shows.

A :class:`TermTally` counts the terms of every article
(:func:`kgraph.extract.terms.article_terms`) and keeps, by :func:`keeps`, the
ones a build shows as concept nodes with ``type="term"`` and
``curated="false"``, ranked for promotion into the catalogue
(docs/catalogue.md, "Names the catalogue lacks").

>>> keeps(TermStats(articles=2, count=2, kinds={"cap", "prose"}))
True
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kgraph.extract.terms import is_term
from kgraph.records import Mention

__all__ = ["ALONE", "TermStats", "TermTally", "alone", "keeps"]

#: the kind of a term found in an article that names no catalogue concept
ALONE = "alone"


def alone(m: Mention) -> Mention:
    """A term mention marked as found in an article naming no catalogue concept
    (:func:`keeps` then wants it in a second article).

    >>> alone(Mention("netra", 1, 0.7, "Netra", "Netra", (("term", "cap+title"),))).extra
    (('term', 'cap+title+alone'),)
    """
    mark, kinds = m.extra[0]
    return replace(m, extra=((mark, f"{kinds}+{ALONE}"), *m.extra[1:]))


@dataclass
class TermStats:
    """What a build saw of one term: in how many articles, how many times,
    how (``kinds``: shapes, code kinds, ``prose``, ``title``, ``heading``),
    its spellings, and the evidence of its most salient mention."""

    articles: int = 0
    count: int = 0
    kinds: set[str] = field(default_factory=set)
    spellings: Counter[str] = field(default_factory=Counter)
    weight: float = -1.0
    evidence: str = ""

    @property
    def name(self) -> str:
        """The commonest spelling (ties: the first in sort order)."""
        return min(self.spellings, key=lambda s: (-self.spellings[s], s))


#: a package that only builds something else: a library's headers, a toolchain
_BUILD_DEPENDENCY = re.compile(r"^lib|-(?:dev|devel|headers)$|^build-essential$", re.I)


def keeps(t: TermStats) -> bool:
    """Whether a build shows a term as a node (docs/catalogue.md):

    - a Go module imported, a release a title announces ("mat2 0.13.4") or
      a snake_case name in the title that the post uses again
      ("open_basedir bypass"): always; a package installed: always, but a
      build dependency (``lib...``, ``...-dev``, ``...-devel``,
      ``build-essential``) only in two articles or also met another way;
    - a command run at a prompt or a module imported: in two articles, or
      also met another way (in prose, installed);
    - a bare word in inline code: in three articles;
    - CamelCase, letters with digits, dotted or hyphened: met twice;
    - a rare capitalised word, named in prose: in two articles, three times,
      or also in a title or heading; or named in the title and a heading;
    - an acronym: in two articles (three for two letters), or three times
      and in a title or heading;
    - and whatever its shape, in two articles if one of them names no
      catalogue concept (``alone``: a record or book review on a tech blog).

    >>> keeps(TermStats(1, 1, {"install"}, Counter(["httpx"]))), keeps(TermStats(1, 2, {"camel", "prose"}))
    (True, True)
    >>> keeps(TermStats(1, 1, {"install"}, Counter(["libogg-devel"])))
    False
    >>> keeps(TermStats(1, 1, {"cap", "prose"})), keeps(TermStats(2, 2, {"cap", "heading"}))
    (False, False)
    >>> keeps(TermStats(1, 3, {"cap", "title", "heading", "alone"}))
    False
    """
    k = t.kinds
    if ALONE in k and t.articles < 2:
        return False  # one article naming no catalogue concept: an album, a book
    if "module" in k or "release" in k or "snake" in k:
        return True  # "snake": an identifier the title names and the post uses
    if "install" in k:
        # a build dependency only installed, in one article (libogg-devel,
        # zlib1g-dev), is part of a snippet, not what anyone writes about
        shown = t.articles >= 2 or bool(k & {"prose", "title", "heading", "command"})
        return shown or not (t.spellings and _BUILD_DEPENDENCY.search(t.name))
    if k & {"command", "import"} and (t.articles >= 2 or bool(k - {"command", "import", "code"})):
        return True
    if "code" in k and t.articles >= 3:
        return True
    if k & {"camel", "digits", "dotted"} and t.count >= 2:
        return True
    shown = "title" in k or "heading" in k
    if "cap" in k and "prose" in k and (t.articles >= 2 or t.count >= 3 or shown):
        return True
    if "cap" in k and "title" in k and "heading" in k:
        return True  # named in the title and a heading: the subject ("Promtail")
    if "acronym" in k:
        short = bool(t.spellings) and len(t.name) < 3
        return t.articles >= (3 if short else 2) or (t.count >= 3 and shown)
    return False


class TermTally:
    """The terms of many articles (:meth:`add` each article's mentions):
    which a build shows (:meth:`kept`, by :func:`keeps`), ranked for
    promotion into the catalogue (:meth:`ranked`).

    >>> t = TermTally()
    >>> t.add([Mention("merb", 1, 0.4, "We use Merb.", "Merb", (("term", "cap+prose"),))])
    >>> t.add([Mention("merb", 2, 0.6, "Merb is fast.", "Merb", (("term", "cap+prose"),))])
    >>> t.kept(), t.stats["merb"].evidence
    (['merb'], 'Merb is fast.')
    """

    def __init__(self) -> None:
        self.stats: dict[str, TermStats] = {}

    def add(self, mentions: Iterable[Mention]) -> None:
        """Count one article's term mentions (other mentions are ignored)."""
        for m in mentions:
            if not is_term(m):
                continue
            t = self.stats.get(m.concept)
            if t is None:
                t = self.stats[m.concept] = TermStats()
            t.articles += 1
            t.count += m.count
            t.kinds.update(m.extra[0][1].split("+"))
            t.spellings[m.alias] += m.count
            if m.weight > t.weight:
                t.weight, t.evidence = m.weight, m.evidence

    def kept(self) -> list[str]:
        """The ids of the terms a build shows, sorted."""
        return sorted(k for k, t in self.stats.items() if keeps(t))

    def ranked(self) -> list[tuple[str, TermStats]]:
        """The kept terms, most widespread first (articles, then occurrences, then id)."""
        kept = [(k, t) for k, t in self.stats.items() if keeps(t)]
        return sorted(kept, key=lambda kt: (-kt[1].articles, -kt[1].count, kt[0]))
