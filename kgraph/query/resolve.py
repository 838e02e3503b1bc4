"""Naming things in a query: the article or concept a user means by a URL,
guid, title fragment, id, name or alias, for :class:`~kgraph.query.index.GraphIndex`.
When nothing (or more than one thing) matches, the :class:`~kgraph.errors.QueryError`
says what would: the closest titles or names.

>>> from kgraph.query.examples import tiny_graph
>>> from kgraph.query.index import GraphIndex
>>> idx = GraphIndex(tiny_graph())
>>> idx.resolve_concept("Amazon Web Services"), idx.concept_name("aws-lambda")
('aws', 'AWS Lambda')
"""

from __future__ import annotations

import difflib
from typing import Any

from kgraph.catalogue.concepts import Catalogue, normalise
from kgraph.errors import QueryError
from kgraph.graph.builder import normalise_url
from kgraph.query.results import split_list

__all__ = ["Names"]


class Names:
    """The name lookups of :class:`~kgraph.query.index.GraphIndex` (a mixin:
    it reads the indexes the index builds from the graph's nodes)."""

    catalogue: Catalogue | None
    articles: list[str]
    article_attrs: dict[str, dict[str, Any]]
    concept_attrs: dict[str, dict[str, Any]]
    by_url: dict[str, str]
    name_index: dict[str, str]
    alias_index: dict[str, set[str]]

    def concept_name(self, cid: str) -> str:
        """Display name of a concept id (the id itself if the graph has no name)."""
        return str(self.concept_attrs.get(cid, {}).get("name") or cid)

    def resolve_article(self, name: str) -> str:
        """The article node named by a node id, URL, guid or title fragment.

        Raises :class:`QueryError` with the closest titles when no article or
        more than one matches.
        """
        text = name.strip()
        if not text:
            raise QueryError("no article named: give a URL, guid or part of a title")
        for cand in (text, f"article:{text}"):
            if cand in self.article_attrs:
                return cand
        by_url = self.by_url.get(normalise_url(text))
        if by_url:
            return by_url
        needle = text.casefold()
        titles = {a: str(self.article_attrs[a].get("title") or "") for a in self.articles}
        exact = [a for a, t in titles.items() if t.casefold() == needle]
        if len(exact) == 1:
            return exact[0]
        found = exact or [a for a, t in titles.items() if needle in t.casefold()]
        if len(found) == 1:
            return found[0]
        if found:
            shown = "; ".join(
                f'"{titles[a]}" ({self.article_attrs[a].get("url") or a})' for a in found[:5]
            )
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            raise QueryError(
                f"{text!r} matches {len(found)} articles: {shown}{more}; "
                "give more of the title or the URL"
            )
        by_title = {t.casefold(): t for t in titles.values() if t}
        close = difflib.get_close_matches(needle, list(by_title), n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(repr(by_title[c]) for c in close)}?" if close else ""
        raise QueryError(
            f"no article matches {text!r} (by URL, guid or title){hint} "
            "List articles with `kgraph articles CONCEPT`."
        )

    def resolve_concept(self, name: str) -> str:
        """The concept id named by an id, name or alias (case-insensitive), or
        anything the catalogue resolves (``"#golang"``, ``"S3-bucket"``).

        Raises :class:`QueryError` with the closest names when no concept of
        this graph matches, or an alias names several.
        """
        text = name.strip().removeprefix("concept:")
        key = normalise(text)
        if not key:
            raise QueryError("no concept named: give a concept id, name or alias")
        for cand in (key, key.replace(" ", "-"), key.replace("-", " ")):
            if cand in self.name_index:
                return self.name_index[cand]
        matches = sorted(
            set().union(*(self.alias_index.get(c, set()) for c in (key, key.replace("-", " "))))
        )
        resolved = self._catalogue_lookup(text)
        if len(matches) == 1:
            return matches[0]
        if resolved and (resolved in matches or (not matches and resolved in self.concept_attrs)):
            return resolved
        if matches:
            names = ", ".join(f"{self.concept_name(c)} ({c})" for c in matches)
            raise QueryError(f"{text!r} names several concepts: {names}; use one of the ids")
        if resolved:
            raise QueryError(
                f"{text!r} is the catalogue concept {resolved!r}, but no article in this graph "
                "mentions it"
            )
        choices: dict[str, str] = {}
        for cid, d in self.concept_attrs.items():
            for label in (cid, str(d.get("name") or ""), *split_list(d.get("aliases"))):
                if label:
                    choices.setdefault(label.casefold(), self.concept_name(cid))
        close = difflib.get_close_matches(text.casefold(), list(choices), n=6, cutoff=0.6)
        names = list(dict.fromkeys(choices[c] for c in close))[:3]
        hint = f"; did you mean {', '.join(repr(n) for n in names)}?" if names else ""
        raise QueryError(
            f"no concept {text!r} in this graph{hint} List concepts with `kgraph concepts`."
        )

    def _catalogue_lookup(self, text: str) -> str:
        """The catalogue concept ``text`` names as a whole (an alias, its
        CamelCase split or a spelling variant), or ``""``. Unlike
        :meth:`Catalogue.resolve` it does not pick an alias *inside* the text:
        "Amazon S4" must not silently become Amazon."""
        cat = self.catalogue
        if cat is None:
            return ""
        for key in dict.fromkeys([normalise(text), normalise(text, split_camel=True)]):
            for cand in (key, key.replace("-", " "), key.replace(" ", "-")):
                if cand in cat.index:
                    return cat.index[cand]
                if cand in cat.ambiguous_index:
                    return cat.ambiguous_index[cand][0][0]
        return ""
