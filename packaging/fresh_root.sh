#!/usr/bin/env bash
# The fresh-machine check: for each Debian release, a minimal root (debootstrap --variant=minbase) with only
# python3 and python3-venv, the wheel of that release's CPython pip-installed into a virtualenv there (with
# pyarrow for records() and the pandas extra the report's timeline needs), and
# packaging/fresh_check.py run in it (demo, pcap scan, records() into pyarrow, report; no compiler, no -dev
# package, no bundled library on the system). Mirrors are read from this machine's apt and pip configuration.
#
# usage: packaging/fresh_root.sh DIST_DIR [SUITE...]     (default suites: bookworm trixie; root needed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dist="$(cd "${1:?usage: fresh_root.sh DIST_DIR [SUITE...]}" && pwd)"
shift
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie)
[ "$(id -u)" = 0 ] || { echo "fresh_root.sh needs root (debootstrap, chroot)"; exit 1; }
command -v debootstrap >/dev/null || { echo "fresh_root.sh needs debootstrap: apt-get install debootstrap"; exit 1; }

python=python3
mirror="$($python "$here/host_config.py" debian-mirror)"
cert="$($python "$here/host_config.py" pip-cert)"
work="$(mktemp -d "${TMPDIR:-/var/tmp}/logcodes-fresh.XXXXXX")"
trap 'rm -rf --one-file-system "$work"' EXIT

# One release: its root, the wheel of its CPython, the checks. Run in a subshell that unmounts what it mounted.
check_suite() {
  local suite="$1" start=$SECONDS
  root="$work/$1"   # not local: the EXIT trap runs after the function has returned
  trap 'umount -l "$root/dev" "$root/proc" 2>/dev/null || true' EXIT
  echo "== $suite: debootstrap --variant=minbase (python3 python3-venv) from the machine's Debian mirror"
  if ! debootstrap --variant=minbase --include=python3,python3-venv "$suite" "$root" "$mirror" >"$work/$suite.debootstrap.log" 2>&1; then
    tail -20 "$work/$suite.debootstrap.log"; echo "FAIL debootstrap $suite"; return 1
  fi
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  # pip inside the root uses this machine's index settings and CA bundle, nothing of its local files.
  if [ -n "$cert" ]; then
    mkdir -p "$root/etc/ssl/certs" && cp -L "$cert" "$root/etc/ssl/certs/host-ca-bundle.crt"
    $python "$here/host_config.py" pip-conf | sed 's#^cert = .*#cert = /etc/ssl/certs/host-ca-bundle.crt#' >"$root/etc/pip.conf"
  else
    $python "$here/host_config.py" pip-conf >"$root/etc/pip.conf"
  fi
  local tag wheels wheel version
  tag="$(chroot "$root" python3 -c 'import sys; print("cp%d%d" % sys.version_info[:2])')"
  shopt -s nullglob
  wheels=("$dist"/logcodes-*-"$tag"-"$tag"-manylinux*.whl)
  shopt -u nullglob
  [ ${#wheels[@]} = 1 ] || { echo "FAIL $suite has $tag: want one manylinux wheel for it in $dist, found ${#wheels[@]}"; return 1; }
  wheel="${wheels[0]}"
  version="$(basename "$wheel" | cut -d- -f2)"
  mkdir -p "$root/wheels" && cp "$wheel" "$root/wheels/" && cp "$here/fresh_check.py" "$root/fresh_check.py"
  echo "== $suite: $(chroot "$root" python3 --version), $(basename "$wheel")"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 ${HTTPS_PROXY:+HTTPS_PROXY=$HTTPS_PROXY} \
    ${HTTP_PROXY:+HTTP_PROXY=$HTTP_PROXY} /bin/sh -euc "
      python3 -m venv /opt/venv
      /opt/venv/bin/pip install -q '/wheels/$(basename "$wheel")[pandas]' pyarrow
      cd / && /opt/venv/bin/python /fresh_check.py $version"
  echo "== $suite: passed in $((SECONDS - start)) s"
}

# The releases side by side (the time goes to downloads and unpacking), each reported whole when done.
pids=()
for suite in "${suites[@]}"; do
  ( check_suite "$suite" ) >"$work/$suite.out" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!suites[@]}"; do
  wait "${pids[$i]}" || status=1
  cat "$work/${suites[$i]}.out"
done
[ $status = 0 ] && echo "fresh roots passed: ${suites[*]}" || echo "FAIL fresh roots: see above"
exit $status
