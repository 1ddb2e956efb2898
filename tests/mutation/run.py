"""Mutation testing: apply each mutant of mutants.py to a scratch copy of the project, rebuild what it
touches, run the tests it names, and write which were killed (docs/mutation.md).

    python tests/mutation/run.py                    # every mutant (make mutate)
    python tests/mutation/run.py --only calls-407-not-challenge --keep-going
    python tests/mutation/run.py --list

The scratch copy lives in build/mutate/ (the tracked files as they are now, uncommitted edits included), so
the working tree is never touched. The C++ core is built there once without LTO at -O1 (the mutants change
behaviour, not speed), with the tests and the Python extension; Python tests import the scratch package
through PYTHONPATH. Before any mutant, every named test must pass on the unmutated copy.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from mutants import MUTANTS, Mutant  # noqa: E402

SCRATCH = ROOT / "build" / "mutate"
SRC = SCRATCH / "src"
BUILD = SCRATCH / "cpp"
TIMEOUT = 900  # seconds per test command: a mutant that hangs counts as killed (a test noticed)


def run(cmd: Sequence[str], *, cwd: Path = ROOT, env: Dict[str, str] | None = None, timeout: int = TIMEOUT,
        quiet: bool = True) -> int:
    try:
        out = subprocess.run(list(cmd), cwd=cwd, env=env, timeout=timeout,
                             stdout=subprocess.DEVNULL if quiet else None, stderr=subprocess.DEVNULL if quiet else None)
        return out.returncode
    except subprocess.TimeoutExpired:
        return -1


def copy_tree() -> None:
    """The tracked files as they are now. A file is rewritten only when its content differs (with a fresh
    mtime): the scratch build then rebuilds exactly what changed since its last run, never less."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    wanted = set()
    for f in files:
        if not f:
            continue
        rel = f.decode()
        src = ROOT / rel
        if not src.is_file():
            continue  # deleted in the working tree
        wanted.add(rel)
        dst = SRC / rel
        data = src.read_bytes()
        if dst.is_file() and dst.read_bytes() == data:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)
        shutil.copymode(src, dst)
    if SRC.exists():
        for old in SRC.rglob("*"):
            rel = old.relative_to(SRC).as_posix()
            if old.is_file() and rel not in wanted and not old.name.startswith("_core"):
                old.unlink()
    # The tests find the shared corpus beside the project: the same corpus beside the scratch copy.
    shared = ROOT.parent / "shared"
    link = SCRATCH / "shared"
    if shared.exists() and not link.exists():
        link.symlink_to(shared)


def configure() -> None:
    py = sys.executable
    pybind = subprocess.run([py, "-m", "pybind11", "--cmakedir"], check=True, capture_output=True, text=True).stdout.strip()
    cmake = str(Path(py).parent / "cmake")
    ninja = str(Path(py).parent / "ninja")
    cmd = [cmake, "-S", str(SRC), "-B", str(BUILD), "-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={ninja}",
           "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG",
           "-DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF", "-DLOGCODES_BUILD_TESTS=ON", "-DLOGCODES_BUILD_PYTHON=ON",
           f"-Dpybind11_DIR={pybind}", f"-DPython_EXECUTABLE={py}"]
    if run(cmd, quiet=False) != 0:
        raise SystemExit("mutate: cmake configure failed")


def build() -> bool:
    cmake = str(Path(sys.executable).parent / "cmake")
    if run([cmake, "--build", str(BUILD), "-j", str(os.cpu_count() or 2)], timeout=3600) != 0:
        return False
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for so in BUILD.rglob(f"_core{suffix}"):
        shutil.copy2(so, SRC / "python" / "logcodes" / so.name)
        return True
    return False


def test_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC / "python")
    env.pop("CI", None)
    return env


def run_tests(tests: Sequence[str]) -> str:
    """The first test command that fails, or "" when all pass."""
    for t in tests:
        if t == "cpp":
            binary = BUILD / "logcodes_tests"
            if run([str(binary), "--gtest_brief=1"], cwd=BUILD) != 0:
                return "cpp"
        else:
            cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *shlex.split(t)]
            if run(cmd, cwd=SRC / "tests" / "python", env=test_env()) != 0:
                return t
    return ""


def apply(m: Mutant) -> str:
    path = SRC / m.file
    text = path.read_text()
    n = text.count(m.find)
    if n != 1:
        raise SystemExit(f"mutant {m.id}: its text occurs {n} times in {m.file} (must be once): update mutants.py")
    path.write_text(text.replace(m.find, m.replace))
    return text


def write_docs(results: List[dict], seconds: Optional[float]) -> None:
    killed = sum(r["status"] == "killed" for r in results)
    equivalent = sum(r["status"] == "equivalent" for r in results)
    scored = len(results) - equivalent - sum(r["status"] == "stillborn" for r in results)
    rate = 100.0 * killed / scored if scored else 0.0
    lines = [
        "# Mutation testing",
        "",
        "`make mutate` (tests/mutation/run.py) applies each mutant of `tests/mutation/mutants.py` — one small,",
        "plausible mistake in the core or the Python layer — to a scratch copy in `build/mutate/`, rebuilds, and runs",
        "the tests the mutant names. A mutant is *killed* when one of them fails. `equivalent` mutants change",
        "nothing a user can observe (the reason is given); `stillborn` ones do not compile.",
        "",
        f"**Kill rate: {killed} of {scored} = {rate:.1f} %** ({len(results)} mutants, {equivalent} equivalent"
        + (f"; the run took {seconds / 60:.0f} min on 2 cores)." if seconds else ").")
        + " Results of mutants re-run with `--only` replace their earlier ones.",
        "",
        "| mutant | file | the mistake | result | killed by |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| `{r['id']}` | `{r['file']}` | {r['what']} | {r['status']} | {r['by'] or r.get('why', '')} |")
    (ROOT / "docs" / "mutation.md").write_text("\n".join(lines) + "\n")


def merged(fresh: List[dict]) -> List[dict]:
    """This run's results over the last run's (``--only`` re-runs some mutants), in the order of MUTANTS;
    mutants that no longer exist are dropped."""
    saved = SCRATCH / "results.json"
    by_id = {r["id"]: r for r in (json.loads(saved.read_text()) if saved.exists() else [])}
    by_id.update({r["id"]: r for r in fresh})
    for m in MUTANTS:  # a mutant described again or marked equivalent since its last run
        r = by_id.get(m.id)
        if r is not None:
            r["what"] = m.what
            if m.equivalent:
                r.update(status="equivalent", why=m.equivalent, by="")
    return [by_id[m.id] for m in MUTANTS if m.id in by_id]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", help="mutant ids to run")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite docs/mutation.md")
    ap.add_argument("--docs-only", action="store_true", help="write docs/mutation.md from the saved results")
    args = ap.parse_args()
    chosen = [m for m in MUTANTS if not args.only or m.id in args.only]
    if args.docs_only:
        saved = merged([])
        if len(saved) != len(MUTANTS):
            raise SystemExit(f"mutate: {len(MUTANTS) - len(saved)} mutants have no result yet")
        write_docs(saved, None)
        return 0
    if args.list:
        for m in chosen:
            print(f"{m.id:34} {m.file:32} {m.what}")
        return 0
    start = time.time()
    copy_tree()
    for m in chosen:  # every text must be found before anything runs
        text = (SRC / m.file).read_text()
        if text.count(m.find) != 1:
            raise SystemExit(f"mutant {m.id}: its text occurs {text.count(m.find)} times in {m.file}")
    configure()
    if not build():
        raise SystemExit("mutate: the unmutated copy does not build")
    needed = sorted({t for m in chosen for t in m.tests}, key=lambda t: (t != "cpp", t))
    # A test that fails on the unmutated copy would kill every mutant: each must pass (twice at most: a
    # loaded machine can make a timing-sensitive watch test miss once).
    failing = [t for t in needed if run_tests([t]) and run_tests([t])]
    if failing:
        raise SystemExit(f"mutate: these tests fail before any mutant: {failing}")
    results = []
    for i, m in enumerate(chosen, 1):
        t0 = time.time()
        entry = {"id": m.id, "file": m.file, "what": m.what, "by": ""}
        if m.equivalent:
            entry.update(status="equivalent", why=m.equivalent)
            results.append(entry)
            continue
        original = apply(m)
        try:
            cpp = m.file.startswith("cpp/")
            if cpp and not build():
                entry["status"] = "stillborn"
            else:
                by = run_tests(m.tests)
                entry.update(status="killed" if by else "survived", by=by)
        finally:
            (SRC / m.file).write_text(original)
        print(f"[{i}/{len(chosen)}] {m.id}: {entry['status']} {entry['by']} ({time.time() - t0:.0f} s)", flush=True)
        results.append(entry)
        (SCRATCH / "results.json").write_text(json.dumps(merged(results), indent=1))  # kept if stopped
    build()  # leave the scratch build unmutated
    results = merged(results)
    (SCRATCH / "results.json").write_text(json.dumps(results, indent=1))
    if not args.no_docs and len(results) == len(MUTANTS):
        write_docs(results, time.time() - start)
    survived = [r["id"] for r in results if r["status"] == "survived"]
    print(f"mutate: {sum(r['status'] == 'killed' for r in results)} killed, {len(survived)} survived: {survived}"
          f" ({len(results)} of {len(MUTANTS)} mutants have a result)")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
