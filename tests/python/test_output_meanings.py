"""Every output names a code by its own protocol's registry, and HTTP and SIP counts are never added up.

The expected phrases are written from the registries themselves, not from a run of logcodes:
SIP from RFC 3261 §21 (100 Trying §21.1.1, 183 Session Progress §21.1.5, 480 Temporarily Unavailable
§21.4.18, 487 Request Terminated §21.4.25), HTTP from RFC 9110 §15 (100 Continue §15.2.1, 200 OK §15.3.1,
404 Not Found §15.5.5). The Chinese names follow the usual telecom / web terms.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import logcodes
import logcodes.report
from logcodes import codes
from logcodes.cli import main

SIP = {100: "Trying", 183: "Session Progress", 480: "Temporarily Unavailable", 487: "Request Terminated"}
HTTP = {100: "Continue", 200: "OK", 404: "Not Found"}
Named = Dict[Tuple[str, int], Tuple[str, int]]   # (protocol, code) -> (name shown, count)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, corpus, data) -> Dict[str, List[str]]:
    capture = corpus / "sip" / "pcap" / "aaa.pcap"          # 100, 183, 480 (a real 2005 capture)
    sipp = data / "lab_sipp" / "uac_messages.log"           # 487 (SIPp against Kamailio)
    nginx = data / "nginx_lab_combined.log"                  # 200, 404 (real nginx)
    # Servers log the final status of a request, so no log in the corpus holds an HTTP 100: this line is
    # written here, in the combined format of the nginx lab log.
    interim = tmp_path_factory.mktemp("http") / "interim.log"
    interim.write_text('127.0.0.1 - - [24/Nov/2026:06:00:01 +0000] "PUT /upload HTTP/1.1" 100 0 "-" "curl/7.88.1"\n')
    if not capture.exists():
        pytest.skip("the corpus capture is not available")
    sip = [str(capture), str(sipp)]
    http = [str(nginx), str(interim)]
    return {"sip": sip, "http": http, "mixed": http + sip}


def expected(kind: str) -> Dict[Tuple[str, int], str]:
    out: Dict[Tuple[str, int], str] = {}
    if kind in ("http", "mixed"):
        out.update({("http", c): n for c, n in HTTP.items()})
    if kind in ("sip", "mixed"):
        out.update({("sip", c): n for c, n in SIP.items()})
    return out


def check(kind: str, named: Named) -> None:
    """Each expected code carries its own protocol's phrase, and the protocols present are the input's."""
    for key, name in expected(kind).items():
        assert key in named, f"{key} missing from {sorted(named)}"
        assert named[key][0] == name, f"{key}: {named[key][0]!r} instead of {name!r}"
    assert {p for p, _ in named} == ({"http", "sip"} if kind == "mixed" else {kind})


def from_rows(kind: str, header: List[str], rows: List[List[str]]) -> Named:
    """Names and counts out of a table; without a protocol column every row is of the input's protocol."""
    if kind == "mixed":
        assert "protocol" in header, header   # several protocols: the protocol is always shown
    out: Named = {}
    for r in rows:
        cell = dict(zip(header, r))
        protocol = cell.get("protocol") or kind
        key = (protocol, int(str(cell["code"]).split()[-1]))
        assert key not in out, f"{key} shown twice"
        out[key] = (cell["reason"], int(str(cell["count"]).replace(",", "")))
    return out


def from_text(kind: str, text: str) -> Named:
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("-----"))
    header = lines[at - 1].split()
    rows = []
    for line in lines[at + 1:]:
        if not re.match(r"^(http|sip)?\s*\dxx\s", line):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return from_rows(kind, header, rows)


class _Tables(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: List[List[List[str]]] = []
        self._cell: List[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._in, self._cell = True, []

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in = False
            self.tables[-1][-1].append("".join(self._cell))

    def handle_data(self, data):
        if self._in:
            self._cell.append(data)


def html_tables(page: str) -> List[List[List[str]]]:
    p = _Tables()
    p.feed(page)
    return p.tables


@pytest.fixture(scope="module")
def scans(inputs):
    return {kind: logcodes.scan(paths) for kind, paths in inputs.items()}


KINDS = ("sip", "http", "mixed")


@pytest.mark.parametrize("kind", KINDS)
def test_text_table(kind, scans):
    check(kind, from_text(kind, str(scans[kind])))
    check(kind, from_text(kind, scans[kind].to_string(limit=1000)))


# The notebook view and the report show the busiest 20 groups: these codes fit in every input's top 20.
SHOWN = sorted(set(SIP) | set(HTTP))


@pytest.mark.parametrize("kind", KINDS)
def test_html_repr(kind, scans):
    (table,) = html_tables(scans[kind].where(code=SHOWN)._repr_html_())
    check(kind, from_rows(kind, table[0], table[1:]))


@pytest.mark.parametrize("kind", KINDS)
def test_rows_and_pandas(kind, scans):
    s = scans[kind]
    check(kind, from_rows(kind, s.columns(), [list(r) for r in s.rows()]))
    df = s.to_pandas()
    assert list(df.columns) == s.columns()
    check(kind, from_rows(kind, list(df.columns), df.values.tolist()))
    # A table of codes alone still keeps the protocols apart.
    check(kind, from_rows(kind, s.columns("code"), [list(r) for r in s.rows("code")]))


@pytest.mark.parametrize("kind", KINDS)
def test_cli_text_csv_json(kind, inputs, capsys):
    assert main(["summarize", *inputs[kind], "--no-progress"]) == 0
    check(kind, from_text(kind, capsys.readouterr().out))
    assert main(["summarize", *inputs[kind], "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    check(kind, from_rows(kind, rows[0], rows[1:]))
    assert main(["summarize", *inputs[kind], "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    check(kind, from_rows(kind, d["columns"], d["groups"]))
    assert d["protocols"] == (["http", "sip"] if kind == "mixed" else [kind])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("for_report", [True, False])
def test_html_report(kind, for_report, inputs, scans):
    s = logcodes.report.scan_for_report(inputs[kind]) if for_report else scans[kind]
    page = logcodes.report.render(s.where(code=SHOWN), title="t")
    table = next(t for t in html_tables(page) if t[0] == ["code", "reason", "count"])
    # Report labels: "100" for HTTP, "sip 100" for SIP.
    rows = [[("sip" if c.startswith("sip ") else "http"), c.split()[-1], r, n] for c, r, n in table[1:]]
    check(kind, from_rows("mixed", ["protocol", "code", "reason", "count"], rows) if kind == "mixed"
          else from_rows(kind, ["protocol", "code", "reason", "count"], rows))


@pytest.mark.parametrize("kind", KINDS)
def test_prometheus_labels(kind, scans):
    from logcodes.prometheus import PrometheusExporter

    exp = PrometheusExporter()
    exp.observe({"x": scans[kind]})           # grouped by class and code: the protocol comes with the summary
    for (protocol, code), name in expected(kind).items():
        n = scans[kind].counts(*(("protocol", "code") if kind == "mixed" else ("code",)))
        want = n[(protocol, code)] if kind == "mixed" else n[code]
        assert exp.value("logcodes_responses_total", protocol=protocol, code=str(code), reason=name) == want
    assert exp.value("logcodes_responses_total") == scans[kind].counted


def test_watch_jsonl_names_codes(data):
    from logcodes.follow import Follower
    from logcodes.watch import WATCH_DIMS, window_record

    # Logs long enough for their format to be told while following (64 lines), a real nginx one for HTTP.
    followed = [str(data / "shop_nginx_main_1000.log"), str(data / "lab_sipp" / "uac_messages.log")]
    with Follower(followed, interval="0.05s", by=WATCH_DIMS) as f:
        s = next(iter(f))
        rec = json.loads(json.dumps(window_record(1, s, f)))
        zh = window_record(1, s, f, lang="zh")
    got = {(g["protocol"], g["code"]): g["reason"] for g in rec["counts"]}
    assert got[("sip", 487)] == "Request Terminated" and got[("sip", 100)] == "Trying"
    assert got[("http", 200)] == "OK" and got[("http", 404)] == "Not Found" and got[("sip", 200)] == "OK"
    assert {(g["protocol"], g["code"]): g["reason"] for g in zh["counts"]}[("sip", 100)] == "正在尝试"


def test_mixed_scan_never_adds_sip_200_to_http_200(scans, inputs):
    mixed, http, sip = scans["mixed"], scans["http"], scans["sip"]
    assert "protocol" in mixed.dims and "protocol" not in http.dims and "protocol" not in sip.dims
    assert mixed.protocols == ("http", "sip") and http.protocols == ("http",) and sip.protocols == ("sip",)
    by_protocol = mixed.counts("protocol", "code")
    assert by_protocol[("http", 200)] == http.counts("code")[200]
    assert by_protocol[("sip", 200)] == sip.counts("code")[200]
    both = http.counts("code")[200] + sip.counts("code")[200]
    assert all(not (r[mixed.columns().index("code")] == 200 and r[-1] == both) for r in mixed.rows())
    # Merging summaries of two protocols keeps them apart the same way, in either order.
    for merged in (http + sip, sip + http, logcodes.Summary(http.dims, {}) + http + sip):
        assert merged.dims == mixed.dims and merged.counts() == mixed.counts()
    assert (http + http).dims == http.dims and (http + http).protocols == ("http",)
    # ... and a one-protocol summary merges into a mixed one.
    assert (mixed + sip).counts("protocol", "code")[("sip", 200)] == 2 * sip.counts("code")[200]
    # by=protocol given or not, the same groups.
    assert logcodes.scan(inputs["mixed"], by="protocol,class,code").counts() == mixed.counts()
    assert mixed.where(protocol="sip").counts("code") == sip.counts("code")
    assert sip.where(protocol="http").counted == 0 and sip.where(protocol="sip").counted == sip.counted


def test_timeline_of_mixed_scan_has_a_column_per_protocol(inputs):
    s = logcodes.scan(inputs["mixed"], by="time:1h,class")
    tl = s.timeline("1d")
    assert "http 2xx" in tl.columns and "sip 2xx" in tl.columns and "2xx" not in tl.columns
    assert int(tl.to_numpy().sum()) == s.counted


def test_protocol_must_be_known_to_be_kept_apart(scans):
    unknown = logcodes.Summary(("class", "code"), {("2xx", 200): 1})
    assert unknown.protocols == ()
    with pytest.raises(ValueError, match="which protocol"):
        unknown + scans["mixed"]
    told = logcodes.Summary(("class", "code"), {("2xx", 200): 1}, protocol="sip")
    assert (told + scans["http"]).counts("protocol", "code")[("sip", 200)] == 1


# -- Chinese -------------------------------------------------------------------------------------------

ZH = {("sip", 180): "振铃", ("sip", 183): "会话进行中", ("sip", 487): "请求已终止", ("sip", 503): "服务不可用",
      ("http", 404): "未找到", ("http", 503): "服务不可用", ("http", 200): "成功"}


@pytest.mark.parametrize("key", sorted(ZH))
def test_describe_in_chinese(key):
    protocol, code = key
    text = codes.describe(protocol, code, lang="zh")
    assert text.startswith(f"{protocol.upper()} {code} {ZH[key]}：")
    assert codes.lookup(protocol, code).phrase("zh") == ZH[key]
    assert codes.describe(protocol, code, lang="en").startswith(f"{protocol.upper()} {code} "
                                                                f"{codes.lookup(protocol, code).reason}: ")


def test_busy_here_is_busy():
    assert "忙" in codes.phrase("sip", 486, lang="zh")
    assert "忙" in codes.phrase("sip", 600, lang="zh")


def test_chinese_table_covers_the_registry():
    from logcodes import _languages

    table = _languages.table("zh")["codes"]
    registered = {(e.protocol, e.code) for e in codes.entries()}
    translated = {(p, int(c)) for p, entries in table.items() for c in entries}
    assert translated == registered
    for e in codes.entries():
        name = e.phrase("zh")
        assert name and name != e.reason and re.search(r"[\u4e00-\u9fff]", name), e
        assert re.search(r"[\u4e00-\u9fff]", e.meaning("zh")), e
        if e.protocol == "sip":                      # every SIP code has a translated explanation
            assert "meaning" in table["sip"][str(e.code)], e
    assert codes.phrase("sip", 299, lang="zh") == "（未注册）"
    assert codes.class_name("sip", "6xx", lang="zh") == "全局失败响应"
    with pytest.raises(ValueError, match="language"):
        codes.describe("sip", 486, lang="fr")


def test_chinese_on_the_command_line(inputs, capsys):
    assert main(["codes", "sip", "486", "--lang", "zh"]) == 0
    assert capsys.readouterr().out.startswith("SIP 486 用户忙：")
    assert main(["codes", "http", "--lang", "zh"]) == 0
    assert "  404  4xx  未找到  [RFC 9110]" in capsys.readouterr().out
    assert main(["summarize", *inputs["mixed"], "--lang", "zh", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^sip\s+1xx\s+183\s+会话进行中\s", out, re.M)
    assert re.search(r"^http\s+4xx\s+404\s+未找到\s", out, re.M)
    assert re.search(r"^sip\s+1xx\s+100\s+正在尝试\s", out, re.M) and re.search(r"^http\s+1xx\s+100\s+继续\s", out, re.M)
    assert main(["summarize", *inputs["sip"], "--lang", "zh", "--json"]) == 0
    groups = {g[1]: g[2] for g in json.loads(capsys.readouterr().out)["groups"]}
    assert groups[487] == "请求已终止" and groups[480] == "暂时不可用"


def test_chinese_report_and_default_language(tmp_path, inputs, scans):
    out = tmp_path / "r.html"
    assert main(["report", *inputs["sip"], "-o", str(out), "--lang", "zh"]) == 0
    page = out.read_text(encoding="utf-8")
    table = next(t for t in html_tables(page) if t[0] == ["code", "reason", "count"])
    assert '<html lang="zh">' in page and ["sip 487", "请求已终止"] in [row[:2] for row in table]
    assert "请求已终止" in scans["sip"].to_string(lang="zh") and "Request Terminated" in str(scans["sip"])
    codes.set_lang("zh")
    try:
        assert "请求已终止" in str(scans["sip"]) and "请求已终止" in scans["sip"]._repr_html_()
        assert codes.describe("sip", 180).startswith("SIP 180 振铃")
    finally:
        codes.set_lang("en")
    assert codes.get_lang() == "en"
    with pytest.raises(ValueError):
        codes.set_lang("xx")


def test_share_is_of_the_counted_records_not_of_every_line(tmp_path):
    """Three counted records (200, 200, 404) and a line that is no record: 2/3 and 1/3 of what was counted,
    never 2/4 and 1/4 of every line read."""
    log = tmp_path / "access.log"
    log.write_text('1.2.3.4 - - [24/Nov/2026:06:00:01 +0000] "GET / HTTP/1.1" 200 5\n'
                   '1.2.3.4 - - [24/Nov/2026:06:00:02 +0000] "GET /a HTTP/1.1" 200 5\n'
                   "not a log line at all\n"
                   '1.2.3.4 - - [24/Nov/2026:06:00:03 +0000] "GET /b HTTP/1.1" 404 5\n')
    s = logcodes.scan(log, format="common", by="code")
    assert (s.total, s.counted, s.unparsed) == (4, 3, 1)
    rows = {line.split()[0]: line.split()[-1] for line in str(s).splitlines()[3:5]}
    assert rows == {"200": "66.7%", "404": "33.3%"}
