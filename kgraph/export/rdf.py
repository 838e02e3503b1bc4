"""Write the graph (and optionally the whole concept catalogue) as RDF Turtle.

Concepts are a SKOS vocabulary: each is a ``skos:Concept`` in one
``skos:ConceptScheme`` (the catalogue), with ``skos:prefLabel`` (its name),
``skos:altLabel`` (aliases), ``skos:broader`` (parents), ``skos:notation``
(its id) and ``rdfs:seeAlso`` (its documentation). Articles are
``schema:BlogPosting`` with Dublin Core terms: ``dcterms:title``,
``dcterms:creator`` (a ``schema:Person``), ``dcterms:date``
(``xsd:dateTime``), ``dcterms:subject`` (the concepts the text mentions),
``dcterms:isPartOf`` (the feed, a ``schema:Blog``), ``dcterms:references``
(links to other articles), ``schema:url`` and ``schema:keywords`` (tags).
Concept pairs that co-occur get ``kg:coOccursWith``, and each concept its
``kg:conceptType``, in the small ``<base>ns#`` vocabulary.

IRIs are stable and built from a configurable ``base``:
``<base>concept/<id>``, ``<base>author/<slug>``, ``<base>article/<url, %-escaped>``,
``<base>feed/<url, %-escaped>``, ``<base>tag/<slug>`` and ``<base>scheme``.

rdflib is an optional dependency: ``pip install 'kgraph[rdf]'``.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("concept:go", kind="concept", label="Go", name="Go", type="language", aliases="golang")
>>> g.add_node("article:https://e.org/a", kind="article", label="A", title="A", url="https://e.org/a")
>>> _ = g.add_edge("article:https://e.org/a", "concept:go", key="mentions-1", kind="mentions")
>>> rdf = to_rdf(g, base="https://example.org/kg/")
>>> from rdflib.namespace import SKOS, DCTERMS
>>> sorted(str(o) for o in rdf.objects(None, SKOS.altLabel))
['golang']
>>> [str(o) for o in rdf.objects(None, DCTERMS.subject)]
['https://example.org/kg/concept/go']
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import networkx as nx

from kgraph.errors import KgraphError
from kgraph.fileio import atomic_open

if TYPE_CHECKING:
    from rdflib import Graph

    from kgraph.catalogue.concepts import Catalogue

__all__ = ["DEFAULT_BASE", "iri_of", "to_rdf", "write_turtle"]

#: Default base of every IRI; pass ``base=`` (CLI: ``--base``) to use your own.
DEFAULT_BASE = "https://kgraph.dev/"
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_PATHS = {
    "concept": "concept",
    "article": "article",
    "author": "author",
    "tag": "tag",
    "feed": "feed",
}


def _rdflib() -> Any:
    try:
        import rdflib
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise KgraphError(
            "the Turtle export needs rdflib, which is not installed; "
            "run `pip install 'kgraph[rdf]'` (or `pip install rdflib`)"
        ) from err
    return rdflib


def iri_of(node: str, base: str = DEFAULT_BASE) -> str:
    """The stable IRI of a graph node id.

    >>> iri_of("concept:aws-lambda")
    'https://kgraph.dev/concept/aws-lambda'
    >>> iri_of("article:https://e.org/p?id=1", base="https://x.org/kg/")
    'https://x.org/kg/article/https%3A%2F%2Fe.org%2Fp%3Fid%3D1'
    """
    kind, _, rest = node.partition(":")
    path = _PATHS.get(kind, "node")
    if path == "node":
        rest = node
    return f"{base}{path}/{quote(rest, safe='')}"


def _link(value: object) -> Any:
    """A URL as an IRI when it is a valid one, else as an ``xsd:anyURI`` literal."""
    from rdflib import XSD, Literal, URIRef

    url = str(value)
    if _IRI_BAD.search(url) or ":" not in url:
        return Literal(url, datatype=XSD.anyURI)
    return URIRef(url)


def _split(value: object) -> list[str]:
    return [p for p in str(value or "").split("|") if p]


def to_rdf(
    graph: nx.MultiDiGraph,
    *,
    base: str = DEFAULT_BASE,
    catalogue: Catalogue | None = None,
) -> Graph:
    """The graph as an ``rdflib.Graph`` (see the module doc for the vocabulary).

    With ``catalogue``, every concept of the catalogue is in the concept
    scheme, not only those the graph uses.
    """
    rdflib = _rdflib()
    from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, OWL, SDO, SKOS

    if not base.endswith(("/", "#")):
        base += "/"
    kg = Namespace(f"{base}ns#")
    out = rdflib.Graph()
    out.bind("skos", SKOS)
    out.bind("dcterms", DCTERMS)
    out.bind("schema", SDO)
    out.bind("kg", kg)
    out.bind("owl", OWL)

    def iri(node: str) -> URIRef:
        return URIRef(iri_of(node, base))

    scheme = URIRef(f"{base}scheme")
    out.add((scheme, RDF.type, SKOS.ConceptScheme))
    out.add((scheme, DCTERMS.title, Literal("kgraph concept catalogue", lang="en")))
    version = graph.graph.get("catalogue_version") or (catalogue.version if catalogue else "")
    if version:
        out.add((scheme, OWL.versionInfo, Literal(str(version))))

    def add_concept(
        cid: str, name: str, ctype: str, aliases: list[str], parents: list[str], url: str
    ) -> None:
        c = iri(f"concept:{cid}")
        out.add((c, RDF.type, SKOS.Concept))
        out.add((c, SKOS.inScheme, scheme))
        out.add((c, SKOS.prefLabel, Literal(name, lang="en")))
        out.add((c, SKOS.notation, Literal(cid)))
        for alias in aliases:
            if alias != name:
                out.add((c, SKOS.altLabel, Literal(alias, lang="en")))
        if ctype:
            out.add((c, kg.conceptType, Literal(ctype)))
        if url:
            out.add((c, RDFS.seeAlso, _link(url)))
        if not parents:
            out.add((c, SKOS.topConceptOf, scheme))
            out.add((scheme, SKOS.hasTopConcept, c))

    in_graph: set[str] = set()
    for node, d in sorted(graph.nodes(data=True)):
        kind = d.get("kind")
        s = iri(node)
        if kind == "concept":
            cid = node.removeprefix("concept:")
            in_graph.add(cid)
            add_concept(
                cid,
                str(d.get("name") or d.get("label") or cid),
                str(d.get("type", "")),
                _split(d.get("aliases")),
                _split(d.get("parents")),
                str(d.get("url", "")),
            )
            if d.get("article_count"):
                out.add((s, kg.articleCount, Literal(int(d["article_count"]))))
        elif kind == "article":
            out.add((s, RDF.type, SDO.BlogPosting))
            title = str(d.get("title") or d.get("label") or "")
            if title:
                out.add((s, DCTERMS.title, Literal(title)))
            if d.get("url"):
                out.add((s, SDO.url, _link(d["url"])))
            published = str(d.get("published", ""))
            if published:
                dtype = XSD.dateTime if _DATETIME.match(published) else None
                out.add((s, DCTERMS.date, Literal(published, datatype=dtype)))
            if d.get("summary"):
                out.add((s, DCTERMS.abstract, Literal(str(d["summary"]))))
            if isinstance(d.get("word_count"), int):
                out.add((s, SDO.wordCount, Literal(d["word_count"])))
        elif kind == "author":
            out.add((s, RDF.type, SDO.Person))
            out.add((s, SDO.name, Literal(str(d.get("name") or d.get("label") or ""))))
        elif kind == "feed":
            out.add((s, RDF.type, SDO.Blog))
            out.add((s, DCTERMS.title, Literal(str(d.get("title") or d.get("label") or ""))))
            if d.get("url"):
                out.add((s, SDO.url, _link(d["url"])))
    if catalogue is not None:
        for c in catalogue:
            if c.id not in in_graph:
                add_concept(c.id, c.name, c.type, list(c.all_aliases), list(c.parents), c.url)
                for parent in c.parents:
                    out.add((iri(f"concept:{c.id}"), SKOS.broader, iri(f"concept:{parent}")))

    for u, v, d in graph.edges(data=True):
        kind = d.get("kind")
        a, b = iri(u), iri(v)
        if kind == "mentions":
            out.add((a, DCTERMS.subject, b))
        elif kind == "wrote":
            out.add((b, DCTERMS.creator, a))
        elif kind == "published":
            out.add((b, DCTERMS.isPartOf, a))
        elif kind == "broader":
            out.add((a, SKOS.broader, b))
        elif kind == "co_occurs":
            out.add((a, kg.coOccursWith, b))
        elif kind == "links_to":
            out.add((a, DCTERMS.references, b))
        elif kind == "related":
            out.add((a, kg.relatedArticle, b))
        elif kind == "tagged":
            tag = graph.nodes[v]
            out.add((a, SDO.keywords, Literal(str(tag.get("name") or tag.get("label") or v))))
    return out


def write_turtle(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    base: str = DEFAULT_BASE,
    catalogue: Catalogue | None = None,
) -> Path:
    """Write :func:`to_rdf` as Turtle at ``path`` (atomically); return the path."""
    text = to_rdf(graph, base=base, catalogue=catalogue).serialize(format="turtle")
    target = Path(path)
    with atomic_open(target) as fh:
        fh.write(text)
    return target
