#!/usr/bin/env python3
"""One timed logcodes.scan in a fresh process; prints one JSON object on stdout.

    python benchmarks/_scan_once.py FILE [--threads N] [--format NAME | --nginx-format LOG_FORMAT]
                                    [--block-size BYTES] [--count transactions|messages]
                                    [--by DIMS [--groups]] [--errors ERROR_LOG]

--groups groups by exactly --by (a question of questions.py) and prints every group as [key1, key2, count]
(paths as written, hours as "YYYY-MM-DDTHH:MM:SSZ"), after the clock stops; without it a dimension set that
lacks code gets code added, so the per-code counts can be checked.

--format takes a built-in name (combined, nginx_json, auto, ...); --nginx-format an nginx log_format text,
compiled with logcodes.formats.nginx() before the clock starts.

A fresh process per trial keeps runs independent; the harness reads the child's CPU time, the child
reports its own peak RSS. Only the scan itself is timed; interpreter start-up and the import are not.
"""

import argparse
import datetime as dt
import json
import sys
import time

from _rss import peak_rss_kb  # the script's own folder is on sys.path




def plain(v, raw_bytes):
    """A group key value as questions.py writes it: text as written in the log, times as UTC ISO strings."""
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, str) and "\\" in v:
        return raw_bytes(v).decode("utf-8", "surrogateescape")
    return v if v is None or isinstance(v, str) else int(v)


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
    ap.add_argument("--groups", action="store_true", help="group by exactly --by and print the groups")
    a = ap.parse_args()
    try:
        import logcodes
    except ImportError as e:
        print(json.dumps({"error": f"import logcodes failed: {e}"}))
        return 3
    fmt = logcodes.formats.nginx(a.nginx_format) if a.nginx_format else a.format
    kwargs = {"format": fmt, "threads": a.threads, "progress": False, "count": a.count}
    if a.by:
        kwargs["by"] = a.by if a.groups or "code" in a.by.split(",") else a.by + ",code"
    if a.errors:
        kwargs["errors"] = a.errors
    if a.block_size is not None:
        kwargs["block_size"] = a.block_size
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        s = logcodes.scan([a.path], **kwargs)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        out = {
            "elapsed": elapsed,
            "cpu": cpu,  # every thread's CPU time during the scan: less bent by other processes than elapsed
            "total": int(s.total),
            "unparsed": int(s.unparsed),
            "invalid": int(s.invalid),
            "version": str(getattr(logcodes, "__version__", "")),
            "peak_rss_kb": peak_rss_kb(),
        }
        if "code" in s.dims:
            out["codes"] = {str(int(k)): int(v) for k, v in sorted(s.counts("code").items())}
        if a.groups:
            out["groups"] = [[plain(v, logcodes.raw_bytes) for v in key] + [int(n)] for key, n in s.counts().items()]
    except Exception as e:  # reported as ERROR by the harness, with the message
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
