"""A batch's progress: a tqdm bar on a terminal, else one line per finished report."""

from __future__ import annotations

import contextlib
from typing import Any, TextIO

from ..files.present import terminal_safe
from .results import BatchResult

__all__ = ["Progress"]


class Progress:
    """Progress of a batch: a tqdm bar on a terminal; otherwise one line per finished report."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled
        self.tty = enabled and bool(getattr(stream, "isatty", lambda: False)())
        self.done = self.failed = 0
        self.bar: Any = None

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.stream.write(text)
            self.stream.flush()

    def start(self, workers: int) -> None:
        """Say how many reports and workers; open the bar on a terminal."""
        if not self.enabled:
            return
        self._write(f"rendering {self.total} report{'s' if self.total != 1 else ''} with "
                    f"{workers} worker{'s' if workers != 1 else ''}\n")
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, file=self.stream, unit="report", leave=False,
                            dynamic_ncols=True)

    def update(self, r: BatchResult) -> None:
        """Count a finished report; write its line (a failure also above the bar)."""
        self.done += r.status == "done"
        self.failed += r.status == "failed"
        if not self.enabled:
            return
        k = self.done + self.failed
        took = f" ({r.seconds:.1f} s)" if r.seconds is not None else ""
        line = f"[{k:>{len(str(self.total))}}/{self.total}] {r.status:<6} {r.job.out.name}{took}"
        if r.error:
            line += f": {terminal_safe(r.error)}"
        if self.bar is None:
            self._write(line + "\n")
            return
        if r.status != "done":
            self.bar.write(line, file=self.stream)
        self.bar.set_postfix_str(f"{self.done} done, {self.failed} failed", refresh=False)
        self.bar.update(1)

    def tick(self) -> None:
        """Redraw the bar (its elapsed time) while nothing finishes."""
        if self.bar is not None:
            self.bar.refresh()

    def finish(self) -> None:
        """Close the bar, leaving the terminal clean."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
