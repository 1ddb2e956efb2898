#!/usr/bin/env bash
# Real SIPp calls on 127.0.0.1 with known outcomes; writes the UAC's message trace to tests/data/lab_sipp/.
#   answered 5 (built-in uac/uas: INVITE 100 180 200 ACK BYE 200), busy 4 (486, Q.850 17),
#   declined 3 (603, Q.850 21), cancelled 2 (180, CANCEL, 200, 487).
# Needs Debian's sip-tester (installed when missing and run as root). Re-runnable; about 20 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_sipp"
command -v sipp >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq sip-tester >/dev/null; }
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$out"

# run NAME UAS-SCENARIO UAC-SCENARIO CALLS PORT
run() {
  local name=$1 uas=$2 uac=$3 calls=$4 port=$5
  (cd "$work" && sipp -bg $uas -i 127.0.0.1 -p "$port" -nostdin >/dev/null 2>&1) &
  sleep 0.5
  (cd "$work" && sipp 127.0.0.1:"$port" $uac -s "$name" -i 127.0.0.1 -p $((port + 1000)) -m "$calls" -r 5 \
      -trace_msg -message_file "$work/$name.log" -nostdin -timeout 30s >/dev/null 2>&1) || true
  pkill -f "sipp.*-p $port " 2>/dev/null || true
  cat "$work/$name.log" >> "$out/uac_messages.log"
}

: > "$out/uac_messages.log"
run answer "-sn uas" "-sn uac" 5 25060
run busy "-sf $here/scenarios/uas_busy.xml" "-sf $here/scenarios/uac_expect_486.xml" 4 25062
run decline "-sf $here/scenarios/uas_decline.xml" "-sf $here/scenarios/uac_expect_603.xml" 3 25064
run cancel "-sf $here/scenarios/uas_ring_cancelled.xml" "-sf $here/scenarios/uac_cancel.xml" 2 25066
{ sipp -v 2>&1 || true; } | grep -o "SIPp v[^ ]*" > "$out/VERSION" || true
echo "wrote $out/uac_messages.log ($(grep -c '^SIP/2.0' "$out/uac_messages.log") responses)"
# The expected numbers, counted without logcodes: responses by code (grep), calls by design of the run.
python3 - "$out" <<'PY'
import collections, json, re, sys
out = sys.argv[1]
text = open(f"{out}/uac_messages.log", encoding="utf-8", errors="replace").read()
codes = collections.Counter(m.group(1) for m in re.finditer(r"^SIP/2\.0 (\d{3}) ", text, re.M))
json.dump({"responses": dict(sorted(codes.items())),
           "calls": {"200": 5, "486": 4, "603": 3, "487": 2},
           "outcomes": {"answered": 5, "busy": 4, "rejected": 3, "cancelled": 2},
           "note": "UAC-side -trace_msg of four SIPp runs on 127.0.0.1 (see tests/lab/sipp/run.sh)"},
          open(f"{out}/EXPECTED.json", "w"), indent=1)
PY
