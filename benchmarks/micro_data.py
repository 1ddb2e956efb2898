"""Inputs for the micro-benchmarks and the instruction counts: one generated file per layout, with the
log_format it was written with, under benchmarks/data/micro/ (made once, reused while the generators are
unchanged)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402

LAYOUTS = ("combined", "nginx_custom", "nginx_json", "sip_trace")
BUILD = ROOT / "build" / "bench"


def ensure(size: int, seed: int = 1, data_dir: Path = HERE / "data") -> Path:
    """The folder of `<layout>.log` (+ `<layout>.format`) files of `size` bytes each."""
    folder = data_dir / "micro" / run.gen_logs.size_label(size)
    folder.mkdir(parents=True, exist_ok=True)
    for layout in LAYOUTS:
        if layout == "sip_trace":
            path, truth = run.ensure_variant(data_dir, layout, size, seed)
        else:
            path, truth = run.ensure_data(data_dir, size, seed, [], layout=layout)
        link = folder / f"{layout}.log"
        if not (link.is_symlink() and os.readlink(link) == str(path)):
            link.unlink(missing_ok=True)
            link.symlink_to(path)
        if truth.get("log_format"):
            (folder / f"{layout}.format").write_text(truth["log_format"])
    return folder


def build(targets: list[str]) -> Path:
    """Configures and builds the developer targets (LOGCODES_BUILD_BENCH) into build/bench."""
    venv_bin = ROOT / ".venv" / "bin"
    cmake = str(venv_bin / "cmake") if (venv_bin / "cmake").exists() else "cmake"
    ninja = venv_bin / "ninja"
    cfg = [cmake, "-S", str(ROOT), "-B", str(BUILD), "-DLOGCODES_BUILD_BENCH=ON", "-DLOGCODES_BUILD_PYTHON=OFF",
           "-DCMAKE_BUILD_TYPE=Release"]
    if ninja.exists():
        cfg += ["-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={ninja}"]
    if not (BUILD / "CMakeCache.txt").exists():
        subprocess.run(cfg, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([cmake, "--build", str(BUILD), "-j", str(os.cpu_count() or 2), "--target", *targets], check=True,
                   stdout=subprocess.DEVNULL)
    return BUILD
