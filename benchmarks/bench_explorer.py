"""How long the explorer takes from a control's change to all four figures updated.

In-process, without a browser: setting a widget's value runs the same observer as a move in
JupyterLab, which recomputes the scores and assigns the new data to the FigureWidgets before
it returns. The headline is the median of 50 interest-weight changes (the heaviest control:
a new case, every score and the robustness draws); the other controls are shown for
comparison. Target: under 100 ms.

    python benchmarks/bench_explorer.py [CASE]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

from strategy_kit import config, list_cases
from strategy_kit.explorer.widgets import Explorer

TARGET_MS = 100.0
CHANGES = 50


def _times(n: int, change: Callable[[int], None]) -> list[float]:
    out = []
    for k in range(n):
        t0 = time.perf_counter()
        change(k)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main(case: str | None = None) -> int:
    if case is None:
        case = "belarus" if "belarus" in list_cases() else str(config.TEMPLATE_CASE_DIR)
    t0 = time.perf_counter()
    ex = Explorer(case, start="2026-01-01")
    ex.widget  # noqa: B018  (builds the controls and figures)
    build = time.perf_counter() - t0
    s = ex.state
    a, days = s.audience, s.days
    interests = [i for i in ex.interests if s.case_weight(a, i) > 0]
    values = [0.15, 0.35, 0.55, 0.75, 0.95]

    def weight(k: int) -> None:
        ex.interests[interests[k % len(interests)]].value = values[k % len(values)]

    _times(3, weight)  # warm caches and imports
    main_ms = _times(CHANGES, weight)
    ex.reset.click()
    ids = s.base.ids("audience")
    # values that differ every time: no change is answered from the explorer's memo
    others = {
        "priority weight": _times(10, lambda k: setattr(ex.weights["timing"], "value",
                                                        round(0.05 + 0.05 * k, 2))),
        "noise σ": _times(10, lambda k: setattr(ex.sigma, "value", round(0.3 + 0.05 * k, 2))),
        "horizon": _times(10, lambda k: setattr(ex.days, "value", 180 + 15 * k)),
        "focus audience": _times(10, lambda k: setattr(ex.audience, "value",
                                                       ids[(k + 1) % len(ids)])),
        "compare": _times(10, lambda k: setattr(ex.compare[ids[k % len(ids)]], "value",
                                                not ex.compare[ids[k % len(ids)]].value)),
    }
    med = statistics.median(main_ms)
    p90 = statistics.quantiles(main_ms, n=10)[-1]
    verdict = "within" if med < TARGET_MS else "OVER"
    print(f"case {s.base.name}: {len(s.base.ids('audience'))} audiences, "
          f"{len(s.base.ids('interest'))} interests, {days} days; explorer built in "
          f"{build:.1f} s")
    print(f"interest weight -> all figures updated: median {med:.0f} ms, p90 {p90:.0f} ms "
          f"over {CHANGES} changes ({verdict} the {TARGET_MS:.0f} ms target)")
    for name, ms in others.items():
        print(f"  {name:<16} median {statistics.median(ms):5.0f} ms (10 changes)")
    if hasattr(os, "getloadavg"):
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: a busy machine "
              "is slower)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
