#!/usr/bin/env python3
"""One timed answer to a question (questions.py) by a dataframe tool, in a fresh process; prints one JSON object.

    python benchmarks/peers/_run_question.py polars|duckdb|pandas|records_polars|records_duckdb QUESTION FILE
                                             [--threads N]

The library is imported and configured before the clock starts (as `_scan_once.py` does for logcodes); the
child reports its elapsed time, its own peak RSS (VmHWM) and its groups as [key1, key2, count] rows.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import question_readers as qr  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _rss import peak_rss_kb  # noqa: E402
from _child import setup_or_report  # noqa: E402


def warm_up(ask, path: str, question: str) -> None:
    """One untimed answer on the file's first lines: lazy imports and thread pools start here, not on the clock."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    with tempfile.NamedTemporaryFile(suffix=".log") as tmp:
        tmp.write(head[:head.rfind(b"\n") + 1])
        tmp.flush()
        ask(tmp.name, question)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reader", choices=sorted(qr.READERS))
    ap.add_argument("question")
    ap.add_argument("path")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    setup = setup_or_report(qr.READERS, a.reader, a.threads)
    if setup is None:
        return 3
    try:
        ask = setup(a.threads)
        if a.reader.startswith("records_"):
            import logcodes
            qr.RAW_BYTES = logcodes.raw_bytes
        warm_up(ask, a.path, a.question)
        t0 = time.perf_counter()
        result = ask(a.path, a.question)
        elapsed = time.perf_counter() - t0
        groups = qr.rows(result, a.question)
    except Exception as e:  # reported as ERROR by the harness, with the message
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return 1
    print(json.dumps({"elapsed": elapsed, "groups": groups, "peak_rss_kb": peak_rss_kb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
