"""Causes from error logs: readers, rules, and joining access-log errors with error-log events."""

import pytest

import logcodes
from logcodes import rules


@pytest.fixture(scope="module")
def nginx_lab(corpus):
    return corpus / "lab_generated" / "nginx"


def test_nginx_502_504_causes(nginx_lab):
    # Independently (grep on error.log): connection refused for /dead/api (3 requests) and /dead/api/v1 (1
    # request, 2 retries), "no live upstreams" for /dead/api/v2..v4, an upstream that closed the connection before
    # answering for /app/reset ("upstream prematurely closed connection": its own slug, not a reset), and
    # "upstream timed out" for the two /app/slow requests.
    s = logcodes.scan(nginx_lab / "access_combined.log", errors=nginx_lab / "error.log", by="code,cause")
    c = s.counts()
    assert c[(502, "upstream_refused")] == 4
    assert c[(502, "no_live_upstreams")] == 3
    assert c[(502, "upstream_closed_early")] == 1
    assert c[(504, "upstream_timeout")] == 2
    # backend-made 500/503: nothing in nginx's error log says why
    assert c[(500, "unknown")] == 1 and c[(503, "unknown")] == 1
    assert s.explained == 10 and s.unexplained_count == 2
    assert {x.line for x in s.unexplained_samples} == {15, 16}
    assert s.events == 71


def test_nginx_4xx_when_asked(nginx_lab):
    s = logcodes.scan(nginx_lab / "access_combined.log", errors=nginx_lab / "error.log", by="code,cause,cause_detail",
                      explain="4xx")
    assert s.counts()[(404, "file_not_found", "/srv/lab/nginx/html/static/missing.css")] == 2
    c = s.counts("code", "cause")
    assert c[(403, "access_denied_by_rule")] == 2
    assert c[(413, "request_too_large")] == 1
    assert c[(499, "client_closed_request")] == 1
    assert c[(400, "bad_request")] == 1
    # 5xx not asked: their causes come from the record alone (combined has no upstream field)
    assert c[(502, "unknown")] == 8


def test_cause_source_and_detail(nginx_lab):
    s = logcodes.scan(nginx_lab / "access_combined.log", errors=nginx_lab / "error.log",
                      by="code,cause,cause_source,cause_detail")
    assert s.counts()[(504, "upstream_timeout", "correlation:path", "http://127.0.0.1:18081/app/slow")] == 2


def test_json_twin_gives_the_same_causes(nginx_lab):
    a = logcodes.scan(nginx_lab / "access_combined.log", errors=nginx_lab / "error.log", by="code,cause",
                      explain="4xx,5xx")
    b = logcodes.scan(nginx_lab / "access_json.log", errors=nginx_lab / "error.log", by="code,cause",
                      explain="4xx,5xx")
    # the JSON log also knows the upstream status, so backend-made errors get "upstream_500/503" there
    differ = {k for k in set(a.counts()) | set(b.counts()) if a.counts().get(k) != b.counts().get(k)}
    assert differ == {(500, "unknown"), (503, "unknown"), (500, "upstream_500"), (503, "upstream_503")}


TOMCAT = """\
23-Nov-2026 10:00:01.100 SEVERE [http-nio-8080-exec-1] org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() for servlet [jsp] in context with path [] threw exception [Unable to compile class for JSP: 

An error occurred at line: [3] in the jsp file: [/broken.jsp]
Syntax error, insert ";" to complete Statement
1: <html>
] with root cause
	org.apache.jasper.JasperException: Unable to compile class for JSP: 
	at org.apache.jasper.compiler.DefaultErrorHandler.javacError(DefaultErrorHandler.java:71)
23-Nov-2026 10:00:02.200 SEVERE [http-nio-8080-exec-2] org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() for servlet [jsp] in context with path [] threw exception [An exception occurred processing [/npe.jsp] at line [4]

1: <%
] with root cause
	java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null
		at org.apache.jsp.npe_jsp._jspService(npe_jsp.java:120)
23-Nov-2026 10:00:03.300 SEVERE [http-nio-8080-exec-3] org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() for servlet [jsp] in context with path [] threw exception [An exception occurred processing [/div.jsp] at line [2]

] with root cause
java.lang.ArithmeticException: / by zero
	at org.apache.jsp.div_jsp._jspService(div_jsp.java:118)
23-Nov-2026 10:00:04.000 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [812] milliseconds
"""

ACCESS = """\
127.0.0.1 - - [23/Nov/2026:10:00:01 +0000] "GET /broken.jsp HTTP/1.1" 500 1234
127.0.0.1 - - [23/Nov/2026:10:00:02 +0000] "GET /npe.jsp HTTP/1.1" 500 1234
127.0.0.1 - - [23/Nov/2026:10:00:03 +0000] "GET /div.jsp?x=1 HTTP/1.1" 500 1234
127.0.0.1 - - [23/Nov/2026:10:00:09 +0000] "GET /other HTTP/1.1" 500 1234
127.0.0.1 - - [23/Nov/2026:10:00:03 +0000] "GET /good.jsp HTTP/1.1" 200 99
"""


def test_tomcat_jsp_and_exceptions(tmp_path):
    (tmp_path / "localhost.2026-11-23.log").write_text(TOMCAT)
    (tmp_path / "access.log").write_text(ACCESS)
    s = logcodes.scan(tmp_path / "access.log", errors=tmp_path / "localhost.2026-11-23.log",
                      by="code,cause,cause_detail")
    assert s.counts() == {
        (500, "jsp_compile_error", "compile: /broken.jsp"): 1,  # the rule's kind and the page
        (500, "null_pointer_exception", "/npe.jsp java.lang.NullPointerException"): 1,
        (500, "arithmetic_exception", "/div.jsp java.lang.ArithmeticException"): 1,
        (500, "unknown", None): 1,   # /other at 10:00:09: no event within 2 s names it
        (200, None, None): 1,
    }
    assert s.events == 4 and s.error_files[0]["events"] == 4


def test_window_setting(tmp_path):
    (tmp_path / "e.log").write_text(TOMCAT)
    (tmp_path / "a.log").write_text('127.0.0.1 - - [23/Nov/2026:10:00:07 +0000] "GET /npe.jsp HTTP/1.1" 500 1\n')
    assert logcodes.scan(tmp_path / "a.log", errors=tmp_path / "e.log", by="cause").counts() == {"unknown": 1}
    assert logcodes.scan(tmp_path / "a.log", errors=tmp_path / "e.log", by="cause", window="10s").counts() == {
        "null_pointer_exception": 1}


OTHER_LOGS = {
    "apache_error.log": "[Mon Nov 23 10:00:01.123456 2026] [proxy:error] [pid 12:tid 34] (111)Connection refused: "
                        "AH00957: http: attempt to connect to 127.0.0.1:9000 (127.0.0.1) failed\n"
                        "[Mon Nov 23 10:00:01.123999 2026] [proxy_http:error] [pid 12:tid 34] [client 10.0.0.1:5050] "
                        "AH01114: HTTP: failed to make connection to backend: 127.0.0.1\n",
    "apache22_error.log": "[Mon Nov 23 10:00:01 2026] [error] [client 10.0.0.1] Premature end of script headers: "
                          "report.cgi\n",
    "php_errors.log": "[23-Nov-2026 10:00:01 UTC] PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted "
                      "(tried to allocate 20480 bytes) in /var/www/html/report.php on line 12\n",
    "gunicorn.log": "[2026-11-23 10:00:01 +0000] [123] [ERROR] Error handling request /api/orders\n"
                    "Traceback (most recent call last):\n"
                    '  File "/app/views.py", line 10, in orders\n'
                    "    total = sum(x.price for x in items) / len(items)\n"
                    "ZeroDivisionError: division by zero\n",
}


@pytest.mark.parametrize("name,path,code,cause,detail", [
    ("apache_error.log", "/svc", 503, "upstream_refused", None),
    ("apache22_error.log", "/cgi-bin/report.cgi", 500, "premature_end_of_script_headers", None),
    ("php_errors.log", "/report.php", 500, "out_of_memory", "/var/www/html/report.php"),
    ("gunicorn.log", "/api/orders", 500, "arithmetic_exception", "ZeroDivisionError"),
])
def test_other_error_logs(tmp_path, name, path, code, cause, detail):
    (tmp_path / name).write_text(OTHER_LOGS[name])
    (tmp_path / "a.log").write_text(f'10.0.0.1 - - [23/Nov/2026:10:00:01 +0000] "GET {path} HTTP/1.1" {code} 1\n')
    s = logcodes.scan(tmp_path / "a.log", errors=tmp_path / name, by="cause,cause_detail")
    assert s.counts() == {(cause, detail): 1}


def test_user_rules_first_and_bad_rules(tmp_path):
    (tmp_path / "e.log").write_text(TOMCAT)
    (tmp_path / "a.log").write_text(ACCESS)
    mine = [{"name": "broken_page_deploy", "pattern": r"jsp file: \[/broken\.jsp\]", "codes": ["500"],
             "label": "a known broken deploy"}]
    s = logcodes.scan(tmp_path / "a.log", errors=tmp_path / "e.log", rules=mine, by="cause")
    assert s.counts()["broken_page_deploy"] == 1
    toml = tmp_path / "rules.toml"
    toml.write_text('[[rule]]\nname = "npe_known"\npattern = "NullPointerException"\ncodes = ["5xx"]\n')
    assert logcodes.scan(tmp_path / "a.log", errors=tmp_path / "e.log", rules=toml, by="cause").counts()["npe_known"] == 1
    with pytest.raises(logcodes.RuleError, match="'bad_one'"):
        logcodes.scan(tmp_path / "a.log", errors=tmp_path / "e.log", rules=[{"name": "bad_one", "pattern": "(unclosed"}])
    with pytest.raises(logcodes.RuleError, match="code"):
        rules.compile([{"name": "x", "pattern": "y", "codes": ["5x"]}])
    with pytest.raises(logcodes.RuleError, match="unknown keys"):
        rules.compile([{"name": "x", "pattern": "y", "colour": "red"}])
    with pytest.raises(ValueError, match="explain"):
        logcodes.scan(tmp_path / "a.log", errors=tmp_path / "e.log", explain="server errors")


def test_builtin_pack():
    pack = rules.builtin()
    names = [r.name for r in pack]
    for needed in ("jsp_compile_error", "null_pointer_exception", "out_of_memory", "class_not_found",
                   "jdbc_pool_exhausted", "upstream_timeout", "upstream_refused", "no_live_upstreams",
                   "upstream_closed_early", "upstream_invalid_header", "upstream_host_unreachable",
                   "upstream_connect_timeout", "upstream_reset", "jsp_include_missing", "request_too_large",
                   "rate_limited", "rewrite_cycle", "php_fatal_error",
                   "premature_end_of_script_headers", "permission_denied", "file_not_found"):
        assert needed in names
    assert names.index("jsp_compile_error") < names.index("class_not_found")
    assert names.index("jsp_include_missing") < names.index("jsp_compile_error")
    assert rules.version() == "2026.12.3"


def test_unexplained_templates(tmp_path, nginx_lab):
    lines = [f"2026/11/23 10:00:{i:02d} [error] 1#1: *{i} something odd happened to {i} widgets, client: 10.0.0.{i}"
             for i in range(5)]
    lines.append("2026/11/23 10:00:09 [error] 1#1: *9 another thing")
    (tmp_path / "e.log").write_text("\n".join(lines) + "\n")
    (tmp_path / "a.log").write_text('10.0.0.1 - - [23/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 500 1\n')
    s = logcodes.scan(tmp_path / "a.log", errors=tmp_path / "e.log")
    top = s.unexplained()
    assert top[0]["count"] == 5 and "<n>" in top[0]["template"] and top[0]["line"] == 1
    assert top[1]["count"] == 1


def test_errors_path_problems(tmp_path, nginx_lab):
    with pytest.raises(FileNotFoundError):
        logcodes.scan(nginx_lab / "access_combined.log", errors=tmp_path / "missing.log")
