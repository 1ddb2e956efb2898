#!/usr/bin/env python3
"""One timed count by a Python peer in a fresh process; prints one JSON object on stdout.

    python benchmarks/peers/_run_reader.py pandas|pandas_pyarrow|polars|duckdb|re FILE [--threads N]

The library is imported and configured before the clock starts (as `_scan_once.py` does for logcodes); the
child reports its elapsed time, its own peak RSS (VmHWM) and its per-code counts.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import readers  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _rss import peak_rss_kb  # noqa: E402
from _child import setup_or_report  # noqa: E402




def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reader", choices=sorted(readers.READERS))
    ap.add_argument("path")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    setup = setup_or_report(readers.READERS, a.reader, a.threads)
    if setup is None:
        return 3
    try:
        count = setup(a.threads)
        t0 = time.perf_counter()
        codes = count(a.path)
        elapsed = time.perf_counter() - t0
    except Exception as e:  # reported as ERROR by the harness, with the message
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return 1
    print(json.dumps({"elapsed": elapsed, "codes": {str(k): v for k, v in sorted(codes.items())},
                      "peak_rss_kb": peak_rss_kb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
