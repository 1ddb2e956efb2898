"""Real servers shaped like production (tests/lab/tomcat, nginx_proxy, apache_proxy): joined with their error
logs, every error gets exactly the cause the lab was built to produce.

Each lab's EXPECTED.json lists its requests in order with the status the server answered and the cause slug of
the failure it was made to have (a page written to throw, an upstream made to refuse...), from the lab's
request table, not from logcodes. The checks compare whole dictionaries keyed by the path as written
(``path_raw``: ``;jsessionid=`` and ``%20`` kept, the query dropped), status and cause.
"""

import collections
import json
import pathlib
import re
import subprocess
import sys

import pytest

import logcodes
from logcodes import formats

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
LAB = DATA.parent / "lab"
TOMCATS = sorted(p.parent for p in (DATA / "lab_tomcat").rglob("EXPECTED.json"))
KINDS = ("class not found after a failed compile", "translation", "compile")  # longest first: it holds "compile"


def load(directory):
    return json.loads((directory / "EXPECTED.json").read_text(encoding="utf-8"))["requests"]


def path_raw(request):
    return request["request"].split()[1].split("?", 1)[0]


def checked_codes(requests):
    """Every 5xx, and the 4xx the lab made on purpose (413, 499 ...)."""
    return {r["status"] for r in requests if r["status"] >= 500 or r["cause"]}


def explain(requests):
    """scan(explain=...): 5xx (the default) and the 4xx the lab made on purpose."""
    return ["5xx"] + sorted(str(c) for c in checked_codes(requests) if c < 500)


def expected_causes(requests):
    codes = checked_codes(requests)
    return dict(collections.Counter((path_raw(r), r["status"], r["cause"]) for r in requests if r["status"] in codes))


def scanned_causes(summary, requests):
    codes = checked_codes(requests)
    return {k: n for k, n in summary.counts().items() if k[1] in codes}


def exception_name(slug):
    """null_pointer_exception -> NullPointerException (the Java class a runtime slug names)."""
    return "".join(word.capitalize() for word in slug.split("_"))


def tomcat_scan(d, by):
    return logcodes.scan(d / "localhost_access_log.txt", errors=[d / "localhost.log", d / "catalina.log"], by=by)


@pytest.mark.parametrize("d", TOMCATS, ids=lambda d: d.name)
def test_tomcat_access_log_as_sent(d):
    # The requests themselves: every one in the access log, with the path as written and its status.
    requests = load(d)
    s = logcodes.scan(d / "localhost_access_log.txt", by=("path_raw", "code"))
    assert s.files[0].format == "common"  # Debian's AccessLogValve pattern is CLF
    assert (s.total, s.unparsed, s.invalid) == (len(requests), 0, 0)
    assert s.counts() == dict(collections.Counter((path_raw(r), r["status"]) for r in requests))


@pytest.mark.parametrize("d", TOMCATS, ids=lambda d: d.name)
def test_tomcat_causes(d):
    # A WAR under /shop logs "in context with path [/shop] ... processing [/profile.jsp]" for GET /shop/profile.jsp,
    # and ROOT's /profile.jsp fails differently: the context path decides. ;jsessionid= and %20 must not hide a page.
    requests = load(d)
    assert explain(requests) == ["5xx"]  # no 4xx made on purpose: the default explain= covers every check
    s = tomcat_scan(d, ("path_raw", "code", "cause"))
    assert scanned_causes(s, requests) == expected_causes(requests)


def tomcat_details(d):
    """{(path_raw, code, cause, cause_detail): count} of the lab's 5xx."""
    s = tomcat_scan(d, ("path_raw", "code", "cause", "cause_detail"))
    return {k: n for k, n in s.counts().items() if k[1] >= 500}


@pytest.mark.parametrize("d", TOMCATS, ids=lambda d: d.name)
def test_tomcat_compile_error_details(d):
    # jsp_compile_error covers compile and translation errors and the ClassNotFoundException Jasper throws for
    # a page requested again within 4 s of a failed compile: the detail says which, and names the JSP file.
    requests = [r for r in load(d) if r["cause"] == "jsp_compile_error"]
    jsp_of = {path_raw(r): r["jsp"] for r in requests}
    want = collections.Counter((path_raw(r), r["cause"], r["kind"], r["jsp"]) for r in requests)
    got = collections.Counter()
    for (path, _, cause, detail), n in tomcat_details(d).items():
        if path in jsp_of:
            kind = next((k for k in KINDS if detail and k in detail), f"no kind in {detail!r}")
            jsp = jsp_of[path] if detail and jsp_of[path] in detail else f"no JSP file in {detail!r}"
            got[(path, cause, kind, jsp)] += n
    assert dict(got) == dict(want)


@pytest.mark.parametrize("d", TOMCATS, ids=lambda d: d.name)
def test_tomcat_servlet_and_jsp_events_stay_apart(d):
    # The servlet's IllegalStateException names no JSP: its 500s must not take a JSP's event, and the 500s of a
    # JSP that threw must not take the servlet's, even a fraction of a second apart. The detail tells them apart.
    requests = [r for r in load(d)
                if r["status"] >= 500 and r["cause"] not in ("jsp_compile_error", "jsp_include_missing")]
    jsp_of = {path_raw(r): r.get("jsp") for r in requests}
    want = collections.Counter(
        (path_raw(r), f"jsp {r['jsp']}" if "jsp" in r else "servlet " + exception_name(r["cause"])) for r in requests)
    got = collections.Counter()
    for (path, _, cause, detail), n in tomcat_details(d).items():
        if path not in jsp_of:
            continue
        jsp = jsp_of[path]
        if jsp and detail and jsp in detail:
            got[(path, f"jsp {jsp}")] += n
        elif not jsp and detail and ".jsp" not in detail and cause and exception_name(cause) in detail:
            got[(path, "servlet " + exception_name(cause))] += n
        else:
            got[(path, f"{cause}: {detail}")] += n
    assert dict(got) == dict(want)


# nginx in front of upstreams that fail every way a proxy can log (tests/lab/nginx_proxy).
NGINX = DATA / "lab_nginx_proxy"


def nginx_logs():
    """The combined log (auto-detected) and the `upstream` log read with the log_format line of its nginx.conf."""
    conf = (NGINX / "nginx.conf").read_text()
    line = re.search(r"log_format upstream (.*?);\n", conf, re.S).group(1)
    return [("access_combined.log", "auto"), ("access_upstream.log", formats.nginx(line))]


@pytest.mark.parametrize("log", [0, 1], ids=["combined", "upstream"])
def test_nginx_access_logs_as_sent(log):
    name, fmt = nginx_logs()[log]
    requests = load(NGINX)
    s = logcodes.scan(NGINX / name, format=fmt, by=("path_raw", "code"))
    assert (s.total, s.unparsed, s.invalid) == (len(requests), 0, 0)
    assert s.counts() == dict(collections.Counter((path_raw(r), r["status"]) for r in requests))


@pytest.mark.parametrize("log", [0, 1], ids=["combined", "upstream"])
def test_nginx_proxy_causes(log):
    # Each upstream failure has its own slug; a pool's first request (both members refuse) is upstream_refused and
    # the later ones no_live_upstreams; /api/orders fails three ways a few seconds apart. With $upstream_status in
    # the log, the error log's cause still wins over what the status alone says (upstream_502, proxy_local).
    name, fmt = nginx_logs()[log]
    requests = load(NGINX)
    s = logcodes.scan(NGINX / name, format=fmt, errors=NGINX / "error.log", by=("path_raw", "code", "cause"),
                      explain=explain(requests))
    assert scanned_causes(s, requests) == expected_causes(requests)


def test_nginx_upstream_status_list():
    # The pool's first request logs "502, 502" (both members tried): the upstream code is the last one.
    _, fmt = nginx_logs()[1]
    s = logcodes.scan(NGINX / "access_upstream.log", format=fmt, by=("path_raw", "upstream_status", "upstream_code"))
    first = next(r for r in load(NGINX) if r["cause"] == "upstream_refused" and "pool" in r["upstream"])
    assert s.counts()[(path_raw(first), "502, 502", 502)] == 1


# Apache httpd's mod_proxy in front of the same kinds of upstreams (tests/lab/apache_proxy).
APACHE = DATA / "lab_apache_proxy"


def test_apache_access_log_as_sent():
    requests = load(APACHE)
    s = logcodes.scan(APACHE / "access.log", by=("path_raw", "code"))
    assert s.files[0].format == "combined"
    assert (s.total, s.unparsed, s.invalid) == (len(requests), 0, 0)
    assert s.counts() == dict(collections.Counter((path_raw(r), r["status"]) for r in requests))


def test_apache_proxy_causes():
    # Most of Apache's proxy messages name no request (AH00957 and AH01114 only the client's address), and %t is
    # when a request arrived while a timeout is logged a second later: the failures are 2 s apart, so the
    # nearest event in time is the request's own. A read timeout is a 502 here, an invalid header a 500
    # (AH02429), half a response header an EOF (70014, AH10404) and a full balancer AH01170.
    requests = load(APACHE)
    s = logcodes.scan(APACHE / "access.log", errors=APACHE / "error_log", by=("path_raw", "code", "cause"),
                      explain=explain(requests))
    assert scanned_causes(s, requests) == expected_causes(requests)


# The fixtures agree with themselves: read with plain regexes (not logcodes), each server's error log holds, in
# order, one failure per failing request, and its message is the one the expected cause stands for.
NGINX_MESSAGES = [
    (r"connect\(\) (?:to \S+ )?failed \(111: ", "upstream_refused"),
    (r"connect\(\) (?:to \S+ )?failed \(113: ", "upstream_host_unreachable"),
    (r"connect\(\) (?:to \S+ )?failed \(101: ", "upstream_network_unreachable"),
    (r"upstream timed out \(110: [^)]*\) while connecting to upstream", "upstream_connect_timeout"),
    (r"upstream timed out \(110: [^)]*\) while reading response header", "upstream_timeout"),
    (r"upstream prematurely closed connection while reading response header", "upstream_closed_early"),
    (r"\(104: Connection reset by peer\) while reading response header", "upstream_reset"),
    (r"upstream sent invalid header", "upstream_invalid_header"),
    (r"upstream sent too big header", "upstream_header_too_big"),
    (r"no live upstreams while connecting to upstream", "no_live_upstreams"),
    (r"client intended to send too large body", "request_too_large"),
    (r"limiting requests", "rate_limited"),
]
APACHE_MESSAGES = [
    (r"\(111\)Connection refused: AH00957", "upstream_refused"),
    (r"\(113\)No route to host: AH00957", "upstream_host_unreachable"),
    (r"\(101\)Network is unreachable: AH00957", "upstream_network_unreachable"),
    (r"\(70007\)The timeout specified has expired: AH00957", "upstream_connect_timeout"),
    (r"\(70007\)The timeout specified has expired: .*AH01102", "upstream_timeout"),
    (r"\(20014\)Internal error .*AH01102", "upstream_closed_early"),
    (r"\(70014\)End of file found: .*AH10404", "upstream_closed_early"),
    (r"\(104\)Connection reset by peer: .*AH01102", "upstream_reset"),
    (r"AH02429: Response header name", "upstream_invalid_header"),
    (r"AH10124: header size is over the limit", "upstream_header_too_big"),
    (r"AH01170: balancer://\S+: All workers are in error state", "no_live_upstreams"),
]


def named(line, messages):
    return next((slug for pattern, slug in messages if re.search(pattern, line)), None)


def test_nginx_error_log_holds_each_failure():
    # One request is one connection number (*N); the pool's first request logs two refused connects.
    failures = {}
    for line in (NGINX / "error.log").read_text().splitlines():
        m = re.search(r" \*(\d+) .*request: \"([^\"]+) HTTP/1\.1\"", line)
        if m and named(line, NGINX_MESSAGES):
            failures.setdefault(int(m.group(1)), set()).add((m.group(2), named(line, NGINX_MESSAGES)))
    got = [next(iter(v)) for _, v in sorted(failures.items()) if len(v) == 1]
    assert len(got) == len(failures)
    assert got == [(r["request"], r["cause"]) for r in load(NGINX) if r["cause"]]


def test_apache_error_log_holds_each_failure():
    # Events less than half a second apart belong to one request (AH00957 + AH01114, AH01102 + AH00898 ...).
    got, last = [], None
    for line in (APACHE / "error_log").read_text().splitlines():
        m = re.match(r"\[\w{3} \w{3} \d\d (\d\d):(\d\d):([\d.]+) \d{4}\]", line)
        slug = named(line, APACHE_MESSAGES)
        if m and slug:
            at = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
            if last is None or at - last >= 0.5:
                got.append(slug)
            last = at
    assert got == [r["cause"] for r in load(APACHE) if r["cause"]]


@pytest.mark.parametrize("d", TOMCATS, ids=lambda d: d.name)
def test_tomcat_log_holds_each_failure(d):
    # The lab's own check (plain regexes on localhost.log): each context's failures are those of requests.txt, in
    # order, and the table is the one EXPECTED.json was written from.
    table = LAB / "tomcat" / "requests.txt"
    r = subprocess.run([sys.executable, str(LAB / "tomcat" / "check_log.py"), str(table), str(d / "localhost.log")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    sent = [line.split("|")[1].strip() for line in table.read_text().splitlines() if line[:1].isdigit()]
    assert sent == [r["request"] for r in load(d)]
