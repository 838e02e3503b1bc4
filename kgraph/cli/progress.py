"""The build's progress bar on a terminal (tqdm): one bar per stage, feeds
read and analysed, the graph finished, each output file written.

Off unless standard error is a terminal, and off with ``-q`` and ``--json``:
then nothing is imported and nothing is printed.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

__all__ = ["StageBar"]

#: what each stage's bar says
LABELS = {"read": "reading feeds", "graph": "building graph", "write": "writing files"}


class StageBar:
    """A :data:`kgraph.pipeline.feed_stream.Progress` callback that draws one
    tqdm bar per stage (a ``with`` block closes the last one)."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Any = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self._stage or self._bar is None:
            self.close()
            from tqdm import tqdm  # only on a terminal: no start-up cost otherwise

            self._stage = stage
            unit = {"read": "feed", "write": "file"}.get(stage, "step")
            self._bar = tqdm(
                total=total,
                desc=LABELS.get(stage, stage),
                unit=unit,
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
            )
        if total != self._bar.total:
            self._bar.total = total
        if done >= self._bar.n:
            self._bar.update(done - self._bar.n)
        else:
            self._bar.n = done
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> StageBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
