#!/usr/bin/env bash
# Apache httpd as a reverse proxy shaped like production, for upstream error causes. A real Apache (Debian's
# apache2 with mod_proxy, mod_proxy_http and mod_proxy_balancer; LogLevel warn, the default) runs in a network
# namespace this script creates, with only a loopback interface: 192.0.2.0/24 is routed "unreachable" (113) and
# 203.0.113.0/24 has no route (101), so no packet ever leaves the namespace. Its upstreams (the nginx lab's
# backends.py, in the namespace too) refuse, are unreachable, time out connecting (full accept queue) or reading,
# close early, send half a status line, reset, send an invalid or a 16 KiB header, or are a balancer whose members
# all refuse (then "All workers are in error state"). retry=0 on the workers whose connect fails, so each
# request meets the failure itself (see httpd.conf.in). requests.txt is sent in order, the failures 2 s apart
# (~40 s): Apache's proxy messages name no request, so only time joins them to the access log. Kept in
# tests/data/lab_apache_proxy/: access.log (combined), error_log (default ErrorLogFormat), the httpd.conf used,
# VERSION, SOURCES.md and EXPECTED.json (from requests.txt and the answers, not from logcodes). Needs root (ip
# netns); installs apache2 when missing. Re-runnable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_apache_proxy"
[ "$(id -u)" = 0 ] || { echo "the lab creates a network namespace: run it as root" >&2; exit 1; }
command -v apache2 >/dev/null || apt-get install -y -qq apache2 >/dev/null
work="$(mktemp -d)"
ns="logcodes-apache-$$"
port=28580
cleanup() {
  [ -f "$work/httpd.pid" ] && kill "$(cat "$work/httpd.pid")" 2>/dev/null
  [ -n "${backends_pid:-}" ] && kill "$backends_pid" 2>/dev/null
  sleep 0.5
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
inns() { ip netns exec "$ns" "$@"; }
ip netns add "$ns"
inns ip link set lo up
inns ip route add unreachable 192.0.2.0/24
mkdir -p "$work/html" "$out"
chmod 755 "$work" "$work/html"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@APP@|$((port + 1))|g" -e "s|@FULL@|$((port + 2))|g" \
    -e "s|@SLOW@|$((port + 3))|g" -e "s|@CLOSES@|$((port + 4))|g" -e "s|@HALF@|$((port + 5))|g" \
    -e "s|@RESETS@|$((port + 6))|g" -e "s|@INVALID@|$((port + 7))|g" -e "s|@BIG@|$((port + 8))|g" \
    -e "s|@REFUSED@|$((port + 9))|g" -e "s|@POOL1@|$((port + 10))|g" -e "s|@POOL2@|$((port + 11))|g" \
    "$here/httpd.conf.in" > "$work/httpd.conf"
ip netns exec "$ns" python3 "$here/../nginx_proxy/backends.py" "$port" "$work/ready" & backends_pid=$!  # not via inns: $! must be python
for _ in $(seq 1 50); do [ -f "$work/ready" ] && break; sleep 0.1; done
APACHE_RUN_DIR="$work" APACHE_LOCK_DIR="$work" inns apache2 -f "$work/httpd.conf" -k start
sleep 0.5
version="$(apache2 -v | sed -n 's/^Server version: //p')"
inns python3 "$here/../send_requests.py" "$here/requests.txt" "http://127.0.0.1:$port" "$out" --server "$version" ||
  { echo "--- the server's error log:" >&2; cat "$work/error.log" >&2; exit 1; }
sleep 0.5
kill "$(cat "$work/httpd.pid")"; sleep 1
rm -f "$work/httpd.pid"
cp "$work/access.log" "$out/access.log"
cp "$work/error.log" "$out/error_log"
sed -e "s|$work|/tmp/apache-proxy-lab|g" "$work/httpd.conf" > "$out/httpd.conf"
echo "$version" > "$out/VERSION"
sed -e "s|@VERSION@|$version|" -e "s|@DATE@|$(date -u +%Y-%m-%d)|" "$here/SOURCES.md.in" > "$out/SOURCES.md"
chmod 644 "$out"/*
