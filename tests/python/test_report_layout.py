"""The HTML report in headless Chromium at 390, 1280 and 1920 px: nothing overflows its card (every bar, number,
label, chart and table measured through the DOM from the test side), every panel has content, and what a reader
sees — cause names uncut, numbers on bars, reason phrases — is what the lab scenarios and the registries say.

The expectations come from the labs' own EXPECTED.json (what each scripted request or call was made to do) and
from the registries (RFC 9110 for HTTP, RFC 3261 for SIP), never from a run of logcodes.
Set LOGCODES_REPORT_IMAGES=DIR to keep the 1280 px screenshots there (docs/images/ holds the committed ones).
"""

from __future__ import annotations

import collections
import json
import os
import pathlib

import pytest

import logcodes
from logcodes import cli

from cdp import Browser, find_chromium

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
PROXY = DATA / "lab_nginx_proxy"
KAMAILIO = DATA / "lab_kamailio"
WIDTHS = (390, 1280, 1920)
# The lab's log_format "upstream" (tests/data/lab_nginx_proxy/nginx.conf): the tail logs upstream status and time.
NGINX_UPSTREAM = ('$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                  '"$http_referer" "$http_user_agent" $upstream_status $request_time')

# Reason phrases as the registries write them (RFC 9110 §15, RFC 3261 §21).
HTTP_PHRASES = {200: "OK", 404: "Not Found", 413: "Content Too Large", 502: "Bad Gateway", 503: "Service Unavailable",
                504: "Gateway Timeout"}
SIP_PHRASES = {100: "Trying", 180: "Ringing", 200: "OK", 404: "Not Found", 407: "Proxy Authentication Required",
               486: "Busy Here", 487: "Request Terminated"}

# Measured in the loaded page by the test (Runtime.evaluate); the report itself carries no script.
MEASURE = r"""
(() => {
  const inside = (r, c) => r.left >= c.left - 0.5 && r.right <= c.right + 0.5 && r.top >= c.top - 0.5
                           && r.bottom <= c.bottom + 0.5;
  const out = {panels: [], overflow: [], empty: [], page: [document.documentElement.scrollWidth, window.innerWidth]};
  for (const card of document.querySelectorAll('section.panel, .kpi')) {
    const c = card.getBoundingClientRect();
    const h2 = card.querySelector('h2');
    const title = h2 ? h2.textContent : 'tile ' + card.textContent.trim().slice(0, 40);
    const panel = {title, bars: []};
    for (const el of card.querySelectorAll('.lbl, .fill, .num, svg, table, pre, p, h2, h3, b, small')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const cls = typeof el.className === 'string' ? el.className : (el.className.baseVal || '');
      if (!inside(r, c)) out.overflow.push([title, el.tagName + '.' + cls, (el.textContent || '').slice(0, 60),
        [r.left, r.right, r.top, r.bottom], [c.left, c.right, c.top, c.bottom]]);
    }
    for (const lbl of card.querySelectorAll('.bars .lbl')) {
      const track = lbl.nextElementSibling;
      const fill = track.querySelector('.fill').getBoundingClientRect();
      const num = track.querySelector('.num').getBoundingClientRect();
      const own = lbl.childNodes[0] ? lbl.childNodes[0].textContent : '';
      panel.bars.push({label: own, title: lbl.title, number: track.querySelector('.num').textContent,
                       fill: fill.width, numberAfterBar: num.left >= fill.right - 0.5});
    }
    const body = [...card.children].filter(e => e.tagName !== 'H2');
    const drawn = card.querySelectorAll('.fill, polygon, polyline, circle, tbody tr').length;
    const text = body.map(e => e.textContent.trim()).join('');
    if (card.tagName === 'SECTION' && (drawn === 0 && text.length === 0)) out.empty.push(title);
    if (card.tagName === 'SECTION') out.panels.push(panel);
  }
  return out;
})()
"""


@pytest.fixture(scope="module")
def browser():
    binary = find_chromium()
    if binary is None and os.environ.get("LOGCODES_REQUIRE_BROWSER"):   # CI (.ci/run): never skipped there
        pytest.fail("LOGCODES_REQUIRE_BROWSER is set but headless Chromium is not installed")
    if binary is None:
        pytest.skip("headless Chromium is not installed: `make test` installs the Debian package chromium "
                    "(TEST_APT_PACKAGES); these layout tests need it")
    b = Browser(binary)
    yield b
    b.close()


def _expected_http():
    return json.loads((PROXY / "EXPECTED.json").read_text())["requests"]


def _expected_calls():
    scenarios = json.loads((KAMAILIO / "EXPECTED.json").read_text())["scenarios"].values()
    outcomes = collections.Counter()
    for sc in scenarios:
        if sc.get("kind") == "call":
            outcomes[sc["outcome"]] += sc["calls"]
    return outcomes


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    paths = {"http": out / "http.html", "sip": out / "sip.html", "mixed": out / "mixed.html"}
    # Inputs named from the repository's root, as a reader would type them (the Inputs panel shows them).
    here = os.getcwd()
    os.chdir(DATA.parents[1])
    try:
        _write_reports(paths)
    finally:
        os.chdir(here)
    return paths


def _write_reports(paths):
    proxy, kamailio = PROXY.relative_to(DATA.parents[1]), KAMAILIO.relative_to(DATA.parents[1])
    assert cli.main(["report", str(proxy / "access_upstream.log"), "--nginx-format", NGINX_UPSTREAM,
                     "--errors", str(proxy / "error.log"),
                     "--explain", "4xx,5xx", "-o", str(paths["http"]), "--title", "nginx reverse proxy (lab)",
                     "--no-progress"]) == 0
    assert cli.main(["report", str(kamailio / "capture.pcap"), "-o", str(paths["sip"]),
                     "--title", "Kamailio proxy capture (lab)", "--no-progress"]) == 0
    tomcat = pathlib.Path("tests/data/lab_tomcat")
    assert cli.main(["report", str(tomcat / "localhost_access_log.txt"), str(kamailio / "capture.pcap"),
                     "--errors", str(tomcat / "localhost.log"), "-o", str(paths["mixed"]),
                     "--title", "Tomcat and a SIP proxy (lab)", "--no-progress"]) == 0


def _measure(browser, page, width):
    browser.open(page.as_uri(), width)
    return browser.evaluate(MEASURE)


def _panel(m, title):
    found = [p for p in m["panels"] if p["title"] == title]
    assert found, f"no panel {title!r} among {[p['title'] for p in m['panels']]}"
    return found[0]


@pytest.mark.parametrize("kind", ["http", "sip", "mixed"])
def test_nothing_overflows_and_every_panel_has_content(browser, pages, kind):
    keep = os.environ.get("LOGCODES_REPORT_IMAGES")
    for width in WIDTHS:
        m = _measure(browser, pages[kind], width)
        assert m["overflow"] == [], (width, m["overflow"][:5])
        assert m["empty"] == [], (width, m["empty"])
        scroll, inner = m["page"]
        assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"
        for p in m["panels"]:
            for bar in p["bars"]:
                assert bar["number"].strip() and bar["numberAfterBar"], (width, p["title"], bar)
        if keep and width == 1280:
            pathlib.Path(keep).mkdir(parents=True, exist_ok=True)
            browser.screenshot(str(pathlib.Path(keep) / f"report-{kind}.png"), width)


def test_http_report_names_every_cause_whole_with_its_count(browser, pages):
    m = _measure(browser, pages["http"], 390)
    causes = _panel(m, "Causes of failures")
    shown = {b["label"]: b["number"] for b in causes["bars"]}
    expected = collections.Counter(r["cause"] for r in _expected_http() if r["cause"] and r["status"] >= 400)
    assert expected
    for cause, n in expected.items():
        assert shown.get(cause) == f"{n:,}", (cause, n, shown)


def test_http_report_shows_failing_paths_codes_and_latency(browser, pages):
    m = _measure(browser, pages["http"], 1280)
    titles = [p["title"] for p in m["panels"]]
    for title in ("Error rate over time", "Failing paths: 5xx", "Failing paths: 4xx", "Latency per code",
                  "By code", "Inputs"):
        assert title in titles
    requests = _expected_http()
    failing = collections.Counter(logcodes.paths.template(r["request"].split()[1].split("?")[0])
                                  for r in requests if 500 <= r["status"] < 600)
    bars = {b["label"]: b["number"] for b in _panel(m, "Failing paths: 5xx")["bars"]}
    for path, n in failing.most_common(5):
        assert bars.get(path) == f"{n:,}", (path, n, bars)
    codes = {b["label"] for b in _panel(m, "By code")["bars"]}
    for code in {r["status"] for r in requests}:
        assert f"{code} {HTTP_PHRASES[code]}" in codes
    latency = _panel(m, "Latency per code")
    assert all(b["number"].endswith(" ms") for b in latency["bars"])


def test_sip_report_shows_calls_by_outcome_and_sip_phrases(browser, pages):
    m = _measure(browser, pages["sip"], 1280)
    titles = [p["title"] for p in m["panels"]]
    assert "Top paths (all records)" not in titles           # SIP captures have no paths: no empty panel
    outcomes = {b["label"]: b["number"] for b in _panel(m, "SIP calls")["bars"]}
    assert outcomes == {o: f"{n:,}" for o, n in _expected_calls().items()}
    codes = {b["label"] for b in _panel(m, "By code")["bars"]}
    for code, phrase in SIP_PHRASES.items():
        assert f"sip {code} {phrase}" in codes
    assert "sip 100 Continue" not in codes
    failures = {b["label"] for b in _panel(m, "SIP failures by code")["bars"]}
    assert {"486 Busy Here", "404 Not Found", "487 Request Terminated"} <= failures


def test_mixed_report_keeps_http_and_sip_apart(browser, pages):
    m = _measure(browser, pages["mixed"], 1920)
    classes = {b["label"] for b in _panel(m, "By class")["bars"]}
    assert {"http 5xx", "sip 1xx", "sip 2xx"} <= classes
    codes = {b["label"] for b in _panel(m, "By code")["bars"]}
    assert "sip 100 Trying" in codes and "500 Internal Server Error" in codes
    assert "SIP calls" in [p["title"] for p in m["panels"]]
