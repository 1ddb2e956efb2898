"""The command line: ``logcodes summarize FILES...`` (also ``python -m logcodes``)."""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from typing import Any, Dict, List, Optional, Sequence

from . import codes, samples
from . import formats
from ._cli_help import DESCRIPTION, EXAMPLES, by_help
from ._cli_run import EXIT_EMPTY, closed_output_status, join_negative_times, nothing_recognised
from .api import detect, scan
from .errors import InputError, LogcodesError
from .summary import Summary
from ._safe_text import csv_cell, json_dumps, terminal, terminal_lines

def _sub(sub: Any, name: str, help: str, **kw: Any) -> argparse.ArgumentParser:
    """A subcommand whose help ends with its own examples."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".",
                                                     epilog=EXAMPLES[name],
                                                     formatter_class=argparse.RawDescriptionHelpFormatter, **kw)
    return parser


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(prog="logcodes", description=DESCRIPTION, epilog=EXAMPLES["logcodes"],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"logcodes {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = _sub(sub, "summarize", "count codes in HTTP logs, SIP logs and captures, and error logs")
    s.add_argument("files", nargs="+", metavar="FILE", help="log files, captures, globs, or - for standard input")
    _scan_options(s)

    r = _sub(sub, "report", "write one self-contained HTML report (charts inline, no network)")
    r.add_argument("files", nargs="+", metavar="FILE", help="log files, captures, globs, or - for standard input")
    r.add_argument("-o", "--output", required=True, metavar="HTML", help="where to write the report")
    r.add_argument("--title", default=None, help="the report's title (default: the first input's name)")
    _scan_options(r, output=False)

    d = _sub(sub, "demo", "summarize the bundled real samples (HTTP and a SIP capture), and explain their errors")
    _scan_options(d)

    f = _sub(sub, "formats", "list the built-in formats")
    f.add_argument("--json", action="store_true")

    det = _sub(sub, "detect", "show which format each file is detected as, and why")
    det.add_argument("files", nargs="+", metavar="FILE")

    w = _sub(sub, "watch", "follow live logs, HEP or a live capture: one report per time window (JSON lines, "
                           "Prometheus)")
    w.add_argument("files", nargs="*", metavar="PATH", help="log files or globs (re-read every window), or -")
    w.add_argument("--hep", action="append", metavar="URL",
                   help="receive SIP mirrored over HEP (v1/v2/v3) on udp://HOST:PORT or tcp://HOST:PORT "
                        "(repeatable) instead of following files")
    w.add_argument("--interface", metavar="NAME",
                   help="capture SIP on this interface (libpcap; needs CAP_NET_RAW) instead of following files")
    w.add_argument("--filter", default="", metavar="BPF",
                   help="capture filter for --interface, e.g. \"port 5060\" (tcpdump's syntax)")
    w.add_argument("--interval", default="10s", help="window length (default 10s; e.g. 0.5s, 1min)")
    w.add_argument("--jsonl", action="store_true", help="print one JSON object per window")
    w.add_argument("--prometheus", metavar="HOST:PORT", help="serve /metrics on HOST:PORT")
    w.add_argument("--max-series", type=int, default=2000,
                   help="most logcodes_responses_total label sets; more go to code/cause 'other' (default 2000)")
    w.add_argument("--checkpoint", metavar="FILE", help="keep offsets here: a restart resumes exactly")
    w.add_argument("--from-end", action="store_true",
                   help="start files present at the start at their end (default: their start)")
    w.add_argument("--format", default="auto", help="format name (default: auto-detect); see `logcodes formats`")
    w.add_argument("--count", default="transactions", choices=["messages", "transactions", "calls"],
                   help="SIP: count every response, each transaction once (default), or each call when it "
                        "ends, with the call KPIs (docs/pipelines.md)")
    _lang_option(w)
    w.add_argument("--once", action="store_true",
                   help="report one window of what is there now, save the checkpoint and exit")

    c = _sub(sub, "codes", "list the code registry (HTTP and SIP), or say what one code means")
    c.add_argument("protocol", nargs="?", choices=codes.PROTOCOLS)
    c.add_argument("code", nargs="?", type=int, help="one code: say what it means")
    c.add_argument("--json", action="store_true")
    _lang_option(c)
    return p


def _lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", default="en", choices=codes.LANGUAGES,
                   help="language of code names and meanings: en (default) or zh (Chinese)")


def _scan_options(s: argparse.ArgumentParser, *, output: bool = True) -> None:
    """The options of a scan, one definition for every command that scans (summarize, report, demo);
    ``output``: --json and --csv (a report writes HTML)."""
    s.add_argument("--by", default=None, help=by_help())
    s.add_argument("--format", default="auto", help="format name (default: auto-detect); see `logcodes formats`")
    own = s.add_mutually_exclusive_group()
    for kind, what in formats.COMPILERS:
        own.add_argument(f"--{kind}-format", metavar="TEXT", help=what)
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    s.add_argument("--count", default=None, choices=["messages", "transactions", "calls", "events"],
                   help="SIP: count every response, each transaction once (default), or each call; events: "
                        "the inputs are error logs, counted by level and cause (found by detection by default)")
    s.add_argument("--errors", nargs="+", metavar="ERROR_LOG",
                   help="error logs to explain the access-log errors with (adds cause to --by when not given)")
    s.add_argument("--rules", metavar="FILE", help="your cause rules (TOML or YAML), tried before the built-in ones")
    s.add_argument("--explain", default="5xx", help="codes to explain from the error logs (default 5xx; e.g. 4xx,5xx)")
    s.add_argument("--window", default="2s", help="how far apart an error and its error-log event may be (default 2s)")
    s.add_argument("--path-rule", nargs=2, action="append", metavar=("REGEX", "PLACEHOLDER"), dest="path_rules",
                   help="template paths matching REGEX as PLACEHOLDER, before the built-in rules (repeatable)")
    _lang_option(s)
    s.add_argument("--allow-empty", action="store_true",
                   help=f"exit 0 when nothing at all was recognised (default: exit {EXIT_EMPTY} with the reason)")
    flt = s.add_argument_group("filters (records left out are counted as filtered)")
    flt.add_argument("--since", help="only records at or after this time: 2026-11-24, 2026-11-24T06:00Z, -1h "
                                     "(no zone: the log's own wall clock)")
    flt.add_argument("--until", help="only records before this time (same forms as --since)")
    flt.add_argument("--codes", help="only these codes: 5xx, 404, 500-504, comma-separated")
    flt.add_argument("--methods", help="only these request methods, comma-separated: GET,POST")
    flt.add_argument("--paths", action="append", metavar="PATTERN",
                     help="only paths matching this glob (/api/*) or re:REGEX, matched whole; repeatable")
    flt.add_argument("--hosts", action="append", metavar="PATTERN",
                     help="only hosts matching this glob (*.example.com) or re:REGEX; repeatable")
    if output:
        out = s.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="print JSON")
        out.add_argument("--csv", action="store_true", help="print CSV rows")
    prog = s.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None,
                      help="show a progress bar (default: when stderr is a terminal)")
    prog.add_argument("--no-progress", dest="progress", action="store_false")


def _kpi_rows(summary: Summary) -> List[Dict[str, Any]]:
    """Summary.kpis() as JSON rows: per time bucket when the summary has one, else one row (NaN -> null)."""
    df = summary.kpis(by="time" if "time" in summary.dims else None)
    rows = []
    for rec in df.to_dict("records"):
        rows.append({k: (None if isinstance(v, float) and math.isnan(v) else
                         v.isoformat() if hasattr(v, "isoformat") else v.item() if hasattr(v, "item") else v)
                     for k, v in rec.items()})
    return rows


def _print_summary(summary: Summary, args: argparse.Namespace) -> None:
    if args.json:
        d = summary.to_dict(lang=args.lang)
        if summary.count == "calls":
            d["kpis"] = _kpi_rows(summary)
        sys.stdout.write(json_dumps(d, indent=2) + "\n")
    elif args.csv:
        w = csv.writer(sys.stdout)
        w.writerow([csv_cell(c) for c in summary.columns()])
        for row in summary.rows(lang=args.lang):
            w.writerow([csv_cell("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v)) for v in row])
    else:
        print(summary.to_string(lang=args.lang))
        if summary.error_files:
            j = summary.joins
            print(f"\nerrors to explain: {sum(j.values()):,} — joined by request id {j['request_id']:,}, by path "
                  f"{j['path']:,}, by time {j['time']:,}; not explained {j['none']:,}")
        top = summary.unexplained(5)
        if top:
            print("\nerror-log events no rule names (most frequent first):")
            for t in top:
                print(f"  {t['count']:>6,}  {terminal(t['template'][:110])}")


def _format(args: argparse.Namespace) -> "formats.FormatArg":
    for kind, _ in formats.COMPILERS:
        text = getattr(args, f"{kind}_format", None)
        if text is not None:
            return formats.compile(kind, text)
    return str(args.format)


def _by_with_cause(args: argparse.Namespace, default: Optional[str]) -> Optional[str]:
    """--by, with cause added when error logs are given (the point of giving them)."""
    by = args.by
    if args.errors and by is None:
        return "class,code,cause" if default is None else default
    if args.errors and "cause" not in [d.strip().split(":")[0] for d in by.split(",")]:
        return by + ",cause"
    return by


def _scan_kwargs(args: argparse.Namespace) -> Dict[str, Any]:
    """The keywords of logcodes.scan() the shared scan options give (all but --by)."""
    return dict(format=_format(args), threads=args.threads,
                progress=args.progress if args.progress is not None else sys.stderr.isatty(),
                count=args.count, errors=args.errors, rules=args.rules, explain=args.explain, window=args.window,
                path_rules=args.path_rules, since=args.since, until=args.until, codes=args.codes,
                methods=args.methods, path_patterns=args.paths, hosts=args.hosts)


def _summarize(files: Sequence[str], args: argparse.Namespace) -> int:
    try:
        summary = scan(list(files), by=_by_with_cause(args, None), **_scan_kwargs(args))
    except InputError as e:
        if e.summary is not None:
            _print_summary(e.summary, args)
        print(terminal_lines(f"logcodes: error: {e}"), file=sys.stderr)
        return 1
    _print_summary(summary, args)
    return _empty_status(summary, args)


def _empty_status(summary: Summary, args: argparse.Namespace) -> int:
    """EXIT_EMPTY with a one-line reason when nothing at all was recognised (unless --allow-empty), else 0."""
    reason = nothing_recognised(summary, format=str(args.format))
    if reason is None or args.allow_empty:
        return 0
    print(terminal(f"logcodes: {reason}"), file=sys.stderr)
    return EXIT_EMPTY


def _report(args: argparse.Namespace) -> int:
    from . import report

    status = 0
    kwargs = _scan_kwargs(args)
    if args.by is not None:   # else the report's own dimensions (cause among them)
        kwargs["by"] = _by_with_cause(args, None)
    try:
        scans = report.collect(list(args.files), **kwargs)
    except InputError as e:
        if e.summary is None:
            raise
        print(terminal_lines(f"logcodes: error: {e} (the report shows what was read before it)"), file=sys.stderr)
        scans, status = report.Scans(e.summary), 1
    summary = scans.summary
    title = args.title or f"logcodes report: {', '.join(args.files[:3])}{' …' if len(args.files) > 3 else ''}"
    try:
        path = report.write(scans, args.output, title=title, lang=args.lang)
    except ImportError as e:  # the timeline panel is drawn from a pandas DataFrame (Summary.timeline)
        print(f"logcodes: error: the report needs {e.name or 'pandas'}: pip install 'logcodes[pandas]'",
              file=sys.stderr)
        return 2
    print(terminal(f"wrote {path}: {summary.total:,} records, {summary.counted:,} counted"), file=sys.stderr)
    return status or _empty_status(summary, args)


def _codes(args: argparse.Namespace) -> int:
    """``logcodes codes [PROTOCOL [CODE]]``: the registry, or what one code means, in ``--lang``."""
    import dataclasses

    if args.code is not None:
        if args.protocol is None:
            raise ValueError("give the protocol of the code: logcodes codes sip 486")
        info = codes.lookup(args.protocol, args.code)
        entries = [info]
    else:
        entries = list(codes.entries(args.protocol))
    if args.json:
        out = [dict(dataclasses.asdict(e), phrase=e.phrase(args.lang), meaning=e.meaning(args.lang),
                    class_label=e.class_label(args.lang), lang=args.lang) for e in entries]
        print(json.dumps(out if args.code is None else out[0], indent=2, ensure_ascii=False))
    elif args.code is not None:
        print(codes.describe(args.protocol, args.code, lang=args.lang))
    else:
        for e in entries:
            origin = f"{e.origin or ''}" + (f"; {e.note}" if e.note else "")
            print(f"{e.protocol:4}  {e.code}  {e.class_}  {e.phrase(args.lang)}  [{origin}]")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """Run one command; its exit status (see ``logcodes --help``). A closed output ends it quietly."""
    try:
        status = _main(argv)
        sys.stdout.flush()  # a pipe closed after the last write shows here, not at interpreter exit
        return status
    except BrokenPipeError:
        return closed_output_status()


def _main(argv: Optional[List[str]]) -> int:
    parser = _parser()
    args = parser.parse_args(join_negative_times(sys.argv[1:] if argv is None else argv))
    try:
        if args.command == "summarize":
            return _summarize(args.files, args)
        if args.command == "report":
            return _report(args)
        if args.command == "demo":
            status = 0
            for name in ("apache_combined", "shop_nginx"):
                print(f"# bundled sample {name!r}: {samples.path(name)} (provenance: logcodes/samples/SOURCES.md)")
                status = max(status, _summarize([samples.path(name)], args))
                print()
            print("# why: the nginx lab sample's errors, explained by its own error log")
            args.errors = [samples.path("nginx_lab_errors")]
            args.explain = "4xx,5xx"
            status = max(status, _summarize([samples.path("nginx_lab")], args))
            print()
            print("# why: Tomcat's 500s (a WAR under /shop and a ROOT app), explained by its localhost log")
            args.errors = [samples.path("tomcat_lab_errors")]
            args.explain = "5xx"
            args.by, args.codes = "code,cause,cause_detail", "5xx"
            status = max(status, _summarize([samples.path("tomcat_lab")], args))
            print()
            print("# SIP: a capture of calls through Kamailio (auth challenges, forking): responses, then calls")
            args.errors, args.codes = None, None
            args.by, args.count = "class,code", "transactions"
            status = max(status, _summarize([samples.path("kamailio_lab")], args))
            print()
            args.by, args.count = "outcome,code", "calls"
            status = max(status, _summarize([samples.path("kamailio_lab")], args))
            return status
        if args.command == "formats":
            table = formats.available()
            if args.json:
                print(json_dumps(table, indent=2))
            else:
                width = max(map(len, table))
                for name, description in table.items():
                    print(f"{name.ljust(width)}  {description}")
            return 0
        if args.command == "detect":
            for f in args.files:
                print(terminal(f"{f}: {detect(f)}"))
            return 0
        if args.command == "watch":
            from .watch import watch

            return watch(args.files, interval=args.interval, jsonl=args.jsonl, prometheus=args.prometheus,
                         checkpoint=args.checkpoint, format=args.format, max_series=args.max_series,
                         from_start=not args.from_end, once=args.once, lang=args.lang, count=args.count,
                         hep=args.hep, interface=args.interface, filter=args.filter)
        if args.command == "codes":
            return _codes(args)
        parser.print_help()
        return 2
    except BrokenPipeError:
        raise
    except (LogcodesError, ValueError, OSError) as e:
        print(terminal_lines(f"logcodes: error: {e}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("logcodes: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
