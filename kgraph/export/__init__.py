"""Stage 6: writers (GraphML, JSON, the HTML page, GEXF, Cytoscape, Neo4j, RDF).

Each writer is its own module, imported on use; what several modules and the
API share without importing a writer (and its dependencies) lives here.
"""

#: The most articles the HTML page shows by default (see
#: :func:`kgraph.export.html.page_graph`): about 30 MB of page.
PAGE_MAX_ARTICLES = 5000

#: The formats of :func:`kgraph.export.concept_map.write_concept_map`, by file name.
MAP_FORMATS = {
    "graphml": "concept_map.graphml",
    "html": "concept_map.html",
    "svg": "concept_map.svg",
    "png": "concept_map.png",
}
