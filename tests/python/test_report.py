"""The HTML report: one self-contained file that headless Chromium renders with its charts."""

import os
import re
import shutil
import subprocess

import pytest

import logcodes
from logcodes import cli, report

LAB = logcodes.samples.path("nginx_lab")
LAB_ERRORS = logcodes.samples.path("nginx_lab_errors")


def _external_refs(page):
    page = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    return re.findall(r"""(?:src|href)\s*=|https?://|@import|<script""", page)


def test_cli_report_writes_a_self_contained_page(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert cli.main(["report", LAB, "--errors", LAB_ERRORS, "-o", str(out), "--title", "lab <&>"]) == 0
    page = out.read_text(encoding="utf-8")
    assert _external_refs(page) == []
    assert "lab &lt;&amp;&gt;" in page
    for panel in ("Over time", "By class", "By code", "By cause", "Top paths"):
        assert f"<h2>{panel}</h2>" in page
    assert "upstream_timeout" in page and "upstream_refused" in page   # causes from the error log
    assert page.count("<svg") >= 5
    assert "wrote" in capsys.readouterr().err


def test_report_of_a_summary_without_time_says_so():
    page = report.render(logcodes.scan(LAB, by="code"))
    assert "not grouped by time" in page and "not grouped by cause" in page


def test_cli_report_bad_input(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path / "missing.log"), "-o", str(tmp_path / "r.html")]) == 2
    assert "missing.log" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("chromium is not installed (make test installs it)")


def _colored(pixel):
    r, g, b = pixel[:3]
    return max(r, g, b) - min(r, g, b) > 60  # saturated: chart fills, never the black/grey text or borders


def test_report_renders_in_headless_chromium(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    browser = _chromium()
    out = tmp_path / "report.html"
    report.write(report.scan_for_report(logcodes.samples.path("shop_nginx")), out)
    shot = tmp_path / "shot.png"
    flags = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--window-size=1200,2000"]
    # The sanitizer run preloads ASan into the test process; the browser must not inherit it.
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS")}
    run = subprocess.run([*flags, "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", out.as_uri()],
                         capture_output=True, text=True, timeout=120, env=env)
    assert shot.exists(), run.stderr[-2000:]
    assert not [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    dom = subprocess.run([*flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120, env=env)
    assert dom.stdout.count("<svg") >= 5 and "Top paths" in dom.stdout

    img = Image.open(shot).convert("RGB")
    width, height = img.size
    px = img.load()

    def colored_share(top, bottom):
        hits = sum(_colored(px[x, y]) for y in range(top, bottom, 3) for x in range(0, width, 3))
        return hits / (((bottom - top) // 3 + 1) * (width // 3 + 1))

    # The layout (at 1200 px wide) puts the timeline in the first panel, below the headline figures, and
    # the class/code bars in the next row; each band must hold a drawn chart, the page margin none.
    assert colored_share(180, 480) > 0.10    # stacked areas of the timeline
    assert colored_share(520, 800) > 0.005   # bars by class and code
    assert colored_share(0, 60) == 0         # title row: text only


def test_report_names_sip_codes_by_the_sip_registry(corpus):
    from logcodes import codes

    s = report.scan_for_report(corpus / "sip" / "text" / "aaa.sip.txt")
    page = report.render(s)
    sip_codes = [c for (p, c) in s.counts("protocol", "code") if p == "sip"]
    assert sip_codes
    for code in sip_codes:
        assert f"<td>sip {code}</td><td>{codes.lookup('sip', code).reason}</td>" in page
