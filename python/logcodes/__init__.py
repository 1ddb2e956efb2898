"""logcodes — what went wrong in these logs, how often, and why.

Scan HTTP access logs (and, as formats land, SIP traces) and count response codes by class, code and more:

>>> import logcodes
>>> s = logcodes.scan(logcodes.samples.path("apache_combined"))
>>> s.counts("class")["5xx"]
3
>>> logcodes.codes.lookup("sip", 486).reason
'Busy Here'
"""

from __future__ import annotations

from importlib import metadata as _metadata

from . import causes, codes, filters, formats, rules, samples
from ._dims import DIMENSIONS
from .api import Detection, detect, detect_format, scan
from .errors import (CheckpointError, CorruptInputError, FormatError, InputError, LogcodesError, MixedInputError,
                     ReadError, RuleError, TruncatedInputError)
from ._records import COLUMNS as RECORD_COLUMNS, Records, records
from .follow import Follower, follow
from .stream import Stream
from .summary import FileInfo, InputProblem, Sample, Summary
from ._safe_text import raw_bytes

__version__ = _metadata.version("logcodes")  # written once, in pyproject.toml

__all__ = [
    "scan",
    "Stream",
    "records",
    "RECORD_COLUMNS",
    "Records",
    "filters",
    "follow",
    "Follower",
    "Summary",
    "Sample",
    "FileInfo",
    "InputProblem",
    "formats",
    "detect",
    "detect_format",
    "Detection",
    "codes",
    "causes",
    "rules",
    "samples",
    "DIMENSIONS",
    "raw_bytes",
    "LogcodesError",
    "FormatError",
    "RuleError",
    "InputError",
    "TruncatedInputError",
    "CorruptInputError",
    "ReadError",
    "CheckpointError",
    "MixedInputError",
    "__version__",
]
