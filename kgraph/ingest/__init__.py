"""Stage 1, ingest: find the sources (files, folders, OPML, URLs), fetch them over HTTP,
parse RSS/Atom feeds into :class:`~kgraph.records.Article` records and turn their HTML into text.
"""
