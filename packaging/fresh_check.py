"""Run inside a fresh minimal Debian root (packaging/fresh_root.sh) by the virtualenv the wheel went into:
the system has no compiler, no -dev package and none of the libraries the wheel bundles, and everything a
user does first works: --version, the demo, a pcap scan, records() into pyarrow, the HTML report.

usage: python fresh_check.py EXPECTED_VERSION
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata

# What the wheel must not need from the system: compilers, headers and the libraries it bundles
# (gcc-12-base, in every root, holds only documentation: not a compiler).
COMPILER = re.compile(r"(gcc|g\+\+|cpp|clang|build-essential)(-\d+)?$")
BUNDLED_PACKAGES = ("libre2-", "libsimdjson", "libpcap", "libisal")
# What a manylinux wheel may take from the system (the policy's libraries).
# What a manylinux wheel may take from the system: glibc's libraries, libgcc_s, libstdc++ and libz.so.1, which
# every manylinux policy lists (auditwheel's manylinux-policy.json) and which every Debian root has (zlib1g is
# Priority: required); auditwheel leaves them out of the wheel, so they must come from here.
SYSTEM_LIBS = ("linux-vdso", "libc.so", "libm.so", "libpthread", "libdl", "librt", "libgcc_s", "libstdc++",
               "ld-linux", "libz.so.1")


def _bin(name: str) -> str:
    return os.path.join(os.path.dirname(sys.executable), name)


def _run(*args: str, ok: int = 0) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if proc.returncode != ok:
        raise SystemExit(f"FAIL {' '.join(args)}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return proc.stdout


def check_system() -> None:
    installed = _run("dpkg-query", "-W", "-f", "${Package}\n").split()
    bad = sorted(p for p in installed if p.endswith("-dev") or COMPILER.match(p) or p.startswith(BUNDLED_PACKAGES))
    if bad:
        raise SystemExit(f"FAIL the fresh root has build packages: {' '.join(bad)}")
    for tool in ("cc", "gcc", "g++", "c++", "clang"):
        if shutil.which(tool):
            raise SystemExit(f"FAIL the fresh root has a compiler: {shutil.which(tool)}")
    for lib in ("libre2.so*", "libsimdjson.so*", "libpcap.so*", "libisal.so*"):
        found = glob.glob(f"/usr/lib/*/{lib}") + glob.glob(f"/lib/*/{lib}")
        if found:
            raise SystemExit(f"FAIL the fresh root has {found[0]}")
    print(f"ok system: {len(installed)} packages, no compiler, no -dev package, no bundled library")


def check_extension() -> None:
    import logcodes._core as core

    ldd = _run("ldd", core.__file__)
    for line in ldd.splitlines():
        words = line.split()
        if not words:
            continue
        if "not found" in line:
            raise SystemExit(f"FAIL the extension needs a library the system does not have: {line.strip()}")
        if "/logcodes.libs/" in line or os.path.basename(words[0]).startswith(SYSTEM_LIBS):
            continue
        raise SystemExit(f"FAIL the extension takes a library from the system that is not in the policy: {line.strip()}")
    bundled = sorted(os.listdir(os.path.join(os.path.dirname(os.path.dirname(core.__file__)), "logcodes.libs")))
    print(f"ok extension: system libraries only from the manylinux policy; bundled {len(bundled)}: {' '.join(bundled)}")


def check_version(expected: str) -> None:
    import logcodes

    cli = _run(_bin("logcodes"), "--version").strip()
    versions = {cli.split()[-1], logcodes.__version__, metadata.version("logcodes"), expected}
    if len(versions) != 1:
        raise SystemExit(f"FAIL versions disagree: --version {cli!r}, __version__ {logcodes.__version__}, "
                         f"metadata {metadata.version('logcodes')}, wheel {expected}")
    licences = [f for f in metadata.files("logcodes") or () if "licenses" in str(f)]
    if not any(str(f).endswith("NOTICE") for f in licences) or not any(str(f).endswith("LICENSE") for f in licences):
        raise SystemExit(f"FAIL the installed metadata lacks LICENSE or NOTICE: {licences}")
    print(f"ok version {expected} (--version, __version__, metadata); {len(licences)} licence files")


def check_demo() -> None:
    out = _run(_bin("logcodes"), "demo", "--no-progress")
    if "9,126" not in out or "Busy Here" not in out and "486" not in out:
        raise SystemExit(f"FAIL demo output lacks the samples' counts:\n{out[:2000]}")
    print(f"ok demo ({len(out.splitlines())} lines)")


def check_pcap() -> None:
    import logcodes

    capture = logcodes.samples.path("kamailio_lab")
    d = json.loads(_run(_bin("logcodes"), "summarize", capture, "--json", "--no-progress"))
    s = logcodes.scan(capture)
    if not d["total"] or d["total"] != s.total or "sip" not in s.protocols:
        raise SystemExit(f"FAIL pcap scan: CLI total {d['total']}, scan() total {s.total}, protocols {s.protocols}")
    print(f"ok pcap scan: {s.total} SIP messages, {s.counted} counted")


def check_records() -> None:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    import logcodes

    path = logcodes.samples.path("apache_combined")
    table = pa.table(logcodes.records(path, columns=["code", "method", "time"]))
    counted = logcodes.scan(path).counted
    if table.num_rows != counted or table.schema.field("code").type != pa.int16():
        raise SystemExit(f"FAIL records(): {table.num_rows} rows for {counted} counted; schema {table.schema}")
    print(f"ok records() into pyarrow {pa.__version__}: {table.num_rows} rows")


def check_report() -> None:
    import logcodes

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.html")
        _run(_bin("logcodes"), "report", logcodes.samples.path("nginx_lab"), "--errors",
             logcodes.samples.path("nginx_lab_errors"), "-o", out)
        page = open(out, encoding="utf-8").read()
    if "<svg" not in page or "502" not in page:
        raise SystemExit("FAIL the report has no chart or lacks the sample's 502s")
    print(f"ok report ({len(page):,} bytes)")


def main() -> None:
    expected = sys.argv[1]
    check_system()
    check_extension()
    check_version(expected)
    check_demo()
    check_pcap()
    check_records()
    check_report()
    print("fresh root: all checks passed")


if __name__ == "__main__":
    main()
