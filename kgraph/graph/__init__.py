"""Stage 4, the graph: per-article graph parts, the builder that joins them, compact
storage and graph analytics.
"""
