#!/usr/bin/env bash
# Runs the fuzz targets built in BUILD_DIR, one after another, each for SECONDS, on the seed corpus made by
# seeds.py (grown in place: BUILD_DIR/corpus/<target>). Prints one line per target (runs, corpus, result)
# and the path of every input that broke something; exits non-zero if any target found something.
# Usage: run.sh BUILD_DIR SECONDS [TARGET...]   (default: every fuzz_* binary)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "$1" && pwd)"
seconds="$2"
shift 2
bin="$build/tests/fuzz"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$bin"/fuzz_*; do [ -x "$f" ] && targets+=("$(basename "$f")"); done
fi

# Longest input per target: long enough for several log lines or a few packets, short enough to run fast.
max_len() {
  case "$1" in
    fuzz_pcap|fuzz_compressed) echo 65536 ;;
    fuzz_framer|fuzz_rules|fuzz_format_compilers) echo 4096 ;;
    fuzz_json) echo 8192 ;;
    *) echo 16384 ;;
  esac
}

# Stack traces for UBSan reports too (ASan prints them anyway).
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

python3 "$here/seeds.py" "$build/corpus" >/dev/null
mkdir -p "$build/logs" "$build/findings"
failed=()
printf '%-24s %8s %12s %8s %10s  %s\n' target seconds runs corpus peak_rss result
for t in "${targets[@]}"; do
  dict=()
  [ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
  log="$build/logs/$t.log"
  start=$(date +%s)
  "$bin/$t" "$build/corpus/$t" "${dict[@]}" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$build/findings/$t-" >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  if [ $rc -eq 0 ]; then result=ok; else result="FOUND (exit $rc)"; failed+=("$t"); fi
  printf '%-24s %8s %12s %8s %10s  %s\n' "$t" "$took" "${runs:-?}" "$corpus" "${rss:-?}MB" "$result"
  if [ $rc -ne 0 ]; then
    grep -E '^(==[0-9]+==ERROR|SUMMARY|invariant failed|.*runtime error)' "$log" | head -5 | sed 's/^/    /'
    sed -n 's/.*Test unit written to \(.*\)$/    input: \1/p' "$log"
    echo "    log: $log"
    echo "    reproduce: $bin/$t <input>"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
