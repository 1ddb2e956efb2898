#!/usr/bin/env python3
"""Independent response-code counts for the shared corpus (access-log files only).

Usage: corpus_counts.py [--corpus DIR] [--write]
Re-derives every entry of tests/data/corpus_expected.json and diffs it against the file
(exit 1 on a difference); --write rewrites the file.

Per file: lines = blank + meta + records + unparsed; records = sum(counts) + invalid.
A valid status is 3 digits in 100-599; anything else in the status field ("-", "009", "-1") is
"invalid" (the record is still counted as a record). Odd lines are listed by hand-checked rules below.
"""
import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE.parent / "data" / "corpus_expected.json"
DEFAULT_CORPUS = HERE.parents[2] / "shared" / "corpus"
if not DEFAULT_CORPUS.exists():
    DEFAULT_CORPUS = HERE.parents[3] / "shared" / "corpus"

VALID = re.compile(r"[1-5]\d\d")
QS = r'"((?:[^"\\]|\\.)*)"'          # quoted field, backslash escapes allowed
CLF = re.compile(r'^(\S+) (\S+) (\S+) \[([^\]]+)\] %s (\S+) (\S+)(.*)$' % QS)


def read_lines(path):
    data = path.read_bytes().decode("utf-8")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [l[:-1] if l.endswith("\r") else l for l in lines]


class Tally:
    def __init__(self, fmt):
        self.fmt = fmt
        self.lines = self.blank = self.meta = self.unparsed = self.invalid = 0
        self.counts = Counter()
        self.upstream = None
        self.up_invalid = self.up_absent = 0
        self.odd = []

    def status(self, s):
        if VALID.fullmatch(s):
            self.counts[s] += 1
        else:
            self.invalid += 1

    def up(self, s):
        if self.upstream is None:
            self.upstream = Counter()
        if s == "":
            self.up_absent += 1
        elif VALID.fullmatch(s):
            self.upstream[s] += 1
        else:
            self.up_invalid += 1

    def odd_line(self, n, problem, expected):
        self.odd.append({"line": n, "problem": problem, "expected": expected})

    def result(self):
        r = {"format": self.fmt, "lines": self.lines, "blank": self.blank, "meta": self.meta,
             "records": sum(self.counts.values()) + self.invalid,
             "counts": dict(sorted(self.counts.items())), "invalid": self.invalid,
             "unparsed": self.unparsed}
        assert r["lines"] == r["blank"] + r["meta"] + r["records"] + r["unparsed"], r
        if self.upstream is not None:
            r["upstream_counts"] = dict(sorted(self.upstream.items()))
            r["upstream_invalid"] = self.up_invalid
            if self.up_absent:
                r["upstream_absent"] = self.up_absent
        r["odd_lines"] = self.odd
        return r


def run(path, fmt, per_line):
    t = Tally(fmt)
    for n, line in enumerate(read_lines(path), 1):
        t.lines += 1
        if not line.strip():
            t.blank += 1
            continue
        per_line(t, n, line)
    return t.result()


# ---- combined / nginx main / traefik CLF -------------------------------------------------

def clf_family(extra_quoted):
    """CLF prefix, then `extra_quoted` more quoted fields (referer, UA[, x_forwarded_for])."""
    tail_re = re.compile(r'^' + r' '.join([QS] * extra_quoted) + r'(.*)$')

    def per_line(t, n, line):
        m = CLF.match(line)
        if not m:
            t.unparsed += 1
            t.odd_line(n, "does not match the CLF prefix", "unparsed")
            return
        t.status(m.group(6))
        if not VALID.fullmatch(m.group(6)):
            t.odd_line(n, "status %r is not a valid HTTP status%s" % (m.group(6), " (nginx logs 009 for an "
                       "HTTP/0.9 upstream answer)" if m.group(6) == "009" else ""), "invalid")
        rest = m.group(8)
        if rest.startswith(" "):
            rest = rest[1:]
        tm = tail_re.match(rest)
        if not tm:
            t.odd_line(n, "quoted fields after the status are unbalanced (%s)" % unbalanced_hint(rest),
                       "counted as %s (status field precedes the broken part)" % m.group(6))
        elif extra_quoted == 2 and t.fmt in ("combined",) and tm.group(3):
            t.odd_line(n, "trailing text after the User-Agent", "counted as %s" % m.group(6))
    return per_line


def unbalanced_hint(rest):
    if rest.count('"') % 2:
        return "odd number of double quotes: the last quoted field (User-Agent) has no closing quote"
    return "field layout"


def traefik_line(t, n, line):
    # Traefik 1.x: CLF + "referer" "ua" request_count "frontend" "backend" duration
    full = re.compile(r'^(\S+) (\S+) (\S+) \[([^\]]+)\] %s (\S+) (\S+) %s %s (\d+) %s %s (\S+)$'
                      % (QS, QS, QS, QS, QS))
    m = CLF.match(line)
    if not m:
        t.unparsed += 1
        t.odd_line(n, "does not match the CLF prefix", "unparsed")
        return
    t.status(m.group(6))
    if not full.match(line):
        t.odd_line(n, "unbalanced quote in the frontend-name field (\"Host-host1 has no closing quote); "
                   "the line has an odd number of double quotes",
                   "counted as %s (CLF part up to the status is intact)" % m.group(6))


# ---- JSON lines ---------------------------------------------------------------------------

def nginx_json_line(t, n, line):
    try:
        rec = json.loads(line)
    except json.JSONDecodeError:
        m = re.search(r'"status":(\d+)[,}]', line)
        if not m:
            t.unparsed += 1
            t.odd_line(n, "invalid JSON, no status found", "unparsed")
            return
        t.status(m.group(1))
        t.odd_line(n, 'invalid JSON: "status":%s (number with a leading zero, written by nginx for an '
                   'HTTP/0.9 upstream answer)' % m.group(1),
                   "invalid (the record is recognisable and its status readable, but %s is not an HTTP "
                   "status; same result as the matching combined-log line)" % m.group(1))
        us = re.search(r'"upstream_status":"([^"]*)"', line).group(1)
        t.up(us.split(", ")[-1])
        return
    t.status(str(rec["status"]))
    us = rec.get("upstream_status", "")
    t.up(us.split(", ")[-1].strip())
    if us == "-":
        t.odd_line(n, 'upstream_status "-" (client closed the connection before the upstream answered)',
                   "counted as %s; upstream invalid" % rec["status"])
    elif "," in us:
        t.odd_line(n, 'upstream_status list "%s" (two upstream attempts)' % us,
                   "counted as %s; upstream final %s" % (rec["status"], us.split(", ")[-1]))


def caddy_line(t, n, line):
    body = re.sub(r"^\S+\s+\|\s", "", line)     # docker compose prefix "caddy  | "
    try:
        rec = json.loads(body)
    except json.JSONDecodeError:
        t.unparsed += 1
        t.odd_line(n, "invalid JSON", "unparsed")
        return
    if str(rec.get("logger", "")).startswith("http.log.access") and "status" in rec:
        t.status(str(rec["status"]))
    else:
        t.meta += 1


# ---- HAProxy ------------------------------------------------------------------------------

HAPROXY = re.compile(
    r'^\w{3} +\d+ [\d:]+ \S+ haproxy\[\d+\]: (\S+):(\d+) \[([^\]]+)\] (\S+) (\S+)(?: (\S+))? '
    r'(-?\d+/-?\d+/-?\d+/-?\d+/\+?-?\d+) (-?\d+) (\+?\d+) (\S+) (\S+) (\S{4}) '
    r'(\d+/\d+/\d+/\d+/\+?\d+) (\d+/\d+)(?: \{[^}]*\})*(?: \{[^}]*\})* "([^"]*)"$')
HAPROXY_STD = re.compile(
    r'^\w{3} +\d+ [\d:]+ \S+ haproxy\[\d+\]: [\d.]+:\d+ \[[^\]]+\] \S+ \S+/\S+ '
    r'-?\d+/-?\d+/-?\d+/-?\d+/\+?\d+ -?\d+ ')
HAPROXY_META = re.compile(r'haproxy\[\d+\]: (Proxy \S+ started\.|\S+:\d+ \[[^\]]+\] \S+: SSL handshake failure)$')


def haproxy_line(t, n, line):
    m = HAPROXY.match(line)
    if m:
        t.status(m.group(8))
        if not HAPROXY_STD.match(line):
            what = []
            if m.group(6):
                what.append("extra field %r between backend/server and the timers (custom log-format)"
                            % m.group(6))
            if not re.fullmatch(r"[\d.]+", m.group(1)):
                what.append("client address is %r" % m.group(1))
            t.odd_line(n, "; ".join(what), "counted as %s" % m.group(8))
        return
    mm = HAPROXY_META.search(line)
    if mm:
        t.meta += 1
        if "SSL" in line:
            t.odd_line(n, "connection-level error line (SSL handshake failure), no HTTP request/status",
                       "meta (not an access record)")
        return
    t.unparsed += 1
    t.odd_line(n, "not an HAProxy HTTP log line", "unparsed")


# ---- AWS ----------------------------------------------------------------------------------

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def tokens(line):
    return [a if a is not None and q else b for q, a, b in
            ((m.group(0).startswith('"'), m.group(1), m.group(2)) for m in TOKEN.finditer(line))]


def alb_line(t, n, line):
    f = tokens(line)
    if len(f) < 25:
        t.unparsed += 1
        t.odd_line(n, "%d fields" % len(f), "unparsed")
        return
    elb, target = f[8], f[9]
    t.status(elb)
    t.up(target)
    if len(f) != 29:
        t.odd_line(n, "%d fields (29 expected)" % len(f), "counted as %s" % elb)
    if target == "-":
        t.odd_line(n, "target_status_code '-' (no target answer; error_reason %s)" % f[24],
                   "counted as %s; upstream invalid" % elb)
    elif f[4] == "-":
        t.odd_line(n, "target is '-' but target_status_code is %s (documentation example)" % target,
                   "counted as %s; upstream %s" % (elb, target))


def elb_line(t, n, line):
    f = tokens(line)
    if len(f) != 15:
        t.unparsed += 1
        t.odd_line(n, "%d fields (15 expected)" % len(f), "unparsed")
        return
    elb, backend = f[7], f[8]
    t.status(elb)
    t.up(backend)
    if elb == "-":
        t.odd_line(n, "TCP/SSL listener entry: elb_status_code and backend_status_code are '-', "
                   "request is \"- - - \"", "invalid (record without an HTTP status)")


# ---- W3C (IIS, HTTPERR, CloudFront, Oracle Web Cache, IIS Advanced Logging) ---------------

W3C_TOKEN = re.compile(r'"((?:[^"]|"")*)"|(\S+)')   # quoted fields use "" for a literal quote


def w3c(split_tabs):
    state = {"fields": None}

    def per_line(t, n, line):
        if line.startswith("#"):
            t.meta += 1
            if line.startswith("#Fields:"):
                state["fields"] = line[len("#Fields:"):].split()
            return
        fields = state["fields"]
        if split_tabs:
            vals = line.split("\t")
        else:
            vals = [a.replace('""', '"') if a is not None else b for a, b in
                    (m.groups() for m in W3C_TOKEN.finditer(line))]
        if fields is None or "sc-status" not in fields:
            t.unparsed += 1
            t.odd_line(n, "no #Fields with sc-status in force", "unparsed")
            return
        idx = fields.index("sc-status")
        if len(vals) != len(fields):
            if len(vals) > len(fields) and all(v == "" for v in vals[len(fields):]):
                t.status(vals[idx])
                t.odd_line(n, "%d values for %d #Fields: trailing tab adds an empty field"
                           % (len(vals), len(fields)), "counted as %s" % vals[idx])
                return
            t.unparsed += 1
            t.odd_line(n, "%d values but the #Fields in force lists %d (the line follows an earlier "
                       "15-field #Fields layout; there it would read sc-status %s)"
                       % (len(vals), len(fields), vals[11] if len(vals) == 15 else "?"),
                       "unparsed (sc-status position is undefined for this line)")
            return
        s = vals[idx]
        t.status(s)
        if not VALID.fullmatch(s):
            reason = vals[fields.index("s-reason")] if "s-reason" in fields else ""
            t.odd_line(n, "sc-status is %r%s" % (s, " (s-reason %s)" % reason if reason else ""),
                       "invalid (record without an HTTP status)")
        if not split_tabs and '""' in line:
            t.odd_line(n, 'quoted field with doubled quotes and spaces (%s)'
                       % ", ".join("%s=%r" % (fields[i], v) for i, v in enumerate(vals) if '"' in v),
                       "counted as %s (sc-status precedes it; quote-aware split gives exactly %d values)"
                       % (s, len(fields)))
    return per_line


FILES = {
    "access_combined/elastic_apache_logs_2015.log": ("combined", lambda: clf_family(2)),
    "access_combined/lnav_zanbil_shop_access_1000.log": ("nginx_main", lambda: clf_family(3)),
    "aws_lb_cdn/aws_alb_access_doc_examples.log": ("alb", lambda: alb_line),
    "aws_lb_cdn/aws_classic_elb_access_doc_examples.log": ("elb_classic", lambda: elb_line),
    "aws_lb_cdn/aws_cloudfront_standard_log_doc_example.log": ("cloudfront", lambda: w3c(True)),
    "haproxy_envoy_caddy_traefik/beats_haproxy_syslog_test.log": ("haproxy_http", lambda: haproxy_line),
    "haproxy_envoy_caddy_traefik/lnav_haproxy_syslog.log": ("haproxy_http", lambda: haproxy_line),
    "haproxy_envoy_caddy_traefik/beats_traefik_access_test.log": ("traefik_clf", lambda: traefik_line),
    "haproxy_envoy_caddy_traefik/lnav_caddy_access_json.log": ("caddy_json", lambda: caddy_line),
    "haproxy_envoy_caddy_traefik/lnav_caddy_docker_compose.log": ("caddy_json", lambda: caddy_line),
    "iis_w3c/beats_iis_access_test.log": ("w3c", lambda: w3c(False)),
    "iis_w3c/beats_iis_httperr_test.log": ("iis_httperr", lambda: w3c(False)),
    "iis_w3c/lnav_iis85_w3c_big.log": ("w3c", lambda: w3c(False)),
    "iis_w3c/lnav_iis_advanced_logging.log": ("w3c", lambda: w3c(False)),
    "iis_w3c/lnav_oracle_webcache_w3c.log": ("w3c", lambda: w3c(False)),
    "lab_generated/nginx/access_combined.log": ("combined", lambda: clf_family(2)),
    "lab_generated/nginx/access_json.log": ("nginx_json", lambda: nginx_json_line),
}

# Hand-written notes merged into odd_lines (things the rules above do not describe).
NOTES = {
    "haproxy_envoy_caddy_traefik/lnav_caddy_docker_compose.log":
        "Every line carries the docker compose prefix 'caddy  | ' before the JSON. Lines whose logger is not "
        "http.log.access (startup, shutdown, tls, admin) are meta; the 4 access lines are counted after "
        "stripping the prefix.",
    "haproxy_envoy_caddy_traefik/lnav_haproxy_syslog.log":
        "Lines 1-3 are 'Proxy ... started.' startup messages (meta).",
    "iis_w3c/beats_iis_access_test.log":
        "Three #Software/#Version/#Date/#Fields blocks with different field lists (15, 19, 22 fields). "
        "wc -l gives 17 lines (the corpus SOURCES table says 14; the byte count 2107 matches).",
    "iis_w3c/lnav_iis_advanced_logging.log":
        "Blank lines between the directives; #Fields has runs of spaces; values with spaces are double-quoted.",
    "iis_w3c/lnav_oracle_webcache_w3c.log":
        "Fields separated by runs of spaces (no tabs); cs(Cookie), cs(Referrer), cs(User-Agent) are double-quoted "
        "and the User-Agent contains spaces; #Date comes after #Fields.",
    "aws_lb_cdn/aws_alb_access_doc_examples.log":
        "29 space-separated fields per line (up to classification_reason). Line 7 has error_reason "
        "LambdaInvalidResponse (the corpus SOURCES table says LambdaUnhandled). upstream = target_status_code.",
    "aws_lb_cdn/aws_classic_elb_access_doc_examples.log": "upstream = backend_status_code.",
    "aws_lb_cdn/aws_cloudfront_standard_log_doc_example.log": "Tab-separated; 33 #Fields; status = sc-status.",
    "lab_generated/nginx/access_json.log":
        "upstream = last value of upstream_status; upstream_absent = empty upstream_status (no proxying).",
}


def derive(corpus):
    out = {}
    for rel, (fmt, make) in FILES.items():
        r = run(corpus / rel, fmt, make())
        if rel in NOTES:
            r["notes"] = NOTES[rel]
        out[rel] = r
    listed = {str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.is_file()
              and not str(p.relative_to(corpus)).startswith(("sip/", "error_logs/", "lab_generated/kamailio_sipp/"))
              and p.suffix not in (".py", ".conf", ".md", ".tsv", ".xml")
              and p.name != "error.log"}
    missing = listed - set(out)
    assert not missing, missing
    return out


def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diff(a.get(k), b.get(k), "%s/%s" % (path, k))
    elif a != b:
        yield "%s: expected file has %r, derived %r" % (path, a, b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    got = derive(args.corpus)
    text = json.dumps(got, indent=1, ensure_ascii=False) + "\n"
    if args.write:
        EXPECTED.write_text(text)
        print("wrote", EXPECTED)
        return 0
    have = json.loads(EXPECTED.read_text())
    problems = list(diff(have, got))
    for p in problems:
        print(p)
    print("%d files, %d differences" % (len(got), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
