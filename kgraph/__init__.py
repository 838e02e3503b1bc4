"""kgraph: a knowledge graph of tech concepts from tech-blog feeds."""

from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
