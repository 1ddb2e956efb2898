"""The stubs match the extension, and the package type-checks."""

import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("mypy")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd="/")


def test_core_stubs_match_extension():
    allow = pathlib.Path(__file__).with_name("stubtest_allowlist.txt")
    r = _run("mypy.stubtest", "logcodes._core", "--allowlist", str(allow))
    assert r.returncode == 0, r.stdout + r.stderr


def test_package_type_checks():
    r = _run("mypy", "--no-incremental", "-p", "logcodes")
    assert r.returncode == 0, r.stdout + r.stderr
