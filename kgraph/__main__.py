"""``python -m kgraph`` and the ``kgraph`` command: the command line.

The ``kgraph`` script calls :func:`run`, which imports the command line only
when it is called. ``--jobs`` workers (forkserver or spawn) import the main
script again, as ``__mp_main__``: this keeps that import to the ``kgraph``
package, which they need anyway, instead of the whole command line (graph,
queries, exporters, networkx), a third of a second per worker.
"""


def run() -> None:
    """Run the ``kgraph`` command line (:func:`kgraph.cli.app.main`)."""
    from kgraph.cli.app import main

    main()


if __name__ == "__main__":
    run()
