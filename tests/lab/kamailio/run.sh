#!/usr/bin/env bash
# Real calls through a real proxy: Kamailio (kamailio.cfg) on 127.0.0.1:35060 between SIPp callers and callees,
# captured with tcpdump, written to tests/data/lab_kamailio/.
#
#   - the proxy challenges every INVITE with 407 and every REGISTER with 401 (digest, fixed credentials table),
#     record-routes, forks "fork" in parallel to two callees and relays the 302 of "moved";
#   - plan.txt lists the SIPp callees (uas) and callers (uac) with their number of calls; the callers run at the
#     same time, a few calls per second each, so the capture interleaves them over a few seconds;
#   - kept: the capture (capture.pcap), each SIPp's message trace (-trace_msg), statistics (-trace_stat) and
#     message counts (-trace_counts), tshark's reading of the capture, the config, and EXPECTED.json, which
#     expected.py derives from the scenario files, the plan and SIPp's statistics and checks against tshark.
#
# Needs root (tcpdump, and a private network namespace so nothing else on the machine's loopback mixes in;
# without `unshare` the capture is filtered to the lab's ports on the shared loopback). Installs Debian's
# kamailio, sip-tester, tcpdump and tshark when missing. Re-runnable; about 15 s; cleans up after itself
# (LAB_KAMAILIO_KEEP=1 keeps the work directory, with the proxy's log, and names it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(cd "$here/../.." && pwd)/data/lab_kamailio"

[ "$(id -u)" = 0 ] || { echo "run.sh needs root (tcpdump on lo)" >&2; exit 2; }
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
if [ -z "${LAB_KAMAILIO_NETNS:-}" ] && unshare -n true 2>/dev/null; then
  LAB_KAMAILIO_NETNS=1 exec unshare -n "$0" "$@"
fi
[ -n "${LAB_KAMAILIO_NETNS:-}" ] && ip link set lo up

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${LAB_KAMAILIO_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Waits until something listens on UDP 127.0.0.1:$1 (at most 5 s).
wait_udp() {
  for _ in $(seq 50); do ss -lun | grep -q "127.0.0.1:$1 " && return 0; sleep 0.1; done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

# On a shared loopback another program could hold a lab port and answer in the lab's place.
if ss -lunH | awk '{print $4}' | grep -qE '^127\.0\.0\.1:350[6-9][0-9]$'; then
  echo "a port in 127.0.0.1:35060-35099 is already in use" >&2; exit 1
fi

# The capture: the lab's ports only, whole packets, each written as it comes (--immediate-mode).
tcpdump -i lo -s 0 -U --immediate-mode -n -w "$work/capture.pcap" 'udp and portrange 35060-35099' 2>"$work/tcpdump.err" &
tcpdump_pid=$!; pids+=("$tcpdump_pid")
for _ in $(seq 50); do grep -q "listening on" "$work/tcpdump.err" && break; sleep 0.1; done

kamailio -f "$here/kamailio.cfg" -DD -E -w "$work" >"$work/kamailio.log" 2>&1 &
kamailio_pid=$!; pids+=("$kamailio_pid")
wait_udp 35060

# sipp_opts DIR: the tracing options every SIPp gets; each SIPp runs in its own directory.
sipp_opts() {
  echo -nostdin -trace_msg -message_file "$1/messages.log" -trace_stat -stf "$1/stat.csv" -fd 1 \
       -trace_counts -trace_screen -screen_file "$1/screen.log"
}

uas_pids=()
while read -r kind name port _; do
  [ "$kind" = uas ] || continue
  d="$work/uas_$name"; mkdir -p "$d"
  (cd "$d" && exec sipp -sf "$here/scenarios/uas_$name.xml" -i 127.0.0.1 -p "$port" $(sipp_opts "$d") \
      >/dev/null 2>"$d/stderr") &
  uas_pids+=($!); pids+=($!)
  wait_udp "$port"
done < <(grep -v '^#' "$here/plan.txt")

uac_pids=(); uac_names=()
while read -r kind name scenario user calls rate password port; do
  [ "$kind" = uac ] || continue
  d="$work/uac_$name"; mkdir -p "$d"
  (cd "$d" && exec sipp 127.0.0.1:35060 -sf "$here/scenarios/$scenario" -s "$user" -au alice -ap "$password" \
      -i 127.0.0.1 -p "$port" -m "$calls" -r "$rate" -rp 1000 -timeout 60s $(sipp_opts "$d") \
      >/dev/null 2>"$d/stderr") &
  uac_pids+=($!); uac_names+=("$name"); pids+=($!)
  sleep 0.2
done < <(grep -v '^#' "$here/plan.txt")

failed=0
for i in "${!uac_pids[@]}"; do
  rc=0; wait "${uac_pids[$i]}" || rc=$?
  echo "caller ${uac_names[$i]}: sipp exit $rc"
  [ "$rc" = 0 ] || failed=1
done
# Callees finish their calls and exit (SIGUSR1 is SIPp's soft exit); then the proxy, then the capture.
for p in "${uas_pids[@]}"; do kill -USR1 "$p" 2>/dev/null || true; done
for p in "${uas_pids[@]}"; do wait "$p" || true; done
kill "$kamailio_pid"; wait "$kamailio_pid" || true
sleep 1  # the capture's last packets reach tcpdump before it stops
kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" || true
pids=()
if [ "$failed" != 0 ]; then
  echo "a caller failed; its stderr and the proxy log:" >&2
  tail -n 20 "$work"/uac_*/stderr "$work/kamailio.log" >&2
  exit 1
fi

rm -rf "$out"; mkdir -p "$out/sipp"
cp "$work/capture.pcap" "$here/kamailio.cfg" "$out/"
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

{
  echo "- date (UTC): $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- system: Debian $(cat /etc/debian_version)"
  echo "- $(kamailio -v | head -1)"
  echo "- $( { sipp -v 2>&1 || true; } | grep -o 'SIPp v[^ ]*')"
  echo "- $(tcpdump --version 2>&1 | head -1)"
  echo "- $(tshark --version | head -1)"
} > "$work/versions"
sed -e "/@VERSIONS@/{r $work/versions" -e 'd}' "$here/SOURCES.md.in" > "$out/SOURCES.md"
python3 "$here/expected.py" "$out"
echo "wrote $out ($(stat -c %s "$out/capture.pcap") bytes of capture)"
