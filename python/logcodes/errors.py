"""The exception hierarchy, registered in one place.

Each error subclasses both :class:`LogcodesError` and the matching builtin, so ``except ValueError`` or
``except EOFError`` keeps working for callers who do not know this library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # pragma: no cover
    from .summary import Summary

__all__ = [
    "LogcodesError",
    "FormatError",
    "RuleError",
    "InputError",
    "TruncatedInputError",
    "CorruptInputError",
    "ReadError",
    "CheckpointError",
    "MixedInputError",
]


class LogcodesError(Exception):
    """Base class of every error raised by logcodes."""


class FormatError(LogcodesError, ValueError):
    """A log format (name or format string) is unknown or malformed.

    For a format string, ``text`` is the string, ``position`` the offset of the offending token and
    ``token`` the token itself.
    """

    def __init__(self, message: str, *, text: Optional[str] = None, position: Optional[int] = None,
                 token: Optional[str] = None):
        super().__init__(message)
        self.text = text
        self.position = position
        self.token = token


class RuleError(LogcodesError, ValueError):
    """A cause rule is malformed (bad pattern, missing name, unknown code); the message names the rule."""


class InputError(LogcodesError):
    """An input could not be read to its end.

    Nothing already read is lost: ``summary`` holds the counts of everything scanned before (and besides)
    the failure, ``path`` and ``offset`` say where it happened (``offset`` is a byte offset in the file;
    for compressed files, in the compressed bytes).
    """

    def __init__(self, message: str, *, path: str = "", offset: int = 0, summary: Optional["Summary"] = None):
        super().__init__(message)
        self.path = path
        self.offset = offset
        self.summary = summary


class TruncatedInputError(InputError, EOFError):
    """An input ends before it should: a compressed stream before its end-of-stream marker (a cut or
    still-being-written file), or a plain file that shrank while it was scanned (rotated by truncation)."""


class CorruptInputError(InputError, ValueError):
    """A compressed input holds data its decoder rejects."""


class ReadError(InputError, OSError):
    """The operating system failed to read an input."""


class CheckpointError(LogcodesError, ValueError):
    """A follow checkpoint file is not one ``follow`` wrote, or was damaged; the message names the file."""


class MixedInputError(LogcodesError, ValueError):
    """Error logs and access logs were given together as main inputs: events are no responses.

    Pass the error logs with ``errors=`` to explain the access logs' errors, or scan them alone to count
    their events. ``summary`` holds the responses read (the error logs' events left out of it).
    """

    def __init__(self, message: str, *, summary: Optional["Summary"] = None):
        super().__init__(message)
        self.summary = summary


# The one table from the core's error kinds to exceptions. The OS errors of a path (it vanished, is a
# directory, cannot be opened) are the builtin ones, raised as they are; what happens part-way through an
# input is an InputError that keeps the counts read.
_OS_ERRORS = {"not_found": (FileNotFoundError, "ENOENT"), "is_directory": (IsADirectoryError, "EISDIR"),
              "permission": (PermissionError, "EACCES")}
_INPUT_ERRORS = {"truncated": TruncatedInputError, "corrupt": CorruptInputError}


def from_core(kind: str, path: str, offset: int, message: str) -> Exception:
    """The exception for a core error ``(kind, path, offset, message)`` (``FileReport.problem``).

    >>> e = from_core("truncated", "a.gz", 10, "gzip stream ends early")
    >>> type(e).__name__, str(e)
    ('TruncatedInputError', 'a.gz: gzip stream ends early (at byte 10)')
    """
    import errno

    if kind in _OS_ERRORS:
        cls, code = _OS_ERRORS[kind]
        return cls(getattr(errno, code), message, path)
    error_cls = _INPUT_ERRORS.get(kind, ReadError)
    return error_cls(f"{path}: {message} (at byte {offset})", path=path, offset=offset)


def is_os_error(kind: str) -> bool:
    """Whether a core error kind is about the path itself (raised at once) rather than its content."""
    return kind in _OS_ERRORS
