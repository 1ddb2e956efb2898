"""Real sample logs bundled with logcodes (see SOURCES.md beside this file for provenance).

>>> from logcodes import samples
>>> sorted(samples.names())
['apache_combined', 'kamailio_lab', 'nginx_lab', 'nginx_lab_errors', 'nginx_proxy', 'nginx_proxy_errors', 'shop_nginx', 'tomcat_lab', 'tomcat_lab_errors']
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple

__all__ = ["path", "names", "paths", "format_of"]

_FILES: Dict[str, str] = {
    "apache_combined": "apache_combined_2015.log.gz",
    "shop_nginx": "shop_nginx_2019.log.gz",
    # an nginx access log and the error log of the same requests (refused, slow and broken upstreams)
    "nginx_lab": "nginx_lab_access.log",
    "nginx_lab_errors": "nginx_lab_error.log",
    # nginx as a reverse proxy with upstream status and request time logged (durations: latency quantiles)
    "nginx_proxy": "nginx_proxy_access.log",
    "nginx_proxy_errors": "nginx_proxy_error.log",
    # Tomcat 10.1: a WAR under /shop and a ROOT app with broken JSPs and a failing servlet; its localhost log
    "tomcat_lab": "tomcat_lab_access.log",
    "tomcat_lab_errors": "tomcat_lab_localhost.log.gz",
    # SIP through Kamailio with 407/401 challenges, parallel forking and a redirect (tcpdump capture)
    "kamailio_lab": "kamailio_lab_capture.pcap",
}


# Samples written in a format of their own: the server's format string, as in its config.
_FORMATS: Dict[str, Tuple[str, str]] = {
    "nginx_proxy": ("nginx", '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                             '"$http_referer" "$http_user_agent" $upstream_status $request_time'),
}


def format_of(name: str) -> Any:
    """The format to scan a sample with: ``"auto"``, or for a sample in a format of its own the format compiled
    from its server's config (``nginx_proxy``: the ``log_format upstream`` of its nginx.conf, with
    ``$request_time``, so its durations are read).

    >>> format_of("nginx_proxy").fields[-1]
    'request_time'
    """
    path(name)  # an unknown name raises
    if name not in _FORMATS:
        return "auto"
    from .. import formats

    kind, text = _FORMATS[name]
    return formats.compile(kind, text)


def names() -> List[str]:
    """Names of the bundled samples."""
    return list(_FILES)


def path(name: str) -> str:
    """File path of a bundled sample."""
    if name not in _FILES:
        raise ValueError(f"unknown sample {name!r}; samples: {', '.join(_FILES)}")
    return os.path.join(os.path.dirname(__file__), _FILES[name])


def paths() -> List[str]:
    """The bundled access-log samples and captures (the error logs are not among them)."""
    return [path(n) for n in _FILES if not n.endswith("_errors")]
