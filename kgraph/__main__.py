"""``python -m kgraph`` and the ``kgraph`` command: the command line.

The ``kgraph`` script calls :func:`run`, which imports the command line only
when it is called. ``--jobs`` workers (forkserver or spawn) import the main
script again, as ``__mp_main__``: this keeps that import to the ``kgraph``
package, which they need anyway, instead of the whole command line (graph,
queries, exporters, networkx), a third of a second per worker.
"""

import atexit
import os
import sys
import threading


def run() -> None:
    """Run the ``kgraph`` command line (:func:`kgraph.cli.app.main`).

    The command's exit ends the process at once (see :func:`leave`): Python's
    own shutdown would free every object of the graph one by one, 0.4 s of
    CPU after a build of 2,000 articles, for memory the OS takes back anyway.
    """
    from kgraph.cli.app import main

    try:
        main()
    except SystemExit as stop:
        leave(stop)
        raise


def leave(stop: SystemExit) -> None:
    """End the process now with ``stop``'s exit code, without freeing its
    objects: after the ``atexit`` handlers (logging, multiprocessing, temporary
    folders) and with stdout and stderr flushed. Returns (the caller then
    raises ``stop``, for Python's usual exit) if another thread still runs,
    the code is a message, or a stream cannot be flushed (a closed pipe).

    >>> leave(SystemExit("a message"))  # returns: Python prints the message
    """
    code = stop.code
    if not (code is None or isinstance(code, int)) or threading.active_count() > 1:
        return
    if not _flushed():
        return
    atexit._run_exitfuncs()
    if _flushed():  # what the exit handlers wrote too
        os._exit(int(code or 0))


def _flushed() -> bool:
    """Whether stdout and stderr could be flushed (not a closed pipe)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return False
    return True


if __name__ == "__main__":
    run()
