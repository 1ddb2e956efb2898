#!/usr/bin/env python3
"""The package mirrors this machine is set up with, read at run time (nothing is written into the repository).

``host_config.py debian-mirror``  the Debian archive URL of the machine's apt sources (deb822 ``*.sources`` or
                                  one-line ``*.list``): the first ``deb`` source that serves the host's own
                                  release and is not the security archive. ``$DEBIAN_MIRROR`` wins.
``host_config.py pip-conf``       a pip.conf for a fresh root: the machine's own index settings (``pip config
                                  list`` and ``PIP_*``) that point at a network index, and its CA bundle; local
                                  ``file://`` indexes, find-links and constraints of this machine are left out.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import subprocess
import sys
from typing import Dict, Iterator, List, Optional, Tuple


def _os_codename() -> str:
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                if key == "VERSION_CODENAME":
                    return value.strip('"')
    except OSError:
        pass
    return ""


def _sources() -> Iterator[Tuple[str, List[str], List[str]]]:
    """(uri, suites, types) of every apt source apt itself reads (``*.list`` and ``*.sources`` only)."""
    files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
    for path in files:
        try:
            lines = open(path, encoding="utf-8").read().splitlines()
        except OSError:
            continue
        for line in lines:
            # deb [ options ] uri suite [component...]; the options may hold spaces
            words = re.sub(r"\[[^\]]*\]", " ", line.split("#", 1)[0]).split()
            if len(words) >= 3 and words[0] in ("deb", "deb-src"):
                yield words[1], [words[2]], [words[0]]
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        try:
            text = open(path, encoding="utf-8").read()
        except OSError:
            continue
        for stanza in text.split("\n\n"):
            fields: Dict[str, str] = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line:
                    continue
                key, _, value = line.partition(":")
                fields[key.strip().lower()] = value.strip()
            if fields.get("enabled", "yes").lower() == "no":
                continue
            for uri in fields.get("uris", "").split():
                yield uri, fields.get("suites", "").split(), fields.get("types", "deb").split()


def debian_mirror() -> str:
    if os.environ.get("DEBIAN_MIRROR"):
        return os.environ["DEBIAN_MIRROR"]
    codename = _os_codename()
    candidates = [(uri, suites) for uri, suites, types in _sources() if "deb" in types
                  and uri.startswith(("http://", "https://")) and not any(s.endswith("-security") for s in suites)]
    for uri, suites in candidates:
        if codename and codename in suites:
            return uri.rstrip("/")
    if candidates:
        return candidates[0][0].rstrip("/")
    raise SystemExit("no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/: set DEBIAN_MIRROR")


def _pip_settings() -> Dict[str, str]:
    """``{"index-url": ..., "extra-index-url": ..., "cert": ...}`` as pip on this machine sees them."""
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True)
    settings: Dict[str, str] = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition("=")
        name = key.rsplit(".", 1)[-1]
        try:
            value = " ".join(shlex.split(value))
        except ValueError:
            value = value.strip("'\"")
        settings[name] = value  # later lines (environment) override earlier ones (files), as pip does
    return settings


def pip_conf(cert_copy: Optional[str] = None) -> str:
    settings = _pip_settings()
    lines = ["[global]"]
    for key in ("index-url", "extra-index-url", "trusted-host"):
        urls = [u for u in settings.get(key, "").split() if key == "trusted-host" or u.startswith(("http://", "https://"))]
        if urls:
            lines.append(f"{key} = {' '.join(urls)}")
    cert = settings.get("cert")
    if cert and os.path.isfile(cert):
        lines.append(f"cert = {cert_copy or cert}")
    timeout = settings.get("default-timeout") or settings.get("timeout")
    if timeout:
        lines.append(f"timeout = {timeout}")
    return "\n".join(lines) + "\n"


def pip_cert() -> str:
    """The CA bundle pip uses here ('' when pip uses its own)."""
    cert = _pip_settings().get("cert", "")
    return cert if cert and os.path.isfile(cert) else ""


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "debian-mirror":
        print(debian_mirror())
    elif what == "pip-conf":
        sys.stdout.write(pip_conf())
    elif what == "pip-cert":
        print(pip_cert())
    else:
        raise SystemExit(__doc__)
