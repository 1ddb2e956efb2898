#!/usr/bin/env bash
# nginx as a reverse proxy shaped like production, for upstream error causes. A real nginx (Debian's) runs in a
# network namespace this script creates, with only a loopback interface: 192.0.2.0/24 (a documentation
# network) is routed "unreachable" (connect() fails with 113) and 203.0.113.0/24 has no route (101), so no packet
# ever leaves the namespace. Its upstreams (backends.py, in the namespace too) refuse (closed port), are
# unreachable, time out connecting (an accept queue kept full; a blackhole route would fail connect() at once
# with EINVAL instead), time out reading, close early, send half a status line, reset, send an invalid header or
# a 16 KiB header, or are a pool whose members all refuse (then "no live upstreams"); a body over
# client_max_body_size gets 413 and limit_req 503. requests.txt is sent in order with pauses (~15 s). Kept in
# tests/data/lab_nginx_proxy/: the combined access log, one with `$upstream_status $request_time`, error.log
# (default level), the nginx.conf used, VERSION, SOURCES.md and EXPECTED.json (from requests.txt and the
# answers, not from logcodes). Needs root (ip netns); installs nginx-light when missing. Re-runnable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_nginx_proxy"
[ "$(id -u)" = 0 ] || { echo "the lab creates a network namespace: run it as root" >&2; exit 1; }
command -v nginx >/dev/null || apt-get install -y -qq nginx-light >/dev/null
work="$(mktemp -d)"
ns="logcodes-nginx-$$"
port=28480
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  [ -n "${backends_pid:-}" ] && kill "$backends_pid" 2>/dev/null
  sleep 0.3
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
inns() { ip netns exec "$ns" "$@"; }
ip netns add "$ns"
inns ip link set lo up
inns ip route add unreachable 192.0.2.0/24
mkdir -p "$work/tmp" "$out"
chmod 755 "$work"  # nginx workers run as www-data
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@APP@|$((port + 1))|g" -e "s|@FULL@|$((port + 2))|g" \
    -e "s|@SLOW@|$((port + 3))|g" -e "s|@CLOSES@|$((port + 4))|g" -e "s|@HALF@|$((port + 5))|g" \
    -e "s|@RESETS@|$((port + 6))|g" -e "s|@INVALID@|$((port + 7))|g" -e "s|@BIG@|$((port + 8))|g" \
    -e "s|@REFUSED@|$((port + 9))|g" -e "s|@POOL1@|$((port + 10))|g" -e "s|@POOL2@|$((port + 11))|g" \
    "$here/nginx.conf.in" > "$work/nginx.conf"
ip netns exec "$ns" python3 "$here/backends.py" "$port" "$work/ready" & backends_pid=$!  # not via inns: $! must be python
for _ in $(seq 1 50); do [ -f "$work/ready" ] && break; sleep 0.1; done
inns nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3
version="$(nginx -v 2>&1 | sed 's/.*: //')"
inns python3 "$here/../send_requests.py" "$here/requests.txt" "http://127.0.0.1:$port" "$out" --server "$version" ||
  { echo "--- the server's error log:" >&2; cat "$work/error.log" >&2; exit 1; }
kill "$(cat "$work/nginx.pid")"; sleep 0.5
rm -f "$work/nginx.pid"
for f in access_combined.log access_upstream.log error.log; do cp "$work/$f" "$out/$f"; done
sed -e "s|$work|/tmp/nginx-proxy-lab|g" "$work/nginx.conf" > "$out/nginx.conf"
echo "$version" > "$out/VERSION"
sed -e "s|@VERSION@|$version|" -e "s|@DATE@|$(date -u +%Y-%m-%d)|" "$here/SOURCES.md.in" > "$out/SOURCES.md"
chmod 644 "$out"/*
