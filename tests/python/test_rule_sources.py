"""Every server message the built-in rules cover (python/logcodes/rules/sources.toml, read from the servers'
own sources) is written as a log line of its server, joined with an access-log error and named exactly."""

import datetime
import re
from pathlib import Path

import pytest

import logcodes
from logcodes import rules

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

SOURCES = Path(rules.__file__).resolve().parent / "sources.toml"
MESSAGES = tomllib.loads(SOURCES.read_text(encoding="utf-8"))["message"]
WHEN = datetime.datetime(2026, 12, 5, 10, 0, 1)
PATH = "/api/orders"  # the request an nginx or Apache event is about


def nginx_line(m, n):
    upstream = ', upstream: "http://10.0.0.5:8080/api/orders"' if "upstream" in m["text"] else ""
    return (f'{WHEN:%Y/%m/%d %H:%M:%S} [{m.get("level", "error")}] 4242#4242: *{n} {m["text"]}, client: 10.0.0.1, '
            f'server: shop.example, request: "GET {PATH} HTTP/1.1"{upstream}, host: "shop.example"\n')


def apache_line(m, n):
    return (f'[{WHEN:%a %b %d %H:%M:%S}.{n:06d} {WHEN:%Y}] [{m["module"]}:{m.get("level", "error")}] '
            f'[pid 31{n}:tid 140{n}] {m["text"]}\n')


def tomcat_event(m, n):
    thrown = m.get("thrown", m["text"])
    lines = m["text"].split("\n")
    return (f'{WHEN:%d-%b-%Y %H:%M:%S}.{n:03d} SEVERE [http-nio-8080-exec-{n}] '
            f'org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() for servlet [jsp] in context '
            f'with path [] threw exception [{thrown}] with root cause\n'
            + "\n".join(["\t" + lines[0]] + lines[1:]) + "\n"
            f'\t\tat {m["at"]}\n'
            "\t\tat org.apache.jasper.servlet.JspServletWrapper.service(JspServletWrapper.java:455)\n"
            "\t\tat org.apache.jasper.servlet.JspServlet.serviceJspFile(JspServlet.java:380)\n")


RENDER = {"nginx": nginx_line, "apache": apache_line, "tomcat": tomcat_event}


def explain(tmp_path, m, n=7):
    """Scans one access-log error against one error-log event of the message: (cause, detail)."""
    (tmp_path / "error.log").write_text(RENDER[m["server"]](m, n), encoding="utf-8")
    path = m.get("path", PATH)
    (tmp_path / "access.log").write_text(
        f'10.0.0.1 - - [{WHEN:%d/%b/%Y:%H:%M:%S} +0000] "GET {path} HTTP/1.1" {m["code"]} 512\n')
    s = logcodes.scan(tmp_path / "access.log", errors=tmp_path / "error.log", by="cause,cause_detail",
                      explain="4xx,5xx")
    assert s.events == 1 and s.total == 1
    ((cause, detail), count), = s.counts().items()
    return cause, detail


def ident(m):
    return f'{m["server"]}:{m["rule"] or "none"}:{m["text"][:60]}'


@pytest.mark.parametrize("m", MESSAGES, ids=[ident(m) for m in MESSAGES])
def test_every_source_message_gets_its_slug(tmp_path, m):
    cause, detail = explain(tmp_path, m)
    assert cause == (m["rule"] or "unknown")
    if "detail" in m:
        assert detail == m["detail"]
    elif "kind" in m:
        assert detail.startswith(m["kind"])


def test_the_table_is_complete_and_sound():
    pack = rules.builtin()
    names = {r.name for r in pack}
    listed = {m["rule"] for m in MESSAGES if m["rule"]}
    upstream = {n for n in names if n.startswith(("upstream_", "jsp_"))} | {
        "no_live_upstreams", "request_too_large", "rate_limited", "proxy_no_handler"}
    assert upstream <= listed, f"rules with no source message listed: {sorted(upstream - listed)}"
    assert listed <= names, f"messages listed for rules that do not exist: {sorted(listed - names)}"
    for m in MESSAGES:
        assert m["server"] in RENDER and m["source"] and 400 <= m["code"] <= 599
        assert set(m) <= {"rule", "kind", "server", "source", "code", "text", "level", "module", "path", "at",
                          "thrown", "detail"}, m
    # each kind a message names exists in the pack, under that message's slug
    kinds = {(r.name, r.kind) for r in pack}
    for m in MESSAGES:
        if "kind" in m:
            assert (m["rule"], m["kind"]) in kinds


# Lines that two rules could name, and the one that must: the more specific rule comes first in the pack.
NGINX, APACHE = {"server": "nginx", "code": 502}, {"server": "apache", "code": 502, "module": "proxy"}
JSP = {"server": "tomcat", "code": 500, "path": "/page.jsp",
       "at": "org.apache.jasper.servlet.JspServlet.service(JspServlet.java:340)"}
PRECEDENCE = [
    (NGINX, "peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream",
     "upstream_ssl_error", "upstream_reset"),
    (NGINX, "upstream timed out (110: Connection timed out) while connecting to upstream",
     "upstream_connect_timeout", "upstream_timeout"),
    (NGINX, "upstream timed out (110: Connection timed out) while SSL handshaking to upstream",
     "upstream_connect_timeout", "upstream_ssl_error"),
    (NGINX, "connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to "
     "upstream", "upstream_refused", "file_not_found"),
    (APACHE, "(70007)The timeout specified has expired: AH00957: http: attempt to connect to 10.0.0.5:8080 (b:8080) "
     "failed", "upstream_connect_timeout", "upstream_timeout"),
    (APACHE, "(104)Connection reset by peer: [client 10.0.0.1:1] AH01102: error reading status line from remote "
     "server b:80", "upstream_reset", "upstream_closed_early"),
    (APACHE, "(70007)The timeout specified has expired: [client 10.0.0.1:1] AH01102: error reading status line from "
     "remote server b:80", "upstream_timeout", "upstream_closed_early"),
    (APACHE, "(32)Broken pipe: [client 10.0.0.1:1] AH01084: pass request body failed to 10.0.0.5:8080 (b)",
     "upstream_reset", "upstream_send_failed"),
    (JSP, "org.apache.jasper.JasperException: /page.jsp (line: [2], column: [1]) JSP file [/missing.jsp] not found",
     "jsp_include_missing", "jsp_compile_error"),
    (dict(JSP, path="/broken.jsp"), "org.apache.jasper.JasperException: java.lang.ClassNotFoundException: "
     "org.apache.jsp.broken_jsp", "jsp_compile_error", "class_not_found"),
    (dict(JSP, path="/broken.jsp"), "org.apache.jasper.JasperException: Unable to compile class for JSP: \n\n"
     "An error occurred at line: [2] in the jsp file: [/broken.jsp]", "jsp_compile_error", "servlet_exception"),
    (dict(JSP, thrown="An exception occurred processing [/page.jsp] at line [5]"),
     "jakarta.servlet.ServletException: JSP file [&#47;missing.jsp] not found", "jsp_include_missing",
     "servlet_exception"),
]


@pytest.mark.parametrize("base,text,winner,loser", PRECEDENCE, ids=[p[2] + ">" + p[3] for p in PRECEDENCE])
def test_the_more_specific_rule_wins(tmp_path, base, text, winner, loser):
    pack = rules.builtin()
    # The pack's RE2 patterns use nothing Python's re reads differently: check each rule on its own.
    matching = [r.name for r in pack if re.search(r.pattern, text)]
    assert winner in matching and loser in matching  # both could name it ...
    assert matching[0] == winner                     # ... and the pack's order makes it the specific one
    assert explain(tmp_path, dict(base, text=text))[0] == winner  # and so does a scan, through the C++ rule set


def test_labels_of_rule_slugs():
    assert logcodes.causes.label("upstream_host_unreachable").startswith("the upstream host is unreachable")
    assert logcodes.causes.label("jsp_include_missing") == "a JSP include or forward names a file that does not exist"
    assert logcodes.causes.label("no_such_slug") == "no_such_slug"


def test_docs_table_lists_every_message():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "causes.md").read_text(encoding="utf-8")
    assert f"version {rules.version()}" in doc
    for m in MESSAGES:
        assert m["text"].split("\n")[0].replace("|", "\\|") in doc, m["text"]
        assert m["source"] in doc
    for name in {r.name for r in rules.builtin()} & {m["rule"] for m in MESSAGES}:
        assert f"`{name}`" in doc
