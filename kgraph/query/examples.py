"""A four-article graph following the schema, for the docstring examples."""

from __future__ import annotations

import networkx as nx

__all__ = ["tiny_graph"]


def tiny_graph() -> nx.MultiDiGraph:
    """A four-article graph following the schema, for examples and tests."""
    g = nx.MultiDiGraph()
    concepts = {
        "aws": ("AWS", "platform", "Amazon Web Services", ""),
        "amazon-s3": ("Amazon S3", "aws-service", "S3|Simple Storage Service", "aws"),
        "aws-lambda": ("AWS Lambda", "aws-service", "Lambda|Lambda function", "aws"),
        "go": ("Go", "language", "golang", ""),
    }
    for cid, (name, typ, aliases, parents) in concepts.items():
        g.add_node(
            f"concept:{cid}",
            kind="concept",
            label=name,
            name=name,
            type=typ,
            aliases=aliases,
            parents=parents,
            url="",
            article_count=0,
        )
    arts = {
        "repl": ("S3 replication", "2024-01-05T00:00:00Z", {"amazon-s3": 0.9, "aws": 0.5}),
        "vers": ("S3 versioning", "2024-03-01T00:00:00Z", {"amazon-s3": 0.8}),
        "layers": ("Lambda layers", "2024-03-09T00:00:00Z", {"aws-lambda": 0.9}),
        "chan": ("Go channels", "", {"go": 0.95}),
    }
    for key, (title, published, mentions) in arts.items():
        node = f"article:https://e.org/{key}"
        g.add_node(
            node,
            kind="article",
            label=title,
            url=f"https://e.org/{key}",
            title=title,
            published=published,
            feed="f.xml",
            word_count=100,
            summary="",
        )
        g.add_edge("author:ann", node, key=f"wrote-{key}", kind="wrote")
        for cid, w in mentions.items():
            g.add_edge(
                node,
                f"concept:{cid}",
                key=f"mentions-{key}-{cid}",
                kind="mentions",
                count=1,
                weight=w,
                evidence=f"{title} uses {cid}.",
                alias=cid,
            )
    g.add_node("author:ann", kind="author", label="Ann", name="Ann")
    for child in ("amazon-s3", "aws-lambda"):
        g.add_edge(f"concept:{child}", "concept:aws", key=f"broader-{child}", kind="broader")
    return g
