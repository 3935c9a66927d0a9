"""How long a workbook takes: writing the Belarus case as .xlsx/.ods, loading it, converting back.

Prints seconds (best of 3) and file sizes; compare with loading the CSV folder.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from strategy_kit.case import load as load_module
from strategy_kit.case.load import load_case
from strategy_kit.case.write import convert_case


def best(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        load_module._LOADED.clear()  # no cached case: measure the reading itself
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"load the CSV folder:        {best(lambda: load_case('belarus')):.3f} s")
        for ext in ("xlsx", "ods"):
            names = (tmp / f"{ext}-{n}" for n in range(100))
            write = best(lambda ext=ext, names=names: convert_case(
                "belarus", next(names).with_suffix(f".{ext}")))
            book = next(tmp.glob(f"{ext}-*.{ext}"))
            read = best(lambda book=book: load_case(book))
            back = best(lambda book=book, names=names: convert_case(book, next(names)))
            size = book.stat().st_size / 1024
            print(f"write .{ext} (convert):      {write:.3f} s  ({size:.0f} KiB)")
            print(f"load the .{ext}:              {read:.3f} s")
            print(f"convert .{ext} to a folder:   {back:.3f} s")

if __name__ == "__main__":
    main()
