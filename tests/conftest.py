"""Shared fixtures: the bundled sample feeds and a graph built from them once."""

from __future__ import annotations

from pathlib import Path

import pytest

import kgraph
from kgraph.sources import SAMPLES_DIR

DATA = Path(__file__).parent / "data"
DEV_FEEDS = Path(__file__).resolve().parents[2] / "shared" / "feeds" / "dev"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def sample_kg() -> kgraph.KnowledgeGraph:
    """The graph of the two bundled feeds, built once per test session."""
    return kgraph.build()


@pytest.fixture(scope="session")
def catalogue() -> kgraph.Catalogue:
    return kgraph.load_catalogue()
