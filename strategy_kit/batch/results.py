"""What a batch run returns: one result per report, and the summary the command prints."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..reports.render import ReportJob

__all__ = ["BatchResult", "BatchSummary"]


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchResult:
    """What became of one report: ``done``, ``failed`` or ``not run`` (the batch was stopped)."""

    job: ReportJob
    status: str
    seconds: float | None = None
    error: str | None = None
    cell: int | None = None
    log: str | None = None
    worker: int | None = None


@dataclass(frozen=True)
class BatchSummary:
    """A finished (or interrupted) batch: one result per job, in the jobs' order."""

    results: tuple[BatchResult, ...]
    seconds: float
    workers: int
    interrupted: str | None = None
    indexes: tuple[Path, ...] = ()
    peak_memory_mb: float | None = None

    def _with(self, status: str) -> list[BatchResult]:
        return [r for r in self.results if r.status == status]

    @property
    def done(self) -> list[BatchResult]:
        """The reports written."""
        return self._with("done")

    @property
    def failed(self) -> list[BatchResult]:
        """The reports that failed (no HTML written for them)."""
        return self._with("failed")

    @property
    def not_run(self) -> list[BatchResult]:
        """The reports never started because the batch was interrupted."""
        return self._with("not run")

    @property
    def exit_code(self) -> int:
        """0 all done, 1 any failed, 128 + the signal's number when interrupted."""
        if self.interrupted:
            return 128 + int(getattr(signal, self.interrupted, signal.SIGINT))
        return 1 if self.failed else 0

    def text(self) -> str:
        """The summary printed at the end of a batch."""
        n = len(self.results)
        rate = f", {self.seconds / max(1, len(self.done) + len(self.failed)):.2f} s a report"
        head = (f"{n} report{'s' if n != 1 else ''} in {self.seconds:.1f} s with "
                f"{self.workers} worker{'s' if self.workers != 1 else ''}{rate}: "
                f"{len(self.done)} done, {len(self.failed)} failed")
        if self.not_run:
            head += f", {len(self.not_run)} not run"
        if self.interrupted:
            head = f"interrupted by {self.interrupted}. " + head
        lines = [head]
        if self.peak_memory_mb:
            lines.append(f"peak memory: {self.peak_memory_mb:.0f} MB (workers and kernels)")
        if self.failed:
            lines.append("failed:")
            for r in self.failed:
                lines.append(f"  {r.job.out.name}: {r.error}")
                if r.log:
                    lines.append(f"    the executed notebook is kept as {r.log}")
        lines += [f"index: {p}" for p in self.indexes]
        return "\n".join(lines)
