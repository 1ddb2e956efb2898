import json
import subprocess
import sys

import logcodes
from logcodes.cli import main


def test_summarize_table(capsys, data):
    assert main(["summarize", str(data / "nginx_lab_combined.log"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "502" in out and "Bad Gateway" in out


def test_summarize_json_and_csv(capsys, data):
    assert main(["summarize", str(data / "nginx_lab_combined.log"), "--json", "--by", "code"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["dims"] == ["code"] and d["total"] == 28
    assert main(["summarize", str(data / "nginx_lab_combined.log"), "--csv", "--by", "class"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "class,count" and "5xx,12" in lines


def test_errors_exit_codes(capsys, tmp_path):
    assert main(["summarize", str(tmp_path / "missing.log")]) == 2
    assert "missing.log" in capsys.readouterr().err
    assert main(["summarize", str(tmp_path), "--format", "nope"]) == 2


def test_truncated_exit_1_still_prints(capsys, tmp_path, data):
    import gzip

    p = tmp_path / "cut.gz"
    p.write_bytes(gzip.compress((data / "shop_nginx_main_1000.log").read_bytes())[:5000])
    assert main(["summarize", str(p), "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["total"] > 0
    assert "truncated" in captured.err


def test_demo_and_module_entry():
    out = subprocess.run([sys.executable, "-m", "logcodes", "demo", "--no-progress"], capture_output=True, text=True,
                         check=True).stdout
    assert "9,126" in out and "938" in out  # each real sample's 200s
    out = subprocess.run([sys.executable, "-m", "logcodes", "codes", "sip"], capture_output=True, text=True,
                         check=True).stdout
    assert "486  4xx  Busy Here" in out


def test_formats_and_detect(capsys, data):
    assert main(["formats"]) == 0
    assert "nginx_main" in capsys.readouterr().out
    assert main(["detect", str(data / "shop_nginx_main_1000.log")]) == 0
    assert "nginx_main" in capsys.readouterr().out


def test_summarize_with_error_logs(capsys, corpus):
    d = corpus / "lab_generated" / "nginx"
    assert main(["summarize", str(d / "access_combined.log"), "--errors", str(d / "error.log"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "upstream_refused" in out and "upstream_timeout" in out
    assert main(["summarize", str(d / "access_combined.log"), "--errors", str(d / "error.log"), "--json",
                 "--by", "code,cause"]) == 0
    d2 = json.loads(capsys.readouterr().out)
    assert d2["columns"] == ["code", "reason", "cause", "count"]
    assert [502, "Bad Gateway", "upstream_refused", 4] in d2["groups"]


def test_demo_shows_tomcat_causes_and_sip_calls(capsys):
    # make demo shows the heart: Tomcat 500s explained as JSP compile errors (WAR under /shop and ROOT), a SIP
    # capture's codes by SIP's own registry, and its calls (every call of the Kamailio lab went through a 407).
    assert main(["demo", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "jsp_compile_error        compile: /broken.jsp" in out
    assert "/shop/profile.jsp java.lang.NullPointerException" in out
    assert "407   Proxy Authentication Required" in out and "100   Trying" in out
    assert "206 responses folded into 26 calls" in out
    assert "answered   200   OK                      14" in out
