#!/usr/bin/env python3
"""Put the licence texts of the libraries ``auditwheel repair`` bundled into the repaired wheel.

usage: wheel_licences.py REPAIRED_WHEEL OUT_DIR

Each library in ``logcodes.libs/`` is traced to the Debian package it was copied from (``dpkg -S``); the
package's copyright file (which holds or names its licences) and every common licence text it refers to go
into ``<dist-info>/licenses/``, with a NOTICE that lists what is bundled, from which package and version.
The wheel's RECORD is written anew. What is bundled depends on the build machine, so this is read from the
wheel, never written by hand.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB_DIRS = ("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib")


def _system_copy(bundled: str) -> Optional[str]:
    """``libre2-d7184d99.so.9.0.0`` (auditwheel's renamed copy) -> ``/usr/lib/x86_64-linux-gnu/libre2.so.9.0.0``."""
    m = re.match(r"(.+)-[0-9a-f]{8}(\.so.*)$", bundled)
    if not m:
        return None
    name = m.group(1) + m.group(2)
    for d in LIB_DIRS:
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    return None


def _package(path: str) -> Tuple[str, str]:
    """(Debian package, its source package and version) that installed ``path`` (usr-merged paths are tried
    both ways)."""
    candidates = [path, os.path.realpath(path)]
    candidates += [c.replace("/usr/lib/", "/lib/", 1) if c.startswith("/usr/lib/") else "/usr" + c for c in list(candidates)]
    for c in candidates:
        out = subprocess.run(["dpkg-query", "-S", c], capture_output=True, text=True)
        if out.returncode == 0:
            pkg = out.stdout.split(":", 1)[0].strip()
            source = subprocess.run(["dpkg-query", "-W", "-f", "${source:Package} ${source:Version}", pkg],
                                    capture_output=True, text=True).stdout.strip()
            return pkg, source
    raise SystemExit(f"cannot tell which Debian package installed {path}: its licence cannot be shipped")


def _licences(copyright_text: str) -> List[str]:
    """The common licence texts a Debian copyright file refers to (``/usr/share/common-licenses/GPL-2``)."""
    names = {n.rstrip(".") for n in re.findall(r"/usr/share/common-licenses/([A-Za-z0-9.+-]+)", copyright_text)}
    return sorted(n for n in names if os.path.isfile(f"/usr/share/common-licenses/{n}"))


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def main(wheel: str, out_dir: str) -> str:
    with zipfile.ZipFile(wheel) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    dist_info = next(i.filename.split("/")[0] for i, _ in entries if i.filename.endswith(".dist-info/METADATA"))
    bundled = sorted(os.path.basename(i.filename) for i, _ in entries
                     if i.filename.startswith("logcodes.libs/") and not i.filename.endswith("/"))
    added: Dict[str, bytes] = {}
    rows = []
    common: Dict[str, bytes] = {}
    for lib in bundled:
        path = _system_copy(lib)
        if path is None:
            raise SystemExit(f"{lib}: not found on this machine; cannot trace its licence")
        pkg, source = _package(path)
        text = open(f"/usr/share/doc/{pkg}/copyright", "rb").read()
        added[f"{dist_info}/licenses/bundled/{pkg}.copyright"] = text
        for name in _licences(text.decode("utf-8", "replace")):
            common[name] = open(f"/usr/share/common-licenses/{name}", "rb").read()
        rows.append(f"  logcodes.libs/{lib}\n      {os.path.basename(path)} of Debian package {pkg} (source package "
                    f"{source}); licence: licenses/bundled/{pkg}.copyright")
    for name, text in common.items():
        added[f"{dist_info}/licenses/common-licenses/{name}"] = text
    notice = open(os.path.join(ROOT, "NOTICE"), encoding="utf-8").read().rstrip("\n")
    notice += ("\n\nThis binary wheel bundles the following libraries, copied by auditwheel from the build "
               "machine's Debian\npackages (only their file names, sonames and RPATH changed). Each one's copyright "
               "and licence terms\n(Debian's copyright file) are in licenses/bundled/, and the full texts of the "
               "common licences those\nfiles refer to in licenses/common-licenses/. The corresponding source code is "
               "in the Debian source\npackage and version named.\n\n" + "\n".join(rows) + "\n")
    added[f"{dist_info}/licenses/NOTICE"] = notice.encode()
    if f"{dist_info}/licenses/LICENSE" not in {i.filename for i, _ in entries}:
        added[f"{dist_info}/licenses/LICENSE"] = open(os.path.join(ROOT, "LICENSE"), "rb").read()

    record_name = f"{dist_info}/RECORD"
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, os.path.basename(wheel))
    records = []
    with zipfile.ZipFile(out + ".part", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            if info.filename in (record_name, *added):
                continue
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
            if not info.filename.endswith("/"):
                records.append(_record_line(info.filename, data))
        for name, data in sorted(added.items()):
            zf.writestr(name, data)
            records.append(_record_line(name, data))
        zf.writestr(record_name, "\n".join(records + [f"{record_name},,"]) + "\n")
    os.replace(out + ".part", out)
    print(f"{out}: {len(bundled)} bundled libraries, {len(added)} licence files")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
