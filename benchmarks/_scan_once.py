#!/usr/bin/env python3
"""One timed logcodes.scan in a fresh process; prints one JSON object on stdout.

    python benchmarks/_scan_once.py FILE [--threads N] [--format NAME | --nginx-format LOG_FORMAT]
                                    [--block-size BYTES] [--count transactions|messages]

--format takes a built-in name (combined, nginx_json, auto, ...); --nginx-format an nginx log_format text,
compiled with logcodes.formats.nginx() before the clock starts.

A fresh process per trial keeps runs independent; the harness reads the child's CPU time, the child
reports its own peak RSS. Only the scan itself is timed; interpreter start-up and the import are not.
"""

import argparse
import json
import sys
import time

from _rss import peak_rss_kb  # the script's own folder is on sys.path




def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--format", default="auto")
    ap.add_argument("--block-size", type=int, default=None)
    ap.add_argument("--nginx-format", default=None, help="an nginx log_format to compile and use")
    ap.add_argument("--count", default="transactions")
    ap.add_argument("--by", default=None, help="dimensions, e.g. code,cause")
    ap.add_argument("--errors", default=None, help="an error log to explain the errors with (scan(errors=...))")
    a = ap.parse_args()
    try:
        import logcodes
    except ImportError as e:
        print(json.dumps({"error": f"import logcodes failed: {e}"}))
        return 3
    fmt = logcodes.formats.nginx(a.nginx_format) if a.nginx_format else a.format
    kwargs = {"format": fmt, "threads": a.threads, "progress": False, "count": a.count}
    if a.by:
        kwargs["by"] = a.by if "code" in a.by.split(",") else a.by + ",code"
    if a.errors:
        kwargs["errors"] = a.errors
    if a.block_size is not None:
        kwargs["block_size"] = a.block_size
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        s = logcodes.scan([a.path], **kwargs)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        codes = s.counts("code")
        out = {
            "elapsed": elapsed,
            "cpu": cpu,  # every thread's CPU time during the scan: less bent by other processes than elapsed
            "total": int(s.total),
            "unparsed": int(s.unparsed),
            "invalid": int(s.invalid),
            "codes": {str(int(k)): int(v) for k, v in sorted(codes.items())},
            "version": str(getattr(logcodes, "__version__", "")),
            "peak_rss_kb": peak_rss_kb(),
        }
    except Exception as e:  # reported as ERROR by the harness, with the message
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
