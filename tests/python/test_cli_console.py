"""The command line as a user runs it: the installed console script (``logcodes`` beside this interpreter),
in its own process, with real pipes."""

import json
import os
import pathlib
import re
import subprocess
import sys
from importlib import metadata

import pytest

import logcodes

SCRIPT = pathlib.Path(sys.executable).parent / "logcodes"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason=f"no installed console script at {SCRIPT}")


def run(*args, stdin=None, **kw):
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=300,
                          input=stdin, **kw)


def test_version_is_the_package_version():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"logcodes {metadata.version('logcodes')}" == f"logcodes {logcodes.__version__}"


def test_negative_relative_times_parse(data):
    path = data / "nginx_lab_combined.log"
    # the README's own line: the lab log is older than an hour, so every record is filtered out, none unparsed
    out = run("summarize", path, "--codes", "5xx", "--since", "-1h", "--json", "--no-progress")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert (d["total"], d["filtered"], d["invalid"], d["counted"]) == (28, 27, 1, 0)
    # --until -1h keeps them all; so does the = form; a bad relative time is still a bad argument
    out = run("summarize", path, "--until", "-1h", "--by", "code", "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["filtered"] == 0
    assert run("summarize", path, "--until=-30min", "--json").returncode == 0
    bad = run("summarize", path, "--since", "-1parsec")
    assert bad.returncode == 2 and "is not a time" in bad.stderr


def _closed_pipe_run(*args):
    """Run with standard output a pipe whose reader has already gone: the first write fails (EPIPE)."""
    r, w = os.pipe()
    os.close(r)
    try:
        proc = subprocess.run([str(SCRIPT), *map(str, args)], stdout=w, stderr=subprocess.PIPE, text=True,
                              timeout=300)
    finally:
        os.close(w)
    return proc


@pytest.mark.parametrize("args", [("codes", "sip"), ("formats",), ("summarize", "{data}/nginx_lab_combined.log")])
def test_closed_output_ends_quietly_with_the_sigpipe_status(args, data):
    proc = _closed_pipe_run(*(a.format(data=data) for a in args))
    assert proc.returncode == 141
    assert proc.stderr == ""


def test_head_of_a_long_listing():
    # as a user types it: the shell's pipe, head leaving early
    out = subprocess.run(f"'{SCRIPT}' codes | head -n 3", shell=True, capture_output=True, text=True, timeout=120)
    assert out.stderr == "" and len(out.stdout.splitlines()) == 3


def test_nothing_recognised_exits_3_with_one_line(tmp_path):
    garbage = tmp_path / "garbage.log"
    garbage.write_bytes(b"".join(b"%d not a log line at all \xff\xfe\n" % i for i in range(40)))
    out = run("summarize", garbage, "--json")
    assert out.returncode == 3
    assert json.loads(out.stdout)["unparsed"] == 40  # the summary is still printed
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "nothing recognised in 40 lines" in lines[0] and "--allow-empty" in lines[0]
    allowed = run("summarize", garbage, "--allow-empty", "--json")
    assert allowed.returncode == 0 and allowed.stderr == ""
    # a format given by name: the reason names it
    named = run("summarize", garbage, "--format", "combined")
    assert named.returncode == 3 and "'combined'" in named.stderr


def test_empty_input_exits_3_and_allow_empty_is_0(tmp_path):
    assert run("summarize", "-", stdin="").returncode == 3
    out = run("summarize", "-", "--allow-empty", "--json", stdin="")
    assert out.returncode == 0 and json.loads(out.stdout)["total"] == 0
    report = run("report", "-", "-o", tmp_path / "r.html", stdin="")
    assert report.returncode == 3 and "nothing recognised" in report.stderr and (tmp_path / "r.html").exists()


def test_filtered_or_invalid_records_were_recognised(data):
    # every record left out by a filter: recognised, so 0
    out = run("summarize", data / "nginx_lab_combined.log", "--codes", "1xx", "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["counted"] == 0


def test_help_lists_every_dimension_and_sip():
    top = run("--help").stdout
    assert "SIP" in top and "pcap" in top and "--version" in top
    by_help = " ".join(run("summarize", "--help").stdout.split())
    for dim in logcodes.DIMENSIONS:
        assert re.search(rf"\b{dim}\b", by_help), dim


@pytest.mark.parametrize("command", ["summarize", "report", "demo", "formats", "detect", "watch", "codes"])
def test_each_subcommand_has_its_own_examples(command):
    out = run(command, "--help")
    assert out.returncode == 0
    examples = out.stdout.split("examples:", 1)[1]
    lines = [ln.strip() for ln in examples.splitlines() if ln.strip().startswith("logcodes ") or "| logcodes " in ln]
    assert lines and all(f"logcodes {command}" in ln for ln in lines), lines


def test_every_example_line_parses():
    """Each example in every help text is accepted by the parser (files need not exist: parsing only)."""
    from logcodes import cli
    from logcodes._cli_help import EXAMPLES
    from logcodes._cli_run import join_negative_times
    import shlex

    parser = cli._parser()
    for text in EXAMPLES.values():
        for line in text.splitlines():
            cmd = line.split("#", 1)[0].split("|")[-1].strip()
            if not cmd.startswith("logcodes "):
                continue
            args = join_negative_times(shlex.split(cmd)[1:])
            parser.parse_args(args)  # SystemExit on any refused argument
