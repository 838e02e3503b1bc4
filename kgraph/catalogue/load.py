"""Load the concept catalogue from ``models/concepts/*.jsonl`` (see
:mod:`kgraph.catalogue.concepts` for the format), validated by
:mod:`kgraph.catalogue.validate` and kept in the user's cache.

>>> len(load_catalogue()) > 100
True
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from kgraph.catalogue import concepts, validate
from kgraph.catalogue.concepts import Catalogue
from kgraph.catalogue.validate import build_catalogue, read_entries
from kgraph.errors import CatalogueError
from kgraph.memo import code_digest, memoised

__all__ = ["catalogue_files", "load_catalogue", "models_dir"]


def models_dir() -> Path:
    """The folder holding the catalogue: inside the installed package, or the
    ``models/`` folder of a source checkout."""
    packaged = Path(__file__).resolve().parents[1] / "models"
    if (packaged / "concepts").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "models"


def catalogue_files(directory: Path | None = None) -> list[Path]:
    """The catalogue's JSONL files, sorted."""
    folder = (directory or models_dir()) / "concepts"
    return sorted(folder.glob("*.jsonl"))


@lru_cache(maxsize=8)
def _load_cached(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> Catalogue:
    files = catalogue_files(Path(directory))
    if not files:
        raise CatalogueError([f"{directory}/concepts: no *.jsonl catalogue files found"])
    digest = hashlib.sha256()
    for path in [*files, *Path(directory).glob("common-words-en.txt")]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    version = digest.hexdigest()[:12]

    def build() -> Catalogue:
        problems: list[str] = []
        concepts = list(read_entries(files, problems))
        return build_catalogue(concepts, version, problems)

    # parsing, validating and indexing take ~0.1 s, a fifth of a re-run: a
    # valid catalogue is kept in the user's cache, keyed by its files' bytes,
    # its folder (concepts name their source file) and this module's code
    where = hashlib.sha256(directory.encode()).hexdigest()[:8]
    return memoised(
        "catalogue",
        f"{version}-{where}-{code_digest(__file__, validate.__file__, concepts.__file__)}",
        build,
        Catalogue,
    )


def load_catalogue(directory: str | Path | None = None) -> Catalogue:
    """Load and validate the catalogue (cached per folder and file stamps).

    Raises :class:`~kgraph.errors.CatalogueError` listing every bad entry.
    """
    folder = Path(directory) if directory else models_dir()
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in catalogue_files(folder))
    return _load_cached(str(folder.resolve()), stamp)
