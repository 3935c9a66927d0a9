"""Print the sizes that make a report travel: the embedded plotly.js and whole reports.

    python benchmarks/bench_report_size.py

1. plotly.js: the full bundle of plotly.py and the vendored cartesian bundle, raw, gzip -9,
   and gzip + base64 (what a report embeds, docs/reports.md "Size").
2. The Belarus audience report (media × end-terror) and the overview, rendered now, in bytes,
   with their parts: the packed plotly.js, the styles, the figures' data, the rest.
Target: each report ≤ 2 MB (stretch ≤ 1 MB); on main they were 5.2 MB.
"""

from __future__ import annotations

import base64
import gzip
import re
import tempfile

from plotly.offline import get_plotlyjs, get_plotlyjs_version

from strategy_kit.reports.bundle import VENDORED_BUNDLE
from strategy_kit.reports.render import audience_job, overview_job, run_report

START = "2027-01-01"


def mb(n: int) -> str:
    return f"{n / 1e6:6.2f} MB"


def sizes(name: str, js: str) -> None:
    raw = js.encode("utf-8")
    packed = gzip.compress(raw, compresslevel=9, mtime=0)
    print(f"  {name:<34} raw {mb(len(raw))}   gzip {mb(len(packed))}   "
          f"gzip+base64 {mb(len(base64.b64encode(packed)))}")


def parts(html: str) -> dict[str, int]:
    gz = re.search(r'id="sk-plotly-gz"[^>]*>(.*?)</script>', html, re.S)
    styles = sum(map(len, re.findall(r"<style.*?</style>", html, re.S)))
    figures = sum(map(len, re.findall(r'<div class="sk-figure">.*?</script>', html, re.S)))
    packed = len(gz.group(1)) if gz else 0
    total = len(html.encode("utf-8"))
    return {"total": total, "plotly.js (packed)": packed, "styles": styles,
            "figures": figures, "rest": total - packed - styles - figures}


def main() -> None:
    print(f"plotly.js {get_plotlyjs_version()}")
    sizes("full (plotly.py)", get_plotlyjs())
    sizes("cartesian (vendored)", gzip.decompress(VENDORED_BUNDLE.read_bytes()).decode())
    packed = VENDORED_BUNDLE.read_bytes()
    print(f"  {'cartesian, vendored .gz (zopfli)':<34} {'':>14}   gzip {mb(len(packed))}   "
          f"gzip+base64 {mb(len(base64.b64encode(packed)))}  <- what a report embeds")
    with tempfile.TemporaryDirectory() as tmp:
        for job in (audience_job("belarus", "media", "end-terror", START, None, tmp),
                    overview_job("belarus", None, START, None, tmp)):
            html = run_report(job).read_text(encoding="utf-8")
            p = parts(html)
            n = html.count('class="sk-figure"')
            print(f"{job.out.name}: {mb(p['total'])}, {n} figures — "
                  + ", ".join(f"{k} {mb(v).strip()}" for k, v in p.items() if k != "total"))


if __name__ == "__main__":
    main()
