"""The build runner: reads every feed through the stages (locally, in a process pool or
on Dask), with the build cache and catalogue carry-over. The only package that imports the cache.
"""

from kgraph.pipeline.cache import BuildCache, clear_cache, default_cache_dir

#: The cache's one door for the API and the CLI: no other package imports
#: :mod:`kgraph.pipeline.cache` itself.
__all__ = ["BuildCache", "clear_cache", "default_cache_dir"]
