"""What a build-cache entry is keyed by: SHA-256 digests of an article's
content, of the cache format and of the code and versions that decide a result.

>>> from kgraph.records import Article
>>> key = article_key("gen", Article("a", html="<p>Helm</p>"))
>>> key == analysis_key("gen", content_key(Article("a", html="<p>Helm</p>")))
True
>>> len(key)
64
"""

from __future__ import annotations

import functools
import hashlib
import importlib
from pathlib import Path

from kgraph.memo import code_digest
from kgraph.pipeline.cache.codec import MARSHAL
from kgraph.records import Article

__all__ = [
    "CACHE_FORMAT",
    "analysis_key",
    "article_key",
    "base_generation",
    "content_key",
    "digest",
]

#: Bump when what is stored, or how an article is analysed, changes shape.
CACHE_FORMAT = "9"


@functools.lru_cache(maxsize=1)
def _analysis_code() -> str:
    """Hash of the modules whose code decides a cached result (parsing, cleaning,
    extraction, an article's graph part), so an edited checkout never reuses
    results of older code."""
    # every module of the stages that decide an analysis (so a new module counts
    # too), and the data besides the catalogue that term discovery reads
    root = Path(importlib.import_module("kgraph").__file__ or "").parent
    files = [p for stage in ("ingest", "catalogue", "extract") for p in (root / stage).glob("*.py")]
    files += [root / "pipeline" / n for n in ("sketch.py", "runner.py", "task.py")]
    # records.py: the shape of the records cached (ArticlePart, ...)
    files += [root / "graph" / "parts.py", root / "records.py"]
    from kgraph.catalogue.load import models_dir

    data = [models_dir() / "common-words-en.txt", models_dir() / "discover" / "stoplist.toml"]
    return code_digest(*sorted(str(p) for p in files), *data)


def base_generation(kgraph_version: str) -> str:
    """A generation without its catalogue version."""
    return f"{CACHE_FORMAT}:{MARSHAL}:{kgraph_version}:{_analysis_code()}"


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(raw).to_bytes(8, "little"))
        h.update(raw)
    return h.hexdigest()


def content_key(article: Article) -> str:
    """Hash of an article's content as analysed: its id, URL, title and HTML."""
    return digest(article.id, article.url, article.title, article.html)


def analysis_key(generation: str, content: str) -> str:
    """The cache key of an analysis: the article's :func:`content_key` under
    the cache ``generation`` (format, kgraph and catalogue versions)."""
    return digest(generation, content)


def article_key(generation: str, article: Article) -> str:
    """Hash of what an article's analysis depends on: its content
    (:func:`content_key`) and the cache ``generation``."""
    return analysis_key(generation, content_key(article))


#: Stored values are lists, tuples, strings and numbers in ``marshal`` form (its
#: format belongs to the Python version, which is part of every key), decoded
#: several times faster than JSON; a checksum refuses a damaged blob first:
