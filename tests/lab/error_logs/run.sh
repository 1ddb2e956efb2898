#!/usr/bin/env bash
# Error logs of real servers as main inputs: a real Tomcat (Debian's tomcat10) started with catalina.sh, so its
# console (JULI OneLineFormatter, log4j lines of an application, stdout, printed stack traces) goes to
# catalina.out; its localhost log written by java.util.logging's SimpleFormatter (the older two-line layout);
# the application's own log4j file; a real PHP CLI's error_log and a PHP-FPM master's log; and Python
# logging output (basicConfig's default layout, an asctime layout and uncaught tracebacks). Kept in
# tests/data/lab_error_logs/. Re-runnable; about 40 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../data/lab_error_logs"
home=/usr/share/tomcat10
need() { command -v "$1" >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq "$2" >/dev/null; }; }
[ -x "$home/bin/catalina.sh" ] || { [ "$(id -u)" = 0 ] && apt-get install -y -qq tomcat10 >/dev/null; }
[ -e /usr/share/java/log4j-core.jar ] || { [ "$(id -u)" = 0 ] && apt-get install -y -qq liblog4j2-java >/dev/null; }
need php php-cli
ls /usr/sbin/php-fpm* >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq php-fpm >/dev/null; }
base="$(mktemp -d)"
port=28480 shutdown_port=28405
cleanup() {
    CATALINA_BASE="$base" CATALINA_HOME="$home" "$home/bin/catalina.sh" stop 5 -force >/dev/null 2>&1 || true
    [ -f "$base/fpm.pid" ] && kill "$(cat "$base/fpm.pid")" 2>/dev/null || true
    rm -rf "$base"
}
trap cleanup EXIT
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.out

# --- Tomcat ---------------------------------------------------------------------------------------------
mkdir -p "$base"/{conf,logs,temp,work,webapps/ROOT/WEB-INF/lib,webapps/ROOT/WEB-INF/classes}
cp -r /etc/tomcat10/* "$base/conf/"
sed -i -e "s/port=\"8005\"/port=\"$shutdown_port\"/" -e "s/port=\"8080\"/port=\"$port\" address=\"127.0.0.1\"/" "$base/conf/server.xml"
# Upstream Tomcat's console layout (Debian's default writes for systemd), and the localhost log in JUL's
# SimpleFormatter layout.
sed -i -e 's/^java.util.logging.ConsoleHandler.formatter = .*/java.util.logging.ConsoleHandler.formatter = org.apache.juli.OneLineFormatter/' \
       -e '/^2localhost.org.apache.juli.AsyncFileHandler.formatter/d' "$base/conf/logging.properties"
echo "2localhost.org.apache.juli.AsyncFileHandler.formatter = java.util.logging.SimpleFormatter" >> "$base/conf/logging.properties"
cp "$here"/webapp/app.jsp "$here"/../tomcat/webapp/*.jsp "$base/webapps/ROOT/"
cp "$here/webapp/log4j2.xml" "$base/webapps/ROOT/WEB-INF/classes/"
cp /usr/share/java/log4j-api.jar /usr/share/java/log4j-core.jar "$base/webapps/ROOT/WEB-INF/lib/"
export CATALINA_BASE="$base" CATALINA_HOME="$home" CATALINA_PID="$base/tomcat.pid" CATALINA_OUT="$base/logs/catalina.out"
"$home/bin/catalina.sh" start >/dev/null
for i in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$port/good.jsp" && break; sleep 0.5; done
get() { curl -s -o /dev/null "http://127.0.0.1:$port/$1" || true; }
get "app.jsp"; get "app.jsp?what=warn"; get "app.jsp?what=fail"; get "app.jsp?what=print"; get "app.jsp?what=fail"
get broken.jsp; get npe.jsp; get npe.jsp; get divide.jsp
sleep 1
"$home/bin/catalina.sh" stop 10 >/dev/null 2>&1 || true
sleep 1
cp "$base/logs/catalina.out" "$out/catalina.out"
cp "$base"/logs/localhost.*.log "$out/localhost_simple.log"
cp "$base/logs/app.log" "$out/app_log4j.log"

# --- PHP ------------------------------------------------------------------------------------------------
cat > "$base/errors.php" <<'PHP'
<?php
echo $undefined_var;
$a = [];
echo $a["missing"];
trigger_error("a deprecated call", E_USER_DEPRECATED);
trigger_error("an old notice", E_USER_NOTICE);
error_log("payment callback rejected: bad signature");
function total(int $x) { return $x; }
try { total("abc"); } catch (TypeError $e) { error_log("caught: " . $e->getMessage()); }
strlen();
PHP
echo '<?php undefined_function();' > "$base/fatal.php"
echo '<?php $x = ;' > "$base/parse.php"
for f in errors fatal parse; do
    php -d log_errors=1 -d error_log="$out/php_error.log" -d display_errors=0 -d error_reporting=-1 \
        -d date.timezone=UTC "$base/$f.php" >/dev/null 2>&1 || true
done
fpm="$(ls /usr/sbin/php-fpm* | head -1)"
cat > "$base/fpm.conf" <<CONF
[global]
pid = $base/fpm.pid
error_log = $base/php-fpm.log
log_level = notice
[www]
user = www-data
group = www-data
listen = 127.0.0.1:28490
pm = static
pm.max_children = 2
catch_workers_output = yes
php_admin_value[error_log] = /dev/stderr
php_admin_flag[log_errors] = on
CONF
"$fpm" -n -y "$base/fpm.conf" -D
sleep 1
# A worker killed under it: the master logs the signal and starts another.
pkill -9 -P "$(cat "$base/fpm.pid")" -n || true
sleep 1
kill -USR2 "$(cat "$base/fpm.pid")"   # reload
sleep 1
kill -TERM "$(cat "$base/fpm.pid")"
sleep 1
cp "$base/php-fpm.log" "$out/php_fpm.log"

# --- Python ---------------------------------------------------------------------------------------------
cd "$base"
python3 - <<'PY' 2> "$out/python_basic.log" || true
import logging
logging.basicConfig()  # the default layout: LEVEL:name:message
log = logging.getLogger("shop.checkout")
log.warning("stock low for item 17")
logging.error("payment backend unreachable")
try:
    {}["cart"]
except KeyError:
    log.exception("checkout failed")
try:
    try:
        int("x")
    except ValueError as e:
        raise RuntimeError("bad quantity") from e
except RuntimeError:
    logging.getLogger("shop.api").critical("request aborted", exc_info=True)
raise ConnectionRefusedError(111, "Connection refused")
PY
python3 - <<'PY' 2> "$out/python_asctime.log" || true
import logging
logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
log = logging.getLogger("worker")
log.info("job 1 started")
log.warning("retrying job 1 (attempt 2)")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("job 1 failed")
log.error("gave up on job 1")
PY
"$home/bin/version.sh" 2>/dev/null | grep -E "Server version|JVM Version" > "$out/VERSION" || true
{ php -v | head -1; "$fpm" -v | head -1; python3 --version; } >> "$out/VERSION"
ls -l "$out"
