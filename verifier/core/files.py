"""Output files: validated before the work starts, written atomically after it.

NOTE(output-files): every file ccverify writes goes through :func:`check_output_path`
(at start-up, so a long run never fails at its end on a bad path) and :func:`atomic_write`
(a temporary file in the same directory, renamed when complete, so an interrupted run never
leaves a truncated file under its final name).  ``-`` means standard output where a command
says so.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable

from dsl.errors import UsageError

STDOUT = "-"


def check_output_path(
    flag: str,
    path: str | None,
    *,
    protect: Iterable[str] = (),
    allow_stdout: bool = False,
    suffixes: tuple[str, ...] = (),
) -> None:
    """Raise :class:`UsageError` unless ``path`` can be written: not empty, not a directory,
    in an existing writable directory, not one of the ``protect`` files (the models), with
    one of ``suffixes`` when given.  None means the option was not given."""
    if path is None:
        return
    if path == "":
        raise UsageError(f"{flag}: the file name is empty")
    if path == STDOUT:
        if allow_stdout:
            return
        raise UsageError(f"{flag} -: this option cannot write to standard output")
    if suffixes and not path.lower().endswith(suffixes):
        raise UsageError(f"{flag} {path}: the file must end in {' or '.join(suffixes)}")
    absolute = os.path.abspath(path)
    for other in protect:
        if os.path.abspath(other) == absolute:
            raise UsageError(f"{flag} {path}: refusing to overwrite the model file {other}")
    if os.path.isdir(path):
        raise UsageError(f"{flag} {path}: is a directory")
    folder = os.path.dirname(absolute)
    if not os.path.isdir(folder):
        raise UsageError(f"{flag} {path}: no such directory {folder}")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"{flag} {path}: cannot write there (permission denied)")


def atomic_write(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` completely or not at all (``-``: standard output).
    Raises OSError on failure, leaving no partial file under ``path``."""
    if path == STDOUT:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        sys.stdout.flush()
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ccverify-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode() if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
