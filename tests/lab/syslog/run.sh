#!/usr/bin/env bash
# A real nginx (Debian's) sends its access and error lines to a real rsyslog over UDP (`access_log
# syslog:server=...`, RFC 3164) and to plain files; rsyslog writes them with its traditional, RFC 3339 and
# RFC 5424 file templates, as they arrived (%rawmsg%), and forwards them over TCP with RFC 6587 octet
# counting. Everything lands in tests/data/lab_syslog/ with both configs. Re-runnable; about 10 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_syslog"
if [ "$(id -u)" = 0 ]; then
    command -v nginx >/dev/null || apt-get install -y -qq nginx-light >/dev/null
    command -v rsyslogd >/dev/null || apt-get install -y -qq rsyslog >/dev/null
fi
work="$(mktemp -d)"
port=28180 udp=28514 tcp=28601
cleanup() {
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
    [ -f "$work/rsyslog.pid" ] && kill "$(cat "$work/rsyslog.pid")" 2>/dev/null
    kill "${receiver_pid:-0}" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/tmp" "$work/spool" "$work/html/static" "$out"
chmod 755 "$work" "$work/html" "$work/html/static"  # nginx workers run as www-data
echo hello > "$work/html/static/index.html"
subst() { sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@UDP@|$udp|g" -e "s|@TCP@|$tcp|g" "$1"; }
subst "$here/nginx.conf.in" > "$work/nginx.conf"
subst "$here/rsyslog.conf.in" > "$work/rsyslog.conf"
python3 "$here/receive_tcp.py" "$tcp" "$work/access_octet_counted.log" & receiver_pid=$!
rsyslogd -f "$work/rsyslog.conf" -i "$work/rsyslog.pid"
sleep 1
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3
base="http://127.0.0.1:$port"
get() { curl -s -o /dev/null -A "logcodes-lab/1.0 (\"quoted\")" "$@" || true; }
for i in $(seq 1 20); do get "$base/static/index.html"; done                            # 200 x20
for i in $(seq 1 6); do get "$base/static/missing-$i.css"; done                         # 404 x6
for p in forbidden forbidden gone moved teapot oops oops busy; do get "$base/$p"; done  # 403 403 410 301 418 500 500 503
get "$base/a%20b/with spaces?q=\"x\""                                                    # odd URI: 400
printf 'GARBAGE\r\n\r\n' | timeout 2 bash -c "cat > /dev/tcp/127.0.0.1/$port" || true   # 400 bad request
sleep 1
kill "$(cat "$work/nginx.pid")"; sleep 0.5
kill "$(cat "$work/rsyslog.pid")"; sleep 1    # rsyslog writes its queues out before it exits
kill "$receiver_pid"; sleep 0.2
for f in access_combined.log access_wire.log access_traditional.log access_rfc3339.log access_rfc5424.log \
         access_octet_counted.log error.log error_rfc3339.log; do cp "$work/$f" "$out/$f"; done
sed -e "s|$work|/tmp/syslog-lab|g" "$work/nginx.conf" > "$out/nginx.conf"
sed -e "s|$work|/tmp/syslog-lab|g" "$work/rsyslog.conf" > "$out/rsyslog.conf"
{ nginx -v 2>&1 | sed "s/.*\//nginx /"; rsyslogd -v | head -1 | sed "s/ *compiled with://"; } > "$out/VERSION"
wc -l "$out"/*.log
