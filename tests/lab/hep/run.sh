#!/usr/bin/env bash
# SIP monitoring live: the Kamailio lab's proxy (../kamailio: kamailio.cfg, plan.txt, scenarios) with its
# siptrace module mirroring every message as HEPv3 (siptrace.cfg) to `logcodes watch --hep`, while another
# `logcodes watch --interface lo` captures the same traffic live and tcpdump writes it to a file. Written to
# tests/data/lab_hep/:
#
#   - capture.pcap (tcpdump, the SIP ports), hep.pcap (tcpdump, the HEP packets Kamailio sent to port 9060);
#   - hep_windows.jsonl and capture_windows.jsonl: the two stages' windows (--count calls --interval 1s);
#   - every SIPp trace, statistics and counts, tshark's reading and EXPECTED.json, as the Kamailio lab writes
#     them (../kamailio/expected.py derives EXPECTED.json from the scenarios and SIPp's statistics);
#   - check.py's verdict: the windows of both stages add up to a scan of capture.pcap and to EXPECTED.json,
#     and every message was received once (the run fails otherwise, and no fixture is written).
#
# Needs root (tcpdump, live capture, a private network namespace). Installs Debian's kamailio, sip-tester,
# tcpdump and tshark when missing. Runs the logcodes of this checkout ($LOGCODES_PYTHON, default .venv's
# python: `make install` first). About a minute (35 s of it: calls going quiet); cleans up after itself (LAB_HEP_KEEP=1 keeps the work directory).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lab="$here/../kamailio"
root="$(cd "$here/../../.." && pwd)"
out="$root/tests/data/lab_hep"
py="${LOGCODES_PYTHON:-$root/.venv/bin/python}"
hep_port=9060

[ "$(id -u)" = 0 ] || { echo "run.sh needs root (tcpdump and live capture on lo)" >&2; exit 2; }
"$py" -c "import logcodes.live" || { echo "$py cannot import logcodes.live: run make install" >&2; exit 2; }
need=()
command -v kamailio >/dev/null || need+=(kamailio)
command -v sipp >/dev/null || need+=(sip-tester)
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v tshark >/dev/null || need+=(tshark)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${need[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

# Everything below runs in a network namespace of its own, with only a loopback, when one can be made.
if [ -z "${LAB_HEP_NETNS:-}" ] && unshare -n true 2>/dev/null; then
  LAB_HEP_NETNS=1 exec unshare -n "$0" "$@"
fi
[ -n "${LAB_HEP_NETNS:-}" ] && ip link set lo up

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${LAB_HEP_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

wait_udp() {
  for _ in $(seq 50); do ss -lun | grep -q "127.0.0.1:$1 " && return 0; sleep 0.1; done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}
if ss -lunH | awk '{print $4}' | grep -qE "^127\.0\.0\.1:(350[6-9][0-9]|$hep_port)$"; then
  echo "a port in 127.0.0.1:35060-35099 or $hep_port is already in use" >&2; exit 1
fi

# The SIP traffic (Kamailio sends its HEP from its SIP socket: that is left out) and the HEP traffic.
sip_filter="udp and portrange 35060-35099 and not port $hep_port"
tcpdump -i lo -s 0 -U --immediate-mode -n -w "$work/capture.pcap" "$sip_filter" 2>"$work/tcpdump.err" &
pids+=($!); tcpdump_pids=($!)
tcpdump -i lo -s 0 -U --immediate-mode -n -w "$work/hep.pcap" "udp and dst port $hep_port" 2>"$work/tcpdump_hep.err" &
pids+=($!); tcpdump_pids+=($!)
for f in tcpdump.err tcpdump_hep.err; do
  for _ in $(seq 50); do grep -q "listening on" "$work/$f" && break; sleep 0.1; done
done

# The two stages: HEP from the proxy, and live capture of the same packets.
"$py" -m logcodes watch --hep "udp://127.0.0.1:$hep_port" --count calls --jsonl --interval 1s \
  >"$work/hep_windows.jsonl" 2>"$work/watch_hep.err" &
watch_hep=$!; pids+=($watch_hep)
"$py" -m logcodes watch --interface lo --filter "$sip_filter" --count calls --jsonl --interval 1s \
  >"$work/capture_windows.jsonl" 2>"$work/watch_capture.err" &
watch_capture=$!; pids+=($watch_capture)
wait_udp "$hep_port"
for _ in $(seq 50); do grep -q "reading interface:lo" "$work/watch_capture.err" && break; sleep 0.1; done

# The lab's proxy with siptrace loaded after its other modules.
sed "/^loadmodule \"registrar.so\"/a include_file \"$here/siptrace.cfg\"" "$lab/kamailio.cfg" > "$work/kamailio.cfg"
grep -q siptrace.cfg "$work/kamailio.cfg" || { echo "cannot add siptrace to $lab/kamailio.cfg" >&2; exit 1; }
kamailio -f "$work/kamailio.cfg" -DD -E -w "$work" >"$work/kamailio.log" 2>&1 &
kamailio_pid=$!; pids+=($kamailio_pid)
wait_udp 35060

sipp_opts() {
  echo -nostdin -trace_msg -message_file "$1/messages.log" -trace_stat -stf "$1/stat.csv" -fd 1 \
       -trace_counts -trace_screen -screen_file "$1/screen.log"
}
uas_pids=()
while read -r kind name port _; do
  [ "$kind" = uas ] || continue
  d="$work/uas_$name"; mkdir -p "$d"
  (cd "$d" && exec sipp -sf "$lab/scenarios/uas_$name.xml" -i 127.0.0.1 -p "$port" $(sipp_opts "$d") \
      >/dev/null 2>"$d/stderr") &
  uas_pids+=($!); pids+=($!)
  wait_udp "$port"
done < <(grep -v '^#' "$lab/plan.txt")

uac_pids=(); uac_names=()
while read -r kind name scenario user calls rate password port; do
  [ "$kind" = uac ] || continue
  d="$work/uac_$name"; mkdir -p "$d"
  (cd "$d" && exec sipp 127.0.0.1:35060 -sf "$lab/scenarios/$scenario" -s "$user" -au alice -ap "$password" \
      -i 127.0.0.1 -p "$port" -m "$calls" -r "$rate" -rp 1000 -timeout 60s $(sipp_opts "$d") \
      >/dev/null 2>"$d/stderr") &
  uac_pids+=($!); uac_names+=("$name"); pids+=($!)
  sleep 0.2
done < <(grep -v '^#' "$lab/plan.txt")

failed=0
for i in "${!uac_pids[@]}"; do
  rc=0; wait "${uac_pids[$i]}" || rc=$?
  echo "caller ${uac_names[$i]}: sipp exit $rc"
  [ "$rc" = 0 ] || failed=1
done
for p in "${uas_pids[@]}"; do kill -USR1 "$p" 2>/dev/null || true; done
for p in "${uas_pids[@]}"; do wait "$p" || true; done
sleep 1.5   # the last packets and HEP copies reach the stages and tcpdump
kill "$kamailio_pid"; wait "$kamailio_pid" || true
# Calls are counted once quiet for 64*T1 (32 s): the stages run on silent until every call has been counted
# in a window of its own, so the stop has nothing left to count.
sleep "${LAB_HEP_LINGER:-35}"
# The stages end their last window (counting the calls still open, none if all went well) and stop.
kill -TERM "$watch_hep" "$watch_capture"
rc_hep=0; wait "$watch_hep" || rc_hep=$?
rc_capture=0; wait "$watch_capture" || rc_capture=$?
for p in "${tcpdump_pids[@]}"; do kill -INT "$p"; wait "$p" || true; done
pids=()
if [ "$failed" != 0 ] || [ "$rc_hep" != 0 ] || [ "$rc_capture" != 0 ]; then
  echo "a caller or a stage failed (stages: $rc_hep $rc_capture); their stderr and the proxy log:" >&2
  tail -n 20 "$work"/uac_*/stderr "$work"/watch_*.err "$work/kamailio.log" >&2
  exit 1
fi

rm -rf "$out"; mkdir -p "$out/sipp"
cp "$work/capture.pcap" "$work/hep.pcap" "$work/hep_windows.jsonl" "$work/capture_windows.jsonl" "$here/siptrace.cfg" "$out/"
cp "$work/kamailio.cfg" "$out/kamailio.cfg"
for d in "$work"/uac_* "$work"/uas_*; do
  n="$(basename "$d")"
  cp "$d/messages.log" "$out/sipp/${n}_messages.log"
  cp "$d/stat.csv" "$out/sipp/${n}_stat.csv"
  cp "$d"/*_counts.csv "$out/sipp/${n}_counts.csv"
  cp "$d/screen.log" "$out/sipp/${n}_screen.log"
done
tshark -r "$out/capture.pcap" -q -z sip,stat > "$out/tshark_sip_stat.txt"
tshark -r "$out/capture.pcap" -Y sip -T fields -E header=y -E separator=/t -e frame.number \
  -e frame.time_relative -e udp.srcport -e udp.dstport -e sip.Call-ID -e sip.Method -e sip.Status-Code \
  -e sip.CSeq.seq -e sip.CSeq.method -e sip.from.tag -e sip.to.tag > "$out/tshark_sip_fields.tsv"
python3 "$lab/expected.py" "$out"
{
  echo "# Lab: live SIP monitoring (tests/lab/hep/run.sh)"
  echo
  echo "Generated by tests/lab/hep/run.sh: the Kamailio lab's proxy and SIPp plan (tests/lab/kamailio) with"
  echo "siptrace mirroring every message as HEPv3 (siptrace.cfg) to \`logcodes watch --hep\`, a second stage"
  echo "capturing on lo (\`logcodes watch --interface lo\`) and tcpdump, all at the same time, in a private network"
  echo "namespace. Everything here was written by those programs; EXPECTED.json by tests/lab/kamailio/expected.py."
  echo
  echo "- date (UTC): $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- system: Debian $(cat /etc/debian_version)"
  echo "- $(kamailio -v | head -1)"
  echo "- $( { sipp -v 2>&1 || true; } | grep -o 'SIPp v[^ ]*')"
  echo "- $(tcpdump --version 2>&1 | head -1)"
  echo "- $(tshark --version | head -1)"
  echo "- logcodes $("$py" -c 'import logcodes; print(logcodes.__version__)')"
} > "$out/SOURCES.md"
"$py" "$here/check.py" "$out"
echo "wrote $out"
