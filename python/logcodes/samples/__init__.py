"""Real sample logs bundled with logcodes (see SOURCES.md beside this file for provenance).

>>> from logcodes import samples
>>> sorted(samples.names())
['apache_combined', 'nginx_lab', 'nginx_lab_errors', 'shop_nginx']
"""

from __future__ import annotations

import os
from typing import Dict, List

__all__ = ["path", "names", "paths"]

_FILES: Dict[str, str] = {
    "apache_combined": "apache_combined_2015.log.gz",
    "shop_nginx": "shop_nginx_2019.log.gz",
    # an nginx access log and the error log of the same requests (refused, slow and broken upstreams)
    "nginx_lab": "nginx_lab_access.log",
    "nginx_lab_errors": "nginx_lab_error.log",
}


def names() -> List[str]:
    """Names of the bundled samples."""
    return list(_FILES)


def path(name: str) -> str:
    """File path of a bundled sample."""
    if name not in _FILES:
        raise ValueError(f"unknown sample {name!r}; samples: {', '.join(_FILES)}")
    return os.path.join(os.path.dirname(__file__), _FILES[name])


def paths() -> List[str]:
    """The bundled access-log samples (the error log is not one)."""
    return [path(n) for n in _FILES if not n.endswith("_errors")]
